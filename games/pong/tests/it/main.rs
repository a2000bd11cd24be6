//! Behaviour tests for pong, driving real rooms headless through the `Game` trait with the
//! crate's `Stepper`. One binary, one module per topic.

mod ball;
mod bots;
mod deltas;
mod fuzzing;
mod lifecycle;
mod paddles;
mod replay;

use pong::testing::Stepper;
use pong::{BallView, PongRules};
use tickwire::PlayerId;

pub(crate) fn p(id: u32) -> PlayerId {
    PlayerId(id)
}

pub(crate) fn ball(x: u16, y: u16, vx: i16, vy: i16) -> BallView {
    BallView { x, y, vx, vy }
}

/// The default rules without a points limit, so long tests keep serving.
pub(crate) fn endless() -> PongRules {
    PongRules {
        points_to_win: 0,
        ..PongRules::default()
    }
}

/// A room with [`endless`] rules and the given players already seated, in order.
pub(crate) fn room(players: &[u32]) -> Stepper {
    let mut room = Stepper::new(endless(), 1);
    for &id in players {
        room.join(p(id));
    }
    room
}
