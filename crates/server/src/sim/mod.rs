//! The simulation thread: every room's `World` and `Schedule`, stepped on one fixed-rate
//! clock, fed by a bounded command queue, publishing each client's snapshot through a
//! latest-value channel.
//!
//! Nothing here is async and nothing here locks: sessions talk to the simulation only through
//! [`Command`]s in, and `watch` channels out. A session that disappears drops its snapshot
//! receiver; the next tick notices, keeps the seat for the grace period so the player can
//! resume, then removes it, so leaving needs no message that could be lost.

mod room;

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
    thread,
    time::{Duration, Instant},
};

use tickwire::{
    Join, PlayerId, Rejection, ResumeToken, Role, RoomId, Welcome,
    api::{RoomInfo, RoomPhase},
    clock::FixedStep,
    valid_room_code,
};

use tickwire_game::{Game, RoomSettings};
use tokio::sync::{mpsc, oneshot, watch};
use tokio_util::sync::CancellationToken;

use self::room::{Conn, Room, Seat};
pub(crate) use self::room::{ConnHandle, MatchRules};
use crate::{metrics::Metrics, result::RoundResult, store::Store};

/// A request from a session (or the server) to the simulation.
#[derive(Debug)]
pub(crate) enum Command<I> {
    /// Seat a client in a room.
    Join {
        /// The validated display name.
        name: String,
        /// Where it wants to be.
        join: Join,
        /// A token from an earlier welcome, to reclaim that seat.
        resume: Option<ResumeToken>,
        /// Where the seat, or the reason there is none, is sent.
        reply: oneshot::Sender<Result<Seated, Rejection>>,
    },
    /// One input from a seated player.
    Input {
        player: PlayerId,
        seq: u32,
        input: I,
    },
    /// The player said goodbye: free its seat now rather than after the grace period.
    Leave { player: PlayerId },
    /// Take no one new and start no new round; answer once no round is running.
    Drain { done: oneshot::Sender<()> },
    /// End every running round now, recording it; answer when done.
    EndRounds { done: oneshot::Sender<()> },
}

/// A client's place, as handed to its session.
#[derive(Debug)]
pub(crate) struct Seated {
    /// What to tell the client.
    pub(crate) welcome: Welcome,
    /// The connection's end of its channels.
    pub(crate) conn: ConnHandle,
}

/// How many rooms and spectators, and how old a delta baseline, a [`Sim`] allows, and how
/// its rounds run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SimLimits {
    pub(crate) max_rooms: usize,
    pub(crate) max_spectators: usize,
    pub(crate) delta_max_age: u64,
    pub(crate) tick_phases: u32,
    pub(crate) rules: MatchRules,
}

impl SimLimits {
    /// The limits `config` sets, for rooms ticking `tick_rate` times a second.
    pub(crate) fn from_config(config: &crate::Config, tick_rate: u16) -> Self {
        SimLimits {
            max_rooms: config.max_rooms,
            max_spectators: config.max_spectators,
            delta_max_age: config.delta_max_age,
            tick_phases: config.tick_phases,
            rules: config.match_rules(tick_rate),
        }
    }
}

/// Every room of one server and the bookkeeping to seat clients in them.
pub(crate) struct Sim<G: Game> {
    game: G,
    settings: RoomSettings,
    limits: SimLimits,
    seed: u64,
    rooms: BTreeMap<RoomId, Room<G>>,
    /// Room codes, public and private.
    codes: HashMap<String, RoomId>,
    /// Which room each seated player is in.
    seats: HashMap<PlayerId, RoomId>,
    /// Whose seat each resume token reclaims.
    tokens: HashMap<ResumeToken, PlayerId>,
    next_player: u32,
    next_room: u32,
    /// Set once the server drains: no joins, no new rounds.
    draining: bool,
    drained: Option<oneshot::Sender<()>>,
    metrics: Arc<Metrics>,
    lobby: watch::Sender<Arc<[RoomInfo]>>,
    results: Option<Store>,
}

impl<G: Game> Sim<G> {
    pub(crate) fn new(
        game: G,
        settings: RoomSettings,
        limits: SimLimits,
        seed: u64,
        metrics: Arc<Metrics>,
        lobby: watch::Sender<Arc<[RoomInfo]>>,
        results: Option<Store>,
    ) -> Self {
        Sim {
            game,
            settings,
            limits: SimLimits {
                tick_phases: limits.tick_phases.max(1),
                ..limits
            },
            seed,
            rooms: BTreeMap::new(),
            codes: HashMap::new(),
            seats: HashMap::new(),
            tokens: HashMap::new(),
            next_player: 1,
            next_room: 1,
            draining: false,
            drained: None,
            metrics,
            lobby,
            results,
        }
    }

