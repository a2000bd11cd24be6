//! The grid and what is on it: how headings step between cells, and where snakes and their
//! heads are in a state (shared by the rules, the bot, the delta and the browser's
//! prediction); and [`Board`], a dense byte per cell that the rules, the spawner and the bot
//! use to ask "what is on this cell" in constant time.

use tickwire::PlayerId;

use crate::protocol::{Cell, Dir, SnakeState, SnakeView};

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

    /// Whether heading this way is a turn for a snake heading `heading`: neither a repeat
    /// nor a reversal into its own neck, the two inputs the rules ignore.
    pub fn turns_from(self, heading: Dir) -> bool {
        self != heading && self != heading.opposite()
    }
}

impl Cell {
    /// The neighbour one step in `dir`, or `None` if it lies outside a `width` x `height` grid.
    pub fn step(self, dir: Dir, width: u8, height: u8) -> Option<Cell> {
        let (dx, dy) = dir.delta();
        let x = self.x.checked_add_signed(dx).filter(|&x| x < width)?;
        let y = self.y.checked_add_signed(dy).filter(|&y| y < height)?;
        Some(Cell { x, y })
    }

    /// The direction of the one step from this cell to `to` on a `width` x `height` grid, if
    /// `to` is such a step.
    pub fn dir_to(self, to: Cell, width: u8, height: u8) -> Option<Dir> {
        Dir::ALL
            .into_iter()
            .find(|&dir| self.step(dir, width, height) == Some(to))
    }

    /// Whether `other` shares an edge with this cell (4-neighbourhood).
    pub fn is_adjacent(self, other: Cell) -> bool {
        self.x.abs_diff(other.x) + self.y.abs_diff(other.y) == 1
    }
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

/// One byte per cell of a `width` x `height` grid, row-major. What the byte means is up to
/// the user (a count of bodies, a set of flags); cells outside the grid read as `None` and
/// ignore writes, so callers never index out of bounds.
#[derive(Debug, Clone)]
pub(crate) struct Board {
    width: u8,
    height: u8,
    cells: Vec<u8>,
}

#[cfg_attr(
    not(feature = "sim"),
    expect(
        dead_code,
        reason = "the rules use more of the board than the bot does"
    )
)]
impl Board {
    /// An all-zero board.
    pub(crate) fn new(width: u8, height: u8) -> Board {
        Board {
            width,
            height,
            cells: vec![0; usize::from(width) * usize::from(height)],
        }
    }

    pub(crate) fn width(&self) -> u8 {
        self.width
    }

    pub(crate) fn height(&self) -> u8 {
        self.height
    }

    /// The number of cells.
    pub(crate) fn area(&self) -> usize {
        self.cells.len()
    }

    fn index(&self, cell: Cell) -> Option<usize> {
        (cell.x < self.width && cell.y < self.height)
            .then(|| usize::from(cell.y) * usize::from(self.width) + usize::from(cell.x))
    }

    /// The cell with row-major index `i`, wrapping past the end.
    pub(crate) fn cell_at(&self, i: usize) -> Cell {
        let width = usize::from(self.width.max(1));
        let i = i % self.area().max(1);
        Cell {
            x: u8::try_from(i % width).unwrap_or(0),
            y: u8::try_from(i / width).unwrap_or(0),
        }
    }

    /// The byte at `cell`, or `None` outside the grid.
    pub(crate) fn get(&self, cell: Cell) -> Option<u8> {
        self.index(cell).and_then(|i| self.cells.get(i)).copied()
    }

    /// Sets the byte at `cell`; ignored outside the grid.
    pub(crate) fn set(&mut self, cell: Cell, value: u8) {
        if let Some(slot) = self.index(cell).and_then(|i| self.cells.get_mut(i)) {
            *slot = value;
        }
    }

    /// Adds one to the byte at `cell`, saturating; ignored outside the grid.
    pub(crate) fn add(&mut self, cell: Cell) {
        if let Some(slot) = self.index(cell).and_then(|i| self.cells.get_mut(i)) {
            *slot = slot.saturating_add(1);
        }
    }

    /// Whether `cell` is inside the grid and its byte is 0.
    pub(crate) fn is_free(&self, cell: Cell) -> bool {
        self.get(cell) == Some(0)
    }

    /// Whether `cell` is on the outermost ring, next to the wall.
    pub(crate) fn is_on_border(&self, cell: Cell) -> bool {
        cell.x == 0
            || cell.y == 0
            || cell.x.saturating_add(1) >= self.width
            || cell.y.saturating_add(1) >= self.height
    }
}
