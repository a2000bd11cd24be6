//! The snake game's wire types, defined once: the input a client sends and the state every
//! client receives each tick.
//!
//! They cross the wire every tick, so they stay small: the codec writes integers as varints,
//! a [`Cell`] is two bytes and a [`Dir`] one.

use serde::{Deserialize, Serialize};
use tickwire::{PlayerId, Wire};

use crate::rules::SnakeRules;

/// Multiplayer snake on a walled grid. Every room plays by [`Snake::rules`].
#[derive(Debug, Clone, Default)]
pub struct Snake {
    /// The rules every room of this game is built with.
    pub rules: SnakeRules,
}

impl Snake {
    /// A game with `rules`, once they pass [`SnakeRules::validate`].
    pub fn new(rules: SnakeRules) -> Result<Snake, String> {
        rules.validate()?;
        Ok(Snake { rules })
    }
}

impl Wire for Snake {
    const NAME: &'static str = "snake";
    const VERSION: u16 = 1;

    type Input = SnakeInput;
    type Snapshot = SnakeState;
}

/// A heading on the grid. Row 0 is the top, so [`Dir::Up`] decreases `y`.
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

impl Dir {
    /// Every direction, in a fixed order that tie-breaks deterministically.
    pub const ALL: [Dir; 4] = [Dir::Up, Dir::Down, Dir::Left, Dir::Right];

    /// The 180° reversal of this heading.
    pub const fn opposite(self) -> Dir {
        match self {
            Dir::Up => Dir::Down,
            Dir::Down => Dir::Up,
            Dir::Left => Dir::Right,
            Dir::Right => Dir::Left,
        }
    }

    /// One step in this direction as `(dx, dy)`, in cells; `y` grows downward.
    pub const fn delta(self) -> (i8, i8) {
        match self {
            Dir::Up => (0, -1),
            Dir::Down => (0, 1),
            Dir::Left => (-1, 0),
            Dir::Right => (1, 0),
        }
    }
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

    /// The neighbour one step in `dir`, or `None` if it lies outside a `width` x `height` grid.
    pub fn step(self, dir: Dir, width: u8, height: u8) -> Option<Cell> {
        let (dx, dy) = dir.delta();
        let x = self.x.checked_add_signed(dx).filter(|&x| x < width)?;
        let y = self.y.checked_add_signed(dy).filter(|&y| y < height)?;
        Some(Cell { x, y })
    }

    /// Whether `other` shares an edge with this cell (4-neighbourhood).
    pub fn is_adjacent(self, other: Cell) -> bool {
        self.x.abs_diff(other.x) + self.y.abs_diff(other.y) == 1
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

impl SnakeState {
    /// The snake of `player`, if it is in the room.
    pub fn snake(&self, player: PlayerId) -> Option<&SnakeView> {
        self.snakes.iter().find(|s| s.player == player)
    }

    /// The snakes currently on the board.
    pub fn live_snakes(&self) -> impl Iterator<Item = &SnakeView> {
        self.snakes.iter().filter(|s| s.alive)
    }

    /// Whether `cell` lies inside the grid.
    pub fn contains(&self, cell: Cell) -> bool {
        cell.x < self.width && cell.y < self.height
    }
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

impl SnakeView {
    /// The head cell, or `None` while dead.
    pub fn head(&self) -> Option<Cell> {
        self.body.first().copied()
    }

    /// Length in cells; 0 while dead.
    pub fn len(&self) -> usize {
        self.body.len()
    }

    /// Whether the snake has no body, that is, it is dead.
    pub fn is_empty(&self) -> bool {
        self.body.is_empty()
    }
}
