//! The session driven with plain byte vectors and a hand-moved clock: every command it
//! gives is decoded as the server would, every message it reads is encoded as the server
//! would, and nothing else is involved.

use serde::{Deserialize, Serialize};

use super::*;
use crate::{
    Diff,
    protocol::{Body, GameVersion, PROTOCOL_VERSION, RoomId, Snapshot},
};

/// A tiny game: the input is a number, the snapshot every player's total.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Diff)]
#[diff(crate = "crate")]
struct Totals {
    totals: Vec<i64>,
}

struct Adder;

impl Wire for Adder {
    const NAME: &'static str = "adder";
    const VERSION: u16 = 3;
    type Input = i64;
    type Snapshot = Totals;
}

type Msg = ServerMsg<Totals, crate::DeltaOf<Adder>>;

const TOKEN: ResumeToken = ResumeToken([7; 16]);

fn welcome(role: Role) -> Welcome {
    Welcome {
        role,
        room: RoomId(4),
        code: "Q7XK".into(),
        private: false,
        tick_rate: 20,
        resume: matches!(role, Role::Player(_)).then_some(TOKEN),
        resumed: false,
    }
}

fn bytes(msg: &Msg) -> Vec<u8> {
    codec::encode(msg).unwrap()
}

fn full(tick: u64, ack: u32, totals: &[i64]) -> Vec<u8> {
    bytes(&ServerMsg::Snapshot(Snapshot {
        tick,
        ack,
        phase: MatchPhase::Running { ticks_left: 100 },
        body: Body::Full(Totals {
            totals: totals.to_vec(),
        }),
    }))
}

fn delta(tick: u64, age: u8, ack: u32, base: &[i64], next: &[i64]) -> Vec<u8> {
    let base = Totals {
        totals: base.to_vec(),
    };
    let next = Totals {
        totals: next.to_vec(),
    };
    bytes(&ServerMsg::Snapshot(Snapshot {
        tick,
        ack,
        phase: MatchPhase::Running { ticks_left: 99 },
        body: Body::Delta {
            age,
            delta: base.diff(&next),
        },
    }))
}

/// Every command queued, in order.
fn commands(session: &mut Session<Adder>) -> Vec<Command> {
    std::iter::from_fn(|| session.poll_command()).collect()
}

/// Every event queued, in order.
fn events(session: &mut Session<Adder>) -> Vec<Event<Totals>> {
    std::iter::from_fn(|| session.poll_event()).collect()
}

/// The client messages among `commands`, decoded as the server decodes them.
fn sent(commands: &[Command]) -> Vec<ClientMsg<i64>> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Send(bytes) => Some(codec::decode_client(bytes).unwrap()),
            _ => None,
        })
        .collect()
}

/// A session that asked to connect, opened, and was welcomed as player 9 at time 0.
fn playing(config: SessionConfig) -> Session<Adder> {
    let mut session = Session::new(config);
    session.play("ann", Join::Quick);
    session.on_open(0.0);
    session.on_message(
        &bytes(&ServerMsg::Welcome(welcome(Role::Player(PlayerId(9))))),
        0.0,
    );
    commands(&mut session);
    events(&mut session);
    session
}

#[test]
fn play_asks_to_connect_and_says_hello_once_open() {
    let mut session = Session::<Adder>::new(SessionConfig::default());
    assert_eq!(session.phase(), &Phase::Lobby);
    assert!(commands(&mut session).is_empty(), "nothing before play");
    session.play("ann", Join::Room("ABCD".into()));
    assert_eq!(session.phase(), &Phase::Connecting);
    assert_eq!(commands(&mut session), [Command::Connect]);
    session.on_open(5.0);
    let hello = sent(&commands(&mut session));
    assert_eq!(
        hello,
        [ClientMsg::Hello(Hello {
            protocol: PROTOCOL_VERSION,
            game: GameVersion {
                name: "adder".into(),
                version: 3
            },
            name: "ann".into(),
            resume: None,
            join: Join::Room("ABCD".into()),
        })]
    );
    session.on_open(6.0);
    assert!(commands(&mut session).is_empty(), "hello is said once");
}

