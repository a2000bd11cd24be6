//! What a finished round records: the simulation produces it, the store keeps it, and the
//! HTTP API lists it.

use std::time::{Duration, SystemTime};

/// One finished round, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundResult {
    /// The room's code.
    pub room: String,
    /// When the round started.
    pub started_at: SystemTime,
    /// When it ended.
    pub ended_at: SystemTime,
    /// How long it ran, in game time.
    pub duration: Duration,
    /// Every player seated at the end, best first.
    pub players: Vec<PlayerResult>,
    /// The top scorer's name, unless the top score was shared.
    pub winner: Option<String>,
}

/// One player's result in a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayerResult {
    /// The player's name.
    pub name: String,
    /// Their score in the round.
    pub score: i64,
}
