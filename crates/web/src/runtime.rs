//! The browser side of a game session, for any [`Wire`]: connect, say hello, keep the
//! snapshot timeline, measure round-trip time, send inputs, and reconnect with backoff after
//! an unexpected close. It knows nothing about drawing or controls.

use tickwire::{
    ClientMsg, CloseReason, DeltaOf, Hello, Join, MatchPhase, PlayerId, Reconstructor, Rejection,
    ResumeToken, ServerMsg, Welcome, Wire, clock::ClockSync,
};

use crate::{
    console_info, console_warn,
    net::{Connection, NetEvent},
    timeline::Timeline,
};

/// First reconnect delay, in ms; it doubles per failed attempt.
pub const BACKOFF_FIRST_MS: f64 = 500.0;
/// The longest reconnect delay, in ms.
pub const BACKOFF_MAX_MS: f64 = 10_000.0;
/// How often to measure round-trip time, in ms.
pub const PING_EVERY_MS: f64 = 2_000.0;

/// Where the session is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Not connected; waiting for the player to press play.
    Lobby,
    /// Socket opening or hello sent.
    Connecting,
    /// Welcomed; snapshots flowing.
    Playing,
    /// Lost the connection; trying again at page time `retry_at` (ms).
    Reconnecting {
        /// When the next attempt starts.
        retry_at: f64,
        /// Attempts so far.
        attempt: u32,
    },
    /// Retrying cannot help (version mismatch, protocol error); the message says what to do.
    Failed(String),
}

impl Phase {
    /// A short name for status lines and tests.
    pub fn name(&self) -> &'static str {
        match self {
            Phase::Lobby => "lobby",
            Phase::Connecting => "connecting",
            Phase::Playing => "playing",
            Phase::Reconnecting { .. } => "reconnecting",
            Phase::Failed(_) => "failed",
        }
    }
}

/// The delay before reconnect attempt `attempt` (0-based): doubling from
/// [`BACKOFF_FIRST_MS`] up to [`BACKOFF_MAX_MS`], scaled by `jitter` in [0, 1) to between
/// 75% and 125% so clients dropped together do not return together.
pub fn backoff_ms(attempt: u32, jitter: f64) -> f64 {
    let base = (BACKOFF_FIRST_MS * 2f64.powi(attempt.min(16) as i32)).min(BACKOFF_MAX_MS);
    base * (0.75 + 0.5 * jitter.clamp(0.0, 1.0))
}

/// What a close means for the session: `None` to reconnect, or the phase to stay in.
pub fn after_close(code: u16, reason: &str) -> Option<Phase> {
    match CloseReason::from_app_code(code) {
        Some(CloseReason::VersionMismatch) => Some(Phase::Failed(
            "This page is out of date: reload it to play.".into(),
        )),
        Some(CloseReason::InvalidName) => Some(Phase::Failed(
            "That name is not allowed: use letters, digits, spaces and _-.".into(),
        )),
        Some(CloseReason::RoomFull) => Some(Phase::Failed(
            "That room is full: watch it, or pick another.".into(),
        )),
        Some(CloseReason::NoSuchRoom) => Some(Phase::Failed(
            "No room has that code: it may have closed.".into(),
        )),
        Some(reason) if reason.should_retry() => None,
        Some(reason) => Some(Phase::Failed(format!("Disconnected: {}.", reason.reason()))),
        // 1000 from the server, or a protocol violation: retrying would only repeat it.
        None if matches!(code, 1000 | 1002 | 1003 | 1007 | 1008 | 1009) => Some(Phase::Failed(
            format!("Disconnected by the server ({code} {reason})."),
        )),
        // 1001 shutdown, 1006 dropped, 1011 server error, 1012 restart, 1013 try later.
        None => None,
    }
}

/// The page's clock and randomness, injected so the runtime stays testable.
#[derive(Debug, Clone, Copy)]
pub struct Env {
    /// `performance.now()`, in ms.
    pub now: fn() -> f64,
    /// A number in [0, 1).
    pub random: fn() -> f64,
}

