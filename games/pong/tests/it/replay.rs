//! Same seed and same calls give the same match; another seed gives another.

use pong::testing::Stepper;
use pong::{Motion, PongState, SplitMix64, bot};

use crate::{endless, p};

/// Plays `ticks` ticks of a scripted match: two players, one a bot and one pressing random
/// keys from `script_seed`, with the second leaving and another joining midway.
fn play(room_seed: u64, script_seed: u64, ticks: u64) -> Vec<PongState> {
    let mut room = Stepper::new(endless(), room_seed);
    let mut script = SplitMix64::new(script_seed);
    room.join(p(1));
    room.join(p(2));
    let mut states = Vec::new();
    for tick in 0..ticks {
        match tick {
            400 => room.leave(p(2)),
            450 => room.join(p(3)),
            _ => {}
        }
        let state = room.state();
        room.hold(p(1), bot::choose(&state, p(1)).motion);
        for id in [2, 3] {
            if script.below(8) == 0 {
                room.hold(p(id), Motion::ALL[script.below(3)]);
            }
        }
        states.push(room.step());
    }
    states
}

#[test]
fn same_seed_and_inputs_replay_identically_over_a_thousand_ticks() {
    let first = play(11, 22, 1_000);
    let second = play(11, 22, 1_000);
    assert_eq!(first.len(), 1_000);
    for (tick, (a, b)) in first.iter().zip(&second).enumerate() {
        assert_eq!(a, b, "diverged at tick {tick}");
        assert_eq!(
            tickwire::codec::encode(a).unwrap(),
            tickwire::codec::encode(b).unwrap()
        );
    }
    // The script really played: points were scored and the ball was served more than once.
    let last = first.last().unwrap();
    assert!(last.paddles.iter().map(|paddle| paddle.score).sum::<u32>() > 0);
    let serves = first.windows(2).filter(|w| w[0].serve_in == 1).count();
    assert!(serves >= 2, "{serves} serves");
}

#[test]
fn a_different_seed_plays_differently() {
    let first = play(11, 22, 200);
    let other = play(12, 22, 200);
    assert_ne!(first, other);
}
