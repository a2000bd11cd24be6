//! When to show which snapshot: maps server ticks to the page clock from arrival times and
//! picks the pair of snapshots to interpolate between, a little in the past so the next one
//! has usually arrived.

use std::collections::VecDeque;

/// Snapshots kept for interpolation; a second's worth at 30 Hz.
pub const KEPT: usize = 32;

/// Extra delay beyond one tick, in ms, so ordinary jitter never starves interpolation.
const BASE_MARGIN_MS: f64 = 8.0;

/// How fast the jitter estimate follows new samples (an exponential moving average).
const JITTER_GAIN: f64 = 0.1;

/// How fast the clock offset creeps towards later arrivals, so one unusually early packet
/// does not pin it forever.
const OFFSET_CREEP: f64 = 0.002;

/// What to draw at one instant.
#[derive(Debug, PartialEq)]
pub enum Frame<'a, S> {
    /// Between two consecutive snapshots: `from` at `alpha = 0`, `to` at `alpha = 1`.
    Between {
        /// The earlier snapshot and its tick.
        from: (u64, &'a S),
        /// The later snapshot and its tick.
        to: (u64, &'a S),
        /// How far from `from` to `to`, in [0, 1].
        alpha: f64,
    },
    /// Only one snapshot fits (the newest is late, or ticks were skipped): hold it.
    Hold((u64, &'a S)),
}

/// The recent snapshots of one connection, with the estimated tick clock.
#[derive(Debug)]
pub struct Timeline<S> {
    period_ms: f64,
    entries: VecDeque<(u64, S)>,
    /// Page time (ms) at which tick 0 would have arrived with the least delay seen.
    offset: Option<f64>,
    /// Average distance of arrivals from the least-delay line, in ms.
    jitter_ms: f64,
    /// When the newest snapshot arrived, page time in ms.
    latest_at: f64,
}

impl<S> Timeline<S> {
    /// An empty timeline for a server ticking `tick_rate` times a second.
    pub fn new(tick_rate: u16) -> Self {
        Timeline {
            period_ms: 1000.0 / f64::from(tick_rate.max(1)),
            entries: VecDeque::with_capacity(KEPT),
            offset: None,
            jitter_ms: 0.0,
            latest_at: 0.0,
        }
    }

    /// Records a snapshot of `tick` that arrived at page time `at` (ms). Snapshots older than
    /// the newest are ignored.
    pub fn push(&mut self, tick: u64, state: S, at: f64) {
        if self
            .entries
            .back()
            .is_some_and(|(newest, _)| *newest >= tick)
        {
            return;
        }
        let candidate = at - tick as f64 * self.period_ms;
        let offset = match self.offset {
            None => candidate,
            Some(offset) if candidate < offset => candidate,
            Some(offset) => offset + (candidate - offset) * OFFSET_CREEP,
        };
        self.jitter_ms += ((candidate - offset).abs() - self.jitter_ms) * JITTER_GAIN;
        self.offset = Some(offset);
        if self.entries.len() == KEPT {
            self.entries.pop_front();
        }
        self.entries.push_back((tick, state));
        self.latest_at = at;
    }

    /// When the newest snapshot arrived (page time, ms).
    pub fn latest_at(&self) -> f64 {
        self.latest_at
    }

    /// The tick period in ms.
    pub fn period_ms(&self) -> f64 {
        self.period_ms
    }

    /// The estimated jitter of arrivals in ms.
    pub fn jitter_ms(&self) -> f64 {
        self.jitter_ms
    }

    /// The newest snapshot.
    pub fn latest(&self) -> Option<(u64, &S)> {
        self.entries.back().map(|(tick, s)| (*tick, s))
    }

    /// How far behind the newest arrivals rendering runs, in ms: one tick so the next
    /// snapshot is usually in, plus a margin that grows with the measured jitter.
    pub fn delay_ms(&self) -> f64 {
        self.period_ms + BASE_MARGIN_MS + 2.0 * self.jitter_ms
    }

    /// The (fractional) tick to show at page time `now`.
    pub fn render_tick(&self, now: f64) -> Option<f64> {
        let offset = self.offset?;
        Some((now - self.delay_ms() - offset) / self.period_ms)
    }

    /// What to draw at page time `now`.
    pub fn frame(&self, now: f64) -> Option<Frame<'_, S>> {
        let (newest, newest_state) = self.latest()?;
        let at = self.render_tick(now)?;
        let later = self.entries.iter().position(|(tick, _)| *tick as f64 > at);
        let Some(i) = later.filter(|i| *i > 0) else {
            // Render time is past the newest snapshot (or before the oldest): hold.
            let held = match later {
                Some(0) => (self.entries[0].0, &self.entries[0].1),
                _ => (newest, newest_state),
            };
            return Some(Frame::Hold(held));
        };
        let (from, to) = (&self.entries[i - 1], &self.entries[i]);
        if to.0 != from.0 + 1 {
            return Some(Frame::Hold((to.0, &to.1)));
        }
        let alpha = (at - from.0 as f64).clamp(0.0, 1.0);
        Some(Frame::Between {
            from: (from.0, &from.1),
            to: (to.0, &to.1),
            alpha,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 10 Hz: one tick every 100 ms, arriving exactly on time.
    fn steady(ticks: u64) -> Timeline<u64> {
        let mut timeline = Timeline::new(10);
        for tick in 1..=ticks {
            timeline.push(tick, tick, 1000.0 + tick as f64 * 100.0);
        }
        timeline
    }

    #[test]
    fn renders_between_the_two_snapshots_around_the_delayed_time() {
        let timeline = steady(5);
        let delay = timeline.delay_ms();
        // Half a tick before tick 5 arrived, shifted by the delay: halfway from 4 to 5.
        let now = 1500.0 + delay - 50.0;
        match timeline.frame(now) {
            Some(Frame::Between { from, to, alpha }) => {
                assert_eq!((from.0, to.0), (4, 5));
                assert!((alpha - 0.5).abs() < 1e-9, "{alpha}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn holds_the_newest_snapshot_when_the_next_is_late() {
        let timeline = steady(5);
        assert_eq!(timeline.frame(10_000.0), Some(Frame::Hold((5, &5))));
    }

    #[test]
    fn old_and_repeated_ticks_are_ignored() {
        let mut timeline = steady(5);
        timeline.push(3, 99, 2000.0);
        timeline.push(5, 99, 2000.0);
        assert_eq!(timeline.latest(), Some((5, &5)));
    }

    #[test]
    fn skipped_ticks_hold_instead_of_interpolating_across_the_gap() {
        let mut timeline = Timeline::new(10);
        timeline.push(1, 1, 1100.0);
        timeline.push(4, 4, 1400.0);
        let now = 1400.0 + timeline.delay_ms() - 50.0;
        assert_eq!(timeline.frame(now), Some(Frame::Hold((4, &4))));
    }

    #[test]
    fn jitter_widens_the_delay() {
        let calm = steady(20);
        let mut jittery = Timeline::new(10);
        for tick in 1..=20u64 {
            let wobble = if tick % 2 == 0 { 30.0 } else { 0.0 };
            jittery.push(tick, tick, 1000.0 + tick as f64 * 100.0 + wobble);
        }
        assert!(jittery.delay_ms() > calm.delay_ms() + 10.0);
    }

    #[test]
    fn only_the_last_kept_snapshots_are_kept() {
        let timeline = steady(KEPT as u64 + 10);
        assert_eq!(timeline.entries.len(), KEPT);
    }
}