/// One game session in the browser.
#[derive(Debug)]
pub struct Session<G: Wire> {
    url: String,
    name: String,
    /// Where to join, and after a welcome, the room to come back to.
    join: Join,
    /// The token that reclaims the seat after a drop.
    resume: Option<ResumeToken>,
    /// The room's round phase in the newest snapshot.
    match_phase: Option<MatchPhase>,
    env: Env,
    /// A debug link conditioner for every connection, if set.
    link: Option<tickwire::link::LinkProfile>,
    phase: Phase,
    connection: Option<Connection<G>>,
    welcome: Option<Welcome>,
    timeline: Timeline<G::Snapshot>,
    /// Recent whole states, the baselines the server's deltas refer to.
    states: Reconstructor<G>,
    /// The latest acknowledged input sequence.
    ack: u32,
    next_seq: u32,
    clock: ClockSync,
    next_ping_at: f64,
    /// A line for the player about the last thing that went wrong.
    notice: Option<String>,
}

impl<G: Wire> Session<G> {
    /// A session that will connect to `url` when [`play`](Self::play) is called.
    pub fn new(url: String, env: Env, link: Option<tickwire::link::LinkProfile>) -> Self {
        Session {
            url,
            name: String::new(),
            join: Join::Quick,
            resume: None,
            match_phase: None,
            env,
            link,
            phase: Phase::Lobby,
            connection: None,
            welcome: None,
            timeline: Timeline::new(1),
            states: Reconstructor::default(),
            ack: 0,
            next_seq: 1,
            clock: ClockSync::default(),
            next_ping_at: 0.0,
            notice: None,
        }
    }

    /// Joins as `name` where `join` says, leaving any current connection.
    pub fn play(&mut self, name: &str, join: Join) {
        self.start(name, join, None);
    }

    /// Asks for the seat `token` held (after a page reload), as `name`; if the server no
    /// longer knows the token, joins where `join` says instead.
    pub fn rejoin(&mut self, name: &str, join: Join, token: ResumeToken) {
        self.start(name, join, Some(token));
    }

    fn start(&mut self, name: &str, join: Join, resume: Option<ResumeToken>) {
        self.name = name.to_owned();
        self.join = join;
        self.resume = resume;
        self.notice = None;
        self.phase = Phase::Connecting;
        self.connect();
    }

    /// Leaves the room and returns to the lobby at once: says so to the server if the
    /// socket is open, then closes it. Nothing of the room is kept.
    pub fn leave(&mut self) {
        if let Some(connection) = &self.connection {
            // The browser sends queued messages before the close frame `drop` sends.
            let _ = connection.send(&ClientMsg::Leave);
        }
        self.connection = None;
        self.welcome = None;
        self.resume = None;
        self.match_phase = None;
        self.timeline = Timeline::new(1);
        self.states.clear();
        self.phase = Phase::Lobby;
    }

    fn connect(&mut self) {
        // Dropping the old connection unregisters its handlers and closes its socket.
        self.connection = None;
        self.welcome = None;
        match Connection::open(&self.url, self.env.now, self.link) {
            Ok(connection) => {
                self.connection = Some(connection);
                if !matches!(self.phase, Phase::Reconnecting { .. }) {
                    self.phase = Phase::Connecting;
                }
            }
            Err(e) => {
                self.notice = Some(format!("cannot open a WebSocket: {e:?}"));
                self.schedule_retry();
            }
        }
    }

    fn attempt(&self) -> u32 {
        match self.phase {
            Phase::Reconnecting { attempt, .. } => attempt,
            _ => 0,
        }
    }

    fn schedule_retry(&mut self) {
        let attempt = self.attempt();
        let delay = backoff_ms(attempt, (self.env.random)());
        console_info(&format!(
            "reconnecting in {:.1} s (attempt {})",
            delay / 1000.0,
            attempt + 1
        ));
        self.phase = Phase::Reconnecting {
            retry_at: (self.env.now)() + delay,
            attempt: attempt + 1,
        };
    }

