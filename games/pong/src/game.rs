//! [`Pong`], the game the toolkit hosts: it builds a room's world and schedule and turns
//! players' joins, leaves and inputs into ECS changes.

use bevy_ecs::prelude::{IntoScheduleConfigs, Schedule, World};
use tickwire::PlayerId;
use tickwire_game::{Game, RoomSettings};

use crate::components::{Ball, Held, Paddle, Player, Rng, Roster, Rules, Score, Serve, Tick};
use crate::protocol::{PaddleView, Pong, PongInput, PongState, Side};
use crate::rules::{CAPACITY, PongRules};
use crate::systems::{
    advance_tick, count_down_serve, move_ball, move_paddles, random_side, resting,
};
use tickwire_game::SplitMix64;

/// The room's rules, or the game's if the room was never built.
fn rules_of(world: &World, game: &Pong) -> PongRules {
    world
        .get_resource::<Rules>()
        .map_or_else(|| game.rules.clone(), |r| r.0.clone())
}

impl Game for Pong {
    /// The rules' tick rate, and [`CAPACITY`]: one player per side.
    fn settings(&self) -> RoomSettings {
        RoomSettings {
            tick_rate: self.rules.tick_rate,
            capacity: CAPACITY,
        }
    }

    fn build_room(&self, world: &mut World, schedule: &mut Schedule, seed: u64) {
        let mut rng = SplitMix64::new(seed);
        world.insert_resource(Serve {
            in_ticks: self.rules.serve_ticks,
            toward: random_side(&mut rng),
        });
        world.insert_resource(Rules(self.rules.clone()));
        world.insert_resource(Rng(rng));
        world.insert_resource(Ball(resting(&self.rules)));
        world.insert_resource(Tick::default());
        world.insert_resource(Roster::default());
        // One tick, in this order. Each step sees the results of the ones before it.
        schedule.add_systems(
            (
                // The tick this run produces.
                advance_tick,
                // Paddles first, so the ball meets them where clients will see them.
                move_paddles,
                // Before the ball moves, so a ball served this tick moves this tick too.
                count_down_serve,
                // Walls, paddles, points; a point restarts the serve countdown.
                move_ball,
            )
                .chain(),
        );
    }

    /// Seats the player on the left if it is free, else on the right, with the paddle
    /// centred and still. A player already seated is left as is; when both sides are taken
    /// (only if a server raises the capacity) the player is not seated and just watches.
    fn add_player(&self, world: &mut World, player: PlayerId, name: &str) {
        let rules = rules_of(world, self);
        let Some(roster) = world.get_resource::<Roster>() else {
            return;
        };
        if roster.contains(player) {
            return;
        }
        let mut paddles = world.query::<&Paddle>();
        let taken: Vec<Side> = paddles.iter(world).map(|p| p.side).collect();
        let Some(side) = Side::ALL.into_iter().find(|s| !taken.contains(s)) else {
            return;
        };
        let entity = world
            .spawn((
                Player {
                    id: player,
                    name: name.to_owned(),
                },
                Paddle {
                    side,
                    y: rules.court().centre().1,
                },
                Held::default(),
                Score::default(),
            ))
            .id();
        if let Some(mut roster) = world.get_resource_mut::<Roster>() {
            roster.insert(player, entity);
        }
    }

    /// Frees the player's side. The rally goes on: that end becomes a wall.
    fn remove_player(&self, world: &mut World, player: PlayerId) {
        Roster::despawn(world, player);
    }

    /// Sets what the player holds; the latest input before a tick wins. Inputs of players
    /// without a paddle are dropped.
    fn apply_input(&self, world: &mut World, player: PlayerId, input: PongInput) {
        let Some(entity) = Roster::entity_of(world, player) else {
            return;
        };
        if let Some(mut held) = world.get_mut::<Held>(entity) {
            held.0 = input.motion;
        }
    }

    /// Scores go to 0, paddles to the centre, and the ball to rest at the centre, served
    /// after `serve_ticks` toward a random side. What players hold is kept: it is the state
    /// of their keys, which the round start does not change.
    fn start_round(&self, world: &mut World) {
        let rules = rules_of(world, self);
        let centre = rules.court().centre().1;
        let mut paddles = world.query::<(&mut Paddle, &mut Score)>();
        for (mut paddle, mut score) in paddles.iter_mut(world) {
            paddle.y = centre;
            score.0 = 0;
        }
        let toward = world
            .get_resource_mut::<Rng>()
            .map_or(Side::Left, |mut rng| random_side(&mut rng.0));
        world.insert_resource(Ball(resting(&rules)));
        world.insert_resource(Serve {
            in_ticks: rules.serve_ticks,
            toward,
        });
    }

    fn scores(&self, world: &mut World) -> Vec<(PlayerId, i64)> {
        let mut paddles = world.query::<(&Player, &Score)>();
        let mut scores: Vec<(PlayerId, i64)> = paddles
            .iter(world)
            .map(|(player, score)| (player.id, i64::from(score.0)))
            .collect();
        scores.sort();
        scores
    }

    /// Someone reached [`PongRules::points_to_win`](crate::PongRules::points_to_win).
    fn round_over(&self, world: &mut World) -> bool {
        let target = rules_of(world, self).points_to_win;
        target > 0
            && world
                .query::<&Score>()
                .iter(world)
                .any(|s| s.0 >= u32::from(target))
    }

    fn snapshot(&self, world: &mut World) -> PongState {
        let rules = rules_of(world, self);
        let entities: Vec<_> = world
            .get_resource::<Roster>()
            .map(|roster| roster.entities().collect())
            .unwrap_or_default();
        let mut query = world.query::<(&Player, &Paddle, &Held, &Score)>();
        let paddles = entities
            .into_iter()
            .filter_map(|entity| query.get(world, entity).ok())
            .map(|(player, paddle, held, score)| PaddleView {
                player: player.id,
                name: player.name.clone(),
                side: paddle.side,
                y: paddle.y,
                motion: held.0,
                score: score.0,
            })
            .collect();
        PongState {
            court: rules.court(),
            paddles,
            ball: world
                .get_resource::<Ball>()
                .map_or_else(|| resting(&rules), |b| b.0),
            serve_in: world.get_resource::<Serve>().map_or(0, |s| s.in_ticks),
        }
    }
}