#[test]
fn a_welcome_starts_playing_and_pings_at_once_then_every_interval() {
    let mut session = Session::<Adder>::new(SessionConfig::default());
    session.play("ann", Join::Quick);
    session.on_open(0.0);
    commands(&mut session);
    let welcomed = welcome(Role::Player(PlayerId(9)));
    session.on_message(&bytes(&ServerMsg::Welcome(welcomed.clone())), 10.0);
    assert_eq!(session.phase(), &Phase::Playing);
    assert_eq!(session.me(), Some(PlayerId(9)));
    assert_eq!(session.welcomes(), 1);
    assert_eq!(events(&mut session), [Event::Welcomed(welcomed)]);
    assert_eq!(
        sent(&commands(&mut session)),
        [ClientMsg::Ping { sent_ms: 10 }]
    );
    assert_eq!(session.poll_timeout(), Some(2_010.0));
    session.handle_timeout(2_009.0);
    assert!(commands(&mut session).is_empty(), "not due yet");
    session.handle_timeout(2_010.0);
    assert_eq!(
        sent(&commands(&mut session)),
        [ClientMsg::Ping { sent_ms: 2_010 }]
    );
}

#[test]
fn a_pong_measures_the_round_trip_and_the_servers_clock() {
    let mut session = playing(SessionConfig::default());
    assert_eq!(session.rtt_ms(), None);
    // Pinged at 0 (on the welcome); the server read 5,000 ms when it answered.
    session.on_message(
        &bytes(&ServerMsg::Pong {
            sent_ms: 0,
            server_ms: 5_000,
        }),
        40.0,
    );
    assert_eq!(
        events(&mut session),
        [Event::Pong {
            rtt_ms: 40.0,
            server_ms: 5_000
        }]
    );
    assert_eq!(session.rtt_ms(), Some(40.0));
    // The answer left the server halfway through the round trip, at local time 20.
    assert_eq!(session.clock_offset_ms(), Some(4_980.0));
}

#[test]
fn snapshots_are_rebuilt_acknowledged_and_reported() {
    let mut session = playing(SessionConfig::default());
    session.on_message(&full(10, 0, &[1, 2]), 50.0);
    session.on_message(&delta(11, 1, 0, &[1, 2], &[1, 5, 8]), 100.0);
    assert_eq!(
        sent(&commands(&mut session)),
        [ClientMsg::Ack { tick: 10 }, ClientMsg::Ack { tick: 11 }]
    );
    let states: Vec<(u64, Vec<i64>, f64)> = events(&mut session)
        .into_iter()
        .filter_map(|e| match e {
            Event::Snapshot { state, at } => Some((state.tick, state.state.totals, at)),
            _ => None,
        })
        .collect();
    assert_eq!(states, [(10, vec![1, 2], 50.0), (11, vec![1, 5, 8], 100.0)]);
    assert_eq!(
        session.latest().map(|(t, s)| (t, s.totals.clone())),
        Some((11, vec![1, 5, 8]))
    );
    assert_eq!(
        session.match_phase(),
        Some(MatchPhase::Running { ticks_left: 99 })
    );
    assert!(session.world_moves());
}

#[test]
fn a_client_that_does_not_acknowledge_sends_no_acks() {
    let mut session = playing(SessionConfig {
        ack: false,
        ..SessionConfig::default()
    });
    session.on_message(&full(10, 0, &[1]), 50.0);
    assert!(sent(&commands(&mut session)).is_empty());
    assert!(matches!(events(&mut session)[..], [Event::Snapshot { .. }]));
}

#[test]
fn a_snapshot_that_does_not_apply_is_dropped_and_not_acknowledged() {
    let mut session = playing(SessionConfig::default());
    session.on_message(&delta(11, 1, 0, &[1], &[2]), 50.0);
    assert!(
        sent(&commands(&mut session)).is_empty(),
        "no ack for what was not rebuilt"
    );
    assert!(matches!(events(&mut session)[..], [Event::Dropped(_)]));
    assert_eq!(session.phase(), &Phase::Playing, "a keyframe will heal it");
}

#[test]
fn inputs_are_numbered_and_kept_until_acknowledged() {
    let mut session = playing(SessionConfig::default());
    assert_eq!(session.send_input(10, 1.0), Some(1));
    assert_eq!(session.send_input(20, 2.0), Some(2));
    assert_eq!(session.send_input(30, 3.0), Some(3));
    assert_eq!(
        sent(&commands(&mut session)),
        [
            ClientMsg::Input { seq: 1, input: 10 },
            ClientMsg::Input { seq: 2, input: 20 },
            ClientMsg::Input { seq: 3, input: 30 },
        ]
    );
    session.on_message(&full(10, 2, &[30]), 50.0);
    assert_eq!(session.ack(), 2);
    assert_eq!(session.unacked().collect::<Vec<_>>(), [(3, &30, 3.0)]);
    session.on_message(&full(11, 3, &[60]), 60.0);
    assert_eq!(session.unacked().count(), 0);
}

