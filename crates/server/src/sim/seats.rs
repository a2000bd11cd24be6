//! Seating: where a join puts a client (quick join, a room by code, a new private room, a
//! spectator's place, or its own seat resumed), the welcome it gets, and freeing seats
//! when players leave or their grace period runs out.

use tickwire::{Join, PlayerId, Rejection, ResumeToken, Role, RoomId, Welcome, valid_room_code};
use tickwire_game::Game;

use super::{
    Seated, Sim,
    conn::{Conn, Seat},
    lobby::random_bytes,
};

impl<G: Game> Sim<G> {
    /// Seats a client where it asked to be.
    pub(super) fn join(
        &mut self,
        name: String,
        join: Join,
        resume: Option<ResumeToken>,
    ) -> Result<Seated, Rejection> {
        if self.draining {
            return Err(Rejection::Draining);
        }
        if let Some(seated) = resume.and_then(|token| self.resume(token)) {
            return Ok(seated);
        }
        let room_id = match join {
            Join::Quick => self.quick_room()?,
            Join::Room(code) => self.room_by_code(code)?,
            Join::NewPrivate => self.open_room(None, true)?,
            Join::Watch(code) => return self.watch(&code),
        };
        self.seat_player(room_id, name)
    }

    /// The fullest public room with a free seat (the oldest of equals), or a new one.
    fn quick_room(&mut self) -> Result<RoomId, Rejection> {
        let capacity = usize::from(self.settings.capacity);
        let open = self
            .rooms
            .iter()
            .filter(|(_, room)| !room.private && room.seats.len() < capacity)
            .max_by_key(|(id, room)| (room.seats.len(), std::cmp::Reverse(**id)))
            .map(|(id, _)| *id);
        match open {
            Some(id) => Ok(id),
            None => self.open_room(None, false),
        }
    }

    /// The room with `code`, opened as a private room if there is none yet.
    fn room_by_code(&mut self, code: String) -> Result<RoomId, Rejection> {
        if !valid_room_code(&code) {
            return Err(Rejection::NoSuchRoom);
        }
        match self.codes.get(&code) {
            Some(id) => Ok(*id),
            None => self.open_room(Some(code), true),
        }
    }

    /// Gives a new player a seat in `room_id`, with a fresh resume token.
    fn seat_player(&mut self, room_id: RoomId, name: String) -> Result<Seated, Rejection> {
        let capacity = usize::from(self.settings.capacity);
        let room = self.rooms.get_mut(&room_id).ok_or(Rejection::ServerFull)?;
        if room.seats.len() >= capacity {
            return Err(Rejection::RoomFull);
        }
        let player = PlayerId(self.next_player);
        self.next_player += 1;
        let token = ResumeToken(random_bytes());
        self.game.add_player(room.world(), player, &name);
        let (conn, handle) = Conn::new();
        room.seats.insert(player, Seat::new(name, token, conn));
        self.seats.insert(player, room_id);
        self.tokens.insert(token, player);
        tracing::debug!(?player, room = %room.code, "player joined");
        self.count_players();
        let welcome = self.welcome(room_id, Role::Player(player), Some(token), false);
        Ok(Seated {
            welcome,
            conn: handle,
        })
    }

    /// Gives a seat back to the connection presenting its token.
    fn resume(&mut self, token: ResumeToken) -> Option<Seated> {
        let player = *self.tokens.get(&token)?;
        let room_id = *self.seats.get(&player)?;
        let seat = self.rooms.get_mut(&room_id)?.seats.get_mut(&player)?;
        let (conn, handle) = Conn::new();
        seat.reattach(conn);
        tracing::debug!(?player, "player resumed");
        Some(Seated {
            welcome: self.welcome(room_id, Role::Player(player), Some(token), true),
            conn: handle,
        })
    }

    /// A spectator's place in the room with `code`, if it has room for one more.
    fn watch(&mut self, code: &str) -> Result<Seated, Rejection> {
        let room_id = *self.codes.get(code).ok_or(Rejection::NoSuchRoom)?;
        let room = self.rooms.get_mut(&room_id).ok_or(Rejection::NoSuchRoom)?;
        if room.spectators.len() >= self.limits.max_spectators {
            return Err(Rejection::RoomFull);
        }
        let (conn, handle) = Conn::new();
        room.spectators.push(conn);
        Ok(Seated {
            welcome: self.welcome(room_id, Role::Spectator, None, false),
            conn: handle,
        })
    }

    fn welcome(
        &self,
        room: RoomId,
        role: Role,
        resume: Option<ResumeToken>,
        resumed: bool,
    ) -> Welcome {
        let (code, private) = self
            .rooms
            .get(&room)
            .map_or((String::new(), false), |r| (r.code.clone(), r.private));
        Welcome {
            role,
            room,
            code,
            private,
            tick_rate: self.settings.tick_rate,
            resume,
            resumed,
        }
    }

    /// Frees a player's seat at once, as its goodbye asks.
    pub(super) fn leave(&mut self, player: PlayerId) {
        let Some(room_id) = self.seats.remove(&player) else {
            return;
        };
        if let Some(room) = self.rooms.get_mut(&room_id)
            && let Some(seat) = room.seats.remove(&player)
        {
            self.tokens.remove(&seat.token);
            self.game.remove_player(room.world(), player);
        }
        self.count_players();
        tracing::debug!(?player, "player left");
    }

    /// Forgets the seats (and their tokens) that rooms gave up after the grace period.
    pub(super) fn forget_seats(&mut self, expired: Vec<(PlayerId, ResumeToken)>) {
        for (player, token) in expired {
            self.seats.remove(&player);
            self.tokens.remove(&token);
            tracing::debug!(?player, "seat given up after the grace period");
        }
        self.count_players();
    }

    fn count_players(&self) {
        self.metrics
            .players
            .set(crate::metrics::gauge_value(self.seats.len()));
    }
}
