//! Process metrics through the official Prometheus client (`prometheus-client`), rendered
//! in the Prometheus text format (0.0.4) at `/metrics`.
//!
//! Each server instance owns its own [`Metrics`] and registry, so several servers in one
//! process (as in tests) never share counters, and nothing global is installed. Counters and
//! gauges are the library's, each one atomic, updated with a relaxed `fetch_add` or `store`
//! as before; the tick histogram is the library's too (see ARCHITECTURE.md, Decisions, for
//! what that costs the tick).

use prometheus_client::{
    encoding::{EncodeLabelSet, prometheus_text},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};
use tickwire::CloseReason;

/// Upper bounds of the tick-duration histogram buckets, in seconds.
const TICK_BUCKETS: [f64; 12] = [
    0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1,
];

/// The content type of [`Metrics::render`]'s text.
pub(crate) const CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

/// Counters and gauges of one server. Each field is a handle on what the registry renders.
#[derive(Debug)]
pub struct Metrics {
    /// Open WebSocket sessions.
    pub connections: Gauge,
    /// Rooms that exist.
    pub rooms: Gauge,
    /// Players seated in rooms.
    pub players: Gauge,
    /// Room ticks run, summed over rooms.
    pub ticks: Counter,
    /// Whole tick periods the simulation thread skipped after falling behind.
    pub ticks_skipped: Counter,
    /// Duration of one room tick in seconds, including snapshot encoding for its players.
    pub tick_seconds: Histogram,
    /// Rounds finished and handed to the store.
    pub rounds: Counter,
    /// Round results lost because the store's queue was full.
    pub results_lost: Counter,
    /// Snapshots sent whole, for clients without a usable baseline.
    pub keyframes: Counter,
    /// Snapshots sent as deltas against an acknowledged baseline.
    pub deltas: Counter,
    /// WebSocket payload bytes written.
    pub bytes_sent: Counter,
    /// WebSocket payload bytes read.
    pub bytes_received: Counter,
    /// Messages that broke the protocol: undecodable, text, oversized, out of order.
    pub protocol_errors: Counter,
    /// Inputs dropped by the rate limit or a full simulation queue.
    pub inputs_dropped: Counter,
    /// TCP connections refused because `max_connections` were open.
    pub connections_refused: Counter,
    /// Close frames sent, one counter per [`CloseReason::ALL`] entry.
    closes: [Counter; CloseReason::ALL.len()],
    registry: Registry,
}

/// The labels of `game_closes_total`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct CloseLabels {
    code: u16,
    reason: String,
}

impl Default for Metrics {
    fn default() -> Self {
        // The library ends every help text with a full stop of its own.
        let mut registry = Registry::default();
        let mut gauge = |name: &str, help: &str| {
            let gauge = Gauge::default();
            registry.register(name, help, gauge.clone());
            gauge
        };
        let connections = gauge("game_connections", "Open WebSocket sessions");
        let rooms = gauge("game_rooms", "Rooms that exist");
        let players = gauge("game_players", "Players seated in rooms");
        // The library adds `_total` to a counter's name.
        let mut counter = |name: &str, help: &str| {
            let counter = Counter::default();
            registry.register(name, help, counter.clone());
            counter
        };
        let ticks = counter("game_ticks", "Room ticks run");
        let ticks_skipped = counter(
            "game_ticks_skipped",
            "Tick periods skipped after the simulation fell behind",
        );
        let keyframes = counter("game_keyframes", "Snapshots sent whole");
        let deltas = counter(
            "game_deltas",
            "Snapshots sent as deltas against an acknowledged baseline",
        );
        let bytes_sent = counter("game_bytes_sent", "WebSocket payload bytes written");
        let bytes_received = counter("game_bytes_received", "WebSocket payload bytes read");
        let protocol_errors = counter("game_protocol_errors", "Messages that broke the protocol");
        let inputs_dropped = counter(
            "game_inputs_dropped",
            "Inputs dropped by rate limit or full queue",
        );
        let connections_refused = counter(
            "game_connections_refused",
            "TCP connections refused at max_connections",
        );
        let rounds = counter("game_rounds", "Rounds finished and handed to the store");
        let results_lost = counter(
            "game_results_lost",
            "Round results lost because the store's queue was full",
        );
        let closes_family = Family::<CloseLabels, Counter>::default();
        // Every code is listed from the start, at zero until it is sent.
        let closes = CloseReason::ALL.map(|reason| {
            closes_family
                .get_or_create(&CloseLabels {
                    code: reason.code(),
                    reason: format!("{reason:?}"),
                })
                .clone()
        });
        registry.register(
            "game_closes",
            "Close frames sent, by code and reason",
            closes_family,
        );
        let tick_seconds = Histogram::new(TICK_BUCKETS);
        registry.register(
            "game_tick_seconds",
            "Duration of one room tick",
            tick_seconds.clone(),
        );
        Metrics {
            connections,
            rooms,
            players,
            ticks,
            ticks_skipped,
            tick_seconds,
            rounds,
            results_lost,
            keyframes,
            deltas,
            bytes_sent,
            bytes_received,
            protocol_errors,
            inputs_dropped,
            connections_refused,
            closes,
            registry,
        }
    }
}

