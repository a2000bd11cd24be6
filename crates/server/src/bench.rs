//! Not API: the simulation stepped by hand for benchmarks. [`Rooms::step`] is exactly one
//! tick of the sim thread (rules, history, one diff per baseline age, per-client encoding
//! into each seat's channel) without the thread, the clock or any socket.

use std::sync::{Arc, atomic::Ordering::Relaxed};

use tickwire::{PlayerId, RoomId};

use tickwire_game::{Game, RoomSettings};
use tokio::sync::{oneshot, watch};

use crate::{
    Config, Metrics,
    sim::{Command, Seated, Sim, SimLimits},
};

/// Rooms full of players whose clients are simulated: they keep their snapshot channel
/// open and acknowledge whatever the benchmark tells them to.
pub struct Rooms<G: Game> {
    sim: Sim<G>,
    seats: Vec<Seated>,
    metrics: Arc<Metrics>,
    _lobby: watch::Receiver<Arc<[crate::RoomInfo]>>,
}

impl<G: Game> std::fmt::Debug for Rooms<G> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rooms")
            .field("seats", &self.seats.len())
            .finish_non_exhaustive()
    }
}

impl<G: Game> Rooms<G> {
    /// `rooms` rooms of `players_per_room` players each, seated as the server seats them,
    /// with the server's default delta age limit.
    pub fn new(game: G, rooms: usize, players_per_room: u16, seed: u64) -> Self {
        let settings = RoomSettings {
            capacity: players_per_room.max(1),
            ..game.settings()
        };
        let config = Config::default();
        let limits = SimLimits {
            max_rooms: rooms,
            max_spectators: 0,
            delta_max_age: config.delta_max_age,
            tick_phases: 1,
            // Rooms stay in free play: the steady state of a room being played, with no
            // frozen countdowns in the measurements.
            rules: crate::sim::MatchRules {
                min_players: usize::MAX,
                ..config.match_rules(settings.tick_rate)
            },
        };
        let metrics = Arc::new(Metrics::default());
        let (lobby_tx, lobby) = watch::channel(Arc::from([]));
        let mut sim = Sim::new(
            game,
            settings,
            limits,
            seed,
            metrics.clone(),
            lobby_tx,
            None,
        );
        let mut seats = Vec::new();
        for i in 0..rooms * usize::from(players_per_room) {
            let (reply, mut seat) = oneshot::channel();
            sim.handle(Command::Join {
                name: format!("b{i}"),
                join: tickwire::Join::Quick,
                resume: None,
                reply,
            });
            if let Ok(Ok(seated)) = seat.try_recv() {
                seats.push(seated);
            }
        }
        Rooms {
            sim,
            seats,
            metrics,
            _lobby: lobby,
        }
    }

    /// One tick of every room, as the sim thread runs it.
    pub fn step(&mut self) {
        self.sim.step();
    }

    /// Every client acknowledges the newest tick of its room, as a client does once it
    /// has rebuilt it; the next step then sends each of them a one-tick delta.
    pub fn ack_newest(&mut self) {
        for seat in &mut self.seats {
            if let Some((tick, _)) = self.sim.latest(seat.welcome.room) {
                seat.conn.acked.fetch_max(tick, Relaxed);
            }
            seat.conn.snapshots.borrow_and_update();
        }
    }

    /// Every seated player and its room.
    pub fn players(&self) -> impl Iterator<Item = (RoomId, PlayerId)> + '_ {
        self.seats
            .iter()
            .filter_map(|seat| Some((seat.welcome.room, seat.welcome.player()?)))
    }

    /// The newest state of `room`.
    pub fn state(&self, room: RoomId) -> Option<&G::Snapshot> {
        self.sim.latest(room).map(|(_, state)| state)
    }

    /// Gives every seat a task on `runtime` that waits for each new snapshot and takes it,
    /// as its session does before writing it out, so that every step also pays for waking
    /// them, as the sim thread does in a server.
    pub fn spawn_readers(&mut self, runtime: &tokio::runtime::Handle) {
        for seat in &self.seats {
            let mut snapshots = seat.conn.snapshots.clone();
            runtime.spawn(async move {
                while snapshots.changed().await.is_ok() {
                    std::hint::black_box(snapshots.borrow_and_update().len());
                }
            });
        }
    }

    /// One input from `player`, queued as a session queues it.
    pub fn input(&mut self, player: PlayerId, seq: u32, input: G::Input) {
        self.sim.handle(Command::Input { player, seq, input });
    }

    /// Bytes of the newest encoded snapshot of every seat, summed.
    pub fn encoded_bytes(&self) -> usize {
        self.seats
            .iter()
            .map(|seat| seat.conn.snapshots.borrow().len())
            .sum()
    }

    /// The server metrics the steps update (ticks, keyframes, deltas).
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }
}
