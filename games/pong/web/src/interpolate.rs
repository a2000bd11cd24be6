//! Drawing between two server ticks: where the other paddles and the ball are `alpha` of
//! the way from one snapshot to the next.
//!
//! The ball's positions are integers per tick, but its path between them is not always the
//! straight line from one to the other: it may have bounced off a wall or a paddle on the
//! way, or jumped back to the centre after a point. [`ball_path`] tells these apart from
//! the two states alone, exactly (with the server's own `fold`), and [`ball_at`] draws each
//! kind its own way.

use pong::{BallView, Court, PaddleView, physics::fold};
use tickwire_web::smooth::Point;

/// How the ball got from one tick's state to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BallPath {
    /// In a straight line at the later state's velocity: it flew freely, was just served,
    /// or rests. Drawn along the line.
    Coast,
    /// Off a wall (or the end of an empty side) at the earlier state's velocity, reflected
    /// as the server reflects it. Drawn along the reflected path.
    Bounce,
    /// Reversed against a paddle's face, where the server leaves it for the rest of the
    /// tick. Drawn straight from the earlier position to the point of contact.
    Hit,
    /// Anything else: a point (back to rest at the centre), a new round, a skipped tick.
    /// Drawn where the later state has it; sliding there would streak across the court.
    Jump,
}

/// The kind of step from ball `from` one tick to ball `to` the next.
pub fn ball_path(court: &Court, from: BallView, to: BallView) -> BallPath {
    let (fx, fy, fvx, fvy) = wide(from);
    let (tx, ty, tvx, tvy) = wide(to);
    if tx - fx == tvx && ty - fy == tvy {
        return BallPath::Coast;
    }
    let (low, high) = court.ball_range();
    let r = i64::from(court.ball_radius);
    let (y, turned_y) = fold(fy + fvy, low, high);
    let (x, turned_x) = fold(fx + fvx, r, i64::from(court.width) - r);
    let vx = if turned_x { -fvx } else { fvx };
    let vy = if turned_y { -fvy } else { fvy };
    if (x, y, vx, vy) == (tx, ty, tvx, tvy) {
        return BallPath::Bounce;
    }
    let reversed = fvx != 0 && tvx.signum() == -fvx.signum();
    if reversed && (tx - fx).abs() <= fvx.abs() {
        return BallPath::Hit;
    }
    BallPath::Jump
}

/// The ball's centre `alpha` (0..=1) of the way from `from` to `to`, in court units.
pub fn ball_at(court: &Court, from: BallView, to: BallView, alpha: f64) -> Point {
    let at = |ball: BallView| (f64::from(ball.x), f64::from(ball.y));
    match ball_path(court, from, to) {
        BallPath::Coast | BallPath::Hit => tickwire_web::smooth::lerp(at(from), at(to), alpha),
        BallPath::Bounce => {
            let (low, high) = court.ball_range();
            let r = f64::from(court.ball_radius);
            let x = f64::from(from.x) + f64::from(from.vx) * alpha;
            let y = f64::from(from.y) + f64::from(from.vy) * alpha;
            (
                reflect(x, r, f64::from(court.width) - r),
                reflect(y, low as f64, high as f64),
            )
        }
        BallPath::Jump => at(to),
    }
}

/// A paddle's centre `alpha` of the way from its earlier state (if it had one) to `to`. A
/// move longer than a tick's travel (a new round recentres paddles) is not slid.
pub fn paddle_y(court: &Court, from: Option<&PaddleView>, to: &PaddleView, alpha: f64) -> f64 {
    match from {
        Some(from) if from.y.abs_diff(to.y) <= court.paddle_speed => {
            let (a, b) = (f64::from(from.y), f64::from(to.y));
            a + (b - a) * alpha
        }
        _ => f64::from(to.y),
    }
}

/// `v` reflected once off whichever of `low` and `high` it passed: valid rules keep the
/// ball from crossing the court in a tick, so once is enough.
fn reflect(v: f64, low: f64, high: f64) -> f64 {
    if v < low {
        2.0 * low - v
    } else if v > high {
        2.0 * high - v
    } else {
        v
    }
}

fn wide(ball: BallView) -> (i64, i64, i64, i64) {
    (
        i64::from(ball.x),
        i64::from(ball.y),
        i64::from(ball.vx),
        i64::from(ball.vy),
    )
}

#[cfg(test)]
mod tests {
    use pong::{Motion, PongRules, PongState, Side, bot, testing::Stepper};
    use tickwire::PlayerId;

