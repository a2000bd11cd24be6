//! The court's geometry (where paddles and the ball may go, which way each end lies) and the
//! ball's flight for one tick as a pure function of the court, the ball and the paddles:
//! shared by the server's systems, the bot and any client that wants to predict exactly as
//! the server will move things.
//!
//! All arithmetic is on integers widened to `i64`, so it is exact, the same on every
//! platform, and cannot overflow for any `u16`/`i16` input.

use tickwire::PlayerId;

use crate::protocol::{BallView, Court, Motion, PaddleView, PongState, Side};

impl Motion {
    /// Every motion, in a fixed order.
    pub const ALL: [Motion; 3] = [Motion::Up, Motion::Stop, Motion::Down];

    /// The sign of the paddle's `y` velocity: -1, 0 or 1.
    pub const fn sign(self) -> i8 {
        match self {
            Motion::Up => -1,
            Motion::Stop => 0,
            Motion::Down => 1,
        }
    }
}

impl Side {
    /// Both sides, left first: the order seats are handed out in.
    pub const ALL: [Side; 2] = [Side::Left, Side::Right];

    /// The other end.
    pub const fn opposite(self) -> Side {
        match self {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
        }
    }

    /// The sign of `x` velocity that moves toward this end: -1 for left, 1 for right.
    pub const fn sign(self) -> i8 {
        match self {
            Side::Left => -1,
            Side::Right => 1,
        }
    }
}

impl Court {
    /// The `x` of the face `side`'s paddle turns toward the centre, where the ball's
    /// leading edge meets it.
    pub fn face(&self, side: Side) -> i64 {
        let from_end = i64::from(self.paddle_inset) + i64::from(self.paddle_width);
        match side {
            Side::Left => from_end,
            Side::Right => i64::from(self.width) - from_end,
        }
    }

    /// The lowest and highest `y` a paddle's centre may take, so that it stays on the court.
    pub fn paddle_range(&self) -> (u16, u16) {
        let half = self.paddle_height / 2;
        let low = half.min(self.height / 2);
        (low, self.height.saturating_sub(half).max(low))
    }

    /// The lowest and highest `y` the ball's centre may take between the walls.
    pub fn ball_range(&self) -> (i64, i64) {
        let r = i64::from(self.ball_radius);
        let low = r.min(i64::from(self.height / 2));
        (low, (i64::from(self.height) - r).max(low))
    }

    /// The centre of the court, where the ball is served from.
    pub fn centre(&self) -> (u16, u16) {
        (self.width / 2, self.height / 2)
    }
}

impl PongState {
    /// The paddle of `player`, if seated.
    pub fn paddle(&self, player: PlayerId) -> Option<&PaddleView> {
        self.paddles.iter().find(|p| p.player == player)
    }

    /// The paddle defending `side`, if that side is taken.
    pub fn paddle_on(&self, side: Side) -> Option<&PaddleView> {
        self.paddles.iter().find(|p| p.side == side)
    }
}

/// What the ball did during one tick, besides flying straight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flight {
    /// Nothing but (perhaps) a bounce off the top or bottom wall.
    Free,
    /// It met `side`'s paddle and now rests against its face, heading back. The rest of the
    /// tick is spent at the point of contact, so every client sees the touch.
    Hit(Side),
    /// It bounced off `side`'s end line: nobody holds that side.
    Bounced(Side),
    /// It reached `side`'s end line past the paddle: a point for the other side. The ball
    /// returned is where it crossed; the caller re-serves.
    Missed(Side),
}

/// `v` reflected between walls at `low` and `high` as often as needed (in closed form, for
/// any distance), and whether the reflections reverse the direction of travel. A point
/// exactly on `high` counts as having turned there.
pub fn fold(v: i64, low: i64, high: i64) -> (i64, bool) {
    let span = high - low;
    if span <= 0 {
        return (low, false);
    }
    let offset = v - low;
    let m = offset.rem_euclid(2 * span);
    let at = if m <= span {
        low + m
    } else {
        low + 2 * span - m
    };
    (at, offset.div_euclid(span).rem_euclid(2) == 1)
}

