//! Drawing pong on a 2D canvas at display refresh: the court letterboxed to its aspect
//! ratio, the scores big at the top, both paddles with their players' names, and the ball,
//! with the player's own paddle highlighted.
//!
//! [`scene`] decides what goes where (pure, tested natively); [`paint`] puts it on the
//! canvas. Everything is drawn in the canvas's backing pixels, which the toolkit already
//! matches to the screen's pixel density, so sizes scale with the court, not with CSS
//! pixels; only the smallest text has a floor in CSS pixels.

use pong::{Court, PaddleView, PongState, Side};
use tickwire::PlayerId;
use tickwire_web::{smooth::Point, timeline::Frame};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::interpolate::{ball_at, paddle_y};

/// Colours.
const BACKGROUND: &str = "#0b1120";
const COURT: &str = "#0f172a";
const WALL: &str = "#475569";
const CENTRE_LINE: &str = "#334155";
const SCORE: &str = "#64748b";
const BALL: &str = "#f8fafc";
const PADDLE: &str = "#cbd5e1";
const OWN: &str = "#4ade80";
const NAME: &str = "#e2e8f0";

/// Thickness of the top and bottom walls as drawn, in court units (outside the court).
pub const WALL_UNITS: f64 = 8.0;
/// The centre line's dashes: width, length and period, in court units.
const DASH_WIDTH: f64 = 6.0;
const DASH_LENGTH: f64 = 30.0;
const DASH_PERIOD: f64 = 50.0;
/// The scores' text height as a share of the court's height.
const SCORE_SHARE: f64 = 0.14;
/// Names' text height in court units, and the least it may be in CSS pixels.
const NAME_UNITS: f64 = 26.0;
const NAME_MIN_CSS_PX: f64 = 11.0;

/// Where the court sits on a surface of some size: scaled to fit whole with its walls,
/// centred, the rest left as bars. The same for drawing (backing pixels) and for touches
/// (CSS pixels), so a finger lands where the paddle is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Letterbox {
    /// Surface units per court unit.
    pub scale: f64,
    /// Where the court's left end is on the surface.
    pub ox: f64,
    /// Where the court's top wall is on the surface.
    pub oy: f64,
}

impl Letterbox {
    /// The court, and the walls drawn [`WALL_UNITS`] thick above and below it, fitted
    /// into a `width` x `height` surface.
    pub fn fit(width: f64, height: f64, court: &Court) -> Letterbox {
        let cw = f64::from(court.width);
        let ch = f64::from(court.height) + 2.0 * WALL_UNITS;
        let scale = (width / cw).min(height / ch).max(0.0);
        Letterbox {
            scale,
            ox: (width - cw * scale) / 2.0,
            oy: (height - ch * scale) / 2.0 + WALL_UNITS * scale,
        }
    }

    /// A court point on the surface.
    pub fn to_surface(&self, p: Point) -> Point {
        (self.ox + p.0 * self.scale, self.oy + p.1 * self.scale)
    }

    /// A surface point in court units. A degenerate (zero-sized) surface maps everything to
    /// the court's origin.
    pub fn to_court(&self, p: Point) -> Point {
        if self.scale <= 0.0 {
            return (0.0, 0.0);
        }
        ((p.0 - self.ox) / self.scale, (p.1 - self.oy) / self.scale)
    }
}

/// One paddle as it is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn<'a> {
    /// Whose it is.
    pub player: PlayerId,
    /// The end it defends.
    pub side: Side,
    /// Its centre, in court units: interpolated, or predicted for the own paddle.
    pub y: f64,
    /// The player's name.
    pub name: &'a str,
    /// The player's points.
    pub score: u32,
    /// Whether it is the player's own (highlighted).
    pub own: bool,
}

/// Everything one frame shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene<'a> {
    /// The court's geometry.
    pub court: Court,
    /// The seated paddles; the own one last, so it is drawn on top.
    pub paddles: Vec<Drawn<'a>>,
    /// The ball's centre, in court units.
    pub ball: Point,
    /// The ball's half side, in court units.
    pub ball_radius: f64,
}

/// The player's own paddle: its newest server state and where the prediction draws it.
#[derive(Debug, Clone, Copy)]
pub struct Own<'a> {
    /// The paddle in the newest server state.
    pub paddle: &'a PaddleView,
    /// Its predicted centre now, in court units.
    pub y: f64,
}

