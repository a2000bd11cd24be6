//! The ball: walls, paddle hits and their angles and speed-ups, no tunnelling at any speed,
//! points and serves, and practice against an empty end.

use pong::{BallView, Motion, PongRules, PongState, Side, physics};
use proptest::prelude::*;

use crate::{ball, endless, p, room};

/// Where the ball's centre touches the left paddle's face with the default court.
const LEFT_CONTACT: u16 = 72;
/// Where the ball's centre touches the right paddle's face.
const RIGHT_CONTACT: u16 = 1528;

#[test]
fn the_ball_bounces_off_the_top_and_bottom_walls() {
    let mut room = room(&[1, 2]);
    room.place_ball(ball(800, 15, 5, -10));
    // 15 - 10 = 5 is 7 past the top (the ball's edge at 12 units): it comes back to 19.
    assert_eq!(room.step().ball, ball(805, 19, 5, 10));
    // 980 + 10 = 990 is 2 past the bottom (the ball's edge at 988): it comes back to 986.
    room.place_ball(ball(800, 980, -5, 10));
    assert_eq!(room.step().ball, ball(795, 986, -5, -10));
}

#[test]
fn a_ball_in_play_flies_in_a_straight_line() {
    let mut room = room(&[1, 2]);
    room.place_ball(ball(800, 500, 14, -3));
    assert_eq!(room.step_n(10).ball, ball(940, 470, 14, -3));
}

#[test]
fn a_paddle_returns_the_ball_faster() {
    let rules = PongRules::default();
    let mut room = room(&[1, 2]);
    room.place_ball(ball(100, 500, -14, 0));
    assert_eq!(room.step().ball, ball(86, 500, -14, 0));
    // The leading edge reaches the face 14 units on, within this tick: the ball rests
    // against the paddle, heading back one unit per tick faster.
    let hit = ball(LEFT_CONTACT, 500, 14 + rules.speedup as i16, 0);
    assert_eq!(room.step().ball, hit);
    assert_eq!(room.step().ball, ball(LEFT_CONTACT + 15, 500, 15, 0));
    let state = room.state();
    assert!(state.paddles.iter().all(|paddle| paddle.score == 0));
}

#[test]
fn the_right_paddle_returns_the_ball_too() {
    let mut room = room(&[1, 2]);
    room.place_ball(ball(RIGHT_CONTACT - 5, 500, 20, 0));
    assert_eq!(room.step().ball, ball(RIGHT_CONTACT, 500, -21, 0));
}

#[test]
fn speed_stops_growing_at_max_speed() {
    let max = PongRules::default().max_speed as i16;
    let mut room = room(&[1, 2]);
    room.place_ball(ball(LEFT_CONTACT + 30, 500, -max, 0));
    assert_eq!(room.step().ball, ball(LEFT_CONTACT, 500, max, 0));
    room.place_ball(ball(LEFT_CONTACT + 30, 500, -(max - 1), 0));
    assert_eq!(room.step().ball.vx, max, "one short of the cap reaches it");
}

#[test]
fn the_angle_off_a_paddle_follows_where_it_struck() {
    let vy_after = |y: u16| {
        let mut room = room(&[1, 2]);
        room.place_ball(ball(LEFT_CONTACT + 10, y, -20, 0));
        let state = room.step();
        assert_eq!(state.ball.x, LEFT_CONTACT, "hit at y {y}");
        state.ball.vy
    };
    assert_eq!(vy_after(500), 0, "dead centre is straight");
    assert!(
        vy_after(530) > 0 && vy_after(470) < 0,
        "away from the centre"
    );
    assert_eq!(vy_after(530), -vy_after(470), "symmetric");
    assert!(vy_after(580) > vy_after(530), "steeper further out");
    // At the very tip (80 + 12 units out) the slope is max_slope_pct of the new speed.
    assert_eq!(vy_after(592), 21 * 75 / 100);
    // One unit further, it misses.
    let mut room = room(&[1, 2]);
    room.place_ball(ball(LEFT_CONTACT + 10, 593, -20, 0));
    assert!(room.step().ball.vx < 0);
}

