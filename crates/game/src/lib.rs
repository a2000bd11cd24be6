//! The simulation half of the tickwire toolkit: the [`Game`] trait a game's authoritative
//! rules implement as `bevy_ecs` systems, the [`Roster`] of players and their entities, the
//! seeded [`SplitMix64`] every game's randomness comes from, and (with the `testing`
//! feature) a headless room for a game's tests.
//!
//! A game's wire types are declared with [`tickwire::Wire`]; this crate adds what only the
//! server runs. Browser builds need not compile it.

#![deny(missing_docs)]

mod game;
mod rng;
mod roster;
#[cfg(feature = "testing")]
pub mod testing;

pub use game::{Game, RoomSettings, RoundPhase, Score, new_room};
pub use rng::SplitMix64;
pub use roster::Roster;