#[test]
fn the_unacknowledged_inputs_kept_are_bounded() {
    let mut session = playing(SessionConfig {
        max_unacked: 2,
        ..SessionConfig::default()
    });
    for input in 1..=5 {
        session.send_input(input, 0.0);
    }
    let kept: Vec<u32> = session.unacked().map(|(seq, ..)| seq).collect();
    assert_eq!(kept, [4, 5]);
}

#[test]
fn spectators_and_clients_not_in_a_room_send_no_inputs() {
    let mut session = Session::<Adder>::new(SessionConfig::default());
    assert_eq!(session.send_input(1, 0.0), None, "in the lobby");
    session.play("ann", Join::Watch("Q7XK".into()));
    session.on_open(0.0);
    assert_eq!(session.send_input(1, 0.0), None, "not welcomed yet");
    session.on_message(&bytes(&ServerMsg::Welcome(welcome(Role::Spectator))), 0.0);
    assert_eq!(session.phase(), &Phase::Playing);
    assert_eq!(
        session.send_input(1, 0.0),
        None,
        "a spectator's input gets 1008"
    );
    assert!(
        !sent(&commands(&mut session))
            .iter()
            .any(|m| matches!(m, ClientMsg::Input { .. }))
    );
}

#[test]
fn a_dropped_connection_reconnects_with_backoff_and_resumes_the_seat() {
    let mut session = playing(SessionConfig::default());
    session.send_input(5, 1.0);
    commands(&mut session);
    session.on_close(1006, "", 1_000.0);
    assert_eq!(
        events(&mut session),
        [Event::Closed {
            code: 1006,
            reason: String::new()
        }]
    );
    let Phase::Reconnecting { retry_at, attempt } = *session.phase() else {
        panic!("a drop is retried, not {:?}", session.phase());
    };
    assert_eq!(attempt, 1);
    assert!((1_375.0..=1_625.0).contains(&retry_at), "{retry_at}");
    assert_eq!(session.poll_timeout(), Some(retry_at));
    assert_eq!(session.notice(), Some("connection lost (1006)"));
    session.handle_timeout(retry_at - 1.0);
    assert!(commands(&mut session).is_empty(), "waits out the backoff");
    session.handle_timeout(retry_at);
    assert_eq!(commands(&mut session), [Command::Connect]);
    session.on_open(retry_at + 5.0);
    let [ClientMsg::Hello(hello)] = &sent(&commands(&mut session))[..] else {
        panic!("a hello first");
    };
    assert_eq!(hello.resume, Some(TOKEN), "the token reclaims the seat");
    assert_eq!(
        hello.join,
        Join::Room("Q7XK".into()),
        "else the same room by its code"
    );
    let again = Welcome {
        resumed: true,
        ..welcome(Role::Player(PlayerId(9)))
    };
    session.on_message(&bytes(&ServerMsg::Welcome(again)), retry_at + 9.0);
    assert_eq!(session.phase(), &Phase::Playing);
    assert_eq!(
        session.welcomes(),
        2,
        "the application sees a new connection"
    );
    assert_eq!(
        session.unacked().count(),
        0,
        "the old connection's inputs are gone"
    );
    assert_eq!(session.send_input(6, 0.0), Some(1), "numbering starts over");
}

#[test]
fn each_failed_attempt_waits_longer() {
    let mut session = playing(SessionConfig::default());
    let mut now = 0.0;
    let mut delays = Vec::new();
    for _ in 0..6 {
        session.on_close(1006, "", now);
        let Phase::Reconnecting { retry_at, .. } = *session.phase() else {
            panic!("retried");
        };
        delays.push(retry_at - now);
        now = retry_at;
        session.handle_timeout(now);
        assert_eq!(commands(&mut session), [Command::Connect]);
    }
    for pair in delays.windows(2) {
        assert!(pair[1] > pair[0] * 1.1 || pair[1] >= 7_500.0, "{delays:?}");
    }
    assert!(delays.iter().all(|d| *d <= 12_500.0), "{delays:?}");
}

