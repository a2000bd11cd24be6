//! A cheap snake brain for load-generation bots: it reads the same [`SnakeState`] a client
//! receives and picks a heading, with bounded work so a thousand bots fit on one core.
//!
//! It never reverses, never steps into a wall or a body if it has another choice, avoids
//! cells another head could enter next tick when it can, heads for the nearest food it can
//! reach through a move with room behind it, and otherwise takes the move with the most
//! space. It treats every body as fixed except its own tail, which is sure to move on;
//! predicting where other bodies will have moved tested worse, since it invites tight
//! squeezes past other snakes.
//!
//! [`Snake`]'s [`Bot`] implementation wraps [`choose`] for generic bot runners such as the
//! load generator.

use std::collections::VecDeque;

use tickwire::{Bot, PlayerId};

use crate::board::Board;
use crate::protocol::{Cell, Dir, SnakeInput, SnakeState};
use crate::rules::Snake;

/// The most cells one flood fill counts when measuring the space behind a move, in cells.
/// Bounds the cost of a choice to a few hundred cell visits per candidate.
pub const FLOOD_LIMIT: usize = 128;

/// The most cells the search for food visits, in cells.
pub const FOOD_SEARCH_LIMIT: usize = 512;

/// Extra room beyond its own length a move must have for the bot to chase food through it,
/// in cells.
const ROOM_MARGIN: usize = 4;

/// Cell flags: a body cell that will still be there next tick (any live body except this
/// snake's own tail, which moves on unless the snake eats, and it cannot eat while entering
/// its tail).
const BLOCKED: u8 = 1;
/// Cell flags: a free cell another snake's head could enter next tick.
const CONTESTED: u8 = 2;
/// Cell flags: food.
const FOOD: u8 = 4;

/// One move the bot could make this tick.
#[derive(Debug, Clone, Copy)]
struct Move {
    dir: Dir,
    cell: Cell,
    contested: bool,
    space: usize,
}

/// The heading `me` should take next, or `None` if `me` is dead or not in the room.
///
/// Never the reversal of the current heading. If every move is fatal it keeps the heading.
/// Costs one pass over the board plus at most three [`FLOOD_LIMIT`] fills and one
/// [`FOOD_SEARCH_LIMIT`] search.
pub fn choose(state: &SnakeState, me: PlayerId) -> Option<Dir> {
    let snake = state.snake(me).filter(|s| s.alive)?;
    let head = snake.head()?;
    let board = read_board(state, me);
    let (width, height) = (state.width, state.height);

    let mut moves: Vec<Move> = Dir::ALL
        .into_iter()
        .filter(|&dir| dir != snake.dir.opposite())
        .filter_map(|dir| {
            let cell = head.step(dir, width, height)?;
            let flags = board.get(cell)?;
            (flags & BLOCKED == 0).then_some(Move {
                dir,
                cell,
                contested: flags & CONTESTED != 0,
                space: 0,
            })
        })
        .collect();
    if moves.is_empty() {
        return Some(snake.dir);
    }
    if moves.iter().any(|m| !m.contested) {
        moves.retain(|m| !m.contested);
    }

    // Each search marks the cells it has seen with its own stamp, so one grid serves all.
    let mut seen = Board::new(width, height);
    let mut stamp = 0;
    for m in &mut moves {
        stamp += 1;
        m.space = flood(&board, &mut seen, m.cell, stamp);
    }
    let needed = (snake.len() + ROOM_MARGIN).min(FLOOD_LIMIT);
    let roomy: Vec<Move> = moves
        .iter()
        .copied()
        .filter(|m| m.space >= needed)
        .collect();
    if let Some(dir) = nearest_food(&board, &mut seen, &roomy, stamp + 1) {
        return Some(dir);
    }
    moves
        .iter()
        .max_by_key(|m| (m.space, m.dir == snake.dir))
        .map(|m| m.dir)
}

impl Bot for Snake {
    /// A turn to [`choose`]'s heading, unless `me` is dead or not in the room, or the snake
    /// already heads that way: the heading is the one in `sent` if a turn is on its way,
    /// else the one `state` shows.
    fn bot_input(
        state: &SnakeState,
        me: PlayerId,
        sent: Option<&SnakeInput>,
    ) -> Option<SnakeInput> {
        let view = state.snake(me)?;
        let dir = choose(state, me)?;
        let heading = sent.map_or(view.dir, |input| input.dir);
        (dir != heading).then_some(SnakeInput { dir })
    }
}

/// Flags every cell: bodies, food, and cells other heads could enter next tick.
fn read_board(state: &SnakeState, me: PlayerId) -> Board {
    let (width, height) = (state.width, state.height);
    let mut board = Board::new(width, height);
    for snake in state.live_snakes() {
        let keep = if snake.player == me {
            snake.body.len().saturating_sub(1)
        } else {
            snake.body.len()
        };
        for &cell in snake.body.iter().take(keep) {
            board.set(cell, BLOCKED);
        }
    }
    for &cell in &state.food {
        if board.get(cell) == Some(0) {
            board.set(cell, FOOD);
        }
    }
    for other in state.live_snakes().filter(|s| s.player != me) {
        let Some(head) = other.head() else {
            continue;
        };
        for dir in Dir::ALL {
            if let Some(cell) = head.step(dir, width, height)
                && let Some(flags) = board.get(cell)
                && flags & BLOCKED == 0
            {
                board.set(cell, flags | CONTESTED);
            }
        }
    }
    board
}

/// Whether a head can be on `cell` without hitting a wall or a body.
fn is_open(board: &Board, cell: Cell) -> bool {
    board.get(cell).is_some_and(|flags| flags & BLOCKED == 0)
}

/// Counts the open cells reachable from `start`, up to [`FLOOD_LIMIT`].
fn flood(board: &Board, seen: &mut Board, start: Cell, stamp: u8) -> usize {
    let (width, height) = (board.width(), board.height());
    let mut queue = VecDeque::from([start]);
    seen.set(start, stamp);
    let mut count = 0;
    while let Some(cell) = queue.pop_front() {
        count += 1;
        if count >= FLOOD_LIMIT {
            break;
        }
        for dir in Dir::ALL {
            if let Some(next) = cell.step(dir, width, height)
                && is_open(board, next)
                && seen.get(next) != Some(stamp)
            {
                seen.set(next, stamp);
                queue.push_back(next);
            }
        }
    }
    count
}

/// The first move on a shortest path to food starting with one of `starts`, searching at
/// most [`FOOD_SEARCH_LIMIT`] cells.
fn nearest_food(board: &Board, seen: &mut Board, starts: &[Move], stamp: u8) -> Option<Dir> {
    let (width, height) = (board.width(), board.height());
    let mut queue: VecDeque<(Cell, Dir)> = VecDeque::new();
    for m in starts {
        seen.set(m.cell, stamp);
        queue.push_back((m.cell, m.dir));
    }
    let mut visited = 0;
    while let Some((cell, first)) = queue.pop_front() {
        if board.get(cell).is_some_and(|flags| flags & FOOD != 0) {
            return Some(first);
        }
        visited += 1;
        if visited >= FOOD_SEARCH_LIMIT {
            break;
        }
        for dir in Dir::ALL {
            if let Some(next) = cell.step(dir, width, height)
                && is_open(board, next)
                && seen.get(next) != Some(stamp)
            {
                seen.set(next, stamp);
                queue.push_back((next, first));
            }
        }
    }
    None
}
