//! Held inputs: a paddle keeps moving while its player holds a direction, stops on Stop,
//! and never leaves the court.

use pong::{Motion, PongRules};

use crate::{p, room};

#[test]
fn a_held_paddle_keeps_moving_until_stop() {
    let speed = PongRules::default().paddle_speed;
    let mut room = room(&[1]);
    let start = room.state().paddle(p(1)).unwrap().y;
    assert_eq!(start, 500, "paddles start centred");
    room.hold(p(1), Motion::Down);
    let state = room.step();
    let paddle = state.paddle(p(1)).unwrap();
    assert_eq!(paddle.y, start + speed);
    assert_eq!(paddle.motion, Motion::Down, "clients see what is held");
    let state = room.step_n(3);
    assert_eq!(
        state.paddle(p(1)).unwrap().y,
        start + 4 * speed,
        "no new input, still moving"
    );
    room.hold(p(1), Motion::Stop);
    let state = room.step_n(5);
    assert_eq!(state.paddle(p(1)).unwrap().y, start + 4 * speed);
    room.hold(p(1), Motion::Up);
    let state = room.step();
    assert_eq!(state.paddle(p(1)).unwrap().y, start + 3 * speed);
}

#[test]
fn paddles_stop_at_the_walls() {
    let rules = PongRules::default();
    let half = rules.paddle_height / 2;
    let mut room = room(&[1, 2]);
    room.hold(p(1), Motion::Up);
    room.hold(p(2), Motion::Down);
    let state = room.step_n(200);
    assert_eq!(state.paddle(p(1)).unwrap().y, half);
    assert_eq!(state.paddle(p(2)).unwrap().y, rules.height - half);
    assert_eq!(state.paddle(p(1)).unwrap().motion, Motion::Up, "still held");
    let (low, high) = state.court.paddle_range();
    assert_eq!((low, high), (half, rules.height - half));
}

#[test]
fn a_paddle_stops_exactly_at_the_wall_not_short_of_it() {
    let mut room = room(&[1]);
    // 90 is not a whole number of 24-unit steps from the wall at 80.
    room.place_paddle(p(1), 90);
    room.hold(p(1), Motion::Up);
    assert_eq!(room.step().paddle(p(1)).unwrap().y, 80);
}

#[test]
fn the_latest_input_before_a_tick_wins() {
    let speed = PongRules::default().paddle_speed;
    let mut room = room(&[1]);
    room.hold(p(1), Motion::Up);
    room.hold(p(1), Motion::Stop);
    room.hold(p(1), Motion::Down);
    assert_eq!(room.step().paddle(p(1)).unwrap().y, 500 + speed);
}

#[test]
fn inputs_from_players_without_a_paddle_are_dropped() {
    let mut room = room(&[1, 2, 3]);
    room.hold(p(3), Motion::Down);
    room.hold(p(9), Motion::Up);
    let state = room.step();
    assert_eq!(state.paddles.len(), 2, "a third player is not seated");
    assert!(state.paddles.iter().all(|paddle| paddle.y == 500));
}
