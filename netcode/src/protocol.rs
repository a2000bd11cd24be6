//! Every message that crosses the wire, defined once as closed enums generic over the game's
//! input and snapshot types.
//!
//! The connection state machine is: the client sends [`ClientMsg::Hello`] first and nothing
//! else; the server answers [`ServerMsg::Welcome`] or [`ServerMsg::Reject`]; after a welcome
//! the client sends inputs and the server sends one snapshot per tick.

use serde::{Deserialize, Serialize};

use crate::close::CloseReason;

/// Version of the toolkit's own framing ([`ClientMsg`], [`ServerMsg`] and their fields).
///
/// Bump it whenever a type in this module changes shape. Games version their own input and
/// snapshot types separately with [`crate::Game::VERSION`].
pub const PROTOCOL_VERSION: u16 = 1;

/// A player, unique within one server process for its lifetime.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlayerId(pub u32);

/// A room (one match with its own world and tick), unique within one server process.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoomId(pub u32);

/// Which game, at which version of its input and snapshot types.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct GameVersion {
    /// The game's stable name, [`crate::Game::NAME`].
    pub name: String,
    /// [`crate::Game::VERSION`].
    pub version: u16,
}

/// An opaque token that lets a dropped client reclaim its seat (see the reconnection issue);
/// servers that do not support resuming ignore it.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResumeToken(pub [u8; 16]);

/// The first message of every connection.
///
/// `protocol` is deliberately the first field, and `Hello` the first variant of
/// [`ClientMsg`], so that [`crate::codec::peek_hello_protocol`] can read it from any future
/// client even when the rest of the message no longer decodes.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Hello {
    /// The client's [`PROTOCOL_VERSION`].
    pub protocol: u16,
    /// The game the client speaks.
    pub game: GameVersion,
    /// Display name; the server bounds its length and characters.
    pub name: String,
    /// A token from an earlier session, to resume it.
    pub resume: Option<ResumeToken>,
}

impl Hello {
    /// The hello a client of `G` at this crate's versions sends.
    pub fn new<G: crate::Game>(name: impl Into<String>, resume: Option<ResumeToken>) -> Hello {
        Hello {
            protocol: PROTOCOL_VERSION,
            game: GameVersion {
                name: G::NAME.into(),
                version: G::VERSION,
            },
            name: name.into(),
            resume,
        }
    }
}

/// Client to server.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum ClientMsg<I> {
    /// Must be first, and only once.
    Hello(Hello),
    /// One input. `seq` starts at 1 and increases by at least one per input; the server
    /// ignores an input whose `seq` is not above the last one it accepted.
    Input {
        /// Sequence number, echoed back as [`Snapshot::ack`] once applied.
        seq: u32,
        /// The game's input.
        input: I,
    },
    /// The player leaves; the server closes with 1000.
    Leave,
    /// The client holds the state of `tick` (a full snapshot, or a delta it applied), so the
    /// server may send later snapshots as deltas against it. A client that never acks gets
    /// full snapshots.
    Ack {
        /// A tick the client has reconstructed.
        tick: u64,
    },
    /// Asks for a [`ServerMsg::Pong`] at once, to measure round-trip time and clock offset.
    /// Browsers cannot see WebSocket-level pings, so the protocol carries its own.
    Ping {
        /// The client's clock when sending, in milliseconds since any epoch it likes.
        sent_ms: u32,
    },
}

/// Sent once, in answer to an accepted [`Hello`].
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Welcome {
    /// The receiving client's player.
    pub player: PlayerId,
    /// The room it was placed in.
    pub room: RoomId,
    /// Simulation ticks per second; snapshots arrive at this rate.
    pub tick_rate: u16,
}

/// The authoritative state of a room after one tick, as seen by one client: in full, or as
/// a delta against a state the client acknowledged.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Snapshot<S, D> {
    /// The room tick this state is the result of. Strictly increasing per connection.
    pub tick: u64,
    /// The highest input `seq` from the receiving client that the simulation has consumed,
    /// or 0 before the first.
    pub ack: u32,
    /// The state itself.
    pub body: Body<S, D>,
}

/// A snapshot's state: whole, or relative to an acknowledged baseline.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum Body<S, D> {
    /// The whole state (a keyframe).
    Full(S),
    /// The change since the state of tick `tick - age`, which the client acknowledged.
    Delta {
        /// How many ticks before this snapshot's tick the baseline is; at most
        /// [`crate::delta::MAX_BASELINE_AGE`].
        age: u8,
        /// The game's delta.
        delta: D,
    },
}

/// Why the server refused a [`Hello`]. Always followed by a close frame with
/// [`Rejection::close_reason`]'s code.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The client speaks another protocol or game version; it should reload, not retry.
    VersionMismatch {
        /// The server's [`PROTOCOL_VERSION`].
        protocol: u16,
        /// The game the server runs.
        game: GameVersion,
    },
    /// No room could take another player.
    ServerFull,
    /// The name is empty, too long or has characters outside the allowed set.
    InvalidName,
}

impl Rejection {
    /// The close frame that follows this rejection.
    pub fn close_reason(&self) -> CloseReason {
        match self {
            Rejection::VersionMismatch { .. } => CloseReason::VersionMismatch,
            Rejection::ServerFull => CloseReason::ServerFull,
            Rejection::InvalidName => CloseReason::InvalidName,
        }
    }
}

/// Server to client, for a game whose snapshots are `S` and deltas `D`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum ServerMsg<S, D> {
    /// The hello was accepted.
    Welcome(Welcome),
    /// One tick's state.
    Snapshot(Snapshot<S, D>),
    /// The hello was refused; a close frame follows.
    Reject(Rejection),
    /// The answer to a [`ClientMsg::Ping`], sent as soon as the ping is read.
    Pong {
        /// The ping's `sent_ms`, echoed.
        sent_ms: u32,
        /// The server's clock when answering, in milliseconds since it started.
        server_ms: u64,
    },
}
