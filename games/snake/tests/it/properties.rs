//! Invariants that hold after every tick, whatever players do.

use std::collections::{BTreeMap, HashSet};

use proptest::prelude::*;
use snake::testing::Stepper;
use snake::{Dir, SnakeRules, SnakeState};

use crate::p;

#[derive(Debug, Clone)]
enum Op {
    Join(u32),
    Leave(u32),
    Turn(u32, Dir),
    Step,
}

fn op() -> impl Strategy<Value = Op> {
    let dir = prop_oneof![
        Just(Dir::Up),
        Just(Dir::Down),
        Just(Dir::Left),
        Just(Dir::Right)
    ];
    prop_oneof![
        1 => (0u32..6).prop_map(Op::Join),
        1 => (0u32..6).prop_map(Op::Leave),
        6 => ((0u32..6), dir).prop_map(|(id, d)| Op::Turn(id, d)),
        6 => Just(Op::Step),
    ]
}

fn rules() -> impl Strategy<Value = SnakeRules> {
    (
        10u8..=16,
        10u8..=16,
        2u8..=5,
        0u16..=6,
        0u16..=6,
        0u16..=3,
        1u8..=3,
    )
        .prop_map(
            |(width, height, start_len, respawn_ticks, food_base, food_per_player, queue)| {
                SnakeRules {
                    width,
                    height,
                    start_len,
                    respawn_ticks,
                    food_base,
                    food_per_player,
                    max_queued_turns: queue,
                    ..SnakeRules::default()
                }
            },
        )
}

/// Checks one state; returns why it is wrong.
fn check(state: &SnakeState, rules: &SnakeRules) -> Result<(), String> {
    let ids: Vec<_> = state.snakes.iter().map(|s| s.player).collect();
    if !ids.is_sorted_by(|a, b| a < b) {
        return Err(format!("snakes not sorted by id: {ids:?}"));
    }
    let mut taken = HashSet::new();
    for snake in &state.snakes {
        if !snake.alive {
            if !snake.body.is_empty() || snake.respawn_in > rules.respawn_ticks {
                return Err(format!("bad dead snake {snake:?}"));
            }
            continue;
        }
        if snake.respawn_in != 0 || snake.body.len() < 2 {
            return Err(format!("bad live snake {snake:?}"));
        }
        for pair in snake.body.windows(2) {
            if !pair[0].is_adjacent(pair[1]) {
                return Err(format!("body not contiguous {snake:?}"));
            }
        }
        if snake.body[1].step(snake.dir, rules.width, rules.height) != Some(snake.body[0]) {
            return Err(format!("head not ahead of neck {snake:?}"));
        }
        for &cell in &snake.body {
            if !state.contains(cell) {
                return Err(format!("body out of bounds {snake:?}"));
            }
            if !taken.insert(cell) {
                return Err(format!("cell {cell:?} shared, at {snake:?}"));
            }
        }
    }
    let mut food = HashSet::new();
    for &cell in &state.food {
        if !state.contains(cell) || taken.contains(&cell) || !food.insert(cell) {
            return Err(format!("bad food at {cell:?}"));
        }
    }
    let target = rules.food_target(state.snakes.len());
    let full = taken.len() + food.len() == rules.area();
    if state.food.len() > target || (state.food.len() < target && !full) {
        return Err(format!(
            "{} food for a target of {target} with room left",
            state.food.len()
        ));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn rules_hold_every_tick_under_random_play(
        rules in rules(),
        seed in any::<u64>(),
        ops in prop::collection::vec(op(), 1..400),
    ) {
        let mut room = Stepper::new(rules.clone(), seed);
        let mut scores: BTreeMap<u32, u32> = BTreeMap::new();
        for op in ops {
            match op {
                Op::Join(id) => room.join(p(id)),
                Op::Leave(id) => {
                    room.leave(p(id));
                    scores.remove(&id);
                }
                Op::Turn(id, dir) => room.turn(p(id), dir),
                Op::Step => {
                    let state = room.step();
                    if let Err(why) = check(&state, &rules) {
                        prop_assert!(false, "{why}\n{state:?}");
                    }
                    for snake in &state.snakes {
                        let before = scores.insert(snake.player.0, snake.score).unwrap_or(0);
                        prop_assert!(snake.score >= before, "score went down for {:?}", snake.player);
                    }
                }
            }
        }
    }
}
