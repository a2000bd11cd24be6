//! Snake's deltas: what changed between two states, in about two bytes per live snake per
//! tick. Anything a compact form cannot express exactly is carried in full, so applying a
//! delta to its baseline always gives back exactly the state it was made from.

use serde::{Deserialize, Serialize};
use tickwire::{DeltaError, Diff};

use crate::protocol::{Cell, Dir, SnakeState, SnakeView};

/// The longest run of new head cells [`Change::Moved`] describes; longer gaps are sent in
/// full. A live snake gains one head cell per tick, so this covers any baseline a server
/// may use.
const MAX_PATH: usize = tickwire::delta::MAX_BASELINE_AGE as usize;

/// Snake's hand-written delta: two bytes for a snake that stepped, where a derived one
/// would resend its body.
impl Diff for SnakeState {
    type Delta = SnakeDelta;

    fn diff(&self, next: &SnakeState) -> SnakeDelta {
        diff(self, next)
    }

    fn apply(&self, delta: &SnakeDelta) -> Result<SnakeState, DeltaError> {
        apply(self, delta)
    }
}

/// The change from one [`SnakeState`] to a later one.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct SnakeDelta {
    /// One entry per snake of the baseline, in the baseline's order.
    pub snakes: Vec<Change>,
    /// Snakes the baseline does not have, in full.
    pub joined: Vec<SnakeView>,
    /// The food.
    pub food: FoodChange,
    /// The grid size, when it changed (never, within one room).
    pub size: Option<(u8, u8)>,
}

/// What happened to one snake of the baseline.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Nothing.
    Same,
    /// It left the room.
    Gone,
    /// Alive throughout one tick: the head moved one cell in this direction and the tail
    /// followed.
    Step(Dir),
    /// Alive throughout one tick and ate: the head moved, the tail stayed, score + 1.
    Grow(Dir),
    /// Alive throughout several ticks: the head moved along `path` (oldest step first), the
    /// first `kept` cells of the old body remain behind it.
    Moved {
        /// Each step of the head, in order.
        path: Vec<Dir>,
        /// How many cells of the baseline body remain, head first.
        kept: u16,
        /// The score now.
        score: u32,
    },
    /// Dead throughout; only the respawn countdown moved.
    Waiting {
        /// Ticks until respawn now.
        respawn_in: u16,
    },
    /// Anything else (it died, or came back): every field but the name.
    Reset {
        /// The body, head first.
        body: Vec<Cell>,
        /// The heading.
        dir: Dir,
        /// Whether it is alive.
        alive: bool,
        /// The score.
        score: u32,
        /// Ticks until respawn.
        respawn_in: u16,
    },
}

/// What happened to the food.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum FoodChange {
    /// Nothing.
    Same,
    /// Some items eaten (indices into the baseline's food, ascending) and some placed
    /// (appended, in order).
    Edit {
        /// Baseline indices of the items gone.
        eaten: Vec<u16>,
        /// Items placed since.
        placed: Vec<Cell>,
    },
    /// The whole list, when it cannot be described as an edit.
    Replace(Vec<Cell>),
}

/// What `next` changed from `base`. Makes [`apply`] give back exactly `next`.
pub fn diff(base: &SnakeState, next: &SnakeState) -> SnakeDelta {
    // The same snake: the same player under the same name (a rejoin under another name is
    // another snake).
    let same = |a: &SnakeView, b: &SnakeView| a.player == b.player && a.name == b.name;
    let grid = (next.width, next.height);
    let snakes = base
        .snakes
        .iter()
        .map(|old| match next.snakes.iter().find(|new| same(old, new)) {
            None => Change::Gone,
            Some(new) => change(old, new, grid),
        })
        .collect();
    let joined = next
        .snakes
        .iter()
        .filter(|new| !base.snakes.iter().any(|old| same(old, new)))
        .cloned()
        .collect();
    let size = ((base.width, base.height) != grid).then_some(grid);
    SnakeDelta {
        snakes,
        joined,
        food: food_change(&base.food, &next.food),
        size,
    }
}

fn change(old: &SnakeView, new: &SnakeView, grid: (u8, u8)) -> Change {
    if old == new {
        return Change::Same;
    }
    let reset = || Change::Reset {
        body: new.body.clone(),
        dir: new.dir,
        alive: new.alive,
        score: new.score,
        respawn_in: new.respawn_in,
    };
    match (old.alive, new.alive) {
        (false, false) if old.body == new.body && old.dir == new.dir && old.score == new.score => {
            Change::Waiting {
                respawn_in: new.respawn_in,
            }
        }
        (true, true) if old.respawn_in == 0 && new.respawn_in == 0 => {
            moved(old, new, grid).unwrap_or_else(reset)
        }
        _ => reset(),
    }
}

