//! Match results in an embedded SQLite database, on a thread of its own so that neither
//! the tick nor the async runtime ever waits on disk. Each round is written in one
//! transaction with `synchronous = FULL`, so a result recorded survives a crash or restart.

use std::{
    sync::mpsc::{self, SyncSender, TrySendError},
    thread::JoinHandle,
    time::{SystemTime, UNIX_EPOCH},
};

use rusqlite::{Connection, params};
use tickwire::api::{LeaderboardRow, RoundRow};
use tokio::sync::oneshot;

use crate::sim::RoundResult;

/// Requests queued for the store thread. A round result that finds the queue full is
/// refused and counted rather than waited for, so the tick never blocks on disk.
const QUEUE: usize = 4_096;

/// The store could not be opened.
#[derive(Debug, thiserror::Error)]
#[error("cannot open the results database {path:?}: {source}")]
pub struct StoreError {
    path: String,
    source: rusqlite::Error,
}

enum Request {
    Record(RoundResult),
    Leaderboard {
        limit: usize,
        reply: oneshot::Sender<Result<Vec<LeaderboardRow>, String>>,
    },
    Rounds {
        limit: usize,
        reply: oneshot::Sender<Result<Vec<RoundRow>, String>>,
    },
    Flush {
        reply: oneshot::Sender<()>,
    },
}

/// A handle on the store thread; cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    requests: SyncSender<Request>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Request::Record(_) => "Record",
            Request::Leaderboard { .. } => "Leaderboard",
            Request::Rounds { .. } => "Rounds",
            Request::Flush { .. } => "Flush",
        })
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path`, or a private in-memory one for
    /// `:memory:`, and starts its thread. The thread ends when every handle is dropped.
    pub(crate) fn open(path: &str) -> Result<(Store, JoinHandle<()>), StoreError> {
        let error = |source| StoreError {
            path: path.to_owned(),
            source,
        };
        let db = if path == ":memory:" {
            Connection::open_in_memory()
        } else {
            Connection::open(path)
        }
        .map_err(error)?;
        db.execute_batch(SCHEMA).map_err(error)?;
        let (requests, queue) = mpsc::sync_channel(QUEUE);
        let thread = std::thread::Builder::new()
            .name("store".into())
            .spawn(move || serve(db, queue))
            .map_err(|e| error(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))?;
        Ok((Store { requests }, thread))
    }

    /// Queues a round's result without waiting.
    pub(crate) fn record(&self, result: RoundResult) -> Result<(), String> {
        self.ask(Request::Record(result))
    }

    /// The top `limit` players of all time.
    pub(crate) async fn leaderboard(&self, limit: usize) -> Result<Vec<LeaderboardRow>, String> {
        let (reply, answer) = oneshot::channel();
        self.ask(Request::Leaderboard { limit, reply })?;
        answer.await.map_err(|_| "the store stopped".to_owned())?
    }

    /// The `limit` most recent rounds.
    pub(crate) async fn rounds(&self, limit: usize) -> Result<Vec<RoundRow>, String> {
        let (reply, answer) = oneshot::channel();
        self.ask(Request::Rounds { limit, reply })?;
        answer.await.map_err(|_| "the store stopped".to_owned())?
    }

    /// Waits until everything queued before this call is written.
    pub(crate) async fn flush(&self) {
        let (reply, done) = oneshot::channel();
        if self.requests.send(Request::Flush { reply }).is_ok() {
            let _ = done.await;
        }
    }

    fn ask(&self, request: Request) -> Result<(), String> {
        self.requests.try_send(request).map_err(|e| match e {
            TrySendError::Full(_) => "the store is busy".to_owned(),
            TrySendError::Disconnected(_) => "the store stopped".to_owned(),
        })
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

fn millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn serve(mut db: Connection, queue: mpsc::Receiver<Request>) {
    while let Ok(request) = queue.recv() {
        match request {
            Request::Record(result) => {
                if let Err(e) = write(&mut db, &result) {
                    tracing::error!(error = %e, room = %result.room, "round result not recorded");
                }
            }
            Request::Leaderboard { limit, reply } => {
                let _ = reply.send(leaderboard(&db, limit).map_err(|e| e.to_string()));
            }
            Request::Rounds { limit, reply } => {
                let _ = reply.send(rounds(&db, limit).map_err(|e| e.to_string()));
            }
            Request::Flush { reply } => {
                let _ = reply.send(());
            }
        }
    }
}

/// One round, all or nothing.
fn write(db: &mut Connection, result: &RoundResult) -> rusqlite::Result<()> {
    let tx = db.transaction()?;
    tx.execute(
        "INSERT INTO rounds (room, started_at, ended_at, duration_ms, winner) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            result.room,
            millis(result.started_at),
            millis(result.ended_at),
            i64::try_from(result.duration.as_millis()).unwrap_or(i64::MAX),
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::sim::PlayerResult;

    fn round(room: &str, players: &[(&str, i64)], winner: Option<&str>) -> RoundResult {
        RoundResult {
            room: room.into(),
            started_at: UNIX_EPOCH + Duration::from_secs(100),
            ended_at: UNIX_EPOCH + Duration::from_secs(160),
            duration: Duration::from_secs(60),
            players: players
                .iter()
                .map(|(n, s)| PlayerResult {
                    name: (*n).into(),
                    score: *s,
                })
                .collect(),
            winner: winner.map(Into::into),
        }
    }

    #[tokio::test]
    async fn results_add_up_on_the_leaderboard() {
        let (store, _thread) = Store::open(":memory:").unwrap();
        store
            .record(round("AAAA", &[("ann", 7), ("bo", 3)], Some("ann")))
            .unwrap();
        store
            .record(round("AAAA", &[("bo", 9), ("ann", 2)], Some("bo")))
            .unwrap();
        store
            .record(round("BBBB", &[("bo", 4), ("cy", 4)], None))
            .unwrap();
        let board = store.leaderboard(10).await.unwrap();
        let row = |name: &str| board.iter().find(|r| r.name == name).cloned().unwrap();
        assert_eq!(
            row("bo"),
            LeaderboardRow {
                name: "bo".into(),
                rounds: 3,
                wins: 1,
                total: 16,
                best: 9
            }
        );
        assert_eq!(
            row("ann"),
            LeaderboardRow {
                name: "ann".into(),
                rounds: 2,
                wins: 1,
                total: 9,
                best: 7
            }
        );
        assert_eq!(board[0].name, "bo", "most wins, then most points, first");
        let recent = store.rounds(2).await.unwrap();
        assert_eq!(recent.len(), 2);
        assert_eq!(
            recent[0].players,
            vec![("bo".to_owned(), 4), ("cy".to_owned(), 4)]
        );
        assert_eq!(recent[0].winner, None);
    }

    #[tokio::test]
    async fn recorded_rounds_survive_reopening_the_file() {
        let path = std::env::temp_dir().join(format!("store-test-{}.db", std::process::id()));
        let path = path.to_str().unwrap().to_owned();
        let _ = std::fs::remove_file(&path);
        {
            let (store, thread) = Store::open(&path).unwrap();
            store
                .record(round("CCCC", &[("dee", 5)], Some("dee")))
                .unwrap();
            store.flush().await;
            drop(store);
            thread.join().unwrap();
        }
        let (store, _thread) = Store::open(&path).unwrap();
        assert_eq!(store.leaderboard(5).await.unwrap()[0].wins, 1);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }
}
