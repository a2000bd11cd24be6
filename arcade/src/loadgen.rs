//! The load generator: N snake bots over real WebSockets, each steering with
//! [`snake::bot::choose`], measuring input latency, bandwidth and connection losses.
//!
//! Input latency runs from sending an input to receiving the first snapshot whose `ack`
//! covers it, so it includes the wait for the next tick: about one tick interval is the
//! floor, whatever the network.

use std::{
    collections::VecDeque,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering::Relaxed},
    },
    time::Duration,
};

use serde::Serialize;
use snake::{Snake, SnakeInput, bot};
use tokio::time::{Instant, sleep_until, timeout};

use crate::client::{Client, ClientError};

/// What to run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// WebSocket URL of the server's game endpoint.
    pub url: String,
    /// Bots to start.
    pub clients: usize,
    /// How long each bot plays once connected.
    pub duration: Duration,
    /// Bots start evenly spread over this span.
    pub ramp: Duration,
}

/// Counters shared by all bots while they run, for progress reports.
#[derive(Debug, Default)]
pub struct Live {
    /// Bots that received a welcome.
    pub connected: AtomicU64,
    /// Bots that lost their connection before the end.
    pub disconnects: AtomicU64,
    /// Bots that failed to connect or hit a protocol error.
    pub errors: AtomicU64,
    /// Snapshots received.
    pub snapshots: AtomicU64,
    /// Inputs sent.
    pub inputs: AtomicU64,
}

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Percentiles {
    /// Samples.
    pub count: usize,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest sample.
    pub max: f64,
}

impl Percentiles {
    /// Nearest-rank percentiles of `samples` (microseconds), reported in milliseconds.
    pub fn of(mut samples: Vec<u64>) -> Self {
        samples.sort_unstable();
        let at = |q: f64| {
            let rank = ((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len());
            samples[rank - 1] as f64 / 1000.0
        };
        if samples.is_empty() {
            return Percentiles::default();
        }
        Percentiles {
            count: samples.len(),
            p50: at(0.50),
            p95: at(0.95),
            p99: at(0.99),
            max: at(1.0),
        }
    }
}

/// The outcome of a run; `--json` prints it as one line.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Bots started.
    pub clients: usize,
    /// Bots that were welcomed.
    pub connected: u64,
    /// Bots that lost their connection before the end.
    pub disconnects: u64,
    /// Bots that failed to connect or hit a protocol error.
    pub errors: u64,
    /// Snapshots received in all.
    pub snapshots: u64,
    /// Inputs sent in all.
    pub inputs: u64,
    /// Ticks missing from a bot's snapshot sequence (skipped as stale or never sent).
    pub tick_gaps: u64,
    /// Seconds of connected time, summed over bots.
    pub connected_seconds: f64,
    /// Payload bytes received per connected bot per second.
    pub bytes_down_per_client_s: f64,
    /// Payload bytes sent per connected bot per second.
    pub bytes_up_per_client_s: f64,
    /// From sending an input to the first snapshot acknowledging it.
    pub input_latency_ms: Percentiles,
}

#[derive(Debug, Default)]
struct BotResult {
    latencies_us: Vec<u64>,
    tick_gaps: u64,
    connected: Duration,
    bytes_down: u64,
    bytes_up: u64,
}

/// Inputs awaiting acknowledgement; older ones are forgotten past this many.
const MAX_PENDING_INPUTS: usize = 64;

/// Runs the plan to completion and reports.
pub async fn run(plan: Plan, live: Arc<Live>) -> Report {
    let started = Instant::now();
    let mut bots = Vec::with_capacity(plan.clients);
    for i in 0..plan.clients {
        let offset = plan.ramp.mul_f64(i as f64 / plan.clients.max(1) as f64);
        let (url, live) = (plan.url.clone(), live.clone());
        let duration = plan.duration;
        bots.push(tokio::spawn(async move {
            sleep_until(started + offset).await;
            play(&url, &format!("bot-{i}"), duration, &live).await
        }));
    }
    let mut results = Vec::with_capacity(bots.len());
    for bot in bots {
        match bot.await {
            Ok(result) => results.push(result),
            Err(_) => {
                live.errors.fetch_add(1, Relaxed);
            }
        }
    }
    report(&plan, &live, results)
}

