//! Bytes and values from an untrusted peer: pong's wire types round-trip through the codec,
//! the fuzz harnesses (`pong::fuzz`) never fail on random or mutated input, and applying any
//! delta to any state fails cleanly or gives a state the next diff reproduces.

use pong::{
    BallChange, BallView, Court, Motion, PaddleChange, PaddleView, PongDelta, PongInput, PongRules,
    PongState, Side, fuzz,
};
use proptest::prelude::*;
use tickwire::{Body, ClientMsg, MatchPhase, PlayerId, ServerMsg, Snapshot, codec};

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

/// A state as a server sends it: paddles sorted by player, one each.
fn well_formed_state() -> impl Strategy<Value = PongState> {
    any_state().prop_map(|mut state| {
        state.paddles.sort_by_key(|paddle| paddle.player);
        state.paddles.dedup_by_key(|paddle| paddle.player);
        state
    })
}

fn dy() -> impl Strategy<Value = i32> {
    prop_oneof![
        4 => -100i32..100,
        1 => any::<i32>(),
        1 => prop::sample::select(vec![i32::MIN, i32::MAX]),
    ]
}

fn paddle_change() -> impl Strategy<Value = PaddleChange> {
    prop_oneof![
        2 => Just(PaddleChange::Same),
        1 => Just(PaddleChange::Gone),
        3 => dy().prop_map(|dy| PaddleChange::Moved { dy }),
        2 => (dy(), motion()).prop_map(|(dy, motion)| PaddleChange::Steered { dy, motion }),
        1 => (side(), coordinate(), motion(), small_u32())
            .prop_map(|(side, y, motion, score)| PaddleChange::Set { side, y, motion, score }),
    ]
}

fn ball_change() -> impl Strategy<Value = BallChange> {
    prop_oneof![
        1 => Just(BallChange::Same),
        3 => prop_oneof![4 => 0u16..40, 1 => any::<u16>()]
            .prop_map(|steps| BallChange::Coasted { steps }),
        1 => ball().prop_map(BallChange::Set),
    ]
}

/// A delta with `paddles` changes (the count a baseline needs), or occasionally any count.
fn delta_for(paddles: usize) -> impl Strategy<Value = PongDelta> {
    (
        prop_oneof![9 => Just(paddles), 1 => 0usize..4],
        prop::collection::vec(paddle(), 0..3),
        ball_change(),
        prop::option::weighted(0.3, any::<u16>()),
        prop::option::weighted(0.1, court()),
    )
        .prop_flat_map(|(count, joined, ball, serve_in, court)| {
            prop::collection::vec(paddle_change(), count).prop_map(move |paddles| PongDelta {
                paddles,
                joined: joined.clone(),
                ball: ball.clone(),
                serve_in,
                court,
            })
        })
}

/// A baseline and a delta that mostly fits it.
fn state_and_delta() -> impl Strategy<Value = (PongState, PongDelta)> {
    any_state().prop_flat_map(|state| {
        let n = state.paddles.len();
        (Just(state), delta_for(n))
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
        (state, delta) in state_and_delta(),
        tick in any::<u64>(),
        ack in any::<u32>(),
        age in any::<u8>(),
        phase in phase(),
    ) {
        prop_assert_eq!(codec::decode::<PongState>(&codec::encode(&state).unwrap()), Ok(state.clone()));
        prop_assert_eq!(codec::decode::<PongDelta>(&codec::encode(&delta).unwrap()), Ok(delta.clone()));
        for body in [Body::Full(state), Body::Delta { age, delta }] {
            let msg = ServerMsg::<PongState, PongDelta>::Snapshot(Snapshot { tick, ack, phase, body });
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

    #[test]
    fn applying_any_delta_to_any_state_never_panics((base, delta) in state_and_delta()) {
        if let Ok(next) = pong::delta::apply(&base, &delta) {
            fuzz::diff_applies_exactly(&base, &next);
        }
    }

    #[test]
    fn a_diff_between_any_well_formed_states_applies_exactly(
        base in well_formed_state(),
        next in well_formed_state(),
    ) {
        fuzz::diff_applies_exactly(&base, &next);
    }

    /// Two states that differ only in the ball, the ball moving at any velocity: the
    /// coasting check in `diff` is exact at the edges of `u16` and `i16` too.
    #[test]
    fn a_diff_between_any_two_balls_applies_exactly(base in well_formed_state(), a in ball(), b in ball()) {
        let first = PongState { ball: a, ..base.clone() };
        let second = PongState { ball: b, ..base };
        fuzz::diff_applies_exactly(&first, &second);
        if let Some(coasted) = a.coasted(3) {
            let later = PongState { ball: coasted, ..first.clone() };
            fuzz::diff_applies_exactly(&first, &later);
        }
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
    let deltas: Vec<PongDelta> = seeds
        .iter()
        .filter(|(target, _)| *target == "apply_delta")
        .filter_map(|(_, bytes)| {
            let len = usize::from(u16::from_le_bytes([bytes[0], bytes[1]]));
            codec::decode::<PongDelta>(&bytes[2 + len..]).ok()
        })
        .collect();
    assert!(
        deltas
            .iter()
            .any(|d| matches!(d.ball, BallChange::Coasted { .. }))
    );
    assert!(deltas.iter().any(|d| matches!(d.ball, BallChange::Set(_))));
    assert!(deltas.iter().any(|d| !d.joined.is_empty()));
    assert!(
        deltas
            .iter()
            .any(|d| d.paddles.contains(&PaddleChange::Gone))
    );
}
