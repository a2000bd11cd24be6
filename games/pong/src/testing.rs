//! Test support, not for game servers: a headless stepper that drives a room through the
//! real [`tickwire_game::Game`] trait the way the server runtime does, and helpers that arrange exact
//! positions. Arranging bypasses the rules, so only tests and tools should call it.

use bevy_ecs::prelude::World;
use tickwire::PlayerId;

use crate::components::{Ball, Paddle, Roster, Serve};
use crate::protocol::Pong;
use crate::protocol::{BallView, Motion, PongInput, Side};
use crate::rules::PongRules;

/// One room of pong, stepped by hand: the toolkit's [`tickwire_game::testing::Stepper`] (which it
/// derefs to, for `join`, `join_named`, `leave`, `step`, `state`, `tick`, `start_round`,
/// `scores` and the rest) with pong's own arrangements: holding a motion, placing the ball
/// and paddles, setting the serve.
#[derive(Debug)]
pub struct Stepper(pub tickwire_game::testing::Stepper<Pong>);

impl std::ops::Deref for Stepper {
    type Target = tickwire_game::testing::Stepper<Pong>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Stepper {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Stepper {
    /// A room with `rules`, its randomness seeded by `seed`.
    pub fn new(rules: PongRules, seed: u64) -> Stepper {
        Stepper(tickwire_game::testing::Stepper::new(Pong { rules }, seed))
    }

    /// `player` now holds `motion`.
    pub fn hold(&mut self, player: PlayerId, motion: Motion) {
        self.input(player, PongInput { motion });
    }

    /// Puts the ball in play exactly as `ball`. The caller keeps it sane.
    pub fn place_ball(&mut self, ball: BallView) {
        place_ball(&mut self.world, ball);
    }

    /// Puts `player`'s paddle centre at `y`, unclamped.
    pub fn place_paddle(&mut self, player: PlayerId, y: u16) {
        place_paddle(&mut self.world, player, y);
    }

    /// Sets the serve countdown to `in_ticks` and the next serve's direction to `toward`.
    pub fn set_serve(&mut self, in_ticks: u16, toward: Side) {
        set_serve(&mut self.world, in_ticks, toward);
    }
}

/// Puts the ball in play exactly as `ball`: no serve countdown. Bypasses every rule.
pub fn place_ball(world: &mut World, ball: BallView) {
    world.insert_resource(Ball(ball));
    if let Some(mut serve) = world.get_resource_mut::<Serve>() {
        serve.in_ticks = 0;
    }
}

/// Puts `player`'s paddle centre at `y`. Does nothing if the player has no paddle.
/// Bypasses every rule.
pub fn place_paddle(world: &mut World, player: PlayerId, y: u16) {
    let Some(entity) = Roster::entity_of(world, player) else {
        return;
    };
    if let Some(mut paddle) = world.get_mut::<Paddle>(entity) {
        paddle.y = y;
    }
}

/// Sets the serve countdown and direction. Bypasses every rule.
pub fn set_serve(world: &mut World, in_ticks: u16, toward: Side) {
    world.insert_resource(Serve { in_ticks, toward });
}
