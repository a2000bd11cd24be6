//! A native client for any toolkit game: the protocol is the toolkit's
//! [`tickwire::session::Session`], exactly as in the browser; this module only carries its
//! bytes over a tokio-tungstenite WebSocket and keeps its clock. Loadgen's bots and the
//! socket tests use it.

use futures_util::{SinkExt, StreamExt};
use tickwire::{
    Join, Rejection, ResumeToken, TickState, Welcome, Wire,
    session::{Command, Event, Failure, Phase, Session, SessionConfig},
};
use tokio::{net::TcpStream, time::Instant};
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream,
    tungstenite::{
        self, Message,
        protocol::{CloseFrame, WebSocketConfig, frame::coding::CloseCode},
    },
};

/// Bytes read from the socket at once. Snapshots are a few KiB at most; tungstenite's
/// 128 KiB default would cost that much per bot when a load generator runs thousands.
const READ_BUFFER_BYTES: usize = 8 * 1024;

/// How long closing waits for the server's half of the close handshake.
const CLOSE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// The socket type of a native client.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Why a client call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The transport failed or the handshake was refused.
    #[error("websocket: {0}")]
    WebSocket(#[from] tungstenite::Error),
    /// The server refused the hello.
    #[error("rejected: {0:?}")]
    Rejected(Rejection),
    /// The server closed the connection and the session does not reconnect.
    #[error("closed by server: {code} {reason}")]
    Closed {
        /// The close code, 1005 if none was sent.
        code: u16,
        /// The close reason.
        reason: String,
    },
    /// The session stopped for good: an undecodable message, a version mismatch.
    #[error("stopped: {0}")]
    Failed(Failure),
    /// The session is not seated as a player (a spectator, or not connected).
    #[error("not playing")]
    NotPlaying,
}

/// How a client behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// Acknowledge every reconstructed snapshot, so the server sends deltas. Without acks
    /// the server sends every snapshot whole, which is useful for comparisons.
    pub ack: bool,
    /// Reconnect (and resume the seat) after a drop, as a browser does. Off by default:
    /// bots and tests report a drop rather than hide it.
    pub reconnect: bool,
    /// Where to join.
    pub join: Join,
    /// A token from an earlier welcome, to reclaim that seat.
    pub resume: Option<ResumeToken>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            ack: true,
            reconnect: false,
            join: Join::Quick,
            resume: None,
        }
    }
}

/// One welcomed client of game `W`.
#[derive(Debug)]
pub struct Client<W: Wire> {
    url: String,
    session: Session<W>,
    ws: Option<Socket>,
    /// The clock the session runs on.
    epoch: Instant,
    /// The newest welcome (kept after a disconnect, for reports).
    welcome: Welcome,
    /// The refusal that preceded a close, to report it rather than the close.
    rejection: Option<Rejection>,
    /// The transport error behind the last 1006, to report it rather than the code.
    transport_error: Option<tungstenite::Error>,
}

impl<W: Wire> Client<W> {
    /// Connects to `url`, says hello as `name` and waits for the welcome.
    pub async fn connect(url: &str, name: &str) -> Result<Self, ClientError> {
        Self::connect_with(url, name, Options::default()).await
    }

    /// [`connect`](Self::connect) with `options`.
    pub async fn connect_with(
        url: &str,
        name: &str,
        options: Options,
    ) -> Result<Self, ClientError> {
        let mut session = Session::new(SessionConfig {
            ack: options.ack,
            reconnect: options.reconnect,
            seed: seed_from(name),
            ..SessionConfig::default()
        });
        match options.resume {
            Some(token) => session.rejoin(name, options.join, token),
            None => session.play(name, options.join),
        }
        let mut client = Client {
            url: url.to_owned(),
            session,
            ws: None,
            epoch: Instant::now(),
            welcome: Welcome {
                role: tickwire::Role::Spectator,
                room: tickwire::RoomId(0),
                code: String::new(),
                private: false,
                tick_rate: 0,
                resume: None,
                resumed: false,
            },
            rejection: None,
            transport_error: None,
        };
        loop {
            if let Event::Welcomed(_) = client.next_event().await? {
                return Ok(client);
            }
        }
    }

    /// What the server said when it last let us in.
    pub fn welcome(&self) -> &Welcome {
        &self.welcome
    }

    /// The protocol session: its phase, acknowledged and unacknowledged inputs, latest
    /// state, round trip.
    pub fn session(&self) -> &Session<W> {
        &self.session
    }

    /// Sends one input and returns its sequence number.
    pub async fn send_input(&mut self, input: W::Input) -> Result<u32, ClientError> {
        let now = self.now();
        let seq = self
            .session
            .send_input(input, now)
            .ok_or(ClientError::NotPlaying)?;
        self.run_commands().await;
        Ok(seq)
    }

    /// Waits for the next rebuilt snapshot (acknowledged unless the options say not to),
    /// reconnecting on the way if the options allow.
    pub async fn next_snapshot(&mut self) -> Result<TickState<W::Snapshot>, ClientError> {
        loop {
            if let Event::Snapshot { state, .. } = self.next_event().await? {
                return Ok(state);
            }
        }
    }

    /// Sends a protocol-level ping now and waits for its pong, skipping snapshots; returns
    /// the server's clock from the pong.
    pub async fn ping(&mut self) -> Result<u64, ClientError> {
        let now = self.now();
        self.session.ping(now);
        loop {
            if let Event::Pong { server_ms, .. } = self.next_event().await? {
                return Ok(server_ms);
            }
        }
    }

