//! Blending away mispredictions: when a new server state moves something the client
//! predicted (the own player's position), the jump fades out over a moment
//! instead of snapping, unless it is too large to be a correction (a respawn).
//!
//! A frontend that predicts its own entity calls [`Smoother::show`] every frame with the
//! server tick its prediction started from; the smoother remembers what it drew and blends
//! from there whenever a newer tick moves the prediction.

/// A point in whatever units the game draws in.
pub type Point = (f64, f64);

/// How long a correction takes to fade to about a third, in ms.
pub const CORRECTION_MS: f64 = 80.0;

/// `a` moved `t` (0..=1) of the way to `b`.
pub fn lerp(a: Point, b: Point, t: f64) -> Point {
    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
}

/// Blends away the jump between what was shown and what a new server state implies.
#[derive(Debug, Clone)]
pub struct Smoother {
    offset: Point,
    since: f64,
    max_jump: f64,
    /// The point [`Smoother::show`] drew last, and the server tick its prediction started from.
    shown: Option<(u64, Point)>,
}

impl Smoother {
    /// A smoother that blends corrections up to `max_jump` long and applies larger ones at
    /// once.
    pub fn new(max_jump: f64) -> Self {
        Smoother {
            offset: (0.0, 0.0),
            since: 0.0,
            max_jump,
            shown: None,
        }
    }

    /// The offset still applied at page time `now`.
    pub fn offset(&self, now: f64) -> Point {
        let k = (-(now - self.since).max(0.0) / CORRECTION_MS).exp();
        (self.offset.0 * k, self.offset.1 * k)
    }

    /// A new server state moved the prediction from `shown` (what was on screen, with its
    /// correction) to `predicted` (the new prediction, without one).
    pub fn correct(&mut self, shown: Point, predicted: Point, now: f64) {
        let offset = (shown.0 - predicted.0, shown.1 - predicted.1);
        self.offset = if offset.0.hypot(offset.1) <= self.max_jump {
            offset
        } else {
            (0.0, 0.0)
        };
        self.since = now;
    }

    /// `point` with the remaining correction added.
    pub fn apply(&self, point: Point, now: f64) -> Point {
        let (ox, oy) = self.offset(now);
        (point.0 + ox, point.1 + oy)
    }

    /// Where to draw, at page time `now`, an entity predicted at `predicted` from the server
    /// state of `tick`. On the first frame from a newer tick than the last one shown, the
    /// jump from what was drawn then is [`correct`](Smoother::correct)ed; every frame gets
    /// the remaining correction [`apply`](Smoother::apply)ed, and is remembered as shown.
    pub fn show(&mut self, tick: u64, predicted: Point, now: f64) -> Point {
        if let Some((shown_tick, shown)) = self.shown
            && shown_tick != tick
        {
            self.correct(shown, predicted, now);
        }
        let drawn = self.apply(predicted, now);
        self.shown = Some((tick, drawn));
        drawn
    }

    /// The point [`show`](Smoother::show) drew last, unless forgotten since.
    pub fn shown(&self) -> Option<Point> {
        self.shown.map(|(_, point)| point)
    }

    /// Forgets what was shown (the entity died or left): the next [`show`](Smoother::show)
    /// starts afresh rather than blending from it. A correction in progress still fades.
    pub fn forget(&mut self) {
        self.shown = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_correction_fades_instead_of_snapping() {
        let mut smoother = Smoother::new(2.5);
        smoother.correct((6.5, 5.5), (5.5, 6.5), 1000.0);
        assert_eq!(
            smoother.apply((5.5, 6.5), 1000.0),
            (6.5, 5.5),
            "first frame: where it was"
        );
        let later = smoother.apply((5.5, 6.5), 1000.0 + 4.0 * CORRECTION_MS);
        assert!(
            (later.0 - 5.5).abs() < 0.05 && (later.1 - 6.5).abs() < 0.05,
            "{later:?}"
        );
    }

    #[test]
    fn a_new_tick_blends_from_what_was_shown_and_the_same_tick_does_not() {
        let mut smoother = Smoother::new(2.5);
        assert_eq!(smoother.shown(), None);
        assert_eq!(
            smoother.show(1, (5.0, 5.0), 0.0),
            (5.0, 5.0),
            "nothing to blend from"
        );
        assert_eq!(
            smoother.show(1, (5.5, 5.0), 10.0),
            (5.5, 5.0),
            "the prediction moves on within a tick"
        );
        assert_eq!(
            smoother.show(2, (5.5, 6.0), 20.0),
            (5.5, 5.0),
            "a new tick starts where the last frame was"
        );
        assert_eq!(smoother.shown(), Some((5.5, 5.0)));
        let later = smoother.show(2, (5.5, 6.0), 20.0 + 4.0 * CORRECTION_MS);
        assert!((later.1 - 6.0).abs() < 0.05, "{later:?}");
    }

    #[test]
    fn a_forgotten_entity_is_shown_where_predicted() {
        let mut smoother = Smoother::new(2.5);
        smoother.show(1, (5.0, 5.0), 0.0);
        smoother.forget();
        assert_eq!(smoother.shown(), None);
        assert_eq!(smoother.show(2, (6.0, 5.0), 10.0), (6.0, 5.0));
    }

    #[test]
    fn a_jump_too_large_to_be_a_correction_is_not_smoothed() {
        let mut smoother = Smoother::new(2.5);
        smoother.correct((2.5, 2.5), (30.5, 20.5), 0.0);
        assert_eq!(smoother.offset(0.0), (0.0, 0.0));
    }
}
