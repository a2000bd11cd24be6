//! The store through its handle, and the memory store against the database: the same
//! rounds in, the same listings out.

use std::time::Duration;

use super::*;
use crate::result::PlayerResult;

fn round(room: &str, players: &[(&str, i64)], winner: Option<&str>) -> RoundResult {
    round_at(room, 160, players, winner)
}

fn round_at(
    room: &str,
    ended_s: u64,
    players: &[(&str, i64)],
    winner: Option<&str>,
) -> RoundResult {
    RoundResult {
        room: room.into(),
        started_at: UNIX_EPOCH + Duration::from_secs(100),
        ended_at: UNIX_EPOCH + Duration::from_secs(ended_s),
        duration: Duration::from_millis(60_123),
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

/// Rounds with what makes listings tricky: shared top scores, a name twice in one round,
/// negative scores, rounds ending at the same moment or out of order.
#[cfg(feature = "sqlite")]
fn awkward_rounds() -> Vec<RoundResult> {
    vec![
        round_at("AAAA", 160, &[("ann", 7), ("bo", 3)], Some("ann")),
        round_at("AAAA", 150, &[("bo", 9), ("ann", 2)], Some("bo")),
        round_at("BBBB", 160, &[("bo", 4), ("cy", 4)], None),
        round_at("CCCC", 170, &[("player", 5), ("player", 5)], None),
        round_at(
            "CCCC",
            170,
            &[("player", 6), ("player", -2)],
            Some("player"),
        ),
        round_at("DDDD", 90, &[("dee", -3), ("eve", -4)], Some("dee")),
        round_at("DDDD", 180, &[("zed", 16)], Some("zed")),
        round_at("EEEE", 180, &[("ann", 1), ("zed", 0)], Some("ann")),
    ]
}

#[tokio::test]
async fn results_add_up_on_the_leaderboard() {
    let (store, _thread) = Store::open(None).unwrap();
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
    assert_eq!(recent[0].seconds, 60.123);
}

#[test]
fn memory_forgets_the_oldest_round_and_its_place_on_the_leaderboard() {
    let mut memory = memory::Memory::new(2);
    memory
        .record(&round("AAAA", &[("ann", 9), ("bo", 1)], Some("ann")))
        .unwrap();
    memory
        .record(&round("BBBB", &[("ann", 2), ("bo", 3)], Some("bo")))
        .unwrap();
    assert_eq!(memory.leaderboard(10).unwrap()[0].name, "ann");
    memory
        .record(&round("CCCC", &[("bo", 4)], Some("bo")))
        .unwrap();
    let board = memory.leaderboard(10).unwrap();
    assert_eq!(
        board,
        [
            LeaderboardRow {
                name: "bo".into(),
                rounds: 2,
                wins: 2,
                total: 7,
                best: 4
            },
            LeaderboardRow {
                name: "ann".into(),
                rounds: 1,
                wins: 0,
                total: 2,
                best: 2
            },
        ],
        "ann's 9 went with the round that held it"
    );
    let rooms: Vec<String> = memory
        .rounds(10)
        .unwrap()
        .into_iter()
        .map(|r| r.room)
        .collect();
    assert_eq!(rooms, ["CCCC", "BBBB"]);
}

#[cfg(feature = "sqlite")]
#[test]
fn memory_answers_as_the_database_does() {
    let mut memory = memory::Memory::new(MEMORY_ROUNDS);
    let mut database = sqlite::Sqlite::open(IN_MEMORY).unwrap();
    for (i, round) in awkward_rounds().iter().enumerate() {
        memory.record(round).unwrap();
        database.record(round).unwrap();
        for limit in [1, 2, 3, i + 1, 100] {
            assert_eq!(
                memory.leaderboard(limit).unwrap(),
                database.leaderboard(limit).unwrap(),
                "leaderboard({limit}) after {} rounds",
                i + 1
            );
            assert_eq!(
                memory.rounds(limit).unwrap(),
                database.rounds(limit).unwrap(),
                "rounds({limit}) after {} rounds",
                i + 1
            );
        }
    }
}

#[cfg(not(feature = "sqlite"))]
#[test]
fn a_results_file_needs_the_sqlite_feature() {
    let error = Store::open(Some("results.db")).unwrap_err().to_string();
    assert!(error.contains("sqlite"), "{error}");
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn recorded_rounds_survive_reopening_the_file() {
    let path = std::env::temp_dir().join(format!("store-test-{}.db", std::process::id()));
    let path = path.to_str().unwrap().to_owned();
    let _ = std::fs::remove_file(&path);
    {
        let (store, thread) = Store::open(Some(&path)).unwrap();
        store
            .record(round("CCCC", &[("dee", 5)], Some("dee")))
            .unwrap();
        store.flush().await;
        drop(store);
        thread.join().unwrap();
    }
    let (store, _thread) = Store::open(Some(&path)).unwrap();
    assert_eq!(store.leaderboard(5).await.unwrap()[0].wins, 1);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
}
