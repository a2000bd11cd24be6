//! The protocol in process: the real simulation, the server's real per-connection rules
//! and real client sessions, joined by in-memory pipes on a virtual clock
//! (`tickwire_server::testing::Stepper`). Deterministic, and fast enough to play whole
//! matches. What needs a real socket (frames, upgrades, timeouts, TLS) is in `sockets`.

use std::time::{Duration, Instant};

use snake::{Dir, Snake, SnakeInput, SnakeState, SnakeView};
use tickwire::{
    ClientMsg, GameVersion, Hello, Join, MatchPhase, PROTOCOL_VERSION, Rejection, Role, ServerMsg,
    codec,
    session::{Event, Failure, Phase, SessionConfig},
};
use tickwire_server::testing::{ClientId, Stepper};

/// Ticks a test waits for something before failing: ten seconds of game time at 30 Hz.
const PATIENCE: usize = 300;

fn config() -> tickwire_server::Config {
    tickwire_server::Config {
        tick_rate: Some(30),
        seed: Some(5),
        countdown: Duration::from_millis(100),
        round_length: Duration::from_millis(800),
        results_time: Duration::from_millis(200),
        reconnect_grace: Duration::from_millis(500),
        ..tickwire_server::Config::default().in_memory()
    }
}

fn stepper(config: tickwire_server::Config) -> Stepper<Snake> {
    Stepper::new(Snake::default(), config)
}

/// A player welcomed into a room (the stepper steps until it is).
fn join(stepper: &mut Stepper<Snake>, name: &str, join: Join) -> ClientId {
    let id = stepper.connect(name, join);
    assert!(
        stepper.step_until(PATIENCE, |s| s.session(id).phase() == &Phase::Playing),
        "{name} was not welcomed: {:?}",
        stepper.session(id).phase()
    );
    id
}

/// The client's own snake in the newest state it rebuilt.
fn own(stepper: &Stepper<Snake>, id: ClientId) -> Option<&SnakeView> {
    let me = stepper.session(id).me()?;
    stepper.latest(id)?.1.snake(me)
}

fn state(stepper: &Stepper<Snake>, id: ClientId) -> &SnakeState {
    stepper.latest(id).expect("a snapshot").1
}

/// The close code the client's session reported last.
fn closed_with(stepper: &mut Stepper<Snake>, id: ClientId) -> Option<(u16, String)> {
    stepper
        .events(id)
        .into_iter()
        .filter_map(|event| match event {
            Event::Closed { code, reason } => Some((code, reason)),
            _ => None,
        })
        .next_back()
}

/// A direction perpendicular to `dir`.
fn turn(dir: Dir) -> Dir {
    match dir {
        Dir::Up | Dir::Down => Dir::Left,
        Dir::Left | Dir::Right => Dir::Up,
    }
}

fn hello(protocol: u16, game_version: u16, name: &str) -> Vec<u8> {
    codec::encode(&ClientMsg::<SnakeInput>::Hello(Hello {
        protocol,
        game: GameVersion {
            name: "snake".into(),
            version: game_version,
        },
        name: name.into(),
        resume: None,
        join: Join::Quick,
    }))
    .unwrap()
}

fn rejection_of(stepper: &Stepper<Snake>, id: ClientId) -> Option<Rejection> {
    stepper.received(id).iter().find_map(|bytes| {
        match codec::decode_server::<SnakeState, snake::SnakeDelta>(bytes) {
            Ok(ServerMsg::Reject(rejection)) => Some(rejection),
            _ => None,
        }
    })
}

