//! The `loadgen` binary: starts snake bots against a server, shows progress on stderr and
//! prints a report (one JSON line with `--json`) when they are done.

#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool's output"
)]

use std::{sync::Arc, sync::atomic::Ordering::Relaxed, time::Duration};

use arcade::loadgen::{self, Live, Plan};
use clap::Parser;
use tokio::time::{Instant, interval};
use tracing_subscriber::EnvFilter;

/// Plays snake with many bots over real WebSockets and measures the server.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    /// The server's WebSocket endpoint.
    #[arg(long, default_value = "ws://127.0.0.1:8080/ws")]
    url: String,
    /// Bots to start.
    #[arg(long, default_value_t = 10)]
    clients: usize,
    /// How long each bot plays: seconds, or a span like `90s` or `2m`.
    #[arg(long, default_value = "10", value_parser = parse_span)]
    duration: Duration,
    /// Bots start evenly spread over this span.
    #[arg(long, default_value = "1s", value_parser = parse_span)]
    ramp: Duration,
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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .init();
    let cli = Cli::parse();
    let plan = Plan {
        url: cli.url,
        clients: cli.clients,
        duration: cli.duration,
        ramp: cli.ramp,
    };
    let live = Arc::new(Live::default());
    let started = Instant::now();
    let mut run = tokio::spawn(loadgen::run(plan.clone(), live.clone()));
    let mut ticker = interval(Duration::from_secs(1));
    ticker.tick().await;
    let (mut snapshots, mut inputs) = (0, 0);
    let report = loop {
        tokio::select! {
            report = &mut run => break report?,
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
        "loadgen done: {} of {} connected, {} disconnects, {} errors, {} tick gaps; \
         down {:.0} B/client/s, up {:.0} B/client/s; input latency ms p50 {:.1} p95 {:.1} p99 {:.1} max {:.1} (n={})",
        report.connected,
        report.clients,
        report.disconnects,
        report.errors,
        report.tick_gaps,
        report.bytes_down_per_client_s,
        report.bytes_up_per_client_s,
        l.p50,
        l.p95,
        l.p99,
        l.max,
        l.count,
    );
    if cli.json {
        println!("{}", serde_json::to_string(&report)?);
    }
    Ok(())
}
