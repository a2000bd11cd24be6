//! Pong's fuzz harnesses: the toolkit's (`tickwire::fuzz`) for pong's types, with what only
//! pong knows: which states are well formed, and a played room for the seed corpus. The
//! cargo-fuzz targets in `fuzz/` and the suite's proptests run exactly these.

use tickwire::{PlayerId, fuzz};

use crate::{Motion, Pong, PongInput, PongRules, PongState, bot, testing::Stepper};

pub use tickwire::fuzz::{TARGETS, framed};

/// Runs the harness named `target` (one of [`TARGETS`]) on `bytes`.
///
/// # Panics
///
/// On an unknown target, and wherever the harness itself panics.
pub fn run(target: &str, bytes: &[u8]) {
    fuzz::run::<Pong>(target, bytes, well_formed);
}

/// Whether the harnesses hold `state` to exact deltas: always, since the derived delta
/// ([`crate::PongStateDelta`]) rebuilds any state exactly, even one no server sends
/// (paddles unsorted, a player twice).
pub fn well_formed(_state: &PongState) -> bool {
    true
}

/// `diff(base, next)`, through the codec, applied to `base`, gives exactly `next`.
pub fn diff_applies_exactly(base: &PongState, next: &PongState) {
    fuzz::diff_applies_exactly::<Pong>(base, next, well_formed);
}

/// Every harness's seed corpus ([`tickwire::fuzz::seeds`]) from a room played by bots.
pub fn seeds() -> Vec<(&'static str, Vec<u8>)> {
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

    fuzz::seeds::<Pong>(
        PongInput {
            motion: Motion::Down,
        },
        &states,
    )
}
