//! The authoritative game server runtime: WebSocket sessions on tokio, rooms stepped by a
//! fixed-rate `bevy_ecs` tick on a thread of their own, all generic over [`tickwire_game::Game`].
//!
//! The one entry point is [`run`]: the caller binds the listener (port 0 in tests), chooses
//! the game and says when to shut down. With the `cli` feature (on by default), [`cli`]
//! does all of that for a game's `main`, from the flags and `GAME_*` variables.
//!
//! ```text
//!  TCP accept ─▶ hyper HTTP/1 ─▶ /ws upgrade ─▶ session task ──Command──▶ sim thread
//!                               (per connection)  ◀──watch<Bytes>──  (all rooms' Worlds)
//! ```

#![deny(missing_docs)]

mod admission;
#[cfg(feature = "bench")]
pub mod bench;
#[cfg(feature = "cli")]
pub mod cli;
mod config;
mod conn;
#[cfg(feature = "echo")]
pub mod echo;
mod http;
mod limit;
mod metrics;
mod result;
mod session;
mod sim;
mod store;
#[cfg(feature = "testing")]
pub mod testing;
#[cfg(feature = "tls")]
mod tls;

use std::{
    future::Future,
    net::SocketAddr,
    sync::{Arc, atomic::Ordering::Relaxed},
    time::Duration,
};

use tickwire::api::RoomInfo;
use tickwire_game::{Game, RoomSettings};
use tokio::{
    net::TcpListener,
    sync::{mpsc, watch},
};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use tower::ServiceExt as _;

pub use crate::{
    config::{Config, ConfigError},
    metrics::Metrics,
    result::{PlayerResult, RoundResult},
    store::{MEMORY_ROUNDS, StoreError},
};

/// Bytes tungstenite allocates up front per connection for reading. Client messages are
/// small, so a small buffer keeps thousands of idle connections cheap.
const READ_BUFFER_BYTES: usize = 4 * 1024;

/// Bytes of frames buffered before tungstenite writes to the socket; every batch is flushed
/// explicitly, so this only batches frames within one flush.
const WRITE_BUFFER_BYTES: usize = 16 * 1024;

/// The most bytes queued for a peer that is not reading. Together with the send timeout
/// this bounds the memory a stalled reader can hold.
const MAX_WRITE_BUFFER_BYTES: usize = 256 * 1024;

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A configuration value cannot work.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The simulation thread could not be started.
    #[error("cannot start the simulation thread: {0}")]
    SimThread(std::io::Error),
    /// The results database could not be opened.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// The TLS certificate or key could not be loaded.
    #[cfg(feature = "tls")]
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
}

/// What every connection task shares.
pub(crate) struct Shared<G: Game> {
    pub(crate) config: Config,
    pub(crate) websocket_config: WebSocketConfig,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) commands: mpsc::Sender<sim::Command<G::Input>>,
    pub(crate) lobby: watch::Receiver<Arc<[RoomInfo]>>,
    /// Cancelled when the server shuts down.
    pub(crate) stop: CancellationToken,
    /// Every connection and session task, so shutdown can wait for them.
    pub(crate) tasks: TaskTracker,
    /// When the server started; the clock of [`tickwire::ServerMsg::Pong`].
    pub(crate) started: std::time::Instant,
    /// Match results and the leaderboard.
    pub(crate) store: store::Store,
    /// Set while the server finishes its rounds before stopping.
    pub(crate) draining: std::sync::atomic::AtomicBool,
}

pub(crate) use admission::ConnectionPermit;

