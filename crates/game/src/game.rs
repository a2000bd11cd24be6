//! The contract between the server runtime and a game's simulation: its rules as
//! `bevy_ecs` systems over one [`World`] per room, its room settings, its rounds. The wire
//! side of a game (input and snapshot types, deltas) is [`Wire`], in the `tickwire` crate.

use bevy_ecs::{resource::Resource, schedule::Schedule, world::World};
use tickwire::{MatchPhase, PlayerId, Wire};

/// Per-room settings a game chooses; a server's configuration may override them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomSettings {
    /// Simulation ticks per second.
    pub tick_rate: u16,
    /// The most players one room holds.
    pub capacity: u16,
}

/// Where the room is in its round during the tick being run: a resource the runtime puts in
/// every room's world before running the game's systems, so rules can depend on it (say,
/// score only while a round runs). The systems run while waiting for players and during a
/// round; they do not run during countdowns or while results are shown.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundPhase(pub MatchPhase);

/// A game the toolkit can host.
///
/// The runtime owns one [`World`] and one [`Schedule`] per room and drives them from a
/// dedicated simulation thread. Each tick it hands every queued input to
/// [`apply_input`](Game::apply_input) in arrival order, runs the schedule once, then takes one
/// [`snapshot`](Game::snapshot) and sends it to every player in the room. Everything a game
/// does happens inside these calls, so game code never sees sockets, threads or time: given
/// the same seed and the same calls it must produce the same snapshots.
pub trait Game: Wire {
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
}
