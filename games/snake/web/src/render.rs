//! Drawing snake on a 2D canvas at display refresh: interpolated snake paths, food, walls,
//! names, with the player's own snake highlighted.

use snake::{Cell, SnakeState, SnakeView};
use tickwire::PlayerId;
use tickwire_web::{
    player_colour,
    smooth::{Point, lerp},
    timeline::Frame,
};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// Body thickness as a fraction of a cell.
const BODY_WIDTH: f64 = 0.72;
/// Colours.
const BACKGROUND: &str = "#0f172a";
const GRID: &str = "#16213a";
const WALL: &str = "#475569";
const FOOD: &str = "#f97316";
const OWN: &str = "#4ade80";
const NAME: &str = "#e2e8f0";

fn centre(cell: Cell) -> Point {
    (f64::from(cell.x) + 0.5, f64::from(cell.y) + 0.5)
}

/// The polyline of a snake `alpha` of the way from `from` to `to`, head first.
///
/// Between two ticks the head slides from its old cell to its new one and the tail slides
/// after it; everything in between is already where it will be. When the two states are not
/// one step apart (respawn, first sight), the later state is drawn as it is.
pub fn snake_path(from: Option<&SnakeView>, to: &SnakeView, alpha: f64) -> Vec<Point> {
    let mut path: Vec<Point> = to.body.iter().copied().map(centre).collect();
    let Some(from) = from.filter(|f| f.alive && to.alive) else {
        return path;
    };
    let (Some(&old_head), Some(&new_head)) = (from.body.first(), to.body.first()) else {
        return path;
    };
    if !old_head.is_adjacent(new_head) || to.body.get(1) != Some(&old_head) {
        return path;
    }
    path[0] = lerp(centre(old_head), centre(new_head), alpha);
    if let (Some(&old_tail), Some(&new_tail)) = (from.body.last(), to.body.last())
        && old_tail != new_tail
        && old_tail.is_adjacent(new_tail)
    {
        // The tail moved: its end trails back into the cell it is leaving.
        path.push(lerp(centre(old_tail), centre(new_tail), alpha));
    }
    path
}

/// The player's own snake, drawn from a prediction rather than the interpolated past.
#[derive(Debug)]
pub struct Own<'a> {
    /// The player.
    pub player: PlayerId,
    /// Its predicted path, head first, or `None` while it is dead.
    pub path: Option<Vec<Point>>,
    /// Its name.
    pub name: &'a str,
}

/// Draws one frame of `state`, interpolated when `frame` allows, with the player's own snake
/// drawn from `own`.
pub fn draw(
    canvas: &HtmlCanvasElement,
    ctx: &CanvasRenderingContext2d,
    frame: &Frame<'_, SnakeState>,
    own: Option<Own<'_>>,
) {
    let (to, from, alpha) = match frame {
        Frame::Between { from, to, alpha } => (to.1, Some(from.1), *alpha),
        Frame::Hold((_, state)) => (*state, None, 1.0),
    };
    let (w, h) = (f64::from(canvas.width()), f64::from(canvas.height()));
    let (cols, rows) = (f64::from(to.width), f64::from(to.height));
    let cell = (w / cols).min(h / rows).floor().max(1.0);
    let (ox, oy) = (
        ((w - cell * cols) / 2.0).floor(),
        ((h - cell * rows) / 2.0).floor(),
    );
    let board = Board { ctx, cell, ox, oy };

    ctx.set_fill_style_str(BACKGROUND);
    ctx.fill_rect(0.0, 0.0, w, h);
    ctx.set_stroke_style_str(GRID);
    ctx.set_line_width(1.0);
    ctx.begin_path();
    for x in 1..to.width {
        let px = ox + f64::from(x) * cell + 0.5;
        ctx.move_to(px, oy);
        ctx.line_to(px, oy + rows * cell);
    }
    for y in 1..to.height {
        let py = oy + f64::from(y) * cell + 0.5;
        ctx.move_to(ox, py);
        ctx.line_to(ox + cols * cell, py);
    }
    ctx.stroke();
    ctx.set_stroke_style_str(WALL);
    ctx.set_line_width((cell / 4.0).max(2.0));
    ctx.stroke_rect(ox, oy, cols * cell, rows * cell);

    ctx.set_fill_style_str(FOOD);
    for food in &to.food {
        let (x, y) = board.at(centre(*food));
        ctx.begin_path();
        let _ = ctx.arc(x, y, cell * 0.3, 0.0, std::f64::consts::TAU);
        ctx.fill();
    }

    ctx.set_line_cap("round");
    ctx.set_line_join("round");
    let me = own.as_ref().map(|o| o.player);
    for view in to.live_snakes().filter(|s| Some(s.player) != me) {
        let before = from.and_then(|f| f.snake(view.player));
        board.snake(
            &snake_path(before, view, alpha),
            &player_colour(view.player),
            false,
            &view.name,
        );
    }
    // Last, so the player's own snake is on top.
    if let Some(Own {
        path: Some(path),
        name,
        ..
    }) = own
    {
        board.snake(&path, OWN, true, name);
    }
}

