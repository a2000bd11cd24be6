//! An in-process client+server stepper for tests, in the spirit of lightyear's: the real
//! simulation ([`Sim`], stepped by hand exactly as the sim thread steps it), the server's
//! real per-connection protocol (`conn`) and any number of real client sessions
//! ([`tickwire::session::Session`]), joined by in-memory byte queues on a virtual clock,
//! optionally through a link conditioner. No sockets, no threads, no sleeps: every run with
//! the same seed replays exactly, and a match of ten clients for hundreds of ticks takes a
//! fraction of a second.
//!
//! What it leaves out is what only a socket can test: WebSocket framing (text frames, frame
//! sizes), the HTTP upgrade, pings of the WebSocket layer and idle timeouts, TLS, and the
//! threads and channels between sessions and the sim thread. The real-socket tests keep
//! those.

use std::{
    collections::VecDeque,
    fmt,
    sync::{Arc, atomic::Ordering::Relaxed},
    time::Duration,
};

use tickwire::{
    CloseReason, DeltaOf, Join, ResumeToken, ServerMsg, Welcome, codec,
    link::{Conditioner, LinkProfile},
    session::{Command as SessionCommand, Event, Session, SessionConfig},
};
use tickwire_game::{Game, RoomSettings};
use tokio::sync::{oneshot, watch};

use crate::{
    Config, Metrics, RoomInfo,
    conn::{self, Exit, Request},
    limit::RateLimit,
    sim::{Command, ConnHandle, Seated, Sim, SimLimits},
};

/// A client of a [`Stepper`], by the order it was added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientId(pub usize);

/// What travels between a client and the server: the transport opening, a binary message,
/// or a close frame.
#[derive(Debug, Clone)]
enum Packet {
    Open,
    Bytes(Vec<u8>),
    Close { code: u16, reason: String },
}

/// The server's half of one connection, as its session task would hold it.
enum ServerEnd {
    /// Opened; the first message must be a hello.
    AwaitingHello,
    /// The hello went to the simulation; messages wait until the seat is known.
    Joining {
        reply: oneshot::Receiver<Result<Seated, tickwire::Rejection>>,
        backlog: Vec<Vec<u8>>,
    },
    /// Seated (or watching): the protocol state and the seat's channels.
    Seated {
        conn: conn::Seated,
        handle: ConnHandle,
        /// When the seat was given (virtual ms), the rate limit's epoch.
        since: f64,
    },
}

/// One client: its session (none for a raw client), what it reported, and the pipe to the
/// server.
struct Client<G: Game> {
    session: Session<G>,
    /// A raw client has no session working for it: the test writes its bytes.
    raw: bool,
    events: VecDeque<Event<G::Snapshot>>,
    /// What a raw client received: messages, and the close frame if one came.
    received: Vec<Vec<u8>>,
    closed: Option<(u16, String)>,
    /// Client to server, and server to client, each with its conditioner if any.
    up: Pipe,
    down: Pipe,
    server: Option<ServerEnd>,
}

/// One direction of a connection: packets in flight with their delivery times.
struct Pipe {
    link: Option<Conditioner>,
    queue: VecDeque<(f64, Packet)>,
}

impl Pipe {
    fn new(link: Option<Conditioner>) -> Self {
        Pipe {
            link,
            queue: VecDeque::new(),
        }
    }

    fn send(&mut self, now: f64, packet: Packet) {
        let due = self.link.as_mut().map_or(now, |link| link.deliver_at(now));
        self.queue.push_back((due, packet));
    }

    fn due(&mut self, now: f64) -> Option<(f64, Packet)> {
        match self.queue.front() {
            Some((due, _)) if *due <= now => self.queue.pop_front(),
            _ => None,
        }
    }
}

/// A server and its clients in one process, advanced one tick at a time.
pub struct Stepper<G: Game> {
    sim: Sim<G>,
    config: Config,
    settings: RoomSettings,
    metrics: Arc<Metrics>,
    lobby: watch::Receiver<Arc<[RoomInfo]>>,
    /// Virtual time, in ms.
    now: f64,
    clients: Vec<Client<G>>,
    /// Joins and inputs for the next tick, in arrival order, as the sim queue holds them.
    queued: Vec<Command<G::Input>>,
}

