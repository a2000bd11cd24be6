//! One room: its world and schedule, its seats and spectators, and the round it is in
//! (waiting → countdown → running → ended → next round), stepped one tick at a time.

use std::{
    collections::BTreeMap,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering::Relaxed},
    },
    time::{Duration, SystemTime},
};

use bevy_ecs::{schedule::Schedule, world::World};
use bytes::Bytes;
use tickwire::{
    Body, DeltaOf, Diff, MatchPhase, PlayerId, ResumeToken, RoomId, ServerMsg, Snapshot, codec,
    delta::History,
};
use tickwire_game::{Game, RoundPhase};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::result::{PlayerResult, RoundResult};

/// How rounds run, in ticks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MatchRules {
    /// Players needed to start a round.
    pub(crate) min_players: usize,
    pub(crate) countdown_ticks: u32,
    pub(crate) round_ticks: u32,
    pub(crate) results_ticks: u32,
    /// How long a dropped player's seat is kept for it to resume.
    pub(crate) grace_ticks: u64,
    /// Ticks per second, to turn round lengths into durations.
    pub(crate) tick_rate: u16,
}

/// The simulation's end of one client connection.
#[derive(Debug)]
pub(crate) struct Conn {
    snapshots: watch::Sender<Bytes>,
    acked: Arc<AtomicU64>,
    /// Cancelled when a newer connection takes this seat over.
    kick: CancellationToken,
}

/// The session's end of one client connection.
#[derive(Debug)]
pub(crate) struct ConnHandle {
    /// Encoded snapshots; only the latest is kept.
    pub(crate) snapshots: watch::Receiver<Bytes>,
    /// Where the session records the newest tick the client acknowledged.
    pub(crate) acked: Arc<AtomicU64>,
    /// Cancelled when a newer connection resumed this seat.
    pub(crate) kick: CancellationToken,
}

impl Conn {
    pub(crate) fn new() -> (Conn, ConnHandle) {
        let (tx, rx) = watch::channel(Bytes::new());
        let acked = Arc::new(AtomicU64::new(0));
        let kick = CancellationToken::new();
        let conn = Conn {
            snapshots: tx,
            acked: acked.clone(),
            kick: kick.clone(),
        };
        (
            conn,
            ConnHandle {
                snapshots: rx,
                acked,
                kick,
            },
        )
    }

    /// The session dropped its end.
    fn is_closed(&self) -> bool {
        self.snapshots.is_closed()
    }

    /// Tells the session it has been replaced.
    pub(crate) fn kick(&self) {
        self.kick.cancel();
    }
}

/// A player's place in a room, kept while it is away for the grace period.
#[derive(Debug)]
pub(crate) struct Seat {
    pub(crate) name: String,
    pub(crate) token: ResumeToken,
    /// The highest input sequence the simulation consumed from this player.
    pub(crate) ack: u32,
    /// The live connection, if any.
    pub(crate) conn: Option<Conn>,
    /// The room tick its connection went away at.
    away_since: Option<u64>,
}

impl Seat {
    pub(crate) fn new(name: String, token: ResumeToken, conn: Conn) -> Seat {
        Seat {
            name,
            token,
            ack: 0,
            conn: Some(conn),
            away_since: None,
        }
    }