/// The ball one tick later, with the paddle centres `paddles` (`[left, right]`; `None`
/// where nobody sits, so that end is a wall).
///
/// The walls reflect the ball without losing speed. Toward a seated end, the tick's whole
/// path is swept against the paddle's face: if the ball's leading edge reaches the face
/// within the tick, its centre's `y` at that moment decides, so no speed tunnels through.
/// A hit sends the ball back `speedup` faster (capped at `max_speed`), with a vertical
/// speed proportional to how far from the paddle's centre it struck, up to
/// `max_slope_pct` percent of the horizontal speed at the tip.
pub fn step_ball(court: &Court, ball: BallView, paddles: [Option<u16>; 2]) -> (BallView, Flight) {
    let r = i64::from(court.ball_radius);
    let (x0, y0) = (i64::from(ball.x), i64::from(ball.y));
    let (vx, vy) = (i64::from(ball.vx), i64::from(ball.vy));
    let (low, high) = court.ball_range();

    if vx != 0 {
        let side = if vx < 0 { Side::Left } else { Side::Right };
        let toward = i64::from(side.sign());
        let speed = vx.abs();
        // How far the leading edge has to go to reach the face; negative once past it.
        let gap = (court.face(side) - (x0 + toward * r)) * toward;
        if let Some(paddle) = paddles[index(side)]
            && (0..=speed).contains(&gap)
        {
            let (y_at, _) = fold(y0 + vy * gap / speed, low, high);
            let offset = y_at - i64::from(paddle);
            let reach = i64::from(court.paddle_height / 2) + r;
            if offset.abs() <= reach {
                let new_speed = (speed + i64::from(court.speedup))
                    .min(i64::from(court.max_speed))
                    .max(1);
                let new_vy =
                    offset * new_speed * i64::from(court.max_slope_pct) / (100 * reach.max(1));
                let hit = BallView {
                    x: to_u16(court.face(side) - toward * r),
                    y: to_u16(y_at),
                    vx: to_i16(-toward * new_speed),
                    vy: to_i16(new_vy),
                };
                return (hit, Flight::Hit(side));
            }
        }
    }

    let (y, turned) = fold(y0 + vy, low, high);
    let vy = if turned { -vy } else { vy };
    let mut x = x0 + vx;
    let mut vx = vx;
    let mut flight = Flight::Free;
    let ends = [
        (Side::Left, x - r <= 0),
        (Side::Right, x + r >= i64::from(court.width)),
    ];
    for (side, reached) in ends {
        if !reached || vx.signum() != i64::from(side.sign()) {
            continue;
        }
        if paddles[index(side)].is_some() {
            flight = Flight::Missed(side);
        } else {
            let (folded, turned) = fold(x, r, i64::from(court.width) - r);
            x = folded;
            if turned {
                vx = -vx;
            }
            flight = Flight::Bounced(side);
        }
    }
    let ball = BallView {
        x: to_u16(x),
        y: to_u16(y),
        vx: to_i16(vx),
        vy: to_i16(vy),
    };
    (ball, flight)
}

/// Where `side` sits in a `[left, right]` pair.
pub const fn index(side: Side) -> usize {
    match side {
        Side::Left => 0,
        Side::Right => 1,
    }
}

/// `v` clamped into `u16`. Valid rules keep every position in range; this only bounds
/// what arranged or invalid states produce.
fn to_u16(v: i64) -> u16 {
    u16::try_from(v.clamp(0, i64::from(u16::MAX))).unwrap_or(u16::MAX)
}

/// `v` clamped into `i16`, as [`to_u16`].
fn to_i16(v: i64) -> i16 {
    i16::try_from(v.clamp(i64::from(i16::MIN), i64::from(i16::MAX))).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn fold_reflects_off_both_walls_any_number_of_times() {
        assert_eq!(fold(5, 0, 10), (5, false));
        assert_eq!(fold(10, 0, 10), (10, true));
        assert_eq!(fold(13, 0, 10), (7, true));
        assert_eq!(fold(-3, 0, 10), (3, true));
        assert_eq!(fold(23, 0, 10), (3, false));
        assert_eq!(fold(-1_000_003, 0, 10), (3, true));
        assert_eq!(fold(7, 4, 4), (4, false));
    }
}