#[test]
fn a_version_mismatch_is_reported_and_stops_with_a_reload_notice() {
    let mut session = Session::<Adder>::new(SessionConfig::default());
    session.play("ann", Join::Quick);
    session.on_open(0.0);
    commands(&mut session);
    let rejection = Rejection::VersionMismatch {
        protocol: PROTOCOL_VERSION + 1,
        game: GameVersion {
            name: "adder".into(),
            version: 4,
        },
    };
    session.on_message(&bytes(&ServerMsg::Reject(rejection.clone())), 1.0);
    session.on_close(4000, "version mismatch: reload the page", 2.0);
    assert_eq!(session.phase(), &Phase::Failed(Failure::Outdated));
    assert!(matches!(
        &events(&mut session)[..],
        [Event::Rejected(r), Event::Closed { code: 4000, .. }] if *r == rejection
    ));
    assert_eq!(session.poll_timeout(), None);
    session.handle_timeout(1e9);
    assert!(
        !commands(&mut session).contains(&Command::Connect),
        "never retried"
    );
}

#[test]
fn an_undecodable_message_closes_with_1002_and_stops() {
    let mut session = playing(SessionConfig::default());
    session.on_message(&[0xff, 0xff, 0xff], 1.0);
    assert_eq!(
        commands(&mut session),
        [Command::Close {
            code: 1002,
            reason: "undecodable message"
        }]
    );
    assert!(matches!(
        session.phase(),
        Phase::Failed(Failure::Undecodable(_))
    ));
    session.on_close(1002, "undecodable message", 2.0);
    assert!(
        events(&mut session).is_empty(),
        "the driver's late close changes nothing"
    );
}

#[test]
fn leaving_says_goodbye_closes_and_forgets_the_room() {
    let mut session = playing(SessionConfig::default());
    session.on_message(&full(10, 0, &[1]), 5.0);
    commands(&mut session);
    session.leave();
    let leaving = commands(&mut session);
    assert_eq!(sent(&leaving), [ClientMsg::Leave]);
    assert_eq!(
        leaving.last(),
        Some(&Command::Close {
            code: 1000,
            reason: "client left"
        })
    );
    assert_eq!(session.phase(), &Phase::Lobby);
    assert_eq!(session.latest(), None);
    assert_eq!(session.welcome(), None);
    session.play("ann", Join::Quick);
    session.on_open(10.0);
    let [ClientMsg::Hello(hello)] = &sent(&commands(&mut session))[..] else {
        panic!("a hello");
    };
    assert_eq!(hello.resume, None, "a leave forgets the seat");
    assert_eq!(hello.join, Join::Quick);
}

#[test]
fn messages_of_a_closed_connection_are_ignored() {
    let mut session = playing(SessionConfig::default());
    session.leave();
    commands(&mut session);
    events(&mut session);
    session.on_message(&full(10, 0, &[1]), 1.0);
    session.on_close(1000, "goodbye", 2.0);
    assert!(events(&mut session).is_empty());
    assert!(commands(&mut session).is_empty());
    assert_eq!(session.phase(), &Phase::Lobby);
}

#[test]
fn without_reconnect_a_drop_ends_the_session() {
    let mut session = playing(SessionConfig {
        reconnect: false,
        ..SessionConfig::default()
    });
    session.on_close(1001, "server shutting down", 1.0);
    assert_eq!(
        session.phase(),
        &Phase::Closed {
            code: 1001,
            reason: "server shutting down".into()
        }
    );
    session.handle_timeout(1e9);
    assert!(commands(&mut session).is_empty());
}

#[test]
fn playing_again_closes_the_current_connection_first() {
    let mut session = playing(SessionConfig::default());
    session.play("bob", Join::NewPrivate);
    assert_eq!(
        commands(&mut session),
        [
            Command::Close {
                code: 1000,
                reason: "client left"
            },
            Command::Connect
        ]
    );
    assert_eq!(session.phase(), &Phase::Connecting);
}

#[test]
fn bytes_are_counted_both_ways() {
    let mut session = Session::<Adder>::new(SessionConfig::default());
    session.play("ann", Join::Quick);
    session.on_open(0.0);
    let welcome = bytes(&ServerMsg::Welcome(welcome(Role::Player(PlayerId(1)))));
    session.on_message(&welcome, 1.0);
    session.send_input(4, 2.0);
    let out: usize = commands(&mut session)
        .iter()
        .map(|c| match c {
            Command::Send(b) => b.len(),
            _ => 0,
        })
        .sum();
    assert_eq!(sent(&commands(&mut session)).len(), 0);
    assert_eq!(session.bytes_sent(), out as u64);
    assert_eq!(session.bytes_received(), welcome.len() as u64);
}

