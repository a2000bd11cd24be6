//! Behaviour tests for snake, driving real rooms headless through the `Game` trait with the
//! crate's `Stepper`. One binary, one module per topic.

mod bots;
mod collisions;
mod deltas;
mod food;
mod fuzzing;
mod lifecycle;
mod movement;
mod properties;
mod replay;
mod wire;

use snake::testing::Stepper;
use snake::{Cell, SnakeRules};
use tickwire::PlayerId;

pub(crate) fn p(id: u32) -> PlayerId {
    PlayerId(id)
}

pub(crate) fn c(x: u8, y: u8) -> Cell {
    Cell::new(x, y)
}

/// A 20x20 room without food and with short respawns, so tests place everything themselves.
pub(crate) fn bare_rules() -> SnakeRules {
    SnakeRules {
        width: 20,
        height: 20,
        food_base: 0,
        food_per_player: 0,
        respawn_ticks: 5,
        ..SnakeRules::default()
    }
}

/// A room with [`bare_rules`] and the given players already joined.
pub(crate) fn bare_room(players: &[u32]) -> Stepper {
    let mut room = Stepper::new(bare_rules(), 1);
    for &id in players {
        room.join(p(id));
    }
    room
}
