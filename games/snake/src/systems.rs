//! The rules of snake as small systems, one step of a tick each, chained by [`build_room`]
//! in the order documented there (each relies on the ones before it having run), and what
//! a player's turn and a new round do to the room.

use bevy_ecs::prelude::{IntoScheduleConfigs, Query, Res, ResMut, Schedule, World};
use tickwire::PlayerId;

use crate::board::Board;
use crate::components::{Body, Food, Heading, Life, Rng, Roster, Rules, Score, Tick, Turns};
use crate::protocol::{Cell, Dir};
use crate::rules::SnakeRules;
use crate::spawn::{find_free_cell, find_spawn, spawn_board};
use tickwire_game::SplitMix64;

/// A new room playing by `rules`, its randomness seeded by `seed`: the resources the systems
/// share, and the schedule of one tick.
pub(crate) fn build_room(
    world: &mut World,
    schedule: &mut Schedule,
    rules: &SnakeRules,
    seed: u64,
) {
    world.insert_resource(Rules(rules.clone()));
    world.insert_resource(Rng(SplitMix64::new(seed)));
    world.insert_resource(Food::default());
    world.insert_resource(Tick::default());
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

/// Queues `player`'s turn to `dir` for [`apply_turns`] (see [`Turns::push`]) if its snake is
/// alive; the turns of dead or unknown players are dropped.
pub(crate) fn queue_turn(world: &mut World, player: PlayerId, dir: Dir) {
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
        turns.push(dir, heading.0, max);
    }
}

/// A new round: every snake leaves the board with its score reset, and re-enters at a fresh
/// spot on the round's first tick ([`respawn_snakes`]).
pub(crate) fn start_round(world: &mut World) {
    let mut snakes = world.query::<(&mut Life, &mut Body, &mut Turns, &mut Score)>();
    for (mut life, mut body, mut turns, mut score) in snakes.iter_mut(world) {
        *life = Life::Dead { respawn_in: 0 };
        body.0.clear();
        turns.0.clear();
        score.0 = 0;
    }
}

/// Counts the tick this schedule run produces.
pub(crate) fn advance_tick(mut tick: ResMut<Tick>) {
    tick.0 = tick.0.wrapping_add(1);
}

/// Dead snakes wait one tick less. Runs before anything can die this tick, so a snake killed
/// now waits the full `respawn_ticks`.
pub(crate) fn count_down_respawns(mut lives: Query<&mut Life>) {
    for mut life in &mut lives {
        if let Life::Dead { respawn_in } = &mut *life
            && *respawn_in > 0
        {
            *respawn_in -= 1;
        }
    }
}

/// Each live snake takes at most one queued turn. A turn that would reverse or repeat the
/// heading it has now is dropped in favour of the next one, so no sequence of inputs can
/// turn a snake back into its own neck.
pub(crate) fn apply_turns(mut snakes: Query<(&Life, &mut Heading, &mut Turns)>) {
    for (life, mut heading, mut turns) in &mut snakes {
        if *life != Life::Alive {
            continue;
        }
        while let Some(dir) = turns.0.pop_front() {
            if dir.turns_from(heading.0) {
                heading.0 = dir;
                break;
            }
        }
    }
}

/// Every live snake moves its head one cell. A snake whose head lands on food eats it: it
/// keeps its tail this tick and scores. The others drop their tail. A head that would leave
/// the grid crashes into the wall; its tail still moves, so others see the same body they
/// would have had it not crashed.
///
/// Food is judged against the board as it was before anyone moved, so two heads reaching
/// the same food both eat it (and both die head-on).
pub(crate) fn move_snakes(
    rules: Res<Rules>,
    mut food: ResMut<Food>,
    mut snakes: Query<(&mut Life, &Heading, &mut Body, &mut Score)>,
) {
    let mut eaten: Vec<Cell> = Vec::new();
    for (mut life, heading, mut body, mut score) in &mut snakes {
        if *life != Life::Alive {
            continue;
        }
        let next = body
            .head()
            .and_then(|head| head.step(heading.0, rules.0.width, rules.0.height));
        let Some(next) = next else {
            *life = Life::Crashed;
            body.0.pop_back();
            continue;
        };
        body.0.push_front(next);
        if food.0.contains(&next) {
            score.0 = score.0.saturating_add(1);
            eaten.push(next);
        } else {
            body.0.pop_back();
        }
    }
    if !eaten.is_empty() {
        food.0.retain(|cell| !eaten.contains(cell));
    }
}

