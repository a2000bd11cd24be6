//! Process metrics as plain atomics, rendered in the Prometheus text format at `/metrics`.
//!
//! Each server instance owns its own [`Metrics`], so several servers in one process (as in
//! tests) never share counters, and no global recorder is installed.

use std::{
    fmt::Write as _,
    sync::atomic::{AtomicU64, Ordering::Relaxed},
    time::Duration,
};

use tickwire::CloseReason;

/// Upper bounds of the tick-duration histogram buckets, in seconds.
const TICK_BUCKETS: [f64; 12] = [
    0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1,
];

/// Counters and gauges of one server.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Open WebSocket sessions.
    pub connections: AtomicU64,
    /// Rooms that exist.
    pub rooms: AtomicU64,
    /// Players seated in rooms.
    pub players: AtomicU64,
    /// Room ticks run, summed over rooms.
    pub ticks: AtomicU64,
    /// Whole tick periods the simulation thread skipped after falling behind.
    pub ticks_skipped: AtomicU64,
    /// Duration of one room tick, including snapshot encoding for its players.
    pub tick_seconds: Histogram,
    /// Rounds finished and handed to the store.
    pub rounds: AtomicU64,
    /// Round results lost because the store's queue was full.
    pub results_lost: AtomicU64,
    /// Snapshots sent whole, for clients without a usable baseline.
    pub keyframes: AtomicU64,
    /// Snapshots sent as deltas against an acknowledged baseline.
    pub deltas: AtomicU64,
    /// WebSocket payload bytes written.
    pub bytes_sent: AtomicU64,
    /// WebSocket payload bytes read.
    pub bytes_received: AtomicU64,
    /// Messages that broke the protocol: undecodable, text, oversized, out of order.
    pub protocol_errors: AtomicU64,
    /// Inputs dropped by the rate limit or a full simulation queue.
    pub inputs_dropped: AtomicU64,
    /// TCP connections refused because `max_connections` were open.
    pub connections_refused: AtomicU64,
    closes: [AtomicU64; CloseReason::ALL.len()],
}

impl Metrics {
    /// Counts one close frame sent by the server.
    pub fn count_close(&self, reason: CloseReason) {
        if let Some(i) = CloseReason::ALL.iter().position(|r| *r == reason) {
            self.closes[i].fetch_add(1, Relaxed);
        }
    }

    /// Close frames sent by the server for `reason` so far.
    pub fn closes(&self, reason: CloseReason) -> u64 {
        CloseReason::ALL
            .iter()
            .position(|r| *r == reason)
            .map_or(0, |i| self.closes[i].load(Relaxed))
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        let gauges = [
            (
                "game_connections",
                "Open WebSocket sessions.",
                &self.connections,
            ),
            ("game_rooms", "Rooms that exist.", &self.rooms),
            ("game_players", "Players seated in rooms.", &self.players),
        ];
        for (name, help, value) in gauges {
            metric(&mut out, name, help, "gauge", value.load(Relaxed));
        }
        let counters = [
            ("game_ticks_total", "Room ticks run.", &self.ticks),
            (
                "game_ticks_skipped_total",
                "Tick periods skipped after the simulation fell behind.",
                &self.ticks_skipped,
            ),
            (
                "game_keyframes_total",
                "Snapshots sent whole.",
                &self.keyframes,
            ),
            (
                "game_deltas_total",
                "Snapshots sent as deltas against an acknowledged baseline.",
                &self.deltas,
            ),
            (
                "game_bytes_sent_total",
                "WebSocket payload bytes written.",
                &self.bytes_sent,
            ),
            (
                "game_bytes_received_total",
                "WebSocket payload bytes read.",
                &self.bytes_received,
            ),
            (
                "game_protocol_errors_total",
                "Messages that broke the protocol.",
                &self.protocol_errors,
            ),
            (
                "game_inputs_dropped_total",
                "Inputs dropped by rate limit or full queue.",
                &self.inputs_dropped,
            ),
            (
                "game_connections_refused_total",
                "TCP connections refused at max_connections.",
                &self.connections_refused,
            ),
        ];
        for (name, help, value) in counters {
            metric(&mut out, name, help, "counter", value.load(Relaxed));
        }
        let _ = writeln!(
            out,
            "# HELP game_closes_total Close frames sent, by code and reason."
        );
        let _ = writeln!(out, "# TYPE game_closes_total counter");
        for (reason, count) in CloseReason::ALL.iter().zip(&self.closes) {
            let _ = writeln!(
                out,
                "game_closes_total{{code=\"{}\",reason=\"{:?}\"}} {}",
                reason.code(),
                reason,
                count.load(Relaxed)
            );
        }
        self.tick_seconds
            .render(&mut out, "game_tick_seconds", "Duration of one room tick.");
        out
    }
}

fn metric(out: &mut String, name: &str, help: &str, kind: &str, value: u64) {
    let _ = writeln!(
        out,
        "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
    );
}

/// A fixed-bucket histogram of durations.
#[derive(Debug, Default)]
pub struct Histogram {
    buckets: [AtomicU64; TICK_BUCKETS.len()],
    count: AtomicU64,
    sum_nanos: AtomicU64,
}

impl Histogram {
    /// Records one observation.
    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        if let Some(i) = TICK_BUCKETS.iter().position(|le| secs <= *le) {
            self.buckets[i].fetch_add(1, Relaxed);
        }
        self.count.fetch_add(1, Relaxed);
        self.sum_nanos
            .fetch_add(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX), Relaxed);
    }

    /// Observations so far.
    pub fn count(&self) -> u64 {
        self.count.load(Relaxed)
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (le, bucket) in TICK_BUCKETS.iter().zip(&self.buckets) {
            cumulative += bucket.load(Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{le}\"}} {cumulative}");
        }
        let count = self.count();
        let sum = self.sum_nanos.load(Relaxed) as f64 / 1e9;
        let _ = writeln!(
            out,
            "{name}_bucket{{le=\"+Inf\"}} {count}\n{name}_sum {sum}\n{name}_count {count}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative() {
        let h = Histogram::default();
        h.observe(Duration::from_micros(20));
        h.observe(Duration::from_micros(700));
        h.observe(Duration::from_secs(1));
        let mut out = String::new();
        h.render(&mut out, "t", "help");
        assert!(out.contains("t_bucket{le=\"0.000025\"} 1\n"), "{out}");
        assert!(out.contains("t_bucket{le=\"0.001\"} 2\n"), "{out}");
        assert!(out.contains("t_bucket{le=\"0.1\"} 2\n"), "{out}");
        assert!(out.contains("t_bucket{le=\"+Inf\"} 3\n"), "{out}");
        assert!(out.contains("t_count 3\n"), "{out}");
    }

    #[test]
    fn render_names_every_required_metric() {
        let m = Metrics::default();
        m.count_close(CloseReason::TooBig);
        let text = m.render();
        for name in [
            "game_connections ",
            "game_rooms ",
            "game_players ",
            "game_ticks_total ",
            "game_tick_seconds_bucket",
            "game_bytes_sent_total ",
            "game_bytes_received_total ",
            "game_protocol_errors_total ",
        ] {
            assert!(text.contains(name), "missing {name}");
        }
        assert!(text.contains("game_closes_total{code=\"1009\",reason=\"TooBig\"} 1"));
    }
}
