//! Delta snapshots: whatever the game does and whichever ticks the client acknowledges,
//! applying deltas on the client gives back exactly the server's state.

use tickwire::{
    Body, Reconstructor, Snapshot, codec,
    delta::{History, MAX_BASELINE_AGE},
};

use proptest::prelude::*;
use snake::testing::Stepper;
use snake::{Dir, Snake, SnakeRules, SnakeState, delta::Change};
use tickwire::Diff;

use crate::{bare_rules, c, p};

#[derive(Debug, Clone)]
enum Op {
    Join(u32),
    Leave(u32),
    Turn(u32, Dir),
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    let dir = prop_oneof![
        Just(Dir::Up),
        Just(Dir::Down),
        Just(Dir::Left),
        Just(Dir::Right)
    ];
    let op = prop_oneof![
        1 => (0u32..8).prop_map(Op::Join),
        1 => (0u32..8).prop_map(Op::Leave),
        8 => ((0u32..8), dir).prop_map(|(id, d)| Op::Turn(id, d)),
    ];
    proptest::collection::vec(op, 0..4)
}

/// What the client does with one tick's snapshot.
#[derive(Debug, Clone, Copy)]
struct Delivery {
    /// The snapshot never reaches the client (skipped by a slow reader).
    skipped: bool,
    /// The client acknowledges it, and the ack reaches the server this many ticks later.
    ack_after: Option<u8>,
}

fn delivery() -> impl Strategy<Value = Delivery> {
    (
        prop::bool::weighted(0.2),
        prop::option::weighted(0.7, 0u8..6),
    )
        .prop_map(|(skipped, ack_after)| Delivery { skipped, ack_after })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn applying_deltas_reproduces_the_server_state_exactly(
        seed in any::<u64>(),
        max_age in 1..=MAX_BASELINE_AGE,
        ticks in proptest::collection::vec((ops(), delivery()), 1..160),
    ) {
        let rules = SnakeRules { width: 16, height: 12, respawn_ticks: 3, ..SnakeRules::default() };
        let mut room = Stepper::new(rules, seed);
        for id in 0..3 {
            room.join(p(id));
        }
        let mut history = History::new(max_age);
        let mut client = Reconstructor::<Snake>::default();
        // Acks in flight to the server: (arrival tick, acked tick).
        let mut in_flight: Vec<(u64, u64)> = Vec::new();
        let mut acked = 0;
        let (mut deltas, mut keyframes) = (0, 0);
        for (ops, delivery) in ticks {
            for op in ops {
                match op {
                    Op::Join(id) => room.join(p(id)),
                    Op::Leave(id) => room.leave(p(id)),
                    Op::Turn(id, dir) => room.turn(p(id), dir),
                }
            }
            let state = room.step();
            let tick = room.tick();
            in_flight.retain(|&(arrives, t)| {
                if arrives <= tick { acked = acked.max(t); }
                arrives > tick
            });
            history.push(tick, state.clone());
            let body = match history.baseline(acked) {
                Some((age, base)) => { deltas += 1; Body::Delta { age, delta: Diff::diff(base, &state) } }
                None => { keyframes += 1; Body::Full(state.clone()) }
            };
            // Through the real codec, as on the wire.
            let wire = codec::encode(&tickwire::ServerMsg::Snapshot(Snapshot { tick, ack: 0, phase: tickwire::MatchPhase::Running { ticks_left: 1 }, body })).unwrap();
            if delivery.skipped {
                continue;
            }
            let Ok(tickwire::ServerMsg::Snapshot(snapshot)) = codec::decode_server::<SnakeState, snake::SnakeDelta>(&wire) else {
                panic!("a snapshot decodes");
            };
            let rebuilt = client.receive(snapshot).unwrap_or_else(|e| panic!("tick {tick}: {e}"));
            prop_assert_eq!(&rebuilt.state, &state, "tick {}", tick);
            if let Some(after) = delivery.ack_after {
                in_flight.push((tick + u64::from(after), tick));
            }
        }
        prop_assert!(keyframes >= 1);
        let _ = deltas;
    }
}

