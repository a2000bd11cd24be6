//! The runtime driven tick by tick in-process, with a tiny game whose state is a per-player
//! sum of inputs, so every assertion is about the runtime, not a game's rules.

use std::{collections::BTreeMap, sync::atomic::Ordering::Relaxed, thread, time::Duration};

use bevy_ecs::{
    prelude::{Res, ResMut, Resource},
    schedule::Schedule,
    world::World,
};
use tickwire::{Body, MatchPhase, Role, ServerMsg, codec};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::*;

struct Sum;

#[derive(Resource, Default)]
struct Sums(BTreeMap<PlayerId, i64>);

/// How many times the schedule ran: frozen phases do not run it.
#[derive(Resource, Default)]
struct Runs(u64);

fn count_run(mut runs: ResMut<Runs>) {
    runs.0 += 1;
}

/// Every round phase the game's systems ran in, as the runtime told them.
#[derive(Resource, Default)]
struct PhasesSeen(Vec<MatchPhase>);

fn see_phase(phase: Option<Res<tickwire_game::RoundPhase>>, mut seen: ResMut<PhasesSeen>) {
    if let Some(phase) = phase {
        seen.0.push(phase.0);
    }
}

/// Schedule runs, and every player's sum.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
struct State(u64, Vec<(PlayerId, i64)>);

/// The whole next state: enough to test when deltas are chosen.
impl tickwire::Diff for State {
    type Delta = State;
    fn diff(&self, next: &State) -> State {
        next.clone()
    }
    fn apply(&self, delta: &State) -> Result<State, tickwire::DeltaError> {
        Ok(delta.clone())
    }
}

impl tickwire::Wire for Sum {
    const NAME: &'static str = "sum";
    const VERSION: u16 = 1;
    type Input = i64;
    type Snapshot = State;
}

