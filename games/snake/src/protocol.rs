//! The snake game's wire types, defined once: the input a client sends and the state every
//! client receives each tick.
//!
//! They cross the wire every tick, so they stay small: the codec writes integers as varints,
//! a [`Cell`] is two bytes and a [`Dir`] one. What the rules, the bot, the delta and the
//! browser ask of them (steps, heads, lookups) is with the rules, in `board.rs`.

use serde::{Deserialize, Serialize};
use tickwire::{PlayerId, Wire};

use crate::rules::Snake;

impl Wire for Snake {
    const NAME: &'static str = "snake";
    const VERSION: u16 = 1;

    type Input = SnakeInput;
    type Snapshot = SnakeState;
}

/// A heading on the grid. Row 0 is the top, so [`Dir::Up`] decreases `y`. Its geometry
/// (steps, reversals) is with the rules, in `board.rs`.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dir {
    /// Toward row 0.
    Up,
    /// Toward the last row.
    Down,
    /// Toward column 0.
    Left,
    /// Toward the last column.
    Right,
}

/// One grid cell. Grids are at most 255x255 cells, so each coordinate fits in a byte;
/// `(0, 0)` is the top-left corner.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cell {
    /// Column, from 0 at the left.
    pub x: u8,
    /// Row, from 0 at the top.
    pub y: u8,
}

impl Cell {
    /// The cell at column `x`, row `y`.
    pub const fn new(x: u8, y: u8) -> Cell {
        Cell { x, y }
    }
}

/// One player's command: the heading to turn to. The game's [`tickwire::Wire::Input`].
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SnakeInput {
    /// The requested heading. A reversal or repeat of the current heading is ignored.
    pub dir: Dir,
}

/// The whole room as every client sees it after a tick. The game's
/// [`tickwire::Wire::Snapshot`].
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct SnakeState {
    /// Grid width, in cells. The border is a wall.
    pub width: u8,
    /// Grid height, in cells.
    pub height: u8,
    /// Every player in the room, sorted by player id.
    pub snakes: Vec<SnakeView>,
    /// Food on the board, never under a live body, in a stable order from tick to tick.
    pub food: Vec<Cell>,
}

/// One player's snake as clients see it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct SnakeView {
    /// Whose snake this is.
    pub player: PlayerId,
    /// The player's display name, as the server accepted it.
    pub name: String,
    /// Head first, each cell a 4-neighbour of the next; empty while dead.
    pub body: Vec<Cell>,
    /// The heading the head moved in last (or will move in first, just after a spawn).
    pub dir: Dir,
    /// Whether the snake is on the board.
    pub alive: bool,
    /// Food eaten during the player's whole time in the room; dying does not reset it.
    pub score: u32,
    /// Ticks until respawn; 0 while alive, and 0 while dead but waiting for a free spot.
    pub respawn_in: u16,
}
