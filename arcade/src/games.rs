//! The games the arcade's binaries can run, named once for both: `server --game` and
//! `loadgen --game`, and what each game's server uses when the flags do not say.

use std::path::PathBuf;

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

/// What a game's server uses for the flags the operator did not give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defaults {
    /// The built browser client, served at `/` (`--www`).
    pub www: PathBuf,
    /// The results database (`--db`).
    pub db: String,
}

impl GameName {
    /// This game's [`Defaults`]. Snake's are the ones the server always had, so a plain
    /// `server` serves what it did before games had names.
    pub fn defaults(self) -> Defaults {
        match self {
            GameName::Snake => Defaults {
                www: PathBuf::from("www/dist"),
                db: "game.db".to_owned(),
            },
            GameName::Pong => Defaults {
                www: PathBuf::from("www/dist-pong"),
                db: "pong.db".to_owned(),
            },
        }
    }

    /// `config` with this game's [`defaults`](GameName::defaults) wherever it has no
    /// `www` or `db` of its own.
    pub fn fill_defaults(self, config: tickwire_server::Config) -> tickwire_server::Config {
        let Defaults { www, db } = self.defaults();
        tickwire_server::Config {
            www: config.www.or(Some(www)),
            db: config.db.or(Some(db)),
            ..config
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_flags_win_over_the_games_defaults() {
        let given = tickwire_server::Config {
            www: Some(PathBuf::from("elsewhere")),
            db: Some(":memory:".to_owned()),
            ..tickwire_server::Config::default()
        };
        let filled = GameName::Snake.fill_defaults(given);
        assert_eq!(filled.www, Some(PathBuf::from("elsewhere")));
        assert_eq!(filled.db.as_deref(), Some(":memory:"));
    }

    #[test]
    fn snake_keeps_the_servers_old_defaults() {
        let filled = GameName::Snake.fill_defaults(tickwire_server::Config::default());
        assert_eq!(filled.www, Some(PathBuf::from("www/dist")));
        assert_eq!(filled.db.as_deref(), Some("game.db"));
    }
}
