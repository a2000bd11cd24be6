//! Test support, not for game servers: a headless stepper that drives a room through the
//! real [`Game`] trait the way the server runtime does, and helpers that arrange exact
//! positions. Arranging bypasses the rules, so only tests and tools should call it.

use bevy_ecs::prelude::{Schedule, World};
use netcode::{Game, PlayerId};

use crate::components::{Body, Food, Heading, Life, Roster, Tick, Turns};
use crate::game::Snake;
use crate::protocol::{Cell, Dir, SnakeInput, SnakeState};
use crate::rules::SnakeRules;

/// One room, stepped by hand: inputs are applied, then the schedule runs once, then a
/// snapshot is taken, as the server runtime does each tick.
pub struct Stepper {
    /// The game, with the rules the room was built with.
    pub game: Snake,
    /// The room's world.
    pub world: World,
    /// The room's schedule.
    pub schedule: Schedule,
}

impl std::fmt::Debug for Stepper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `Schedule` has no `Debug`; the world and tick say what matters.
        f.debug_struct("Stepper")
            .field("game", &self.game)
            .field("world", &self.world)
            .field("tick", &self.tick())
            .finish_non_exhaustive()
    }
}

impl Stepper {
    /// A room with `rules`, its randomness seeded by `seed`.
    pub fn new(rules: SnakeRules, seed: u64) -> Stepper {
        let game = Snake { rules };
        let mut world = World::new();
        let mut schedule = Schedule::default();
        game.build_room(&mut world, &mut schedule, seed);
        Stepper {
            game,
            world,
            schedule,
        }
    }

    /// `player` joins, named after its id.
    pub fn join(&mut self, player: PlayerId) {
        let name = format!("p{}", player.0);
        self.game.add_player(&mut self.world, player, &name);
    }

    /// `player` leaves.
    pub fn leave(&mut self, player: PlayerId) {
        self.game.remove_player(&mut self.world, player);
    }

    /// `player` asks to turn to `dir`.
    pub fn turn(&mut self, player: PlayerId, dir: Dir) {
        self.game
            .apply_input(&mut self.world, player, SnakeInput { dir });
    }

    /// Runs one tick and returns the state after it.
    pub fn step(&mut self) -> SnakeState {
        self.schedule.run(&mut self.world);
        self.state()
    }

    /// Runs `ticks` ticks and returns the state after the last.
    pub fn step_n(&mut self, ticks: usize) -> SnakeState {
        for _ in 0..ticks {
            self.schedule.run(&mut self.world);
        }
        self.state()
    }

    /// The state now, as a snapshot.
    pub fn state(&mut self) -> SnakeState {
        self.game.snapshot(&mut self.world)
    }

    /// Schedule runs since the room was built.
    pub fn tick(&self) -> u64 {
        self.world.get_resource::<Tick>().map_or(0, |t| t.0)
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
    let Some(entity) = world
        .get_resource::<Roster>()
        .and_then(|roster| roster.0.get(&player).copied())
    else {
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