impl Metrics {
    /// Counts one close frame sent by the server.
    pub fn count_close(&self, reason: CloseReason) {
        if let Some(i) = CloseReason::ALL.iter().position(|r| *r == reason) {
            self.closes[i].inc();
        }
    }

    /// Close frames sent by the server for `reason` so far.
    pub fn closes(&self, reason: CloseReason) -> u64 {
        CloseReason::ALL
            .iter()
            .position(|r| *r == reason)
            .map_or(0, |i| self.closes[i].get())
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        if let Err(e) = prometheus_text::encode(&mut out, &self.registry) {
            // Writing to a String cannot fail; a metric that cannot encode is left out.
            tracing::error!(error = %e, "metrics could not be rendered in full");
        }
        out
    }
}

/// A count as a gauge holds it.
pub(crate) fn gauge_value(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative() {
        let m = Metrics::default();
        for seconds in [0.000_02, 0.000_7, 1.0] {
            m.tick_seconds.observe(seconds);
        }
        let out = m.render();
        assert!(
            out.contains("game_tick_seconds_bucket{le=\"2.5e-05\"} 1\n"),
            "{out}"
        );
        assert!(
            out.contains("game_tick_seconds_bucket{le=\"0.001\"} 2\n"),
            "{out}"
        );
        assert!(
            out.contains("game_tick_seconds_bucket{le=\"0.1\"} 2\n"),
            "{out}"
        );
        assert!(
            out.contains("game_tick_seconds_bucket{le=\"+Inf\"} 3\n"),
            "{out}"
        );
        assert!(out.contains("game_tick_seconds_count 3\n"), "{out}");
    }

    #[test]
    fn render_names_every_metric_as_before() {
        let m = Metrics::default();
        m.count_close(CloseReason::TooBig);
        m.connections.inc();
        m.ticks.inc_by(5);
        let text = m.render();
        for line in [
            "# HELP game_connections Open WebSocket sessions.\n",
            "# TYPE game_connections gauge\n",
            "game_connections 1\n",
            "game_rooms 0\n",
            "game_players 0\n",
            "# HELP game_ticks_total Room ticks run.\n",
            "# TYPE game_ticks_total counter\n",
            "game_ticks_total 5\n",
            "game_ticks_skipped_total 0\n",
            "game_keyframes_total 0\n",
            "game_deltas_total 0\n",
            "game_bytes_sent_total 0\n",
            "game_bytes_received_total 0\n",
            "game_protocol_errors_total 0\n",
            "game_inputs_dropped_total 0\n",
            "game_connections_refused_total 0\n",
            "game_rounds_total 0\n",
            "game_results_lost_total 0\n",
            "# TYPE game_closes_total counter\n",
            "game_closes_total{code=\"1009\",reason=\"TooBig\"} 1\n",
            "game_closes_total{code=\"1000\",reason=\"Normal\"} 0\n",
            "# TYPE game_tick_seconds histogram\n",
            "game_tick_seconds_sum 0.0\n",
        ] {
            assert!(text.contains(line), "missing {line:?} in\n{text}");
        }
        for reason in CloseReason::ALL {
            let row = format!(
                "game_closes_total{{code=\"{}\",reason=\"{reason:?}\"}} ",
                reason.code()
            );
            assert!(text.contains(&row), "missing {row:?}");
        }
        assert_eq!(m.closes(CloseReason::TooBig), 1);
    }
}