    /// Runs until `stop` is cancelled or every command sender is gone: drains the queue and
    /// steps every room once per tick, skipping (not bursting) ticks after a stall.
    pub(crate) fn run(
        mut self,
        mut commands: mpsc::Receiver<Command<G::Input>>,
        stop: CancellationToken,
    ) {
        let epoch = Instant::now();
        // Rooms are spread over `tick_phases` evenly spaced slots of the tick period, so
        // their snapshots leave in several small bursts rather than one large one. Each room
        // still ticks once per period, on its own phase.
        let phases = self.limits.tick_phases;
        let period = Duration::from_secs(1) / u32::from(self.settings.tick_rate.max(1));
        let mut clock = FixedStep::new(period / phases, Duration::ZERO);
        let mut slots: u64 = 0;
        // At most one queue's worth of commands per tick, so a flood cannot starve the tick.
        let drain_limit = commands.max_capacity();
        loop {
            let now = epoch.elapsed();
            let due = clock.poll(now);
            if !due.step {
                thread::sleep(clock.next_due().saturating_sub(now));
                continue;
            }
            if stop.is_cancelled() {
                break;
            }
            self.metrics.ticks_skipped.inc_by(due.skipped);
            slots += 1 + due.skipped;
            for _ in 0..drain_limit {
                match commands.try_recv() {
                    Ok(command) => self.handle(command),
                    Err(mpsc::error::TryRecvError::Empty) => break,
                    Err(mpsc::error::TryRecvError::Disconnected) => return,
                }
            }
            self.step_phase(Some((slots % u64::from(phases)) as u32));
        }
        tracing::debug!(rooms = self.rooms.len(), "simulation stopped");
    }

    /// Applies one command. Inputs go straight into the room's world, ahead of its next run.
    pub(crate) fn handle(&mut self, command: Command<G::Input>) {
        match command {
            Command::Join {
                name,
                join,
                resume,
                reply,
            } => {
                let seated = self.join(name, join, resume);
                let player = seated.as_ref().ok().and_then(|s| s.welcome.player());
                if reply.send(seated).is_err()
                    && let Some(player) = player
                {
                    // The session went away while waiting; the seat waits out its grace
                    // period like any other dropped connection.
                    tracing::debug!(?player, "joined, but the session had already gone");
                }
            }
            Command::Input { player, seq, input } => {
                let Some(room) = self
                    .seats
                    .get(&player)
                    .and_then(|id| self.rooms.get_mut(id))
                else {
                    return; // The player left this tick; its last inputs no longer matter.
                };
                if let Some(seat) = room.seats.get_mut(&player)
                    && seq > seat.ack
                {
                    seat.ack = seq;
                    self.game.apply_input(room.world(), player, input);
                }
            }
            Command::Leave { player } => {
                let Some(room_id) = self.seats.remove(&player) else {
                    return;
                };
                if let Some(room) = self.rooms.get_mut(&room_id)
                    && let Some(seat) = room.seats.remove(&player)
                {
                    self.tokens.remove(&seat.token);
                    self.game.remove_player(room.world(), player);
                }
                self.metrics
                    .players
                    .set(crate::metrics::gauge_value(self.seats.len()));
                tracing::debug!(?player, "player left");
            }
            Command::Drain { done } => {
                self.draining = true;
                self.drained = Some(done);
                self.check_drained();
            }
            Command::EndRounds { done } => {
                let rules = self.limits.rules;
                for room in self.rooms.values_mut() {
                    if let Some(result) = room.end_round_now(&self.game, &rules) {
                        record(&self.results, &self.metrics, result);
                    }
                }
                let _ = done.send(());
            }
        }
    }

    fn check_drained(&mut self) {
        if self.draining
            && !self.rooms.values().any(Room::running)
            && let Some(done) = self.drained.take()
        {
            let _ = done.send(());
        }
    }

