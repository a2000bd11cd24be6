//! The sim thread's loop: waking on a fixed-rate clock, draining the command queue,
//! stepping the rooms on the phase that is due, answering drains, and handing finished
//! rounds to the store without ever blocking the tick.

use std::{
    thread,
    time::{Duration, Instant},
};

use tickwire::{PlayerId, ResumeToken, RoomId, clock::FixedStep};
use tickwire_game::Game;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use super::{Command, Sim, room::Room};
use crate::{metrics::Metrics, result::RoundResult, store::Store};

impl<G: Game> Sim<G> {
    /// Runs until `stop` is cancelled or every command sender is gone: drains the queue and
    /// steps every room once per tick, skipping (not bursting) ticks after a stall.
    pub(crate) fn run(
        mut self,
        mut commands: mpsc::Receiver<Command<G::Input>>,
        stop: CancellationToken,
    ) {
        let epoch = Instant::now();
        // Rooms are spread over `tick_phases` evenly spaced slots of the tick period, so
        // their snapshots leave in several small bursts rather than one large one. Each room
        // still ticks once per period, on its own phase.
        let phases = self.limits.tick_phases;
        let period = Duration::from_secs(1) / u32::from(self.settings.tick_rate.max(1));
        let mut clock = FixedStep::new(period / phases, Duration::ZERO);
        let mut slots: u64 = 0;
        loop {
            let now = epoch.elapsed();
            let due = clock.poll(now);
            if !due.step {
                thread::sleep(clock.next_due().saturating_sub(now));
                continue;
            }
            if stop.is_cancelled() {
                break;
            }
            self.metrics.ticks_skipped.inc_by(due.skipped);
            slots += 1 + due.skipped;
            if !self.drain_commands(&mut commands) {
                return;
            }
            self.step_phase(Some((slots % u64::from(phases)) as u32));
        }
        tracing::debug!(rooms = self.rooms.len(), "simulation stopped");
    }

    /// Handles the commands waiting, at most one queue's worth so a flood cannot starve the
    /// tick; false once every sender is gone.
    fn drain_commands(&mut self, commands: &mut mpsc::Receiver<Command<G::Input>>) -> bool {
        for _ in 0..commands.max_capacity() {
            match commands.try_recv() {
                Ok(command) => self.handle(command),
                Err(mpsc::error::TryRecvError::Empty) => break,
                Err(mpsc::error::TryRecvError::Disconnected) => return false,
            }
        }
        true
    }

    /// Applies one command. Inputs go straight into the room's world, ahead of its next run.
    pub(crate) fn handle(&mut self, command: Command<G::Input>) {
        match command {
            Command::Join {
                name,
                join,
                resume,
                reply,
            } => {
                let seated = self.join(name, join, resume);
                let player = seated.as_ref().ok().and_then(|s| s.welcome.player());
                if reply.send(seated).is_err()
                    && let Some(player) = player
                {
                    // The session went away while waiting; the seat waits out its grace
                    // period like any other dropped connection.
                    tracing::debug!(?player, "joined, but the session had already gone");
                }
            }
            Command::Input { player, seq, input } => self.input(player, seq, input),
            Command::Leave { player } => self.leave(player),
            Command::Drain { done } => {
                self.draining = true;
                self.drained = Some(done);
                self.check_drained();
            }
            Command::EndRounds { done } => self.end_rounds(done),
        }
    }

    /// Hands a player's input to its room's world, unless it is older than one consumed.
    fn input(&mut self, player: PlayerId, seq: u32, input: G::Input) {
        let Some(room) = self
            .seats
            .get(&player)
            .and_then(|id| self.rooms.get_mut(id))
        else {
            return; // The player left this tick; its last inputs no longer matter.
        };
        if let Some(seat) = room.seats.get_mut(&player)
            && seq > seat.ack
        {
            seat.ack = seq;
            self.game.apply_input(room.world(), player, input);
        }
    }

    /// Ends and records every running round, then says so.
    fn end_rounds(&mut self, done: oneshot::Sender<()>) {
        let rules = self.limits.rules;
        for room in self.rooms.values_mut() {
            if let Some(result) = room.end_round_now(&self.game, &rules) {
                record(&self.results, &self.metrics, result);
            }
        }
        let _ = done.send(());
    }

    /// Answers a drain once no round is running.
    fn check_drained(&mut self) {
        if self.draining
            && !self.rooms.values().any(Room::running)
            && let Some(done) = self.drained.take()
        {
            let _ = done.send(());
        }
    }

    /// One tick of every room, for tests and benchmarks.
    #[cfg(any(test, feature = "bench", feature = "testing"))]
    pub(crate) fn step(&mut self) {
        self.step_phase(None);
    }

    /// One tick of the rooms on `phase` (all rooms for `None`). Seats whose grace period
    /// ran out are removed and empty rooms close.
    pub(super) fn step_phase(&mut self, phase: Option<u32>) {
        let expired = self.step_rooms(phase);
        self.forget_seats(expired);
        self.close_empty_rooms();
        self.check_drained();
        self.publish_lobby();
    }

    /// Steps the rooms on `phase`, counting their work and recording their finished
    /// rounds; the seats they gave up.
    fn step_rooms(&mut self, phase: Option<u32>) -> Vec<(PlayerId, ResumeToken)> {
        let phases = self.limits.tick_phases;
        let on_phase = |id: &RoomId| phase.is_none_or(|p| id.0 % phases == p);
        let rules = self.limits.rules;
        let mut expired = Vec::new();
        for (_, room) in self.rooms.iter_mut().filter(|(id, _)| on_phase(id)) {
            let started = Instant::now();
            let stepped = room.step(&self.game, &rules, self.draining);
            self.metrics.keyframes.inc_by(stepped.keyframes);
            self.metrics.deltas.inc_by(stepped.deltas);
            self.metrics
                .tick_seconds
                .observe(started.elapsed().as_secs_f64());
            self.metrics.ticks.inc();
            if let Some(result) = stepped.result {
                record(&self.results, &self.metrics, result);
            }
            expired.extend(stepped.expired);
        }
        expired
    }

    /// The newest state of `room` and its tick, as the last [`step`](Self::step) left it.
    #[cfg(any(feature = "bench", feature = "testing"))]
    pub(crate) fn latest(&self, room: RoomId) -> Option<(u64, &G::Snapshot)> {
        self.rooms.get(&room)?.latest()
    }
}

/// Hands a round's result to the store without ever blocking the tick; a full queue (the
/// store stalled for thousands of rounds) loses the result and says so.
fn record(store: &Option<Store>, metrics: &Metrics, result: RoundResult) {
    metrics.rounds.inc();
    let Some(store) = store else { return };
    if let Err(e) = store.record(result) {
        metrics.results_lost.inc();
        tracing::error!(error = %e, "a round result could not be queued for the store");
    }
}
