//! One room: its world and schedule, its seats and spectators, and the round it is in,
//! stepped one tick at a time. What a tick does to the round is `round`'s decision; this
//! file carries it out on the world and sends every connection its snapshot.

use std::{
    collections::BTreeMap,
    time::{Duration, SystemTime},
};

use bevy_ecs::{schedule::Schedule, world::World};
use bytes::Bytes;
use tickwire::{
    Body, DeltaOf, Diff, MatchPhase, PlayerId, ResumeToken, RoomId, ServerMsg, Snapshot, codec,
    delta::History,
};
use tickwire_game::{Game, RoundPhase};

use super::{
    conn::{Conn, Seat},
    round::{self, MatchRules, Turn},
};
use crate::result::{PlayerResult, RoundResult};

/// What one tick of a room produced.
#[derive(Debug, Default)]
pub(crate) struct Stepped {
    pub(crate) keyframes: u64,
    pub(crate) deltas: u64,
    /// Seats whose grace period ran out.
    pub(crate) expired: Vec<(PlayerId, ResumeToken)>,
    /// The round that ended this tick.
    pub(crate) result: Option<RoundResult>,
}

pub(crate) struct Room<G: Game> {
    pub(crate) id: RoomId,
    pub(crate) code: String,
    pub(crate) private: bool,
    world: World,
    schedule: Schedule,
    pub(crate) tick: u64,
    /// Recent states, the baselines for deltas.
    history: History<G::Snapshot>,
    /// Ordered so that inputs and snapshots are handled in a reproducible order.
    pub(crate) seats: BTreeMap<PlayerId, Seat>,
    pub(crate) spectators: Vec<Conn>,
    pub(crate) phase: MatchPhase,
    round_started: Option<(u64, SystemTime)>,
}

impl<G: Game> Room<G> {
    pub(crate) fn new(
        game: &G,
        id: RoomId,
        code: String,
        private: bool,
        seed: u64,
        delta_max_age: u64,
        rules: &MatchRules,
    ) -> Self {
        let (world, schedule) = tickwire_game::new_room(game, seed);
        Room {
            id,
            code,
            private,
            world,
            schedule,
            tick: 0,
            history: History::new(delta_max_age),
            seats: BTreeMap::new(),
            spectators: Vec::new(),
            phase: round::waiting(rules, 0),
            round_started: None,
        }
    }

    pub(crate) fn world(&mut self) -> &mut World {
        &mut self.world
    }

    /// Whether a round is being played.
    pub(crate) fn running(&self) -> bool {
        matches!(self.phase, MatchPhase::Running { .. })
    }

    /// Nobody is here, or coming back.
    pub(crate) fn is_empty(&self) -> bool {
        self.seats.is_empty() && self.spectators.is_empty()
    }

    /// The newest state and its tick.
    #[cfg(any(feature = "bench", feature = "testing"))]
    pub(crate) fn latest(&self) -> Option<(u64, &G::Snapshot)> {
        self.history.latest()
    }

    /// One tick: connections that went away start their grace period, the round moves on,
    /// the world runs unless frozen, and every connection gets its snapshot.
    pub(crate) fn step(&mut self, game: &G, rules: &MatchRules, draining: bool) -> Stepped {
        let tick = self.tick + 1;
        let mut out = Stepped {
            expired: self.drop_departed(game, rules, tick),
            ..Stepped::default()
        };
        let turn = round::next_turn(self.phase, self.seats.len(), draining, rules);
        let phase = self.take_turn(game, rules, tick, turn, &mut out);
        self.phase = self.end_if_decided(game, rules, tick, phase, &mut out);
        self.tick = tick;
        self.broadcast(game, &mut out);
        out
    }

    /// Notices connections that went away, forgets closed spectators, and removes (from the
    /// room and the game) the seats whose grace period ran out, returning them.
    fn drop_departed(
        &mut self,
        game: &G,
        rules: &MatchRules,
        tick: u64,
    ) -> Vec<(PlayerId, ResumeToken)> {
        let expired: Vec<_> = self
            .seats
            .iter_mut()
            .filter_map(|(player, seat)| {
                seat.expired(tick, rules.grace_ticks)
                    .then_some((*player, seat.token))
            })
            .collect();
        self.spectators.retain(|conn| !conn.is_closed());
        for (player, _) in &expired {
            self.seats.remove(player);
            game.remove_player(&mut self.world, *player);
        }
        expired
    }

    /// Carries out what the round decided for this tick; the phase the room is now in.
    fn take_turn(
        &mut self,
        game: &G,
        rules: &MatchRules,
        tick: u64,
        turn: Turn,
        out: &mut Stepped,
    ) -> MatchPhase {
        match turn {
            Turn::Freeze(phase) => phase,
            Turn::Run(phase) => {
                self.run_schedule(phase);
                phase
            }
            Turn::StartRound(phase) => {
                game.start_round(&mut self.world);
                self.round_started = Some((tick, SystemTime::now()));
                self.run_schedule(phase);
                phase
            }
            Turn::EndRound => {
                self.run_schedule(round::LAST_TICK);
                self.finish_round(game, rules, tick, out)
            }
        }
    }

