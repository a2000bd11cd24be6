//! The tunables of a pong room, with their units and the bounds that keep the physics exact
//! (no tunnelling, at most one bounce off a wall per tick).

/// The shortest court side [`PongRules::validate`] accepts, in units.
pub const MIN_SIDE: u16 = 200;

/// The longest court side [`PongRules::validate`] accepts, in units. Keeps every position
/// and velocity well inside `u16` and `i16`.
pub const MAX_SIDE: u16 = 16_000;

/// Players in one room: one per side.
pub const CAPACITY: u16 = 2;

/// How one pong room plays. [`Default`] gives the standard game: a 1600 x 1000 unit court
/// (16:10, so one unit is a pixel on a 1600-pixel-wide canvas) at 30 ticks per second.
///
/// Speeds are in units per tick. The ball's speed is its horizontal speed, `|vx|`: it fixes
/// how long the ball takes from end to end whatever the angle.
///
/// The systems never panic on rules that fail [`validate`](PongRules::validate), but the
/// ball may then skip a wall or leave the court.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PongRules {
    /// Court length, end to end, in units; [`MIN_SIDE`]..=[`MAX_SIDE`].
    pub width: u16,
    /// Court height, wall to wall, in units; [`MIN_SIDE`]..=[`MAX_SIDE`].
    pub height: u16,
    /// Paddle thickness along `x`, in units.
    pub paddle_width: u16,
    /// Paddle length along `y`, in units.
    pub paddle_height: u16,
    /// Gap between an end line and the back of its paddle, in units.
    pub paddle_inset: u16,
    /// How far a held paddle moves per tick, in units.
    pub paddle_speed: u16,
    /// Half the side of the square ball, in units.
    pub ball_radius: u16,
    /// The ball's horizontal speed when served, in units per tick.
    pub serve_speed: u16,
    /// The most vertical speed a serve gets, in units per tick; each serve picks one in
    /// `-serve_spread..=serve_spread` from the room's random stream.
    pub serve_spread: u16,
    /// Horizontal speed gained per paddle hit, in units per tick.
    pub speedup: u16,
    /// The horizontal speed hits stop adding to, in units per tick.
    pub max_speed: u16,
    /// The vertical speed a ball leaves a paddle's very tip with, as a percentage of its
    /// horizontal speed; a hit nearer the centre gets proportionally less, dead centre none.
    pub max_slope_pct: u16,
    /// Ticks the ball rests at the centre after a point (and before a round's first serve);
    /// at least 1.
    pub serve_ticks: u16,
    /// Points that win the round: the ball is then no longer served until the next round.
    /// 0 for no limit.
    pub points_to_win: u16,
    /// Simulation rate, in ticks per second (Hz).
    pub tick_rate: u16,
}

impl Default for PongRules {
    fn default() -> Self {
        PongRules {
            width: 1600,
            height: 1000,
            paddle_width: 20,
            paddle_height: 160,
            paddle_inset: 40,
            // 720 units/s: the whole court height in under 1.4 s.
            paddle_speed: 24,
            ball_radius: 12,
            // 420 units/s: end to end in about 3.8 s.
            serve_speed: 14,
            serve_spread: 6,
            speedup: 1,
            // 1200 units/s: end to end in 1.3 s, after 26 hits.
            max_speed: 40,
            max_slope_pct: 75,
            // 1.5 s.
            serve_ticks: 45,
            points_to_win: 11,
            tick_rate: 30,
        }
    }
}

impl PongRules {
    /// Whether `score` points win the round: [`PongRules::points_to_win`] or more, when there
    /// is a limit.
    pub fn won(&self, score: u32) -> bool {
        self.points_to_win > 0 && score >= u32::from(self.points_to_win)
    }

    /// The fastest the ball ever moves vertically, in units per tick: off a paddle's tip at
    /// full speed, or a serve.
    pub fn max_vertical_speed(&self) -> u32 {
        let off_tip = u32::from(self.max_speed) * u32::from(self.max_slope_pct) / 100;
        off_tip.max(u32::from(self.serve_spread))
    }

    /// Checks that the physics stays exact with these rules: sides between [`MIN_SIDE`] and
    /// [`MAX_SIDE`]; a ball, paddles and speeds that fit the court; at every speed the ball
    /// covers at most a quarter of the free space between the walls (and between the end
    /// lines) per tick, so it bounces at most once per tick; and a positive tick rate.
    /// Paddle hits are swept, so no speed tunnels through a paddle.
    pub fn validate(&self) -> Result<(), String> {
        for (what, side) in [("width", self.width), ("height", self.height)] {
            if !(MIN_SIDE..=MAX_SIDE).contains(&side) {
                return Err(format!(
                    "court {what} is {side} units but must be between {MIN_SIDE} and {MAX_SIDE}"
                ));
            }
        }
        let positive = [
            ("ball radius", self.ball_radius),
            ("paddle width", self.paddle_width),
            ("paddle height", self.paddle_height),
            ("paddle speed", self.paddle_speed),
            ("serve speed", self.serve_speed),
            ("serve ticks", self.serve_ticks),
            ("tick rate", self.tick_rate),
        ];
        if let Some((what, _)) = positive.iter().find(|(_, v)| *v == 0) {
            return Err(format!("{what} must be positive"));
        }
        if u32::from(self.ball_radius) * 8 > u32::from(self.height) {
            return Err(format!(
                "a ball of radius {} takes more than a quarter of the court's height",
                self.ball_radius
            ));
        }
        if self.paddle_height > self.height / 2 || self.paddle_speed > self.height / 4 {
            return Err(format!(
                "paddles of {} units moving {} per tick do not fit a court {} high",
                self.paddle_height, self.paddle_speed, self.height
            ));
        }
        let end_zone = u32::from(self.paddle_inset) + u32::from(self.paddle_width);
        if end_zone * 4 > u32::from(self.width) {
            return Err(format!(
                "paddles {end_zone} units from each end leave too little court"
            ));
        }
        if self.serve_speed > self.max_speed || self.serve_spread > self.serve_speed {
            return Err(format!(
                "serve speed {} (spread {}) must be at most max speed {} (and spread at most \
                 serve speed)",
                self.serve_speed, self.serve_spread, self.max_speed
            ));
        }
        let free_x = u32::from(self.width) - 2 * u32::from(self.ball_radius);
        let free_y = u32::from(self.height) - 2 * u32::from(self.ball_radius);
        if u32::from(self.max_speed) * 4 > free_x || self.max_vertical_speed() * 4 > free_y {
            return Err(format!(
                "max speed {} ({} vertically) is too fast for the court",
                self.max_speed,
                self.max_vertical_speed()
            ));
        }
        Ok(())
    }
}