    /// Says goodbye (the server frees the seat at once) and closes.
    pub async fn leave(mut self) -> Result<(), ClientError> {
        self.session.leave();
        self.run_commands().await;
        Ok(())
    }

    /// Message bytes sent so far.
    pub fn bytes_sent(&self) -> u64 {
        self.session.bytes_sent()
    }

    /// Message bytes received so far.
    pub fn bytes_received(&self) -> u64 {
        self.session.bytes_received()
    }

    /// The underlying socket while connected, for tests that misbehave on purpose.
    pub fn socket(&mut self) -> Option<&mut Socket> {
        self.ws.as_mut()
    }

    /// Milliseconds on the session's clock.
    fn now(&self) -> f64 {
        self.epoch.elapsed().as_secs_f64() * 1_000.0
    }

    /// Runs the session until it has something to say, or has stopped for good.
    async fn next_event(&mut self) -> Result<Event<W::Snapshot>, ClientError> {
        loop {
            self.run_commands().await;
            if let Some(event) = self.session.poll_event() {
                match &event {
                    Event::Welcomed(welcome) => {
                        self.welcome = welcome.clone();
                        self.rejection = None;
                    }
                    Event::Rejected(rejection) => self.rejection = Some(rejection.clone()),
                    _ => {}
                }
                return Ok(event);
            }
            if let Some(error) = self.stopped() {
                return Err(error);
            }
            self.wait().await;
        }
    }

    /// Why the session will do nothing more, if it will not.
    fn stopped(&mut self) -> Option<ClientError> {
        let error = match self.session.phase() {
            Phase::Lobby => ClientError::NotPlaying,
            Phase::Closed { code, reason } => {
                match (self.rejection.take(), self.transport_error.take()) {
                    (Some(rejection), _) => ClientError::Rejected(rejection),
                    (None, Some(error)) if *code == 1006 => ClientError::WebSocket(error),
                    _ => ClientError::Closed {
                        code: *code,
                        reason: reason.clone(),
                    },
                }
            }
            Phase::Failed(failure) => match self.rejection.take() {
                Some(rejection) => ClientError::Rejected(rejection),
                None => ClientError::Failed(failure.clone()),
            },
            Phase::Connecting | Phase::Playing | Phase::Reconnecting { .. } => return None,
        };
        Some(error)
    }

    /// Waits for a message, the connection's end, or the session's next timer, and tells
    /// the session.
    async fn wait(&mut self) {
        let deadline = self
            .session
            .poll_timeout()
            .map(|at| self.epoch + std::time::Duration::from_secs_f64(at.max(0.0) / 1_000.0));
        let frame = match (&mut self.ws, deadline) {
            (Some(ws), Some(deadline)) => tokio::select! {
                frame = ws.next() => Some(frame),
                () = tokio::time::sleep_until(deadline) => None,
            },
            (Some(ws), None) => Some(ws.next().await),
            (None, Some(deadline)) => {
                tokio::time::sleep_until(deadline).await;
                None
            }
            // Nothing open and nothing due: the session has stopped, which the caller sees.
            (None, None) => return,
        };
        let now = self.now();
        match frame {
            None => self.session.handle_timeout(now),
            Some(Some(Ok(Message::Binary(bytes)))) => self.session.on_message(&bytes, now),
            // Not the protocol: decoding it fails, and the session says so.
            Some(Some(Ok(Message::Text(text)))) => self.session.on_message(text.as_bytes(), now),
            Some(Some(Ok(Message::Close(frame)))) => {
                let (code, reason) = frame.map_or((1005, String::new()), |f| {
                    (u16::from(f.code), f.reason.to_string())
                });
                self.ws = None;
                self.session.on_close(code, &reason, now);
            }
            Some(Some(Ok(_))) => {}
            Some(Some(Err(error))) => {
                self.ws = None;
                self.transport_error = Some(error);
                self.session.on_close(1006, "", now);
            }
            Some(None) => {
                self.ws = None;
                self.session.on_close(1006, "", now);
            }
        }
    }

    /// Does what the session asked, in order.
    async fn run_commands(&mut self) {
        while let Some(command) = self.session.poll_command() {
            match command {
                Command::Connect => self.open().await,
                Command::Send(bytes) => {
                    let Some(ws) = &mut self.ws else { continue };
                    if let Err(error) = ws.send(Message::Binary(bytes.into())).await {
                        self.ws = None;
                        self.transport_error = Some(error);
                        let now = self.now();
                        self.session.on_close(1006, "", now);
                    }
                }
                Command::Close { code, reason } => self.close(code, reason).await,
            }
        }
    }

    async fn open(&mut self) {
        let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER_BYTES);
        let opened =
            tokio_tungstenite::connect_async_with_config(&self.url, Some(config), true).await;
        let now = self.now();
        match opened {
            Ok((ws, _)) => {
                self.ws = Some(ws);
                self.session.on_open(now);
            }
            Err(error) => {
                self.transport_error = Some(error);
                self.session.on_close(1006, "", now);
            }
        }
    }

    /// Closes the socket with `code`, waiting (bounded) for the server's close.
    async fn close(&mut self, code: u16, reason: &'static str) {
        let Some(mut ws) = self.ws.take() else { return };
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.into(),
        };
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, async {
            if ws.close(Some(frame)).await.is_ok() {
                while let Some(Ok(_)) = ws.next().await {}
            }
        })
        .await;
    }
}

/// A backoff seed that differs between clients (by name) but not between runs.
fn seed_from(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