#[test]
fn a_session_that_never_pings_never_asks_to_be_woken_while_playing() {
    let mut session = playing(SessionConfig {
        ping_every_ms: 0.0,
        ..SessionConfig::default()
    });
    assert_eq!(session.poll_timeout(), None);
    session.handle_timeout(1e9);
    assert!(commands(&mut session).is_empty(), "no ping");
    session.ping(5.0);
    assert_eq!(
        sent(&commands(&mut session)),
        [ClientMsg::Ping { sent_ms: 5 }]
    );
}

#[test]
fn while_a_reconnect_attempt_is_under_way_no_timer_is_due() {
    let mut session = playing(SessionConfig::default());
    session.on_close(1006, "", 0.0);
    let retry_at = session.poll_timeout().unwrap();
    session.handle_timeout(retry_at);
    assert_eq!(commands(&mut session), [Command::Connect]);
    // Opening: the driver waits for the transport, not for a timer already past.
    assert_eq!(session.poll_timeout(), None);
    session.on_close(1006, "", retry_at + 1.0);
    assert!(session.poll_timeout().is_some_and(|at| at > retry_at + 1.0));
}

#[test]
fn no_ping_leaves_before_the_welcome() {
    let mut session = Session::<Adder>::new(SessionConfig::default());
    session.play("ann", Join::Quick);
    session.on_open(0.0);
    commands(&mut session);
    session.ping(1.0);
    session.handle_timeout(10_000.0);
    assert!(commands(&mut session).is_empty());
}

#[test]
fn rejoining_presents_the_token_and_says_where_to_go_otherwise() {
    let mut session = Session::<Adder>::new(SessionConfig::default());
    session.rejoin("ann", Join::Room("Q7XK".into()), TOKEN);
    assert_eq!(commands(&mut session), [Command::Connect]);
    session.on_open(0.0);
    let [ClientMsg::Hello(hello)] = &sent(&commands(&mut session))[..] else {
        panic!("a hello");
    };
    assert_eq!(
        (hello.resume, &hello.join, hello.name.as_str()),
        (Some(TOKEN), &Join::Room("Q7XK".into()), "ann")
    );
}

#[test]
fn every_phase_has_its_own_short_name() {
    let phases = [
        Phase::Lobby,
        Phase::Connecting,
        Phase::Playing,
        Phase::Reconnecting {
            retry_at: 0.0,
            attempt: 1,
        },
        Phase::Closed {
            code: 1001,
            reason: String::new(),
        },
        Phase::Failed(Failure::Outdated),
    ];
    let names: Vec<&str> = phases.iter().map(Phase::name).collect();
    assert_eq!(
        names,
        [
            "lobby",
            "connecting",
            "playing",
            "reconnecting",
            "closed",
            "failed"
        ]
    );
}

#[test]
fn a_spectator_that_drops_comes_back_to_watch_the_same_room() {
    let mut session = Session::<Adder>::new(SessionConfig::default());
    session.play("eye", Join::Quick);
    session.on_open(0.0);
    session.on_message(&bytes(&ServerMsg::Welcome(welcome(Role::Spectator))), 0.0);
    commands(&mut session);
    session.on_close(1006, "", 1.0);
    session.handle_timeout(1e6);
    session.on_open(1e6);
    let [ClientMsg::Hello(hello)] = &sent(&commands(&mut session))[..] else {
        panic!("a hello");
    };
    assert_eq!(hello.join, Join::Watch("Q7XK".into()));
}

#[test]
fn clients_dropped_together_spread_their_first_retry_over_the_jitter_window() {
    let delays: Vec<f64> = (1..=200)
        .map(|seed| {
            let mut session = playing(SessionConfig {
                seed,
                ..SessionConfig::default()
            });
            session.on_close(1006, "", 0.0);
            session.poll_timeout().unwrap()
        })
        .collect();
    assert!(
        delays.iter().all(|d| (375.0..=625.0).contains(d)),
        "{delays:?}"
    );
    let low = delays.iter().filter(|d| **d < 425.0).count();
    let high = delays.iter().filter(|d| **d > 575.0).count();
    // Uniform over 375..625: a fifth in each end band, give or take.
    assert!(
        (20..=60).contains(&low) && (20..=60).contains(&high),
        "{low} low, {high} high"
    );
    let mean = delays.iter().sum::<f64>() / delays.len() as f64;
    assert!((480.0..=520.0).contains(&mean), "mean {mean}");
}