#[test]
fn a_miss_scores_for_the_other_side_and_the_ball_is_served_at_the_conceder() {
    let rules = endless();
    let mut room = room(&[1, 2]);
    room.place_paddle(p(1), 100);
    room.place_ball(ball(200, 800, -30, 0));
    let mut state = room.step();
    while state.serve_in == 0 {
        state = room.step();
    }
    assert_eq!(state.paddle(p(2)).unwrap().score, 1, "right scores");
    assert_eq!(state.paddle(p(1)).unwrap().score, 0);
    assert_eq!(room.scores(), vec![(p(1), 0), (p(2), 1)]);
    assert_eq!(state.serve_in, rules.serve_ticks);
    assert_eq!(state.ball, ball(800, 500, 0, 0), "resting at the centre");
    for left in (1..rules.serve_ticks).rev() {
        let state = room.step();
        assert_eq!((state.serve_in, state.ball), (left, ball(800, 500, 0, 0)));
    }
    let served = room.step();
    assert_eq!(served.serve_in, 0);
    assert_eq!(
        served.ball.vx,
        -(rules.serve_speed as i16),
        "toward the conceder"
    );
    assert!(served.ball.vy.unsigned_abs() <= rules.serve_spread);
    assert_eq!(
        served.ball.x,
        800 - rules.serve_speed,
        "moves the tick it is served"
    );
}

#[test]
fn the_ball_is_not_served_once_someone_has_won_the_round() {
    let rules = PongRules {
        points_to_win: 1,
        ..PongRules::default()
    };
    let mut room = pong::testing::Stepper::new(rules.clone(), 1);
    room.join(p(1));
    room.join(p(2));
    room.place_paddle(p(2), 100);
    room.place_ball(ball(1400, 800, 30, 0));
    let state = room.step_n(200);
    assert_eq!(state.paddle(p(1)).unwrap().score, 1);
    assert_eq!(state.serve_in, rules.serve_ticks, "held, not counting down");
    assert_eq!(state.ball, ball(800, 500, 0, 0));
    room.start_round();
    assert_eq!(
        room.step_n(usize::from(rules.serve_ticks)).serve_in,
        0,
        "served again"
    );
}

#[test]
fn with_one_player_the_empty_end_is_a_wall() {
    let mut room = room(&[1]);
    assert_eq!(room.state().paddles[0].side, Side::Left);
    room.place_ball(ball(1570, 500, 20, 3));
    // 1590 is 2 past where the ball touches the right end (1588): it comes back to 1586.
    assert_eq!(room.step().ball, ball(1586, 503, -20, 3));
    let state = room.step_n(300);
    assert!(state.paddles.iter().all(|paddle| paddle.score == 0));
}

#[test]
fn in_practice_a_miss_scores_for_nobody_and_the_ball_is_served_again() {
    let mut room = room(&[1, 2]);
    room.leave(p(1));
    room.place_paddle(p(2), 100);
    room.place_ball(ball(1400, 800, 30, 0));
    let mut state = room.step();
    while state.serve_in == 0 {
        state = room.step();
    }
    assert_eq!(state.paddle(p(2)).unwrap().score, 0);
    let state = room.step_n(usize::from(state.serve_in));
    assert_eq!(
        state.ball.vx, 14,
        "served toward the conceder, on the right"
    );
}

#[test]
fn with_nobody_seated_the_ball_rests() {
    let mut room = room(&[1]);
    room.place_ball(ball(700, 300, 20, 5));
    room.leave(p(1));
    let state = room.step_n(100);
    assert_eq!(state.ball, ball(800, 500, 0, 0));
    assert_eq!(state.serve_in, endless().serve_ticks);
    assert!(state.paddles.is_empty());
}

#[test]
fn a_rally_between_still_paddles_goes_on_and_speeds_up() {
    let mut room = room(&[1, 2]);
    room.place_ball(ball(800, 500, 14, 0));
    let state = room.step_n(3_000);
    assert_eq!(state.serve_in, 0, "never missed");
    assert_eq!(state.ball.vx.unsigned_abs(), PongRules::default().max_speed);
}