/// What the banner over the court says to `me`, if seated. Alone: practice. A round won: who
/// won it. Between a point and the next serve: how long until it (tenths of a second, from
/// whole ticks at `tick_rate` a second).
pub fn banner(state: &PongState, me: PlayerId, tick_rate: u16) -> String {
    if state.paddle(me).is_none() {
        return String::new();
    }
    if state.paddles.len() == 1 {
        return "Practice: waiting for an opponent".into();
    }
    let target = u32::from(state.court.points_to_win);
    if let Some(winner) = state
        .paddles
        .iter()
        .find(|p| target > 0 && p.score >= target)
    {
        return format!("{} wins the round!", winner.name);
    }
    if state.serve_in > 0 {
        let tenths = (u32::from(state.serve_in) * 10).div_ceil(u32::from(tick_rate.max(1)));
        let point = if state.paddles.iter().any(|p| p.score > 0) {
            "Point! "
        } else {
            ""
        };
        return format!("{point}Serve in {}.{} s", tenths / 10, tenths % 10);
    }
    String::new()
}

/// What to draw for `frame`: the ball and other paddles interpolated between its two
/// snapshots, the own paddle (if seated) where `own` predicts it.
pub fn scene<'a>(frame: &Frame<'a, PongState>, own: Option<Own<'a>>) -> Scene<'a> {
    let (from, to, alpha) = match frame {
        Frame::Between { from, to, alpha } => (Some(from.1), to.1, *alpha),
        Frame::Hold((_, state)) => (None, *state, 1.0),
    };
    let court = to.court;
    let ball = match from {
        Some(from) => ball_at(&court, from.ball, to.ball, alpha),
        None => (f64::from(to.ball.x), f64::from(to.ball.y)),
    };
    let me = own.map(|o| o.paddle.player);
    let mut paddles: Vec<Drawn<'a>> = to
        .paddles
        .iter()
        .filter(|p| Some(p.player) != me)
        .map(|p| Drawn {
            player: p.player,
            side: p.side,
            y: paddle_y(&court, from.and_then(|f| f.paddle(p.player)), p, alpha),
            name: &p.name,
            score: p.score,
            own: false,
        })
        .collect();
    if let Some(Own { paddle, y }) = own {
        paddles.push(Drawn {
            player: paddle.player,
            side: paddle.side,
            y,
            name: &paddle.name,
            // The score as of the shown tick, so it changes as the ball is seen to pass.
            score: to.paddle(paddle.player).map_or(paddle.score, |p| p.score),
            own: true,
        });
    }
    Scene {
        court,
        paddles,
        ball,
        ball_radius: f64::from(court.ball_radius),
    }
}

/// The left `x` of `side`'s paddle, in court units.
fn paddle_left(court: &Court, side: Side) -> f64 {
    let (inset, width) = (f64::from(court.paddle_inset), f64::from(court.paddle_width));
    match side {
        Side::Left => inset,
        Side::Right => f64::from(court.width) - inset - width,
    }
}

/// A font of `px` backing pixels, whole: integer formatting keeps float formatting code
/// out of the bundle.
fn font(weight: u16, px: f64) -> String {
    format!("{weight} {}px system-ui, sans-serif", px.max(1.0) as u32)
}

/// Draws `scene` on the whole canvas.
pub fn paint(canvas: &HtmlCanvasElement, ctx: &CanvasRenderingContext2d, scene: &Scene<'_>) {
    let (w, h) = (f64::from(canvas.width()), f64::from(canvas.height()));
    let css_width = f64::from(canvas.client_width());
    let dpr = if css_width > 0.0 { w / css_width } else { 1.0 };
    let court = &scene.court;
    let view = Letterbox::fit(w, h, court);
    let s = view.scale;
    let (cw, ch) = (f64::from(court.width), f64::from(court.height));
    let rect = |x: f64, y: f64, rw: f64, rh: f64| {
        let (sx, sy) = view.to_surface((x, y));
        ctx.fill_rect(sx, sy, rw * s, rh * s);
    };

    ctx.set_fill_style_str(BACKGROUND);
    ctx.fill_rect(0.0, 0.0, w, h);
    ctx.set_fill_style_str(COURT);
    rect(0.0, 0.0, cw, ch);
    ctx.set_fill_style_str(WALL);
    rect(0.0, -WALL_UNITS, cw, WALL_UNITS);
    rect(0.0, ch, cw, WALL_UNITS);
    ctx.set_fill_style_str(CENTRE_LINE);
    let mut y = (DASH_PERIOD - DASH_LENGTH) / 2.0;
    while y < ch {
        rect(
            (cw - DASH_WIDTH) / 2.0,
            y,
            DASH_WIDTH,
            DASH_LENGTH.min(ch - y),
        );
        y += DASH_PERIOD;
    }

    // Scores, big, each over its own half.
    ctx.set_fill_style_str(SCORE);
    ctx.set_font(&font(800, ch * SCORE_SHARE * s));
    ctx.set_text_align("center");
    ctx.set_text_baseline("top");
    for paddle in &scene.paddles {
        let x = match paddle.side {
            Side::Left => cw / 4.0,
            Side::Right => cw * 3.0 / 4.0,
        };
        let (sx, sy) = view.to_surface((x, ch * 0.04));
        let _ = ctx.fill_text(&paddle.score.to_string(), sx, sy);
    }

    let name_px = (NAME_UNITS * s).max(NAME_MIN_CSS_PX * dpr);
    let half = f64::from(court.paddle_height) / 2.0;
    for paddle in &scene.paddles {
        let left = paddle_left(court, paddle.side);
        if paddle.own {
            ctx.set_shadow_color(OWN);
            ctx.set_shadow_blur(24.0 * s.max(0.5));
        }
        ctx.set_fill_style_str(if paddle.own { OWN } else { PADDLE });
        rect(
            left,
            paddle.y - half,
            f64::from(court.paddle_width),
            f64::from(court.paddle_height),
        );
        ctx.set_shadow_blur(0.0);

        // The name beside the paddle's top, toward the court; below it near the top wall.
        ctx.set_fill_style_str(if paddle.own { OWN } else { NAME });
        ctx.set_font(&font(if paddle.own { 700 } else { 400 }, name_px));
        let (x, align) = match paddle.side {
            Side::Left => (left, "left"),
            Side::Right => (left + f64::from(court.paddle_width), "right"),
        };
        ctx.set_text_align(align);
        let gap = 8.0;
        let above = paddle.y - half - gap;
        let (name_y, baseline) = if above * s >= name_px {
            (above, "bottom")
        } else {
            (paddle.y + half + gap, "top")
        };
        ctx.set_text_baseline(baseline);
        let (sx, sy) = view.to_surface((x, name_y));
        let _ = ctx.fill_text(paddle.name, sx, sy);
    }

    ctx.set_fill_style_str(BALL);
    let r = scene.ball_radius;
    rect(scene.ball.0 - r, scene.ball.1 - r, 2.0 * r, 2.0 * r);
}

