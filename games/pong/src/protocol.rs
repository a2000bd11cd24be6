//! Pong's wire types, defined once: the input a client sends and the state every client
//! receives each tick.
//!
//! Everything is an integer in court units (see [`Court`]), so states compare exactly and
//! deltas rebuild them bit for bit. The codec writes integers as varints: velocities,
//! motions and scores take one byte each, positions three.
//!
//! Deltas are derived (`#[derive(Diff)]`): a [`PongStateDelta`] lists the changed fields,
//! down to a paddle's `y` or the ball's `x`; sides, motions and the court are sent whole
//! when they change. What the rules, the bot and the browser ask of these types (the
//! court's geometry, the ball's flight, lookups) is with the rules, in `physics.rs`.

use serde::{Deserialize, Serialize};
use tickwire::{Diff, PlayerId, Wire};

use crate::rules::PongRules;

/// Two-player pong. Every room plays by [`Pong::rules`] (see [`Pong::new`]).
#[derive(Debug, Clone, Default)]
pub struct Pong {
    /// The rules every room of this game is built with.
    pub rules: PongRules,
}

impl Pong {
    /// A game with `rules`, once they pass [`PongRules::validate`].
    pub fn new(rules: PongRules) -> Result<Pong, String> {
        rules.validate()?;
        Ok(Pong { rules })
    }
}

impl PongRules {
    /// The geometry clients receive in every full snapshot.
    pub fn court(&self) -> Court {
        Court {
            width: self.width,
            height: self.height,
            paddle_width: self.paddle_width,
            paddle_height: self.paddle_height,
            paddle_inset: self.paddle_inset,
            paddle_speed: self.paddle_speed,
            ball_radius: self.ball_radius,
            speedup: self.speedup,
            max_speed: self.max_speed,
            max_slope_pct: self.max_slope_pct,
            points_to_win: self.points_to_win,
        }
    }
}

impl Wire for Pong {
    const NAME: &'static str = "pong";
    const VERSION: u16 = 2;

    type Input = PongInput;
    type Snapshot = PongState;
}

/// What a player holds down: the paddle keeps moving this way every tick until the next
/// input changes it. `y` grows downward, so [`Motion::Up`] decreases it.
#[derive(
    Serialize, Deserialize, Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord,
)]
pub enum Motion {
    /// Toward `y = 0`.
    Up,
    /// Held still.
    #[default]
    Stop,
    /// Toward `y = height`.
    Down,
}

/// Which end of the court a paddle defends.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// The end at `x = 0`; the first player to join takes it.
    Left,
    /// The end at `x = width`.
    Right,
}

/// One player's command: what they now hold. The game's [`tickwire::Wire::Input`].
///
/// Clients send it when it changes, not every tick; the server keeps applying the latest.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PongInput {
    /// The held motion.
    pub motion: Motion,
}

/// The court's fixed geometry and the numbers a client needs to draw and predict (with
/// [`crate::physics::step_ball`], the server's own ball physics), all in court units (`x`
/// from the left end, `y` from the top wall) and ticks. The same for a room's whole life;
/// see [`crate::PongRules`] for each field.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Court {
    /// Length of the court from end to end, in units.
    pub width: u16,
    /// Height of the court from the top wall to the bottom wall, in units.
    pub height: u16,
    /// Thickness of a paddle along `x`, in units.
    pub paddle_width: u16,
    /// Length of a paddle along `y`, in units.
    pub paddle_height: u16,
    /// Gap between an end line and the back of its paddle, in units.
    pub paddle_inset: u16,
    /// How far a held paddle moves per tick, in units.
    pub paddle_speed: u16,
    /// Half the side of the square ball, in units.
    pub ball_radius: u16,
    /// Horizontal speed the ball gains per paddle hit, in units per tick.
    pub speedup: u16,
    /// The horizontal speed hits stop adding to, in units per tick.
    pub max_speed: u16,
    /// Vertical speed off a paddle's very tip, as a percentage of the horizontal speed.
    pub max_slope_pct: u16,
    /// Points that win the round (the ball is no longer served); 0 for no limit.
    pub points_to_win: u16,
}

/// The ball as clients see it: its centre and its velocity per tick. While it waits to be
/// served it rests at the centre with zero velocity.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Diff)]
pub struct BallView {
    /// Centre, in units from the left end.
    pub x: u16,
    /// Centre, in units from the top wall.
    pub y: u16,
    /// Units moved along `x` per tick; positive toward the right end.
    pub vx: i16,
    /// Units moved along `y` per tick; positive downward.
    pub vy: i16,
}

/// One seated player's paddle as clients see it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Diff)]
pub struct PaddleView {
    /// Whose paddle this is.
    pub player: PlayerId,
    /// The player's display name, as given.
    pub name: String,
    /// The end it defends.
    #[diff(whole)]
    pub side: Side,
    /// Its centre, in units from the top wall; within [`Court::paddle_range`].
    pub y: u16,
    /// What the player holds: where the paddle goes next tick, for prediction.
    #[diff(whole)]
    pub motion: Motion,
    /// Points won this round.
    pub score: u32,
}

/// The whole room as every client sees it after a tick. The game's
/// [`tickwire::Wire::Snapshot`]. The tick itself travels in [`tickwire::Snapshot`].
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Diff)]
pub struct PongState {
    /// The court's geometry.
    #[diff(whole)]
    pub court: Court,
    /// Seated players, sorted by player id; at most one per side.
    pub paddles: Vec<PaddleView>,
    /// The ball.
    pub ball: BallView,
    /// Ticks until the ball is served and moves; 0 while it is in play.
    pub serve_in: u16,
}
