//! The simulation thread: every room's `World` and `Schedule`, stepped on one fixed-rate
//! clock, fed by a bounded command queue, publishing each player's snapshot through a
//! latest-value channel.
//!
//! Nothing here is async and nothing here locks: sessions talk to the simulation only through
//! [`Command`]s in, and `watch` channels out. A session that disappears drops its snapshot
//! receiver; the next tick notices and removes the player, so leaving needs no message that
//! could be lost.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering::Relaxed},
    },
    thread,
    time::{Duration, Instant},
};

use bevy_ecs::{schedule::Schedule, world::World};
use bytes::Bytes;
use netcode::{
    Body, Game, PlayerId, Rejection, RoomId, RoomSettings, ServerMsg, Snapshot, Welcome,
    clock::FixedStep, codec, delta::History,
};
use serde::Serialize;
use tokio::sync::{mpsc, oneshot, watch};
use tokio_util::sync::CancellationToken;

use crate::metrics::Metrics;

/// A request from a session to the simulation.
#[derive(Debug)]
pub(crate) enum Command<I> {
    /// Seat a new player in a room.
    Join {
        /// The validated display name.
        name: String,
        /// Where the seat, or the reason there is none, is sent.
        reply: oneshot::Sender<Result<Seated, Rejection>>,
    },
    /// One input from a seated player.
    Input {
        player: PlayerId,
        seq: u32,
        input: I,
    },
}

/// A player's seat, as handed to its session.
#[derive(Debug)]
pub(crate) struct Seated {
    /// What to tell the client.
    pub(crate) welcome: Welcome,
    /// Encoded [`ServerMsg::Snapshot`]s for this player; only the latest is kept.
    pub(crate) snapshots: watch::Receiver<Bytes>,
    /// Where the session records the newest tick the client acknowledged.
    pub(crate) acked: Arc<AtomicU64>,
}

/// One room as listed at `/api/rooms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoomInfo {
    /// The room's id.
    pub id: u32,
    /// Players seated now.
    pub players: usize,
    /// The most players it takes.
    pub capacity: usize,
    /// Ticks the room has run.
    pub tick: u64,
}

/// How many rooms, and how old a delta baseline, a [`Sim`] allows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SimLimits {
    pub(crate) max_rooms: usize,
    pub(crate) delta_max_age: u64,
    pub(crate) tick_phases: u32,
}

/// Every room of one server and the bookkeeping to seat players in them.
pub(crate) struct Sim<G: Game> {
    game: G,
    settings: RoomSettings,
    max_rooms: usize,
    /// The oldest acknowledged state a delta may be based on, in ticks; 0 sends only
    /// keyframes.
    delta_max_age: u64,
    /// Evenly spaced slots of the tick period that rooms are spread over.
    tick_phases: u32,
    seed: u64,
    rooms: BTreeMap<RoomId, Room<G::Snapshot>>,
    /// Which room each seated player is in.
    seats: HashMap<PlayerId, RoomId>,
    next_player: u32,
    next_room: u32,
    metrics: Arc<Metrics>,
    lobby: watch::Sender<Arc<[RoomInfo]>>,
}

struct Room<S> {
    world: World,
    schedule: Schedule,
    tick: u64,
    /// Recent states, the baselines for deltas.
    history: History<S>,
    /// Ordered so that inputs and snapshots are handled in a reproducible order.
    players: BTreeMap<PlayerId, Seat>,
}

struct Seat {
    /// The highest input sequence the simulation consumed from this player.
    ack: u32,
    snapshots: watch::Sender<Bytes>,
    /// The newest tick the client acknowledged, written by its session.
    acked: Arc<AtomicU64>,
}

