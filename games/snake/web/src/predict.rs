//! Predicting the player's own snake: it is drawn at the present, not in the interpolated
//! past, moving from the newest server state towards its next cell in the heading the player
//! just chose, so a turn shows on the very next frame. When the server's next state disagrees
//! (the turn landed a tick later than predicted), the difference is blended away over a
//! moment instead of snapping.

use snake::{Cell, Dir, Snake, SnakeView};
use tickwire_web::{
    runtime::Session,
    smooth::{Point, Smoother},
};

use crate::render::Own;

/// Corrections larger than this (in cells) are not smoothed: the snake respawned or
/// something else discontinuous happened, and sliding across the board would be wrong.
pub const MAX_SMOOTHED_CELLS: f64 = 2.5;

fn centre(cell: Cell) -> Point {
    (f64::from(cell.x) + 0.5, f64::from(cell.y) + 0.5)
}

/// The player's own snake as drawn: predicted at the present, its head's mispredictions
/// blended away, and the heading it was drawn with.
#[derive(Debug, Clone)]
pub struct OwnSnake {
    smoother: Smoother,
    /// The heading the own snake was last drawn with, for the page's `data-state`.
    pub heading: Option<Dir>,
}

impl Default for OwnSnake {
    fn default() -> Self {
        OwnSnake {
            smoother: Smoother::new(MAX_SMOOTHED_CELLS),
            heading: None,
        }
    }
}

impl OwnSnake {
    /// The own snake at page time `now`: the newest server state moved on by the time since
    /// it arrived, in the heading the player chose, with mispredictions blended away. `None`
    /// without one; a dead snake has no path.
    pub fn predict<'s>(&mut self, session: &'s Session<Snake>, now: f64) -> Option<Own<'s>> {
        self.heading = None;
        let me = session.me()?;
        let timeline = session.timeline();
        let (tick, state) = timeline.latest()?;
        let view = state.snake(me)?;
        let own = |path| Own {
            player: me,
            path,
            name: &view.name,
        };
        if !view.alive {
            self.smoother.forget();
            return Some(own(None));
        }
        let pending = session.pending_input().map(|input| input.dir);
        let progress = (now - timeline.latest_at()) / timeline.period_ms();
        let heading = next_heading(view.dir, pending);
        self.heading = Some(heading);
        let mut path = own_path(view, heading, progress, state.width, state.height);
        let head = path.first_mut()?;
        *head = self.smoother.show(tick, *head, now);
        Some(own(Some(path)))
    }

    /// Forgets what was drawn: the page left the room.
    pub fn forget(&mut self) {
        self.smoother.forget();
        self.heading = None;
    }
}

/// The heading the snake will take next: the player's pending turn unless the server would
/// ignore it (a reversal), else its current heading.
pub fn next_heading(current: Dir, pending: Option<Dir>) -> Dir {
    match pending {
        Some(dir) if dir.turns_from(current) => dir,
        _ => current,
    }
}

/// The own snake's path `progress` (0..=1) of a tick after its newest server state, heading
/// `heading`: the head reaches towards the next cell, the tail draws in after it.
pub fn own_path(
    view: &SnakeView,
    heading: Dir,
    progress: f64,
    width: u8,
    height: u8,
) -> Vec<Point> {
    let mut path: Vec<Point> = view.body.iter().copied().map(centre).collect();
    let Some(&head) = view.body.first() else {
        return path;
    };
    let t = progress.clamp(0.0, 1.0);
    let (dx, dy) = heading.delta();
    // Towards a wall the head only leans half a cell: the crash is the server's to call.
    let reach = if head.step(heading, width, height).is_some() {
        t
    } else {
        t.min(0.5)
    };
    let (hx, hy) = centre(head);
    path.insert(0, (hx + f64::from(dx) * reach, hy + f64::from(dy) * reach));
    if path.len() >= 3 {
        let (tail, before) = (path[path.len() - 1], path[path.len() - 2]);
        let last = path.len() - 1;
        path[last] = (
            tail.0 + (before.0 - tail.0) * t,
            tail.1 + (before.1 - tail.1) * t,
        );
    }
    path
}

#[cfg(test)]
mod tests {
    use tickwire::PlayerId;

    use super::*;

    fn view(body: &[(u8, u8)], dir: Dir) -> SnakeView {
        SnakeView {
            player: PlayerId(1),
            name: "me".into(),
            body: body.iter().map(|&(x, y)| Cell::new(x, y)).collect(),
            dir,
            alive: true,
            score: 0,
            respawn_in: 0,
        }
    }

    #[test]
    fn a_pending_turn_shows_at_once_unless_it_is_a_reversal() {
        assert_eq!(next_heading(Dir::Right, Some(Dir::Up)), Dir::Up);
        assert_eq!(next_heading(Dir::Right, Some(Dir::Left)), Dir::Right);
        assert_eq!(next_heading(Dir::Right, None), Dir::Right);
    }

    #[test]
    fn the_head_leans_into_the_new_heading_as_the_tick_progresses() {
        let me = view(&[(5, 5), (4, 5), (3, 5)], Dir::Right);
        let path = own_path(&me, Dir::Up, 0.5, 20, 20);
        assert_eq!(path[0], (5.5, 5.0), "half a cell up from the head's centre");
        assert_eq!(path[1], (5.5, 5.5));
        assert_eq!(
            *path.last().unwrap(),
            (4.0, 5.5),
            "the tail drew in half a cell"
        );
    }

    #[test]
    fn at_a_wall_the_head_leans_only_half_a_cell() {
        let me = view(&[(19, 5), (18, 5)], Dir::Right);
        assert_eq!(own_path(&me, Dir::Right, 1.0, 20, 20)[0], (20.0, 5.5));
    }
}