impl<G: Game> fmt::Debug for Stepper<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stepper")
            .field("now", &self.now)
            .field("clients", &self.clients.len())
            .finish_non_exhaustive()
    }
}

impl<G: Game> Stepper<G> {
    /// A server for `game` with `config` (its limits, rounds, tick rate; the seed makes
    /// rooms reproducible, 0 if unset), at virtual time 0, with no clients.
    pub fn new(game: G, config: Config) -> Self {
        let defaults = game.settings();
        let settings = RoomSettings {
            tick_rate: config.tick_rate.unwrap_or(defaults.tick_rate).max(1),
            capacity: config.room_capacity.unwrap_or(defaults.capacity),
        };
        let limits = SimLimits::from_config(&config, settings.tick_rate);
        let metrics = Arc::new(Metrics::default());
        let (lobby_tx, lobby) = watch::channel(Arc::from([]));
        let sim = Sim::new(
            game,
            settings,
            limits,
            config.seed.unwrap_or(0),
            metrics.clone(),
            lobby_tx,
            None,
        );
        Stepper {
            sim,
            config,
            settings,
            metrics,
            lobby,
            now: 0.0,
            clients: Vec::new(),
            queued: Vec::new(),
        }
    }

    /// A client that joins as `name` where `join` says, over a perfect link.
    pub fn connect(&mut self, name: &str, join: Join) -> ClientId {
        self.connect_with(name, join, None, SessionConfig::default(), None)
    }

    /// A client with everything chosen: a resume token, its session's configuration, and
    /// a link profile applied in both directions.
    pub fn connect_with(
        &mut self,
        name: &str,
        join: Join,
        resume: Option<ResumeToken>,
        config: SessionConfig,
        link: Option<LinkProfile>,
    ) -> ClientId {
        let id = ClientId(self.clients.len());
        let seed = id.0 as u64;
        let mut session = Session::new(SessionConfig {
            seed: config.seed ^ seed,
            ..config
        });
        match resume {
            Some(token) => session.rejoin(name, join, token),
            None => session.play(name, join),
        }
        self.clients.push(Client {
            session,
            raw: false,
            events: VecDeque::new(),
            received: Vec::new(),
            closed: None,
            up: Pipe::new(link.map(|l| Conditioner::new(l, 2 * seed + 1))),
            down: Pipe::new(link.map(|l| Conditioner::new(l, 2 * seed + 2))),
            server: None,
        });
        self.run_client(id);
        id
    }

    /// A client with no session: a connection the test writes with
    /// [`send_raw`](Self::send_raw) (no hello is said for it) and reads with
    /// [`received`](Self::received) and [`close_of`](Self::close_of), as a broken or hostile
    /// client would behave.
    pub fn connect_raw(&mut self) -> ClientId {
        let id = ClientId(self.clients.len());
        let mut down = Pipe::new(None);
        down.send(self.now, Packet::Open);
        self.clients.push(Client {
            session: Session::new(SessionConfig::default()),
            raw: true,
            events: VecDeque::new(),
            received: Vec::new(),
            closed: None,
            up: Pipe::new(None),
            down,
            server: Some(ServerEnd::AwaitingHello),
        });
        id
    }

    /// What raw client `id` received so far, one message each.
    pub fn received(&self, id: ClientId) -> &[Vec<u8>] {
        &self.clients[id.0].received
    }

    /// The close frame client `id` received on its last connection, if any: code and reason.
    /// For a client with a session, its events say the same.
    pub fn close_of(&self, id: ClientId) -> Option<(u16, &str)> {
        self.clients[id.0]
            .closed
            .as_ref()
            .map(|(code, reason)| (*code, reason.as_str()))
    }

