//! The tunables of a snake room, with their units and the bounds that keep a room playable.

/// The smallest grid side [`SnakeRules::validate`] accepts, in cells.
pub const MIN_SIDE: u8 = 10;

/// The most turns [`SnakeRules::validate`] lets a player queue ahead, in turns.
pub const MAX_QUEUED_TURNS: u8 = 8;

/// How one snake room plays. [`Default`] gives the standard game.
///
/// The systems never panic on rules that fail [`validate`](SnakeRules::validate), but such a
/// room may be unplayable (for example no spot ever fits a snake).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnakeRules {
    /// Grid width, in cells; [`MIN_SIDE`]..=255. The border is a wall.
    pub width: u8,
    /// Grid height, in cells; [`MIN_SIDE`]..=255.
    pub height: u8,
    /// Length of a freshly spawned snake, in cells; at least 2.
    pub start_len: u8,
    /// How long a dead snake waits before it respawns, in ticks.
    pub respawn_ticks: u16,
    /// Food kept on the board whatever the number of players, in items.
    pub food_base: u16,
    /// Extra food per player in the room, in items.
    pub food_per_player: u16,
    /// Simulation rate, in ticks per second (Hz).
    pub tick_rate: u16,
    /// The most players one room holds, in players.
    pub capacity: u16,
    /// How many turns a player may queue ahead, in turns; further turns are dropped.
    pub max_queued_turns: u8,
}

impl Default for SnakeRules {
    fn default() -> Self {
        SnakeRules {
            width: 64,
            height: 48,
            start_len: 4,
            respawn_ticks: 30,
            food_base: 3,
            food_per_player: 1,
            tick_rate: 15,
            capacity: 10,
            max_queued_turns: 2,
        }
    }
}

/// Multiplayer snake on a walled grid. Every room plays by [`Snake::rules`] (see
/// [`Snake::new`]).
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

impl SnakeRules {
    /// The food count the room keeps up with `players` players in it, in items.
    pub fn food_target(&self, players: usize) -> usize {
        usize::from(self.food_per_player)
            .saturating_mul(players)
            .saturating_add(usize::from(self.food_base))
    }

    /// The number of cells on the board.
    pub fn area(&self) -> usize {
        usize::from(self.width) * usize::from(self.height)
    }

    /// Checks that a room with these rules is playable: the grid is between [`MIN_SIDE`] and
    /// 255 cells a side, a fresh snake fits in half the shorter side, a full room's snakes and
    /// food take at most a quarter of the board each, and rates and counts are positive.
    pub fn validate(&self) -> Result<(), String> {
        if self.width < MIN_SIDE || self.height < MIN_SIDE {
            return Err(format!(
                "grid is {}x{} cells but each side must be at least {MIN_SIDE}",
                self.width, self.height
            ));
        }
        let shorter = self.width.min(self.height);
        if self.start_len < 2 || self.start_len > shorter / 2 {
            return Err(format!(
                "start length is {} cells but must be between 2 and {}",
                self.start_len,
                shorter / 2
            ));
        }
        if self.tick_rate == 0 {
            return Err("tick rate must be positive".to_owned());
        }
        if self.capacity == 0 {
            return Err("capacity must be positive".to_owned());
        }
        if self.max_queued_turns == 0 || self.max_queued_turns > MAX_QUEUED_TURNS {
            return Err(format!(
                "max queued turns is {} but must be between 1 and {MAX_QUEUED_TURNS}",
                self.max_queued_turns
            ));
        }
        let quarter = self.area() / 4;
        let players = usize::from(self.capacity);
        if players.saturating_mul(usize::from(self.start_len)) > quarter {
            return Err(format!(
                "{players} snakes of {} cells take more than a quarter of the board",
                self.start_len
            ));
        }
        if self.food_target(players) > quarter {
            return Err(format!(
                "{} food items for a full room take more than a quarter of the board",
                self.food_target(players)
            ));
        }
        Ok(())
    }
}
