//! The browser's driver of the toolkit's client session, for any [`Wire`]: it carries the
//! session's bytes over the browser's WebSocket ([`Connection`]), gives it the page clock,
//! and puts the snapshots it rebuilds on the interpolation [`Timeline`]. Every protocol
//! decision (hello, acks, pings, inputs, reconnects and when to give up) is the session's,
//! the same code bots and tests run natively.

use tickwire::{
    Join, MatchPhase, PlayerId, ResumeToken, Welcome, Wire,
    link::LinkProfile,
    session::{self, Command, Event, SessionConfig},
};

pub use tickwire::session::{Failure, Phase};

use crate::{
    console_info, console_warn,
    net::{Connection, NetEvent},
    timeline::Timeline,
};

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
    env: Env,
    /// A debug link conditioner for every connection, if set.
    link: Option<LinkProfile>,
    session: session::Session<G>,
    connection: Option<Connection>,
    timeline: Timeline<G::Snapshot>,
}

impl<G: Wire> Session<G> {
    /// A session that will connect to `url` when [`play`](Self::play) is called.
    pub fn new(url: String, env: Env, link: Option<LinkProfile>) -> Self {
        let seed = ((env.random)() * 2f64.powi(53)) as u64;
        Session {
            url,
            env,
            link,
            session: session::Session::new(SessionConfig {
                seed,
                ..SessionConfig::default()
            }),
            connection: None,
            timeline: Timeline::new(1),
        }
    }

    /// Joins as `name` where `join` says, leaving any current connection.
    pub fn play(&mut self, name: &str, join: Join) {
        self.session.play(name, join);
        self.run_commands();
    }

    /// Asks for the seat `token` held (after a page reload), as `name`; if the server no
    /// longer knows the token, joins where `join` says instead.
    pub fn rejoin(&mut self, name: &str, join: Join, token: ResumeToken) {
        self.session.rejoin(name, join, token);
        self.run_commands();
    }

    /// Leaves the room and returns to the lobby at once: says so to the server if the
    /// socket is open, then closes it. Nothing of the room is kept.
    pub fn leave(&mut self) {
        self.session.leave();
        self.run_commands();
        self.timeline = Timeline::new(1);
    }

    /// Handles everything that happened since the last call: socket events, pings due, and
    /// reconnect attempts due. Call it once per animation frame.
    pub fn update(&mut self) {
        let now = (self.env.now)();
        self.session.handle_timeout(now);
        self.run_commands();
        let events = self
            .connection
            .as_ref()
            .map(Connection::drain)
            .unwrap_or_default();
        for event in events {
            let now = (self.env.now)();
            match event {
                NetEvent::Opened => self.session.on_open(now),
                NetEvent::Message { bytes, at } => self.session.on_message(&bytes, at),
                NetEvent::Closed { code, reason } => {
                    self.connection = None;
                    self.session.on_close(code, &reason, now);
                }
            }
            self.run_commands();
        }
        while let Some(event) = self.session.poll_event() {
            self.take(event);
        }
    }

    /// Sends one input; returns its sequence number, or `None` when not playing.
    pub fn send_input(&mut self, input: G::Input) -> Option<u32> {
        let seq = self.session.send_input(input, (self.env.now)());
        self.run_commands();
        seq
    }

    /// The toolkit's session: inputs the server has not acknowledged yet, the newest
    /// state, the clock.
    pub fn session(&self) -> &session::Session<G> {
        &self.session
    }

    /// Does what the session asked, in order.
    fn run_commands(&mut self) {
        while let Some(command) = self.session.poll_command() {
            match command {
                Command::Connect => {
                    // Dropping the old connection unregisters its handlers and closes it.
                    self.connection = None;
                    match Connection::open(&self.url, self.env.now, self.link) {
                        Ok(connection) => self.connection = Some(connection),
                        Err(e) => {
                            console_warn(&format!("cannot open a WebSocket: {e:?}"));
                            self.session.on_close(
                                1006,
                                "cannot open a WebSocket",
                                (self.env.now)(),
                            );
                        }
                    }
                }
                Command::Send(bytes) => {
                    if let Some(connection) = &self.connection {
                        // A socket that is not open is about to report its close.
                        let _ = connection.send(bytes);
                    }
                }
                Command::Close { code, reason } => {
                    if let Some(connection) = self.connection.take() {
                        connection.close(code, reason);
                    }
                }
            }
        }
    }

    /// What the session said, for the page.
    fn take(&mut self, event: Event<G::Snapshot>) {
        match event {
            Event::Welcomed(welcome) => {
                console_info(&format!(
                    "joined room {} as {:?}{} ({} ticks/s)",
                    welcome.code,
                    welcome.role,
                    if welcome.resumed { ", resumed" } else { "" },
                    welcome.tick_rate
                ));
                self.timeline = Timeline::new(welcome.tick_rate);
            }
            Event::Snapshot { state, at } => self.timeline.push(state.tick, state.state, at),
            Event::Dropped(e) => console_warn(&format!("snapshot dropped: {e}")),
            Event::Closed { code, reason } => {
                console_warn(&format!("connection closed: {code} {reason}"));
                if let Phase::Reconnecting { retry_at, attempt } = self.session.phase() {
                    console_info(&format!(
                        "reconnecting in {} s (attempt {attempt})",
                        crate::tenths((retry_at - (self.env.now)()) / 1000.0),
                    ));
                }
            }
            Event::Rejected(_) | Event::Pong { .. } => {}
        }
    }

    /// The name it plays under.
    pub fn name(&self) -> &str {
        self.session.name()
    }

    /// Where the session is.
    pub fn phase(&self) -> &Phase {
        self.session.phase()
    }

    /// The player this session plays, once welcomed.
    pub fn me(&self) -> Option<PlayerId> {
        self.session.me()
    }

    /// The welcome of the current connection.
    pub fn welcome(&self) -> Option<&Welcome> {
        self.session.welcome()
    }

    /// The snapshots received on the current connection.
    pub fn timeline(&self) -> &Timeline<G::Snapshot> {
        &self.timeline
    }

    /// Where the room is in its round, from the newest snapshot.
    pub fn match_phase(&self) -> Option<MatchPhase> {
        self.session.match_phase()
    }

    /// Whether the world moves now: not during a countdown or while results are shown.
    pub fn world_moves(&self) -> bool {
        self.session.world_moves()
    }

    /// The highest input sequence the server has acknowledged.
    pub fn ack(&self) -> u32 {
        self.session.ack()
    }

    /// The newest input sent that the server has not acknowledged yet.
    pub fn pending_input(&self) -> Option<&G::Input> {
        self.session
            .unacked()
            .next_back()
            .map(|(_, input, _)| input)
    }

    /// Smoothed round-trip time in ms, once measured.
    pub fn rtt_ms(&self) -> Option<f64> {
        self.session.rtt_ms()
    }

    /// The last problem worth telling the player about.
    pub fn notice(&self) -> Option<&str> {
        self.session.notice()
    }

    /// The current connection, for tests.
    pub fn connection(&self) -> Option<&Connection> {
        self.connection.as_ref()
    }
}
