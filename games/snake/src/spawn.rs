//! Where new things go: a joining player's snake, a spot for a (re)spawning snake and free
//! cells for food. Both searches try a bounded number of random cells, then scan the board
//! once from a random offset, so a crowded board never loops forever and a free cell is
//! found whenever one exists.

use std::collections::VecDeque;

use bevy_ecs::prelude::{Mut, World};
use tickwire::PlayerId;

use crate::board::Board;
use crate::components::{Body, Food, Heading, Life, Player, Rng, Roster, Rules, Score, Turns};
use crate::protocol::{Cell, Dir};
use crate::rules::SnakeRules;
use tickwire_game::SplitMix64;

/// Random head cells tried for a roomy spawn spot before settling for any spot that fits.
const SPAWN_TRIES: usize = 32;

/// Random cells tried for food before scanning the board for a free one.
const FOOD_TRIES: usize = 16;

/// The shortest body a snake spawns with, in cells, whatever the rules say: with a neck, a
/// head swap always lands each head on the other's body.
const MIN_SPAWN_LEN: u8 = 2;

/// Where a snake enters play.
#[derive(Debug, Clone)]
pub(crate) struct Spot {
    /// Head first, a straight line behind the head.
    pub(crate) body: VecDeque<Cell>,
    /// Points away from the body, toward the longest free run.
    pub(crate) heading: Dir,
}

/// Seats a joining player's snake, placed at once if a spot is free, otherwise waiting (dead,
/// with no countdown) for `respawn_snakes` to place it at the next tick that has one. A
/// player already in the room is left as is.
pub(crate) fn add_snake(world: &mut World, player: PlayerId, name: &str) {
    if world
        .get_resource::<Roster>()
        .is_none_or(|roster| roster.contains(player))
    {
        return;
    }
    let mut snakes = world.query::<(&Life, &Body)>();
    let spot = world.try_resource_scope(|world, mut rng: Mut<Rng>| {
        let rules = &world.get_resource::<Rules>()?.0;
        let food = world.get_resource::<Food>().map_or(&[][..], |f| &f.0);
        let bodies = snakes.iter(world).map(|(life, body)| (*life, &body.0));
        let (board, heads) = spawn_board(rules, food, bodies);
        find_spawn(&board, &heads, rules.start_len, &mut rng.0)
    });
    let (life, body, heading) = match spot.flatten() {
        Some(spot) => (Life::Alive, spot.body, spot.heading),
        None => (Life::Dead { respawn_in: 0 }, VecDeque::new(), Dir::Up),
    };
    let name = name.to_owned();
    let snake = (Player { name }, life, Body(body), Heading(heading));
    Roster::seat(world, player, (snake, Turns::default(), Score::default()));
}

/// Everything a new snake or new food must avoid (bodies and food), and the live heads.
pub(crate) fn spawn_board<'a>(
    rules: &SnakeRules,
    food: &[Cell],
    snakes: impl Iterator<Item = (Life, &'a VecDeque<Cell>)>,
) -> (Board, Vec<Cell>) {
    let mut board = Board::new(rules.width, rules.height);
    let mut heads = Vec::new();
    for (life, body) in snakes {
        if life.is_on_board() {
            body.iter().for_each(|&cell| board.add(cell));
            heads.extend(body.front().copied());
        }
    }
    food.iter().for_each(|&cell| board.add(cell));
    (board, heads)
}

/// Finds a straight run of `len` cells that are free on `board` (nonzero means taken) for a
/// new snake, heading toward the longest free run ahead.
///
/// Random tries first look for a roomy spot: off the border ring, not next to any of
/// `heads`, with at least `len` free cells ahead. If none turns up, one scan accepts any spot
/// with a free cell ahead. `None` means the board has no such spot this tick.
pub(crate) fn find_spawn(
    board: &Board,
    heads: &[Cell],
    len: u8,
    rng: &mut SplitMix64,
) -> Option<Spot> {
    let len = len.max(MIN_SPAWN_LEN);
    for _ in 0..SPAWN_TRIES {
        let head = board.cell_at(rng.below(board.area()));
        if let Some(spot) = fit(board, heads, head, len, true) {
            return Some(spot);
        }
    }
    let start = rng.below(board.area());
    (0..board.area()).find_map(|i| fit(board, heads, board.cell_at(start + i), len, false))
}

/// A free cell for food, or `None` if every cell is taken.
pub(crate) fn find_free_cell(board: &Board, rng: &mut SplitMix64) -> Option<Cell> {
    for _ in 0..FOOD_TRIES {
        let cell = board.cell_at(rng.below(board.area()));
        if board.is_free(cell) {
            return Some(cell);
        }
    }
    let start = rng.below(board.area());
    (0..board.area())
        .map(|i| board.cell_at(start + i))
        .find(|&cell| board.is_free(cell))
}

/// The best heading for a snake with its head on `head`, if any heading fits.
fn fit(board: &Board, heads: &[Cell], head: Cell, len: u8, roomy: bool) -> Option<Spot> {
    let needed_ahead = if roomy { usize::from(len) } else { 1 };
    let mut best: Option<(usize, Dir)> = None;
    for heading in Dir::ALL {
        let Some(body) = body_behind(board, head, heading, len) else {
            continue;
        };
        if roomy
            && body
                .iter()
                .any(|&c| board.is_on_border(c) || heads.iter().any(|&h| is_near(c, h)))
        {
            continue;
        }
        let ahead = free_run(board, head, heading);
        if ahead >= needed_ahead && best.is_none_or(|(longest, _)| ahead > longest) {
            best = Some((ahead, heading));
        }
    }
    let (_, heading) = best?;
    let body = body_behind(board, head, heading, len)?;
    Some(Spot { body, heading })
}

/// The `len` free cells from `head` backward against `heading`, or `None` if any is taken or
/// off the grid.
fn body_behind(board: &Board, head: Cell, heading: Dir, len: u8) -> Option<VecDeque<Cell>> {
    let mut body = VecDeque::with_capacity(usize::from(len));
    let mut cell = head;
    for i in 0..len {
        if i > 0 {
            cell = cell.step(heading.opposite(), board.width(), board.height())?;
        }
        if !board.is_free(cell) {
            return None;
        }
        body.push_back(cell);
    }
    Some(body)
}

/// Free cells straight ahead of `from` in `dir`, up to the first taken cell or the wall.
fn free_run(board: &Board, from: Cell, dir: Dir) -> usize {
    let mut count = 0;
    let mut cell = from;
    while let Some(next) = cell.step(dir, board.width(), board.height()) {
        if !board.is_free(next) {
            break;
        }
        count += 1;
        cell = next;
    }
    count
}

/// Whether `a` is `b` or one of its eight neighbours.
fn is_near(a: Cell, b: Cell) -> bool {
    a.x.abs_diff(b.x) <= 1 && a.y.abs_diff(b.y) <= 1
}