    /// One tick period: what is due crosses the pipes, the simulation takes its queued joins
    /// and inputs and steps every room, each connection gets its snapshot, and the clients
    /// read what arrived and do what their sessions ask.
    pub fn step(&mut self) {
        self.now += 1_000.0 / f64::from(self.settings.tick_rate);
        for i in 0..self.clients.len() {
            self.deliver_up(ClientId(i));
        }
        for command in std::mem::take(&mut self.queued) {
            self.sim.handle(command);
        }
        for i in 0..self.clients.len() {
            self.take_seat(ClientId(i));
        }
        self.sim.step();
        for i in 0..self.clients.len() {
            self.publish(ClientId(i));
            self.deliver_down(ClientId(i));
            let now = self.now;
            if !self.clients[i].raw {
                self.clients[i].session.handle_timeout(now);
            }
            self.run_client(ClientId(i));
        }
    }

    /// Lets `ms` of virtual time pass without a tick: what is in flight arrives and the
    /// clients answer, as when a server pauses.
    pub fn settle(&mut self, ms: f64) {
        let end = self.now + ms;
        let period = 1_000.0 / f64::from(self.settings.tick_rate);
        while self.now < end {
            self.now = (self.now + period).min(end);
            for i in 0..self.clients.len() {
                self.deliver_up(ClientId(i));
                self.deliver_down(ClientId(i));
                self.run_client(ClientId(i));
            }
        }
    }

    /// `ticks` tick periods.
    pub fn step_n(&mut self, ticks: usize) {
        for _ in 0..ticks {
            self.step();
        }
    }

    /// Steps until `done` holds, at most `ticks` tick periods; whether it held.
    pub fn step_until(&mut self, ticks: usize, mut done: impl FnMut(&Self) -> bool) -> bool {
        for _ in 0..ticks {
            if done(self) {
                return true;
            }
            self.step();
        }
        done(self)
    }

    /// Sends one input from client `id` now; its sequence number, or `None` if its session
    /// cannot send (not seated as a player).
    pub fn send_input(&mut self, id: ClientId, input: G::Input) -> Option<u32> {
        let now = self.now;
        let seq = self.clients.get_mut(id.0)?.session.send_input(input, now);
        self.run_client(id);
        seq
    }

    /// Sends raw bytes from client `id` as one message, as a broken or hostile client
    /// might. Nothing is sent if it has no connection.
    pub fn send_raw(&mut self, id: ClientId, bytes: Vec<u8>) {
        let now = self.now;
        if let Some(client) = self.clients.get_mut(id.0)
            && client.server.is_some()
        {
            client.up.send(now, Packet::Bytes(bytes));
        }
    }

    /// Client `id` leaves for the lobby (its session says goodbye and closes).
    pub fn leave(&mut self, id: ClientId) {
        if let Some(client) = self.clients.get_mut(id.0) {
            client.session.leave();
        }
        self.run_client(id);
    }

    /// Client `id`'s connection drops without a close frame on either side, as when a
    /// network fails: the server keeps the seat for its grace period, and the client's
    /// session reconnects if its configuration says so.
    pub fn drop_connection(&mut self, id: ClientId) {
        let now = self.now;
        let Some(client) = self.clients.get_mut(id.0) else {
            return;
        };
        if client.server.take().is_some() {
            client.up.queue.clear();
            client.down.queue.clear();
            client.session.on_close(1006, "", now);
        }
        self.run_client(id);
    }

    /// Client `id`'s session.
    pub fn session(&self, id: ClientId) -> &Session<G> {
        &self.clients[id.0].session
    }

    /// Takes every event client `id`'s session reported since the last call.
    pub fn events(&mut self, id: ClientId) -> Vec<Event<G::Snapshot>> {
        self.clients
            .get_mut(id.0)
            .map(|c| c.events.drain(..).collect())
            .unwrap_or_default()
    }

    /// Client `id`'s welcome, while connected.
    pub fn welcome(&self, id: ClientId) -> Option<&Welcome> {
        self.session(id).welcome()
    }

    /// The newest state client `id` rebuilt, and its tick.
    pub fn latest(&self, id: ClientId) -> Option<(u64, &G::Snapshot)> {
        self.session(id).latest()
    }

    /// The server's newest state of `room` and its tick: what every client of the room
    /// should have rebuilt.
    pub fn server_state(&self, room: tickwire::RoomId) -> Option<(u64, &G::Snapshot)> {
        self.sim.latest(room)
    }

