//! Multiplayer snake for the netcode toolkit: its wire types, its authoritative rules as
//! `bevy_ecs` systems, and a cheap bot brain.
//!
//! Everything is deterministic from the room seed and the calls the runtime makes: no I/O,
//! no clocks, no threads, no OS randomness. The crate builds for `wasm32-unknown-unknown`, so
//! browser clients share the wire types (and may run the bot).
//!
//! A tick runs these systems in order (see [`Snake`]'s `build_room`): `advance_tick`,
//! `count_down_respawns`, `apply_turns`, `move_snakes`, `detect_collisions`, `bury_crashed`,
//! `respawn_snakes`, `replenish_food`.

mod board;
pub mod bot;
mod components;
pub mod delta;
pub mod fuzz;
mod game;
pub mod protocol;
pub mod rules;
mod spawn;
mod systems;
pub mod testing;

pub use delta::SnakeDelta;
pub use game::Snake;
pub use netcode::SplitMix64;
pub use protocol::{Cell, Dir, SnakeInput, SnakeState, SnakeView};
pub use rules::SnakeRules;
