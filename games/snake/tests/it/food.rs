//! Eating, scoring and keeping food at its target count.

use snake::testing::Stepper;
use snake::{Dir, SnakeRules};

use crate::{bare_room, c, p};

#[test]
fn eating_food_grows_and_scores() {
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(10, 10), c(9, 10), c(8, 10)], Dir::Right);
    room.set_food(&[c(11, 10)]);
    let state = room.step();
    let snake = state.snake(p(1)).unwrap();
    assert_eq!(snake.body, vec![c(11, 10), c(10, 10), c(9, 10), c(8, 10)]);
    assert_eq!(snake.score, 1);
    assert!(state.food.is_empty());
    // The next tick it moves without growing.
    let state = room.step();
    assert_eq!(state.snake(p(1)).unwrap().len(), 4);
}

#[test]
fn food_is_kept_at_its_target_count() {
    let rules = SnakeRules::default();
    let mut room = Stepper::new(rules.clone(), 3);
    for id in 1..=3 {
        room.join(p(id));
    }
    let state = room.step();
    assert_eq!(state.food.len(), rules.food_target(3));
    // Feed snake 1 the cell in front of it; the eaten food is replaced within the tick.
    let snake = state.snake(p(1)).unwrap();
    let ahead = snake
        .head()
        .unwrap()
        .step(snake.dir, rules.width, rules.height);
    let mut food = state.food.clone();
    food[0] = ahead.unwrap();
    room.set_food(&food);
    let state = room.step();
    assert_eq!(state.snake(p(1)).unwrap().score, 1);
    assert_eq!(state.food.len(), rules.food_target(3));
    assert!(!state.food.contains(&ahead.unwrap()));
}

#[test]
fn food_target_shrinks_when_players_leave() {
    let rules = SnakeRules::default();
    let mut room = Stepper::new(rules.clone(), 4);
    for id in 1..=4 {
        room.join(p(id));
    }
    assert_eq!(room.step().food.len(), rules.food_target(4));
    room.leave(p(2));
    room.leave(p(3));
    assert_eq!(room.step().food.len(), rules.food_target(2));
}

#[test]
fn a_snake_that_eats_and_dies_in_the_same_tick_keeps_the_score() {
    let mut room = bare_room(&[1, 2]);
    room.place(p(1), &[c(3, 3), c(2, 3), c(1, 3)], Dir::Right);
    room.place(p(2), &[c(5, 3), c(6, 3), c(7, 3)], Dir::Left);
    room.set_food(&[c(4, 3)]);
    let state = room.step();
    for id in [1, 2] {
        let snake = state.snake(p(id)).unwrap();
        assert!(!snake.alive);
        assert_eq!(snake.score, 1);
    }
    assert!(state.food.is_empty());
}