/// Judges every head against every body at once, after all moves: a head on any other body
/// cell (its own, another snake's, or another head) crashes. Tails that moved this tick no
/// longer count, so following a tail is safe; two heads swapping cells each land on the
/// other's neck, so both crash. Bodies of snakes that hit the wall this tick still count.
pub(crate) fn detect_collisions(rules: Res<Rules>, mut snakes: Query<(&mut Life, &Body)>) {
    let mut bodies = Board::new(rules.0.width, rules.0.height);
    for (life, body) in &snakes {
        if life.is_on_board() {
            body.0.iter().for_each(|&cell| bodies.add(cell));
        }
    }
    for (mut life, body) in &mut snakes {
        if *life == Life::Alive
            && let Some(head) = body.head()
            && bodies.get(head).is_none_or(|count| count > 1)
        {
            *life = Life::Crashed;
        }
    }
}

/// Crashed snakes leave the board: they lose their body and queued turns (never their score)
/// and start waiting `respawn_ticks`.
pub(crate) fn bury_crashed(
    rules: Res<Rules>,
    mut snakes: Query<(&mut Life, &mut Body, &mut Turns)>,
) {
    for (mut life, mut body, mut turns) in &mut snakes {
        if *life == Life::Crashed {
            *life = Life::Dead {
                respawn_in: rules.0.respawn_ticks,
            };
            body.0.clear();
            turns.0.clear();
        }
    }
}

/// Snakes done waiting enter play at a free spot, in player id order so the random stream is
/// consumed deterministically. One that finds no spot tries again next tick.
pub(crate) fn respawn_snakes(
    rules: Res<Rules>,
    roster: Res<Roster>,
    food: Res<Food>,
    mut rng: ResMut<Rng>,
    mut snakes: Query<(&mut Life, &mut Body, &mut Heading)>,
) {
    let waiting = |life: &Life| *life == Life::Dead { respawn_in: 0 };
    if !snakes.iter().any(|(life, _, _)| waiting(life)) {
        return;
    }
    let (mut board, mut heads) = spawn_board(
        &rules.0,
        &food.0,
        snakes.iter().map(|(life, body, _)| (*life, &body.0)),
    );
    for entity in roster.entities() {
        let Ok((mut life, mut body, mut heading)) = snakes.get_mut(entity) else {
            continue;
        };
        if !waiting(&life) {
            continue;
        }
        let Some(spot) = find_spawn(&board, &heads, rules.0.start_len, &mut rng.0) else {
            continue;
        };
        spot.body.iter().for_each(|&cell| board.add(cell));
        heads.extend(spot.body.front().copied());
        *life = Life::Alive;
        body.0 = spot.body;
        heading.0 = spot.heading;
    }
}

/// Tops food up to its target for the current number of players, on random free cells, and
/// trims any excess left when players leave. Stops early if the board is full.
pub(crate) fn replenish_food(
    rules: Res<Rules>,
    mut rng: ResMut<Rng>,
    mut food: ResMut<Food>,
    snakes: Query<(&Life, &Body)>,
) {
    let target = rules.0.food_target(snakes.iter().count());
    if food.0.len() > target {
        food.0.truncate(target);
    }
    if food.0.len() == target {
        return;
    }
    let (mut board, _) = spawn_board(
        &rules.0,
        &food.0,
        snakes.iter().map(|(life, body)| (*life, &body.0)),
    );
    while food.0.len() < target {
        let Some(cell) = find_free_cell(&board, &mut rng.0) else {
            break;
        };
        board.add(cell);
        food.0.push(cell);
    }
}
