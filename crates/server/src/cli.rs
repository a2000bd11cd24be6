//! A whole server process for any game (feature `cli`), so a game's `main` is a few lines:
//! the flags and `GAME_*` variables of [`Config`] plus `--addr`, logging from `RUST_LOG`,
//! the listener, and shutdown on SIGTERM or Ctrl-C. The first signal drains (running rounds
//! finish, up to `--drain-timeout`); a second stops at once, with exit status 130.
//!
//! ```no_run
//! fn serve_my_game(game: impl tickwire_game::Game) -> std::process::ExitCode {
//!     let defaults = tickwire_server::cli::Defaults {
//!         www: Some("www/dist".into()),
//!         db: Some("my-game.db".into()),
//!     };
//!     tickwire_server::cli::main(game, defaults)
//! }
//! ```
//!
//! `main` calls that with its game and returns what it returns.
//!
//! A binary with flags of its own (this project's `server` takes `--game`) flattens
//! [`Args`] into its own parser and calls [`serve`].

use std::{io::IsTerminal as _, net::SocketAddr, path::PathBuf, process::ExitCode};

use clap::Parser as _;
use tickwire_game::Game;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;

use crate::Config;

/// The exit status after a second signal stopped the server without draining: 128 + SIGINT,
/// as a shell reports a process stopped by Ctrl-C.
pub const STOPPED_AT_ONCE: u8 = 130;

/// Every server's flags: where to listen, and the whole [`Config`].
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, env = "GAME_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Every limit and timing.
    #[command(flatten)]
    pub config: Config,
}

/// What a game's server uses where the operator gave no flag. Each is used only where the
/// feature that reads it is on (`www`, `sqlite`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Defaults {
    /// The built browser client, served at `/` (`--www`).
    pub www: Option<PathBuf>,
    /// The results database (`--db`).
    pub db: Option<String>,
}

impl Defaults {
    /// `config` with these defaults wherever it has no `www` or `db` of its own.
    pub fn fill(&self, config: Config) -> Config {
        Config {
            #[cfg(feature = "www")]
            www: config.www.or_else(|| self.www.clone()),
            #[cfg(feature = "sqlite")]
            db: config.db.or_else(|| self.db.clone()),
            ..config
        }
    }
}

/// The command line of [`main`]: [`Args`] and nothing else.
#[derive(Debug, clap::Parser)]
#[command(about = "Serves a multiplayer game: the browser client at `/`, the game at `/ws`.")]
struct Command {
    #[command(flatten)]
    args: Args,
}

/// Serves `game` as the whole process: reads the command line and environment (`--help`
/// lists every flag), then does what [`serve`] does. Call it from `main` and return what it
/// returns.
pub fn main<G: Game>(game: G, defaults: Defaults) -> ExitCode {
    serve(Command::parse().args, game, defaults)
}

/// Serves `game` with flags already parsed: logs from `RUST_LOG` (default `info`), binds
/// `args.addr`, runs [`crate::run`] on a multi-threaded tokio runtime until a signal, drains
/// and returns success; a second signal returns [`STOPPED_AT_ONCE`] without waiting. A
/// listener or configuration that cannot work is logged and returns failure.
pub fn serve<G: Game>(args: Args, game: G, defaults: Defaults) -> ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // A subscriber the program installed itself is kept.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stdout().is_terminal())
        .try_init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    let status = runtime.block_on(serve_until_signalled(args, game, defaults));
    // After a second signal, sessions may still be open: they are not waited for.
    runtime.shutdown_background();
    status
}

async fn serve_until_signalled<G: Game>(args: Args, game: G, defaults: Defaults) -> ExitCode {
    let mut signals = match Signals::listen() {
        Ok(signals) => signals,
        Err(e) => {
            tracing::error!(error = %e, "cannot listen for shutdown signals");
            return ExitCode::FAILURE;
        }
    };
    let listener = match TcpListener::bind(args.addr).await {
        Ok(listener) => listener,
        Err(e) => {
            tracing::error!(addr = %args.addr, error = %e, "cannot listen");
            return ExitCode::FAILURE;
        }
    };
    let config = defaults.fill(args.config);
    let drain = CancellationToken::new();
    let served = crate::run(listener, config, game, drain.clone().cancelled_owned());
    let signalled = async {
        signals.next().await;
        tracing::info!("finishing running rounds; signal again to stop at once");
        drain.cancel();
        signals.next().await;
    };
    tokio::select! {
        served = served => match served {
            Ok(()) => {
                tracing::info!("stopped");
                ExitCode::SUCCESS
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot serve");
                ExitCode::FAILURE
            }
        },
        () = signalled => {
            tracing::warn!("second signal: stopping without waiting for rounds");
            ExitCode::from(STOPPED_AT_ONCE)
        }
    }
}

/// SIGINT (Ctrl-C) and SIGTERM, listened for from the start so that none is missed between
/// the first and the second.
struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    fn listen() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// Completes at the next signal.
    async fn next(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            Some(()) = self.interrupt.recv() => {}
            Some(()) = self.terminate.recv() => {}
            else => std::future::pending().await,
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, clap::Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    #[cfg(all(feature = "www", feature = "sqlite"))]
    #[test]
    fn given_flags_win_over_the_games_defaults() {
        let defaults = Defaults {
            www: Some("www/dist".into()),
            db: Some("game.db".into()),
        };
        let given = Cli::try_parse_from(["server", "--www", "elsewhere", "--db", ":memory:"])
            .unwrap()
            .args;
        let filled = defaults.fill(given.config);
        assert_eq!(filled.www, Some(PathBuf::from("elsewhere")));
        assert_eq!(filled.db.as_deref(), Some(":memory:"));
        let plain = Cli::try_parse_from(["server"]).unwrap().args;
        let filled = defaults.fill(plain.config);
        assert_eq!(filled.www, Some(PathBuf::from("www/dist")));
        assert_eq!(filled.db.as_deref(), Some("game.db"));
    }

    #[test]
    fn the_address_defaults_to_loopback_8080() {
        let plain = Cli::try_parse_from(["server"]).unwrap().args;
        assert_eq!(plain.addr, "127.0.0.1:8080".parse().unwrap());
    }
}