/// Describes a live snake's movement on the new `grid` as new head cells plus what remains
/// of its old body.
fn moved(old: &SnakeView, new: &SnakeView, grid: (u8, u8)) -> Option<Change> {
    let old_head = *old.body.first()?;
    for fresh in 1..=new.body.len().min(MAX_PATH) {
        let kept = new.body.len() - fresh;
        if kept == 0 || kept > old.body.len() || new.body[fresh..] != old.body[..kept] {
            continue;
        }
        // The fresh cells, walked from the old head forwards, must each be one step.
        let mut path = Vec::with_capacity(fresh);
        let mut at = old_head;
        for &cell in new.body[..fresh].iter().rev() {
            // `apply` steps within the grid, so a step it could not take is sent in full.
            path.push(at.dir_to(cell, grid.0, grid.1)?);
            at = cell;
        }
        if path.last() != Some(&new.dir) {
            return None;
        }
        return Some(
            match (
                fresh,
                old.body.len() - kept,
                new.score.checked_sub(old.score),
            ) {
                (1, 1, Some(0)) => Change::Step(new.dir),
                (1, 0, Some(1)) => Change::Grow(new.dir),
                _ => Change::Moved {
                    path,
                    kept: u16::try_from(kept).ok()?,
                    score: new.score,
                },
            },
        );
    }
    None
}

fn food_change(base: &[Cell], next: &[Cell]) -> FoodChange {
    if base == next {
        return FoodChange::Same;
    }
    let eaten: Vec<u16> = (0..base.len())
        .filter(|&i| !next.contains(&base[i]))
        .filter_map(|i| u16::try_from(i).ok())
        .collect();
    let survivors = base.len() - eaten.len();
    let edit = FoodChange::Edit {
        eaten,
        placed: next.get(survivors..).unwrap_or_default().to_vec(),
    };
    match apply_food(base, &edit) {
        Ok(food) if food == next => edit,
        _ => FoodChange::Replace(next.to_vec()),
    }
}

fn apply_food(base: &[Cell], change: &FoodChange) -> Result<Vec<Cell>, DeltaError> {
    match change {
        FoodChange::Same => Ok(base.to_vec()),
        FoodChange::Replace(food) => Ok(food.clone()),
        FoodChange::Edit { eaten, placed } => {
            if eaten.windows(2).any(|w| w[0] >= w[1])
                || eaten.last().is_some_and(|&i| usize::from(i) >= base.len())
            {
                return Err(DeltaError(
                    "food indices out of order or out of range".into(),
                ));
            }
            let mut food: Vec<Cell> = base
                .iter()
                .enumerate()
                // An item past index u16::MAX cannot be named, so it is never eaten.
                .filter(|(i, _)| {
                    u16::try_from(*i)
                        .ok()
                        .is_none_or(|i| eaten.binary_search(&i).is_err())
                })
                .map(|(_, c)| *c)
                .collect();
            food.extend_from_slice(placed);
            Ok(food)
        }
    }
}

/// `base` with `delta` applied.
pub fn apply(base: &SnakeState, delta: &SnakeDelta) -> Result<SnakeState, DeltaError> {
    if delta.snakes.len() != base.snakes.len() {
        return Err(DeltaError(format!(
            "{} snake changes for a baseline of {} snakes",
            delta.snakes.len(),
            base.snakes.len()
        )));
    }
    let grid = delta.size.unwrap_or((base.width, base.height));
    let mut snakes = Vec::with_capacity(base.snakes.len() + delta.joined.len());
    for (old, change) in base.snakes.iter().zip(&delta.snakes) {
        let mut snake = old.clone();
        match change {
            Change::Same => {}
            Change::Gone => continue,
            Change::Step(dir) => {
                let kept = snake.body.len().saturating_sub(1);
                advance(&mut snake, &[*dir], kept, old.score, grid)?;
            }
            Change::Grow(dir) => {
                let (kept, score) = (snake.body.len(), old.score.saturating_add(1));
                advance(&mut snake, &[*dir], kept, score, grid)?;
            }
            Change::Moved { path, kept, score } => {
                advance(&mut snake, path, usize::from(*kept), *score, grid)?;
            }
            Change::Waiting { respawn_in } => snake.respawn_in = *respawn_in,
            Change::Reset {
                body,
                dir,
                alive,
                score,
                respawn_in,
            } => {
                snake.body.clone_from(body);
                snake.dir = *dir;
                snake.alive = *alive;
                snake.score = *score;
                snake.respawn_in = *respawn_in;
            }
        }
        snakes.push(snake);
    }
    snakes.extend(delta.joined.iter().cloned());
    snakes.sort_by_key(|s| s.player);
    Ok(SnakeState {
        width: grid.0,
        height: grid.1,
        snakes,
        food: apply_food(&base.food, &delta.food)?,
    })
}

/// Moves `snake`'s head along `path` (oldest step first), each step within the `grid`, with
/// the first `kept` cells of its body behind it, and sets its score: a [`Change::Step`] or
/// [`Change::Grow`] is a path of one.
fn advance(
    snake: &mut SnakeView,
    path: &[Dir],
    kept: usize,
    score: u32,
    (width, height): (u8, u8),
) -> Result<(), DeltaError> {
    let mut at = snake
        .head()
        .ok_or_else(|| DeltaError("a dead snake cannot move".into()))?;
    if kept == 0 || kept > snake.body.len() || path.is_empty() || path.len() > MAX_PATH {
        return Err(DeltaError(format!("{:?}: bad move", snake.player)));
    }
    let mut body = Vec::with_capacity(path.len() + kept);
    for dir in path {
        at = at
            .step(*dir, width, height)
            .ok_or_else(|| DeltaError("a path leaves the grid".into()))?;
        body.push(at);
    }
    body.reverse();
    body.extend_from_slice(&snake.body[..kept]);
    snake.body = body;
    snake.dir = *path.last().unwrap_or(&snake.dir);
    snake.score = score;
    Ok(())
}
