//! Fuzz harnesses for any game: the bodies of the cargo-fuzz targets in `fuzz/`, kept in a
//! library so a game's normal test suite runs exactly the same checks (on random and
//! mutated bytes through proptest, and on every input a fuzzer ever crashed, kept as a
//! regression test). A game supplies only what is its own: which snapshots are well formed,
//! and a played room for [`seeds`].
//!
//! Each harness takes raw bytes from an untrusted peer. It must not panic on any input; it
//! panics only when a property that must hold for every input fails.

use serde::Serialize;

use crate::{
    Body, ClientMsg, DeltaOf, Diff, GameVersion, Hello, Join, MatchPhase, PROTOCOL_VERSION,
    PlayerId, Reconstructor, Rejection, ResumeToken, Role, RoomId, ServerMsg, Snapshot, Welcome,
    Wire, codec,
};

/// Every harness by name, as a game's fuzz targets and [`seeds`] name them.
pub const TARGETS: [&str; 4] = [
    "decode_client",
    "decode_server",
    "apply_delta",
    "reconstructor",
];

/// Runs the harness named `target` (one of [`TARGETS`]) for game `G` on `bytes`;
/// `well_formed` is what [`apply_delta`] needs to know of `G`'s snapshots.
///
/// # Panics
///
/// On an unknown target, and wherever the harness itself panics.
pub fn run<G: Wire>(target: &str, bytes: &[u8], well_formed: fn(&G::Snapshot) -> bool)
where
    G::Input: PartialEq,
    DeltaOf<G>: PartialEq,
{
    match target {
        "decode_client" => decode_client::<G>(bytes),
        "decode_server" => decode_server::<G>(bytes),
        "apply_delta" => apply_delta::<G>(bytes, well_formed),
        "reconstructor" => reconstructor::<G>(bytes),
        _ => panic!("no fuzz harness {target:?}"),
    }
}

/// A client message, decoded as the server decodes it. Whatever decodes re-encodes to a
/// message that decodes equal, and `peek_hello_protocol` copes with anything.
pub fn decode_client<G: Wire>(bytes: &[u8])
where
    G::Input: PartialEq,
{
    let _ = codec::peek_hello_protocol(bytes);
    if let Ok(msg) = codec::decode_client::<G::Input>(bytes) {
        let again = codec::encode(&msg).unwrap_or_else(|e| panic!("{msg:?} re-encodes: {e}"));
        assert_eq!(codec::decode_client::<G::Input>(&again), Ok(msg));
    }
}

/// A server message, decoded as a client decodes it. Whatever decodes re-encodes to a
/// message that decodes equal.
pub fn decode_server<G: Wire>(bytes: &[u8])
where
    DeltaOf<G>: PartialEq,
{
    if let Ok(msg) = codec::decode_server::<G::Snapshot, DeltaOf<G>>(bytes) {
        let again = codec::encode(&msg).unwrap_or_else(|e| panic!("{msg:?} re-encodes: {e}"));
        assert_eq!(
            codec::decode_server::<G::Snapshot, DeltaOf<G>>(&again),
            Ok(msg)
        );
    }
}

/// A baseline snapshot of `G` and then either a delta or a second snapshot.
///
/// Bytes: a little-endian `u16` length, that many bytes of encoded baseline, and the rest.
/// If the rest is a delta, applying it never panics (it may fail). If the rest is a state,
/// or applying the delta gave one, and both states are `well_formed` (the invariants every
/// server snapshot keeps and `Diff::diff` may rely on, such as players sorted by id),
/// the delta `diff` makes from them applies back to exactly that state, through the codec.
pub fn apply_delta<G: Wire>(bytes: &[u8], well_formed: fn(&G::Snapshot) -> bool) {
    let Some((prefix, rest)) = bytes.split_first_chunk::<2>() else {
        return;
    };
    let (base, rest) = rest.split_at(usize::from(u16::from_le_bytes(*prefix)).min(rest.len()));
    let Ok(base) = codec::decode::<G::Snapshot>(base) else {
        return;
    };
    if let Ok(delta) = codec::decode::<DeltaOf<G>>(rest)
        && let Ok(next) = base.apply(&delta)
    {
        diff_applies_exactly::<G>(&base, &next, well_formed);
    }
    if let Ok(next) = codec::decode::<G::Snapshot>(rest) {
        diff_applies_exactly::<G>(&base, &next, well_formed);
    }
}