    /// Hands the seat to a new connection, kicking the old one if it is still there.
    pub(crate) fn reattach(&mut self, conn: Conn) {
        if let Some(old) = self.conn.replace(conn) {
            old.kick();
        }
        self.away_since = None;
        self.ack = 0;
    }
}

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
            phase: MatchPhase::Waiting {
                needed: u8::try_from(rules.min_players).unwrap_or(u8::MAX),
            },
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
        let mut out = Stepped::default();
        let tick = self.tick + 1;
        for (player, seat) in &mut self.seats {
            if seat.conn.as_ref().is_some_and(Conn::is_closed) {
                seat.conn = None;
                seat.away_since = Some(tick);
            }
            if seat
                .away_since
                .is_some_and(|since| tick - since > rules.grace_ticks)
            {
                out.expired.push((*player, seat.token));
            }
        }
        self.spectators.retain(|conn| !conn.is_closed());

        for (player, _) in &out.expired {
            self.seats.remove(player);
            game.remove_player(&mut self.world, *player);
        }
        let present = self.seats.len();
        let enough = present >= rules.min_players.max(1);
        let (phase, runs) = match self.phase {
            MatchPhase::Waiting { .. } if enough && !draining => (
                MatchPhase::Countdown {
                    ticks_left: rules.countdown_ticks.max(1),
                },
                false,
            ),
            MatchPhase::Waiting { .. } => (self.waiting(rules, present), true),
            MatchPhase::Countdown { .. } if !enough || draining => {
                (self.waiting(rules, present), true)
            }
            MatchPhase::Countdown { ticks_left } if ticks_left > 1 => (
                MatchPhase::Countdown {
                    ticks_left: ticks_left - 1,
                },
                false,
            ),
            MatchPhase::Countdown { .. } => {
                game.start_round(&mut self.world);
                self.round_started = Some((tick, SystemTime::now()));
                (
                    MatchPhase::Running {
                        ticks_left: rules.round_ticks.max(1),
                    },
                    true,
                )
            }
            MatchPhase::Running { ticks_left } if ticks_left > 1 => (
                MatchPhase::Running {
                    ticks_left: ticks_left - 1,
                },
                true,
            ),
            MatchPhase::Running { .. } => {
                // The round's last tick, after which it ends.
                self.run_schedule(MatchPhase::Running { ticks_left: 0 });
                let (phase, result) = self.finish_round(game, rules, tick);
                out.result = Some(result);
                (phase, false)
            }
            MatchPhase::Ended { ticks_left, winner } if ticks_left > 1 => (
                MatchPhase::Ended {
                    ticks_left: ticks_left - 1,
                    winner,
                },
                false,
            ),
            MatchPhase::Ended { .. } if enough && !draining => (
                MatchPhase::Countdown {
                    ticks_left: rules.countdown_ticks.max(1),
                },
                false,
            ),
            MatchPhase::Ended { .. } => (self.waiting(rules, present), true),
        };
        if runs {
            self.run_schedule(phase);
        }
        // A game may decide its round early (someone reached the winning score).
        let phase = match phase {
            MatchPhase::Running { .. } if game.round_over(&mut self.world) => {
                let (phase, result) = self.finish_round(game, rules, tick);
                out.result = Some(result);
                phase
            }
            phase => phase,
        };
        self.phase = phase;
        self.tick = tick;
        self.broadcast(game, &mut out);
        out
    }

    /// Runs the game's systems for one tick of `phase`, which they can read as the
    /// [`RoundPhase`] resource.
    fn run_schedule(&mut self, phase: MatchPhase) {
        self.world.insert_resource(RoundPhase(phase));
        self.schedule.run(&mut self.world);
    }

    fn waiting(&self, rules: &MatchRules, present: usize) -> MatchPhase {
        let needed = rules.min_players.saturating_sub(present);
        MatchPhase::Waiting {
            needed: u8::try_from(needed).unwrap_or(u8::MAX),
        }
    }

    /// Ends the running round now (the server is draining and out of time); its result is
    /// recorded like any other.
    pub(crate) fn end_round_now(&mut self, game: &G, rules: &MatchRules) -> Option<RoundResult> {
        if !self.running() {
            return None;
        }
        let (phase, result) = self.finish_round(game, rules, self.tick);
        self.phase = phase;
        Some(result)
    }

    fn finish_round(
        &mut self,
        game: &G,
        rules: &MatchRules,
        tick: u64,
    ) -> (MatchPhase, RoundResult) {
        let scores = game.scores(&mut self.world);
        let mut players: Vec<(PlayerId, PlayerResult)> = scores
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
            .collect();
        players.sort_by(|a, b| b.1.score.cmp(&a.1.score).then(a.0.cmp(&b.0)));
        let winner = match players.as_slice() {
            [first, second, ..] if first.1.score == second.1.score => None,
            [first, ..] => Some(first.0),
            [] => None,
        };
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
        (
            MatchPhase::Ended {
                ticks_left: rules.results_ticks.max(1),
                winner,
            },
            result,
        )
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
        let conns = self
            .seats
            .values()
            .filter_map(|seat| seat.conn.as_ref().map(|conn| (seat.ack, conn)))
            .chain(self.spectators.iter().map(|conn| (0, conn)));
        for (ack, conn) in conns {
            let body = match self.history.baseline(conn.acked.load(Relaxed)) {
                Some((age, base)) => {
                    out.deltas += 1;
                    let i = match diffs.iter().position(|(a, _)| *a == age) {
                        Some(i) => i,
                        None => {
                            diffs.push((age, base.diff(state)));
                            diffs.len() - 1
                        }
                    };
                    Body::Delta {
                        age,
                        delta: &diffs[i].1,
                    }
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
                Ok(bytes) => {
                    conn.snapshots.send_replace(Bytes::from(bytes));
                }
                Err(e) => tracing::error!(error = %e, "snapshot does not encode"),
            }
        }
    }
}
