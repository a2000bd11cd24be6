//! One WebSocket session: the hello handshake, then inputs in and snapshots out, with
//! heartbeat, idle timeout, rate limit and a close frame whose code says why it ended.
//!
//! Every way a session can end is an [`Exit`]. Routine endings (the peer left or vanished)
//! are logged at debug level; nothing a peer sends can panic the server.

use std::{sync::atomic::Ordering::Relaxed, time::Duration};

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use tickwire::{CloseReason, DeltaOf, Hello, PlayerId, ServerMsg, codec};
use tickwire_game::Game;
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite},
    sync::{mpsc, oneshot},
    time::{Instant, sleep, timeout},
};
use tokio_tungstenite::{
    WebSocketStream,
    tungstenite::{
        self, Message,
        protocol::{CloseFrame, frame::coding::CloseCode},
    },
};

use crate::{
    Shared,
    conn::{self, Exit, Request},
    limit::RateLimit,
    metrics::Metrics,
    sim::{Command, ConnHandle, Seated},
};

/// One inbound frame, sorted.
enum Inbound {
    /// A binary message.
    Data(Bytes),
    /// A ping, pong, or the peer's close handshake in progress: only proves liveness.
    Control,
}

/// Keeps `game_connections` true however the session ends.
struct OpenGauge<'a>(&'a Metrics);

impl<'a> OpenGauge<'a> {
    fn new(metrics: &'a Metrics) -> Self {
        metrics.connections.inc();
        OpenGauge(metrics)
    }
}

impl Drop for OpenGauge<'_> {
    fn drop(&mut self) {
        self.0.connections.dec();
    }
}

/// Runs one session to its end, closing it with the code its ending calls for.
pub(crate) async fn serve<G: Game, S>(ws: WebSocketStream<S>, shared: &Shared<G>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let _open = OpenGauge::new(&shared.metrics);
    let epoch = Instant::now();
    let mut session = Session { epoch, ws, shared };
    let exit = session.run().await;
    tracing::debug!(?exit, "session ended");
    session.finish(exit).await;
}

struct Session<'a, G: Game, S> {
    ws: WebSocketStream<S>,
    shared: &'a Shared<G>,
    epoch: Instant,
}

