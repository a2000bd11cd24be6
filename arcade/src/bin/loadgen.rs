//! The `loadgen` binary: starts bots of the game `--game` names against a server, shows
//! progress on stderr and prints a report (one JSON line with `--json`, the last line of
//! stdout) when they are done.

#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool's output"
)]

use std::{sync::Arc, sync::atomic::Ordering::Relaxed, time::Duration};

use anyhow::bail;
use arcade::games::GameName;
use clap::Parser;
use snake::Snake;
use tickwire::link::LinkProfile;
use tickwire_client::loadgen::{self, Live, Plan};
use tokio::time::{Instant, interval};
use tracing_subscriber::EnvFilter;

/// Plays a game (snake unless `--game` says otherwise) with many bots over real WebSockets
/// and measures the server.
///
/// To get exactly R rooms of P players, give `--rooms R --players-per-room P` and start the
/// server with `--room-capacity P`: the server fills one room before opening the next.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    /// The server's WebSocket endpoint.
    #[arg(long, default_value = "ws://127.0.0.1:8080/ws")]
    url: String,
    /// The game the bots play; the server must be serving the same one.
    #[arg(long, env = "GAME_NAME", value_enum, default_value_t)]
    game: GameName,
    /// Bots to start.
    #[arg(long, default_value_t = 10, conflicts_with = "rooms")]
    clients: usize,
    /// Rooms to fill, with `--players-per-room`: starts rooms × players bots.
    #[arg(long, requires = "players_per_room")]
    rooms: Option<usize>,
    /// Players per room, with `--rooms`; the server's `--room-capacity` must match.
    #[arg(long, requires = "rooms")]
    players_per_room: Option<usize>,
    /// The tick rate the server runs (its `--tick-rate`), reported beside the snapshot
    /// rate the bots achieve. Defaults to the rate the server announces.
    #[arg(long)]
    tick_rate: Option<u16>,
    /// How many bots never acknowledge snapshots and so receive them whole; the report
    /// splits bandwidth between them and the rest.
    #[arg(long, default_value_t = 0)]
    full: usize,
    /// Connect through an in-process relay that conditions the link both ways, e.g.
    /// `latency=40ms,jitter=10ms,stall=500ms/10s`.
    #[arg(long)]
    link: Option<LinkProfile>,
    /// Condition client-to-server traffic only with this profile (overrides `--link`).
    #[arg(long)]
    link_up: Option<LinkProfile>,
    /// Condition server-to-client traffic only with this profile (overrides `--link`).
    #[arg(long)]
    link_down: Option<LinkProfile>,
    /// The server's process id: sample its CPU and memory from /proc once a second.
    #[arg(long)]
    server_pid: Option<u32>,
    /// How long each bot plays: seconds, or a span like `90s` or `2m`.
    #[arg(long, default_value = "10", value_parser = parse_span)]
    duration: Duration,
    /// Bots start evenly spread over this span.
    #[arg(long, default_value = "1s", value_parser = parse_span)]
    ramp: Duration,
    /// A name for the run, copied into the report.
    #[arg(long)]
    label: Option<String>,
    /// Print the report as one JSON object on the last line of stdout.
    #[arg(long)]
    json: bool,
}

fn parse_span(s: &str) -> Result<Duration, String> {
    match s.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs >= 0.0 => Ok(Duration::from_secs_f64(secs)),
        _ => humantime::parse_duration(s).map_err(|e| e.to_string()),
    }
}

impl Cli {
    fn plan(&self) -> anyhow::Result<Plan> {
        let rooms = self.rooms.zip(self.players_per_room);
        let clients = rooms.map_or(self.clients, |(r, p)| r * p);
        if self.full > clients {
            bail!("--full {} is more than the {clients} bots", self.full);
        }
        let link = match (self.link, self.link_up, self.link_down) {
            (None, None, None) => None,
            (both, up, down) => {
                let both = both.unwrap_or_default();
                Some((up.unwrap_or(both), down.unwrap_or(both)))
            }
        };
        Ok(Plan {
            url: self.url.clone(),
            clients,
            duration: self.duration,
            ramp: self.ramp,
            full: self.full,
            tick_rate: self.tick_rate,
            rooms,
            link,
            server_pid: self.server_pid,
            label: self.label.clone(),
        })
    }
}

