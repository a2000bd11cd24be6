//! Pong's deltas: what changed between two states, in about ten bytes for a tick of play
//! (a coasting ball, a moving paddle). Anything a compact form cannot express exactly is
//! carried in full, so applying a delta to its baseline always gives back exactly the state
//! it was made from.

use serde::{Deserialize, Serialize};
use tickwire::{DeltaError, Diff};

use crate::protocol::{BallView, Court, Motion, PaddleView, PongState, Side};

/// Pong's hand-written delta: the ball as steps coasted, paddles as moves.
impl Diff for PongState {
    type Delta = PongDelta;

    fn diff(&self, next: &PongState) -> PongDelta {
        diff(self, next)
    }

    fn apply(&self, delta: &PongDelta) -> Result<PongState, DeltaError> {
        apply(self, delta)
    }
}

/// The change from one [`PongState`] to a later one.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct PongDelta {
    /// One entry per paddle of the baseline, in the baseline's order.
    pub paddles: Vec<PaddleChange>,
    /// Paddles the baseline does not have, in full.
    pub joined: Vec<PaddleView>,
    /// The ball.
    pub ball: BallChange,
    /// The serve countdown, when it changed.
    pub serve_in: Option<u16>,
    /// The court, when it changed (never, within one room).
    pub court: Option<Court>,
}

/// What happened to one paddle of the baseline. A paddle is the same one only if both its
/// player and name match; otherwise it is gone and another joined.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum PaddleChange {
    /// Nothing.
    Same,
    /// Its player left.
    Gone,
    /// Only its `y` changed, by `dy` units.
    Moved {
        /// The new `y` minus the old.
        dy: i32,
    },
    /// Its `y` changed by `dy` units (perhaps 0) and its player now holds `motion`.
    Steered {
        /// The new `y` minus the old.
        dy: i32,
        /// The held motion now.
        motion: Motion,
    },
    /// Anything else (a point, a new side): every field but the player and name.
    Set {
        /// The side.
        side: Side,
        /// The centre.
        y: u16,
        /// The held motion.
        motion: Motion,
        /// The score.
        score: u32,
    },
}

/// What happened to the ball.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum BallChange {
    /// Nothing.
    Same,
    /// It flew `steps` ticks at its baseline velocity without bouncing.
    Coasted {
        /// Ticks of flight.
        steps: u16,
    },
    /// Anything else (a bounce, a hit, a serve), in full.
    Set(BallView),
}

/// What `next` changed from `base`. Makes [`apply`] give back exactly `next` whenever both
/// list each player at most once, sorted by player id, as every snapshot does.
pub fn diff(base: &PongState, next: &PongState) -> PongDelta {
    let same = |a: &PaddleView, b: &PaddleView| a.player == b.player && a.name == b.name;
    let paddles = base
        .paddles
        .iter()
        .map(|old| match next.paddles.iter().find(|new| same(old, new)) {
            None => PaddleChange::Gone,
            Some(new) => paddle_change(old, new),
        })
        .collect();
    let joined = next
        .paddles
        .iter()
        .filter(|new| !base.paddles.iter().any(|old| same(old, new)))
        .cloned()
        .collect();
    PongDelta {
        paddles,
        joined,
        ball: ball_change(base.ball, next.ball),
        serve_in: (base.serve_in != next.serve_in).then_some(next.serve_in),
        court: (base.court != next.court).then_some(next.court),
    }
}

fn paddle_change(old: &PaddleView, new: &PaddleView) -> PaddleChange {
    if old == new {
        return PaddleChange::Same;
    }
    let dy = i32::from(new.y) - i32::from(old.y);
    match (
        old.side == new.side && old.score == new.score,
        old.motion == new.motion,
    ) {
        (true, true) => PaddleChange::Moved { dy },
        (true, false) => PaddleChange::Steered {
            dy,
            motion: new.motion,
        },
        (false, _) => PaddleChange::Set {
            side: new.side,
            y: new.y,
            motion: new.motion,
            score: new.score,
        },
    }
}

fn ball_change(base: BallView, next: BallView) -> BallChange {
    if base == next {
        return BallChange::Same;
    }
    let steps = match (base.vx, base.vy) {
        (0, 0) => None,
        (0, vy) => exact_steps(base.y, next.y, vy),
        (vx, _) => exact_steps(base.x, next.x, vx),
    };
    match steps {
        Some(steps) if base.coasted(steps) == Some(next) => BallChange::Coasted { steps },
        _ => BallChange::Set(next),
    }
}

/// The positive whole number of ticks at `v` per tick that takes `from` to `to`, if any.
fn exact_steps(from: u16, to: u16, v: i16) -> Option<u16> {
    let distance = i32::from(to) - i32::from(from);
    let v = i32::from(v);
    (distance % v == 0)
        .then(|| distance / v)
        .and_then(|steps| u16::try_from(steps).ok())
        .filter(|&steps| steps > 0)
}

/// `base` with `delta` applied. Fails, never panics, on a delta that does not fit `base`:
/// the wrong number of paddle changes, or a move or flight that leaves `u16`. Constant work
/// per change, whatever the values.
pub fn apply(base: &PongState, delta: &PongDelta) -> Result<PongState, DeltaError> {
    if delta.paddles.len() != base.paddles.len() {
        return Err(DeltaError(format!(
            "{} paddle changes for a baseline of {} paddles",
            delta.paddles.len(),
            base.paddles.len()
        )));
    }
    let mut paddles = Vec::with_capacity(base.paddles.len() + delta.joined.len());
    for (old, change) in base.paddles.iter().zip(&delta.paddles) {
        let mut paddle = old.clone();
        match *change {
            PaddleChange::Same => {}
            PaddleChange::Gone => continue,
            PaddleChange::Moved { dy } => paddle.y = moved(old, dy)?,
            PaddleChange::Steered { dy, motion } => {
                paddle.y = moved(old, dy)?;
                paddle.motion = motion;
            }
            PaddleChange::Set {
                side,
                y,
                motion,
                score,
            } => {
                paddle.side = side;
                paddle.y = y;
                paddle.motion = motion;
                paddle.score = score;
            }
        }
        paddles.push(paddle);
    }
    paddles.extend(delta.joined.iter().cloned());
    paddles.sort_by_key(|p| p.player);
    let ball = match delta.ball {
        BallChange::Same => base.ball,
        BallChange::Coasted { steps } => base
            .ball
            .coasted(steps)
            .ok_or_else(|| DeltaError(format!("the ball cannot coast {steps} ticks")))?,
        BallChange::Set(ball) => ball,
    };
    Ok(PongState {
        court: delta.court.unwrap_or(base.court),
        paddles,
        ball,
        serve_in: delta.serve_in.unwrap_or(base.serve_in),
    })
}

/// `paddle`'s `y` moved by `dy`, if it stays within `u16`.
fn moved(paddle: &PaddleView, dy: i32) -> Result<u16, DeltaError> {
    i32::from(paddle.y)
        .checked_add(dy)
        .and_then(|y| u16::try_from(y).ok())
        .ok_or_else(|| DeltaError(format!("{:?} cannot move by {dy}", paddle.player)))
}
