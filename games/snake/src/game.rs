//! [`Snake`], the game the toolkit hosts: it builds a room's world and schedule and turns
//! players' joins, leaves and inputs into ECS changes.

use bevy_ecs::prelude::{IntoScheduleConfigs, Schedule, World};
use tickwire::PlayerId;
use tickwire_game::{Game, RoomSettings};

use crate::components::{
    Body, Food, Heading, Life, Player, Rng, Roster, Rules, Score, Tick, Turns,
};
use crate::protocol::{Dir, Snake, SnakeInput, SnakeState, SnakeView};
use crate::systems::{
    advance_tick, apply_turns, bury_crashed, count_down_respawns, detect_collisions, move_snakes,
    place_new_snake, replenish_food, respawn_snakes,
};
use tickwire_game::SplitMix64;

impl Game for Snake {
    fn settings(&self) -> RoomSettings {
        RoomSettings {
            tick_rate: self.rules.tick_rate,
            capacity: self.rules.capacity,
        }
    }

    fn build_room(&self, world: &mut World, schedule: &mut Schedule, seed: u64) {
        world.insert_resource(Rules(self.rules.clone()));
        world.insert_resource(Rng(SplitMix64::new(seed)));
        world.insert_resource(Food::default());
        world.insert_resource(Tick::default());
        world.insert_resource(Roster::default());
        // One tick, in this order. Each step sees the results of the ones before it.
        schedule.add_systems(
            (
                // The tick this run produces.
                advance_tick,
                // Before anything dies, so a snake killed this tick waits all of respawn_ticks.
                count_down_respawns,
                // At most one queued turn per live snake, never a reversal.
                apply_turns,
                // Every head advances; eaters keep their tail, the others drop it.
                move_snakes,
                // After all moves, all at once: walls, bodies, head-on, swaps.
                detect_collisions,
                // The crashed lose their bodies and start waiting.
                bury_crashed,
                // The done-waiting enter at free spots, in player id order.
                respawn_snakes,
                // Last, so food never lands on a body placed this tick.
                replenish_food,
            )
                .chain(),
        );
    }

    /// Spawns the player's snake, placed at once if a spot is free, otherwise at the next
    /// tick that has one. A player already in the room is left as is.
    fn add_player(&self, world: &mut World, player: PlayerId, name: &str) {
        let Some(rules) = world.get_resource::<Rules>().map(|r| r.0.clone()) else {
            return;
        };
        if world
            .get_resource::<Roster>()
            .is_none_or(|roster| roster.contains(player))
        {
            return;
        }
        let food = world
            .get_resource::<Food>()
            .map(|f| f.0.clone())
            .unwrap_or_default();
        let mut bodies = world.query::<(&Life, &Body)>();
        let mut rng = world.get_resource::<Rng>().map(|r| r.0.clone());
        let spot = rng.as_mut().and_then(|rng| {
            place_new_snake(
                &rules,
                &food,
                bodies.iter(world).map(|(life, body)| (*life, &body.0)),
                rng,
            )
        });
        if let (Some(rng), Some(mut stored)) = (rng, world.get_resource_mut::<Rng>()) {
            stored.0 = rng;
        }
        let (life, body, heading) = match spot {
            Some(spot) => (Life::Alive, spot.body, spot.heading),
            None => (Life::Dead { respawn_in: 0 }, Default::default(), Dir::Up),
        };
        let entity = world
            .spawn((
                Player {
                    id: player,
                    name: name.to_owned(),
                },
                life,
                Body(body),
                Heading(heading),
                Turns::default(),
                Score::default(),
            ))
            .id();
        if let Some(mut roster) = world.get_resource_mut::<Roster>() {
            roster.insert(player, entity);
        }
    }

    fn remove_player(&self, world: &mut World, player: PlayerId) {
        Roster::despawn(world, player);
    }

    /// Queues a turn for a live snake; dead or unknown players' inputs are dropped.
    fn apply_input(&self, world: &mut World, player: PlayerId, input: SnakeInput) {
        let Some(max) = world.get_resource::<Rules>().map(|r| r.0.max_queued_turns) else {
            return;
        };
        let Some(entity) = Roster::entity_of(world, player) else {
            return;
        };
        let mut snake = world.query::<(&Life, &Heading, &mut Turns)>();
        if let Ok((life, heading, mut turns)) = snake.get_mut(world, entity)
            && *life == Life::Alive
        {
            turns.push(input.dir, heading.0, max);
        }
    }

    /// Every snake leaves the board with its score reset and re-enters at a fresh spot on
    /// the round's first tick.
    fn start_round(&self, world: &mut World) {
        let mut snakes = world.query::<(&mut Life, &mut Body, &mut Turns, &mut Score)>();
        for (mut life, mut body, mut turns, mut score) in snakes.iter_mut(world) {
            *life = Life::Dead { respawn_in: 0 };
            body.0.clear();
            turns.0.clear();
            score.0 = 0;
        }
    }

    fn scores(&self, world: &mut World) -> Vec<(PlayerId, i64)> {
        let mut snakes = world.query::<(&Player, &Score)>();
        let mut scores: Vec<(PlayerId, i64)> = snakes
            .iter(world)
            .map(|(player, score)| (player.id, i64::from(score.0)))
            .collect();
        scores.sort();
        scores
    }

    fn snapshot(&self, world: &mut World) -> SnakeState {
        let rules = world
            .get_resource::<Rules>()
            .map_or_else(|| self.rules.clone(), |r| r.0.clone());
        let entities: Vec<_> = world
            .get_resource::<Roster>()
            .map(|roster| roster.entities().collect())
            .unwrap_or_default();
        let mut query = world.query::<(&Player, &Body, &Heading, &Life, &Score)>();
        let snakes = entities
            .into_iter()
            .filter_map(|entity| query.get(world, entity).ok())
            .map(|(player, body, heading, life, score)| SnakeView {
                player: player.id,
                name: player.name.clone(),
                body: body.0.iter().copied().collect(),
                dir: heading.0,
                alive: *life == Life::Alive,
                score: score.0,
                respawn_in: match *life {
                    Life::Dead { respawn_in } => respawn_in,
                    Life::Alive | Life::Crashed => 0,
                },
            })
            .collect();
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
