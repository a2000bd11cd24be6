//! Multiplayer snake for the tickwire toolkit: its wire types and hand-written deltas, a
//! cheap bot brain, and (with the default `sim` feature) its authoritative rules as
//! `bevy_ecs` systems.
//!
//! Everything is deterministic from the room seed and the calls the runtime makes: no I/O,
//! no clocks, no threads, no OS randomness. Without `sim` the crate is what a browser needs:
//! the wire types, deltas and the bot, and no `bevy_ecs`.
//!
//! A tick runs these systems in order (see `build_room` in `systems.rs`): `advance_tick`,
//! `count_down_respawns`, `apply_turns`, `move_snakes`, `detect_collisions`, `bury_crashed`,
//! `respawn_snakes`, `replenish_food`.

mod board;
pub mod bot;
#[cfg(feature = "sim")]
mod components;
pub mod delta;
#[cfg(feature = "testing")]
pub mod fuzz;
#[cfg(feature = "sim")]
mod game;
pub mod protocol;
pub mod rules;
#[cfg(feature = "sim")]
mod spawn;
#[cfg(feature = "sim")]
mod systems;
#[cfg(feature = "testing")]
pub mod testing;

pub use delta::SnakeDelta;
pub use protocol::{Cell, Dir, SnakeInput, SnakeState, SnakeView};
pub use rules::{Snake, SnakeRules};
#[cfg(feature = "sim")]
pub use tickwire_game::SplitMix64;
