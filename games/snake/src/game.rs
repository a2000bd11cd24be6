//! [`Snake`], the game the toolkit hosts: the adapter from the runtime's calls to the rules
//! (`systems.rs`, `spawn.rs`), and the world turned into the snapshot every client receives.

use bevy_ecs::prelude::{Schedule, World};
use tickwire::PlayerId;
use tickwire_game::{Game, RoomSettings};

use crate::components::{Body, Food, Heading, Life, Player, Roster, Rules, Score};
use crate::protocol::{SnakeInput, SnakeState, SnakeView};
use crate::rules::Snake;
use crate::{spawn, systems};

impl Game for Snake {
    fn settings(&self) -> RoomSettings {
        RoomSettings {
            tick_rate: self.rules.tick_rate,
            capacity: self.rules.capacity,
        }
    }

    fn build_room(&self, world: &mut World, schedule: &mut Schedule, seed: u64) {
        systems::build_room(world, schedule, &self.rules, seed);
    }

    fn add_player(&self, world: &mut World, player: PlayerId, name: &str) {
        spawn::add_snake(world, player, name);
    }

    fn apply_input(&self, world: &mut World, player: PlayerId, input: SnakeInput) {
        systems::queue_turn(world, player, input.dir);
    }

    fn start_round(&self, world: &mut World) {
        systems::start_round(world);
    }

    fn snapshot(&self, world: &mut World) -> SnakeState {
        let rules = world.get_resource::<Rules>().map_or(&self.rules, |r| &r.0);
        let snakes = Roster::each(world, |id, snake| {
            let life = *snake.get::<Life>()?;
            Some(SnakeView {
                player: id,
                name: snake.get::<Player>()?.name.clone(),
                body: snake.get::<Body>()?.0.iter().copied().collect(),
                dir: snake.get::<Heading>()?.0,
                alive: life == Life::Alive,
                score: snake.get::<Score>()?.0,
                respawn_in: match life {
                    Life::Dead { respawn_in } => respawn_in,
                    Life::Alive | Life::Crashed => 0,
                },
            })
        });
        SnakeState {
            width: rules.width,
            height: rules.height,
            snakes,
            food: world
                .get_resource::<Food>()
                .map(|f| f.0.clone())
                .unwrap_or_default(),
        }
    }
}
