//! `#[derive(Diff)]` copies of snake's and pong's snapshot types, field for field, so that
//! `deltabench` can weigh the derived delta against each game's hand-written one on the same
//! states. Each copy is what a game author gets by deriving on every type and writing no
//! delta code: snake's in two forms, with `#[diff(deque)]` on the body and without.

use serde::{Deserialize, Serialize};
use tickwire::{Diff, PlayerId};

/// Snake's `Cell`, derived: a changed cell is a mask and its changed coordinates.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Diff)]
pub struct Cell {
    /// Column.
    pub x: u8,
    /// Row.
    pub y: u8,
}

/// Snake's `Dir`, derived: a changed heading is a kind tag and the variant.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Diff)]
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

impl From<snake::Cell> for Cell {
    fn from(cell: snake::Cell) -> Cell {
        Cell {
            x: cell.x,
            y: cell.y,
        }
    }
}

impl From<snake::Dir> for Dir {
    fn from(dir: snake::Dir) -> Dir {
        match dir {
            snake::Dir::Up => Dir::Up,
            snake::Dir::Down => Dir::Down,
            snake::Dir::Left => Dir::Left,
            snake::Dir::Right => Dir::Right,
        }
    }
}

/// `SnakeState` and `SnakeView` derived, with `$body` the attributes of the body field.
macro_rules! snake_state {
    ($(#[$body:meta])*) => {
        /// Snake's `SnakeView`, derived.
        #[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Diff)]
        pub struct SnakeView {
            /// Whose snake this is.
            pub player: PlayerId,
            /// The player's name.
            pub name: String,
            /// Head first; empty while dead.
            $(#[$body])*
            pub body: Vec<Cell>,
            /// The heading.
            pub dir: Dir,
            /// Whether it is on the board.
            pub alive: bool,
            /// Food eaten.
            pub score: u32,
            /// Ticks until respawn.
            pub respawn_in: u16,
        }

        /// Snake's `SnakeState`, derived.
        #[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Diff)]
        pub struct SnakeState {
            /// Grid width.
            pub width: u8,
            /// Grid height.
            pub height: u8,
            /// Every player, by player id.
            pub snakes: Vec<SnakeView>,
            /// Food on the board.
            pub food: Vec<Cell>,
        }

        impl From<&snake::SnakeState> for SnakeState {
            fn from(state: &snake::SnakeState) -> SnakeState {
                let cells = |cells: &[snake::Cell]| cells.iter().map(|&c| Cell::from(c)).collect();
                SnakeState {
                    width: state.width,
                    height: state.height,
                    snakes: state
                        .snakes
                        .iter()
                        .map(|s| SnakeView {
                            player: s.player,
                            name: s.name.clone(),
                            body: cells(&s.body),
                            dir: s.dir.into(),
                            alive: s.alive,
                            score: s.score,
                            respawn_in: s.respawn_in,
                        })
                        .collect(),
                    food: cells(&state.food),
                }
            }
        }
    };
}

/// Snake derived with `#[diff(deque)]` on the body: a step is the new head and two counts.
pub mod snake_deque {
    use super::*;

    snake_state!(#[diff(deque)]);
}

/// Snake derived with no attributes: a step changes every cell of the body.
pub mod snake_plain {
    use super::*;

    snake_state!();
}

/// Pong's `Motion`, derived.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Diff)]
pub enum Motion {
    /// Toward `y = 0`.
    Up,
    /// Held still.
    Stop,
    /// Toward `y = height`.
    Down,
}

/// Pong's `Side`, derived.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Diff)]
pub enum Side {
    /// The end at `x = 0`.
    Left,
    /// The end at `x = width`.
    Right,
}

/// Pong's `Court`, derived (it never changes within a room).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Diff)]
pub struct Court {
    /// Length, end to end.
    pub width: u16,
    /// Height, wall to wall.
    pub height: u16,
    /// Paddle thickness.
    pub paddle_width: u16,
    /// Paddle length.
    pub paddle_height: u16,
    /// Gap between an end line and its paddle.
    pub paddle_inset: u16,
    /// Paddle speed per tick.
    pub paddle_speed: u16,
    /// Half the ball's side.
    pub ball_radius: u16,
    /// Speed gained per hit.
    pub speedup: u16,
    /// Top horizontal speed.
    pub max_speed: u16,
    /// Steepest bounce, in percent.
    pub max_slope_pct: u16,
    /// Points that win a round.
    pub points_to_win: u16,
}

/// Pong's `BallView`, derived.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Diff)]
pub struct BallView {
    /// Centre, from the left end.
    pub x: u16,
    /// Centre, from the top wall.
    pub y: u16,
    /// Velocity along `x`.
    pub vx: i16,
    /// Velocity along `y`.
    pub vy: i16,
}

/// Pong's `PaddleView`, derived.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Diff)]
pub struct PaddleView {
    /// Whose paddle.
    pub player: PlayerId,
    /// The player's name.
    pub name: String,
    /// The end it defends.
    pub side: Side,
    /// Its centre.
    pub y: u16,
    /// What the player holds.
    pub motion: Motion,
    /// Points this round.
    pub score: u32,
}

/// Pong's `PongState`, derived.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Diff)]
pub struct PongState {
    /// The court.
    pub court: Court,
    /// Seated players, by player id.
    pub paddles: Vec<PaddleView>,
    /// The ball.
    pub ball: BallView,
    /// Ticks until the serve.
    pub serve_in: u16,
}

impl From<&pong::PongState> for PongState {
    fn from(state: &pong::PongState) -> PongState {
        let c = state.court;
        let ball = state.ball;
        PongState {
            court: Court {
                width: c.width,
                height: c.height,
                paddle_width: c.paddle_width,
                paddle_height: c.paddle_height,
                paddle_inset: c.paddle_inset,
                paddle_speed: c.paddle_speed,
                ball_radius: c.ball_radius,
                speedup: c.speedup,
                max_speed: c.max_speed,
                max_slope_pct: c.max_slope_pct,
                points_to_win: c.points_to_win,
            },
            paddles: state
                .paddles
                .iter()
                .map(|p| PaddleView {
                    player: p.player,
                    name: p.name.clone(),
                    side: match p.side {
                        pong::Side::Left => Side::Left,
                        pong::Side::Right => Side::Right,
                    },
                    y: p.y,
                    motion: match p.motion {
                        pong::Motion::Up => Motion::Up,
                        pong::Motion::Stop => Motion::Stop,
                        pong::Motion::Down => Motion::Down,
                    },
                    score: p.score,
                })
                .collect(),
            ball: BallView {
                x: ball.x,
                y: ball.y,
                vx: ball.vx,
                vy: ball.vy,
            },
            serve_in: state.serve_in,
        }
    }
}

#[cfg(test)]
mod tests {
    use tickwire::codec;

    use super::*;

    #[test]
    fn mirrors_encode_exactly_as_the_games_own_types() {
        let mut rig = crate::rig::TickRig::new(1, 4, 3);
        rig.warm_up(30);
        let state = rig.first_state().unwrap();
        let wire = codec::encode(state).unwrap();
        assert_eq!(
            codec::encode(&snake_deque::SnakeState::from(state)).unwrap(),
            wire
        );
        assert_eq!(
            codec::encode(&snake_plain::SnakeState::from(state)).unwrap(),
            wire
        );

        let mut rig = crate::rig::TickRig::of(pong::Pong::default(), 1, 2, 3);
        rig.warm_up(60);
        let state = rig.first_state().unwrap();
        assert_eq!(
            codec::encode(&PongState::from(state)).unwrap(),
            codec::encode(state).unwrap()
        );
    }
}