    /// Seats a client where it asked to be.
    fn join(
        &mut self,
        name: String,
        join: Join,
        resume: Option<ResumeToken>,
    ) -> Result<Seated, Rejection> {
        if self.draining {
            return Err(Rejection::Draining);
        }
        if let Some(seated) = resume.and_then(|token| self.resume(token)) {
            return Ok(seated);
        }
        let capacity = usize::from(self.settings.capacity);
        let room_id = match join {
            Join::Quick => {
                let open = self
                    .rooms
                    .iter()
                    .filter(|(_, room)| !room.private && room.seats.len() < capacity)
                    .max_by_key(|(id, room)| (room.seats.len(), std::cmp::Reverse(**id)))
                    .map(|(id, _)| *id);
                match open {
                    Some(id) => id,
                    None => self.open_room(None, false)?,
                }
            }
            Join::Room(code) if !valid_room_code(&code) => return Err(Rejection::NoSuchRoom),
            Join::Room(code) => match self.codes.get(&code) {
                Some(id) => *id,
                None => self.open_room(Some(code), true)?,
            },
            Join::NewPrivate => self.open_room(None, true)?,
            Join::Watch(code) => return self.watch(&code),
        };
        let room = self.rooms.get_mut(&room_id).ok_or(Rejection::ServerFull)?;
        if room.seats.len() >= capacity {
            return Err(Rejection::RoomFull);
        }
        let player = PlayerId(self.next_player);
        self.next_player += 1;
        let token = ResumeToken(random_bytes());
        self.game.add_player(room.world(), player, &name);
        let (conn, handle) = Conn::new();
        room.seats.insert(player, Seat::new(name, token, conn));
        self.seats.insert(player, room_id);
        self.tokens.insert(token, player);
        self.metrics
            .players
            .set(crate::metrics::gauge_value(self.seats.len()));
        tracing::debug!(?player, room = %room.code, "player joined");
        let welcome = self.welcome(room_id, Role::Player(player), Some(token), false);
        Ok(Seated {
            welcome,
            conn: handle,
        })
    }

    /// Gives a seat back to the connection presenting its token.
    fn resume(&mut self, token: ResumeToken) -> Option<Seated> {
        let player = *self.tokens.get(&token)?;
        let room_id = *self.seats.get(&player)?;
        let seat = self.rooms.get_mut(&room_id)?.seats.get_mut(&player)?;
        let (conn, handle) = Conn::new();
        seat.reattach(conn);
        tracing::debug!(?player, "player resumed");
        Some(Seated {
            welcome: self.welcome(room_id, Role::Player(player), Some(token), true),
            conn: handle,
        })
    }

    fn watch(&mut self, code: &str) -> Result<Seated, Rejection> {
        let room_id = *self.codes.get(code).ok_or(Rejection::NoSuchRoom)?;
        let room = self.rooms.get_mut(&room_id).ok_or(Rejection::NoSuchRoom)?;
        if room.spectators.len() >= self.limits.max_spectators {
            return Err(Rejection::RoomFull);
        }
        let (conn, handle) = Conn::new();
        room.spectators.push(conn);
        Ok(Seated {
            welcome: self.welcome(room_id, Role::Spectator, None, false),
            conn: handle,
        })
    }

    fn welcome(
        &self,
        room: RoomId,
        role: Role,
        resume: Option<ResumeToken>,
        resumed: bool,
    ) -> Welcome {
        let (code, private) = self
            .rooms
            .get(&room)
            .map_or((String::new(), false), |r| (r.code.clone(), r.private));
        Welcome {
            role,
            room,
            code,
            private,
            tick_rate: self.settings.tick_rate,
            resume,
            resumed,
        }
    }

    fn open_room(&mut self, code: Option<String>, private: bool) -> Result<RoomId, Rejection> {
        if self.rooms.len() >= self.limits.max_rooms {
            return Err(Rejection::ServerFull);
        }
        let id = RoomId(self.next_room);
        self.next_room += 1;
        let code = code.unwrap_or_else(|| {
            loop {
                let code = random_code();
                if !self.codes.contains_key(&code) {
                    break code;
                }
            }
        });
        let seed = room_seed(self.seed, id);
        let room = Room::new(
            &self.game,
            id,
            code.clone(),
            private,
            seed,
            self.limits.delta_max_age,
            &self.limits.rules,
        );
        self.rooms.insert(id, room);
        self.codes.insert(code.clone(), id);
        self.metrics
            .rooms
            .set(crate::metrics::gauge_value(self.rooms.len()));
        tracing::debug!(room = %code, private, "room opened");
        Ok(id)
    }