#[test]
fn ten_clients_play_three_hundred_ticks_and_all_rebuild_the_servers_state() {
    let started = Instant::now();
    let mut stepper = stepper(tickwire_server::Config {
        room_capacity: Some(10),
        min_players: 2,
        ..config()
    });
    let clients: Vec<ClientId> = (0..10)
        .map(|i| stepper.connect(&format!("p{i}"), Join::Quick))
        .collect();
    let mut rounds_ended = 0;
    for tick in 0..300 {
        stepper.step();
        for event in stepper.events(clients[0]) {
            if let Event::Snapshot { state, .. } = event
                && matches!(state.phase, MatchPhase::Ended { ticks_left: 6, .. })
            {
                rounds_ended += 1;
            }
        }
        // Everyone steers like a bot would, from what its own session rebuilt.
        for &id in &clients {
            let Some((_, state)) = stepper.latest(id) else {
                continue;
            };
            let Some(me) = stepper.session(id).me() else {
                continue;
            };
            let sent = stepper.session(id).unacked().next_back().map(|(_, i, _)| i);
            if let Some(input) = <Snake as tickwire::Bot>::bot_input(state, me, sent)
                && tick % 3 == 0
            {
                stepper.send_input(id, input);
            }
        }
    }
    let elapsed = started.elapsed();
    let room = stepper.welcome(clients[0]).expect("welcomed").room;
    let (tick, server) = stepper.server_state(room).expect("the room runs");
    for &id in &clients {
        let (seen, rebuilt) = stepper.latest(id).expect("snapshots");
        assert_eq!(stepper.welcome(id).map(|w| w.room), Some(room), "one room");
        assert_eq!(seen, tick, "every client is at the server's tick");
        assert_eq!(rebuilt, server, "client {id:?} rebuilt the server's state");
    }
    assert!(stepper.metric("game_deltas_total").unwrap_or(0.0) > 2_500.0);
    // Rounds were played on the way (800 ms each, 24 ticks, with countdowns and results).
    assert!(rounds_ended >= 5, "{rounds_ended} rounds");
    eprintln!("10 clients x 300 ticks in process: {elapsed:?}");
}

#[test]
fn an_input_turns_the_snake_in_the_tick_that_acknowledges_it() {
    let mut stepper = stepper(config());
    let ann = join(&mut stepper, "ann", Join::Quick);
    assert!(stepper.step_until(PATIENCE, |s| own(s, ann).is_some_and(|v| v.alive)));
    let dir = turn(own(&stepper, ann).unwrap().dir);
    let seq = stepper.send_input(ann, SnakeInput { dir }).unwrap();
    assert!(stepper.step_until(PATIENCE, |s| s.session(ann).ack() >= seq));
    assert_eq!(own(&stepper, ann).unwrap().dir, dir);
    assert_eq!(stepper.session(ann).unacked().count(), 0);
}

#[test]
fn a_reversal_is_ignored() {
    let mut stepper = stepper(config());
    let ann = join(&mut stepper, "ann", Join::Quick);
    assert!(stepper.step_until(PATIENCE, |s| own(s, ann).is_some_and(|v| v.alive)));
    let dir = own(&stepper, ann).unwrap().dir;
    let seq = stepper
        .send_input(
            ann,
            SnakeInput {
                dir: dir.opposite(),
            },
        )
        .unwrap();
    assert!(stepper.step_until(PATIENCE, |s| s.session(ann).ack() >= seq));
    let view = own(&stepper, ann).unwrap();
    assert!(view.alive, "a reversal must not kill the snake");
    assert_eq!(view.dir, dir);
}

#[test]
fn acknowledging_clients_get_deltas_that_rebuild_what_keyframes_carry() {
    let mut stepper = stepper(config());
    let deltas = join(&mut stepper, "deltas", Join::Quick);
    let whole = stepper.connect_with(
        "whole",
        Join::Quick,
        None,
        SessionConfig {
            ack: false,
            ..SessionConfig::default()
        },
        None,
    );
    stepper.step_n(60);
    assert_eq!(stepper.latest(deltas), stepper.latest(whole));
    let (a, b) = (stepper.session(deltas), stepper.session(whole));
    assert!(
        a.bytes_received() * 3 < b.bytes_received(),
        "{} vs {} bytes",
        a.bytes_received(),
        b.bytes_received()
    );
    assert!(stepper.metric("game_deltas_total").unwrap() > 50.0);
}

#[test]
fn a_dropped_connection_keeps_the_snake_for_the_grace_period_then_removes_it() {
    let mut stepper = stepper(tickwire_server::Config {
        min_players: 99,
        ..config()
    });
    let stays = join(&mut stepper, "stays", Join::Quick);
    let gone = stepper.connect_with(
        "gone",
        Join::Quick,
        None,
        SessionConfig {
            reconnect: false,
            ..SessionConfig::default()
        },
        None,
    );
    assert!(stepper.step_until(PATIENCE, |s| s.session(gone).me().is_some()));
    let player = stepper.session(gone).me().unwrap();
    stepper.drop_connection(gone);
    // 500 ms of grace at 30 Hz is 15 ticks: kept for them, removed after.
    stepper.step_n(10);
    assert!(state(&stepper, stays).snake(player).is_some());
    assert!(stepper.step_until(20, |s| state(s, stays).snake(player).is_none()));
}