fn report(plan: &Plan, live: &Live, results: Vec<BotResult>) -> Report {
    let connected_seconds: f64 = results.iter().map(|r| r.connected.as_secs_f64()).sum();
    let per_client_s = |bytes: u64| {
        if connected_seconds > 0.0 {
            bytes as f64 / connected_seconds
        } else {
            0.0
        }
    };
    let bytes_down = results.iter().map(|r| r.bytes_down).sum();
    let bytes_up = results.iter().map(|r| r.bytes_up).sum();
    let tick_gaps = results.iter().map(|r| r.tick_gaps).sum();
    let latencies = results.into_iter().flat_map(|r| r.latencies_us).collect();
    Report {
        clients: plan.clients,
        connected: live.connected.load(Relaxed),
        disconnects: live.disconnects.load(Relaxed),
        errors: live.errors.load(Relaxed),
        snapshots: live.snapshots.load(Relaxed),
        inputs: live.inputs.load(Relaxed),
        tick_gaps,
        connected_seconds,
        bytes_down_per_client_s: per_client_s(bytes_down),
        bytes_up_per_client_s: per_client_s(bytes_up),
        input_latency_ms: Percentiles::of(latencies),
    }
}

/// One bot: connect, steer on every snapshot until `duration` has passed, leave.
async fn play(url: &str, name: &str, duration: Duration, live: &Live) -> BotResult {
    let mut result = BotResult::default();
    let mut client = match Client::<Snake>::connect(url, name).await {
        Ok(client) => client,
        Err(e) => {
            tracing::warn!(name, error = %e, "bot could not join");
            live.errors.fetch_add(1, Relaxed);
            return result;
        }
    };
    live.connected.fetch_add(1, Relaxed);
    let me = client.welcome().player;
    let joined = Instant::now();
    let end = joined + duration;
    let mut pending: VecDeque<(u32, snake::Dir, Instant)> = VecDeque::new();
    let mut last_tick = None;
    let lost = loop {
        let snapshot = tokio::select! {
            snapshot = client.next_snapshot() => snapshot,
            () = sleep_until(end) => break None,
        };
        let snapshot = match snapshot {
            Ok(snapshot) => snapshot,
            Err(e) => break Some(e),
        };
        let now = Instant::now();
        live.snapshots.fetch_add(1, Relaxed);
        if let Some(last) = last_tick {
            result.tick_gaps += snapshot.tick.saturating_sub(last + 1);
        }
        last_tick = Some(snapshot.tick);
        while let Some(&(seq, _, sent)) = pending.front() {
            if seq > snapshot.ack {
                break;
            }
            result
                .latencies_us
                .push(u64::try_from((now - sent).as_micros()).unwrap_or(u64::MAX));
            pending.pop_front();
        }
        let Some(view) = snapshot.state.snake(me) else {
            continue;
        };
        let Some(dir) = bot::choose(&snapshot.state, me) else {
            continue;
        };
        let heading = pending.back().map_or(view.dir, |&(_, dir, _)| dir);
        if dir == heading {
            continue;
        }
        match client.send_input(SnakeInput { dir }).await {
            Ok(seq) => {
                live.inputs.fetch_add(1, Relaxed);
                if pending.len() == MAX_PENDING_INPUTS {
                    pending.pop_front();
                }
                pending.push_back((seq, dir, now));
            }
            Err(e) => break Some(e),
        }
    };
    result.connected = joined.elapsed();
    result.bytes_down = client.bytes_received();
    result.bytes_up = client.bytes_sent();
    match lost {
        None => {
            let _ = timeout(Duration::from_secs(5), client.leave()).await;
        }
        Some(ClientError::Closed { code, reason }) => {
            tracing::warn!(name, code, reason, "bot disconnected by the server");
            live.disconnects.fetch_add(1, Relaxed);
        }
        Some(e @ (ClientError::WebSocket(_) | ClientError::Rejected(_))) => {
            tracing::warn!(name, error = %e, "bot lost its connection");
            live.disconnects.fetch_add(1, Relaxed);
        }
        Some(e) => {
            tracing::warn!(name, error = %e, "bot saw a protocol error");
            live.errors.fetch_add(1, Relaxed);
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::Percentiles;

    #[test]
    fn percentiles_use_nearest_rank() {
        let p = Percentiles::of((1..=100).map(|ms| ms * 1000).collect());
        assert_eq!(
            (p.count, p.p50, p.p95, p.p99, p.max),
            (100, 50.0, 95.0, 99.0, 100.0)
        );
        assert_eq!(Percentiles::of(vec![]), Percentiles::default());
    }
}