/// What the banner over the board says to the player whose snake is `own`: when a crashed
/// snake comes back (`tick_rate` ticks a second), or that it waits for a free spot.
pub fn banner(own: Option<&SnakeView>, tick_rate: u16) -> String {
    match own {
        Some(s) if !s.alive && s.respawn_in > 0 => format!(
            "You crashed! Back in {} s",
            tickwire_web::tenths(f64::from(s.respawn_in) / f64::from(tick_rate.max(1)))
        ),
        Some(s) if !s.alive => "Waiting for a free spot…".into(),
        _ => String::new(),
    }
}

/// Cell geometry of one frame.
struct Board<'a> {
    ctx: &'a CanvasRenderingContext2d,
    cell: f64,
    ox: f64,
    oy: f64,
}

impl Board<'_> {
    fn at(&self, p: Point) -> (f64, f64) {
        (self.ox + p.0 * self.cell, self.oy + p.1 * self.cell)
    }

    fn snake(&self, path: &[Point], colour: &str, own: bool, name: &str) {
        let (ctx, cell) = (self.ctx, self.cell);
        if own {
            ctx.set_shadow_color(OWN);
            ctx.set_shadow_blur(cell * 0.8);
        }
        ctx.set_stroke_style_str(colour);
        ctx.set_line_width(cell * BODY_WIDTH);
        ctx.begin_path();
        for (i, point) in path.iter().enumerate() {
            let (x, y) = self.at(*point);
            if i == 0 {
                ctx.move_to(x, y);
                // A single-point path still shows a dot.
                ctx.line_to(x + 0.01, y);
            } else {
                ctx.line_to(x, y);
            }
        }
        ctx.stroke();
        ctx.set_shadow_blur(0.0);
        if let Some(&head) = path.first() {
            let (x, y) = self.at(head);
            ctx.set_fill_style_str(if own { "#ffffff" } else { "#0f172a" });
            ctx.begin_path();
            let _ = ctx.arc(x, y, cell * 0.16, 0.0, std::f64::consts::TAU);
            ctx.fill();
            ctx.set_fill_style_str(NAME);
            ctx.set_font(&format!(
                "{}px system-ui, sans-serif",
                (cell * 0.9).clamp(10.0, 16.0).round()
            ));
            ctx.set_text_align("center");
            let _ = ctx.fill_text(name, x, y - cell * 0.9);
        }
    }
}

#[cfg(test)]
mod tests {
    use snake::Dir;

    use super::*;

    fn view(body: &[(u8, u8)], alive: bool) -> SnakeView {
        SnakeView {
            player: PlayerId(1),
            name: "a".into(),
            body: body.iter().map(|&(x, y)| Cell::new(x, y)).collect(),
            dir: Dir::Right,
            alive,
            score: 0,
            respawn_in: 0,
        }
    }

    #[test]
    fn halfway_through_a_step_the_head_and_tail_are_between_cells() {
        let from = view(&[(5, 5), (4, 5), (3, 5)], true);
        let to = view(&[(6, 5), (5, 5), (4, 5)], true);
        let path = snake_path(Some(&from), &to, 0.5);
        assert_eq!(path, vec![(6.0, 5.5), (5.5, 5.5), (4.5, 5.5), (4.0, 5.5)]);
    }

    #[test]
    fn at_the_end_of_a_step_the_path_is_the_new_body() {
        let from = view(&[(5, 5), (4, 5), (3, 5)], true);
        let to = view(&[(6, 5), (5, 5), (4, 5)], true);
        let end: Vec<Point> = snake_path(Some(&from), &to, 1.0);
        assert_eq!(end.first(), Some(&(6.5, 5.5)));
        assert_eq!(end.last(), Some(&(4.5, 5.5)));
    }

    #[test]
    fn a_growing_snake_keeps_its_tail_still() {
        let from = view(&[(5, 5), (4, 5)], true);
        let to = view(&[(6, 5), (5, 5), (4, 5)], true);
        let path = snake_path(Some(&from), &to, 0.5);
        assert_eq!(path, vec![(6.0, 5.5), (5.5, 5.5), (4.5, 5.5)]);
    }

    #[test]
    fn a_respawned_snake_is_drawn_where_it_is() {
        let from = view(&[(5, 5), (4, 5)], true);
        let to = view(&[(20, 20), (19, 20)], true);
        assert_eq!(
            snake_path(Some(&from), &to, 0.5),
            vec![(20.5, 20.5), (19.5, 20.5)]
        );
    }

    #[test]
    fn players_get_distinct_colours() {
        assert_ne!(player_colour(PlayerId(1)), player_colour(PlayerId(2)));
    }
}
