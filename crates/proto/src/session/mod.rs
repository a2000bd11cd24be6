//! The client side of the protocol for any game, as a state machine with no I/O: the one
//! implementation behind the browser client, the native client, bots and tests.
//!
//! A [`Session`] never owns a socket or a timer. Its driver (a browser WebSocket, a tokio
//! WebSocket, an in-memory pipe in a test) tells it what happened — the transport opened
//! ([`on_open`](Session::on_open)), a message arrived ([`on_message`](Session::on_message)),
//! it closed ([`on_close`](Session::on_close)), time passed
//! ([`handle_timeout`](Session::handle_timeout)) — and does what it asks, taking
//! [`Command`]s from [`poll_command`](Session::poll_command): open a connection, send these
//! bytes, close. What the application should know comes out of
//! [`poll_event`](Session::poll_event). Time is page or process milliseconds from any
//! epoch, passed in with every call.
//!
//! ```text
//!  driver ──on_open / on_message(bytes) / on_close / handle_timeout(now)──▶ Session
//!         ◀──────────── poll_command: Connect | Send(bytes) | Close ───────
//!  app    ◀──────────── poll_event: Welcomed | Snapshot | Rejected | … ───
//! ```
//!
//! The session says hello first (with a resume token after a drop, so the seat comes back),
//! numbers inputs and keeps those the server has not acknowledged, rebuilds snapshots from
//! deltas and acknowledges only what it rebuilt, pings to measure the round trip and the
//! server's clock, and after a close either reconnects with backoff or stops with a
//! [`Failure`] that says why.

mod policy;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;

pub use self::policy::{Backoff, Failure, after_close};
use crate::{
    clock::ClockSync,
    codec,
    delta::{Reconstructor, TickState},
    diff::DeltaError,
    protocol::{ClientMsg, Hello, Join, MatchPhase, PlayerId, Rejection, ResumeToken, Role},
    protocol::{ServerMsg, Welcome},
    wire::Wire,
};

/// How a session behaves. [`Default`] is what a player's client does.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionConfig {
    /// Acknowledge every rebuilt snapshot, so the server sends deltas. A client that never
    /// acknowledges gets every snapshot whole (load tests compare the two).
    pub ack: bool,
    /// Reconnect after a close that retrying can fix. Without it, such a close ends the
    /// session like any other ([`Phase::Closed`]), for clients that report drops instead.
    pub reconnect: bool,
    /// How often to ping for the round trip and the server's clock, in ms; 0 never pings.
    pub ping_every_ms: f64,
    /// Reconnect timing.
    pub backoff: Backoff,
    /// The most sent inputs kept until the server acknowledges them; the oldest go first.
    pub max_unacked: usize,
    /// Seeds the backoff jitter, so tests are reproducible and real clients differ.
    pub seed: u64,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            ack: true,
            reconnect: true,
            ping_every_ms: 2_000.0,
            backoff: Backoff::default(),
            max_unacked: 64,
            seed: 0x5EED,
        }
    }
}

/// Where the session is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Not in a room and not trying to be: before [`Session::play`], after
    /// [`Session::leave`].
    Lobby,
    /// Connecting, or connected and waiting for the welcome.
    Connecting,
    /// Welcomed into a room; snapshots flowing.
    Playing,
    /// The connection was lost; the next attempt starts at `retry_at`.
    Reconnecting {
        /// When the next attempt starts (ms).
        retry_at: f64,
        /// Attempts so far.
        attempt: u32,
    },
    /// The connection closed and this session does not reconnect
    /// ([`SessionConfig::reconnect`] is off).
    Closed {
        /// The close code (1006 when the connection dropped without one).
        code: u16,
        /// The close reason.
        reason: String,
    },
    /// Stopped for good; the failure says what to do.
    Failed(Failure),
}

