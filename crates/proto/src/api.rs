//! The HTTP API's types, defined once: what `/api/rooms`, `/api/leaderboard` and
//! `/api/rounds` answer. The server writes them and every client reads them through serde,
//! so the two sides cannot drift apart.
//!
//! Each endpoint answers JSON (for `curl` and scripts). The browser asks for the same
//! values in the wire codec instead, with [`BINARY_QUERY`] appended to the path, and
//! decodes them with [`decode`]: see ARCHITECTURE.md (Decisions) for why.

use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::{MatchPhase, RoomId, codec};

/// The public rooms: a JSON array of [`RoomInfo`].
pub const ROOMS_PATH: &str = "/api/rooms";
/// The all-time leaderboard, best first: a JSON array of [`LeaderboardRow`]. Takes
/// `?limit=N` (1 to [`MAX_LIMIT`], default [`LEADERBOARD_LIMIT`]).
pub const LEADERBOARD_PATH: &str = "/api/leaderboard";
/// Recent rounds, newest first: a JSON array of [`RoundRow`]. Takes `?limit=N` (1 to
/// [`MAX_LIMIT`], default [`ROUNDS_LIMIT`]).
pub const ROUNDS_PATH: &str = "/api/rounds";
/// The rows `/api/leaderboard` lists when the request names no limit.
pub const LEADERBOARD_LIMIT: u32 = 20;
/// The rows `/api/rounds` lists when the request names no limit.
pub const ROUNDS_LIMIT: u32 = 10;
/// The most rows one request for the leaderboard or the rounds may ask for.
pub const MAX_LIMIT: u32 = 100;
/// The query parameter that asks any endpoint here for the wire codec's bytes
/// (`application/octet-stream`) instead of JSON: `format=bin`.
pub const BINARY_QUERY: &str = "format=bin";
/// The content type of a binary answer.
pub const BINARY_CONTENT_TYPE: &str = "application/octet-stream";

/// One public room, as `/api/rooms` lists it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct RoomInfo {
    /// The room's id.
    pub id: RoomId,
    /// The code that joins or watches it.
    pub code: String,
    /// Players seated now (including any away within their grace period).
    pub players: u32,
    /// Their names.
    pub names: Vec<String>,
    /// Spectators watching.
    pub spectators: u32,
    /// The most players it takes.
    pub capacity: u32,
    /// What the room is doing.
    pub phase: RoomPhase,
    /// Whole seconds until the phase changes, rounded up (0 while waiting).
    pub seconds_left: u32,
    /// Ticks the room has run.
    pub tick: u64,
}

impl RoomInfo {
    /// Whether a player can still take a seat.
    pub fn open(&self) -> bool {
        self.players < self.capacity
    }
}

/// What a listed room is doing: [`MatchPhase`] without its details. In JSON a lowercase
/// string (`"waiting"`, `"countdown"`, `"running"`, `"ended"`).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum RoomPhase {
    /// Free play until enough players are present for a round.
    Waiting,
    /// Counting down to a round.
    Countdown,
    /// A round is on.
    Running,
    /// A round is over and its results are shown.
    Ended,
}

impl RoomPhase {
    /// The phase of a room in `phase`, and the ticks until it changes (0 while waiting).
    pub fn of(phase: &MatchPhase) -> (RoomPhase, u32) {
        match *phase {
            MatchPhase::Waiting { .. } => (RoomPhase::Waiting, 0),
            MatchPhase::Countdown { ticks_left } => (RoomPhase::Countdown, ticks_left),
            MatchPhase::Running { ticks_left } => (RoomPhase::Running, ticks_left),
            MatchPhase::Ended { ticks_left, .. } => (RoomPhase::Ended, ticks_left),
        }
    }
}

/// One row of the all-time leaderboard, as `/api/leaderboard` lists it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct LeaderboardRow {
    /// The player's name.
    pub name: String,
    /// Rounds played to the end.
    pub rounds: u32,
    /// Rounds won outright.
    pub wins: u32,
    /// Score summed over every round.
    pub total: i64,
    /// Best score in one round.
    pub best: i64,
}

/// One recorded round, as `/api/rounds` lists it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct RoundRow {
    /// The room's code.
    pub room: String,
    /// When it ended, in milliseconds since the Unix epoch.
    pub ended_at_ms: u64,
    /// How long it ran, in seconds (to the millisecond).
    pub seconds: f64,
    /// The winner, unless the top score was shared.
    pub winner: Option<String>,
    /// Names and scores, best first.
    pub players: Vec<(String, i64)>,
}

/// Reads a binary answer (an endpoint asked with [`BINARY_QUERY`]) with the codec's decode
/// limit, so a hostile answer cannot make the reader allocate without bound.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, codec::CodecError> {
    codec::decode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room() -> RoomInfo {
        RoomInfo {
            id: RoomId(3),
            code: "BUSY9".into(),
            players: 4,
            names: vec!["c".into(), "d".into()],
            spectators: 1,
            capacity: 10,
            phase: RoomPhase::Countdown,
            seconds_left: 3,
            tick: 40,
        }
    }

    #[test]
    fn a_room_reads_back_from_the_codec() {
        let rooms = vec![room()];
        let bytes = codec::encode(&rooms).unwrap();
        assert_eq!(decode::<Vec<RoomInfo>>(&bytes).unwrap(), rooms);
        assert!(decode::<Vec<RoomInfo>>(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn json_keeps_the_field_names_and_lowercase_phases() {
        let json = serde_json::to_string(&room()).unwrap();
        assert_eq!(
            json,
            r#"{"id":3,"code":"BUSY9","players":4,"names":["c","d"],"spectators":1,"capacity":10,"phase":"countdown","seconds_left":3,"tick":40}"#
        );
        for (phase, name) in [
            (RoomPhase::Waiting, "\"waiting\""),
            (RoomPhase::Countdown, "\"countdown\""),
            (RoomPhase::Running, "\"running\""),
            (RoomPhase::Ended, "\"ended\""),
        ] {
            assert_eq!(serde_json::to_string(&phase).unwrap(), name);
            assert_eq!(serde_json::from_str::<RoomPhase>(name).unwrap(), phase);
        }
    }

    #[test]
    fn a_room_phase_says_what_a_match_phase_does_and_when_it_changes() {
        assert_eq!(
            RoomPhase::of(&MatchPhase::Waiting { needed: 1 }),
            (RoomPhase::Waiting, 0)
        );
        assert_eq!(
            RoomPhase::of(&MatchPhase::Ended {
                ticks_left: 7,
                winner: None
            }),
            (RoomPhase::Ended, 7)
        );
    }
}
