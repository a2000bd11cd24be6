//! Delta snapshots (derived: the changed fields only): whatever happens in the room and
//! whichever baseline the client holds, applying the delta gives back exactly the server's
//! state, and a tick of play is small.

use tickwire::{Body, MatchPhase, Reconstructor, ServerMsg, Snapshot, codec, delta::History};

use pong::testing::Stepper;
use pong::{Motion, Pong, PongRules, PongState, PongStateDelta, bot};
use proptest::prelude::*;
use tickwire::Diff;

use crate::{ball, p, room};

#[derive(Debug, Clone)]
enum Op {
    Join(u32),
    Leave(u32),
    Hold(u32, Motion),
    /// The player follows the bot brain from now on, until its next `Hold`.
    Bot(u32),
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        1 => (0u32..4).prop_map(Op::Join),
        1 => (0u32..4).prop_map(Op::Leave),
        6 => ((0u32..4), prop::sample::select(Motion::ALL.to_vec()))
            .prop_map(|(id, motion)| Op::Hold(id, motion)),
        2 => (0u32..4).prop_map(Op::Bot),
    ];
    prop::collection::vec(op, 0..3)
}

/// Rules that produce every kind of event quickly: short serves, a fast ball and a first
/// player to three points.
fn busy_rules() -> PongRules {
    PongRules {
        serve_ticks: 4,
        serve_speed: 30,
        serve_spread: 25,
        speedup: 4,
        points_to_win: 3,
        ..PongRules::default()
    }
}

/// Plays a room through `ticks` (each a list of operations), returning every state.
fn play(seed: u64, ticks: Vec<Vec<Op>>) -> Vec<PongState> {
    let mut room = Stepper::new(busy_rules(), seed);
    room.join(p(0));
    room.join(p(1));
    let mut bots = std::collections::BTreeSet::new();
    let mut states = vec![room.state()];
    for (tick, ops) in ticks.into_iter().enumerate() {
        for op in ops {
            match op {
                Op::Join(id) => room.join(p(id)),
                Op::Leave(id) => room.leave(p(id)),
                Op::Hold(id, motion) => {
                    bots.remove(&id);
                    room.hold(p(id), motion);
                }
                Op::Bot(id) => {
                    bots.insert(id);
                }
            }
        }
        let state = room.state();
        for &id in &bots {
            room.hold(p(id), bot::choose(&state, p(id)).motion);
        }
        if tick % 150 == 149 {
            room.start_round();
        }
        states.push(room.step());
    }
    states
}

