//! The contract for computer players: a game that implements [`Bot`] can be played by the
//! load generator's bots and by tests without them knowing which game it is.

use crate::{protocol::PlayerId, wire::Wire};

/// A game that computer players can play: loadgen's bots, `scripts/play`'s company, tests.
///
/// A bot sees exactly what a client sees, the reconstructed
/// [`Snapshot`](Wire::Snapshot) of each tick, and answers with at most one
/// [`Input`](Wire::Input). It holds no state of its own between snapshots: everything it
/// needs is the state, who it is, and what it last sent. So one implementation serves any
/// number of bots, and the same state gives the same answer.
pub trait Bot: Wire {
    /// What a bot playing `me` sends after seeing `state`, if anything. `sent` is the last
    /// input the bot sent that the server has not acknowledged yet, so a bot need not
    /// repeat itself. Cheap: bots call it on every snapshot.
    ///
    /// `None` means send nothing this time: `me` is not playing (not in the room, or out
    /// of play for now), or the input it would send is already in effect or on its way.
    /// Pure: no I/O, no clock, no randomness beyond what `state` carries.
    fn bot_input(
        state: &Self::Snapshot,
        me: PlayerId,
        sent: Option<&Self::Input>,
    ) -> Option<Self::Input>;
}
