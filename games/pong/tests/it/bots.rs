//! The bot brain: it reads a client's state and holds what returns the ball.

use pong::testing::Stepper;
use pong::{Motion, PongState, Side, bot};
use tickwire::PlayerId;

use crate::{ball, endless, p, room};

/// Plays `ticks` ticks with every seated player driven by the bot, returning the states.
fn bots_play(room: &mut Stepper, ticks: usize) -> Vec<PongState> {
    let mut states = Vec::with_capacity(ticks);
    for _ in 0..ticks {
        let state = room.state();
        let players: Vec<PlayerId> = state.paddles.iter().map(|paddle| paddle.player).collect();
        for player in players {
            room.hold(player, bot::choose(&state, player).motion);
        }
        states.push(room.step());
    }
    states
}

/// Paddle hits and points over `states`, by the side that hit or conceded.
fn hits_and_misses(states: &[PongState], side: Side) -> (usize, usize) {
    let toward = i16::from(side.sign());
    let hits = states
        .windows(2)
        .filter(|w| w[0].ball.vx.signum() == toward && w[1].ball.vx.signum() == -toward)
        .filter(|w| w[1].serve_in == 0)
        .count();
    let misses = states
        .windows(2)
        .filter(|w| w[0].serve_in == 0 && w[1].serve_in > 0 && w[0].ball.vx.signum() == toward)
        .count();
    (hits, misses)
}

#[test]
fn a_practising_bot_returns_most_balls() {
    let mut room = room(&[1]);
    let states = bots_play(&mut room, 6_000);
    let (hits, misses) = hits_and_misses(&states, Side::Left);
    println!("practice: {hits} hits {misses} misses");
    assert!(hits >= 25, "{hits} hits");
    assert!(misses * 4 <= hits, "{hits} hits, {misses} misses");
}

#[test]
fn two_bots_rally_and_sometimes_score() {
    let mut room = room(&[1, 2]);
    let states = bots_play(&mut room, 9_000);
    let (left_hits, left_misses) = hits_and_misses(&states, Side::Left);
    let (right_hits, right_misses) = hits_and_misses(&states, Side::Right);
    println!(
        "two bots: left {left_hits} hits {left_misses} misses, right {right_hits} hits {right_misses} misses"
    );
    assert!(
        left_hits >= 30 && right_hits >= 30,
        "{left_hits} and {right_hits} hits"
    );
    let last = states.last().unwrap();
    let points: u32 = last.paddles.iter().map(|paddle| paddle.score).sum();
    assert!(points >= 1, "angled shots beat a bot now and then");
}

#[test]
fn the_bot_heads_for_where_the_ball_will_cross_its_face() {
    let mut room = room(&[1, 2]);
    // Heading left and down: it crosses the left face lower down, after no bounce.
    room.place_ball(ball(300, 500, -20, 8));
    let state = room.state();
    assert_eq!(
        bot::intercept(&state, Side::Left),
        Some((500 + 8 * (300 - 72) / 20, (300 - 72) / 20))
    );
    assert_eq!(bot::choose(&state, p(1)).motion, Motion::Down);
    assert_eq!(bot::intercept(&state, Side::Right), None, "heading away");
    // Off the bottom wall and back up: the intercept is folded into the court.
    room.place_ball(ball(800, 900, -20, 20));
    let state = room.state();
    let (y, _) = bot::intercept(&state, Side::Left).unwrap();
    assert!((12..=988).contains(&y), "{y}");
}

#[test]
fn the_bot_waits_in_the_middle_when_the_ball_is_not_coming() {
    let mut room = room(&[1, 2]);
    room.place_paddle(p(1), 200);
    room.place_ball(ball(800, 500, 20, 0));
    assert_eq!(bot::choose(&room.state(), p(1)).motion, Motion::Down);
    room.place_paddle(p(1), 500);
    assert_eq!(bot::choose(&room.state(), p(1)).motion, Motion::Stop);
}

#[test]
fn a_bot_without_a_paddle_holds_still() {
    let mut room = Stepper::new(endless(), 1);
    assert_eq!(bot::choose(&room.state(), p(1)).motion, Motion::Stop);
}
