//! Test support, not for game servers: a headless stepper that drives a room through the
//! real [`tickwire_game::Game`] trait the way the server runtime does, and helpers that arrange exact
//! positions. Arranging bypasses the rules, so only tests and tools should call it.

use bevy_ecs::prelude::World;
use tickwire::PlayerId;

use crate::components::{Body, Food, Heading, Life, Roster, Turns};
use crate::protocol::{Cell, Dir, SnakeInput};
use crate::rules::Snake;
use crate::rules::SnakeRules;

/// One room of snake, stepped by hand: the toolkit's [`tickwire_game::testing::Stepper`]
/// (which it derefs to, for `join`, `leave`, `step`, `state`, `tick` and the rest) with
/// snake's own arrangements: turning, placing snakes, setting food.
#[derive(Debug)]
pub struct Stepper(pub tickwire_game::testing::Stepper<Snake>);

impl std::ops::Deref for Stepper {
    type Target = tickwire_game::testing::Stepper<Snake>;

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
    pub fn new(rules: SnakeRules, seed: u64) -> Stepper {
        Stepper(tickwire_game::testing::Stepper::new(Snake { rules }, seed))
    }

    /// `player` asks to turn to `dir`.
    pub fn turn(&mut self, player: PlayerId, dir: Dir) {
        self.input(player, SnakeInput { dir });
    }

    /// Puts `player`'s snake on `body` (head first) heading `dir`, alive, with no queued
    /// turns. Does nothing if the player is not in the room. The caller keeps it sane.
    pub fn place(&mut self, player: PlayerId, body: &[Cell], dir: Dir) {
        place_snake(&mut self.world, player, body, dir);
    }

    /// Replaces all food with `cells`.
    pub fn set_food(&mut self, cells: &[Cell]) {
        set_food(&mut self.world, cells);
    }
}

/// Puts `player`'s snake on `body` (head first) heading `dir`, alive, with no queued turns.
/// Does nothing if the player is not in the room. Bypasses every rule.
pub fn place_snake(world: &mut World, player: PlayerId, body: &[Cell], dir: Dir) {
    let Some(entity) = Roster::entity_of(world, player) else {
        return;
    };
    if let Ok(mut snake) = world.get_entity_mut(entity) {
        snake.insert((
            Life::Alive,
            Body(body.iter().copied().collect()),
            Heading(dir),
            Turns::default(),
        ));
    }
}

/// Replaces all food with `cells`. Bypasses every rule.
pub fn set_food(world: &mut World, cells: &[Cell]) {
    if let Some(mut food) = world.get_resource_mut::<Food>() {
        food.0 = cells.to_vec();
    }
}
