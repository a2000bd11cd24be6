//! Two-player pong for the tickwire toolkit: its wire types with derived deltas, its
//! authoritative rules as `bevy_ecs` systems (the default `sim` feature), the court geometry
//! and ball physics clients share for prediction, and a cheap bot brain.
//!
//! Everything is deterministic from the room seed and the calls the runtime makes: no I/O,
//! no clocks, no threads, no OS randomness. Without `sim`, the crate is what a browser needs
//! and has no `bevy_ecs`.
//!
//! # The game
//!
//! - **Units.** The court is [`PongRules::width`] x [`PongRules::height`] units, 1600 x 1000
//!   by default; `x` grows from the left end, `y` from the top wall. Every position and
//!   velocity is an integer (units, and units per tick), so states are exact and deltas
//!   rebuild them bit for bit. Rooms tick 30 times a second.
//! - **Seats.** A room holds two players ([`rules::CAPACITY`]). The first to join takes the
//!   left paddle, the second the right; a leaver frees its side and the next joiner takes
//!   it (the left one if both are free). Names are kept as given.
//! - **Paddles.** A player holds a [`Motion`] ([`PongInput`]); the paddle moves
//!   [`PongRules::paddle_speed`] units that way every tick until the next input, stopping at
//!   the walls. Clients send inputs when what they hold changes; the runtime applies the
//!   latest before each tick.
//! - **Ball.** It bounces off the top and bottom walls. Off a paddle it returns faster by
//!   [`PongRules::speedup`] (up to [`PongRules::max_speed`]), at an angle set by where it
//!   struck: dead centre is straight, the tip [`PongRules::max_slope_pct`] percent. Paddle
//!   contact is swept over the whole tick, so no speed tunnels through a paddle (see
//!   [`physics::step_ball`]).
//! - **Points.** A ball past a paddle to its end line scores for the other side. It then
//!   rests at the centre for [`PongRules::serve_ticks`] and is served toward the side that
//!   conceded, with a small random vertical speed from the room's seeded stream (a round's
//!   first serve goes to a random side). Reaching [`PongRules::points_to_win`] ends the
//!   serving until the next round.
//! - **Practice.** With one player the empty end is a wall the ball bounces off, and
//!   nobody scores; with nobody seated the ball rests at the centre.
//!
//! # A tick
//!
//! The systems run in this order (see `build_room` in `systems.rs`): `advance_tick`,
//! `move_paddles`, `count_down_serve`, `move_ball`.
//!
//! # On the wire
//!
//! A full [`PongState`] is 45 bytes with two players. Its delta is derived
//! ([`PongStateDelta`]: the changed fields only): 8 bytes for a tick with the ball in
//! flight and the paddles still, 16 with one paddle moving too.

#![deny(missing_docs)]

pub mod bot;
#[cfg(feature = "sim")]
mod components;
#[cfg(feature = "testing")]
pub mod fuzz;
#[cfg(feature = "sim")]
mod game;
pub mod physics;
pub mod protocol;
pub mod rules;
#[cfg(feature = "sim")]
mod systems;
#[cfg(feature = "testing")]
pub mod testing;

pub use protocol::{
    BallView, Court, Motion, PaddleView, Pong, PongInput, PongState, PongStateDelta, Side,
};
pub use rules::PongRules;
#[cfg(feature = "sim")]
pub use tickwire_game::SplitMix64;
