//! Heading, turning and the turn queue.

use snake::Dir;

use crate::{bare_room, c, p};

#[test]
fn a_snake_moves_one_cell_per_tick_in_its_heading() {
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(10, 10), c(9, 10), c(8, 10), c(7, 10)], Dir::Right);
    let state = room.step();
    let snake = state.snake(p(1)).unwrap();
    assert_eq!(snake.body, vec![c(11, 10), c(10, 10), c(9, 10), c(8, 10)]);
    let state = room.step();
    assert_eq!(state.snake(p(1)).unwrap().head(), Some(c(12, 10)));
}

#[test]
fn an_input_turns_the_snake() {
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(10, 10), c(9, 10), c(8, 10)], Dir::Right);
    room.turn(p(1), Dir::Up);
    let state = room.step();
    let snake = state.snake(p(1)).unwrap();
    assert_eq!(snake.head(), Some(c(10, 9)));
    assert_eq!(snake.dir, Dir::Up);
}

#[test]
fn reversal_into_own_neck_is_ignored() {
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(10, 10), c(9, 10), c(8, 10)], Dir::Right);
    room.turn(p(1), Dir::Left);
    let state = room.step();
    let snake = state.snake(p(1)).unwrap();
    assert!(snake.alive);
    assert_eq!(snake.head(), Some(c(11, 10)));
    assert_eq!(snake.dir, Dir::Right);
}

#[test]
fn two_quick_turns_are_applied_over_two_ticks() {
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(10, 10), c(9, 10), c(8, 10)], Dir::Right);
    room.turn(p(1), Dir::Down);
    room.turn(p(1), Dir::Right);
    let state = room.step();
    assert_eq!(state.snake(p(1)).unwrap().head(), Some(c(10, 11)));
    let state = room.step();
    let snake = state.snake(p(1)).unwrap();
    assert_eq!(snake.head(), Some(c(11, 11)));
    assert_eq!(snake.dir, Dir::Right);
}

#[test]
fn a_u_turn_via_two_queued_turns_does_not_kill_instantly() {
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(10, 10), c(9, 10), c(8, 10), c(7, 10)], Dir::Right);
    room.turn(p(1), Dir::Up);
    room.turn(p(1), Dir::Left);
    let state = room.step();
    assert_eq!(state.snake(p(1)).unwrap().head(), Some(c(10, 9)));
    let state = room.step();
    let snake = state.snake(p(1)).unwrap();
    assert!(snake.alive);
    assert_eq!(snake.body, vec![c(9, 9), c(10, 9), c(10, 10), c(9, 10)]);
}

#[test]
fn repeating_the_heading_is_ignored_and_does_not_fill_the_queue() {
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(10, 10), c(9, 10), c(8, 10)], Dir::Right);
    room.turn(p(1), Dir::Right);
    room.turn(p(1), Dir::Right);
    room.turn(p(1), Dir::Down);
    let state = room.step();
    assert_eq!(state.snake(p(1)).unwrap().head(), Some(c(10, 11)));
}

#[test]
fn turns_beyond_the_queue_limit_are_dropped() {
    // The default rules queue at most two turns.
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(10, 10), c(9, 10), c(8, 10)], Dir::Right);
    room.turn(p(1), Dir::Up);
    room.turn(p(1), Dir::Right);
    room.turn(p(1), Dir::Down);
    let heads: Vec<_> = (0..3)
        .map(|_| room.step().snake(p(1)).unwrap().head().unwrap())
        .collect();
    assert_eq!(heads, vec![c(10, 9), c(11, 9), c(12, 9)]);
}
