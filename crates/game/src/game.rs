//! The contract between the server runtime and a game's simulation: its rules as
//! `bevy_ecs` systems over one [`World`] per room, its room settings, its rounds. The wire
//! side of a game (input and snapshot types, deltas) is [`Wire`], in the `tickwire` crate.

use bevy_ecs::{component::Component, resource::Resource, schedule::Schedule, world::World};
use tickwire::{MatchPhase, PlayerId, Wire};

use crate::Roster;

/// Per-room settings a game chooses; a server's configuration may override them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomSettings {
    /// Simulation ticks per second.
    pub tick_rate: u16,
    /// The most players one room holds.
    pub capacity: u16,
}

impl Default for RoomSettings {
    /// 15 ticks a second, eight players.
    fn default() -> Self {
        RoomSettings {
            tick_rate: 15,
            capacity: 8,
        }
    }
}

/// A player's score in the current round, on the player's entity in the [`Roster`]: what the
/// default [`Game::scores`] reads and the default [`Game::start_round`] resets. A game that
/// keeps score some other way overrides both.
#[derive(Component, Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Score(pub u32);

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
    /// Default tick rate and capacity for this game's rooms; [`RoomSettings::default`]
    /// unless the game says otherwise.
    fn settings(&self) -> RoomSettings {
        RoomSettings::default()
    }

    /// Fills a new room's world with the game's resources and its schedule with the game's
    /// systems. `seed` makes the room's randomness reproducible. The world already holds an
    /// empty [`Roster`].
    fn build_room(&self, world: &mut World, schedule: &mut Schedule, seed: u64);

    /// A player joined the room: typically [`Roster::seat`] with the player's components.
    fn add_player(&self, world: &mut World, player: PlayerId, name: &str);

    /// A player left the room, for whatever reason. The default despawns the player's
    /// entity in the [`Roster`].
    fn remove_player(&self, world: &mut World, player: PlayerId) {
        Roster::despawn(world, player);
    }

    /// One input from a player in the room, applied before the next schedule run.
    fn apply_input(&self, world: &mut World, player: PlayerId, input: Self::Input);

    /// A round begins after the countdown: reset scores and put everyone back in play. The
    /// runtime freezes the world (does not run the schedule) during countdowns and while
    /// results are shown, and runs it freely while waiting for players. The default sets
    /// every [`Score`] to zero.
    fn start_round(&self, world: &mut World) {
        for mut score in world.query::<&mut Score>().iter_mut(world) {
            *score = Score(0);
        }
    }

    /// Every player's score in the current round, for the results and the winner. The
    /// default reads the [`Score`] of each player's entity in the [`Roster`].
    fn scores(&self, world: &mut World) -> Vec<(PlayerId, i64)> {
        Roster::each(world, |player, entity| {
            Some((player, i64::from(entity.get::<Score>()?.0)))
        })
    }

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

/// A new room of `game`: a world holding an empty [`Roster`], and the schedule, both filled
/// by [`Game::build_room`]. The server and the test stepper build rooms only through here.
pub fn new_room<G: Game>(game: &G, seed: u64) -> (World, Schedule) {
    let mut world = World::new();
    world.init_resource::<Roster>();
    let mut schedule = Schedule::default();
    game.build_room(&mut world, &mut schedule, seed);
    (world, schedule)
}

#[cfg(test)]
mod tests {
    use tickwire::Wire;

    use super::*;

    /// A game that writes only what it must: every input is a point.
    struct Tally;

    impl Wire for Tally {
        const NAME: &'static str = "tally";
        const VERSION: u16 = 1;
        type Input = u32;
        type Snapshot = Vec<(PlayerId, u32)>;
    }

    impl Game for Tally {
        fn build_room(&self, _: &mut World, _: &mut Schedule, _: u64) {}
        fn add_player(&self, world: &mut World, player: PlayerId, _: &str) {
            Roster::seat(world, player, Score(0));
        }
        fn apply_input(&self, world: &mut World, player: PlayerId, input: u32) {
            if let Some(mut score) = Roster::component_mut::<Score>(world, player) {
                score.0 += input;
            }
        }
        fn snapshot(&self, world: &mut World) -> Vec<(PlayerId, u32)> {
            Roster::each(world, |player, entity| {
                Some((player, entity.get::<Score>()?.0))
            })
        }
    }

    #[test]
    fn the_defaults_keep_score_in_the_roster_and_despawn_who_leaves() {
        assert_eq!(Tally.settings(), RoomSettings::default());
        let (mut world, _) = new_room(&Tally, 1);
        Tally.add_player(&mut world, PlayerId(2), "b");
        Tally.add_player(&mut world, PlayerId(1), "a");
        Tally.apply_input(&mut world, PlayerId(2), 5);
        Tally.apply_input(&mut world, PlayerId(1), 3);
        Tally.apply_input(&mut world, PlayerId(9), 7);
        assert_eq!(
            Tally.scores(&mut world),
            [(PlayerId(1), 3), (PlayerId(2), 5)]
        );
        Tally.remove_player(&mut world, PlayerId(2));
        assert_eq!(Tally.scores(&mut world), [(PlayerId(1), 3)]);
        assert_eq!(world.query::<&Score>().iter(&world).count(), 1, "despawned");
        Tally.start_round(&mut world);
        assert_eq!(Tally.snapshot(&mut world), [(PlayerId(1), 0)]);
        assert!(!Tally.round_over(&mut world));
    }
}
