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
/// snapshot types separately with [`crate::Wire::VERSION`].
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
    /// The game's stable name, [`crate::Wire::NAME`].
    pub name: String,
    /// [`crate::Wire::VERSION`].
    pub version: u16,
}

/// An opaque, unguessable token from a [`Welcome`] that lets a client that dropped reclaim
/// its seat (its player, score and place) within the server's grace period.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResumeToken(pub [u8; 16]);

/// The shortest and longest room code, in characters.
pub const ROOM_CODE_CHARS: std::ops::RangeInclusive<usize> = 4..=8;

/// Whether `code` is a well-formed room code: [`ROOM_CODE_CHARS`] of `A-Z` and `0-9`.
pub fn valid_room_code(code: &str) -> bool {
    ROOM_CODE_CHARS.contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Where a client wants to be.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum Join {
    /// Play in the fullest public room with space (a new one if all are full).
    Quick,
    /// Play in the room with this code; a code no room has opens a private room with it.
    Room(String),
    /// Play in a new private room with a code the server picks.
    NewPrivate,
    /// Watch the room with this code without playing.
    Watch(String),
}

/// What a welcomed client does in its room.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Plays as this player.
    Player(PlayerId),
    /// Watches; sends no inputs.
    Spectator,
}

/// Where a room is in its round, sent with every snapshot.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchPhase {
    /// Free play until enough players are present for a round.
    Waiting {
        /// Players still missing.
        needed: u8,
    },
    /// The round starts when this reaches zero; the world is frozen meanwhile.
    Countdown {
        /// Ticks until the round starts.
        ticks_left: u32,
    },
    /// A round is on.
    Running {
        /// Ticks until it ends.
        ticks_left: u32,
    },
    /// The round is over and its results recorded; the world is frozen meanwhile.
    Ended {
        /// Ticks until the next countdown (or waiting).
        ticks_left: u32,
        /// The top scorer, unless the top score was shared.
        winner: Option<PlayerId>,
    },
}

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
    /// A token from an earlier session, to resume it; honoured before `join`.
    pub resume: Option<ResumeToken>,
    /// Which room to join, and how.
    pub join: Join,
}

impl Hello {
    /// The hello a client of `G` at this crate's versions sends.
    pub fn new<G: crate::Wire>(
        name: impl Into<String>,
        join: Join,
        resume: Option<ResumeToken>,
    ) -> Hello {
        Hello {
            protocol: PROTOCOL_VERSION,
            game: GameVersion {
                name: G::NAME.into(),
                version: G::VERSION,
            },
            name: name.into(),
            resume,
            join,
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
    /// Whether the client plays, and as whom.
    pub role: Role,
    /// The room it was placed in.
    pub room: RoomId,
    /// The room's code, to share or to come back to.
    pub code: String,
    /// Whether the room is private (joinable by code only, not listed).
    pub private: bool,
    /// Simulation ticks per second; snapshots arrive at this rate.
    pub tick_rate: u16,
    /// Presented in a later hello, reclaims this seat within the grace period.
    pub resume: Option<ResumeToken>,
    /// Whether this welcome resumed an earlier seat.
    pub resumed: bool,
}

impl Welcome {
    /// The player, unless the client is a spectator.
    pub fn player(&self) -> Option<PlayerId> {
        match self.role {
            Role::Player(player) => Some(player),
            Role::Spectator => None,
        }
    }
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
    /// Where the room is in its round.
    pub phase: MatchPhase,
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
    /// The room asked for has no free seat.
    RoomFull,
    /// No room has the code to watch, or the code is malformed.
    NoSuchRoom,
    /// The server is finishing its rounds before restarting and takes no one new.
    Draining,
}

impl Rejection {
    /// The close frame that follows this rejection.
    pub fn close_reason(&self) -> CloseReason {
        match self {
            Rejection::VersionMismatch { .. } => CloseReason::VersionMismatch,
            Rejection::ServerFull => CloseReason::ServerFull,
            Rejection::InvalidName => CloseReason::InvalidName,
            Rejection::RoomFull => CloseReason::RoomFull,
            Rejection::NoSuchRoom => CloseReason::NoSuchRoom,
            Rejection::Draining => CloseReason::Shutdown,
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