/// How the ball's path during one tick crossed the face of the left paddle, if it did:
/// the crossing `y` as a fraction `num / den`, computed independently of the game.
fn left_crossing(court: &pong::Court, before: BallView, after: BallView) -> Option<(i64, i64)> {
    let r = i64::from(court.ball_radius);
    let face = court.face(Side::Left);
    let (lead0, lead1) = (i64::from(before.x) - r, i64::from(after.x) - r);
    if before.vx >= 0 || lead0 < face || lead1 > face {
        return None;
    }
    let den = lead0 - lead1;
    let num = i64::from(before.y) * den + i64::from(before.vy) * (lead0 - face);
    Some((num, den))
}

proptest! {
    /// At any speed up to the maximum, from any position and phase, a ball whose straight
    /// path crosses the left paddle's face within its reach comes back; one that comes back
    /// met the paddle.
    #[test]
    fn no_speed_tunnels_through_a_paddle(
        paddle_y in 80u16..=920,
        speed in 1i16..=40,
        vy in -30i16..=30,
        y in 12u16..=988,
        distance in 0u16..400,
    ) {
        let mut room = room(&[1, 2]);
        room.place_paddle(p(1), paddle_y);
        room.place_ball(ball(LEFT_CONTACT + distance, y, -speed, vy));
        let court = room.state().court;
        let reach = i64::from(court.paddle_height / 2 + court.ball_radius);
        let mut before = room.state().ball;
        for _ in 0..200 {
            let state: PongState = room.step();
            let after = state.ball;
            if state.serve_in > 0 {
                break;
            }
            if after.vx > 0 {
                prop_assert_eq!(after.x, LEFT_CONTACT, "returned from the paddle face");
                let offset = i64::from(after.y) - i64::from(paddle_y);
                prop_assert!(offset.abs() <= reach, "hit within reach: {:?}", after);
                break;
            }
            // Still heading left: if its straight path (no wall bounce this tick) crossed
            // the face, it must have been outside the paddle's reach.
            if after.vy == before.vy
                && let Some((num, den)) = left_crossing(&court, before, after)
            {
                let offset = num - i64::from(paddle_y) * den;
                prop_assert!(
                    offset.abs() > (reach - 1) * den,
                    "{:?} -> {:?} passed through a paddle at {}", before, after, paddle_y
                );
            }
            before = after;
        }
    }

    /// A level ball at full speed aimed anywhere within the paddle's reach always returns,
    /// whatever fraction of a tick away from the face it starts.
    #[test]
    fn a_level_ball_at_max_speed_aimed_at_the_paddle_always_returns(
        paddle_y in 80u16..=920,
        offset in -92i32..=92,
        phase in 0u16..40,
    ) {
        let y = u16::try_from((i32::from(paddle_y) + offset).clamp(12, 988)).unwrap();
        let mut room = room(&[1, 2]);
        room.place_paddle(p(1), paddle_y);
        room.place_ball(ball(LEFT_CONTACT + 400 + phase, y, -40, 0));
        let state = room.step_n(11);
        prop_assert_eq!(state.serve_in, 0);
        prop_assert!(state.ball.vx > 0, "{:?}", state.ball);
    }

    /// The physics keeps the ball on the court for any state valid rules produce.
    #[test]
    fn the_ball_stays_on_the_court(
        x in 72u16..=1528,
        y in 12u16..=988,
        vx in -40i16..=40,
        vy in -30i16..=30,
        left in prop::option::of(80u16..=920),
        right in prop::option::of(80u16..=920),
    ) {
        let court = PongRules::default().court();
        let (after, flight) = physics::step_ball(&court, ball(x, y, vx, vy), [left, right]);
        if !matches!(flight, physics::Flight::Missed(_)) {
            prop_assert!((12..=1588).contains(&after.x), "{:?}", after);
            prop_assert!((12..=988).contains(&after.y), "{:?}", after);
        }
    }
}

#[test]
fn a_held_paddle_still_blocks_while_moving() {
    let mut room = room(&[1, 2]);
    room.place_paddle(p(1), 300);
    room.hold(p(1), Motion::Down);
    // The paddle moves first each tick, then the ball meets it where it now is.
    room.place_ball(ball(LEFT_CONTACT + 10, 400, -20, 0));
    let state = room.step();
    assert_eq!(state.paddle(p(1)).unwrap().y, 324);
    assert_eq!(state.ball.x, LEFT_CONTACT);
    assert!(state.ball.vx > 0);
}
