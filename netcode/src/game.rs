//! The contract between the toolkit and a game: its wire types, its rules as `bevy_ecs`
//! systems, and its room settings. The server runtime is generic over [`Game`] and never
//! names a particular game.

use std::fmt::Debug;

use bevy_ecs::{schedule::Schedule, world::World};
use serde::{Serialize, de::DeserializeOwned};

use crate::{delta::DeltaError, protocol::PlayerId};

/// What a type needs to cross the wire and move between threads.
pub trait Message: Serialize + DeserializeOwned + Clone + Debug + Send + Sync + 'static {}

impl<T> Message for T where T: Serialize + DeserializeOwned + Clone + Debug + Send + Sync + 'static {}

/// Per-room settings a game chooses; a server's configuration may override them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomSettings {
    /// Simulation ticks per second.
    pub tick_rate: u16,
    /// The most players one room holds.
    pub capacity: u16,
}

/// A game the toolkit can host.
///
/// The runtime owns one [`World`] and one [`Schedule`] per room and drives them from a
/// dedicated simulation thread. Each tick it hands every queued input to
/// [`apply_input`](Game::apply_input) in arrival order, runs the schedule once, then takes one
/// [`snapshot`](Game::snapshot) and sends it to every player in the room. Everything a game
/// does happens inside these calls, so game code never sees sockets, threads or time: given
/// the same seed and the same calls it must produce the same snapshots.
pub trait Game: Send + Sync + 'static {
    /// A short, stable name, checked at hello so a client of another game is refused.
    const NAME: &'static str;
    /// The version of [`Input`](Game::Input) and [`Snapshot`](Game::Snapshot). Bump it
    /// whenever either changes shape; clients of other versions are refused at hello.
    const VERSION: u16;

    /// One player's command, sent by the client.
    type Input: Message;
    /// The state every client in a room receives each tick.
    type Snapshot: Message + PartialEq;
    /// What changed between two snapshots, for clients that hold the earlier one.
    type Delta: Message;

    /// Default tick rate and capacity for this game's rooms.
    fn settings(&self) -> RoomSettings;

    /// Fills a new room's world with the game's resources and its schedule with the game's
    /// systems. `seed` makes the room's randomness reproducible.
    fn build_room(&self, world: &mut World, schedule: &mut Schedule, seed: u64);

    /// A player joined the room.
    fn add_player(&self, world: &mut World, player: PlayerId, name: &str);

    /// A player left the room, for whatever reason.
    fn remove_player(&self, world: &mut World, player: PlayerId);

    /// One input from a player in the room, applied before the next schedule run.
    fn apply_input(&self, world: &mut World, player: PlayerId, input: Self::Input);

    /// A round begins after the countdown: reset scores and put everyone back in play. The
    /// runtime freezes the world (does not run the schedule) during countdowns and while
    /// results are shown, and runs it freely while waiting for players.
    fn start_round(&self, world: &mut World);

    /// Every player's score in the current round, for the results and the winner.
    fn scores(&self, world: &mut World) -> Vec<(PlayerId, i64)>;

    /// Whether the running round is decided before its time is up, checked after every
    /// tick of a running round (such as a player reaching the winning score). The round
    /// then ends as if its time had run out. The default never ends a round early.
    fn round_over(&self, world: &mut World) -> bool {
        let _ = world;
        false
    }

    /// The room's state after a schedule run.
    fn snapshot(&self, world: &mut World) -> Self::Snapshot;

    /// What changed from `base` to `next`, which may be several ticks apart.
    fn diff(base: &Self::Snapshot, next: &Self::Snapshot) -> Self::Delta;

    /// `base` with `delta` applied. It must equal, exactly, the `next` the delta was made
    /// from; anything a delta cannot express compactly it must carry in full. Fails on a
    /// delta that does not fit `base` (a bug or a corrupted baseline), never panics.
    fn apply(base: &Self::Snapshot, delta: &Self::Delta) -> Result<Self::Snapshot, DeltaError>;
}
