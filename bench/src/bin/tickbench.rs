//! `tickbench`: times every tick of the sim thread over R rooms of P bots and prints the
//! percentiles criterion does not give, one JSON line per configuration.

#![expect(clippy::print_stdout, reason = "a command-line tool's output")]

use std::time::Instant;

use bench::{rig::TickRig, stats::Summary};
use clap::Parser;
use serde::Serialize;

/// Times room ticks (rules, history, diffs, per-client encoding) in-process.
#[derive(Debug, Parser)]
struct Cli {
    /// Room counts to run, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1")]
    rooms: Vec<usize>,
    /// Players per room to run, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "2,10,50")]
    players: Vec<u16>,
    /// Ticks timed per configuration.
    #[arg(long, default_value_t = 5_000)]
    ticks: usize,
    /// Ticks played first, untimed, so snakes grow and acks flow.
    #[arg(long, default_value_t = 300)]
    warm_up: usize,
    /// Give every player a reader task on a tokio runtime of this many threads, as server
    /// sessions wait for snapshots; each tick then also pays for waking them. 0: none.
    #[arg(long, default_value_t = 0)]
    readers: usize,
    /// Seed of every room.
    #[arg(long, default_value_t = 5)]
    seed: u64,
}

/// One configuration's result.
#[derive(Debug, Serialize)]
struct Line {
    rooms: usize,
    players_per_room: u16,
    players: usize,
    /// Runtime threads of the reader tasks; 0 when there were none.
    readers: usize,
    /// One step of every room, as the sim thread does once per tick period.
    step: Summary,
    /// The mean cost of one room's tick within a step.
    room_tick_mean_us: f64,
    /// Mean encoded snapshot size per player per tick.
    bytes_per_client_tick: f64,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    for &rooms in &cli.rooms {
        for &players in &cli.players {
            let mut rig = TickRig::new(rooms, players, cli.seed);
            if cli.readers > 0 {
                rig = rig.with_readers(cli.readers)?;
            }
            rig.warm_up(cli.warm_up);
            let mut samples = Vec::with_capacity(cli.ticks);
            let mut bytes = 0;
            for _ in 0..cli.ticks {
                let started = Instant::now();
                rig.tick();
                samples.push(u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX));
                bytes += rig.encoded_bytes();
                rig.between_ticks();
            }
            let step = Summary::of(samples);
            let line = Line {
                rooms,
                players_per_room: players,
                players: rig.players(),
                readers: cli.readers,
                room_tick_mean_us: step.mean_us / rooms.max(1) as f64,
                bytes_per_client_tick: bytes as f64 / (cli.ticks * rig.players().max(1)) as f64,
                step,
            };
            println!("{}", serde_json::to_string(&line)?);
        }
    }
    Ok(())
}