/// `diff(base, next)`, through the codec, applied to `base`, gives exactly `next`, whenever
/// both are `well_formed`.
pub fn diff_applies_exactly<G: Wire>(
    base: &G::Snapshot,
    next: &G::Snapshot,
    well_formed: fn(&G::Snapshot) -> bool,
) {
    if !well_formed(base) || !well_formed(next) {
        return;
    }
    let delta = base.diff(next);
    let wire = codec::encode(&delta).unwrap_or_else(|e| panic!("{delta:?} encodes: {e}"));
    let delta = codec::decode::<DeltaOf<G>>(&wire).unwrap_or_else(|e| panic!("decodes: {e}"));
    assert_eq!(
        base.apply(&delta).as_ref(),
        Ok(next),
        "diff of {base:?} -> {next:?} is {delta:?}"
    );
}

/// A stream of server messages fed to a client's [`Reconstructor`], as a hostile or broken
/// server might send them: never a panic, and every state it accepts is newer than the last.
///
/// Bytes: messages, each a little-endian `u16` length and that many bytes (fewer at the end).
/// A welcome starts over, as a reconnecting client does.
pub fn reconstructor<G: Wire>(bytes: &[u8]) {
    let mut client = Reconstructor::<G>::default();
    let mut newest = None;
    let mut rest = bytes;
    while let Some((prefix, tail)) = rest.split_first_chunk::<2>() {
        let (msg, tail) = tail.split_at(usize::from(u16::from_le_bytes(*prefix)).min(tail.len()));
        rest = tail;
        match codec::decode_server::<G::Snapshot, DeltaOf<G>>(msg) {
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

/// Valid inputs for every harness, each target's seed corpus, so a fuzzer starts from
/// messages that decode and deltas that apply rather than finding them: every kind of
/// client message (with `input` as the input), and a server's stream for `states`, the
/// snapshots of a real room tick by tick (a welcome, a keyframe, deltas against baselines
/// one to three ticks old as a server picks them, rejections and a pong). Named by target
/// (see [`TARGETS`]).
pub fn seeds<G: Wire>(
    input: G::Input,
    states: &[(u64, G::Snapshot)],
) -> Vec<(&'static str, Vec<u8>)> {
    let mut seeds = Vec::new();
    let hello = |join| Hello::new::<G>("ann", join, Some(ResumeToken([7; 16])));
    for msg in [
        ClientMsg::Hello(hello(Join::Quick)),
        ClientMsg::Hello(hello(Join::Room("ABCD".into()))),
        ClientMsg::Hello(hello(Join::NewPrivate)),
        ClientMsg::Hello(hello(Join::Watch("Q7XK".into()))),
        ClientMsg::Input { seq: 300, input },
        ClientMsg::Ack { tick: 1_000 },
        ClientMsg::Ping { sent_ms: 123_456 },
        ClientMsg::Leave,
    ] {
        seeds.push(("decode_client", encoded(&msg)));
    }

    let snapshot = |tick: u64, body| {
        ServerMsg::<G::Snapshot, DeltaOf<G>>::Snapshot(Snapshot {
            tick,
            ack: 3,
            phase: MatchPhase::Running { ticks_left: 900 },
            body,
        })
    };
    let mut stream = vec![encoded(&ServerMsg::<G::Snapshot, DeltaOf<G>>::Welcome(
        Welcome {
            role: Role::Player(PlayerId(1)),
            room: RoomId(1),
            code: "Q7XK".into(),
            private: false,
            tick_rate: 15,
            resume: Some(ResumeToken([7; 16])),
            resumed: false,
        },
    ))];
    if let Some((first_tick, first)) = states.first() {
        stream.push(encoded(&snapshot(*first_tick, Body::Full(first.clone()))));
    }
    for (i, (tick, next)) in states.iter().enumerate().skip(1) {
        let (base_tick, base) = &states[(i - 1).saturating_sub(i % 3)];
        let delta = base.diff(next);
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
        ServerMsg::<G::Snapshot, DeltaOf<G>>::Reject(Rejection::VersionMismatch {
            protocol: PROTOCOL_VERSION,
            game: GameVersion {
                name: G::NAME.into(),
                version: G::VERSION,
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
fn encoded<T: Serialize + std::fmt::Debug>(value: &T) -> Vec<u8> {
    codec::encode(value).unwrap_or_else(|e| panic!("{value:?} encodes: {e}"))
}

/// `bytes` behind the little-endian `u16` length the harnesses read (at most `u16::MAX`).
pub fn framed(bytes: &[u8]) -> Vec<u8> {
    let len = u16::try_from(bytes.len()).unwrap_or(u16::MAX);
    let mut out = len.to_le_bytes().to_vec();
    out.extend_from_slice(&bytes[..usize::from(len)]);
    out
}
