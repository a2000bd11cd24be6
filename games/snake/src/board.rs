//! A dense byte per cell over the grid: the one structure the rules, the spawner and the bot
//! use to ask "what is on this cell" in constant time.

use crate::protocol::Cell;

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