impl<G: Game> Sim<G> {
    pub(crate) fn new(
        game: G,
        settings: RoomSettings,
        limits: SimLimits,
        seed: u64,
        metrics: Arc<Metrics>,
        lobby: watch::Sender<Arc<[RoomInfo]>>,
    ) -> Self {
        Sim {
            game,
            settings,
            max_rooms: limits.max_rooms,
            delta_max_age: limits.delta_max_age,
            tick_phases: limits.tick_phases.max(1),
            seed,
            rooms: BTreeMap::new(),
            seats: HashMap::new(),
            next_player: 1,
            next_room: 1,
            metrics,
            lobby,
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
        let phases = self.tick_phases;
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
            self.metrics.ticks_skipped.fetch_add(due.skipped, Relaxed);
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
            Command::Join { name, reply } => {
                let seated = self.join(&name);
                let player = seated.as_ref().ok().map(|s| s.welcome.player);
                if reply.send(seated).is_err()
                    && let Some(player) = player
                {
                    // The session went away while waiting; it never saw its seat.
                    self.leave(player);
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
                if let Some(seat) = room.players.get_mut(&player)
                    && seq > seat.ack
                {
                    seat.ack = seq;
                    self.game.apply_input(&mut room.world, player, input);
                }
            }
        }
    }

    /// Seats a player in the fullest room with space, opening a room when all are full.
    fn join(&mut self, name: &str) -> Result<Seated, Rejection> {
        let capacity = usize::from(self.settings.capacity);
        let open = self
            .rooms
            .iter()
            .filter(|(_, room)| room.players.len() < capacity)
            .max_by_key(|(id, room)| (room.players.len(), std::cmp::Reverse(**id)))
            .map(|(id, _)| *id);
        let room_id = match open {
            Some(id) => id,
            None if self.rooms.len() < self.max_rooms => self.open_room(),
            None => return Err(Rejection::ServerFull),
        };
        let player = PlayerId(self.next_player);
        self.next_player += 1;
        let (tx, rx) = watch::channel(Bytes::new());
        let acked = Arc::new(AtomicU64::new(0));
        let Some(room) = self.rooms.get_mut(&room_id) else {
            return Err(Rejection::ServerFull);
        };
        self.game.add_player(&mut room.world, player, name);
        room.players.insert(
            player,
            Seat {
                ack: 0,
                snapshots: tx,
                acked: acked.clone(),
            },
        );
        self.seats.insert(player, room_id);
        self.metrics.players.store(self.seats.len() as u64, Relaxed);
        tracing::debug!(?player, room = room_id.0, name, "player joined");
        Ok(Seated {
            welcome: Welcome {
                player,
                room: room_id,
                tick_rate: self.settings.tick_rate,
            },
            snapshots: rx,
            acked,
        })
    }

    fn open_room(&mut self) -> RoomId {
        let id = RoomId(self.next_room);
        self.next_room += 1;
        let mut world = World::new();
        let mut schedule = Schedule::default();
        self.game
            .build_room(&mut world, &mut schedule, room_seed(self.seed, id));
        self.rooms.insert(
            id,
            Room {
                world,
                schedule,
                tick: 0,
                history: History::new(self.delta_max_age),
                players: BTreeMap::new(),
            },
        );
        self.metrics.rooms.store(self.rooms.len() as u64, Relaxed);
        tracing::debug!(room = id.0, "room opened");
        id
    }

    fn leave(&mut self, player: PlayerId) {
        let Some(room_id) = self.seats.remove(&player) else {
            return;
        };
        if let Some(room) = self.rooms.get_mut(&room_id) {
            room.players.remove(&player);
            self.game.remove_player(&mut room.world, player);
        }
        self.metrics.players.store(self.seats.len() as u64, Relaxed);
        tracing::debug!(?player, room = room_id.0, "player left");
    }

    /// One tick of every room: seats whose session is gone are emptied, empty rooms close,
    /// the rest run their schedule once and send each player its snapshot.
    pub(crate) fn step(&mut self) {
        self.step_phase(None);
    }

    /// One tick of the rooms on `phase` (all rooms for `None`); every room's departed
    /// players are removed and empty rooms close either way.
    fn step_phase(&mut self, phase: Option<u32>) {
        let departed: Vec<PlayerId> = self
            .rooms
            .values()
            .flat_map(|room| room.players.iter())
            .filter(|(_, seat)| seat.snapshots.is_closed())
            .map(|(player, _)| *player)
            .collect();
        for player in departed {
            self.leave(player);
        }
        self.rooms.retain(|id, room| {
            let keep = !room.players.is_empty();
            if !keep {
                tracing::debug!(room = id.0, "room closed");
            }
            keep
        });
        self.metrics.rooms.store(self.rooms.len() as u64, Relaxed);

        let phases = self.tick_phases.max(1);
        let on_phase = |id: &RoomId| phase.is_none_or(|p| id.0 % phases == p);
        for (_, room) in self.rooms.iter_mut().filter(|(id, _)| on_phase(id)) {
            let started = Instant::now();
            room.schedule.run(&mut room.world);
            room.tick += 1;
            let tick = room.tick;
            room.history.push(tick, self.game.snapshot(&mut room.world));
            let (mut keyframes, mut deltas) = (0, 0);
            // Clients mostly acknowledge the same few ticks: one diff per baseline age.
            let mut diffs: Vec<(u8, G::Delta)> = Vec::new();
            for seat in room.players.values() {
                let Some((_, state)) = room.history.latest() else {
                    break;
                };
                let body = match room.history.baseline(seat.acked.load(Relaxed)) {
                    Some((age, base)) => {
                        deltas += 1;
                        let i = match diffs.iter().position(|(a, _)| *a == age) {
                            Some(i) => i,
                            None => {
                                diffs.push((age, G::diff(base, state)));
                                diffs.len() - 1
                            }
                        };
                        Body::Delta {
                            age,
                            delta: &diffs[i].1,
                        }
                    }
                    None => {
                        keyframes += 1;
                        Body::Full(state)
                    }
                };
                let msg = ServerMsg::Snapshot(Snapshot {
                    tick,
                    ack: seat.ack,
                    body,
                });
                match codec::encode(&msg) {
                    Ok(bytes) => {
                        seat.snapshots.send_replace(Bytes::from(bytes));
                    }
                    Err(e) => tracing::error!(error = %e, "snapshot does not encode"),
                }
            }
            self.metrics.keyframes.fetch_add(keyframes, Relaxed);
            self.metrics.deltas.fetch_add(deltas, Relaxed);
            self.metrics.tick_seconds.observe(started.elapsed());
            self.metrics.ticks.fetch_add(1, Relaxed);
        }
        self.publish_lobby();
    }

    /// The newest state of `room` and its tick, as the last [`step`](Self::step) left it.
    pub(crate) fn latest(&self, room: RoomId) -> Option<(u64, &G::Snapshot)> {
        self.rooms.get(&room)?.history.latest()
    }

    fn publish_lobby(&self) {
        let capacity = usize::from(self.settings.capacity);
        let rooms: Arc<[RoomInfo]> = self
            .rooms
            .iter()
            .map(|(id, room)| RoomInfo {
                id: id.0,
                players: room.players.len(),
                capacity,
                tick: room.tick,
            })
            .collect();
        self.lobby.send_replace(rooms);
    }
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
mod tests {
    //! The runtime driven tick by tick in-process, with a tiny game whose state is a
    //! per-player sum of inputs, so every assertion is about the runtime, not a game's rules.

    use bevy_ecs::prelude::{ResMut, Resource};
    use netcode::codec;

    use super::*;

    struct Sum;

    #[derive(Resource, Default)]
    struct Sums(BTreeMap<PlayerId, i64>);

    #[derive(Resource, Default)]
    struct Runs(u64);

    fn count_run(mut runs: ResMut<Runs>) {
        runs.0 += 1;
    }

    type State = (u64, Vec<(PlayerId, i64)>);

    impl Game for Sum {
        const NAME: &'static str = "sum";
        const VERSION: u16 = 1;
        type Input = i64;
        type Snapshot = State;
        /// The whole next state: enough to test when deltas are chosen.
        type Delta = State;

        fn settings(&self) -> RoomSettings {
            RoomSettings {
                tick_rate: 50,
                capacity: 2,
            }
        }
        fn build_room(&self, world: &mut World, schedule: &mut Schedule, _seed: u64) {
            world.init_resource::<Sums>();
            world.init_resource::<Runs>();
            schedule.add_systems(count_run);
        }
        fn add_player(&self, world: &mut World, player: PlayerId, _name: &str) {
            world.resource_mut::<Sums>().0.insert(player, 0);
        }
        fn remove_player(&self, world: &mut World, player: PlayerId) {
            world.resource_mut::<Sums>().0.remove(&player);
        }
        fn apply_input(&self, world: &mut World, player: PlayerId, input: i64) {
            if let Some(sum) = world.resource_mut::<Sums>().0.get_mut(&player) {
                *sum += input;
            }
        }
        fn diff(_base: &State, next: &State) -> State {
            next.clone()
        }
        fn apply(_base: &State, delta: &State) -> Result<State, netcode::DeltaError> {
            Ok(delta.clone())
        }
        fn snapshot(&self, world: &mut World) -> State {
            let sums = world
                .resource::<Sums>()
                .0
                .iter()
                .map(|(p, s)| (*p, *s))
                .collect();
            (world.resource::<Runs>().0, sums)
        }
    }

    fn sim(max_rooms: usize) -> (Sim<Sum>, watch::Receiver<Arc<[RoomInfo]>>) {
        let (lobby_tx, lobby) = watch::channel(Arc::from([]));
        let limits = SimLimits {
            max_rooms,
            delta_max_age: 4,
            tick_phases: 1,
        };
        let sim = Sim::new(
            Sum,
            Sum.settings(),
            limits,
            7,
            Arc::new(Metrics::default()),
            lobby_tx,
        );
        (sim, lobby)
    }

    fn join(sim: &mut Sim<Sum>) -> Result<Seated, Rejection> {
        let (reply, rx) = oneshot::channel();
        sim.handle(Command::Join {
            name: "p".into(),
            reply,
        });
        rx.blocking_recv()
            .expect("the simulation always answers a join")
    }

    /// The newest snapshot a seat received, with the age of its delta baseline if it was
    /// a delta.
    struct Seen {
        tick: u64,
        ack: u32,
        state: State,
        delta_age: Option<u8>,
    }

    fn latest(seat: &mut Seated) -> Seen {
        let bytes = seat.snapshots.borrow_and_update().clone();
        let snapshot = match codec::decode_server::<State, State>(&bytes).unwrap() {
            ServerMsg::Snapshot(snapshot) => snapshot,
            other => panic!("expected a snapshot, got {other:?}"),
        };
        let (state, delta_age) = match snapshot.body {
            Body::Full(state) => (state, None),
            Body::Delta { age, delta } => (delta, Some(age)),
        };
        Seen {
            tick: snapshot.tick,
            ack: snapshot.ack,
            state,
            delta_age,
        }
    }

    #[test]
    fn a_full_room_opens_a_new_one() {
        let (mut sim, _) = sim(10);
        let rooms: Vec<RoomId> = (0..5)
            .map(|_| join(&mut sim).unwrap().welcome.room)
            .collect();
        assert_eq!(
            rooms,
            [RoomId(1), RoomId(1), RoomId(2), RoomId(2), RoomId(3)]
        );
    }

    #[test]
    fn joins_go_to_the_fullest_open_room() {
        let (mut sim, _) = sim(10);
        let a = join(&mut sim).unwrap();
        let _b = join(&mut sim).unwrap();
        let c = join(&mut sim).unwrap();
        drop(a); // Room 1 now has one free seat, room 2 has one player.
        sim.step();
        let d = join(&mut sim).unwrap();
        assert_eq!(c.welcome.room, RoomId(2));
        assert_eq!(d.welcome.room, RoomId(1), "ties go to the older room");
    }

    #[test]
    fn joins_beyond_max_rooms_are_refused_as_server_full() {
        let (mut sim, _) = sim(1);
        let _seats = [join(&mut sim).unwrap(), join(&mut sim).unwrap()];
        assert_eq!(join(&mut sim).unwrap_err(), Rejection::ServerFull);
    }

    #[test]
    fn every_tick_sends_each_player_the_room_tick_and_its_own_ack() {
        let (mut sim, _) = sim(10);
        let mut a = join(&mut sim).unwrap();
        let mut b = join(&mut sim).unwrap();
        let (pa, pb) = (a.welcome.player, b.welcome.player);
        sim.handle(Command::Input {
            player: pa,
            seq: 1,
            input: 5,
        });
        sim.handle(Command::Input {
            player: pa,
            seq: 2,
            input: 10,
        });
        sim.step();
        let (sa, sb) = (latest(&mut a), latest(&mut b));
        assert_eq!((sa.tick, sa.ack), (1, 2));
        assert_eq!((sb.tick, sb.ack), (1, 0));
        assert_eq!(sa.state, (1, vec![(pa, 15), (pb, 0)]));
        assert_eq!(sa.state, sb.state);
    }

    #[test]
    fn a_repeated_or_stale_sequence_number_is_not_applied_twice() {
        let (mut sim, _) = sim(10);
        let mut a = join(&mut sim).unwrap();
        let player = a.welcome.player;
        sim.handle(Command::Input {
            player,
            seq: 3,
            input: 1,
        });
        sim.handle(Command::Input {
            player,
            seq: 3,
            input: 1,
        });
        sim.handle(Command::Input {
            player,
            seq: 2,
            input: 1,
        });
        sim.step();
        assert_eq!(latest(&mut a).state.1, vec![(player, 1)]);
    }

    #[test]
    fn snapshots_are_deltas_against_the_newest_acknowledged_tick_within_the_age_limit() {
        let (mut sim, _) = sim(10);
        let mut a = join(&mut sim).unwrap();
        sim.step();
        assert_eq!(
            latest(&mut a).delta_age,
            None,
            "nothing acknowledged: a keyframe"
        );
        sim.step();
        a.acked.store(1, Relaxed);
        sim.step();
        assert_eq!(latest(&mut a).delta_age, Some(2), "tick 3 against tick 1");
        a.acked.store(3, Relaxed);
        sim.step();
        assert_eq!(latest(&mut a).delta_age, Some(1));
        for _ in 0..4 {
            sim.step();
        }
        assert_eq!(
            latest(&mut a).delta_age,
            None,
            "tick 3 is more than 4 ticks old"
        );
        a.acked.store(99, Relaxed);
        sim.step();
        assert_eq!(
            latest(&mut a).delta_age,
            None,
            "a tick never sent is no baseline"
        );
        let counts = (
            sim.metrics.deltas.load(Relaxed),
            sim.metrics.keyframes.load(Relaxed),
        );
        assert_eq!(counts, (5, 4), "ticks 3 to 7 were deltas");
    }

    #[test]
    fn rooms_on_other_phases_wait_for_their_own_slot() {
        let (mut sim, _) = sim(10);
        sim.tick_phases = 2;
        let mut a = join(&mut sim).unwrap(); // room 1
        let _b = join(&mut sim).unwrap(); // room 1
        let mut c = join(&mut sim).unwrap(); // room 2
        sim.step_phase(Some(1));
        assert_eq!(latest(&mut a).tick, 1);
        assert!(
            !c.snapshots.has_changed().unwrap(),
            "room 2 ticks on phase 0"
        );
        sim.step_phase(Some(0));
        assert_eq!(latest(&mut c).tick, 1);
        assert!(!a.snapshots.has_changed().unwrap());
    }

    #[test]
    fn a_slow_reader_skips_stale_snapshots() {
        let (mut sim, _) = sim(10);
        let mut a = join(&mut sim).unwrap();
        for _ in 0..5 {
            sim.step();
        }
        assert_eq!(latest(&mut a).tick, 5, "only the newest snapshot is kept");
        assert!(!a.snapshots.has_changed().unwrap());
    }

    #[test]
    fn a_dropped_session_removes_its_player_and_the_empty_room_closes() {
        let (mut sim, lobby) = sim(10);
        let mut a = join(&mut sim).unwrap();
        let b = join(&mut sim).unwrap();
        let gone = b.welcome.player;
        sim.step();
        assert_eq!(lobby.borrow()[0].players, 2);
        drop(b);
        sim.step();
        assert!(latest(&mut a).state.1.iter().all(|(p, _)| *p != gone));
        assert_eq!(lobby.borrow()[0].players, 1);
        drop(a);
        sim.step();
        assert!(lobby.borrow().is_empty(), "empty rooms are removed");
        assert_eq!(sim.metrics.rooms.load(Relaxed), 0);
        assert_eq!(sim.metrics.players.load(Relaxed), 0);
    }

    #[test]
    fn inputs_from_a_player_who_left_are_ignored() {
        let (mut sim, _) = sim(10);
        let mut a = join(&mut sim).unwrap();
        let b = join(&mut sim).unwrap();
        let gone = b.welcome.player;
        drop(b);
        sim.step();
        sim.handle(Command::Input {
            player: gone,
            seq: 1,
            input: 9,
        });
        sim.step();
        assert_eq!(latest(&mut a).state.1, vec![(a.welcome.player, 0)]);
    }

    #[test]
    fn the_thread_ticks_on_its_own_and_stops_when_cancelled() {
        let (sim, mut lobby) = sim(10);
        let (commands, rx) = mpsc::channel(16);
        let stop = CancellationToken::new();
        let thread = {
            let stop = stop.clone();
            thread::spawn(move || sim.run(rx, stop))
        };
        let (reply, seat) = oneshot::channel();
        commands
            .blocking_send(Command::Join {
                name: "p".into(),
                reply,
            })
            .unwrap();
        let mut seat = seat.blocking_recv().unwrap().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(10), async {
                while lobby.borrow_and_update().first().is_none_or(|r| r.tick < 5) {
                    lobby.changed().await.unwrap();
                }
            })
            .await
            .expect("five ticks within the deadline");
        });
        assert!(latest(&mut seat).tick >= 5);
        stop.cancel();
        thread.join().unwrap();
    }
}