#[test]
fn a_client_that_reconnects_gets_its_seat_back() {
    let mut stepper = stepper(tickwire_server::Config {
        min_players: 99,
        // Longer than the first reconnect's backoff (at most 625 ms).
        reconnect_grace: Duration::from_secs(2),
        ..config()
    });
    let ann = join(&mut stepper, "ann", Join::Quick);
    let player = stepper.session(ann).me().unwrap();
    stepper.drop_connection(ann);
    assert!(matches!(
        stepper.session(ann).phase(),
        Phase::Reconnecting { .. }
    ));
    assert!(
        stepper.step_until(PATIENCE, |s| s.session(ann).phase() == &Phase::Playing),
        "reconnected"
    );
    let welcome = stepper.welcome(ann).unwrap();
    assert!(welcome.resumed, "the token brought the seat back");
    assert_eq!(welcome.player(), Some(player));
    assert!(stepper.step_until(PATIENCE, |s| own(s, ann).is_some()));
}

#[test]
fn a_newer_connection_with_the_same_token_closes_the_stale_one_with_4007() {
    let mut stepper = stepper(config());
    let old = join(&mut stepper, "ann", Join::Quick);
    let player = stepper.session(old).me();
    let token = stepper.welcome(old).unwrap().resume;
    let new = stepper.connect_with("ann", Join::Quick, token, SessionConfig::default(), None);
    assert!(stepper.step_until(PATIENCE, |s| s.session(new).phase() == &Phase::Playing));
    assert_eq!(stepper.welcome(new).unwrap().player(), player);
    stepper.step();
    assert_eq!(closed_with(&mut stepper, old).map(|(c, _)| c), Some(4007));
    assert!(matches!(stepper.session(old).phase(), Phase::Failed(_)));
}

#[test]
fn leaving_frees_the_seat_at_once() {
    let mut stepper = stepper(tickwire_server::Config {
        min_players: 99,
        ..config()
    });
    let stays = join(&mut stepper, "stays", Join::Quick);
    let leaves = join(&mut stepper, "leaves", Join::Quick);
    let player = stepper.session(leaves).me().unwrap();
    assert!(stepper.step_until(PATIENCE, |s| state(s, stays).snake(player).is_some()));
    stepper.leave(leaves);
    assert_eq!(stepper.session(leaves).phase(), &Phase::Lobby);
    // Well inside the grace period: a goodbye needs none.
    assert!(stepper.step_until(3, |s| state(s, stays).snake(player).is_none()));
    assert_eq!(stepper.close_of(leaves).map(|(code, _)| code), Some(1000));
}

#[test]
fn a_ping_measures_the_round_trip_over_a_slow_link() {
    let mut stepper = stepper(config());
    let far = stepper.connect_with(
        "far",
        Join::Quick,
        None,
        SessionConfig::default(),
        Some("latency=50ms".parse().unwrap()),
    );
    assert!(stepper.step_until(PATIENCE, |s| s.session(far).rtt_ms().is_some()));
    let rtt = stepper.session(far).rtt_ms().unwrap();
    assert!((100.0..=100.0 + 34.0).contains(&rtt), "{rtt} ms");
    assert!(stepper.session(far).clock_offset_ms().is_some());
}

#[test]
fn over_a_jittery_link_every_client_still_rebuilds_the_servers_state() {
    let mut stepper = stepper(config());
    let link = "latency=40ms,jitter=30ms".parse().unwrap();
    let ids: Vec<ClientId> = (0..4)
        .map(|i| {
            stepper.connect_with(
                &format!("j{i}"),
                Join::Quick,
                None,
                SessionConfig::default(),
                Some(link),
            )
        })
        .collect();
    stepper.step_n(200);
    // The server stops; what is in flight arrives.
    stepper.settle(500.0);
    let room = stepper.welcome(ids[0]).unwrap().room;
    let (tick, server) = stepper.server_state(room).unwrap();
    for id in ids {
        assert_eq!(stepper.latest(id), Some((tick, server)), "client {id:?}");
    }
    assert!(stepper.metric("game_deltas_total").unwrap() > 500.0);
}

