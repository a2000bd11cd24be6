//! Rooms of any game driven the way a loaded server sees them (snake's by default):
//! [`TickRig::tick`] is one tick of the sim thread over every room (rules, history, diffs,
//! per-client encoding) through `tickwire_server::bench`, and [`TickRig::between_ticks`] is
//! what clients do meanwhile: bots pick inputs from the newest state and every client
//! acknowledges it, so deltas are one tick old as in steady play.

use std::collections::HashMap;

use snake::{Snake, SnakeDelta, SnakeRules, SnakeState};
use tickwire::{Body, Bot, PlayerId, RoomId, ServerMsg, Snapshot, codec};
use tickwire_game::Game;
use tickwire_server::bench::Rooms;

/// Rooms of bots, stepped by hand.
pub struct TickRig<G: Game = Snake> {
    rooms: Rooms<G>,
    players: Vec<(RoomId, PlayerId)>,
    seqs: HashMap<PlayerId, u32>,
    /// Steps run, so the newest tick of every room.
    ticks: u64,
    /// Where the readers of [`with_readers`](TickRig::with_readers) run.
    readers: Option<tokio::runtime::Runtime>,
}

impl<G: Game> std::fmt::Debug for TickRig<G> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TickRig")
            .field("rooms", &self.rooms)
            .field("players", &self.players.len())
            .field("ticks", &self.ticks)
            .finish_non_exhaustive()
    }
}

impl TickRig<Snake> {
    /// `rooms` rooms of `players_per_room` snake bots with the standard rules, seeded by
    /// `seed`.
    pub fn new(rooms: usize, players_per_room: u16, seed: u64) -> TickRig<Snake> {
        let game = Snake {
            rules: SnakeRules::default(),
        };
        TickRig::of(game, rooms, players_per_room, seed)
    }
}

impl<G: Game + Bot> TickRig<G> {
    /// `rooms` rooms of `game` with `players_per_room` bots each, seeded by `seed`.
    pub fn of(game: G, rooms: usize, players_per_room: u16, seed: u64) -> TickRig<G> {
        let rooms = Rooms::new(game, rooms, players_per_room, seed);
        let players = rooms.players().collect();
        TickRig {
            rooms,
            players,
            seqs: HashMap::new(),
            ticks: 0,
            readers: None,
        }
    }

    /// Gives every player a task, on a runtime of `threads` worker threads, that waits for
    /// its snapshots as a server session does; each tick then also pays for waking them.
    /// Without readers a tick only encodes and stores each snapshot.
    pub fn with_readers(mut self, threads: usize) -> std::io::Result<TickRig<G>> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .build()?;
        self.rooms.spawn_readers(runtime.handle());
        self.readers = Some(runtime);
        Ok(self)
    }

    /// One tick of every room, as the server's sim thread runs it.
    pub fn tick(&mut self) {
        self.rooms.step();
        self.ticks += 1;
    }

    /// What happens between two ticks: every bot steers from its room's newest state and
    /// every client acknowledges that state.
    pub fn between_ticks(&mut self) {
        let mut inputs = Vec::new();
        for &(room, player) in &self.players {
            let Some(state) = self.rooms.state(room) else {
                continue;
            };
            // The previous input was consumed by the tick just run: nothing is pending.
            if let Some(input) = G::bot_input(state, player, None) {
                inputs.push((player, input));
            }
        }
        for (player, input) in inputs {
            let seq = self.seqs.entry(player).or_insert(0);
            *seq += 1;
            let seq = *seq;
            self.rooms.input(player, seq, input);
        }
        self.rooms.ack_newest();
    }

    /// `ticks` ticks with bots steering in between, so rooms reach steady play.
    pub fn warm_up(&mut self, ticks: usize) {
        for _ in 0..ticks {
            self.tick();
            self.between_ticks();
        }
    }

    /// Players seated, over all rooms.
    pub fn players(&self) -> usize {
        self.players.len()
    }

    /// Every seated player and its room.
    pub fn seated(&self) -> &[(RoomId, PlayerId)] {
        &self.players
    }

    /// The newest state of the first room.
    pub fn first_state(&self) -> Option<&G::Snapshot> {
        let (room, _) = self.players.first()?;
        self.rooms.state(*room)
    }

    /// The newest state of `room`.
    pub fn state(&self, room: RoomId) -> Option<&G::Snapshot> {
        self.rooms.state(room)
    }

    /// The newest tick of every room: steps run so far (a room's first step is tick 1).
    pub fn tick_number(&self) -> u64 {
        self.ticks
    }

    /// The input sequence number the newest snapshot acknowledges to `player`: its bot's
    /// last input, which the tick after [`between_ticks`](TickRig::between_ticks) consumed.
    pub fn ack(&self, player: PlayerId) -> u32 {
        self.seqs.get(&player).copied().unwrap_or(0)
    }

    /// Bytes of the newest encoded snapshot of every player, summed.
    pub fn encoded_bytes(&self) -> usize {
        self.rooms.encoded_bytes()
    }
}