impl Phase {
    /// A short name for status lines and tests.
    pub fn name(&self) -> &'static str {
        match self {
            Phase::Lobby => "lobby",
            Phase::Connecting => "connecting",
            Phase::Playing => "playing",
            Phase::Reconnecting { .. } => "reconnecting",
            Phase::Closed { .. } => "closed",
            Phase::Failed(_) => "failed",
        }
    }
}

/// What the session asks of its driver, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Open a connection to the server, dropping any other first. Report the result with
    /// [`Session::on_open`] or, if it cannot open, [`Session::on_close`] (1006).
    Connect,
    /// Send these bytes as one binary message.
    Send(Vec<u8>),
    /// Close the connection with this code and reason. The driver reports nothing more of
    /// this connection.
    Close {
        /// The close code.
        code: u16,
        /// The close reason.
        reason: &'static str,
    },
}

/// What happened, for the application.
#[derive(Debug, Clone, PartialEq)]
pub enum Event<S> {
    /// Welcomed into a room: a new seat, a resumed one, or the same room after a reconnect.
    /// Whatever the application kept of the last connection (interpolation, predictions)
    /// starts over here.
    Welcomed(Welcome),
    /// A snapshot was rebuilt into the whole state of its tick.
    Snapshot {
        /// The state, with its tick, input ack and round phase.
        state: TickState<S>,
        /// When it arrived (ms).
        at: f64,
    },
    /// A snapshot could not be rebuilt and was dropped. Without its acknowledgement the
    /// server falls back to a keyframe, so this heals by itself.
    Dropped(DeltaError),
    /// The server refused the hello; the close that follows says what happens next.
    Rejected(Rejection),
    /// A pong measured the round trip.
    Pong {
        /// This round trip, in ms.
        rtt_ms: f64,
        /// The server's clock when it answered, in ms since it started.
        server_ms: u64,
    },
    /// The connection closed. [`Session::phase`] says whether the session reconnects.
    Closed {
        /// The close code (1006 when the connection dropped without one).
        code: u16,
        /// The close reason.
        reason: String,
    },
}

/// Whether the current connection is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    /// No connection, or one that was asked to close.
    Down,
    /// Asked for, not open yet.
    Opening,
    /// Open: messages may be sent.
    Up,
}

/// One client of game `W`, connected or not. See the [module docs](self).
#[derive(Debug)]
pub struct Session<W: Wire> {
    config: SessionConfig,
    phase: Phase,
    link: Link,
    name: String,
    /// Where to join; after a welcome, the room to come back to.
    join: Join,
    /// The token that reclaims the seat after a drop.
    resume: Option<ResumeToken>,
    welcome: Option<Welcome>,
    /// Welcomes so far: a change tells the application a new connection began.
    welcomes: u64,
    /// Recent whole states, the baselines the server's deltas refer to.
    states: Reconstructor<W>,
    /// The room's round phase in the newest snapshot.
    match_phase: Option<MatchPhase>,
    /// The highest input sequence the server has acknowledged.
    ack: u32,
    next_seq: u32,
    /// Inputs sent and not yet acknowledged, oldest first, with when they were sent.
    unacked: VecDeque<(u32, W::Input, f64)>,
    clock: ClockSync,
    next_ping_at: f64,
    commands: VecDeque<Command>,
    events: VecDeque<Event<W::Snapshot>>,
    /// A line for the player about the last thing that went wrong.
    notice: Option<String>,
    bytes_sent: u64,
    bytes_received: u64,
    /// The backoff jitter's generator (xorshift64*).
    jitter: u64,
}

impl<W: Wire> Session<W> {
    /// A session in the lobby; nothing happens until [`play`](Self::play).
    pub fn new(config: SessionConfig) -> Self {
        Session {
            jitter: config.seed | 1,
            config,
            phase: Phase::Lobby,
            link: Link::Down,
            name: String::new(),
            join: Join::Quick,
            resume: None,
            welcome: None,
            welcomes: 0,
            states: Reconstructor::default(),
            match_phase: None,
            ack: 0,
            next_seq: 1,
            unacked: VecDeque::new(),
            clock: ClockSync::default(),
            next_ping_at: 0.0,
            commands: VecDeque::new(),
            events: VecDeque::new(),
            notice: None,
            bytes_sent: 0,
            bytes_received: 0,
        }
    }