    /// The rooms the lobby lists, as `/api/rooms` would after the last step.
    pub fn rooms(&self) -> Arc<[RoomInfo]> {
        self.lobby.borrow().clone()
    }

    /// The server's metric `name` as `/metrics` renders it (the unlabelled sample).
    pub fn metric(&self, name: &str) -> Option<f64> {
        self.metrics
            .render()
            .lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
    }

    /// Virtual time, in ms since the stepper started.
    pub fn now(&self) -> f64 {
        self.now
    }

    /// Does what client `id`'s session asks and records what it reports.
    fn run_client(&mut self, id: ClientId) {
        let now = self.now;
        let Some(client) = self.clients.get_mut(id.0).filter(|c| !c.raw) else {
            return;
        };
        while let Some(command) = client.session.poll_command() {
            match command {
                SessionCommand::Connect => {
                    // A new connection: the server opens its end, the client hears so.
                    client.closed = None;
                    client.up.queue.clear();
                    client.down.queue.clear();
                    client.server = Some(ServerEnd::AwaitingHello);
                    client.down.send(now, Packet::Open);
                }
                SessionCommand::Send(bytes) => {
                    if client.server.is_some() {
                        client.up.send(now, Packet::Bytes(bytes));
                    }
                }
                SessionCommand::Close { code, reason } => {
                    client.up.send(
                        now,
                        Packet::Close {
                            code,
                            reason: reason.to_owned(),
                        },
                    );
                }
            }
        }
        while let Some(event) = client.session.poll_event() {
            client.events.push_back(event);
        }
    }

    /// The server reads what client `id` sent that is due.
    fn deliver_up(&mut self, id: ClientId) {
        while let Some((_, packet)) = self.clients[id.0].up.due(self.now) {
            match packet {
                Packet::Bytes(bytes) => self.server_reads(id, bytes),
                // The peer closed: the session ends, dropping its end of the seat.
                Packet::Close { .. } => self.clients[id.0].server = None,
                Packet::Open => {}
            }
        }
    }

    /// What the server's session task does with one message from client `id`.
    fn server_reads(&mut self, id: ClientId, bytes: Vec<u8>) {
        let metrics = &self.metrics;
        metrics.bytes_received.inc_by(bytes.len() as u64);
        let client = &mut self.clients[id.0];
        match &mut client.server {
            None => {}
            Some(ServerEnd::AwaitingHello) => {
                match conn::check_hello::<G>(&bytes, self.config.max_name_chars) {
                    Ok(hello) => {
                        let (reply, seat) = oneshot::channel();
                        self.queued.push(Command::Join {
                            name: hello.name,
                            join: hello.join,
                            resume: hello.resume,
                            reply,
                        });
                        client.server = Some(ServerEnd::Joining {
                            reply: seat,
                            backlog: Vec::new(),
                        });
                    }
                    Err(exit) => self.server_closes(id, exit),
                }
            }
            Some(ServerEnd::Joining { backlog, .. }) => backlog.push(bytes),
            Some(ServerEnd::Seated {
                conn,
                handle,
                since,
            }) => {
                let elapsed = Duration::from_secs_f64((self.now - *since).max(0.0) / 1_000.0);
                match conn.on_message::<G>(&bytes, elapsed) {
                    Request::Nothing { dropped } => {
                        if dropped {
                            metrics.inputs_dropped.inc();
                        }
                    }
                    Request::Input { player, seq, input } => {
                        if self.queued.len() < self.config.sim_queue {
                            self.queued.push(Command::Input { player, seq, input });
                        } else {
                            metrics.inputs_dropped.inc();
                        }
                    }
                    Request::Ack(tick) => {
                        handle.acked.fetch_max(tick, Relaxed);
                    }
                    Request::Ping(sent_ms) => {
                        let pong = ServerMsg::<G::Snapshot, DeltaOf<G>>::Pong {
                            sent_ms,
                            server_ms: self.now as u64,
                        };
                        self.server_sends(id, &pong);
                    }
                    Request::Leave(player) => {
                        if let Some(player) = player {
                            self.queued.push(Command::Leave { player });
                        }
                        self.server_closes(id, Exit::Close(CloseReason::Normal));
                    }
                    Request::Exit(exit) => self.server_closes(id, exit),
                }
            }
        }
    }

