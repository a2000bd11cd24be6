//! Predicting the player's own paddle: it is drawn at the present, not in the interpolated
//! past, moving from the newest server state at the paddle's speed in the motion the server
//! will apply (the input just sent, if not yet acknowledged), so a key press shows on the
//! next frame. When a new state disagrees (the input landed a tick or two later than the
//! prediction assumed), `tickwire_web::smooth::Smoother` blends the jump away.

use pong::{Court, Motion};

/// The furthest ahead of the newest server state the own paddle is predicted, in ticks.
/// A late state leaves the paddle waiting there rather than running on past a change the
/// server may have seen.
pub const MAX_LEAD_TICKS: f64 = 2.0;

/// Corrections longer than this, in court units, are applied at once instead of blended:
/// the paddle was put back to the centre for a new round.
pub const MAX_SMOOTHED_UNITS: f64 = 200.0;

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
