//! The games the arcade's binaries can run, named once for both: `server --game` and
//! `loadgen --game`, and what each game's server uses when the flags do not say.

use std::path::PathBuf;

use tickwire_server::cli::Defaults;

/// A game by name, as `--game` (or `GAME_NAME`) gives it. Each binary matches on it once
/// and calls its code generic over the game with that game's type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum GameName {
    /// Multiplayer snake (the `snake` crate).
    #[default]
    Snake,
    /// Two-player pong (the `pong` crate).
    Pong,
    // A new game is a variant here, an arm in `defaults`, and an arm in the `match` of
    // each binary (`bin/server.rs`, `bin/loadgen.rs`).
}

impl GameName {
    /// What this game's server uses for `--www` and `--db` when they are not given. Snake's
    /// are the ones the server always had, so a plain `server` serves what it did before
    /// games had names.
    pub fn defaults(self) -> Defaults {
        let (www, db) = match self {
            GameName::Snake => ("www/dist", "game.db"),
            GameName::Pong => ("www/dist-pong", "pong.db"),
        };
        Defaults {
            www: Some(PathBuf::from(www)),
            db: Some(db.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_keeps_the_servers_old_defaults() {
        let filled = GameName::Snake
            .defaults()
            .fill(tickwire_server::Config::default());
        assert_eq!(filled.www, Some(PathBuf::from("www/dist")));
        assert_eq!(filled.db.as_deref(), Some("game.db"));
    }

    #[test]
    fn every_game_keeps_its_results_apart() {
        assert_ne!(GameName::Snake.defaults().db, GameName::Pong.defaults().db);
    }
}