impl Game for Sum {
    fn settings(&self) -> RoomSettings {
        RoomSettings {
            tick_rate: 50,
            capacity: 2,
        }
    }
    fn build_room(&self, world: &mut World, schedule: &mut Schedule, _seed: u64) {
        world.init_resource::<Sums>();
        world.init_resource::<Runs>();
        world.init_resource::<PhasesSeen>();
        schedule.add_systems((count_run, see_phase));
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
    fn start_round(&self, world: &mut World) {
        for sum in world.resource_mut::<Sums>().0.values_mut() {
            *sum = 0;
        }
    }
    fn scores(&self, world: &mut World) -> Vec<(PlayerId, i64)> {
        world
            .resource::<Sums>()
            .0
            .iter()
            .map(|(p, s)| (*p, *s))
            .collect()
    }
    /// A sum of 1,000 wins at once.
    fn round_over(&self, world: &mut World) -> bool {
        world.resource::<Sums>().0.values().any(|s| *s >= 1_000)
    }
    fn snapshot(&self, world: &mut World) -> State {
        let sums = world
            .resource::<Sums>()
            .0
            .iter()
            .map(|(p, s)| (*p, *s))
            .collect();
        State(world.resource::<Runs>().0, sums)
    }
}

/// Rounds that never start: the runtime tests below that are not about rounds run in free
/// play.
fn free_play() -> MatchRules {
    MatchRules {
        min_players: usize::MAX,
        countdown_ticks: 2,
        round_ticks: 3,
        results_ticks: 2,
        grace_ticks: 3,
        tick_rate: 50,
    }
}

fn sim_with(
    max_rooms: usize,
    rules: MatchRules,
    store: Option<Store>,
) -> (Sim<Sum>, watch::Receiver<Arc<[RoomInfo]>>) {
    let (lobby_tx, lobby) = watch::channel(Arc::from([]));
    let limits = SimLimits {
        max_rooms,
        max_spectators: 2,
        delta_max_age: 4,
        tick_phases: 1,
        rules,
    };
    let sim = Sim::new(
        Sum,
        Sum.settings(),
        limits,
        7,
        Arc::new(Metrics::default()),
        lobby_tx,
        store,
    );
    (sim, lobby)
}

fn sim(max_rooms: usize) -> (Sim<Sum>, watch::Receiver<Arc<[RoomInfo]>>) {
    sim_with(max_rooms, free_play(), None)
}

fn ask(sim: &mut Sim<Sum>, join: Join, resume: Option<ResumeToken>) -> Result<Seated, Rejection> {
    ask_as(sim, "p", join, resume)
}

fn ask_as(
    sim: &mut Sim<Sum>,
    name: &str,
    join: Join,
    resume: Option<ResumeToken>,
) -> Result<Seated, Rejection> {
    let (reply, rx) = oneshot::channel();
    sim.handle(Command::Join {
        name: name.into(),
        join,
        resume,
        reply,
    });
    rx.blocking_recv()
        .expect("the simulation always answers a join")
}

fn join(sim: &mut Sim<Sum>) -> Result<Seated, Rejection> {
    ask(sim, Join::Quick, None)
}

fn player(seat: &Seated) -> PlayerId {
    seat.welcome.player().expect("a player, not a spectator")
}

/// The newest snapshot a seat received, with the age of its delta baseline if it was a
/// delta.
struct Seen {
    tick: u64,
    ack: u32,
    phase: MatchPhase,
    state: State,
    delta_age: Option<u8>,
}

fn latest(seat: &mut Seated) -> Seen {
    let bytes = seat.conn.snapshots.borrow_and_update().clone();
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
        phase: snapshot.phase,
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
    let a_player = player(&a);
    drop(a); // Its seat is kept for the grace period, then room 1 has a free seat.
    for _ in 0..=free_play().grace_ticks + 1 {
        sim.step();
    }
    assert!(!sim.seats.contains_key(&a_player));
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
    let (pa, pb) = (player(&a), player(&b));
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
    assert_eq!(sa.state, State(1, vec![(pa, 15), (pb, 0)]));
    assert_eq!(sa.state, sb.state);
}

#[test]
fn a_repeated_or_stale_sequence_number_is_not_applied_twice() {
    let (mut sim, _) = sim(10);
    let mut a = join(&mut sim).unwrap();
    let p = player(&a);
    sim.handle(Command::Input {
        player: p,
        seq: 3,
        input: 1,
    });
    sim.handle(Command::Input {
        player: p,
        seq: 3,
        input: 1,
    });
    sim.handle(Command::Input {
        player: p,
        seq: 2,
        input: 1,
    });
    sim.step();
    assert_eq!(latest(&mut a).state.1, vec![(p, 1)]);
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
    a.conn.acked.store(1, Relaxed);
    sim.step();
    assert_eq!(latest(&mut a).delta_age, Some(2), "tick 3 against tick 1");
    a.conn.acked.store(3, Relaxed);
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
    a.conn.acked.store(99, Relaxed);
    sim.step();
    assert_eq!(
        latest(&mut a).delta_age,
        None,
        "a tick never sent is no baseline"
    );
    let counts = (sim.metrics.deltas.get(), sim.metrics.keyframes.get());
    assert_eq!(counts, (5, 4), "ticks 3 to 7 were deltas");
}

#[test]
fn rooms_on_other_phases_wait_for_their_own_slot() {
    let (mut sim, _) = sim(10);
    sim.limits.tick_phases = 2;
    let mut a = join(&mut sim).unwrap(); // room 1
    let _b = join(&mut sim).unwrap(); // room 1
    let mut c = join(&mut sim).unwrap(); // room 2
    sim.step_phase(Some(1));
    assert_eq!(latest(&mut a).tick, 1);
    assert!(
        !c.conn.snapshots.has_changed().unwrap(),
        "room 2 ticks on phase 0"
    );
    sim.step_phase(Some(0));
    assert_eq!(latest(&mut c).tick, 1);
    assert!(!a.conn.snapshots.has_changed().unwrap());
}

#[test]
fn a_slow_reader_skips_stale_snapshots() {
    let (mut sim, _) = sim(10);
    let mut a = join(&mut sim).unwrap();
    for _ in 0..5 {
        sim.step();
    }
    assert_eq!(latest(&mut a).tick, 5, "only the newest snapshot is kept");
    assert!(!a.conn.snapshots.has_changed().unwrap());
}

#[test]
fn a_dropped_session_keeps_its_seat_for_the_grace_period_then_leaves() {
    let (mut sim, lobby) = sim(10);
    let mut a = join(&mut sim).unwrap();
    let b = join(&mut sim).unwrap();
    let gone = player(&b);
    sim.step();
    drop(b);
    for _ in 0..=free_play().grace_ticks {
        sim.step();
        assert!(
            latest(&mut a).state.1.iter().any(|(p, _)| *p == gone),
            "kept during the grace period"
        );
    }
    sim.step();
    assert!(
        latest(&mut a).state.1.iter().all(|(p, _)| *p != gone),
        "removed after it"
    );
    assert_eq!(lobby.borrow()[0].players, 1);
    drop(a);
    for _ in 0..=free_play().grace_ticks + 1 {
        sim.step();
    }
    assert!(lobby.borrow().is_empty(), "empty rooms are removed");
    assert_eq!(sim.metrics.rooms.get(), 0);
    assert_eq!(sim.metrics.players.get(), 0);
}

#[test]
fn a_player_who_leaves_frees_the_seat_at_once() {
    let (mut sim, lobby) = sim(10);
    let mut a = join(&mut sim).unwrap();
    let b = join(&mut sim).unwrap();
    sim.handle(Command::Leave { player: player(&b) });
    sim.step();
    assert_eq!(latest(&mut a).state.1.len(), 1);
    assert_eq!(lobby.borrow()[0].players, 1);
    let again = ask(&mut sim, Join::Quick, b.welcome.resume).unwrap();
    assert!(!again.welcome.resumed, "its token is void");
}

#[test]
fn a_resume_token_within_the_grace_period_gives_the_seat_back() {
    let (mut sim, _) = sim(10);
    let first = join(&mut sim).unwrap();
    let p = player(&first);
    let token = first.welcome.resume;
    sim.handle(Command::Input {
        player: p,
        seq: 1,
        input: 7,
    });
    sim.step();
    drop(first);
    sim.step();
    let mut again = ask(&mut sim, Join::Quick, token).unwrap();
    assert_eq!(player(&again), p);
    assert!(again.welcome.resumed);
    sim.step();
    let seen = latest(&mut again);
    assert_eq!(seen.state.1, vec![(p, 7)], "same player, same score");
    assert_eq!(
        seen.delta_age, None,
        "a resumed client starts from a keyframe"
    );
}

#[test]
fn a_newer_connection_with_the_same_token_replaces_the_stale_one() {
    let (mut sim, _) = sim(10);
    let first = join(&mut sim).unwrap();
    let second = ask(&mut sim, Join::Quick, first.welcome.resume).unwrap();
    assert_eq!(player(&second), player(&first));
    assert!(
        first.conn.kick.is_cancelled(),
        "the stale session is told to close"
    );
    assert!(!second.conn.kick.is_cancelled());
}

#[test]
fn a_token_after_the_grace_period_gets_a_new_player() {
    let (mut sim, _) = sim(10);
    let _other = join(&mut sim).unwrap();
    let first = join(&mut sim).unwrap();
    let (p, token) = (player(&first), first.welcome.resume);
    drop(first);
    for _ in 0..=free_play().grace_ticks + 1 {
        sim.step();
    }
    let again = ask(&mut sim, Join::Quick, token).unwrap();
    assert_ne!(player(&again), p);
    assert!(!again.welcome.resumed);
}

#[test]
fn a_room_code_joins_that_room_and_an_unknown_code_opens_a_private_one() {
    let (mut sim, lobby) = sim(10);
    let host = ask(&mut sim, Join::Room("FRIENDS".into()), None).unwrap();
    assert!(host.welcome.private);
    assert_eq!(host.welcome.code, "FRIENDS");
    let guest = ask(&mut sim, Join::Room("FRIENDS".into()), None).unwrap();
    assert_eq!(guest.welcome.room, host.welcome.room);
    assert_eq!(
        ask(&mut sim, Join::Room("FRIENDS".into()), None).unwrap_err(),
        Rejection::RoomFull
    );
    let stranger = join(&mut sim).unwrap();
    assert_ne!(
        stranger.welcome.room, host.welcome.room,
        "quick join skips private rooms"
    );
    sim.step();
    assert!(
        lobby.borrow().iter().all(|r| r.code != "FRIENDS"),
        "private rooms are not listed"
    );
    assert_eq!(
        ask(&mut sim, Join::Room("bad code".into()), None).unwrap_err(),
        Rejection::NoSuchRoom
    );
    let new = ask(&mut sim, Join::NewPrivate, None).unwrap();
    assert!(new.welcome.private && tickwire::valid_room_code(&new.welcome.code));
}

#[test]
fn a_spectator_gets_snapshots_without_taking_a_seat() {
    let (mut sim, lobby) = sim(10);
    let a = join(&mut sim).unwrap();
    let code = a.welcome.code.clone();
    let mut watcher = ask(&mut sim, Join::Watch(code.clone()), None).unwrap();
    assert_eq!(watcher.welcome.role, Role::Spectator);
    assert!(watcher.welcome.resume.is_none());
    let b = join(&mut sim).unwrap();
    assert_eq!(b.welcome.room, a.welcome.room, "the spectator took no seat");
    sim.step();
    assert_eq!(latest(&mut watcher).state.1.len(), 2);
    assert_eq!(lobby.borrow()[0].spectators, 1);
    assert_eq!(
        ask(&mut sim, Join::Watch("NOPE".into()), None).unwrap_err(),
        Rejection::NoSuchRoom
    );
}

fn rounds() -> MatchRules {
    MatchRules {
        min_players: 2,
        ..free_play()
    }
}

#[test]
fn a_round_the_game_decides_early_ends_at_once_with_its_winner() {
    let (mut sim, _) = sim_with(10, rounds(), None);
    let mut a = ask_as(&mut sim, "ann", Join::Quick, None).unwrap();
    let b = ask_as(&mut sim, "bo", Join::Quick, None).unwrap();
    let pb = player(&b);
    sim.step();
    while !matches!(latest(&mut a).phase, MatchPhase::Running { .. }) {
        sim.step();
    }
    assert_eq!(latest(&mut a).phase, MatchPhase::Running { ticks_left: 3 });
    sim.handle(Command::Input {
        player: pb,
        seq: 1,
        input: 1_000,
    });
    sim.step();
    assert_eq!(
        latest(&mut a).phase,
        MatchPhase::Ended {
            ticks_left: 2,
            winner: Some(pb)
        },
        "ended with two of its three ticks left"
    );
    assert_eq!(sim.metrics.rounds.get(), 1);
}

#[test]
fn a_room_goes_through_waiting_countdown_running_ended_and_the_next_round() {
    let store = Store::open(None).unwrap().0;
    let (mut sim, _) = sim_with(10, rounds(), Some(store.clone()));
    let mut a = ask_as(&mut sim, "ann", Join::Quick, None).unwrap();
    sim.step();
    assert_eq!(latest(&mut a).phase, MatchPhase::Waiting { needed: 1 });
    let b = ask_as(&mut sim, "bo", Join::Quick, None).unwrap();
    let (pa, pb) = (player(&a), player(&b));
    sim.handle(Command::Input {
        player: pa,
        seq: 1,
        input: 100,
    }); // warm-up: does not count
    let mut phases = Vec::new();
    let mut runs = Vec::new();
    for tick in 0..12 {
        if tick == 4 {
            sim.handle(Command::Input {
                player: pb,
                seq: 1,
                input: 3,
            });
        }
        sim.step();
        let seen = latest(&mut a);
        phases.push(seen.phase);
        runs.push(seen.state.0);
    }
    use MatchPhase::*;
    let winner = Some(pb);
    assert_eq!(
        phases,
        [
            Countdown { ticks_left: 2 },
            Countdown { ticks_left: 1 },
            Running { ticks_left: 3 },
            Running { ticks_left: 2 },
            Running { ticks_left: 1 },
            Ended {
                ticks_left: 2,
                winner
            },
            Ended {
                ticks_left: 1,
                winner
            },
            Countdown { ticks_left: 2 },
            Countdown { ticks_left: 1 },
            Running { ticks_left: 3 },
            Running { ticks_left: 2 },
            Running { ticks_left: 1 },
        ]
    );
    // The world is frozen during countdowns and results.
    assert_eq!(runs[0], runs[1]);
    assert_eq!(runs[5], runs[6]);
    assert!(runs[2] > runs[1]);
    assert_eq!(sim.metrics.rounds.get(), 1);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let board = runtime.block_on(store.leaderboard(10)).unwrap();
    let wins: Vec<(String, u32, i64)> = board
        .into_iter()
        .map(|r| (r.name, r.wins, r.total))
        .collect();
    assert_eq!(
        wins,
        [("bo".to_owned(), 1, 3), ("ann".to_owned(), 0, 0)],
        "warm-up inputs do not count"
    );
}

#[test]
fn the_games_systems_read_the_round_phase_they_run_in() {
    let (mut sim, _) = sim_with(10, rounds(), None);
    let a = ask_as(&mut sim, "ann", Join::Quick, None).unwrap();
    sim.step();
    let _b = ask_as(&mut sim, "bo", Join::Quick, None).unwrap();
    for _ in 0..6 {
        sim.step();
    }
    let room = sim.rooms.get_mut(&a.welcome.room).unwrap();
    use MatchPhase::*;
    assert_eq!(
        room.world().resource::<PhasesSeen>().0,
        [
            Waiting { needed: 1 },
            // The countdown's two ticks run nothing.
            Running { ticks_left: 3 },
            Running { ticks_left: 2 },
            Running { ticks_left: 1 },
            // The last tick of the round, whose snapshot shows it ended.
            Running { ticks_left: 0 },
        ]
    );
}

#[test]
fn draining_refuses_joins_starts_no_round_and_answers_when_rounds_are_over() {
    let (mut sim, _) = sim_with(10, rounds(), None);
    let mut a = join(&mut sim).unwrap();
    let _b = join(&mut sim).unwrap();
    for _ in 0..3 {
        sim.step(); // countdown, countdown, running
    }
    assert!(matches!(latest(&mut a).phase, MatchPhase::Running { .. }));
    let (done, mut drained) = oneshot::channel();
    sim.handle(Command::Drain { done });
    assert_eq!(join(&mut sim).unwrap_err(), Rejection::Draining);
    assert!(drained.try_recv().is_err(), "a round is still running");
    for _ in 0..3 {
        sim.step();
    }
    assert!(matches!(latest(&mut a).phase, MatchPhase::Ended { .. }));
    assert!(drained.try_recv().is_ok(), "answered once the round ended");
    for _ in 0..5 {
        sim.step();
    }
    assert!(
        matches!(latest(&mut a).phase, MatchPhase::Waiting { .. }),
        "no new round while draining"
    );
}

#[test]
fn ending_rounds_early_records_them() {
    let (mut sim, _) = sim_with(
        10,
        MatchRules {
            round_ticks: 1_000,
            ..rounds()
        },
        None,
    );
    let mut a = join(&mut sim).unwrap();
    let _b = join(&mut sim).unwrap();
    for _ in 0..4 {
        sim.step();
    }
    let (done, mut ended) = oneshot::channel();
    sim.handle(Command::EndRounds { done });
    assert!(ended.try_recv().is_ok());
    assert_eq!(sim.metrics.rounds.get(), 1);
    sim.step();
    assert!(matches!(latest(&mut a).phase, MatchPhase::Ended { .. }));
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
            join: Join::Quick,
            resume: None,
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