#[test]
fn a_tick_of_steady_play_is_a_couple_of_bytes_per_snake() {
    let mut room = Stepper::new(SnakeRules::default(), 7);
    for id in 1..=10 {
        room.join(p(id));
    }
    let before = room.step_n(3);
    let after = room.step();
    let delta = Diff::diff(&before, &after);
    let steps = delta
        .snakes
        .iter()
        .filter(|c| matches!(c, Change::Step(_) | Change::Grow(_)))
        .count();
    assert!(steps >= 8, "most snakes just stepped: {delta:?}");
    let delta_bytes = codec::encode(&delta).unwrap().len();
    let full_bytes = codec::encode(&after).unwrap().len();
    assert!(
        delta_bytes * 8 <= full_bytes,
        "delta {delta_bytes} B vs full {full_bytes} B"
    );
    assert_eq!(Diff::apply(&before, &delta).unwrap(), after);
}

#[test]
fn a_delta_for_another_baseline_is_refused_not_misapplied() {
    let mut room = Stepper::new(bare_rules(), 1);
    room.join(p(1));
    room.place(p(1), &[c(5, 5), c(4, 5)], Dir::Right);
    let base = room.state();
    let next = room.step();
    let delta = Diff::diff(&base, &next);
    let mut other = base.clone();
    other.snakes.clear();
    assert!(
        Diff::apply(&other, &delta).is_err(),
        "a snake count mismatch is an error"
    );
    let mut walled = base.clone();
    walled.snakes[0].body[0] = c(19, 5);
    assert!(
        Diff::apply(&walled, &delta).is_err(),
        "stepping off the grid is an error"
    );
}

/// Plays a long random match with lagging, patchy acknowledgements and checks that every
/// kind of change occurs and applies exactly, so the property test above is not passing on
/// easy cases only.
#[test]
fn every_kind_of_change_occurs_and_applies_exactly() {
    let mut rng = snake::SplitMix64::new(99);
    let rules = SnakeRules {
        width: 14,
        height: 12,
        respawn_ticks: 4,
        ..SnakeRules::default()
    };
    let mut room = Stepper::new(rules, 5);
    let mut history = History::new(8);
    let mut client = Reconstructor::<Snake>::default();
    let mut acked = 0;
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..3_000 {
        let id = rng.below(6) as u32;
        match rng.below(40) {
            0 => room.join(p(id)),
            1 => room.leave(p(id)),
            _ => room.turn(p(id), Dir::ALL[rng.below(4)]),
        }
        let state = room.step();
        let tick = room.tick();
        history.push(tick, state.clone());
        let body = match history.baseline(acked) {
            Some((age, base)) => {
                let delta = Diff::diff(base, &state);
                for change in &delta.snakes {
                    seen.insert(
                        format!("{change:?}")
                            .split(['(', ' '])
                            .next()
                            .unwrap_or_default()
                            .to_owned(),
                    );
                }
                if !delta.joined.is_empty() {
                    seen.insert("joined".into());
                }
                seen.insert(
                    format!("{:?}", delta.food)
                        .split(['(', ' '])
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                );
                Body::Delta { age, delta }
            }
            None => Body::Full(state.clone()),
        };
        let rebuilt = client
            .receive(Snapshot {
                tick,
                ack: 0,
                phase: tickwire::MatchPhase::Running { ticks_left: 1 },
                body,
            })
            .expect("applies");
        assert_eq!(rebuilt.state, state, "tick {tick}");
        // Acknowledge most ticks, sometimes late, sometimes not at all.
        if rng.below(3) > 0 {
            acked = acked.max(tick.saturating_sub(rng.below(4) as u64));
        }
    }
    for kind in [
        "Same", "Gone", "Step", "Grow", "Moved", "Waiting", "Reset", "joined", "Edit",
    ] {
        assert!(seen.contains(kind), "{kind} never occurred; saw {seen:?}");
    }
}