/// Descriptors beyond the bots' sockets: stdio, the runtime, the relay's listener.
const SPARE_FILES: u64 = 64;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .init();
    let cli = Cli::parse();
    let plan = cli.plan()?;
    // A bot holds one socket; through the relay it also holds the relay's two.
    let per_bot = if plan.link.is_some() { 3 } else { 1 };
    let wanted = plan.clients as u64 * per_bot + SPARE_FILES;
    #[cfg(unix)]
    match loadgen::raise_open_file_limit(wanted) {
        Ok(limit) if limit < wanted => eprintln!(
            "loadgen: the open-file limit is {limit} but {wanted} are needed; raise the hard limit (ulimit -Hn)"
        ),
        Ok(_) => {}
        Err(e) => eprintln!("loadgen: cannot raise the open-file limit to {wanted}: {e}"),
    }

    let live = Arc::new(Live::default());
    let started = Instant::now();
    let mut run = match cli.game {
        GameName::Snake => tokio::spawn(loadgen::run::<Snake>(plan.clone(), live.clone())),
        GameName::Pong => tokio::spawn(loadgen::run::<pong::Pong>(plan.clone(), live.clone())),
    };
    let mut ticker = interval(Duration::from_secs(1));
    ticker.tick().await;
    let (mut snapshots, mut inputs) = (0, 0);
    let report = loop {
        tokio::select! {
            report = &mut run => break report??,
            _ = ticker.tick() => {
                let (s, i) = (live.snapshots.load(Relaxed), live.inputs.load(Relaxed));
                eprintln!(
                    "loadgen {:>4.0}s  connected {}/{}  snapshots/s {}  inputs/s {}  disconnects {}  errors {}",
                    started.elapsed().as_secs_f64(),
                    live.connected.load(Relaxed),
                    plan.clients,
                    s - snapshots,
                    i - inputs,
                    live.disconnects.load(Relaxed),
                    live.errors.load(Relaxed),
                );
                (snapshots, inputs) = (s, i);
            }
        }
    };
    let l = &report.input_latency_ms;
    eprintln!(
        "loadgen done: {} of {} connected in {} rooms, {} disconnects, {} errors, {} tick gaps; \
         {:.1} snapshots/client/s at {} Hz; down {:.0} B/client/s, up {:.0} B/client/s; \
         input latency ms p50 {:.1} p95 {:.1} p99 {:.1} max {:.1} (n={})",
        report.connected,
        report.clients,
        report.rooms_seen,
        report.disconnects,
        report.errors,
        report.tick_gaps,
        report.snapshots_per_client_s,
        report.tick_rate.map_or("?".to_owned(), |r| r.to_string()),
        report.bytes_down_per_client_s,
        report.bytes_up_per_client_s,
        l.p50,
        l.p95,
        l.p99,
        l.max,
        l.count,
    );
    if plan.full > 0 {
        let (d, f) = (&report.groups.delta, &report.groups.full);
        eprintln!(
            "loadgen groups: delta {} bots down {:.0} B/client/s; full {} bots down {:.0} B/client/s",
            d.clients, d.bytes_down_per_client_s, f.clients, f.bytes_down_per_client_s,
        );
    }
    if let Some(server) = &report.server {
        eprintln!(
            "loadgen server: cpu {:.0}% of a core (steady {}, peak {:.0}%), rss peak {:.1} MiB, end {:.1} MiB",
            server.cpu_percent_mean,
            server
                .cpu_percent_steady
                .map_or("-".to_owned(), |c| format!("{c:.0}%")),
            server.cpu_percent_peak,
            server.rss_mb_peak,
            server.rss_mb_end,
        );
    }
    if let Some(server) = report.server.as_ref().filter(|s| !s.threads.is_empty()) {
        let threads: Vec<String> = server
            .threads
            .iter()
            .filter(|(_, cpu)| **cpu >= 0.5)
            .map(|(name, cpu)| format!("{name} {cpu:.0}%"))
            .collect();
        eprintln!("loadgen server threads: {}", threads.join(", "));
    }
    if let Some(own) = &report.loadgen {
        eprintln!(
            "loadgen itself: cpu {:.0}% of a core (steady {}), rss peak {:.1} MiB",
            own.cpu_percent_mean,
            own.cpu_percent_steady
                .map_or("-".to_owned(), |c| format!("{c:.0}%")),
            own.rss_mb_peak,
        );
    }
    if let (Some(expected), Some(ticks)) = (plan.tick_rate, &report.server_ticks) {
        eprintln!(
            "loadgen ticks: expected {expected} Hz; room tick mean {:.1} µs, {} tick periods skipped",
            ticks.room_tick_mean_us, ticks.ticks_skipped
        );
    }
    if plan
        .rooms
        .is_some_and(|(rooms, _)| rooms != report.rooms_seen)
    {
        eprintln!(
            "loadgen: planned {} rooms but bots were seated in {}; is the server's --room-capacity the players per room?",
            plan.rooms.map_or(0, |(r, _)| r),
            report.rooms_seen
        );
    }
    if cli.json {
        println!("{}", serde_json::to_string(&report)?);
    }
    Ok(())
}
