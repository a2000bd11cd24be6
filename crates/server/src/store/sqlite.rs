//! Results in an embedded SQLite database: each round written in one transaction with
//! `synchronous = FULL` (WAL), so a result recorded survives a crash or restart.

use rusqlite::{Connection, params};
use tickwire::api::{LeaderboardRow, RoundRow};

use super::{Results, duration_ms, millis};
use crate::result::RoundResult;

/// An open results database.
pub(super) struct Sqlite {
    db: Connection,
}

impl Sqlite {
    /// Opens (creating if needed) the database at `path`; `:memory:` is a private
    /// in-memory one, for tests.
    pub(super) fn open(path: &str) -> rusqlite::Result<Sqlite> {
        let db = if path == super::IN_MEMORY {
            Connection::open_in_memory()
        } else {
            Connection::open(path)
        }?;
        db.execute_batch(SCHEMA)?;
        Ok(Sqlite { db })
    }
}

impl Results for Sqlite {
    fn record(&mut self, round: &RoundResult) -> Result<(), String> {
        write(&mut self.db, round).map_err(|e| e.to_string())
    }

    fn leaderboard(&mut self, limit: usize) -> Result<Vec<LeaderboardRow>, String> {
        leaderboard(&self.db, limit).map_err(|e| e.to_string())
    }

    fn rounds(&mut self, limit: usize) -> Result<Vec<RoundRow>, String> {
        rounds(&self.db, limit).map_err(|e| e.to_string())
    }
}

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE IF NOT EXISTS rounds (
    id          INTEGER PRIMARY KEY,
    room        TEXT    NOT NULL,
    started_at  INTEGER NOT NULL, -- ms since the Unix epoch
    ended_at    INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    winner      TEXT
);
CREATE TABLE IF NOT EXISTS results (
    round_id INTEGER NOT NULL REFERENCES rounds(id),
    rank     INTEGER NOT NULL,
    player   TEXT    NOT NULL,
    score    INTEGER NOT NULL,
    PRIMARY KEY (round_id, rank)
);
CREATE INDEX IF NOT EXISTS results_by_player ON results(player);
";

/// One round, all or nothing.
fn write(db: &mut Connection, result: &RoundResult) -> rusqlite::Result<()> {
    let tx = db.transaction()?;
    tx.execute(
        "INSERT INTO rounds (room, started_at, ended_at, duration_ms, winner) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            result.room,
            clamp(millis(result.started_at)),
            clamp(millis(result.ended_at)),
            clamp(duration_ms(result)),
            result.winner,
        ],
    )?;
    let round = tx.last_insert_rowid();
    for (rank, player) in result.players.iter().enumerate() {
        tx.execute(
            "INSERT INTO results (round_id, rank, player, score) VALUES (?1, ?2, ?3, ?4)",
            params![round, rank as i64 + 1, player.name, player.score],
        )?;
    }
    tx.commit()
}

fn leaderboard(db: &Connection, limit: usize) -> rusqlite::Result<Vec<LeaderboardRow>> {
    let mut query = db.prepare_cached(
        "SELECT r.player, COUNT(*), SUM(CASE WHEN rd.winner = r.player THEN 1 ELSE 0 END),
                SUM(r.score), MAX(r.score)
         FROM results r JOIN rounds rd ON rd.id = r.round_id
         GROUP BY r.player
         ORDER BY 3 DESC, 4 DESC, 1
         LIMIT ?1",
    )?;
    let rows = query.query_map(params![limit as i64], |row| {
        Ok(LeaderboardRow {
            name: row.get(0)?,
            rounds: row.get(1)?,
            wins: row.get(2)?,
            total: row.get(3)?,
            best: row.get(4)?,
        })
    })?;
    rows.collect()
}

fn rounds(db: &Connection, limit: usize) -> rusqlite::Result<Vec<RoundRow>> {
    let mut query = db.prepare_cached(
        "SELECT id, room, ended_at, duration_ms, winner FROM rounds ORDER BY ended_at DESC, id DESC LIMIT ?1",
    )?;
    let heads: Vec<(i64, RoundRow)> = query
        .query_map(params![limit as i64], |row| {
            Ok((
                row.get(0)?,
                RoundRow {
                    room: row.get(1)?,
                    ended_at_ms: row.get(2)?,
                    seconds: row.get::<_, u64>(3)? as f64 / 1000.0,
                    winner: row.get(4)?,
                    players: Vec::new(),
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut players =
        db.prepare_cached("SELECT player, score FROM results WHERE round_id = ?1 ORDER BY rank")?;
    heads
        .into_iter()
        .map(|(id, mut round)| {
            round.players = players
                .query_map(params![id], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(round)
        })
        .collect()
}

/// A time or duration as SQLite's integers hold it.
fn clamp(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