    /// Handles everything that happened since the last call: socket events, pings due, and
    /// reconnect attempts due. Call it once per animation frame.
    pub fn update(&mut self) {
        let now = (self.env.now)();
        if let Phase::Reconnecting { retry_at, .. } = self.phase
            && self.connection.is_none()
            && now >= retry_at
        {
            self.connect();
        }
        let events = self
            .connection
            .as_ref()
            .map(Connection::drain)
            .unwrap_or_default();
        for event in events {
            self.handle(event);
        }
        if self.phase == Phase::Playing && now >= self.next_ping_at {
            self.next_ping_at = now + PING_EVERY_MS;
            if let Some(connection) = &self.connection {
                let _ = connection.send(&ClientMsg::Ping {
                    sent_ms: now as u32,
                });
            }
        }
    }

    fn handle(&mut self, event: NetEvent<G::Snapshot, DeltaOf<G>>) {
        match event {
            NetEvent::Opened => {
                // After a drop, the token from the last welcome reclaims the same seat.
                let hello = ClientMsg::Hello(Hello::new::<G>(
                    self.name.clone(),
                    self.join.clone(),
                    self.resume,
                ));
                if let Some(connection) = &self.connection {
                    let _ = connection.send(&hello);
                }
            }
            NetEvent::Message { msg, at } => self.receive(msg, at),
            NetEvent::Undecodable(e) => {
                console_warn(&format!("undecodable message from the server: {e}"));
                self.notice = Some(format!("undecodable message from the server: {e}"));
                if let Some(connection) = &self.connection {
                    connection.close(1002, "undecodable message");
                }
            }
            NetEvent::Closed { code, reason } => {
                console_warn(&format!("connection closed: {code} {reason}"));
                self.connection = None;
                self.welcome = None;
                match after_close(code, &reason) {
                    Some(phase) => self.phase = phase,
                    None => {
                        self.notice = Some(if reason.is_empty() {
                            format!("connection lost ({code})")
                        } else {
                            format!("connection lost: {reason}")
                        });
                        self.schedule_retry();
                    }
                }
            }
        }
    }

    fn receive(&mut self, msg: ServerMsg<G::Snapshot, DeltaOf<G>>, at: f64) {
        match msg {
            ServerMsg::Welcome(welcome) => {
                console_info(&format!(
                    "joined room {} as {:?}{} ({} ticks/s)",
                    welcome.code,
                    welcome.role,
                    if welcome.resumed { ", resumed" } else { "" },
                    welcome.tick_rate
                ));
                self.resume = welcome.resume;
                // Reconnecting goes back to the same room (a private one by its code).
                self.join = match (&self.join, welcome.role) {
                    (Join::Watch(_), _) | (_, tickwire::Role::Spectator) => {
                        Join::Watch(welcome.code.clone())
                    }
                    _ => Join::Room(welcome.code.clone()),
                };
                self.timeline = Timeline::new(welcome.tick_rate);
                self.match_phase = None;
                self.states.clear();
                self.ack = 0;
                self.next_seq = 1;
                self.welcome = Some(welcome);
                self.phase = Phase::Playing;
                self.notice = None;
                self.next_ping_at = at;
            }
            ServerMsg::Snapshot(snapshot) => match self.states.receive(snapshot) {
                Ok(state) => {
                    // Acknowledged only once rebuilt, so the server's next baseline is one
                    // this client holds.
                    if let Some(connection) = &self.connection {
                        let _ = connection.send(&ClientMsg::Ack { tick: state.tick });
                    }
                    self.ack = self.ack.max(state.ack);
                    self.match_phase = Some(state.phase);
                    self.timeline.push(state.tick, state.state, at);
                }
                Err(e) => {
                    // A bug or a lost baseline: without new acks the server falls back to a
                    // keyframe once its baseline ages past delta_max_age.
                    console_warn(&format!("snapshot dropped: {e}"));
                }
            },
            ServerMsg::Pong { sent_ms, server_ms } => {
                let rtt = f64::from((at as u32).wrapping_sub(sent_ms));
                self.clock.sample(at - rtt, at, server_ms as f64);
            }
            ServerMsg::Reject(rejection) => {
                self.notice = Some(match rejection {
                    Rejection::VersionMismatch { .. } => "version mismatch".into(),
                    Rejection::ServerFull => "the server is full".into(),
                    Rejection::InvalidName => "that name is not allowed".into(),
                    Rejection::RoomFull => "that room is full".into(),
                    Rejection::NoSuchRoom => "no room has that code".into(),
                    Rejection::Draining => "the server is restarting".into(),
                });
            }
        }
    }