    /// One tick of every room, for tests and benchmarks.
    #[cfg(any(test, feature = "bench", feature = "testing"))]
    pub(crate) fn step(&mut self) {
        self.step_phase(None);
    }

    /// One tick of the rooms on `phase` (all rooms for `None`). Seats whose grace period
    /// ran out are removed and empty rooms close.
    fn step_phase(&mut self, phase: Option<u32>) {
        let phases = self.limits.tick_phases;
        let on_phase = |id: &RoomId| phase.is_none_or(|p| id.0 % phases == p);
        let rules = self.limits.rules;
        let mut expired = Vec::new();
        for (_, room) in self.rooms.iter_mut().filter(|(id, _)| on_phase(id)) {
            let started = Instant::now();
            let stepped = room.step(&self.game, &rules, self.draining);
            self.metrics.keyframes.inc_by(stepped.keyframes);
            self.metrics.deltas.inc_by(stepped.deltas);
            self.metrics
                .tick_seconds
                .observe(started.elapsed().as_secs_f64());
            self.metrics.ticks.inc();
            if let Some(result) = stepped.result {
                record(&self.results, &self.metrics, result);
            }
            expired.extend(stepped.expired);
        }
        for (player, token) in expired {
            self.seats.remove(&player);
            self.tokens.remove(&token);
            tracing::debug!(?player, "seat given up after the grace period");
        }
        self.metrics
            .players
            .set(crate::metrics::gauge_value(self.seats.len()));
        let codes = &mut self.codes;
        self.rooms.retain(|_, room| {
            let keep = !room.is_empty();
            if !keep {
                codes.remove(&room.code);
                tracing::debug!(room = %room.code, "room closed");
            }
            keep
        });
        self.metrics
            .rooms
            .set(crate::metrics::gauge_value(self.rooms.len()));
        self.check_drained();
        self.publish_lobby();
    }

    /// The newest state of `room` and its tick, as the last [`step`](Self::step) left it.
    #[cfg(any(feature = "bench", feature = "testing"))]
    pub(crate) fn latest(&self, room: RoomId) -> Option<(u64, &G::Snapshot)> {
        self.rooms.get(&room)?.latest()
    }

    fn publish_lobby(&self) {
        let capacity = u32::from(self.settings.capacity);
        let rate = u32::from(self.settings.tick_rate.max(1));
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let rooms: Arc<[RoomInfo]> = self
            .rooms
            .values()
            .filter(|room| !room.private)
            .map(|room| {
                let (phase, ticks_left) = RoomPhase::of(&room.phase);
                RoomInfo {
                    id: room.id,
                    code: room.code.clone(),
                    players: count(room.seats.len()),
                    names: room.seats.values().map(|s| s.name.clone()).collect(),
                    spectators: count(room.spectators.len()),
                    capacity,
                    phase,
                    seconds_left: ticks_left.div_ceil(rate),
                    tick: room.tick,
                }
            })
            .collect();
        self.lobby.send_replace(rooms);
    }
}

/// Hands a round's result to the store without ever blocking the tick; a full queue (the
/// store stalled for thousands of rounds) loses the result and says so.
fn record(store: &Option<Store>, metrics: &Metrics, result: RoundResult) {
    metrics.rounds.inc();
    let Some(store) = store else { return };
    if let Err(e) = store.record(result) {
        metrics.results_lost.inc();
        tracing::error!(error = %e, "a round result could not be queued for the store");
    }
}

/// Unpredictable bytes for resume tokens and private room codes.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness (never seen on Linux): fall back to hashing the clock, which is
        // unique but guessable, and say so.
        tracing::warn!("no OS randomness; tokens fall back to the clock");
        use std::hash::{BuildHasher, RandomState};
        for (i, chunk) in bytes.chunks_mut(8).enumerate() {
            let h = RandomState::new().hash_one((std::time::SystemTime::now(), i));
            chunk.copy_from_slice(&h.to_le_bytes()[..chunk.len()]);
        }
    }
    bytes
}

/// A fresh room code: six characters from an alphabet without look-alikes (no 0/O, 1/I).
fn random_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    random_bytes::<6>()
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

/// A room's seed: the server seed mixed with the room id (SplitMix64 finaliser), so rooms
/// differ but a fixed server seed reproduces every room.
fn room_seed(seed: u64, room: RoomId) -> u64 {
    let mut z = seed ^ u64::from(room.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests;