    /// Ends a running round the game decided early (someone reached the winning score).
    fn end_if_decided(
        &mut self,
        game: &G,
        rules: &MatchRules,
        tick: u64,
        phase: MatchPhase,
        out: &mut Stepped,
    ) -> MatchPhase {
        match phase {
            MatchPhase::Running { .. } if game.round_over(&mut self.world) => {
                self.finish_round(game, rules, tick, out)
            }
            phase => phase,
        }
    }

    /// Runs the game's systems for one tick of `phase`, which they can read as the
    /// [`RoundPhase`] resource.
    fn run_schedule(&mut self, phase: MatchPhase) {
        self.world.insert_resource(RoundPhase(phase));
        self.schedule.run(&mut self.world);
    }

    /// Ends the running round now (the server is draining and out of time); its result is
    /// recorded like any other.
    pub(crate) fn end_round_now(&mut self, game: &G, rules: &MatchRules) -> Option<RoundResult> {
        if !self.running() {
            return None;
        }
        let (phase, result) = self.round_result(game, rules, self.tick);
        self.phase = phase;
        Some(result)
    }

    /// Ends the round at `tick`, leaving its result in `out`; the results phase that follows.
    fn finish_round(
        &mut self,
        game: &G,
        rules: &MatchRules,
        tick: u64,
        out: &mut Stepped,
    ) -> MatchPhase {
        let (phase, result) = self.round_result(game, rules, tick);
        out.result = Some(result);
        phase
    }

    /// The round ending at `tick`: the results phase, and what is recorded.
    fn round_result(
        &mut self,
        game: &G,
        rules: &MatchRules,
        tick: u64,
    ) -> (MatchPhase, RoundResult) {
        let mut players = self.standings(game);
        let winner = round::rank(&mut players);
        let (started_tick, started_at) = self
            .round_started
            .take()
            .unwrap_or((tick, SystemTime::now()));
        let ticks = tick.saturating_sub(started_tick);
        let result = RoundResult {
            room: self.code.clone(),
            started_at,
            ended_at: SystemTime::now(),
            duration: Duration::from_secs_f64(ticks as f64 / f64::from(rules.tick_rate.max(1))),
            winner: winner
                .and_then(|w| self.seats.get(&w))
                .map(|s| s.name.clone()),
            players: players.into_iter().map(|(_, r)| r).collect(),
        };
        (round::ended(rules, winner), result)
    }

    /// The game's scores of the players still seated, with their names, unordered.
    fn standings(&mut self, game: &G) -> Vec<(PlayerId, PlayerResult)> {
        let scores = game.scores(&mut self.world);
        scores
            .iter()
            .filter_map(|(player, score)| {
                let seat = self.seats.get(player)?;
                Some((
                    *player,
                    PlayerResult {
                        name: seat.name.clone(),
                        score: *score,
                    },
                ))
            })
            .collect()
    }

    /// Takes the snapshot of this tick and sends each connection its version: a delta
    /// against what it acknowledged, or a keyframe.
    fn broadcast(&mut self, game: &G, out: &mut Stepped) {
        let tick = self.tick;
        self.history.push(tick, game.snapshot(&mut self.world));
        let Some((_, state)) = self.history.latest() else {
            return;
        };
        // Clients mostly acknowledge the same few ticks: one diff per baseline age.
        let mut diffs: Vec<(u8, DeltaOf<G>)> = Vec::new();
        for (ack, conn) in self.connections() {
            let body = match self.history.baseline(conn.acked()) {
                Some((age, base)) => {
                    out.deltas += 1;
                    let delta = diff_for_age(&mut diffs, age, || base.diff(state));
                    Body::Delta { age, delta }
                }
                None => {
                    out.keyframes += 1;
                    Body::Full(state)
                }
            };
            let msg = ServerMsg::Snapshot(Snapshot {
                tick,
                ack,
                phase: self.phase,
                body,
            });
            match codec::encode(&msg) {
                Ok(bytes) => conn.send(Bytes::from(bytes)),
                Err(e) => tracing::error!(error = %e, "snapshot does not encode"),
            }
        }
    }

    /// Every live connection with the input sequence to acknowledge to it: the seated
    /// players', then the spectators' (which send no inputs).
    fn connections(&self) -> impl Iterator<Item = (u32, &Conn)> {
        self.seats
            .values()
            .filter_map(|seat| seat.conn.as_ref().map(|conn| (seat.ack, conn)))
            .chain(self.spectators.iter().map(|conn| (0, conn)))
    }
}

/// The diff against the baseline `age` ticks old, computed by `diff` the first time that
/// age is asked for.
fn diff_for_age<D>(diffs: &mut Vec<(u8, D)>, age: u8, diff: impl FnOnce() -> D) -> &D {
    let i = match diffs.iter().position(|(a, _)| *a == age) {
        Some(i) => i,
        None => {
            diffs.push((age, diff()));
            diffs.len() - 1
        }
    };
    &diffs[i].1
}
