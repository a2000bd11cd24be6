//! The `server` binary: this project's games over [`tickwire_server::cli`], which reads the
//! flags and `GAME_*` variables, logs, binds, and drains on SIGTERM or Ctrl-C (a second
//! signal stops at once). All this file adds is `--game`, which picks the game and its
//! `--www` and `--db` defaults.

use std::process::ExitCode;

use arcade::games::GameName;
use clap::Parser;
use tickwire_server::cli;

/// Serves a multiplayer game (snake unless `--game` says otherwise): the browser client at
/// `/`, the game at `/ws`.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    /// The game to serve. Unless given, `--www` and `--db` are the game's own: snake's are
    /// `www/dist` and `game.db`, pong's `www/dist-pong` and `pong.db`.
    #[arg(long, env = "GAME_NAME", value_enum, default_value_t)]
    game: GameName,

    #[command(flatten)]
    server: cli::Args,
}

fn main() -> ExitCode {
    let Cli { game, server } = Cli::parse();
    match game {
        GameName::Snake => cli::serve(server, snake::Snake::default(), game.defaults()),
        GameName::Pong => cli::serve(server, pong::Pong::default(), game.defaults()),
    }
}
