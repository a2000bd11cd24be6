//! The rules of pong as small systems, one step of a tick each. [`crate::Pong`] chains them
//! in the order documented there; each relies on the ones before it having run.

use bevy_ecs::prelude::{Query, Res, ResMut};

use crate::components::{Ball, Held, Paddle, Rng, Rules, Score, Serve, Tick};
use crate::physics::{Flight, index, step_ball};
use crate::protocol::{BallView, Side};
use crate::rules::PongRules;
use tickwire_game::SplitMix64;

/// Counts the tick this schedule run produces.
pub(crate) fn advance_tick(mut tick: ResMut<Tick>) {
    tick.0 = tick.0.wrapping_add(1);
}

/// Every paddle moves `paddle_speed` the way its player holds, stopping at the walls.
pub(crate) fn move_paddles(rules: Res<Rules>, mut paddles: Query<(&mut Paddle, &Held)>) {
    let (low, high) = rules.0.court().paddle_range();
    let step = i32::from(rules.0.paddle_speed);
    for (mut paddle, held) in &mut paddles {
        let y = i32::from(paddle.y) + i32::from(held.0.sign()) * step;
        let y = y.clamp(i32::from(low), i32::from(high));
        paddle.y = u16::try_from(y).unwrap_or(paddle.y);
    }
}

/// Counts down to the next serve and launches the ball when it reaches 0. Holds the ball at
/// the centre, countdown full, while nobody is seated or once someone has won the round.
pub(crate) fn count_down_serve(
    rules: Res<Rules>,
    mut serve: ResMut<Serve>,
    mut ball: ResMut<Ball>,
    mut rng: ResMut<Rng>,
    paddles: Query<&Score>,
) {
    let target = rules.0.points_to_win;
    let won = target > 0 && paddles.iter().any(|s| s.0 >= u32::from(target));
    if paddles.is_empty() || won {
        serve.in_ticks = rules.0.serve_ticks;
        ball.0 = resting(&rules.0);
        return;
    }
    if serve.in_ticks == 0 {
        return;
    }
    serve.in_ticks -= 1;
    if serve.in_ticks == 0 {
        ball.0 = launched(&rules.0, serve.toward, &mut rng.0);
    }
}

/// The ball in play flies one tick (see [`step_ball`]). A miss scores for the paddle on the
/// other side, if any, and sets the ball to rest at the centre, to be served toward the side
/// that conceded after `serve_ticks`.
pub(crate) fn move_ball(
    rules: Res<Rules>,
    mut serve: ResMut<Serve>,
    mut ball: ResMut<Ball>,
    mut paddles: Query<(&Paddle, &mut Score)>,
) {
    if serve.in_ticks > 0 {
        return;
    }
    let mut ys = [None; 2];
    for (paddle, _) in &paddles {
        ys[index(paddle.side)] = Some(paddle.y);
    }
    let (moved, flight) = step_ball(&rules.0.court(), ball.0, ys);
    ball.0 = moved;
    if let Flight::Missed(conceded) = flight {
        for (paddle, mut score) in &mut paddles {
            if paddle.side == conceded.opposite() {
                score.0 = score.0.saturating_add(1);
            }
        }
        ball.0 = resting(&rules.0);
        *serve = Serve {
            in_ticks: rules.0.serve_ticks,
            toward: conceded,
        };
    }
}

/// The ball at the centre, waiting to be served.
pub(crate) fn resting(rules: &PongRules) -> BallView {
    let (x, y) = rules.court().centre();
    BallView { x, y, vx: 0, vy: 0 }
}

/// The ball just served from the centre toward `toward`, at `serve_speed` with a random
/// vertical speed within `serve_spread`.
fn launched(rules: &PongRules, toward: Side, rng: &mut SplitMix64) -> BallView {
    let vy = rng.spread(rules.serve_spread);
    let vx = i32::from(toward.sign()) * i32::from(rules.serve_speed);
    BallView {
        vx: i16::try_from(vx).unwrap_or(0),
        vy: i16::try_from(vy).unwrap_or(0),
        ..resting(rules)
    }
}

/// A random end for a round's first serve.
pub(crate) fn random_side(rng: &mut SplitMix64) -> Side {
    Side::ALL[rng.below(2) % 2]
}
