//! Test support for any game, not for servers: a headless room that drives a game through
//! the real [`Game`] calls in the order the server runtime makes them (inputs, then one
//! schedule run, then a snapshot), so rules are tested exactly as they are served.

use bevy_ecs::{schedule::Schedule, world::World};

use tickwire::PlayerId;

use crate::Game;

/// One room, stepped by hand.
pub struct Stepper<G: Game> {
    /// The game, with the settings the room was built with.
    pub game: G,
    /// The room's world.
    pub world: World,
    /// The room's schedule.
    pub schedule: Schedule,
    /// Schedule runs since the room was built.
    ticks: u64,
}

impl<G: Game + std::fmt::Debug> std::fmt::Debug for Stepper<G> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `Schedule` has no `Debug`; the world and tick say what matters.
        f.debug_struct("Stepper")
            .field("game", &self.game)
            .field("world", &self.world)
            .field("tick", &self.ticks)
            .finish_non_exhaustive()
    }
}

impl<G: Game> Stepper<G> {
    /// A room of `game`, its randomness seeded by `seed`.
    pub fn new(game: G, seed: u64) -> Self {
        let (world, schedule) = crate::new_room(&game, seed);
        Stepper {
            game,
            world,
            schedule,
            ticks: 0,
        }
    }

    /// `player` joins, named after its id (`p7`).
    pub fn join(&mut self, player: PlayerId) {
        self.join_named(player, &format!("p{}", player.0));
    }

    /// `player` joins as `name`.
    pub fn join_named(&mut self, player: PlayerId, name: &str) {
        self.game.add_player(&mut self.world, player, name);
    }

    /// `player` leaves.
    pub fn leave(&mut self, player: PlayerId) {
        self.game.remove_player(&mut self.world, player);
    }

    /// One input from `player`, applied before the next step.
    pub fn input(&mut self, player: PlayerId, input: G::Input) {
        self.game.apply_input(&mut self.world, player, input);
    }

    /// A new round starts, as after the runtime's countdown.
    pub fn start_round(&mut self) {
        self.game.start_round(&mut self.world);
    }

    /// Every player's score, as the runtime reads them.
    pub fn scores(&mut self) -> Vec<(PlayerId, i64)> {
        self.game.scores(&mut self.world)
    }

    /// Runs one tick and returns the snapshot after it.
    pub fn step(&mut self) -> G::Snapshot {
        self.step_n(1)
    }

    /// Runs `ticks` ticks and returns the snapshot after the last.
    pub fn step_n(&mut self, ticks: usize) -> G::Snapshot {
        for _ in 0..ticks {
            self.schedule.run(&mut self.world);
            self.ticks += 1;
        }
        self.state()
    }

    /// The snapshot now.
    pub fn state(&mut self) -> G::Snapshot {
        self.game.snapshot(&mut self.world)
    }

    /// Schedule runs since the room was built.
    pub fn tick(&self) -> u64 {
        self.ticks
    }
}
