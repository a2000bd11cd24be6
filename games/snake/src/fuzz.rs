//! Snake's fuzz harnesses: the toolkit's (`tickwire::fuzz`) for snake's types, with what only
//! snake knows: which states are well formed, and a played room for the seed corpus. The
//! cargo-fuzz targets in `fuzz/` and the suite's proptests run exactly these.

use tickwire::{PlayerId, fuzz};

use crate::{Dir, Snake, SnakeInput, SnakeRules, SnakeState, testing::Stepper};

pub use tickwire::fuzz::{TARGETS, framed};

/// Runs the harness named `target` (one of [`TARGETS`]) on `bytes`.
///
/// # Panics
///
/// On an unknown target, and wherever the harness itself panics.
pub fn run(target: &str, bytes: &[u8]) {
    fuzz::run::<Snake>(target, bytes, well_formed);
}

/// Whether `state` keeps the promise every server snapshot keeps and [`crate::delta::diff`]
/// relies on: snakes sorted by player id, one per player.
pub fn well_formed(state: &SnakeState) -> bool {
    state.snakes.windows(2).all(|w| w[0].player < w[1].player)
}

/// `diff(base, next)`, through the codec, applied to `base`, gives exactly `next`, whenever
/// both are [`well_formed`].
pub fn diff_applies_exactly(base: &SnakeState, next: &SnakeState) {
    fuzz::diff_applies_exactly::<Snake>(base, next, well_formed);
}

/// Every harness's seed corpus ([`tickwire::fuzz::seeds`]) from a small room played for a
/// while: snakes move, eat, die, wait, respawn, leave and join.
pub fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let rules = SnakeRules {
        width: 12,
        height: 10,
        respawn_ticks: 2,
        ..SnakeRules::default()
    };
    let mut room = Stepper::new(rules, 3);
    for id in 1..=3 {
        room.join(PlayerId(id));
    }
    let mut states = vec![(room.tick(), room.state())];
    for step in 0..40 {
        room.turn(PlayerId(1 + step % 3), Dir::ALL[step as usize % 4]);
        if step == 20 {
            room.leave(PlayerId(2));
            room.join(PlayerId(4));
        }
        let state = room.step();
        states.push((room.tick(), state));
    }
    fuzz::seeds::<Snake>(SnakeInput { dir: Dir::Left }, &states)
}
