//! The bodies of pong's fuzz targets, here rather than in a fuzz crate so that the normal
//! test suite runs exactly the same checks: on random bytes (proptest) and on every input a
//! fuzzer ever crashed, kept as a regression test.
//!
//! Each harness takes raw bytes from an untrusted peer. It must not panic on any input; it
//! panics only when a property that must hold for every input fails.

use netcode::{Game, Reconstructor, ServerMsg, codec};

use crate::{Pong, PongDelta, PongInput, PongState};

/// Every harness by name, as fuzz targets name them and [`seeds`] its corpora.
pub const TARGETS: [&str; 4] = [
    "decode_client",
    "decode_server",
    "apply_delta",
    "reconstructor",
];

/// Runs the harness named `target` (one of [`TARGETS`]) on `bytes`.
///
/// # Panics
///
/// On an unknown target, and wherever the harness itself panics.
pub fn run(target: &str, bytes: &[u8]) {
    match target {
        "decode_client" => decode_client(bytes),
        "decode_server" => decode_server(bytes),
        "apply_delta" => apply_delta(bytes),
        "reconstructor" => reconstructor(bytes),
        _ => panic!("no fuzz harness {target:?}"),
    }
}

/// A client message, decoded as the server decodes it. Whatever decodes re-encodes to a
/// message that decodes equal, and `peek_hello_protocol` copes with anything.
pub fn decode_client(bytes: &[u8]) {
    let _ = codec::peek_hello_protocol(bytes);
    if let Ok(msg) = codec::decode_client::<PongInput>(bytes) {
        let again = codec::encode(&msg).unwrap_or_else(|e| panic!("{msg:?} re-encodes: {e}"));
        assert_eq!(codec::decode_client::<PongInput>(&again), Ok(msg));
    }
}

/// A server message, decoded as a client decodes it. Whatever decodes re-encodes to a
/// message that decodes equal.
pub fn decode_server(bytes: &[u8]) {
    if let Ok(msg) = codec::decode_server::<PongState, PongDelta>(bytes) {
        let again = codec::encode(&msg).unwrap_or_else(|e| panic!("{msg:?} re-encodes: {e}"));
        assert_eq!(
            codec::decode_server::<PongState, PongDelta>(&again),
            Ok(msg)
        );
    }
}

/// A baseline [`PongState`] and then either a [`PongDelta`] or a second state.
///
/// Bytes: a little-endian `u16` length, that many bytes of encoded baseline, and the rest.
/// If the rest is a delta, applying it never panics (it may fail). If the rest is a state,
/// or applying the delta gave one, and both states are well formed (see [`well_formed`]),
/// the delta `diff` makes from them applies back to exactly that state, through the codec.
pub fn apply_delta(bytes: &[u8]) {
    let Some((prefix, rest)) = bytes.split_first_chunk::<2>() else {
        return;
    };
    let (base, rest) = rest.split_at(usize::from(u16::from_le_bytes(*prefix)).min(rest.len()));
    let Ok(base) = codec::decode::<PongState>(base) else {
        return;
    };
    if let Ok(delta) = codec::decode::<PongDelta>(rest)
        && let Ok(next) = Pong::apply(&base, &delta)
    {
        diff_applies_exactly(&base, &next);
    }
    if let Ok(next) = codec::decode::<PongState>(rest) {
        diff_applies_exactly(&base, &next);
    }
}

/// Whether `state` keeps the promise every server snapshot keeps and [`crate::delta::diff`]
/// relies on: paddles sorted by player id, one per player.
pub fn well_formed(state: &PongState) -> bool {
    state.paddles.windows(2).all(|w| w[0].player < w[1].player)
}

/// `diff(base, next)`, through the codec, applied to `base`, gives exactly `next`, whenever
/// both are [`well_formed`].
pub fn diff_applies_exactly(base: &PongState, next: &PongState) {
    if !well_formed(base) || !well_formed(next) {
        return;
    }
    let delta = Pong::diff(base, next);
    let wire = codec::encode(&delta).unwrap_or_else(|e| panic!("{delta:?} encodes: {e}"));
    let delta = codec::decode::<PongDelta>(&wire).unwrap_or_else(|e| panic!("decodes: {e}"));
    assert_eq!(
        Pong::apply(base, &delta).as_ref(),
        Ok(next),
        "diff of {base:?} -> {next:?} is {delta:?}"
    );
}

/// A stream of server messages fed to a client's [`Reconstructor`], as a hostile or broken
/// server might send them: never a panic, and every state it accepts is newer than the last.
///
/// Bytes: messages, each a little-endian `u16` length and that many bytes (fewer at the end).
/// A welcome starts over, as a reconnecting client does.
pub fn reconstructor(bytes: &[u8]) {
    let mut client = Reconstructor::<Pong>::default();
    let mut newest = None;
    let mut rest = bytes;
    while let Some((prefix, tail)) = rest.split_first_chunk::<2>() {
        let (msg, tail) = tail.split_at(usize::from(u16::from_le_bytes(*prefix)).min(tail.len()));
        rest = tail;
        match codec::decode_server::<PongState, PongDelta>(msg) {
            Ok(ServerMsg::Snapshot(snapshot)) => {
                let tick = snapshot.tick;
                if let Ok(state) = client.receive(snapshot) {
                    assert_eq!(state.tick, tick);
                    assert!(newest < Some(tick), "tick {tick} after {newest:?}");
                    newest = Some(tick);
                }
            }
            Ok(ServerMsg::Welcome(_)) => {
                client.clear();
                newest = None;
            }
            Ok(ServerMsg::Reject(_) | ServerMsg::Pong { .. }) | Err(_) => {}
        }
    }
}