    /// Sends one input; returns its sequence number, or `None` when not playing.
    pub fn send_input(&mut self, input: G::Input) -> Option<u32> {
        // A spectator's input would get the connection closed (1008).
        if self.phase != Phase::Playing || self.me().is_none() {
            return None;
        }
        let seq = self.next_seq;
        self.connection
            .as_ref()?
            .send(&ClientMsg::Input { seq, input })
            .ok()?;
        self.next_seq += 1;
        Some(seq)
    }

    /// The name it plays under.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the session is.
    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The player this session plays, once welcomed.
    pub fn me(&self) -> Option<PlayerId> {
        self.welcome.as_ref().and_then(Welcome::player)
    }

    /// The welcome of the current connection.
    pub fn welcome(&self) -> Option<&Welcome> {
        self.welcome.as_ref()
    }

    /// The snapshots received on the current connection.
    pub fn timeline(&self) -> &Timeline<G::Snapshot> {
        &self.timeline
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

    /// The highest input sequence the server has acknowledged.
    pub fn ack(&self) -> u32 {
        self.ack
    }

    /// Smoothed round-trip time in ms, once measured.
    pub fn rtt_ms(&self) -> Option<f64> {
        self.clock.rtt_ms()
    }

    /// The server's clock minus the page's, in ms, once measured.
    pub fn clock_offset_ms(&self) -> Option<f64> {
        self.clock.offset_ms()
    }

    /// The last problem worth telling the player about.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// The current connection, for tests.
    pub fn connection(&self) -> Option<&Connection<G>> {
        self.connection.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_bounded_jitter() {
        assert_eq!(backoff_ms(0, 0.5), 500.0);
        assert_eq!(backoff_ms(1, 0.5), 1000.0);
        assert_eq!(backoff_ms(3, 0.5), 4000.0);
        assert_eq!(backoff_ms(10, 0.5), BACKOFF_MAX_MS);
        assert_eq!(backoff_ms(0, 0.0), 375.0);
        assert_eq!(backoff_ms(0, 0.999_999).round(), 625.0);
        assert_eq!(backoff_ms(u32::MAX, 0.5), BACKOFF_MAX_MS);
    }

    #[test]
    fn a_version_mismatch_asks_for_a_reload_instead_of_retrying() {
        let Some(Phase::Failed(message)) = after_close(4000, "version mismatch") else {
            panic!("a version mismatch must not be retried");
        };
        assert!(message.contains("reload"));
    }

    #[test]
    fn dropped_connections_and_shutdowns_are_retried() {
        for code in [1001, 1006, 1011, 1012, 4001, 4004, 4005] {
            assert_eq!(after_close(code, ""), None, "code {code}");
        }
    }

    #[test]
    fn protocol_errors_are_not_retried() {
        for code in [1002, 1003, 1008, 1009, 4002, 4003, 4006, 4007, 4008] {
            assert!(
                matches!(after_close(code, ""), Some(Phase::Failed(_))),
                "code {code}"
            );
        }
    }

    #[test]
    fn a_full_or_missing_room_says_what_to_do_instead() {
        let Some(Phase::Failed(full)) = after_close(4006, "room full") else {
            panic!("a full room must not be retried");
        };
        assert!(full.contains("watch it"), "{full}");
        let Some(Phase::Failed(missing)) = after_close(4008, "no room with that code") else {
            panic!("a missing room must not be retried");
        };
        assert!(missing.contains("No room has that code"), "{missing}");
    }
}
