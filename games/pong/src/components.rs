//! The ECS data of a pong room: one entity per seated player with the components below, and
//! the room-wide resources (the ball among them) the systems share.

use bevy_ecs::prelude::{Component, Resource};

use crate::protocol::{BallView, Motion, Side};
use crate::rules::PongRules;
use tickwire_game::SplitMix64;

/// Who holds this paddle: the display name (the player's id is its key in the [`Roster`]).
#[derive(Component, Debug, Clone)]
pub(crate) struct Player {
    pub(crate) name: String,
}

/// A paddle: the end it defends and its centre, in units from the top wall.
#[derive(Component, Debug, Clone, Copy)]
pub(crate) struct Paddle {
    pub(crate) side: Side,
    pub(crate) y: u16,
}

/// What the player holds; the paddle moves by it every tick until the next input.
#[derive(Component, Debug, Clone, Copy, Default)]
pub(crate) struct Held(pub(crate) Motion);

/// Points won this round: the toolkit's score, which the runtime reads for the results.
pub(crate) use tickwire_game::Score;

/// The room's rules, fixed when the room is built.
#[derive(Resource, Debug, Clone)]
pub(crate) struct Rules(pub(crate) PongRules);

/// The room's random stream.
#[derive(Resource, Debug, Clone)]
pub(crate) struct Rng(pub(crate) SplitMix64);

/// The one ball, exactly as clients see it.
#[derive(Resource, Debug, Clone, Copy, Default)]
pub(crate) struct Ball(pub(crate) BallView);

/// The next serve: ticks until it (0 while the ball is in play) and the end it goes to.
#[derive(Resource, Debug, Clone, Copy)]
pub(crate) struct Serve {
    pub(crate) in_ticks: u16,
    pub(crate) toward: Side,
}

/// Schedule runs since the room was built.
#[derive(Resource, Debug, Clone, Copy, Default)]
pub(crate) struct Tick(pub(crate) u64);

/// Each seated player's entity, in player-id order (the toolkit's).
pub(crate) use tickwire_game::Roster;
