//! Test support, not for game servers: a headless stepper that drives a room through the
//! real [`Game`] trait the way the server runtime does, and helpers that arrange exact
//! positions. Arranging bypasses the rules, so only tests and tools should call it.

use bevy_ecs::prelude::{Schedule, World};
use netcode::{Game, PlayerId};

use crate::components::{Ball, Paddle, Roster, Serve, Tick};
use crate::game::Pong;
use crate::protocol::{BallView, Motion, PongInput, PongState, Side};
use crate::rules::PongRules;

/// One room, stepped by hand: inputs are applied, then the schedule runs once, then a
/// snapshot is taken, as the server runtime does each tick.
pub struct Stepper {
    /// The game, with the rules the room was built with.
    pub game: Pong,
    /// The room's world.
    pub world: World,
    /// The room's schedule.
    pub schedule: Schedule,
}

impl std::fmt::Debug for Stepper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `Schedule` has no `Debug`; the world and tick say what matters.
        f.debug_struct("Stepper")
            .field("game", &self.game)
            .field("world", &self.world)
            .field("tick", &self.tick())
            .finish_non_exhaustive()
    }
}

impl Stepper {
    /// A room with `rules`, its randomness seeded by `seed`.
    pub fn new(rules: PongRules, seed: u64) -> Stepper {
        let game = Pong { rules };
        let mut world = World::new();
        let mut schedule = Schedule::default();
        game.build_room(&mut world, &mut schedule, seed);
        Stepper {
            game,
            world,
            schedule,
        }
    }

    /// `player` joins, named after its id.
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

    /// `player` now holds `motion`.
    pub fn hold(&mut self, player: PlayerId, motion: Motion) {
        self.game
            .apply_input(&mut self.world, player, PongInput { motion });
    }

    /// A new round starts, as after the runtime's countdown.
    pub fn start_round(&mut self) {
        self.game.start_round(&mut self.world);
    }

    /// Every seated player's score, as the runtime reads them.
    pub fn scores(&mut self) -> Vec<(PlayerId, i64)> {
        self.game.scores(&mut self.world)
    }

    /// Runs one tick and returns the state after it.
    pub fn step(&mut self) -> PongState {
        self.schedule.run(&mut self.world);
        self.state()
    }

    /// Runs `ticks` ticks and returns the state after the last.
    pub fn step_n(&mut self, ticks: usize) -> PongState {
        for _ in 0..ticks {
            self.schedule.run(&mut self.world);
        }
        self.state()
    }

    /// The state now, as a snapshot.
    pub fn state(&mut self) -> PongState {
        self.game.snapshot(&mut self.world)
    }

    /// Schedule runs since the room was built.
    pub fn tick(&self) -> u64 {
        self.world.get_resource::<Tick>().map_or(0, |t| t.0)
    }

    /// Puts the ball in play exactly as `ball`. The caller keeps it sane.
    pub fn place_ball(&mut self, ball: BallView) {
        place_ball(&mut self.world, ball);
    }

    /// Puts `player`'s paddle centre at `y`, unclamped.
    pub fn place_paddle(&mut self, player: PlayerId, y: u16) {
        place_paddle(&mut self.world, player, y);
    }

    /// Sets the serve countdown to `in_ticks` and the next serve's direction to `toward`.
    pub fn set_serve(&mut self, in_ticks: u16, toward: Side) {
        set_serve(&mut self.world, in_ticks, toward);
    }
}

/// Puts the ball in play exactly as `ball`: no serve countdown. Bypasses every rule.
pub fn place_ball(world: &mut World, ball: BallView) {
    world.insert_resource(Ball(ball));
    if let Some(mut serve) = world.get_resource_mut::<Serve>() {
        serve.in_ticks = 0;
    }
}

/// Puts `player`'s paddle centre at `y`. Does nothing if the player has no paddle.
/// Bypasses every rule.
pub fn place_paddle(world: &mut World, player: PlayerId, y: u16) {
    let Some(entity) = world
        .get_resource::<Roster>()
        .and_then(|roster| roster.0.get(&player).copied())
    else {
        return;
    };
    if let Some(mut paddle) = world.get_mut::<Paddle>(entity) {
        paddle.y = y;
    }
}

/// Sets the serve countdown and direction. Bypasses every rule.
pub fn set_serve(world: &mut World, in_ticks: u16, toward: Side) {
    world.insert_resource(Serve { in_ticks, toward });
}
