//! Fixed-step timing: when the next simulation step is due, and what to do after a stall.
//!
//! Time is passed in as a [`Duration`] since an arbitrary epoch, so this module needs no clock
//! of its own and behaves the same on native targets and in the browser.

use std::time::Duration;

/// The outcome of [`FixedStep::poll`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// Whether one step should run now.
    pub step: bool,
    /// Steps skipped because the caller fell more than a whole period behind.
    pub skipped: u64,
}

/// A fixed-rate step clock that never bursts.
///
/// Steps are due on a fixed grid `start + k * period`. When the caller polls late, it runs a
/// single step and the grid slots it missed entirely are dropped and reported, rather than
/// run back to back: after a stall the simulation resumes at normal speed instead of
/// fast-forwarding, which players would see as a jump.
#[derive(Debug, Clone)]
pub struct FixedStep {
    period: Duration,
    next: Duration,
}

impl FixedStep {
    /// A clock stepping every `period`, with the first step due at `start + period`.
    ///
    /// # Panics
    /// If `period` is zero.
    pub fn new(period: Duration, start: Duration) -> Self {
        assert!(!period.is_zero(), "a fixed step needs a non-zero period");
        FixedStep {
            period,
            next: start + period,
        }
    }

    /// A clock stepping `rate` times per second.
    ///
    /// # Panics
    /// If `rate` is zero.
    pub fn with_rate(rate: u16, start: Duration) -> Self {
        assert!(rate > 0, "a fixed step needs a non-zero rate");
        Self::new(Duration::from_secs(1) / u32::from(rate), start)
    }

    /// The step period.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// When the next step is due.
    pub fn next_due(&self) -> Duration {
        self.next
    }

    /// Whether a step is due at `now`; if so, advances to the next grid slot after `now`.
    pub fn poll(&mut self, now: Duration) -> Due {
        if now < self.next {
            return Due {
                step: false,
                skipped: 0,
            };
        }
        let late = now - self.next;
        let skipped = (late.as_nanos() / self.period.as_nanos()) as u64;
        self.next += self.period * (skipped as u32).saturating_add(1);
        Due {
            step: true,
            skipped,
        }
    }
}

/// Pong samples kept for estimating the clock offset.
const CLOCK_SAMPLES: usize = 8;

/// How much each new round-trip sample moves the smoothed estimate.
const RTT_GAIN: f64 = 0.25;

/// Round-trip time and clock offset from protocol ping/pong timestamps, NTP style: the
/// offset comes from the recent sample with the shortest round trip, whose midpoint is the
/// least uncertain.
#[derive(Debug, Clone, Default)]
pub struct ClockSync {
    /// Recent (round trip, offset) samples, in ms.
    samples: std::collections::VecDeque<(f64, f64)>,
    rtt_ms: Option<f64>,
}

impl ClockSync {
    /// Records a pong: the ping left at local time `sent_ms`, the pong arrived at
    /// `received_ms`, and the server's clock read `server_ms` when it answered.
    pub fn sample(&mut self, sent_ms: f64, received_ms: f64, server_ms: f64) {
        let rtt = (received_ms - sent_ms).max(0.0);
        let offset = server_ms + rtt / 2.0 - received_ms;
        if self.samples.len() == CLOCK_SAMPLES {
            self.samples.pop_front();
        }
        self.samples.push_back((rtt, offset));
        self.rtt_ms = Some(match self.rtt_ms {
            None => rtt,
            Some(smoothed) => smoothed + (rtt - smoothed) * RTT_GAIN,
        });
    }

    /// The smoothed round-trip time in ms.
    pub fn rtt_ms(&self) -> Option<f64> {
        self.rtt_ms
    }

    /// Server clock minus local clock, in ms.
    pub fn offset_ms(&self) -> Option<f64> {
        self.samples
            .iter()
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, offset)| *offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offset_comes_from_the_fastest_round_trip() {
        let mut sync = ClockSync::default();
        // Server clock = local + 1000. A slow trip with an asymmetric delay...
        sync.sample(0.0, 100.0, 1090.0);
        // ...and a fast one, answered at its midpoint.
        sync.sample(200.0, 210.0, 1205.0);
        assert_eq!(sync.offset_ms(), Some(1000.0));
        let rtt = sync.rtt_ms().unwrap();
        assert!(rtt < 100.0 && rtt > 10.0, "smoothed: {rtt}");
    }

    #[test]
    fn the_round_trip_is_smoothed_by_a_quarter_of_each_new_sample() {
        let mut sync = ClockSync::default();
        sync.sample(0.0, 100.0, 0.0);
        assert_eq!(sync.rtt_ms(), Some(100.0));
        sync.sample(0.0, 20.0, 0.0);
        assert_eq!(sync.rtt_ms(), Some(80.0));
    }

    #[test]
    fn the_offset_forgets_samples_older_than_the_last_eight() {
        let mut sync = ClockSync::default();
        // The fastest trip first, with its own offset...
        sync.sample(0.0, 2.0, 501.0);
        assert_eq!(sync.offset_ms(), Some(500.0));
        // ...then eight slower ones agreeing on another: the fast one drops out.
        for i in 1..=8 {
            let sent = f64::from(i) * 100.0;
            sync.sample(sent, sent + 10.0, sent + 5.0 + 1000.0);
            let expected = if i < 8 { 500.0 } else { 1000.0 };
            assert_eq!(sync.offset_ms(), Some(expected), "after {i} more samples");
        }
    }

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn steps_on_a_fixed_grid() {
        let mut clock = FixedStep::new(10 * MS, Duration::ZERO);
        assert!(!clock.poll(9 * MS).step);
        assert_eq!(
            clock.poll(10 * MS),
            Due {
                step: true,
                skipped: 0
            }
        );
        assert!(!clock.poll(10 * MS).step);
        // A slightly late poll keeps the grid: the next step is still due at 20 ms.
        assert_eq!(
            clock.poll(13 * MS),
            Due {
                step: false,
                skipped: 0
            }
        );
        assert_eq!(
            clock.poll(21 * MS),
            Due {
                step: true,
                skipped: 0
            }
        );
        assert_eq!(clock.next_due(), 30 * MS);
    }

    #[test]
    fn a_stall_runs_one_step_and_skips_the_rest() {
        let mut clock = FixedStep::new(10 * MS, Duration::ZERO);
        assert_eq!(
            clock.poll(55 * MS),
            Due {
                step: true,
                skipped: 4
            }
        );
        assert!(!clock.poll(55 * MS).step, "no burst catch-up after a stall");
        assert_eq!(clock.next_due(), 60 * MS);
    }

    #[test]
    fn rate_sets_the_period() {
        assert_eq!(FixedStep::with_rate(20, Duration::ZERO).period(), 50 * MS);
    }
}
