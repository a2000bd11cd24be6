//! The bot brain: it survives far better than chance and never reverses.

use snake::testing::Stepper;
use snake::{Dir, Snake, SnakeInput, SnakeRules, SnakeState, SplitMix64, bot};
use tickwire::{Bot, PlayerId};

use crate::{bare_room, c, p};

const PLAYERS: u32 = 8;
const TICKS: usize = 1500;

/// Deaths in a default room of eight snakes over `TICKS` ticks, each steered by `steer`.
fn deaths(seed: u64, mut steer: impl FnMut(&SnakeState, PlayerId) -> Option<Dir>) -> usize {
    let mut room = Stepper::new(SnakeRules::default(), seed);
    for id in 1..=PLAYERS {
        room.join(p(id));
    }
    let mut state = room.state();
    let mut deaths = 0;
    for _ in 0..TICKS {
        for id in 1..=PLAYERS {
            if let Some(dir) = steer(&state, p(id)) {
                room.turn(p(id), dir);
            }
        }
        let next = room.step();
        deaths += next
            .snakes
            .iter()
            .filter(|s| !s.alive && state.snake(s.player).is_some_and(|was| was.alive))
            .count();
        state = next;
    }
    deaths
}

#[test]
fn bots_die_far_less_than_random_movers() {
    let bot_deaths = deaths(9, bot::choose);
    let mut rng = SplitMix64::new(9);
    let random_deaths = deaths(9, |_, _| Some(Dir::ALL[rng.below(4)]));
    println!("over {TICKS} ticks: bots died {bot_deaths} times, random movers {random_deaths}");
    assert!(
        bot_deaths * 5 < random_deaths,
        "bots {bot_deaths}, random {random_deaths}"
    );
}

#[test]
fn choose_never_returns_the_reversal_of_the_current_dir() {
    let mut room = Stepper::new(SnakeRules::default(), 21);
    for id in 1..=PLAYERS {
        room.join(p(id));
    }
    let mut state = room.state();
    for _ in 0..500 {
        for snake in state.live_snakes() {
            let dir = bot::choose(&state, snake.player).unwrap();
            assert_ne!(dir, snake.dir.opposite());
            room.turn(snake.player, dir);
        }
        state = room.step();
    }
}

#[test]
fn choose_keeps_the_heading_when_boxed_in_rather_than_reversing() {
    let mut room = bare_room(&[1, 2]);
    // Heading left into the wall, its own body above and snake 2 below: nothing is safe.
    room.place(
        p(1),
        &[c(0, 5), c(1, 5), c(1, 4), c(0, 4), c(0, 3)],
        Dir::Left,
    );
    room.place(p(2), &[c(0, 6), c(1, 6), c(2, 6)], Dir::Left);
    let state = room.state();
    assert_eq!(bot::choose(&state, p(1)), Some(Dir::Left));
}

#[test]
fn choose_avoids_the_wall_ahead() {
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(0, 5), c(1, 5), c(2, 5)], Dir::Left);
    let state = room.state();
    let dir = bot::choose(&state, p(1)).unwrap();
    assert!(dir == Dir::Up || dir == Dir::Down, "{dir:?}");
}

#[test]
fn choose_heads_for_nearby_food() {
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(10, 10), c(9, 10), c(8, 10)], Dir::Right);
    room.set_food(&[c(10, 7)]);
    let state = room.state();
    assert_eq!(bot::choose(&state, p(1)), Some(Dir::Up));
}

#[test]
fn choose_avoids_a_cell_another_head_could_enter() {
    let mut room = bare_room(&[1, 2]);
    room.place(p(1), &[c(10, 10), c(9, 10), c(8, 10)], Dir::Right);
    // Snake 2's head is two cells ahead, so (11, 10) is contested.
    room.place(p(2), &[c(12, 10), c(13, 10), c(14, 10)], Dir::Left);
    let state = room.state();
    let dir = bot::choose(&state, p(1)).unwrap();
    assert_ne!(dir, Dir::Right);
}

#[test]
fn choose_returns_none_for_dead_or_absent_players() {
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(0, 5), c(1, 5), c(2, 5)], Dir::Left);
    let state = room.step();
    assert_eq!(bot::choose(&state, p(1)), None);
    assert_eq!(bot::choose(&state, p(99)), None);
}

#[test]
fn a_bot_turns_where_choose_points() {
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(10, 10), c(9, 10), c(8, 10)], Dir::Right);
    room.set_food(&[c(10, 7)]);
    let state = room.state();
    let up = Some(SnakeInput { dir: Dir::Up });
    assert_eq!(Snake::bot_input(&state, p(1), None), up);
    // A different turn on its way is no reason to keep quiet.
    let right = SnakeInput { dir: Dir::Right };
    assert_eq!(Snake::bot_input(&state, p(1), Some(&right)), up);
}

#[test]
fn a_bot_does_not_repeat_a_heading_it_has_or_has_sent() {
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(10, 10), c(9, 10), c(8, 10)], Dir::Right);
    room.set_food(&[c(14, 10)]);
    let state = room.state();
    assert_eq!(bot::choose(&state, p(1)), Some(Dir::Right));
    assert_eq!(Snake::bot_input(&state, p(1), None), None);

    room.set_food(&[c(10, 7)]);
    let state = room.state();
    let up = SnakeInput { dir: Dir::Up };
    assert_eq!(Snake::bot_input(&state, p(1), Some(&up)), None);
}

#[test]
fn a_bot_sends_nothing_for_dead_or_absent_players() {
    let mut room = bare_room(&[1]);
    room.place(p(1), &[c(0, 5), c(1, 5), c(2, 5)], Dir::Left);
    let state = room.step();
    assert_eq!(Snake::bot_input(&state, p(1), None), None);
    assert_eq!(Snake::bot_input(&state, p(99), None), None);
}