/// `delta` through the codec, as on the wire.
#[expect(
    clippy::unwrap_used,
    reason = "every delta encodes and decodes; a failure should fail the test loudly"
)]
fn over_the_wire(delta: &PongStateDelta) -> PongStateDelta {
    codec::decode(&codec::encode(delta).unwrap()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any state and any baseline 1 to 32 ticks older: the delta, encoded and decoded,
    /// applies to the baseline to give exactly the state.
    #[test]
    fn a_delta_from_any_recent_baseline_applies_exactly(
        seed in any::<u64>(),
        ticks in prop::collection::vec(ops(), 1..300),
        ages in prop::collection::vec(1usize..=32, 300),
    ) {
        let states = play(seed, ticks);
        for (i, next) in states.iter().enumerate().skip(1) {
            let base = &states[i.saturating_sub(ages[i % ages.len()])];
            let delta = over_the_wire(&Diff::diff(base, next));
            let rebuilt = Diff::apply(base, &delta);
            prop_assert_eq!(rebuilt.as_ref(), Ok(next), "tick {} from {:?}", i, base);
        }
    }

    /// The whole path a client sees: a server history, acks that arrive late or never,
    /// snapshots skipped, full messages through the codec, and the client's reconstructor.
    #[test]
    fn a_client_rebuilds_every_state_it_receives_exactly(
        seed in any::<u64>(),
        max_age in 1u64..=32,
        ticks in prop::collection::vec(
            (ops(), prop::bool::weighted(0.2), prop::option::weighted(0.7, 0u64..6)),
            1..200,
        ),
    ) {
        let script: Vec<Vec<Op>> = ticks.iter().map(|(ops, _, _)| ops.clone()).collect();
        let states = play(seed, script);
        let mut history = History::new(max_age);
        let mut client = Reconstructor::<Pong>::default();
        let mut in_flight: Vec<(u64, u64)> = Vec::new();
        let mut acked = 0;
        for (i, (state, (_, skipped, ack_after))) in states.iter().skip(1).zip(&ticks).enumerate() {
            let tick = i as u64 + 1;
            in_flight.retain(|&(arrives, t)| {
                if arrives <= tick {
                    acked = acked.max(t);
                }
                arrives > tick
            });
            history.push(tick, state.clone());
            let body = match history.baseline(acked) {
                Some((age, base)) => Body::Delta { age, delta: Diff::diff(base, state) },
                None => Body::Full(state.clone()),
            };
            let msg = ServerMsg::Snapshot(Snapshot {
                tick,
                ack: 0,
                phase: MatchPhase::Running { ticks_left: 1 },
                body,
            });
            let wire = codec::encode(&msg).unwrap();
            if *skipped {
                continue;
            }
            let Ok(ServerMsg::Snapshot(snapshot)) = codec::decode_server::<PongState, PongStateDelta>(&wire) else {
                panic!("a snapshot decodes");
            };
            let rebuilt = client.receive(snapshot).unwrap_or_else(|e| panic!("tick {tick}: {e}"));
            prop_assert_eq!(&rebuilt.state, state, "tick {}", tick);
            if let Some(after) = ack_after {
                in_flight.push((tick + after, tick));
            }
        }
    }
}

#[test]
fn a_tick_of_play_is_a_few_bytes() {
    let mut room = room(&[1, 2]);
    room.place_ball(ball(800, 500, 14, 3));
    room.hold(p(1), Motion::Down);
    let before = room.step();
    let after = room.step();
    // The ball's x and y and one paddle's y: a mask per level and three-byte positions.
    let delta = Diff::diff(&before, &after);
    let delta_bytes = codec::encode(&delta).unwrap().len();
    let full_bytes = codec::encode(&after).unwrap().len();
    println!("pong wire sizes: full snapshot {full_bytes} B, tick of play delta {delta_bytes} B");
    assert!(delta_bytes <= 16, "delta {delta_bytes} B");
    assert!(full_bytes <= 48, "full {full_bytes} B");
    assert_eq!(Diff::apply(&before, &delta).unwrap(), after);
    // Inside a whole server message, a minute into a round.
    let message = |body| {
        let msg = ServerMsg::<PongState, PongStateDelta>::Snapshot(Snapshot {
            tick: 1_800,
            ack: 250,
            phase: MatchPhase::Running { ticks_left: 1_800 },
            body,
        });
        codec::encode(&msg).unwrap().len()
    };
    println!(
        "pong wire sizes: as messages, full {} B, delta {} B",
        message(Body::Full(after.clone())),
        message(Body::Delta {
            age: 1,
            delta: delta.clone()
        })
    );

    // Several ticks apart it is no bigger: the same fields changed, by more.
    let later = room.step_n(5);
    let delta = Diff::diff(&before, &later);
    assert!(codec::encode(&delta).unwrap().len() <= delta_bytes);
    assert_eq!(Diff::apply(&before, &delta).unwrap(), later);

    // With the paddles still, only the ball's position is sent.
    room.hold(p(1), Motion::Stop);
    let stopped = room.step();
    let still = Diff::diff(&stopped, &room.step());
    let still_bytes = codec::encode(&still).unwrap().len();
    assert!(still_bytes <= 8, "ball only {still_bytes} B");

    // Nothing at all changing (a paused room) costs next to nothing.
    let unchanged = codec::encode(&Diff::diff(&after, &after)).unwrap().len();
    println!("pong wire sizes: ball only {still_bytes} B, unchanged {unchanged} B");
    assert_eq!(unchanged, 1);
}

#[test]
fn a_delta_for_a_baseline_with_fewer_paddles_is_refused_not_misapplied() {
    let mut room = room(&[1, 2]);
    room.place_ball(ball(800, 500, 14, 3));
    room.hold(p(2), Motion::Up);
    let base = room.step();
    let next = room.step();
    let delta = Diff::diff(&base, &next);
    let mut fewer = base.clone();
    fewer.paddles.pop();
    assert!(
        Diff::apply(&fewer, &delta).is_err(),
        "a change to the second paddle, which this baseline lacks"
    );
    fewer.paddles.clear();
    assert!(Diff::apply(&fewer, &delta).is_err(), "no paddles at all");
}

/// Plays a long match with random acks and checks that every kind of change occurs and
/// applies exactly, so the properties above do not pass on easy cases only.
#[test]
fn every_kind_of_change_occurs_and_applies_exactly() {
    let mut script = pong::SplitMix64::new(99);
    let mut room = Stepper::new(busy_rules(), 5);
    let mut history = History::new(8);
    let mut client = Reconstructor::<Pong>::default();
    let mut acked = 0;
    let mut seen = std::collections::BTreeSet::new();
    for step in 0..4_000u32 {
        let id = script.below(3) as u32;
        match script.below(60) {
            0 => room.join(p(id)),
            1 => room.leave(p(id)),
            2..=10 => room.hold(p(id), Motion::ALL[script.below(3)]),
            _ => {}
        }
        let state = room.state();
        for paddle in &state.paddles {
            if paddle.player != p(id) && script.below(4) > 0 {
                room.hold(paddle.player, bot::choose(&state, paddle.player).motion);
            }
        }
        if step % 500 == 499 {
            room.start_round();
        }
        let state = room.step();
        let tick = room.tick();
        history.push(tick, state.clone());
        let body = match history.baseline(acked) {
            Some((age, base)) => {
                changes(base, &state).into_iter().for_each(|kind| {
                    seen.insert(kind);
                });
                Body::Delta {
                    age,
                    delta: Diff::diff(base, &state),
                }
            }
            None => Body::Full(state.clone()),
        };
        let rebuilt = client
            .receive(Snapshot {
                tick,
                ack: 0,
                phase: MatchPhase::Running { ticks_left: 1 },
                body,
            })
            .expect("applies");
        assert_eq!(rebuilt.state, state, "tick {tick}");
        if script.below(3) > 0 {
            acked = acked.max(tick.saturating_sub(script.below(4) as u64));
        }
    }
    for kind in [
        "paddle y",
        "paddle motion",
        "paddle score",
        "paddle gone",
        "paddle joined",
        "ball same",
        "ball position",
        "ball velocity",
        "serve_in",
    ] {
        assert!(seen.contains(kind), "{kind} never occurred; saw {seen:?}");
    }
}

/// What changed from `base` to `next`, by kind.
fn changes(base: &PongState, next: &PongState) -> Vec<&'static str> {
    let mut kinds = Vec::new();
    for old in &base.paddles {
        let Some(new) = next.paddle(old.player) else {
            kinds.push("paddle gone");
            continue;
        };
        for (changed, kind) in [
            (old.y != new.y, "paddle y"),
            (old.motion != new.motion, "paddle motion"),
            (old.score != new.score, "paddle score"),
        ] {
            if changed {
                kinds.push(kind);
            }
        }
    }
    if next
        .paddles
        .iter()
        .any(|new| base.paddle(new.player).is_none())
    {
        kinds.push("paddle joined");
    }
    let (a, b) = (base.ball, next.ball);
    kinds.push(
        match ((a.x, a.y) != (b.x, b.y), (a.vx, a.vy) != (b.vx, b.vy)) {
            (_, true) => "ball velocity",
            (true, false) => "ball position",
            (false, false) => "ball same",
        },
    );
    if base.serve_in != next.serve_in {
        kinds.push("serve_in");
    }
    kinds
}
