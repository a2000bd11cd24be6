//! [`Pong`], the game the toolkit hosts: the adapter from the runtime's calls to the rules
//! (`systems.rs`), and the world turned into the snapshot every client receives.

use bevy_ecs::prelude::{Schedule, World};
use tickwire::PlayerId;
use tickwire_game::{Game, RoomSettings};

use crate::components::{Ball, Held, Paddle, Player, Roster, Rules, Score, Serve};
use crate::protocol::{PaddleView, Pong, PongInput, PongState};
use crate::rules::CAPACITY;
use crate::systems::{self, resting};

/// A player who leaves frees their side (the default `remove_player`): the rally goes on and
/// that end becomes a wall.
impl Game for Pong {
    /// The rules' tick rate, and [`CAPACITY`]: one player per side.
    fn settings(&self) -> RoomSettings {
        RoomSettings {
            tick_rate: self.rules.tick_rate,
            capacity: CAPACITY,
        }
    }

    fn build_room(&self, world: &mut World, schedule: &mut Schedule, seed: u64) {
        systems::build_room(world, schedule, &self.rules, seed);
    }

    fn add_player(&self, world: &mut World, player: PlayerId, name: &str) {
        systems::seat(world, player, name);
    }

    fn apply_input(&self, world: &mut World, player: PlayerId, input: PongInput) {
        systems::hold(world, player, input.motion);
    }

    fn start_round(&self, world: &mut World) {
        systems::start_round(world);
    }

    /// Someone reached [`PongRules::points_to_win`](crate::PongRules::points_to_win).
    fn round_over(&self, world: &mut World) -> bool {
        systems::round_won(world)
    }

    fn snapshot(&self, world: &mut World) -> PongState {
        let rules = world.get_resource::<Rules>().map_or(&self.rules, |r| &r.0);
        let paddles = Roster::each(world, |id, entity| {
            let paddle = entity.get::<Paddle>()?;
            Some(PaddleView {
                player: id,
                name: entity.get::<Player>()?.name.clone(),
                side: paddle.side,
                y: paddle.y,
                motion: entity.get::<Held>()?.0,
                score: entity.get::<Score>()?.0,
            })
        });
        PongState {
            court: rules.court(),
            paddles,
            ball: world
                .get_resource::<Ball>()
                .map_or_else(|| resting(rules), |b| b.0),
            serve_in: world.get_resource::<Serve>().map_or(0, |s| s.in_ticks),
        }
    }
}
