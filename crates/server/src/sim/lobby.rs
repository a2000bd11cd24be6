//! Rooms coming and going: opening one (its code and seed), closing the empty ones, and
//! publishing the public rooms as the lobby list the HTTP API serves.

use std::sync::Arc;

use tickwire::{
    Rejection, RoomId,
    api::{RoomInfo, RoomPhase},
};
use tickwire_game::Game;

use super::{Sim, room::Room};

impl<G: Game> Sim<G> {
    /// Opens a room under `code`, or a fresh code, unless the server has all the rooms it
    /// allows.
    pub(super) fn open_room(
        &mut self,
        code: Option<String>,
        private: bool,
    ) -> Result<RoomId, Rejection> {
        if self.rooms.len() >= self.limits.max_rooms {
            return Err(Rejection::ServerFull);
        }
        let id = RoomId(self.next_room);
        self.next_room += 1;
        let code = code.unwrap_or_else(|| self.unused_code());
        let room = Room::new(
            &self.game,
            id,
            code.clone(),
            private,
            room_seed(self.seed, id),
            self.limits.delta_max_age,
            &self.limits.rules,
        );
        self.rooms.insert(id, room);
        self.codes.insert(code.clone(), id);
        self.count_rooms();
        tracing::debug!(room = %code, private, "room opened");
        Ok(id)
    }

    /// A random code no open room has.
    fn unused_code(&self) -> String {
        loop {
            let code = random_code();
            if !self.codes.contains_key(&code) {
                break code;
            }
        }
    }

    /// Closes the rooms nobody is in or coming back to, freeing their codes.
    pub(super) fn close_empty_rooms(&mut self) {
        let codes = &mut self.codes;
        self.rooms.retain(|_, room| {
            let keep = !room.is_empty();
            if !keep {
                codes.remove(&room.code);
                tracing::debug!(room = %room.code, "room closed");
            }
            keep
        });
        self.count_rooms();
    }

    fn count_rooms(&self) {
        self.metrics
            .rooms
            .set(crate::metrics::gauge_value(self.rooms.len()));
    }

    /// Sends the public rooms, as they are after this tick, to the lobby's readers.
    pub(super) fn publish_lobby(&self) {
        let rooms: Arc<[RoomInfo]> = self
            .rooms
            .values()
            .filter(|room| !room.private)
            .map(|room| self.room_info(room))
            .collect();
        self.lobby.send_replace(rooms);
    }

    fn room_info(&self, room: &Room<G>) -> RoomInfo {
        let rate = u32::from(self.settings.tick_rate.max(1));
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let (phase, ticks_left) = RoomPhase::of(&room.phase);
        RoomInfo {
            id: room.id,
            code: room.code.clone(),
            players: count(room.seats.len()),
            names: room.seats.values().map(|s| s.name.clone()).collect(),
            spectators: count(room.spectators.len()),
            capacity: u32::from(self.settings.capacity),
            phase,
            seconds_left: ticks_left.div_ceil(rate),
            tick: room.tick,
        }
    }
}

/// Unpredictable bytes for resume tokens and private room codes.
pub(super) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness (never seen on Linux): fall back to hashing the clock, which is
        // unique but guessable, and say so.
        tracing::warn!("no OS randomness; tokens fall back to the clock");
        use std::hash::{BuildHasher, RandomState};
        for (i, chunk) in bytes.chunks_mut(8).enumerate() {
            let h = RandomState::new().hash_one((std::time::SystemTime::now(), i));
            chunk.copy_from_slice(&h.to_le_bytes()[..chunk.len()]);
        }
    }
    bytes
}

/// A fresh room code: six characters from an alphabet without look-alikes (no 0/O, 1/I).
fn random_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    random_bytes::<6>()
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

/// A room's seed: the server seed mixed with the room id (SplitMix64 finaliser), so rooms
/// differ but a fixed server seed reproduces every room.
fn room_seed(seed: u64, room: RoomId) -> u64 {
    let mut z = seed ^ u64::from(room.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
