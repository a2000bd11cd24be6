//! Match results, on a thread of their own so that neither the tick nor the async runtime
//! ever waits on them: in an embedded SQLite database (feature `sqlite`, `--db FILE`), or
//! kept in memory, bounded, when there is no file to keep them in.
//!
//! Both answer the HTTP API alike: `tests` feeds the same rounds to each and compares
//! every listing.

mod memory;
#[cfg(feature = "sqlite")]
mod sqlite;

use std::{
    sync::mpsc::{self, SyncSender, TrySendError},
    thread::JoinHandle,
    time::{SystemTime, UNIX_EPOCH},
};

use tickwire::api::{LeaderboardRow, RoundRow};
use tokio::sync::oneshot;

pub use self::memory::MEMORY_ROUNDS;
use crate::result::RoundResult;

/// Requests queued for the store thread. A round result that finds the queue full is
/// refused and counted rather than waited for, so the tick never blocks on disk.
const QUEUE: usize = 4_096;

/// The path that keeps results in memory rather than in a database file.
pub(crate) const IN_MEMORY: &str = ":memory:";

/// The results store could not be opened.
#[derive(Debug, thiserror::Error)]
#[error("cannot open the results store {path:?}: {source}")]
pub struct StoreError {
    path: String,
    source: Box<dyn std::error::Error + Send + Sync>,
}

/// Where results are kept: what the store thread asks.
trait Results: Send {
    /// Keeps one round, all or nothing.
    fn record(&mut self, round: &RoundResult) -> Result<(), String>;
    /// The top `limit` players: most wins, then most points, then by name.
    fn leaderboard(&mut self, limit: usize) -> Result<Vec<LeaderboardRow>, String>;
    /// The `limit` rounds that ended last, newest first.
    fn rounds(&mut self, limit: usize) -> Result<Vec<RoundRow>, String>;
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
    /// Opens the store: the SQLite database at `path` (created if needed), or results kept
    /// in memory for `None` or `:memory:`; then starts its thread, which ends when every
    /// handle is dropped.
    pub(crate) fn open(path: Option<&str>) -> Result<(Store, JoinHandle<()>), StoreError> {
        let path = path.unwrap_or(IN_MEMORY);
        let error = |source: Box<dyn std::error::Error + Send + Sync>| StoreError {
            path: path.to_owned(),
            source,
        };
        let results: Box<dyn Results> = if path == IN_MEMORY {
            Box::new(memory::Memory::new(MEMORY_ROUNDS))
        } else {
            open_file(path).map_err(error)?
        };
        let (requests, queue) = mpsc::sync_channel(QUEUE);
        let thread = std::thread::Builder::new()
            .name("store".into())
            .spawn(move || serve(results, queue))
            .map_err(|e| error(Box::new(e)))?;
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

/// The SQLite database at `path`.
#[cfg(feature = "sqlite")]
fn open_file(path: &str) -> Result<Box<dyn Results>, Box<dyn std::error::Error + Send + Sync>> {
    Ok(Box::new(sqlite::Sqlite::open(path)?))
}

/// Without SQLite there is no file to open.
#[cfg(not(feature = "sqlite"))]
fn open_file(_path: &str) -> Result<Box<dyn Results>, Box<dyn std::error::Error + Send + Sync>> {
    Err("results files need the `sqlite` feature".into())
}

fn serve(mut results: Box<dyn Results>, queue: mpsc::Receiver<Request>) {
    while let Ok(request) = queue.recv() {
        match request {
            Request::Record(result) => {
                if let Err(e) = results.record(&result) {
                    tracing::error!(error = %e, room = %result.room, "round result not recorded");
                }
            }
            Request::Leaderboard { limit, reply } => {
                let _ = reply.send(results.leaderboard(limit));
            }
            Request::Rounds { limit, reply } => {
                let _ = reply.send(results.rounds(limit));
            }
            Request::Flush { reply } => {
                let _ = reply.send(());
            }
        }
    }
}

/// Milliseconds since the Unix epoch (0 before it), as results record times.
fn millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A round as `/api/rounds` lists it.
fn round_row(result: &RoundResult) -> RoundRow {
    RoundRow {
        room: result.room.clone(),
        ended_at_ms: millis(result.ended_at),
        seconds: duration_ms(result) as f64 / 1000.0,
        winner: result.winner.clone(),
        players: result
            .players
            .iter()
            .map(|p| (p.name.clone(), p.score))
            .collect(),
    }
}

/// How long a round ran, in whole milliseconds, as results record it.
fn duration_ms(result: &RoundResult) -> u64 {
    u64::try_from(result.duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests;
