//! A cheap pong brain for load-generation and script bots: it reads the same [`PongState`] a
//! client receives and picks what to hold, in constant time.
//!
//! When the ball will reach its paddle within [`REACTION_TICKS`] (directly, or off an empty
//! end) the bot moves to where the ball will cross its paddle's face, predicted in closed
//! form through any number of wall bounces, and aims to strike it off-centre so that it
//! leaves at an angle toward the farther wall. Otherwise it drifts back to the middle. The
//! reaction time is what makes it beatable: a fast, steep shot can arrive further away than
//! the paddle travels in that time.

use tickwire::PlayerId;

use crate::physics::fold;
use crate::protocol::{Court, Motion, PaddleView, PongInput, PongState, Side};

/// How far ahead the bot looks, in ticks: it reacts to a ball that will reach its paddle
/// within this many ticks (half a second at 30 Hz).
pub const REACTION_TICKS: i64 = 15;

/// Pong's bots hold what [`choose`] says, and say so only when it changes.
impl tickwire::Bot for crate::Pong {
    fn bot_input(state: &PongState, me: PlayerId, sent: Option<&PongInput>) -> Option<PongInput> {
        let held = sent.map_or(state.paddle(me)?.motion, |input| input.motion);
        let input = choose(state, me);
        (input.motion != held).then_some(input)
    }
}

/// What `me` should hold now. [`Motion::Stop`] if `me` has no paddle.
pub fn choose(state: &PongState, me: PlayerId) -> PongInput {
    let Some(paddle) = state.paddle(me) else {
        return PongInput::default();
    };
    let court = &state.court;
    let target = target(state, paddle);
    // Within half a step the paddle is as close as it can get: moving would overshoot.
    let slack = i64::from(court.paddle_speed / 2);
    let y = i64::from(paddle.y);
    let motion = if target < y - slack {
        Motion::Up
    } else if target > y + slack {
        Motion::Down
    } else {
        Motion::Stop
    };
    PongInput { motion }
}

/// Where `paddle`'s centre should be.
fn target(state: &PongState, paddle: &PaddleView) -> i64 {
    let court = &state.court;
    let centre = i64::from(court.height / 2);
    let Some((y, ticks)) = intercept(state, paddle.side) else {
        return centre;
    };
    if ticks > REACTION_TICKS {
        return centre;
    }
    // Strike a third of the way out from the centre, on the side nearer the ball, so it
    // leaves toward the farther wall.
    let aim = i64::from(court.paddle_height / 3);
    if y < centre { y + aim } else { y - aim }
}

/// The `y` at which the ball's centre will cross `side`'s paddle face and the whole ticks
/// until then, if it is in play and heading there: directly, or after bouncing off the
/// empty other end. Ignores whatever the other paddle may do to it.
pub fn intercept(state: &PongState, side: Side) -> Option<(i64, i64)> {
    let ball = state.ball;
    let court = &state.court;
    if state.serve_in > 0 || ball.vx == 0 {
        return None;
    }
    let r = i64::from(court.ball_radius);
    let x = i64::from(ball.x);
    let contact = court.face(side) - i64::from(side.sign()) * r;
    let heading_here = ball.vx.signum() == i16::from(side.sign());
    let distance = if heading_here {
        (contact - x).abs()
    } else if state.paddle_on(side.opposite()).is_none() {
        let far = far_end(court, side.opposite());
        (far - x).abs() + (far - contact).abs()
    } else {
        return None;
    };
    let (low, high) = court.ball_range();
    let speed = i64::from(ball.vx).abs();
    let travel = i64::from(ball.vy) * distance / speed;
    Some((
        fold(i64::from(ball.y) + travel, low, high).0,
        distance / speed,
    ))
}

/// The `x` of the ball's centre when it touches `side`'s end line.
fn far_end(court: &Court, side: Side) -> i64 {
    let r = i64::from(court.ball_radius);
    match side {
        Side::Left => r,
        Side::Right => i64::from(court.width) - r,
    }
}
