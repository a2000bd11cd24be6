//! Bytes and values from an untrusted peer: pong's wire types round-trip through the codec,
//! the fuzz harnesses (`pong::fuzz`) never fail on random or mutated input, and applying any
//! delta to any state fails cleanly or gives a state the next diff reproduces.

use pong::{
    BallView, Court, Motion, PaddleView, PongInput, PongRules, PongState, PongStateDelta, Side,
    fuzz,
};
use proptest::prelude::*;
use tickwire::{Body, ClientMsg, Diff, MatchPhase, PlayerId, ServerMsg, Snapshot, codec};

fn motion() -> impl Strategy<Value = Motion> {
    prop::sample::select(Motion::ALL.to_vec())
}

fn side() -> impl Strategy<Value = Side> {
    prop::sample::select(Side::ALL.to_vec())
}

/// Mostly court-sized coordinates, sometimes anything, often the edges of `u16`.
fn coordinate() -> impl Strategy<Value = u16> {
    prop_oneof![
        6 => 0u16..1600,
        1 => any::<u16>(),
        1 => prop::sample::select(vec![0, 1, u16::MAX - 1, u16::MAX]),
    ]
}

fn velocity() -> impl Strategy<Value = i16> {
    prop_oneof![
        6 => -40i16..=40,
        1 => any::<i16>(),
        1 => prop::sample::select(vec![i16::MIN, i16::MAX, 0]),
    ]
}

fn ball() -> impl Strategy<Value = BallView> {
    (coordinate(), coordinate(), velocity(), velocity()).prop_map(|(x, y, vx, vy)| BallView {
        x,
        y,
        vx,
        vy,
    })
}

fn small_u32() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 0u32..12, 1 => any::<u32>()]
}

fn paddle() -> impl Strategy<Value = PaddleView> {
    (
        0u32..5,
        prop::sample::select(vec!["p1", "p2", "", "ünï"]),
        side(),
        coordinate(),
        motion(),
        small_u32(),
    )
        .prop_map(|(player, name, side, y, motion, score)| PaddleView {
            player: PlayerId(player),
            name: name.into(),
            side,
            y,
            motion,
            score,
        })
}

fn court() -> impl Strategy<Value = Court> {
    prop_oneof![
        4 => Just(PongRules::default().court()),
        1 => any::<[u16; 11]>().prop_map(|v| Court {
            width: v[0],
            height: v[1],
            paddle_width: v[2],
            paddle_height: v[3],
            paddle_inset: v[4],
            paddle_speed: v[5],
            ball_radius: v[6],
            speedup: v[7],
            max_speed: v[8],
            max_slope_pct: v[9],
            points_to_win: v[10],
        }),
    ]
}

/// Any state the codec can carry, including ones no server would send (unsorted paddles,
/// one player twice, both on one side, a ball off the court).
fn any_state() -> impl Strategy<Value = PongState> {
    (
        court(),
        prop::collection::vec(paddle(), 0..4),
        ball(),
        prop_oneof![3 => 0u16..50, 1 => any::<u16>()],
    )
        .prop_map(|(court, paddles, ball, serve_in)| PongState {
            court,
            paddles,
            ball,
            serve_in,
        })
}

fn phase() -> impl Strategy<Value = MatchPhase> {
    prop_oneof![
        any::<u8>().prop_map(|needed| MatchPhase::Waiting { needed }),
        any::<u32>().prop_map(|ticks_left| MatchPhase::Running { ticks_left }),
        (any::<u32>(), prop::option::of(any::<u32>())).prop_map(|(ticks_left, winner)| {
            MatchPhase::Ended {
                ticks_left,
                winner: winner.map(PlayerId),
            }
        }),
    ]
}

