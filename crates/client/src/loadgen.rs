//! The load generator: N bots of any [`Bot`] game over real WebSockets, each answering
//! every snapshot with [`Bot::bot_input`], measuring input latency, bandwidth and
//! connection losses, and optionally the server's CPU and memory and its own tick figures.
//!
//! Input latency runs from sending an input to receiving the first snapshot whose `ack`
//! covers it, so it includes the wait for the next tick: about one tick interval is the
//! floor, whatever the network.
//!
//! Some bots may be told not to acknowledge snapshots ([`Plan::full`]); the server then
//! sends them every snapshot whole, so one run measures deltas and full snapshots side by
//! side in the same rooms. Bots may also connect through a conditioned [`Relay`].

mod scrape;
mod usage;

use std::{
    collections::{BTreeSet, VecDeque},
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering::Relaxed},
    },
    time::Duration,
};

use serde::Serialize;
use tickwire::{Bot, link::LinkProfile};
use tokio::time::{Instant, sleep_until, timeout};

pub use self::{
    scrape::TickFigures,
    usage::{Sample, Usage, UsageError},
};
use crate::{
    client::{Client, ClientError, Options},
    relay::Relay,
};

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
    /// How many of the bots never acknowledge a snapshot, and so get every one whole.
    /// They are spread evenly over the bots, and so over the rooms.
    pub full: usize,
    /// The tick rate the server should run, reported beside the snapshot rate achieved;
    /// `None` takes the rate from the welcome.
    pub tick_rate: Option<u16>,
    /// Rooms and players per room, when the bots were planned that way; reported only.
    /// The server must run with `--room-capacity` equal to the players per room.
    pub rooms: Option<(usize, usize)>,
    /// Connect through a relay that conditions the link: (client to server, server to
    /// client).
    pub link: Option<(LinkProfile, LinkProfile)>,
    /// Sample this process (the server's) from `/proc` while the bots play.
    pub server_pid: Option<u32>,
    /// A name for the run, copied into the report.
    pub label: Option<String>,
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            url: "ws://127.0.0.1:8080/ws".to_owned(),
            clients: 10,
            duration: Duration::from_secs(10),
            ramp: Duration::from_secs(1),
            full: 0,
            tick_rate: None,
            rooms: None,
            link: None,
            server_pid: None,
            label: None,
        }
    }
}