#[test]
fn a_wrong_protocol_version_is_rejected_with_4000_and_told_the_servers() {
    let mut stepper = stepper(config());
    let raw = stepper.connect_raw();
    stepper.send_raw(raw, hello(PROTOCOL_VERSION + 1, 1, "ann"));
    stepper.step();
    assert!(matches!(
        rejection_of(&stepper, raw),
        Some(Rejection::VersionMismatch {
            protocol: PROTOCOL_VERSION,
            ..
        })
    ));
    assert_eq!(stepper.close_of(raw).map(|(c, _)| c), Some(4000));
}

#[test]
fn a_wrong_game_version_is_rejected_with_4000() {
    let mut stepper = stepper(config());
    let raw = stepper.connect_raw();
    stepper.send_raw(raw, hello(PROTOCOL_VERSION, 999, "ann"));
    stepper.step();
    let (code, reason) = stepper.close_of(raw).unwrap();
    assert_eq!(code, 4000);
    assert!(reason.contains("reload"), "{reason}");
}

#[test]
fn an_invalid_name_is_refused_with_4002_and_the_session_stops() {
    let mut stepper = stepper(config());
    let bad = stepper.connect("<script>", Join::Quick);
    stepper.step_n(2);
    assert_eq!(
        stepper.session(bad).phase(),
        &Phase::Failed(Failure::InvalidName)
    );
    assert!(
        stepper
            .events(bad)
            .contains(&Event::Rejected(Rejection::InvalidName))
    );
}

#[test]
fn a_full_server_refuses_with_4001_and_the_client_keeps_trying() {
    let mut stepper = stepper(tickwire_server::Config {
        max_rooms: 1,
        room_capacity: Some(1),
        ..config()
    });
    let _first = join(&mut stepper, "first", Join::Quick);
    let second = stepper.connect("second", Join::Quick);
    stepper.step_n(2);
    assert!(
        stepper
            .events(second)
            .contains(&Event::Rejected(Rejection::ServerFull))
    );
    assert!(
        matches!(stepper.session(second).phase(), Phase::Reconnecting { .. }),
        "a full server may have room later"
    );
}

#[test]
fn a_full_room_puts_the_next_player_in_a_new_room_and_the_lobby_lists_both() {
    let mut stepper = stepper(tickwire_server::Config {
        room_capacity: Some(2),
        ..config()
    });
    let a = join(&mut stepper, "a", Join::Quick);
    let b = join(&mut stepper, "b", Join::Quick);
    let c = join(&mut stepper, "c", Join::Quick);
    let room = |id| stepper.welcome(id).unwrap().room;
    assert_eq!(room(a), room(b));
    assert_ne!(room(c), room(a));
    stepper.step();
    let mut players: Vec<_> = stepper.rooms().iter().map(|r| r.players).collect();
    players.sort();
    assert_eq!(players, [1, 2]);
}

#[test]
fn an_input_before_hello_gets_1008() {
    let mut stepper = stepper(config());
    let raw = stepper.connect_raw();
    let input = ClientMsg::Input {
        seq: 1,
        input: SnakeInput { dir: Dir::Up },
    };
    stepper.send_raw(raw, codec::encode(&input).unwrap());
    stepper.step();
    assert_eq!(stepper.close_of(raw).map(|(c, _)| c), Some(1008));
}

#[test]
fn a_second_hello_gets_1008() {
    let mut stepper = stepper(config());
    let ann = join(&mut stepper, "ann", Join::Quick);
    stepper.send_raw(ann, hello(PROTOCOL_VERSION, 1, "ann"));
    stepper.step();
    assert_eq!(stepper.close_of(ann).map(|(c, _)| c), Some(1008));
}

#[test]
fn undecodable_bytes_get_1002_and_other_players_miss_no_tick() {
    let mut stepper = stepper(config());
    let calm = join(&mut stepper, "calm", Join::Quick);
    let vandal = join(&mut stepper, "vandal", Join::Quick);
    stepper.step();
    let start = stepper.latest(calm).unwrap().0;
    stepper.events(calm);
    stepper.send_raw(vandal, vec![0xff, 0xfe, 0x00, 0x13, 0x37]);
    stepper.step_n(30);
    assert_eq!(stepper.close_of(vandal).map(|(c, _)| c), Some(1002));
    let ticks: Vec<u64> = stepper
        .events(calm)
        .into_iter()
        .filter_map(|e| match e {
            Event::Snapshot { state, .. } => Some(state.tick),
            _ => None,
        })
        .collect();
    assert_eq!(ticks, (start + 1..=start + 30).collect::<Vec<_>>());
    assert!(stepper.metric("game_protocol_errors_total").unwrap() >= 1.0);
}

