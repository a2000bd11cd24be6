//! Turning the snake: arrow keys and WASD on a keyboard, swipes on a touch screen, and
//! whether a turn is worth sending.

use snake::{Dir, Snake, SnakeInput};
use tickwire_web::{Touch, runtime::Session};

/// How far a finger must travel, in CSS pixels, before a swipe counts.
pub const SWIPE_MIN_PX: f64 = 24.0;

/// The direction a key asks for. `code` is the physical key (`KeyboardEvent.code`), so WASD
/// works on any keyboard layout; `key` catches arrows on keyboards that report them oddly.
pub fn key_dir(code: &str, key: &str) -> Option<Dir> {
    match (code, key) {
        ("ArrowUp" | "KeyW", _) | (_, "ArrowUp") => Some(Dir::Up),
        ("ArrowDown" | "KeyS", _) | (_, "ArrowDown") => Some(Dir::Down),
        ("ArrowLeft" | "KeyA", _) | (_, "ArrowLeft") => Some(Dir::Left),
        ("ArrowRight" | "KeyD", _) | (_, "ArrowRight") => Some(Dir::Right),
        _ => None,
    }
}

/// Sends a turn to `dir` unless the world is frozen (a countdown or the results: the server
/// would drop it) or it repeats the heading the snake will have: the turn the server has
/// not applied yet, else the live snake's heading in the newest state.
pub fn turn(dir: Dir, session: &mut Session<Snake>) {
    let Some(me) = session.me() else { return };
    if !session.world_moves() {
        return;
    }
    let heading = session.pending_input().map(|input| input.dir).or_else(|| {
        let (_, state) = session.timeline().latest()?;
        state.snake(me).filter(|s| s.alive).map(|s| s.dir)
    });
    if heading != Some(dir) {
        session.send_input(SnakeInput { dir });
    }
}

/// Follows one finger and reports a direction each time it has moved far enough along one
/// axis, so a single continuous gesture can make several turns.
#[derive(Debug, Default, Clone)]
pub struct Swipe {
    anchor: Option<(f64, f64)>,
}

impl Swipe {
    /// A finger touched down at (`x`, `y`).
    pub fn start(&mut self, x: f64, y: f64) {
        self.anchor = Some((x, y));
    }

    /// The finger moved to (`x`, `y`); returns a direction once it travelled
    /// [`SWIPE_MIN_PX`] mostly along one axis, and restarts from there.
    pub fn moved(&mut self, x: f64, y: f64) -> Option<Dir> {
        let (ax, ay) = self.anchor?;
        let (dx, dy) = (x - ax, y - ay);
        if dx.abs().max(dy.abs()) < SWIPE_MIN_PX {
            return None;
        }
        self.anchor = Some((x, y));
        Some(if dx.abs() > dy.abs() {
            if dx > 0.0 { Dir::Right } else { Dir::Left }
        } else if dy > 0.0 {
            Dir::Down
        } else {
            Dir::Up
        })
    }

    /// The finger lifted.
    pub fn end(&mut self) {
        self.anchor = None;
    }

    /// Follows the page's `touch` event; returns a direction as [`Swipe::moved`] does.
    pub fn touch(&mut self, touch: Touch) -> Option<Dir> {
        match touch {
            Touch::Start { x, y } => self.start(x, y),
            Touch::Move { x, y } => return self.moved(x, y),
            Touch::End => self.end(),
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_and_wasd_map_to_directions() {
        assert_eq!(key_dir("ArrowUp", "ArrowUp"), Some(Dir::Up));
        assert_eq!(key_dir("KeyW", "w"), Some(Dir::Up));
        assert_eq!(
            key_dir("KeyA", "q"),
            Some(Dir::Left),
            "AZERTY: the physical key counts"
        );
        assert_eq!(key_dir("KeyS", "s"), Some(Dir::Down));
        assert_eq!(key_dir("KeyD", "d"), Some(Dir::Right));
        assert_eq!(key_dir("", "ArrowRight"), Some(Dir::Right));
        assert_eq!(key_dir("Space", " "), None);
    }

    #[test]
    fn a_short_wobble_is_not_a_swipe() {
        let mut swipe = Swipe::default();
        swipe.start(100.0, 100.0);
        assert_eq!(swipe.moved(110.0, 95.0), None);
    }

    #[test]
    fn a_swipe_follows_its_major_axis_and_chains() {
        let mut swipe = Swipe::default();
        swipe.start(100.0, 100.0);
        assert_eq!(swipe.moved(140.0, 110.0), Some(Dir::Right));
        assert_eq!(
            swipe.moved(145.0, 150.0),
            Some(Dir::Down),
            "a second turn in one gesture"
        );
        assert_eq!(swipe.moved(146.0, 151.0), None);
        swipe.end();
        assert_eq!(swipe.moved(0.0, 0.0), None, "no finger, no swipe");
    }

    #[test]
    fn the_pages_touch_events_drive_the_swipe() {
        let mut swipe = Swipe::default();
        assert_eq!(swipe.touch(Touch::Start { x: 0.0, y: 0.0 }), None);
        assert_eq!(swipe.touch(Touch::Move { x: 0.0, y: -30.0 }), Some(Dir::Up));
        assert_eq!(swipe.touch(Touch::End), None);
        assert_eq!(swipe.touch(Touch::Move { x: 50.0, y: 0.0 }), None, "lifted");
    }
}