    /// Joins as `name` where `join` says, leaving any current connection.
    pub fn play(&mut self, name: &str, join: Join) {
        self.start(name, join, None);
    }

    /// Asks for the seat `token` held (after a page reload, say), as `name`; if the server
    /// no longer knows the token, joins where `join` says instead.
    pub fn rejoin(&mut self, name: &str, join: Join, token: ResumeToken) {
        self.start(name, join, Some(token));
    }

    fn start(&mut self, name: &str, join: Join, resume: Option<ResumeToken>) {
        self.disconnect(1000, "client left");
        self.name = name.to_owned();
        self.join = join;
        self.resume = resume;
        self.notice = None;
        self.phase = Phase::Connecting;
        self.connect();
    }

    /// Leaves the room for the lobby at once: tells the server (so the seat is freed now,
    /// not after the grace period) and closes. Nothing of the room is kept.
    pub fn leave(&mut self) {
        if self.link == Link::Up {
            self.send(&ClientMsg::Leave);
        }
        self.disconnect(1000, "client left");
        self.resume = None;
        self.forget_room();
        self.phase = Phase::Lobby;
    }

    /// Sends one input; returns its sequence number, or `None` when the session cannot
    /// (not seated as a player, or not connected). The input is kept until the server
    /// acknowledges it ([`unacked`](Self::unacked)).
    pub fn send_input(&mut self, input: W::Input, now: f64) -> Option<u32> {
        // Only a welcomed player (so on an open connection): a spectator's input would get
        // the connection closed (1008).
        self.me()?;
        let seq = self.next_seq;
        self.next_seq += 1;
        self.send(&ClientMsg::Input {
            seq,
            input: input.clone(),
        });
        if self.unacked.len() >= self.config.max_unacked.max(1) {
            self.unacked.pop_front();
        }
        self.unacked.push_back((seq, input, now));
        Some(seq)
    }

    /// The transport opened: say hello.
    pub fn on_open(&mut self, now: f64) {
        if self.link != Link::Opening {
            return;
        }
        self.link = Link::Up;
        let _ = now;
        let hello = ClientMsg::<W::Input>::Hello(Hello::new::<W>(
            self.name.clone(),
            self.join.clone(),
            self.resume,
        ));
        self.send(&hello);
    }

    /// One binary message from the server arrived at `now`.
    pub fn on_message(&mut self, bytes: &[u8], now: f64) {
        if self.link != Link::Up {
            return;
        }
        self.bytes_received += bytes.len() as u64;
        match codec::decode_server::<W::Snapshot, crate::DeltaOf<W>>(bytes) {
            Ok(msg) => self.receive(msg, now),
            Err(e) => {
                self.disconnect(1002, "undecodable message");
                self.stop(Failure::Undecodable(e.to_string()));
            }
        }
    }

    /// The connection closed (or could not open: report 1006) with `code` and `reason`.
    pub fn on_close(&mut self, code: u16, reason: &str, now: f64) {
        if self.link == Link::Down {
            return;
        }
        self.link = Link::Down;
        self.welcome = None;
        self.events.push_back(Event::Closed {
            code,
            reason: reason.to_owned(),
        });
        if matches!(self.phase, Phase::Lobby | Phase::Failed(_)) {
            return;
        }
        match after_close(code, reason) {
            Some(failure) => self.stop(failure),
            None if !self.config.reconnect => {
                self.phase = Phase::Closed {
                    code,
                    reason: reason.to_owned(),
                };
            }
            None => {
                self.notice = Some(if reason.is_empty() {
                    format!("connection lost ({code})")
                } else {
                    format!("connection lost: {reason}")
                });
                self.schedule_retry(now);
            }
        }
    }