#[cfg(test)]
mod tests {
    use pong::{BallView, Motion, PongRules};

    use super::*;

    fn paddle(id: u32, side: Side, y: u16) -> PaddleView {
        PaddleView {
            player: PlayerId(id),
            name: format!("p{id}"),
            side,
            y,
            motion: Motion::Stop,
            score: id,
        }
    }

    fn state(left: u16, right: u16, ball_x: u16) -> PongState {
        PongState {
            court: PongRules::default().court(),
            paddles: vec![paddle(1, Side::Left, left), paddle(2, Side::Right, right)],
            ball: BallView {
                x: ball_x,
                y: 500,
                vx: 14,
                vy: 0,
            },
            serve_in: 0,
        }
    }

    #[test]
    fn the_court_is_letterboxed_to_its_aspect_ratio() {
        let court = PongRules::default().court();
        // A 4:3 canvas: the 16:10 court fills its width, bars above and below.
        let view = Letterbox::fit(800.0, 600.0, &court);
        assert_eq!(
            view,
            Letterbox {
                scale: 0.5,
                ox: 0.0,
                oy: 50.0
            }
        );
        assert_eq!(view.to_surface((1600.0, 1000.0)), (800.0, 550.0));
        assert_eq!(view.to_court((400.0, 300.0)), (800.0, 500.0));
        // A wide one: bars left and right; the walls (8 units each) fit above and below.
        let wide = Letterbox::fit(2000.0, 508.0, &court);
        assert_eq!(
            wide,
            Letterbox {
                scale: 0.5,
                ox: 600.0,
                oy: 4.0
            }
        );
        assert_eq!(
            Letterbox::fit(0.0, 0.0, &court).to_court((5.0, 5.0)),
            (0.0, 0.0)
        );
    }

    #[test]
    fn others_are_interpolated_and_the_own_paddle_is_drawn_where_predicted() {
        let (from, to) = (state(500, 500, 800), state(524, 476, 814));
        let frame = Frame::Between {
            from: (10, &from),
            to: (11, &to),
            alpha: 0.5,
        };
        let own = Own {
            paddle: &to.paddles[0],
            y: 600.0,
        };
        let drawn = scene(&frame, Some(own));
        assert_eq!(drawn.ball, (807.0, 500.0));
        let ys: Vec<(u32, f64, bool)> = drawn
            .paddles
            .iter()
            .map(|p| (p.player.0, p.y, p.own))
            .collect();
        assert_eq!(
            ys,
            [(2, 488.0, false), (1, 600.0, true)],
            "own last, on top"
        );
    }

    #[test]
    fn a_spectator_sees_every_paddle_interpolated_and_a_held_frame_as_it_is() {
        let to = state(524, 476, 814);
        let drawn = scene(&Frame::Hold((11, &to)), None);
        assert_eq!(drawn.ball, (814.0, 500.0));
        assert_eq!(drawn.paddles.len(), 2);
        assert!(drawn.paddles.iter().all(|p| !p.own));
        assert_eq!(drawn.paddles[0].y, 524.0);
    }
}
