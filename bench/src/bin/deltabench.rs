//! `deltabench`: what derived deltas cost on the wire against the games' hand-written ones.
//! Plays rooms of bots headless through the server's own tick, and encodes every client's
//! snapshot of every tick as the server does, once per way: the game's hand-written delta,
//! `#[derive(Diff)]` mirrors of its types (snake's with and without `#[diff(deque)]` on
//! the body) and keyframes. Prints one JSON line per game and room size.

#![expect(clippy::print_stdout, reason = "a command-line tool's output")]

use bench::mirror::{self, snake_deque, snake_plain};
use bench::wire_cost::{Plan, Way, measure};
use clap::Parser;
use pong::{Pong, PongRules, PongState};
use snake::{Snake, SnakeRules, SnakeState};

/// Measures bytes per client per second for each way of sending snapshots.
#[derive(Debug, Parser)]
struct Cli {
    /// Snake players per room to run, comma-separated; none to skip snake.
    #[arg(long, value_delimiter = ',', default_value = "10")]
    snake_players: Vec<u16>,
    /// Pong players per room to run, comma-separated; none to skip pong.
    #[arg(long, value_delimiter = ',', default_value = "2")]
    pong_players: Vec<u16>,
    /// Rooms played side by side in each run.
    #[arg(long, default_value_t = 10)]
    rooms: usize,
    /// Ticks measured per run.
    #[arg(long, default_value_t = 3_000)]
    ticks: usize,
    /// Ticks played first, unmeasured, so snakes grow and acks flow.
    #[arg(long, default_value_t = 300)]
    warm_up: usize,
    /// Seed of every room.
    #[arg(long, default_value_t = 5)]
    seed: u64,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let plan = |players_per_room| Plan {
        rooms: cli.rooms,
        players_per_room,
        warm_up: cli.warm_up,
        ticks: cli.ticks,
        seed: cli.seed,
    };
    let snake_ways: [Way<SnakeState>; 4] = [
        Way::own("hand-written"),
        Way::mirrored::<snake_deque::SnakeState>("derived, deque body"),
        Way::mirrored::<snake_plain::SnakeState>("derived"),
        Way::keyframes("keyframes"),
    ];
    for &players in &cli.snake_players {
        let game = Snake {
            rules: SnakeRules::default(),
        };
        let report = measure(game, plan(players), &snake_ways)?;
        println!("{}", serde_json::to_string(&report)?);
    }
    let pong_ways: [Way<PongState>; 3] = [
        Way::own("hand-written"),
        Way::mirrored::<mirror::PongState>("derived"),
        Way::keyframes("keyframes"),
    ];
    for &players in &cli.pong_players {
        // Rounds never end: bench rooms stay in free play, where a won round would stop
        // serving for good; with no points limit the ball is always in play or about to be.
        let game = Pong {
            rules: PongRules {
                points_to_win: 0,
                ..PongRules::default()
            },
        };
        let report = measure(game, plan(players), &pong_ways)?;
        println!("{}", serde_json::to_string(&report)?);
    }
    Ok(())
}
