//! Delta snapshots on the receiving side: the states a client keeps as baselines, and
//! turning each [`Snapshot`] (full or delta) back into the whole state.
//!
//! The sending side is the server's: it diffs each tick's state against the newest state
//! the client acknowledged, if that is at most [`MAX_BASELINE_AGE`] ticks old, and sends a
//! keyframe otherwise. A client acknowledges only states it has reconstructed, so every
//! baseline the server picks is one the client holds.

use std::collections::VecDeque;

use crate::{
    diff::{DeltaError, Diff},
    protocol::{Body, Snapshot},
    wire::{DeltaOf, Wire},
};

/// The oldest baseline a server may use, in ticks before the snapshot's own tick. Clients
/// keep at least this many recent states.
pub const MAX_BASELINE_AGE: u64 = 64;

/// A whole state at a tick, as reconstructed by a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TickState<S> {
    /// The room tick.
    pub tick: u64,
    /// The highest input sequence the server had consumed from this client.
    pub ack: u32,
    /// Where the room was in its round.
    pub phase: crate::protocol::MatchPhase,
    /// The state.
    pub state: S,
}

/// Rebuilds whole states from full and delta snapshots, keeping recent ones as baselines.
#[derive(Debug)]
pub struct Reconstructor<G: Wire> {
    /// Reconstructed states, oldest first: from the baseline of the last delta (or at most
    /// [`MAX_BASELINE_AGE`] ticks back) to the newest.
    kept: VecDeque<(u64, G::Snapshot)>,
}

impl<G: Wire> Default for Reconstructor<G> {
    fn default() -> Self {
        Reconstructor {
            kept: VecDeque::new(),
        }
    }
}

impl<G: Wire> Reconstructor<G> {
    /// Rebuilds the state `snapshot` describes and keeps it as a future baseline. The caller
    /// should acknowledge the tick only when this succeeds.
    pub fn receive(
        &mut self,
        snapshot: Snapshot<G::Snapshot, DeltaOf<G>>,
    ) -> Result<TickState<G::Snapshot>, DeltaError> {
        let Snapshot {
            tick,
            ack,
            phase,
            body,
        } = snapshot;
        if self.kept.back().is_some_and(|(newest, _)| *newest >= tick) {
            return Err(DeltaError(format!(
                "tick {tick} is not newer than the last one"
            )));
        }
        // Nothing changes unless the snapshot applies: a bad delta must not cost the
        // baselines that later, good ones need.
        let state = match body {
            Body::Full(state) => state,
            Body::Delta { age, delta } => {
                let base_tick = tick
                    .checked_sub(u64::from(age))
                    .ok_or_else(|| DeltaError(format!("baseline before tick 0 (age {age})")))?;
                let base = self
                    .kept
                    .iter()
                    .find(|(t, _)| *t == base_tick)
                    .map(|(_, base)| base)
                    .ok_or_else(|| DeltaError(format!("no baseline for tick {base_tick}")))?;
                let state = base.apply(&delta)?;
                // The server's baselines only move forward (acks are monotonic), so nothing
                // older than this one will be needed again.
                while self.kept.front().is_some_and(|(t, _)| *t < base_tick) {
                    self.kept.pop_front();
                }
                state
            }
        };
        // Every kept tick is older than `tick`, so the subtraction cannot overflow (ticks
        // come from the peer, and may be anything).
        while self
            .kept
            .front()
            .is_some_and(|(t, _)| tick - t > MAX_BASELINE_AGE)
        {
            self.kept.pop_front();
        }
        self.kept.push_back((tick, state.clone()));
        Ok(TickState {
            tick,
            ack,
            phase,
            state,
        })
    }

    /// The newest rebuilt state and its tick.
    pub fn latest(&self) -> Option<(u64, &G::Snapshot)> {
        self.kept.back().map(|(tick, state)| (*tick, state))
    }

    /// How many states are kept as baselines.
    pub fn kept(&self) -> usize {
        self.kept.len()
    }

    /// Forgets every baseline, as after reconnecting.
    pub fn clear(&mut self) {
        self.kept.clear();
    }
}

/// The sending side: a room's recent states, from which each client's baseline is chosen.
#[derive(Debug)]
pub struct History<S> {
    /// Recent states, oldest first; the newest is the current tick's.
    states: VecDeque<(u64, S)>,
    max_age: u64,
}

impl<S> History<S> {
    /// A history that offers baselines up to `max_age` ticks old (capped at
    /// [`MAX_BASELINE_AGE`]).
    pub fn new(max_age: u64) -> Self {
        History {
            states: VecDeque::new(),
            max_age: max_age.min(MAX_BASELINE_AGE),
        }
    }