impl<G: Game, S: AsyncRead + AsyncWrite + Unpin> Session<'_, G, S> {
    async fn run(&mut self) -> Exit {
        let hello = match timeout(self.shared.config.handshake_timeout, self.next_data()).await {
            Err(_) => return Exit::Close(CloseReason::HelloTimeout),
            Ok(Err(exit)) => return exit,
            Ok(Ok(bytes)) => bytes,
        };
        let hello = match conn::check_hello::<G>(&hello, self.shared.config.max_name_chars) {
            Ok(hello) => hello,
            Err(exit) => return exit,
        };
        let seated = match join(self.shared, hello).await {
            Ok(seated) => seated,
            Err(exit) => return exit,
        };
        let player = seated.welcome.player();
        if let Err(exit) = self
            .send(&ServerMsg::<G::Snapshot, DeltaOf<G>>::Welcome(
                seated.welcome.clone(),
            ))
            .await
        {
            return exit;
        }
        self.play(player, seated).await
    }

    /// The main loop: inputs in (none from spectators, whose `player` is `None`), one
    /// snapshot out per tick, pings, idle, replacement and shutdown.
    async fn play(&mut self, player: Option<PlayerId>, seated: Seated) -> Exit {
        let ConnHandle {
            mut snapshots,
            acked,
            kick,
        } = seated.conn;
        // Copied out so that no borrow of the whole session (which is not `Sync`) is held
        // across an await.
        let shared = self.shared;
        let config = &shared.config;
        let mut ping =
            tokio::time::interval_at(Instant::now() + config.ping_interval, config.ping_interval);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let idle = sleep(config.idle_timeout);
        tokio::pin!(idle);
        let mut conn = conn::Seated::new(
            player,
            RateLimit::new(
                config.input_rate,
                config.input_burst,
                config.input_flood_tolerance,
                Duration::ZERO,
            ),
        );
        loop {
            tokio::select! {
                biased;
                () = shared.stop.cancelled() => return Exit::Close(CloseReason::Shutdown),
                () = kick.cancelled() => return Exit::Close(CloseReason::Replaced),
                () = &mut idle => return Exit::Close(CloseReason::IdleTimeout),
                frame = self.ws.next() => {
                    idle.as_mut().reset(Instant::now() + config.idle_timeout);
                    let bytes = match self.sort(frame) {
                        Ok(Inbound::Data(bytes)) => bytes,
                        Ok(Inbound::Control) => continue,
                        Err(exit) => return exit,
                    };
                    match conn.on_message::<G>(&bytes, self.epoch.elapsed()) {
                        Request::Nothing { dropped } => {
                            if dropped {
                                shared.metrics.inputs_dropped.inc();
                            }
                        }
                        Request::Input { player, seq, input } => {
                            match shared.commands.try_send(Command::Input { player, seq, input }) {
                                Ok(()) => {}
                                Err(mpsc::error::TrySendError::Full(_)) => {
                                    shared.metrics.inputs_dropped.inc();
                                }
                                Err(mpsc::error::TrySendError::Closed(_)) => return Exit::Close(CloseReason::Shutdown),
                            }
                        }
                        Request::Leave(player) => {
                            if let Some(player) = player {
                                // Waits for queue space: one per session, drained every tick.
                                let _ = shared.commands.send(Command::Leave { player }).await;
                            }
                            return Exit::Close(CloseReason::Normal);
                        }
                        Request::Ack(tick) => {
                            acked.fetch_max(tick, Relaxed);
                        }
                        Request::Ping(sent_ms) => {
                            let server_ms = u64::try_from(shared.started.elapsed().as_millis()).unwrap_or(u64::MAX);
                            if let Err(exit) = self.send(&ServerMsg::Pong { sent_ms, server_ms }).await {
                                return exit;
                            }
                        }
                        Request::Exit(exit) => return exit,
                    }
                }
                changed = snapshots.changed() => {
                    if changed.is_err() {
                        return Exit::Close(CloseReason::Shutdown);
                    }
                    let bytes = snapshots.borrow_and_update().clone();
                    if let Err(exit) = self.write(Message::Binary(bytes)).await {
                        return exit;
                    }
                }
                _ = ping.tick() => {
                    if let Err(exit) = self.write(Message::Ping(Bytes::new())).await {
                        return exit;
                    }
                }
            }
        }
    }

    /// Reads frames until a binary message arrives; control frames are skipped.
    async fn next_data(&mut self) -> Result<Bytes, Exit> {
        loop {
            let frame = self.ws.next().await;
            if let Inbound::Data(bytes) = self.sort(frame)? {
                return Ok(bytes);
            }
        }
    }

    /// Sorts one read result into data, control, or the end of the session.
    fn sort(&self, frame: Option<Result<Message, tungstenite::Error>>) -> Result<Inbound, Exit> {
        use tungstenite::error::{CapacityError, Error};
        let metrics = &self.shared.metrics;
        match frame {
            Some(Ok(Message::Binary(bytes))) => {
                metrics.bytes_received.inc_by(bytes.len() as u64);
                Ok(Inbound::Data(bytes))
            }
            Some(Ok(Message::Text(text))) => {
                metrics.bytes_received.inc_by(text.len() as u64);
                Err(Exit::Protocol(CloseReason::TextFrame))
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {
                Ok(Inbound::Control)
            }
            // The peer started the close handshake; tungstenite replies as we keep reading.
            Some(Ok(Message::Close(_))) => Err(Exit::Gone),
            Some(Err(Error::Capacity(CapacityError::MessageTooLong { .. }))) => {
                Err(Exit::Protocol(CloseReason::TooBig))
            }
            Some(Err(Error::Capacity(_) | Error::Protocol(_) | Error::Utf8(_))) => {
                Err(Exit::Protocol(CloseReason::BadFrame))
            }
            Some(Err(_)) | None => Err(Exit::Gone),
        }
    }

    async fn send(&mut self, msg: &ServerMsg<G::Snapshot, DeltaOf<G>>) -> Result<(), Exit> {
        match codec::encode(msg) {
            Ok(bytes) => self.write(Message::Binary(bytes.into())).await,
            Err(e) => {
                tracing::error!(error = %e, "server message does not encode");
                Err(Exit::Gone)
            }
        }
    }

    /// Writes and flushes one message within the send timeout.
    async fn write(&mut self, msg: Message) -> Result<(), Exit> {
        let len = msg.len() as u64;
        match timeout(self.shared.config.send_timeout, self.ws.send(msg)).await {
            Ok(Ok(())) => {
                self.shared.metrics.bytes_sent.inc_by(len);
                Ok(())
            }
            Ok(Err(_)) => Err(Exit::Gone),
            Err(_) => Err(Exit::Close(CloseReason::TooSlow)),
        }
    }

    /// Says goodbye as the exit calls for, then waits (bounded) for the peer's close so the
    /// handshake completes and the peer sees our code.
    async fn finish(mut self, exit: Exit) {
        let reason = match exit {
            Exit::Gone => None,
            Exit::Close(reason) => Some(reason),
            Exit::Protocol(reason) => {
                self.shared.metrics.protocol_errors.inc();
                Some(reason)
            }
            Exit::Reject(rejection) => {
                let reason = rejection.close_reason();
                let _ = self.send(&ServerMsg::Reject(rejection)).await;
                Some(reason)
            }
        };
        let close_timeout = self.shared.config.close_timeout;
        let metrics = &self.shared.metrics;
        let ws = &mut self.ws;
        let _ = timeout(close_timeout, async {
            if let Some(reason) = reason {
                metrics.count_close(reason);
                let frame = CloseFrame {
                    code: CloseCode::from(reason.code()),
                    reason: reason.reason().into(),
                };
                if ws.close(Some(frame)).await.is_err() {
                    return;
                }
            }
            // Read until the peer's close. If what it sends no longer parses (say, the rest
            // of an oversized frame), keep discarding raw bytes until it hangs up: closing a
            // socket with unread data sends a reset, which can destroy our close frame
            // before the peer reads it.
            while let Some(result) = ws.next().await {
                if result.is_err() {
                    let mut sink = [0u8; 4096];
                    while matches!(ws.get_mut().read(&mut sink).await, Ok(n) if n > 0) {}
                    break;
                }
            }
        })
        .await;
    }
}

/// Asks the simulation for a seat.
async fn join<G: Game>(shared: &Shared<G>, hello: Hello) -> Result<Seated, Exit> {
    let (reply, seat) = oneshot::channel();
    let command = Command::Join {
        name: hello.name,
        join: hello.join,
        resume: hello.resume,
        reply,
    };
    // Joins wait for queue space rather than being dropped: they are bounded by the number
    // of connections, and the simulation drains the queue every tick.
    if shared.commands.send(command).await.is_err() {
        return Err(Exit::Close(CloseReason::Shutdown));
    }
    match seat.await {
        Ok(Ok(seated)) => Ok(seated),
        Ok(Err(rejection)) => Err(Exit::Reject(rejection)),
        Err(_) => Err(Exit::Close(CloseReason::Shutdown)),
    }
}