    /// Time passed: reconnects and pings that are due happen now.
    pub fn handle_timeout(&mut self, now: f64) {
        if let Phase::Reconnecting { retry_at, .. } = self.phase
            && self.link == Link::Down
            && now >= retry_at
        {
            self.connect();
        }
        if self.config.ping_every_ms > 0.0 && now >= self.next_ping_at {
            self.ping(now);
        }
    }

    /// Pings now (if playing), for a round-trip and clock sample; the regular pings go on
    /// from here.
    pub fn ping(&mut self, now: f64) {
        // Welcomed, so on an open connection.
        if self.welcome.is_some() {
            self.next_ping_at = now + self.config.ping_every_ms;
            self.send(&ClientMsg::Ping {
                sent_ms: now as u32,
            });
        }
    }

    /// When [`handle_timeout`](Self::handle_timeout) next has something to do, if ever.
    pub fn poll_timeout(&self) -> Option<f64> {
        match self.phase {
            Phase::Reconnecting { retry_at, .. } if self.link == Link::Down => Some(retry_at),
            Phase::Playing if self.link == Link::Up && self.config.ping_every_ms > 0.0 => {
                Some(self.next_ping_at)
            }
            _ => None,
        }
    }

    /// The next thing the driver must do, in order.
    pub fn poll_command(&mut self) -> Option<Command> {
        self.commands.pop_front()
    }

    /// The next thing the application should know, in order.
    pub fn poll_event(&mut self) -> Option<Event<W::Snapshot>> {
        self.events.pop_front()
    }

    fn receive(&mut self, msg: ServerMsg<W::Snapshot, crate::DeltaOf<W>>, now: f64) {
        match msg {
            ServerMsg::Welcome(welcome) => {
                self.resume = welcome.resume;
                // Reconnecting goes back to the same room (a private one by its code).
                self.join = match (&self.join, welcome.role) {
                    (Join::Watch(_), _) | (_, Role::Spectator) => Join::Watch(welcome.code.clone()),
                    _ => Join::Room(welcome.code.clone()),
                };
                self.forget_room();
                self.welcome = Some(welcome.clone());
                self.welcomes += 1;
                self.phase = Phase::Playing;
                self.notice = None;
                self.next_ping_at = now;
                self.events.push_back(Event::Welcomed(welcome));
                self.handle_timeout(now);
            }
            ServerMsg::Snapshot(snapshot) => match self.states.receive(snapshot) {
                Ok(state) => {
                    // Acknowledged only once rebuilt, so the server's next baseline is one
                    // this client holds.
                    if self.config.ack {
                        self.send(&ClientMsg::Ack { tick: state.tick });
                    }
                    self.ack = self.ack.max(state.ack);
                    while self
                        .unacked
                        .front()
                        .is_some_and(|(seq, ..)| *seq <= self.ack)
                    {
                        self.unacked.pop_front();
                    }
                    self.match_phase = Some(state.phase);
                    self.events.push_back(Event::Snapshot { state, at: now });
                }
                Err(e) => self.events.push_back(Event::Dropped(e)),
            },
            ServerMsg::Pong { sent_ms, server_ms } => {
                let rtt = f64::from((now as u32).wrapping_sub(sent_ms));
                self.clock.sample(now - rtt, now, server_ms as f64);
                self.events.push_back(Event::Pong {
                    rtt_ms: rtt,
                    server_ms,
                });
            }
            ServerMsg::Reject(rejection) => {
                self.notice = Some(
                    match rejection {
                        Rejection::VersionMismatch { .. } => "version mismatch",
                        Rejection::ServerFull => "the server is full",
                        Rejection::InvalidName => "that name is not allowed",
                        Rejection::RoomFull => "that room is full",
                        Rejection::NoSuchRoom => "no room has that code",
                        Rejection::Draining => "the server is restarting",
                    }
                    .to_owned(),
                );
                self.events.push_back(Event::Rejected(rejection));
            }
        }
    }

    fn connect(&mut self) {
        self.link = Link::Opening;
        self.welcome = None;
        self.commands.push_back(Command::Connect);
    }

