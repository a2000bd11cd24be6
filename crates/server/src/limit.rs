//! Per-connection message rate limiting: a token bucket for the allowed rate, and a second
//! bucket for how much excess is tolerated (and dropped) before the peer counts as flooding.

use std::time::Duration;

/// What to do with one incoming message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Within the rate.
    Allow,
    /// Over the rate: drop it, keep the connection.
    Drop,
    /// Over the rate for too long: close the connection.
    Flood,
}

#[derive(Debug, Clone)]
struct Bucket {
    capacity: f64,
    per_sec: f64,
    tokens: f64,
}

impl Bucket {
    fn new(capacity: u32, per_sec: u32) -> Self {
        Bucket {
            capacity: f64::from(capacity),
            per_sec: f64::from(per_sec),
            tokens: f64::from(capacity),
        }
    }

    fn refill(&mut self, elapsed: Duration) {
        self.tokens = (self.tokens + elapsed.as_secs_f64() * self.per_sec).min(self.capacity);
    }

    fn take(&mut self) -> bool {
        let ok = self.tokens >= 1.0;
        if ok {
            self.tokens -= 1.0;
        }
        ok
    }
}

/// Rate limit for one connection. Time comes from the caller as time since any fixed epoch.
#[derive(Debug, Clone)]
pub(crate) struct RateLimit {
    allowed: Bucket,
    tolerated: Bucket,
    last: Duration,
}

impl RateLimit {
    /// `rate` messages per second sustained, `burst` above that, and `tolerance` excess
    /// messages (refilling at `rate`) dropped before [`Verdict::Flood`].
    pub(crate) fn new(rate: u32, burst: u32, tolerance: u32, now: Duration) -> Self {
        RateLimit {
            allowed: Bucket::new(burst, rate),
            tolerated: Bucket::new(tolerance, rate),
            last: now,
        }
    }

    /// Judges one message arriving at `now`.
    pub(crate) fn check(&mut self, now: Duration) -> Verdict {
        let elapsed = now.saturating_sub(self.last);
        self.last = self.last.max(now);
        self.allowed.refill(elapsed);
        self.tolerated.refill(elapsed);
        if self.allowed.take() {
            Verdict::Allow
        } else if self.tolerated.take() {
            Verdict::Drop
        } else {
            Verdict::Flood
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn a_steady_client_within_the_rate_is_never_limited() {
        let mut limit = RateLimit::new(30, 5, 10, Duration::ZERO);
        for i in 1..=3_000u32 {
            assert_eq!(limit.check(34 * MS * i), Verdict::Allow, "message {i}");
        }
    }

    #[test]
    fn a_burst_is_allowed_then_excess_dropped_then_flood_closes() {
        let mut limit = RateLimit::new(30, 5, 10, Duration::ZERO);
        let at = Duration::ZERO;
        let verdicts: Vec<Verdict> = (0..16).map(|_| limit.check(at)).collect();
        assert_eq!(&verdicts[..5], &[Verdict::Allow; 5]);
        assert_eq!(&verdicts[5..15], &[Verdict::Drop; 10]);
        assert_eq!(verdicts[15], Verdict::Flood);
    }

    #[test]
    fn tolerance_refills_after_a_pause() {
        let mut limit = RateLimit::new(10, 1, 2, Duration::ZERO);
        assert_eq!(limit.check(Duration::ZERO), Verdict::Allow);
        assert_eq!(limit.check(Duration::ZERO), Verdict::Drop);
        assert_eq!(limit.check(Duration::ZERO), Verdict::Drop);
        assert_eq!(limit.check(Duration::from_secs(1)), Verdict::Allow);
        assert_eq!(limit.check(Duration::from_secs(1)), Verdict::Drop);
    }
}