/// Two consecutive states of one room in steady play, and their wire forms.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The earlier state, the baseline.
    pub base: SnakeState,
    /// The state one tick later.
    pub next: SnakeState,
    /// `next` against `base`.
    pub delta: SnakeDelta,
    /// `next` as a full snapshot message, encoded.
    pub full_bytes: Vec<u8>,
    /// `next` as a delta snapshot message, encoded.
    pub delta_bytes: Vec<u8>,
}

/// A full snapshot message of `state`, as the server sends a keyframe.
pub fn full_message(state: &SnakeState) -> ServerMsg<&SnakeState, &SnakeDelta> {
    ServerMsg::Snapshot(Snapshot {
        tick: 1_000,
        ack: 42,
        phase: tickwire::MatchPhase::Running { ticks_left: 1_000 },
        body: Body::Full(state),
    })
}

/// A one-tick delta snapshot message, as the server sends it to a client in steady play.
pub fn delta_message(delta: &SnakeDelta) -> ServerMsg<&SnakeState, &SnakeDelta> {
    ServerMsg::Snapshot(Snapshot {
        tick: 1_000,
        ack: 42,
        phase: tickwire::MatchPhase::Running { ticks_left: 1_000 },
        body: Body::Delta { age: 1, delta },
    })
}

/// A room of `players` bots after `warm_up` ticks of play: its last two states.
pub fn fixture(players: u16, warm_up: usize, seed: u64) -> anyhow::Result<Fixture> {
    let mut rig = TickRig::new(1, players, seed);
    rig.warm_up(warm_up);
    let base = rig
        .first_state()
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("the room has no state"))?;
    rig.tick();
    let next = rig
        .first_state()
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("the room has no state"))?;
    let delta = snake::delta::diff(&base, &next);
    let full_bytes = codec::encode(&full_message(&next))?;
    let delta_bytes = codec::encode(&delta_message(&delta))?;
    Ok(Fixture {
        base,
        next,
        delta,
        full_bytes,
        delta_bytes,
    })
}

#[cfg(test)]
mod tests {
    use tickwire::Diff;

    use super::*;

    #[test]
    fn a_fixture_round_trips_through_the_codec_and_the_delta() {
        let f = fixture(10, 100, 7).unwrap();
        assert_eq!(f.next.snakes.len(), 10);
        assert_eq!(Diff::apply(&f.base, &f.delta).unwrap(), f.next);
        let decoded = codec::decode_server::<SnakeState, SnakeDelta>(&f.delta_bytes).unwrap();
        let ServerMsg::Snapshot(Snapshot {
            body: Body::Delta { age: 1, delta },
            ..
        }) = decoded
        else {
            panic!("expected a delta snapshot");
        };
        assert_eq!(delta, f.delta);
        assert!(f.delta_bytes.len() < f.full_bytes.len());
    }

    #[test]
    fn the_rig_sends_every_client_a_delta_once_acks_flow() {
        let mut rig = TickRig::new(2, 5, 3).with_readers(1).unwrap();
        assert_eq!(rig.players(), 10);
        rig.warm_up(20);
        let keyframes = rig.rooms.metrics().keyframes.get();
        assert_eq!(keyframes, 10, "only the first tick");
        rig.tick();
        let metrics = rig.rooms.metrics();
        assert_eq!(metrics.keyframes.get(), keyframes);
        assert_eq!(metrics.deltas.get(), 10 * 20);
    }
}