/// Serves `game` on `listener` until `shutdown` completes, then drains: takes no one new,
/// lets running rounds finish (up to `drain_timeout`, then ends them), records their
/// results, closes every session with 1001 and returns once they are gone (or
/// `shutdown_timeout` passes).
pub async fn run<G: Game>(
    listener: TcpListener,
    config: Config,
    game: G,
    shutdown: impl Future<Output = ()>,
) -> Result<(), Error> {
    config.validate()?;
    let defaults = game.settings();
    let settings = RoomSettings {
        tick_rate: config.tick_rate.unwrap_or(defaults.tick_rate),
        capacity: config.room_capacity.unwrap_or(defaults.capacity),
    };
    let seed = config.seed.unwrap_or_else(random_seed);
    let metrics = Arc::new(Metrics::default());
    let stop = CancellationToken::new();
    let (commands, command_rx) = mpsc::channel(config.sim_queue);
    let (lobby_tx, lobby) = watch::channel(Arc::from([]));

    #[cfg(feature = "tls")]
    let tls = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => Some(tls::acceptor(cert, key)?),
        _ => None,
    };
    #[cfg(feature = "sqlite")]
    let db = config.db.as_deref();
    #[cfg(not(feature = "sqlite"))]
    let db = None;
    let (store, store_thread) = store::Store::open(db)?;
    let limits = sim::SimLimits::from_config(&config, settings.tick_rate);
    let sim = sim::Sim::new(
        game,
        settings,
        limits,
        seed,
        metrics.clone(),
        lobby_tx,
        Some(store.clone()),
    );
    let sim_stop = stop.clone();
    let sim_thread = std::thread::Builder::new()
        .name("sim".into())
        .spawn(move || sim.run(command_rx, sim_stop))
        .map_err(Error::SimThread)?;

    let websocket_config = websocket_config(&config);
    let admission =
        admission::Admission::new(config.max_connections, config.max_connections_per_ip);
    let shared = Arc::new(Shared::<G> {
        websocket_config,
        metrics,
        commands,
        lobby,
        stop: stop.clone(),
        tasks: TaskTracker::new(),
        started: std::time::Instant::now(),
        store,
        draining: std::sync::atomic::AtomicBool::new(false),
        config,
    });
    let router = http::router(shared.clone());
    tracing::info!(
        addr = ?listener.local_addr().ok(),
        game = G::NAME,
        tick_rate = settings.tick_rate,
        capacity = settings.capacity,
        "serving"
    );

    // The drain runs beside the accept loop: HTTP keeps answering (`/healthz` says
    // draining) while running rounds finish.
    let drain = drain(shutdown, shared.clone());
    tokio::pin!(drain);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut drain => break,
            accepted = accept(&listener) => accepted,
        };
        let permit = match admission.admit(peer.ip()) {
            Ok(permit) => permit,
            Err(refusal) => {
                // Closing at once costs the server nothing more; the peer sees a reset.
                shared.metrics.connections_refused.inc();
                tracing::debug!(%peer, ?refusal, "connection refused");
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        // A fixed send buffer (rather than the kernel's autotuning, up to megabytes) bounds
        // what a peer that stops reading can make the server hold.
        let _ =
            socket2::SockRef::from(&stream).set_send_buffer_size(shared.config.socket_send_buffer);
        let (router, shared) = (router.clone(), shared.clone());
        #[cfg(feature = "tls")]
        if let Some(tls) = tls.clone() {
            shared.tasks.clone().spawn(async move {
                // The TLS handshake counts against the handshake timeout like the HTTP head.
                match tokio::time::timeout(shared.config.handshake_timeout, tls.accept(stream))
                    .await
                {
                    Ok(Ok(stream)) => serve_connection(stream, peer, permit, router, shared).await,
                    Ok(Err(e)) => tracing::debug!(%peer, error = %e, "tls handshake failed"),
                    Err(_) => tracing::debug!(%peer, "tls handshake timed out"),
                }
            });
            continue;
        }
        shared
            .tasks
            .clone()
            .spawn(serve_connection(stream, peer, permit, router, shared));
    }

    drop(listener);
    tracing::info!("shutting down");
    stop.cancel();
    shared.tasks.close();
    if tokio::time::timeout(shared.config.shutdown_timeout, shared.tasks.wait())
        .await
        .is_err()
    {
        tracing::warn!("sessions still open at the shutdown timeout");
    }
    let _ = tokio::task::spawn_blocking(move || sim_thread.join()).await;
    // Everything the simulation recorded is queued; wait until it is written.
    shared.store.flush().await;
    drop(shared);
    drop(router);
    let _ = tokio::task::spawn_blocking(move || store_thread.join()).await;
    Ok(())
}

/// The next connection on `listener`. Accepting fails mostly when the process is out of
/// file descriptors: then it backs off instead of spinning, and the connections already
/// open go on being served.
pub(crate) async fn accept(listener: &TcpListener) -> (tokio::net::TcpStream, SocketAddr) {
    loop {
        match listener.accept().await {
            Ok(accepted) => return accepted,
            Err(e) => {
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// Waits for `shutdown`, then lets running rounds finish (ending them at `drain_timeout`)
/// with no one new admitted. Returns when the server may close its sessions.
async fn drain<G: Game>(shutdown: impl Future<Output = ()>, shared: Arc<Shared<G>>) {
    shutdown.await;
    shared.draining.store(true, Relaxed);
    tracing::info!(timeout = ?shared.config.drain_timeout, "draining: finishing running rounds");
    let (done, drained) = tokio::sync::oneshot::channel();
    if shared
        .commands
        .send(sim::Command::Drain { done })
        .await
        .is_err()
    {
        return;
    }
    if tokio::time::timeout(shared.config.drain_timeout, drained)
        .await
        .is_err()
    {
        tracing::warn!("drain timeout: ending the rounds still running");
        let (done, ended) = tokio::sync::oneshot::channel();
        if shared
            .commands
            .send(sim::Command::EndRounds { done })
            .await
            .is_ok()
        {
            let _ = ended.await;
        }
    }
}

/// Serves HTTP/1 on one TCP connection until it closes, is upgraded, or the server stops.
async fn serve_connection<G: Game, S>(
    stream: S,
    peer: SocketAddr,
    permit: ConnectionPermit,
    router: axum::Router,
    shared: Arc<Shared<G>>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = router.map_request(move |mut request: axum::extract::Request| {
        request.extensions_mut().insert(permit.clone());
        request
    });
    let served = http::serve_http1(
        stream,
        service,
        shared.config.handshake_timeout,
        &shared.stop,
    )
    .await;
    if let Err(e) = served {
        tracing::debug!(%peer, error = %e, "http connection ended with an error");
    }
}

/// The WebSocket settings of every connection the server upgrades: message and frame size
/// from `max_message_bytes`, and the buffer sizes that bound a connection's memory.
pub fn websocket_config(config: &Config) -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(config.max_message_bytes))
        .max_frame_size(Some(config.max_message_bytes))
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(WRITE_BUFFER_BYTES)
        .max_write_buffer_size(MAX_WRITE_BUFFER_BYTES)
}

/// A seed that differs between runs, for when none is configured.
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}
