//! Predicting the player's own paddle: it is drawn at the present, not in the interpolated
//! past, moving from the newest server state at the paddle's speed in the motion the server
//! will apply (the input just sent, if not yet acknowledged), so a key press shows on the
//! next frame. When a new state disagrees (the input landed a tick or two later than the
//! prediction assumed), `tickwire_web::smooth::Smoother` blends the jump away.

use pong::{Court, Motion, Pong};
use tickwire_web::{runtime::Session, smooth::Smoother};

use crate::{controls::expected_in, render::Own};

/// The furthest ahead of the newest server state the own paddle is predicted, in ticks.
/// A late state leaves the paddle waiting there rather than running on past a change the
/// server may have seen.
pub const MAX_LEAD_TICKS: f64 = 2.0;

/// Corrections longer than this, in court units, are applied at once instead of blended:
/// the paddle was put back to the centre for a new round.
pub const MAX_SMOOTHED_UNITS: f64 = 200.0;

/// The player's own paddle as drawn: predicted at the present, its mispredictions blended
/// away.
#[derive(Debug, Clone)]
pub struct OwnPaddle {
    pub(crate) smoother: Smoother,
}

impl Default for OwnPaddle {
    fn default() -> Self {
        OwnPaddle {
            smoother: Smoother::new(MAX_SMOOTHED_UNITS),
        }
    }
}

impl OwnPaddle {
    /// The own paddle at page time `now`: the newest server state moved on by the time
    /// since it arrived, in the motion the server will apply (none while the world is
    /// frozen), with mispredictions blended away. `None` while not seated.
    pub fn predict<'s>(&mut self, session: &'s Session<Pong>, now: f64) -> Option<Own<'s>> {
        let timeline = session.timeline();
        let Some((tick, state, paddle)) = timeline.latest().and_then(|(tick, state)| {
            let paddle = state.paddle(session.me()?)?;
            Some((tick, state, paddle))
        }) else {
            self.smoother.forget();
            return None;
        };
        let motion = if session.world_moves() {
            expected_in(session)
        } else {
            Motion::Stop
        };
        let ticks = (now - timeline.latest_at()) / timeline.period_ms();
        let predicted = (0.0, predict_y(&state.court, paddle.y, motion, ticks));
        let y = self.smoother.show(tick, predicted, now).1;
        Some(Own { paddle, y })
    }

    /// The centre the own paddle was last drawn at, if it was and is still seated.
    pub fn shown_y(&self) -> Option<f64> {
        self.smoother.shown().map(|(_, y)| y)
    }
}

/// The own paddle's centre `ticks` after a server state that has it at `server_y`, moving
/// `motion` at the court's paddle speed and stopping at the walls as the server does.
/// `ticks` is clamped to `0..=MAX_LEAD_TICKS`.
pub fn predict_y(court: &Court, server_y: u16, motion: Motion, ticks: f64) -> f64 {
    let ticks = if ticks.is_nan() {
        0.0
    } else {
        ticks.clamp(0.0, MAX_LEAD_TICKS)
    };
    let (low, high) = court.paddle_range();
    let travel = f64::from(motion.sign()) * f64::from(court.paddle_speed) * ticks;
    (f64::from(server_y) + travel).clamp(f64::from(low), f64::from(high))
}

#[cfg(test)]
mod tests {
    use pong::PongRules;

    use super::*;

    /// 1600 x 1000, 160-unit paddles (centres in 80..=920), 24 units a tick.
    fn court() -> Court {
        PongRules::default().court()
    }

    #[test]
    fn a_held_paddle_moves_its_speed_per_tick_since_the_newest_state() {
        assert_eq!(predict_y(&court(), 500, Motion::Up, 0.5), 488.0);
        assert_eq!(predict_y(&court(), 500, Motion::Down, 1.0), 524.0);
        assert_eq!(predict_y(&court(), 500, Motion::Stop, 1.0), 500.0);
        assert_eq!(predict_y(&court(), 500, Motion::Up, 0.0), 500.0);
    }

    #[test]
    fn the_prediction_stops_at_the_walls_as_the_server_does() {
        assert_eq!(predict_y(&court(), 90, Motion::Up, 1.0), 80.0);
        assert_eq!(predict_y(&court(), 910, Motion::Down, 1.0), 920.0);
    }

    #[test]
    fn a_late_state_does_not_let_the_paddle_run_on() {
        let far = predict_y(&court(), 500, Motion::Down, 10.0);
        assert_eq!(far, 500.0 + 24.0 * MAX_LEAD_TICKS);
        assert_eq!(
            predict_y(&court(), 500, Motion::Down, -3.0),
            500.0,
            "a state stamped after now"
        );
        assert_eq!(predict_y(&court(), 500, Motion::Down, f64::NAN), 500.0);
    }
}
