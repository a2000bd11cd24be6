//! The ECS data of a snake room: one entity per player with the components below, and the
//! room-wide resources the systems share.

use std::collections::VecDeque;

use bevy_ecs::prelude::{Component, Resource};

use crate::protocol::{Cell, Dir};
use crate::rules::SnakeRules;
use tickwire_game::SplitMix64;

/// Who plays this snake: the display name (the player's id is its key in the [`Roster`]).
#[derive(Component, Debug, Clone)]
pub(crate) struct Player {
    pub(crate) name: String,
}

/// The cells the snake covers, head first; empty while dead.
#[derive(Component, Debug, Clone, Default)]
pub(crate) struct Body(pub(crate) VecDeque<Cell>);

impl Body {
    pub(crate) fn head(&self) -> Option<Cell> {
        self.0.front().copied()
    }
}

/// The direction the head moves in each tick.
#[derive(Component, Debug, Clone, Copy)]
pub(crate) struct Heading(pub(crate) Dir);

/// Turns the player asked for and the snake has not taken yet, oldest first.
#[derive(Component, Debug, Clone, Default)]
pub(crate) struct Turns(pub(crate) VecDeque<Dir>);

impl Turns {
    /// Queues `dir` unless the queue already holds `max` turns or `dir` repeats or reverses
    /// the heading the snake will have once the queue is taken.
    pub(crate) fn push(&mut self, dir: Dir, heading: Dir, max: u8) {
        let last = self.0.back().copied().unwrap_or(heading);
        if dir.turns_from(last) && self.0.len() < usize::from(max) {
            self.0.push_back(dir);
        }
    }
}

/// Food eaten this round: the toolkit's score, which the runtime reads for the results.
pub(crate) use tickwire_game::Score;

/// Where the snake is in its life cycle.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Life {
    /// On the board, moving.
    Alive,
    /// Hit something this tick; still on the board until `bury_crashed` runs.
    Crashed,
    /// Off the board; enters play once `respawn_in` reaches 0 and a spot is free.
    Dead { respawn_in: u16 },
}

impl Life {
    /// Whether a snake in this state has a body on the board.
    pub(crate) fn is_on_board(self) -> bool {
        matches!(self, Life::Alive | Life::Crashed)
    }
}

/// The room's rules, fixed when the room is built.
#[derive(Resource, Debug, Clone)]
pub(crate) struct Rules(pub(crate) SnakeRules);

/// The room's random stream.
#[derive(Resource, Debug, Clone)]
pub(crate) struct Rng(pub(crate) SplitMix64);

/// Food on the board, in the order it appeared.
#[derive(Resource, Debug, Clone, Default)]
pub(crate) struct Food(pub(crate) Vec<Cell>);

/// Schedule runs since the room was built.
#[derive(Resource, Debug, Clone, Copy, Default)]
pub(crate) struct Tick(pub(crate) u64);

/// Each seated player's entity, in player-id order (the toolkit's).
pub(crate) use tickwire_game::Roster;
