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

#[cfg(test)]
mod tests {
    use super::*;

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
