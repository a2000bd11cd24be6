//! What a game declares to cross the wire: its name and version, its input and snapshot
//! types, and (through [`Diff`]) how a snapshot describes its change to a later one. Both
//! the server and every client are generic over [`Wire`]; nothing here runs a simulation.

use crate::{codec::Message, diff::Diff};

/// A game's wire contract: everything a client needs to speak to its server.
///
/// A game implements it on a type of its own (usually the one that also implements the
/// simulation's `Game` trait in `tickwire-game`), in a crate the browser can build: no
/// `bevy_ecs`, no I/O.
pub trait Wire: Send + Sync + 'static {
    /// A short, stable name, checked at hello so a client of another game is refused.
    const NAME: &'static str;
    /// The version of [`Input`](Wire::Input) and [`Snapshot`](Wire::Snapshot). Bump it
    /// whenever either changes shape; clients of other versions are refused at hello.
    const VERSION: u16;

    /// One player's command, sent by the client.
    type Input: Message;
    /// The state every client in a room receives each tick. Its [`Diff`] (derived with
    /// `#[derive(Diff)]`, or written by hand where a game can do better) makes the delta
    /// snapshots sent to clients that hold an earlier state.
    type Snapshot: Message + Diff;
}

/// The delta type of a game's snapshots.
pub type DeltaOf<W> = <<W as Wire>::Snapshot as Diff>::Delta;
