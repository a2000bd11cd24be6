//! The `echo` binary, for WebSocket conformance tests only (`scripts/conformance`): a
//! [`tickwire_server::echo`] endpoint with the game server's flags and WebSocket settings that sends
//! every message back. Prints `listening on ws://ADDR/` once bound (port 0 picks a free one).

use std::{io::Write as _, net::SocketAddr};

use anyhow::Context as _;
use clap::Parser;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// Echoes WebSocket messages with the game server's WebSocket settings. Takes every flag of
/// `server`; only those of the WebSocket layer matter here. Raise `--max-message-bytes` for
/// Autobahn, whose cases send messages of up to 16 MiB.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    /// Address to listen on.
    #[arg(long, env = "ECHO_ADDR", default_value = "127.0.0.1:0")]
    addr: SocketAddr,

    #[command(flatten)]
    config: tickwire_server::Config,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .init();
    let cli = Cli::parse();
    let listener = TcpListener::bind(cli.addr)
        .await
        .with_context(|| format!("cannot listen on {}", cli.addr))?;
    let addr = listener.local_addr()?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on ws://{addr}/")?;
    stdout.flush()?;
    drop(stdout);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    tickwire_server::echo::serve(listener, cli.config, shutdown).await;
    Ok(())
}