proptest! {
    #[test]
    fn pong_states_and_deltas_round_trip_inside_snapshots(
        state in any_state(),
        base in any_state(),
        tick in any::<u64>(),
        ack in any::<u32>(),
        age in any::<u8>(),
        phase in phase(),
    ) {
        let delta = Diff::diff(&base, &state);
        prop_assert_eq!(codec::decode::<PongState>(&codec::encode(&state).unwrap()), Ok(state.clone()));
        prop_assert_eq!(codec::decode::<PongStateDelta>(&codec::encode(&delta).unwrap()), Ok(delta.clone()));
        for body in [Body::Full(state), Body::Delta { age, delta }] {
            let msg = ServerMsg::<PongState, PongStateDelta>::Snapshot(Snapshot { tick, ack, phase, body });
            let bytes = codec::encode(&msg).unwrap();
            prop_assert_eq!(codec::decode_server(&bytes), Ok(msg));
        }
    }

    #[test]
    fn pong_inputs_round_trip_inside_client_messages(seq in any::<u32>(), motion in motion()) {
        let msg = ClientMsg::Input { seq, input: PongInput { motion } };
        let bytes = codec::encode(&msg).unwrap();
        prop_assert!(bytes.len() <= 7, "{} bytes", bytes.len());
        prop_assert_eq!(codec::decode_client(&bytes), Ok(msg));
    }

    #[test]
    fn no_harness_fails_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        for target in fuzz::TARGETS {
            fuzz::run(target, &bytes);
        }
    }

    /// Random bytes rarely decode; a valid message with a few bytes changed reaches much
    /// deeper into the decoders and the delta code.
    #[test]
    fn no_harness_fails_on_mutated_seeds(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let seeds = fuzz::seeds();
        let (target, mut bytes) = seeds[pick.index(seeds.len())].clone();
        for (at, byte) in edits {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        fuzz::run(target, &bytes);
    }

    /// A delta made for one baseline, applied to another: it fails cleanly or gives a state
    /// the next diff rebuilds exactly. (Arbitrary delta bytes are the harnesses' job, above.)
    #[test]
    fn applying_a_delta_to_another_state_never_panics(
        base in any_state(),
        next in any_state(),
        other in any_state(),
    ) {
        let delta = Diff::diff(&base, &next);
        if let Ok(rebuilt) = Diff::apply(&other, &delta) {
            fuzz::diff_applies_exactly(&other, &rebuilt);
        }
    }

    /// Any two states, even ones no server sends (unsorted paddles, a player twice).
    #[test]
    fn a_diff_between_any_states_applies_exactly(base in any_state(), next in any_state()) {
        fuzz::diff_applies_exactly(&base, &next);
    }

    /// Two states that differ only in the ball, at the edges of `u16` and `i16` too.
    #[test]
    fn a_diff_between_any_two_balls_applies_exactly(base in any_state(), a in ball(), b in ball()) {
        let first = PongState { ball: a, ..base.clone() };
        let second = PongState { ball: b, ..base };
        fuzz::diff_applies_exactly(&first, &second);
    }
}

#[test]
fn every_seed_passes_its_harness() {
    let seeds = fuzz::seeds();
    for target in fuzz::TARGETS {
        assert!(
            seeds.iter().any(|(t, _)| *t == target),
            "no seed for {target}"
        );
    }
    for (target, bytes) in seeds {
        fuzz::run(target, &bytes);
    }
}

#[test]
fn the_seeds_cover_hits_points_and_seat_changes() {
    let seeds = fuzz::seeds();
    let steps: Vec<(PongState, PongState)> = seeds
        .iter()
        .filter(|(target, _)| *target == "apply_delta")
        .filter_map(|(_, bytes)| {
            let len = usize::from(u16::from_le_bytes([bytes[0], bytes[1]]));
            let base = codec::decode::<PongState>(&bytes[2..2 + len]).ok()?;
            let delta = codec::decode::<PongStateDelta>(&bytes[2 + len..]).ok()?;
            let next = Diff::apply(&base, &delta).ok()?;
            Some((base, next))
        })
        .collect();
    let any = |seen: &dyn Fn(&PongState, &PongState) -> bool| steps.iter().any(|(a, b)| seen(a, b));
    let flying = |a: &PongState, b: &PongState| a.ball.vx == b.ball.vx && a.ball.x != b.ball.x;
    let deflected = |a: &PongState, b: &PongState| a.ball.vx != b.ball.vx;
    let left =
        |a: &PongState, b: &PongState| a.paddles.iter().any(|p| b.paddle(p.player).is_none());
    assert!(any(&flying), "a ball in flight");
    assert!(any(&deflected), "a hit, serve or point");
    assert!(any(&|a, b| left(b, a)), "a join");
    assert!(any(&left), "a leave");
}