    /// Records the state of `tick`, the newest from now on, and forgets states too old to
    /// be a baseline.
    pub fn push(&mut self, tick: u64, state: S) {
        self.states.push_back((tick, state));
        while self
            .states
            .front()
            .is_some_and(|(t, _)| t + self.max_age < tick)
        {
            self.states.pop_front();
        }
    }

    /// The newest state and its tick.
    pub fn latest(&self) -> Option<(u64, &S)> {
        self.states.back().map(|(tick, state)| (*tick, state))
    }

    /// The baseline for a client whose newest acknowledged tick is `acked`: its age before
    /// the newest state, and the state. `None` when the client must get a keyframe: it has
    /// acknowledged nothing, something too old, or something not sent.
    pub fn baseline(&self, acked: u64) -> Option<(u8, &S)> {
        let (newest, _) = self.latest()?;
        let age = newest
            .checked_sub(acked)
            .filter(|age| (1..=self.max_age).contains(age))?;
        let (_, state) = self.states.iter().find(|(t, _)| *t == acked)?;
        Some((u8::try_from(age).ok()?, state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::MatchPhase;

    /// A game whose snapshot is one number and whose delta is the difference.
    struct Counter;

    #[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
    struct Count(i64);

    impl Diff for Count {
        type Delta = i64;
        fn diff(&self, next: &Count) -> i64 {
            next.0 - self.0
        }
        fn apply(&self, delta: &i64) -> Result<Count, DeltaError> {
            Ok(Count(self.0 + delta))
        }
    }

    impl Wire for Counter {
        const NAME: &'static str = "counter";
        const VERSION: u16 = 1;
        type Input = ();
        type Snapshot = Count;
    }

    fn full(tick: u64) -> Snapshot<Count, i64> {
        Snapshot {
            tick,
            ack: 0,
            phase: MatchPhase::Waiting { needed: 0 },
            body: Body::Full(Count(tick as i64)),
        }
    }

    fn delta(tick: u64, age: u8) -> Snapshot<Count, i64> {
        Snapshot {
            body: Body::Delta {
                age,
                delta: i64::from(age),
            },
            ..full(tick)
        }
    }

    #[test]
    fn a_long_stream_of_keyframes_keeps_only_the_baselines_a_server_may_use() {
        let mut client = Reconstructor::<Counter>::default();
        for tick in 1..=200 {
            client.receive(full(tick)).unwrap();
        }
        // Ticks 136..=200: everything at most MAX_BASELINE_AGE older than the newest.
        assert_eq!(client.kept(), MAX_BASELINE_AGE as usize + 1);
        assert!(client.receive(delta(201, 66)).is_err(), "tick 135 is gone");
        assert!(client.receive(delta(201, 65)).is_ok(), "tick 136 is kept");
    }

    #[test]
    fn a_delta_lets_the_client_forget_every_older_baseline() {
        let mut client = Reconstructor::<Counter>::default();
        for tick in 1..=10 {
            client.receive(full(tick)).unwrap();
        }
        let state = client.receive(delta(11, 3)).unwrap();
        assert_eq!(state.state, Count(11));
        // Acks only move forward: ticks 8..=11 may still be baselines, 1..=7 never again.
        assert_eq!(client.kept(), 4);
        assert!(client.receive(delta(12, 4)).is_ok(), "tick 8 is kept");
    }

    #[test]
    fn clearing_forgets_every_baseline() {
        let mut client = Reconstructor::<Counter>::default();
        client.receive(full(1)).unwrap();
        client.clear();
        assert_eq!((client.kept(), client.latest()), (0, None));
        assert!(client.receive(delta(2, 1)).is_err());
        assert!(
            client.receive(full(1)).is_ok(),
            "older ticks are welcome again"
        );
    }

    #[test]
    fn a_baseline_is_offered_only_within_the_age_limit() {
        let mut history = History::new(3);
        for tick in 1..=10 {
            history.push(tick, tick * 100);
        }
        assert_eq!(history.baseline(9), Some((1, &900)));
        assert_eq!(history.baseline(7), Some((3, &700)));
        assert_eq!(history.baseline(6), None, "too old");
        assert_eq!(history.baseline(10), None, "not older than the newest");
        assert_eq!(history.baseline(0), None, "nothing acknowledged");
        assert_eq!(history.baseline(11), None, "never sent");
        assert_eq!(history.states.len(), 4);
    }
}
