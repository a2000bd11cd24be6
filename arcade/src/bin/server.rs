//! The `server` binary: parses flags, sets up logging, binds, and hands over to
//! [`tickwire_server::run`] with the game `--game` names. Ctrl-C or SIGTERM shuts it down cleanly.

use std::net::SocketAddr;

use anyhow::Context as _;
use arcade::games::GameName;
use clap::Parser;
use snake::Snake;
use tickwire_game::Game;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// Serves a multiplayer game (snake unless `--game` says otherwise): the browser client at
/// `/`, the game at `/ws`.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    /// Address to listen on.
    #[arg(long, env = "GAME_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,

    /// The game to serve. Unless given, `--www` and `--db` are the game's own: snake's are
    /// `www/dist` and `game.db`, pong's `www/dist-pong` and `pong.db`.
    #[arg(long, env = "GAME_NAME", value_enum, default_value_t)]
    game: GameName,

    #[command(flatten)]
    config: tickwire_server::Config,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    let config = cli.game.fill_defaults(cli.config);
    let listener = TcpListener::bind(cli.addr)
        .await
        .with_context(|| format!("cannot listen on {}", cli.addr))?;
    match cli.game {
        GameName::Snake => serve(listener, config, Snake::default()).await?,
        GameName::Pong => serve(listener, config, pong::Pong::default()).await?,
    }
    tracing::info!("stopped");
    Ok(())
}

/// Runs `game` on `listener` until a signal, then drains.
async fn serve<G: Game>(
    listener: TcpListener,
    config: tickwire_server::Config,
    game: G,
) -> Result<(), tickwire_server::Error> {
    let shutdown = async {
        shutdown_signal().await;
        tracing::info!("finishing running rounds; signal again to stop at once");
        // A second signal means the operator will not wait for the drain.
        tokio::spawn(async {
            shutdown_signal().await;
            tracing::warn!("second signal: stopping without waiting for rounds");
            std::process::exit(130);
        });
    };
    tickwire_server::run(listener, config, game, shutdown).await
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