    /// A joining client whose seat the simulation decided gets its welcome (and then has
    /// what it sent meanwhile read), or its rejection.
    fn take_seat(&mut self, id: ClientId) {
        let client = &mut self.clients[id.0];
        let Some(ServerEnd::Joining { reply, .. }) = &mut client.server else {
            return;
        };
        let Ok(answer) = reply.try_recv() else {
            return;
        };
        let Some(ServerEnd::Joining { backlog, .. }) = client.server.take() else {
            return;
        };
        match answer {
            Ok(seated) => {
                let welcome = ServerMsg::<G::Snapshot, DeltaOf<G>>::Welcome(seated.welcome.clone());
                let limit = RateLimit::new(
                    self.config.input_rate,
                    self.config.input_burst,
                    self.config.input_flood_tolerance,
                    Duration::ZERO,
                );
                client.server = Some(ServerEnd::Seated {
                    conn: conn::Seated::new(seated.welcome.player(), limit),
                    handle: seated.conn,
                    since: self.now,
                });
                self.server_sends(id, &welcome);
                for bytes in backlog {
                    self.server_reads(id, bytes);
                }
            }
            Err(rejection) => {
                client.server = Some(ServerEnd::AwaitingHello);
                self.server_closes(id, Exit::Reject(rejection));
            }
        }
    }

    /// After a step: a seat taken over gets its close; a new snapshot goes down the pipe.
    fn publish(&mut self, id: ClientId) {
        let Some(ServerEnd::Seated { handle, .. }) = &mut self.clients[id.0].server else {
            return;
        };
        if handle.kick.is_cancelled() {
            self.server_closes(id, Exit::Close(CloseReason::Replaced));
            return;
        }
        if handle.snapshots.has_changed().unwrap_or(false) {
            let bytes = handle.snapshots.borrow_and_update().to_vec();
            self.metrics.bytes_sent.inc_by(bytes.len() as u64);
            let now = self.now;
            self.clients[id.0].down.send(now, Packet::Bytes(bytes));
        }
    }

    /// Client `id` reads what is due.
    fn deliver_down(&mut self, id: ClientId) {
        let now = self.now;
        let client = &mut self.clients[id.0];
        while let Some((at, packet)) = client.down.due(now) {
            match packet {
                Packet::Open if client.raw => {}
                Packet::Open => client.session.on_open(at),
                Packet::Bytes(bytes) if client.raw => client.received.push(bytes),
                Packet::Bytes(bytes) => client.session.on_message(&bytes, at),
                Packet::Close { code, reason } => {
                    client.closed = Some((code, reason.clone()));
                    if !client.raw {
                        client.session.on_close(code, &reason, at);
                    }
                }
            }
        }
    }

    fn server_sends(&mut self, id: ClientId, msg: &ServerMsg<G::Snapshot, DeltaOf<G>>) {
        if let Ok(bytes) = codec::encode(msg) {
            self.metrics.bytes_sent.inc_by(bytes.len() as u64);
            let now = self.now;
            self.clients[id.0].down.send(now, Packet::Bytes(bytes));
        }
    }

    /// The server ends client `id`'s connection as `exit` says.
    fn server_closes(&mut self, id: ClientId, exit: Exit) {
        let reason = match exit {
            Exit::Gone => None,
            Exit::Close(reason) => Some(reason),
            Exit::Protocol(reason) => {
                self.metrics.protocol_errors.inc();
                Some(reason)
            }
            Exit::Reject(rejection) => {
                let reason = rejection.close_reason();
                self.server_sends(id, &ServerMsg::Reject(rejection));
                Some(reason)
            }
        };
        let now = self.now;
        let client = &mut self.clients[id.0];
        client.server = None;
        if let Some(reason) = reason {
            self.metrics.count_close(reason);
            client.down.send(
                now,
                Packet::Close {
                    code: reason.code(),
                    reason: reason.reason().to_owned(),
                },
            );
        }
    }
}