    /// Closes the current connection, if any, and forgets it.
    fn disconnect(&mut self, code: u16, reason: &'static str) {
        if self.link != Link::Down {
            self.commands.push_back(Command::Close { code, reason });
        }
        self.link = Link::Down;
        self.welcome = None;
    }

    fn stop(&mut self, failure: Failure) {
        self.notice = Some(failure.to_string());
        self.phase = Phase::Failed(failure);
    }

    fn schedule_retry(&mut self, now: f64) {
        let attempt = match self.phase {
            Phase::Reconnecting { attempt, .. } => attempt,
            _ => 0,
        };
        let jitter = self.next_jitter();
        let delay = self.config.backoff.delay_ms(attempt, jitter);
        self.phase = Phase::Reconnecting {
            retry_at: now + delay,
            attempt: attempt + 1,
        };
    }

    /// The state of the last connection's room, forgotten before a new one.
    fn forget_room(&mut self) {
        self.states.clear();
        self.match_phase = None;
        self.ack = 0;
        self.next_seq = 1;
        self.unacked.clear();
    }

    fn send(&mut self, msg: &ClientMsg<W::Input>) {
        match codec::encode(msg) {
            Ok(bytes) => {
                self.bytes_sent += bytes.len() as u64;
                self.commands.push_back(Command::Send(bytes));
            }
            // Every client message encodes; failing to is a bug, not a network event.
            Err(e) => self.notice = Some(format!("cannot encode a message: {e}")),
        }
    }

    /// A number in [0, 1) (xorshift64*), for the backoff jitter.
    fn next_jitter(&mut self) -> f64 {
        let mut x = self.jitter;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.jitter = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Where the session is.
    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The name it plays under.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The welcome of the current connection.
    pub fn welcome(&self) -> Option<&Welcome> {
        self.welcome.as_ref()
    }

    /// How many welcomes this session has had: it changes whenever a new connection (a
    /// reconnect, a new room) begins, so whatever was predicted for the old one is stale.
    pub fn welcomes(&self) -> u64 {
        self.welcomes
    }

    /// The player this session plays, once welcomed (not for spectators).
    pub fn me(&self) -> Option<PlayerId> {
        self.welcome.as_ref().and_then(Welcome::player)
    }

    /// Where the room is in its round, from the newest snapshot.
    pub fn match_phase(&self) -> Option<MatchPhase> {
        self.match_phase
    }

    /// Whether the world moves now: not during a countdown or while results are shown.
    pub fn world_moves(&self) -> bool {
        !matches!(
            self.match_phase,
            Some(MatchPhase::Countdown { .. } | MatchPhase::Ended { .. })
        )
    }

    /// The newest rebuilt state and its tick.
    pub fn latest(&self) -> Option<(u64, &W::Snapshot)> {
        self.states.latest()
    }

    /// The highest input sequence the server has acknowledged.
    pub fn ack(&self) -> u32 {
        self.ack
    }

    /// Inputs sent and not yet acknowledged, oldest first: sequence number, input, and when
    /// it was sent (ms). Predicting the own entity replays these on the newest state.
    pub fn unacked(&self) -> impl DoubleEndedIterator<Item = (u32, &W::Input, f64)> + '_ {
        self.unacked
            .iter()
            .map(|(seq, input, sent)| (*seq, input, *sent))
    }

    /// Smoothed round-trip time in ms, once measured.
    pub fn rtt_ms(&self) -> Option<f64> {
        self.clock.rtt_ms()
    }

    /// The server's clock minus this one, in ms, once measured.
    pub fn clock_offset_ms(&self) -> Option<f64> {
        self.clock.offset_ms()
    }

    /// The last problem worth telling the player about.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Message bytes sent so far, on every connection.
    pub fn bytes_sent(&self) -> u64 {
        self.bytes_sent
    }

    /// Message bytes received so far, on every connection.
    pub fn bytes_received(&self) -> u64 {
        self.bytes_received
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }
}
