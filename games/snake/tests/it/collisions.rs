//! Walls, bodies, head-on and swaps, all judged after every snake has moved.

use snake::{Dir, SnakeState};

use crate::{bare_room, bare_rules, c, p};

#[expect(
    clippy::unwrap_used,
    reason = "a missing snake should fail the test loudly"
)]
fn alive(state: &SnakeState, id: u32) -> bool {
    state.snake(p(id)).unwrap().alive
}

#[test]
fn hitting_the_wall_kills() {
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(0, 5), c(1, 5), c(2, 5)], Dir::Left);
    let state = room.step();
    let snake = state.snake(p(1)).unwrap();
    assert!(!snake.alive);
    assert!(snake.body.is_empty());
    assert_eq!(snake.respawn_in, bare_rules().respawn_ticks);
}

#[test]
fn hitting_the_far_wall_kills() {
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(10, 19), c(10, 18), c(10, 17)], Dir::Down);
    assert!(!alive(&room.step(), 1));
}

#[test]
fn hitting_own_body_kills() {
    let mut room = bare_room(&[1]);
    // Heading up along x = 5; turning right lands on its own fourth cell.
    room.place(
        p(1),
        &[c(5, 5), c(5, 6), c(6, 6), c(6, 5), c(6, 4)],
        Dir::Up,
    );
    room.turn(p(1), Dir::Right);
    assert!(!alive(&room.step(), 1));
}

#[test]
fn following_own_tail_into_its_vacated_cell_is_allowed() {
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(5, 5), c(5, 6), c(6, 6), c(6, 5)], Dir::Up);
    room.turn(p(1), Dir::Right);
    let state = room.step();
    let snake = state.snake(p(1)).unwrap();
    assert!(snake.alive);
    assert_eq!(snake.body, vec![c(6, 5), c(5, 5), c(5, 6), c(6, 6)]);
}

#[test]
fn hitting_another_body_kills_only_the_mover() {
    let mut room = bare_room(&[1, 2]);
    room.place(p(1), &[c(3, 4), c(2, 4), c(1, 4)], Dir::Right);
    room.place(p(2), &[c(4, 6), c(4, 5), c(4, 4), c(4, 3)], Dir::Down);
    let state = room.step();
    assert!(!alive(&state, 1));
    assert!(alive(&state, 2));
}

#[test]
fn following_another_snakes_tail_is_allowed() {
    let mut room = bare_room(&[1, 2]);
    room.place(p(1), &[c(3, 3), c(2, 3), c(1, 3)], Dir::Right);
    room.place(p(2), &[c(4, 5), c(4, 4), c(4, 3)], Dir::Down);
    let state = room.step();
    assert!(alive(&state, 1));
    assert!(alive(&state, 2));
    assert_eq!(state.snake(p(1)).unwrap().head(), Some(c(4, 3)));
}

#[test]
fn moving_into_the_tail_of_a_snake_that_just_ate_kills() {
    let mut room = bare_room(&[1, 2]);
    room.place(p(1), &[c(3, 3), c(2, 3), c(1, 3)], Dir::Right);
    room.place(p(2), &[c(4, 5), c(4, 4), c(4, 3)], Dir::Down);
    room.set_food(&[c(4, 6)]);
    let state = room.step();
    assert!(!alive(&state, 1));
    assert!(alive(&state, 2));
    assert_eq!(state.snake(p(2)).unwrap().len(), 4);
}

#[test]
fn head_on_collision_kills_both() {
    let mut room = bare_room(&[1, 2]);
    room.place(p(1), &[c(3, 3), c(2, 3), c(1, 3)], Dir::Right);
    room.place(p(2), &[c(5, 3), c(6, 3), c(7, 3)], Dir::Left);
    let state = room.step();
    assert!(!alive(&state, 1));
    assert!(!alive(&state, 2));
}

#[test]
fn swapping_heads_kills_both() {
    let mut room = bare_room(&[1, 2]);
    room.place(p(1), &[c(3, 3), c(2, 3), c(1, 3)], Dir::Right);
    room.place(p(2), &[c(4, 3), c(5, 3), c(6, 3)], Dir::Left);
    let state = room.step();
    assert!(!alive(&state, 1));
    assert!(!alive(&state, 2));
}

#[test]
fn a_snake_hitting_the_wall_still_blocks_its_body_that_tick() {
    let mut room = bare_room(&[1, 2]);
    room.place(p(1), &[c(0, 5), c(1, 5), c(2, 5)], Dir::Left);
    room.place(p(2), &[c(1, 7), c(1, 8), c(1, 9)], Dir::Up);
    let state = room.step();
    assert!(!alive(&state, 1));
    // Snake 2 reached (1, 6), next to the crashed body but not on it.
    assert!(alive(&state, 2));
    room.place(p(1), &[c(0, 5), c(1, 5), c(2, 5)], Dir::Left);
    let state = room.step();
    // Snake 1 crashed again, but its cells (1, 5) and (0, 5) counted when 2 moved onto (1, 5).
    assert!(!alive(&state, 2));
}