impl Plan {
    /// Whether bot `i` is one of the [`full`](Plan::full) ones: Bresenham's spread, so
    /// `full` of `clients` bots are picked at even intervals.
    pub fn is_full(&self, i: usize) -> bool {
        let n = self.clients.max(1);
        (i + 1) * self.full / n > i * self.full / n
    }
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum LoadgenError {
    /// The URL is not `ws://host:port/path`.
    #[error("cannot use url {0:?}: expected ws://host:port/path")]
    Url(String),
    /// The server's address does not resolve.
    #[error("cannot resolve {0}")]
    Resolve(String),
    /// The relay could not listen.
    #[error("cannot start the relay: {0}")]
    Relay(std::io::Error),
    /// The server process cannot be sampled.
    #[error(transparent)]
    Usage(#[from] UsageError),
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
    pub fn of(mut samples: Vec<u32>) -> Self {
        samples.sort_unstable();
        let at = |q: f64| {
            let rank = ((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len());
            f64::from(samples[rank - 1]) / 1000.0
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

/// A latency histogram with fixed buckets: 1 ms wide up to 100 ms, 5 ms to 300 ms, 25 ms
/// to 1 s and 250 ms to 5 s.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Histogram {
    /// Each bucket's upper bound (inclusive), in milliseconds; a bucket starts where the
    /// one before it ends.
    pub bounds_ms: Vec<f64>,
    /// Samples in each bucket.
    pub counts: Vec<u64>,
    /// Samples above the last bound.
    pub overflow: u64,
}

impl Histogram {
    /// The bucket bounds, in milliseconds.
    pub fn bounds_ms() -> Vec<f64> {
        let steps = [(100, 1), (300, 5), (1_000, 25), (5_000, 250)];
        let mut bounds = Vec::new();
        let mut at = 0;
        for (until, width) in steps {
            while at < until {
                at += width;
                bounds.push(f64::from(at));
            }
        }
        bounds
    }

    /// Counts `samples` (microseconds).
    pub fn of(samples: &[u32]) -> Self {
        let bounds_ms = Histogram::bounds_ms();
        let mut counts = vec![0; bounds_ms.len()];
        let mut overflow = 0;
        for &us in samples {
            let ms = f64::from(us) / 1000.0;
            match bounds_ms.partition_point(|&le| le < ms) {
                i if i < counts.len() => counts[i] += 1,
                _ => overflow += 1,
            }
        }
        Histogram {
            bounds_ms,
            counts,
            overflow,
        }
    }
}

/// Bandwidth of one group of bots.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Group {
    /// Bots in the group.
    pub clients: usize,
    /// Of those, bots that were welcomed.
    pub connected: usize,
    /// Seconds of connected time, summed over the group's bots.
    pub connected_seconds: f64,
    /// Payload bytes received per connected bot per second.
    pub bytes_down_per_client_s: f64,
    /// Payload bytes sent per connected bot per second.
    pub bytes_up_per_client_s: f64,
    /// Snapshots received per connected bot per second.
    pub snapshots_per_client_s: f64,
}

/// The bots that acknowledge (and get deltas) and those that do not (and get full
/// snapshots).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Groups {
    /// Bots that acknowledge every snapshot.
    pub delta: Group,
    /// Bots that never acknowledge, as [`Plan::full`] says.
    pub full: Group,
}

/// The link a relay conditioned, as profiles.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LinkReport {
    /// Client to server.
    pub up: String,
    /// Server to client.
    pub down: String,
}

/// The outcome of a run; `--json` prints it as one line.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The run's name, if given.
    pub label: Option<String>,
    /// Bots started.
    pub clients: usize,
    /// Rooms planned, when the run was planned as rooms of players.
    pub rooms: Option<usize>,
    /// Players per room planned, likewise.
    pub players_per_room: Option<usize>,
    /// Distinct rooms the welcomes placed bots in.
    pub rooms_seen: usize,
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
    /// The tick rate the server was expected to run (or announced, if none was given).
    pub tick_rate: Option<u16>,
    /// Snapshots received per connected bot per second: at most the tick rate.
    pub snapshots_per_client_s: f64,
    /// Payload bytes received per connected bot per second.
    pub bytes_down_per_client_s: f64,
    /// Payload bytes sent per connected bot per second.
    pub bytes_up_per_client_s: f64,
    /// The same split between bots that get deltas and bots that get full snapshots.
    pub groups: Groups,
    /// From sending an input to the first snapshot acknowledging it.
    pub input_latency_ms: Percentiles,
    /// The same samples, bucketed.
    pub input_latency_histogram: Histogram,
    /// The conditioned link, if the bots went through a relay.
    pub link: Option<LinkReport>,
    /// The server's CPU and memory, if its pid was given.
    pub server: Option<Usage>,
    /// The server's tick figures from `/metrics` over the run, if it answered.
    pub server_ticks: Option<TickFigures>,
    /// The load generator's own CPU and memory, sampled like the server's (Linux).
    pub loadgen: Option<Usage>,
}

#[derive(Debug, Default)]
struct BotResult {
    full: bool,
    welcomed: bool,
    room: Option<u32>,
    tick_rate: Option<u16>,
    latencies_us: Vec<u32>,
    snapshots: u64,
    tick_gaps: u64,
    connected: Duration,
    bytes_down: u64,
    bytes_up: u64,
}

/// Inputs awaiting acknowledgement; older ones are forgotten past this many.
const MAX_PENDING_INPUTS: usize = 64;

/// `(authority, path)` of a `ws://host:port/path` URL.
fn split_url(url: &str) -> Result<(&str, &str), LoadgenError> {
    let rest = url
        .strip_prefix("ws://")
        .ok_or_else(|| LoadgenError::Url(url.to_owned()))?;
    let (authority, path) = rest.find('/').map_or((rest, "/"), |i| rest.split_at(i));
    if authority.is_empty() {
        return Err(LoadgenError::Url(url.to_owned()));
    }
    Ok((authority, path))
}

/// Runs the plan to completion with bots playing `G`, which the server must be serving,
/// and reports.
pub async fn run<G: Bot>(plan: Plan, live: Arc<Live>) -> Result<Report, LoadgenError> {
    let (authority, path) = split_url(&plan.url)?;
    let (authority, path) = (authority.to_owned(), path.to_owned());
    let relay = match plan.link {
        Some((up, down)) => {
            let upstream: SocketAddr = tokio::net::lookup_host(&authority)
                .await
                .ok()
                .and_then(|mut addrs| addrs.next())
                .ok_or_else(|| LoadgenError::Resolve(authority.clone()))?;
            let relay = Relay::start(upstream, up, down, 0x5eed)
                .await
                .map_err(LoadgenError::Relay)?;
            Some(relay)
        }
        None => None,
    };
    let url = match &relay {
        Some(relay) => format!("ws://{}{path}", relay.addr()),
        None => plan.url.clone(),
    };
    let before = scrape::scrape(&authority).await;
    // Every bot is playing from the end of the ramp (plus time to connect) until the first
    // one, which started at once, finishes.
    let steady = (plan.ramp + Duration::from_secs(1), plan.duration);
    let sampler = match plan.server_pid {
        Some(pid) => Some(usage::Sampler::start(pid, steady)?),
        None => None,
    };
    // The load generator shares the machine: its own usage says how much it competed.
    let own = usage::Sampler::start(std::process::id(), steady).ok();

    let started = Instant::now();
    let mut bots = Vec::with_capacity(plan.clients);
    for i in 0..plan.clients {
        let offset = plan.ramp.mul_f64(i as f64 / plan.clients.max(1) as f64);
        let (url, live) = (url.clone(), live.clone());
        let duration = plan.duration;
        let full = plan.is_full(i);
        bots.push(tokio::spawn(async move {
            sleep_until(started + offset).await;
            play::<G>(&url, &format!("bot-{i}"), duration, full, &live).await
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
    drop(relay);
    let server = match sampler {
        Some(sampler) => sampler.finish().await,
        None => None,
    };
    let loadgen = match own {
        Some(own) => own.finish().await,
        None => None,
    };
    let server_ticks = match (before, scrape::scrape(&authority).await) {
        (Some(before), Some(after)) => Some(before.until(&after)),
        _ => None,
    };
    let mut report = report(&plan, &live, results);
    report.server = server;
    report.server_ticks = server_ticks;
    report.loadgen = loadgen;
    Ok(report)
}

fn group(results: &[&BotResult]) -> Group {
    let connected_seconds: f64 = results.iter().map(|r| r.connected.as_secs_f64()).sum();
    let per_client_s = |total: u64| {
        if connected_seconds > 0.0 {
            total as f64 / connected_seconds
        } else {
            0.0
        }
    };
    Group {
        clients: results.len(),
        connected: results.iter().filter(|r| r.welcomed).count(),
        connected_seconds,
        bytes_down_per_client_s: per_client_s(results.iter().map(|r| r.bytes_down).sum()),
        bytes_up_per_client_s: per_client_s(results.iter().map(|r| r.bytes_up).sum()),
        snapshots_per_client_s: per_client_s(results.iter().map(|r| r.snapshots).sum()),
    }
}

fn report(plan: &Plan, live: &Live, results: Vec<BotResult>) -> Report {
    let all: Vec<&BotResult> = results.iter().collect();
    let (full, delta): (Vec<&BotResult>, Vec<&BotResult>) = all.iter().partition(|r| r.full);
    let total = group(&all);
    let rooms_seen = results
        .iter()
        .filter_map(|r| r.room)
        .collect::<BTreeSet<_>>()
        .len();
    let announced = results.iter().find_map(|r| r.tick_rate);
    let latencies: Vec<u32> = results
        .iter()
        .flat_map(|r| r.latencies_us.iter().copied())
        .collect();
    Report {
        label: plan.label.clone(),
        clients: plan.clients,
        rooms: plan.rooms.map(|(rooms, _)| rooms),
        players_per_room: plan.rooms.map(|(_, players)| players),
        rooms_seen,
        connected: live.connected.load(Relaxed),
        disconnects: live.disconnects.load(Relaxed),
        errors: live.errors.load(Relaxed),
        snapshots: live.snapshots.load(Relaxed),
        inputs: live.inputs.load(Relaxed),
        tick_gaps: results.iter().map(|r| r.tick_gaps).sum(),
        connected_seconds: total.connected_seconds,
        tick_rate: plan.tick_rate.or(announced),
        snapshots_per_client_s: total.snapshots_per_client_s,
        bytes_down_per_client_s: total.bytes_down_per_client_s,
        bytes_up_per_client_s: total.bytes_up_per_client_s,
        groups: Groups {
            delta: group(&delta),
            full: group(&full),
        },
        input_latency_histogram: Histogram::of(&latencies),
        input_latency_ms: Percentiles::of(latencies),
        link: plan.link.map(|(up, down)| LinkReport {
            up: up.to_string(),
            down: down.to_string(),
        }),
        server: None,
        server_ticks: None,
        loadgen: None,
    }
}

/// One bot: connect, answer every snapshot with [`Bot::bot_input`] until `duration` has
/// passed, leave. A `full` bot never acknowledges, so the server sends it every snapshot
/// whole.
async fn play<G: Bot>(
    url: &str,
    name: &str,
    duration: Duration,
    full: bool,
    live: &Live,
) -> BotResult {
    let mut result = BotResult {
        full,
        ..BotResult::default()
    };
    let options = Options {
        ack: !full,
        ..Options::default()
    };
    let mut client = match Client::<G>::connect_with(url, name, options).await {
        Ok(client) => client,
        Err(e) => {
            tracing::warn!(name, error = %e, "bot could not join");
            live.errors.fetch_add(1, Relaxed);
            return result;
        }
    };
    live.connected.fetch_add(1, Relaxed);
    result.welcomed = true;
    result.room = Some(client.welcome().room.0);
    result.tick_rate = Some(client.welcome().tick_rate);
    let Some(me) = client.welcome().player() else {
        return result;
    };
    let joined = Instant::now();
    let end = joined + duration;
    // Inputs in flight and when they left, for their latency.
    let mut pending: VecDeque<(u32, Instant)> = VecDeque::new();
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
        result.snapshots += 1;
        if let Some(last) = last_tick {
            result.tick_gaps += snapshot.tick.saturating_sub(last + 1);
        }
        last_tick = Some(snapshot.tick);
        while let Some(&(seq, sent)) = pending.front() {
            if seq > snapshot.ack {
                break;
            }
            result
                .latencies_us
                .push(u32::try_from((now - sent).as_micros()).unwrap_or(u32::MAX));
            pending.pop_front();
        }
        // What the bot sent that the server has not applied yet, from the session.
        let sent = client
            .session()
            .unacked()
            .next_back()
            .map(|(_, input, _)| input);
        let Some(input) = G::bot_input(&snapshot.state, me, sent) else {
            continue;
        };
        match client.send_input(input).await {
            Ok(seq) => {
                live.inputs.fetch_add(1, Relaxed);
                if pending.len() == MAX_PENDING_INPUTS {
                    pending.pop_front();
                }
                pending.push_back((seq, now));
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

/// Raises this process's open-file limit to at least `wanted`, as far as the hard limit
/// allows, and returns the limit in force. Each bot holds one socket (three through a
/// relay), and the default soft limit is often 1,024.
#[cfg(unix)]
pub fn raise_open_file_limit(wanted: u64) -> std::io::Result<u64> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let current = limit.current.unwrap_or(u64::MAX);
    if current >= wanted {
        return Ok(current);
    }
    let raised = limit.maximum.map_or(wanted, |hard| hard.min(wanted));
    setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(raised),
            maximum: limit.maximum,
        },
    )?;
    Ok(raised)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let p = Percentiles::of((1..=100).map(|ms| ms * 1000).collect());
        assert_eq!(
            (p.count, p.p50, p.p95, p.p99, p.max),
            (100, 50.0, 95.0, 99.0, 100.0)
        );
        assert_eq!(Percentiles::of(vec![]), Percentiles::default());
    }

    #[test]
    fn histogram_buckets_include_their_upper_bound() {
        let h = Histogram::of(&[500, 1_000, 1_001, 66_700, 250_000, 4_999_000, 9_000_000]);
        assert_eq!(h.bounds_ms.len(), h.counts.len());
        let count_at = |le: f64| h.counts[h.bounds_ms.iter().position(|b| *b == le).unwrap()];
        assert_eq!((count_at(1.0), count_at(2.0), count_at(67.0)), (2, 1, 1));
        assert_eq!((count_at(250.0), count_at(5_000.0)), (1, 1));
        assert_eq!(h.overflow, 1);
        assert_eq!(h.counts.iter().sum::<u64>() + h.overflow, 7);
    }

    #[test]
    fn full_bots_are_spread_evenly() {
        let plan = Plan {
            clients: 10,
            full: 5,
            ..Plan::default()
        };
        let full: Vec<usize> = (0..10).filter(|&i| plan.is_full(i)).collect();
        assert_eq!(full, [1, 3, 5, 7, 9]);
        let none = Plan {
            full: 0,
            ..plan.clone()
        };
        let all = Plan { full: 10, ..plan };
        assert!((0..10).all(|i| !none.is_full(i) && all.is_full(i)));
    }

    #[test]
    fn urls_split_into_authority_and_path() {
        assert_eq!(
            split_url("ws://127.0.0.1:8080/ws").unwrap(),
            ("127.0.0.1:8080", "/ws")
        );
        assert_eq!(split_url("ws://h:1").unwrap(), ("h:1", "/"));
        assert!(split_url("http://h:1/ws").is_err());
    }
}
