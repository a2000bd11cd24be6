//! The toolkit core shared by servers and browser clients: wire protocol, codec, the game
//! and bot contracts, and fixed-step clock logic.
//!
//! This crate does no I/O and names no game. A game plugs in by implementing [`Game`]; the
//! server runtime and the browser client are generic over it; one that also implements
//! [`Bot`] can be played by computer players (the load generator's bots, tests). Everything
//! here builds for native targets and for `wasm32-unknown-unknown`.

#![deny(missing_docs)]

pub mod bot;
pub mod clock;
pub mod close;
pub mod codec;
pub mod delta;
pub mod fuzz;
pub mod game;
pub mod link;
pub mod protocol;
pub mod rng;
pub mod roster;
pub mod testing;

pub use bot::Bot;
pub use close::CloseReason;
pub use delta::{DeltaError, Reconstructor, TickState};
pub use game::{Game, Message, RoomSettings};
pub use protocol::{
    Body, ClientMsg, GameVersion, Hello, Join, MatchPhase, PROTOCOL_VERSION, PlayerId, Rejection,
    ResumeToken, Role, RoomId, ServerMsg, Snapshot, Welcome, valid_room_code,
};
pub use rng::SplitMix64;
pub use roster::Roster;