/// Valid inputs for every harness, from a real room: each target's seed corpus, so a fuzzer
/// starts from messages that decode and deltas that apply rather than finding them.
/// Named by target: `decode_client`, `decode_server`, `apply_delta`, `reconstructor`.
pub fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    use netcode::{
        Body, ClientMsg, GameVersion, Hello, Join, MatchPhase, PROTOCOL_VERSION, PlayerId,
        Rejection, ResumeToken, Role, RoomId, Snapshot, Welcome,
    };

    use crate::{Motion, PongRules, bot, testing::Stepper};

    let mut seeds = Vec::new();
    let hello = |join| Hello::new::<Pong>("ann", join, Some(ResumeToken([7; 16])));
    for msg in [
        ClientMsg::Hello(hello(Join::Quick)),
        ClientMsg::Hello(hello(Join::Room("ABCD".into()))),
        ClientMsg::Hello(hello(Join::NewPrivate)),
        ClientMsg::Hello(hello(Join::Watch("Q7XK".into()))),
        ClientMsg::Input {
            seq: 300,
            input: PongInput {
                motion: Motion::Down,
            },
        },
        ClientMsg::Ack { tick: 1_000 },
        ClientMsg::Ping { sent_ms: 123_456 },
        ClientMsg::Leave,
    ] {
        seeds.push(("decode_client", encoded(&msg)));
    }

    // A short-serve room played by bots: paddles move and steer, the ball coasts, bounces,
    // is hit and missed, points are scored, and a player leaves and another joins.
    let rules = PongRules {
        serve_ticks: 3,
        ..PongRules::default()
    };
    let mut room = Stepper::new(rules, 3);
    room.join(PlayerId(1));
    room.join(PlayerId(2));
    let mut states = vec![(room.tick(), room.state())];
    for step in 0..60 {
        let state = room.state();
        for paddle in &state.paddles {
            let input = bot::choose(&state, paddle.player);
            room.hold(paddle.player, input.motion);
        }
        if step == 30 {
            room.leave(PlayerId(2));
            room.join(PlayerId(3));
        }
        let state = room.step();
        states.push((room.tick(), state));
    }

    let snapshot = |tick: u64, body| {
        ServerMsg::<PongState, PongDelta>::Snapshot(Snapshot {
            tick,
            ack: 3,
            phase: MatchPhase::Running { ticks_left: 900 },
            body,
        })
    };
    let mut stream = vec![encoded(&ServerMsg::<PongState, PongDelta>::Welcome(
        Welcome {
            role: Role::Player(PlayerId(1)),
            room: RoomId(1),
            code: "Q7XK".into(),
            private: false,
            tick_rate: 30,
            resume: Some(ResumeToken([7; 16])),
            resumed: false,
        },
    ))];
    let (first_tick, first) = &states[0];
    stream.push(encoded(&snapshot(*first_tick, Body::Full(first.clone()))));
    for (i, (tick, next)) in states.iter().enumerate().skip(1) {
        // Baselines one to three ticks old, only ever moving forward, as a server picks them.
        let (base_tick, base) = &states[(i - 1).saturating_sub(i % 3)];
        let delta = Pong::diff(base, next);
        let age = u8::try_from(tick - base_tick).unwrap_or(u8::MAX);
        stream.push(encoded(&snapshot(
            *tick,
            Body::Delta {
                age,
                delta: delta.clone(),
            },
        )));
        let base = encoded(base);
        for rest in [encoded(&delta), encoded(next)] {
            let mut bytes = framed(&base);
            bytes.extend_from_slice(&rest);
            seeds.push(("apply_delta", bytes));
        }
    }
    for msg in [
        ServerMsg::<PongState, PongDelta>::Reject(Rejection::VersionMismatch {
            protocol: PROTOCOL_VERSION,
            game: GameVersion {
                name: Pong::NAME.into(),
                version: Pong::VERSION,
            },
        }),
        ServerMsg::Reject(Rejection::RoomFull),
        ServerMsg::Pong {
            sent_ms: 123_456,
            server_ms: 9_000,
        },
    ] {
        stream.push(encoded(&msg));
    }
    seeds.extend(stream.iter().map(|msg| ("decode_server", msg.clone())));
    seeds.push((
        "reconstructor",
        stream.iter().flat_map(|m| framed(m)).collect(),
    ));
    seeds
}

/// `value` encoded; every wire type encodes.
fn encoded<T: serde::Serialize + std::fmt::Debug>(value: &T) -> Vec<u8> {
    codec::encode(value).unwrap_or_else(|e| panic!("{value:?} encodes: {e}"))
}

/// `bytes` behind the little-endian `u16` length the harnesses read (at most `u16::MAX`).
pub fn framed(bytes: &[u8]) -> Vec<u8> {
    let len = u16::try_from(bytes.len()).unwrap_or(u16::MAX);
    let mut out = len.to_le_bytes().to_vec();
    out.extend_from_slice(&bytes[..usize::from(len)]);
    out
}