#[test]
fn an_input_flood_is_dropped_then_closed_with_1008() {
    let mut stepper = stepper(config());
    let flood = join(&mut stepper, "flood", Join::Quick);
    for _ in 0..1_000 {
        stepper.send_input(flood, SnakeInput { dir: Dir::Up });
    }
    stepper.step();
    assert_eq!(stepper.close_of(flood).map(|(c, _)| c), Some(1008));
    assert!(stepper.metric("game_inputs_dropped_total").unwrap() >= 1.0);
}

#[test]
fn a_private_code_joins_the_right_room_and_stays_out_of_the_lobby() {
    let mut stepper = stepper(config());
    let host = join(&mut stepper, "host", Join::NewPrivate);
    let code = stepper.welcome(host).unwrap().code.clone();
    assert!(stepper.welcome(host).unwrap().private);
    let _public = join(&mut stepper, "other", Join::Quick);
    let guest = join(&mut stepper, "guest", Join::Room(code.clone()));
    assert_eq!(
        stepper.welcome(guest).unwrap().room,
        stepper.welcome(host).unwrap().room
    );
    stepper.step();
    assert!(
        stepper.rooms().iter().all(|r| r.code != code),
        "private rooms are not listed"
    );
    assert_eq!(stepper.rooms().len(), 1);
}

#[test]
fn a_full_private_room_is_refused_with_4006() {
    let mut stepper = stepper(tickwire_server::Config {
        room_capacity: Some(1),
        ..config()
    });
    let _host = join(&mut stepper, "host", Join::Room("SOLO".into()));
    let late = stepper.connect("late", Join::Room("SOLO".into()));
    stepper.step_n(2);
    assert_eq!(
        stepper.session(late).phase(),
        &Phase::Failed(Failure::RoomFull)
    );
}

#[test]
fn a_spectator_sees_the_room_and_is_closed_for_sending_an_input() {
    let mut stepper = stepper(config());
    let ann = join(&mut stepper, "ann", Join::Quick);
    let player = stepper.session(ann).me().unwrap();
    let code = stepper.welcome(ann).unwrap().code.clone();
    let eye = join(&mut stepper, "eye", Join::Watch(code));
    assert_eq!(stepper.welcome(eye).unwrap().role, Role::Spectator);
    assert_eq!(stepper.send_input(eye, SnakeInput { dir: Dir::Up }), None);
    assert!(stepper.step_until(PATIENCE, |s| {
        s.latest(eye)
            .is_some_and(|(_, st)| st.snake(player).is_some())
    }));
    assert_eq!(
        state(&stepper, eye).snakes.len(),
        1,
        "the spectator has no snake"
    );
    let input = ClientMsg::Input {
        seq: 1,
        input: SnakeInput { dir: Dir::Up },
    };
    stepper.send_raw(eye, codec::encode(&input).unwrap());
    stepper.step();
    assert_eq!(
        stepper.close_of(eye),
        Some((1008, "spectators cannot send inputs"))
    );
    let nowhere = stepper.connect("eye", Join::Watch("NOSUCH".into()));
    stepper.step_n(2);
    assert_eq!(
        stepper.session(nowhere).phase(),
        &Phase::Failed(Failure::NoSuchRoom)
    );
}

#[test]
fn a_round_counts_down_runs_and_ends_with_a_winner_or_a_tie() {
    let mut stepper = stepper(config());
    let a = join(&mut stepper, "ann", Join::Room("ROUND".into()));
    let _b = join(&mut stepper, "bob", Join::Room("ROUND".into()));
    let phase = |s: &Stepper<Snake>| s.session(a).match_phase();
    assert!(stepper.step_until(PATIENCE, |s| matches!(
        phase(s),
        Some(MatchPhase::Countdown { .. })
    )));
    assert!(
        !stepper.session(a).world_moves(),
        "frozen while counting down"
    );
    assert!(stepper.step_until(PATIENCE, |s| matches!(
        phase(s),
        Some(MatchPhase::Running { .. })
    )));
    assert!(stepper.step_until(PATIENCE, |s| matches!(
        phase(s),
        Some(MatchPhase::Ended { .. })
    )));
    assert!(
        !stepper.session(a).world_moves(),
        "frozen while the results show"
    );
    assert!(
        stepper.step_until(PATIENCE, |s| matches!(
            phase(s),
            Some(MatchPhase::Countdown { .. })
        )),
        "the next round"
    );
}