    use super::*;

    fn court() -> Court {
        PongRules::default().court()
    }

    fn ball(x: u16, y: u16, vx: i16, vy: i16) -> BallView {
        BallView { x, y, vx, vy }
    }

    #[test]
    fn a_coasting_ball_slides_along_its_line() {
        let (from, to) = (ball(800, 500, 14, -6), ball(814, 494, 14, -6));
        assert_eq!(ball_path(&court(), from, to), BallPath::Coast);
        assert_eq!(ball_at(&court(), from, to, 0.5), (807.0, 497.0));
    }

    #[test]
    fn a_ball_served_this_tick_slides_out_of_the_centre() {
        let (from, to) = (ball(800, 500, 0, 0), ball(786, 503, -14, 3));
        assert_eq!(ball_path(&court(), from, to), BallPath::Coast);
    }

    #[test]
    fn a_wall_bounce_is_drawn_through_the_wall_not_across_the_corner() {
        // The top wall stops the ball's centre at y = 12 (its radius).
        let (from, to) = (ball(800, 20, 10, -16), ball(810, 20, 10, 16));
        assert_eq!(ball_path(&court(), from, to), BallPath::Bounce);
        assert_eq!(ball_at(&court(), from, to, 0.5), (805.0, 12.0));
        assert_eq!(ball_at(&court(), from, to, 1.0), (810.0, 20.0));
        assert_eq!(ball_at(&court(), from, to, 0.0), (800.0, 20.0));
    }

    #[test]
    fn a_paddle_hit_is_drawn_to_the_point_of_contact() {
        // The left face is at x = 60; the ball's centre touches it at 72 and turns back.
        let (from, to) = (ball(90, 500, -30, 0), ball(72, 500, 31, 5));
        assert_eq!(ball_path(&court(), from, to), BallPath::Hit);
        assert_eq!(ball_at(&court(), from, to, 0.5), (81.0, 500.0));
    }

    #[test]
    fn a_point_puts_the_ball_back_at_the_centre_without_sliding() {
        let (from, to) = (ball(20, 300, -30, 4), ball(800, 500, 0, 0));
        assert_eq!(ball_path(&court(), from, to), BallPath::Jump);
        assert_eq!(ball_at(&court(), from, to, 0.3), (800.0, 500.0));
    }

    #[test]
    fn paddles_slide_a_tick_of_travel_but_jump_when_recentred() {
        let paddle = |y: u16| PaddleView {
            player: PlayerId(1),
            name: "ann".into(),
            side: Side::Left,
            y,
            motion: Motion::Down,
            score: 0,
        };
        assert_eq!(
            paddle_y(&court(), Some(&paddle(500)), &paddle(524), 0.25),
            506.0
        );
        assert_eq!(paddle_y(&court(), None, &paddle(524), 0.25), 524.0);
        assert_eq!(
            paddle_y(&court(), Some(&paddle(80)), &paddle(500), 0.25),
            500.0
        );
    }

    /// Every pair of consecutive states of a real rally: the drawn ball starts where the
    /// first state has it (unless it jumped) and ends where the second does.
    #[test]
    fn over_a_real_rally_the_drawn_ball_meets_every_server_position() {
        let mut room = Stepper::new(PongRules::default(), 7);
        room.join(PlayerId(1));
        room.join(PlayerId(2));
        let mut states: Vec<PongState> = Vec::new();
        let mut seen = [0usize; 4];
        for _ in 0..3_000 {
            let state = room.state();
            for player in [PlayerId(1), PlayerId(2)] {
                room.hold(player, bot::choose(&state, player).motion);
            }
            states.push(room.step());
        }
        let court = court();
        for pair in states.windows(2) {
            let (from, to) = (pair[0].ball, pair[1].ball);
            let path = ball_path(&court, from, to);
            seen[path as usize] += 1;
            let end = ball_at(&court, from, to, 1.0);
            assert_eq!(
                end,
                (f64::from(to.x), f64::from(to.y)),
                "{from:?} -> {to:?}"
            );
            if path != BallPath::Jump {
                let start = ball_at(&court, from, to, 0.0);
                assert_eq!(start, (f64::from(from.x), f64::from(from.y)));
            }
        }
        let [coast, bounce, hit, jump] = seen;
        assert!(
            coast > 1_000 && bounce > 5 && hit > 5 && jump >= 1,
            "coast {coast}, bounce {bounce}, hit {hit}, jump {jump}"
        );
    }
}
