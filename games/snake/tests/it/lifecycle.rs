//! Joining, dying, respawning and leaving.

use snake::testing::Stepper;
use snake::{Dir, SnakeInput, SnakeRules};
use tickwire_game::Game;

use crate::{bare_room, bare_rules, c, p};

#[test]
fn a_joining_player_enters_play_at_once_with_a_straight_body() {
    let rules = SnakeRules::default();
    let mut room = Stepper::new(rules.clone(), 5);
    room.join(p(7));
    let state = room.state();
    let snake = state.snake(p(7)).unwrap();
    assert!(snake.alive);
    assert_eq!(snake.name, "p7");
    assert_eq!(snake.len(), usize::from(rules.start_len));
    for pair in snake.body.windows(2) {
        assert_eq!(
            pair[1].step(snake.dir, rules.width, rules.height),
            Some(pair[0])
        );
    }
}

#[test]
fn dead_snake_respawns_after_respawn_ticks_with_score_kept() {
    let respawn = bare_rules().respawn_ticks;
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(1, 5), c(2, 5), c(3, 5)], Dir::Left);
    room.set_food(&[c(0, 5)]);
    let state = room.step();
    assert_eq!(state.snake(p(1)).unwrap().score, 1);
    let state = room.step();
    assert_eq!(state.snake(p(1)).unwrap().respawn_in, respawn);
    for left in (1..respawn).rev() {
        let state = room.step();
        let snake = state.snake(p(1)).unwrap();
        assert!(!snake.alive);
        assert_eq!(snake.respawn_in, left);
    }
    let state = room.step();
    let snake = state.snake(p(1)).unwrap();
    assert!(snake.alive);
    assert_eq!(snake.respawn_in, 0);
    assert_eq!(snake.len(), usize::from(bare_rules().start_len));
    assert_eq!(snake.score, 1);
}

#[test]
fn a_joiner_waits_for_a_free_spot() {
    let mut room = bare_room(&[]);
    let everywhere: Vec<_> = (0..20)
        .flat_map(|y| (0..20).map(move |x| c(x, y)))
        .collect();
    room.set_food(&everywhere);
    room.join(p(1));
    let state = room.step();
    let snake = state.snake(p(1)).unwrap();
    assert!(!snake.alive);
    assert_eq!(snake.respawn_in, 0);
    room.set_food(&[]);
    assert!(room.step().snake(p(1)).unwrap().alive);
}

#[test]
fn remove_player_removes_the_snake_from_the_snapshot() {
    let mut room = bare_room(&[1, 2, 3]);
    room.leave(p(2));
    let state = room.step();
    let players: Vec<_> = state.snakes.iter().map(|s| s.player).collect();
    assert_eq!(players, vec![p(1), p(3)]);
    // Leaving twice, or inputs from someone who left, change nothing.
    room.leave(p(2));
    room.turn(p(2), Dir::Up);
    assert_eq!(room.step().snakes.len(), 2);
}

#[test]
fn a_player_joining_twice_keeps_one_snake() {
    let mut room = bare_room(&[1]);
    let before = room.state();
    room.join(p(1));
    assert_eq!(room.state(), before);
}

#[test]
fn inputs_to_a_dead_snake_are_dropped() {
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(0, 5), c(1, 5), c(2, 5)], Dir::Left);
    room.step();
    room.turn(p(1), Dir::Up);
    room.turn(p(1), Dir::Left);
    let state = room.step_n(usize::from(bare_rules().respawn_ticks));
    let snake = state.snake(p(1)).unwrap();
    assert!(snake.alive);
    // Freshly spawned snakes face their longest free run, not a stale queued turn.
    let next = room.step();
    assert_eq!(next.snake(p(1)).unwrap().dir, snake.dir);
}

#[test]
fn calls_before_build_room_are_ignored() {
    let game = snake::Snake::default();
    let mut world = bevy_ecs::world::World::new();
    game.add_player(&mut world, p(1), "early");
    game.apply_input(&mut world, p(1), SnakeInput { dir: Dir::Up });
    game.remove_player(&mut world, p(1));
    let state = game.snapshot(&mut world);
    assert!(state.snakes.is_empty());
}

#[test]
fn a_new_round_resets_scores_and_puts_everyone_back_on_the_board() {
    let mut room = Stepper::new(bare_rules(), 3);
    room.join(p(1));
    room.join(p(2));
    room.place(p(1), &[c(5, 5), c(4, 5)], Dir::Right);
    room.set_food(&[c(6, 5)]);
    room.step();
    assert_eq!(room.state().snake(p(1)).unwrap().score, 1);
    room.start_round();
    assert_eq!(room.scores(), vec![(p(1), 0), (p(2), 0)]);
    let state = room.step();
    for id in [1, 2] {
        let snake = state.snake(p(id)).unwrap();
        assert!(snake.alive && !snake.body.is_empty(), "{snake:?}");
    }
}
