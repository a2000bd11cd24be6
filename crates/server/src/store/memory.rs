//! Results kept in memory, for servers without a results file (no `--db`, `:memory:`, or
//! no `sqlite` feature): the last [`MEMORY_ROUNDS`] rounds, with the leaderboard over
//! them kept up to date as rounds come and go, answering as the database would.

use std::collections::{BTreeMap, HashMap, VecDeque};

use tickwire::api::{LeaderboardRow, RoundRow};

use super::{Results, round_row};
use crate::result::RoundResult;

/// The most rounds kept in memory; the oldest is forgotten, leaderboard and all, when a
/// round beyond them ends. A few MiB at ten players a round.
pub const MEMORY_ROUNDS: usize = 10_000;

/// The last rounds and each player's tally over them.
pub(super) struct Memory {
    /// Oldest first, each with its sequence number (the database's row id).
    rounds: VecDeque<(u64, RoundRow)>,
    capacity: usize,
    next_id: u64,
    tallies: HashMap<String, Tally>,
    /// The whole leaderboard in order, until the next round changes it.
    board: Option<Vec<LeaderboardRow>>,
}

/// One player's rows over the rounds kept.
#[derive(Debug, Default)]
struct Tally {
    rounds: u32,
    wins: u32,
    total: i64,
    /// How many rows had each score, so the best survives a round being forgotten.
    scores: BTreeMap<i64, u32>,
}

impl Memory {
    /// An empty store keeping at most `capacity` rounds (at least one).
    pub(super) fn new(capacity: usize) -> Memory {
        Memory {
            rounds: VecDeque::new(),
            capacity: capacity.max(1),
            next_id: 1,
            tallies: HashMap::new(),
            board: None,
        }
    }

    /// Adds a round's rows to the tallies, or takes them away (`add` false). A player
    /// listed twice in one round (two players may share a name) counts twice, as rows do.
    fn tally(&mut self, round: &RoundRow, add: bool) {
        for (name, score) in &round.players {
            let won = round.winner.as_deref() == Some(name.as_str());
            let tally = self.tallies.entry(name.clone()).or_default();
            if add {
                tally.rounds += 1;
                tally.wins += u32::from(won);
                tally.total = tally.total.saturating_add(*score);
                *tally.scores.entry(*score).or_default() += 1;
            } else {
                tally.rounds = tally.rounds.saturating_sub(1);
                tally.wins = tally.wins.saturating_sub(u32::from(won));
                tally.total = tally.total.saturating_sub(*score);
                if let Some(count) = tally.scores.get_mut(score) {
                    *count -= 1;
                    if *count == 0 {
                        tally.scores.remove(score);
                    }
                }
                if tally.rounds == 0 {
                    self.tallies.remove(name);
                }
            }
        }
        self.board = None;
    }
}

impl Results for Memory {
    fn record(&mut self, round: &RoundResult) -> Result<(), String> {
        let row = round_row(round);
        self.tally(&row, true);
        self.rounds.push_back((self.next_id, row));
        self.next_id += 1;
        while self.rounds.len() > self.capacity {
            if let Some((_, old)) = self.rounds.pop_front() {
                self.tally(&old, false);
            }
        }
        Ok(())
    }

    fn leaderboard(&mut self, limit: usize) -> Result<Vec<LeaderboardRow>, String> {
        let tallies = &self.tallies;
        let board = self.board.get_or_insert_with(|| {
            let mut board: Vec<LeaderboardRow> = tallies
                .iter()
                .map(|(name, tally)| LeaderboardRow {
                    name: name.clone(),
                    rounds: tally.rounds,
                    wins: tally.wins,
                    total: tally.total,
                    best: tally.scores.keys().next_back().copied().unwrap_or(0),
                })
                .collect();
            board.sort_by(|a, b| {
                b.wins
                    .cmp(&a.wins)
                    .then(b.total.cmp(&a.total))
                    .then_with(|| a.name.cmp(&b.name))
            });
            board
        });
        Ok(board.iter().take(limit).cloned().collect())
    }

    fn rounds(&mut self, limit: usize) -> Result<Vec<RoundRow>, String> {
        let mut newest: Vec<&(u64, RoundRow)> = self.rounds.iter().collect();
        newest
            .sort_by(|(a_id, a), (b_id, b)| b.ended_at_ms.cmp(&a.ended_at_ms).then(b_id.cmp(a_id)));
        Ok(newest
            .into_iter()
            .take(limit)
            .map(|(_, row)| row.clone())
            .collect())
    }
}
