//! A link conditioner's arithmetic: when a message sent now should be delivered, given a
//! one-way latency, jitter and occasional stalls. Transports (loadgen, the test harness, the
//! browser's debug setting) hold messages until then. Order is kept, as on a TCP stream.

use std::{fmt, str::FromStr};

/// How bad the link is. All times in milliseconds, one way.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LinkProfile {
    /// Added to every message.
    pub latency_ms: f64,
    /// Each message gets up to this much more or less, uniformly.
    pub jitter_ms: f64,
    /// On average one stall starts this often; 0 for none.
    pub stall_every_ms: f64,
    /// How long a stall holds every message back.
    pub stall_ms: f64,
}

impl LinkProfile {
    /// Whether this profile changes anything.
    pub fn is_perfect(&self) -> bool {
        self.latency_ms <= 0.0
            && self.jitter_ms <= 0.0
            && (self.stall_every_ms <= 0.0 || self.stall_ms <= 0.0)
    }
}

impl fmt::Display for LinkProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "latency={}ms,jitter={}ms",
            self.latency_ms, self.jitter_ms
        )?;
        if self.stall_every_ms > 0.0 {
            write!(f, ",stall={}ms/{}ms", self.stall_ms, self.stall_every_ms)?;
        }
        Ok(())
    }
}

/// A profile string that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad link profile {0:?}: expected e.g. latency=80ms,jitter=20ms,stall=500ms/10s")]
pub struct LinkProfileError(String);

fn millis(text: &str) -> Option<f64> {
    let (number, scale) = if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (text, 1.0)
    };
    number
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(|v| v * scale)
}

impl FromStr for LinkProfile {
    type Err = LinkProfileError;

    /// Parses `latency=80ms,jitter=20ms,stall=500ms/10s` (any subset; bare numbers are ms).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || LinkProfileError(text.to_owned());
        let mut profile = LinkProfile::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=').ok_or_else(bad)?;
            match key.trim() {
                "latency" => profile.latency_ms = millis(value).ok_or_else(bad)?,
                "jitter" => profile.jitter_ms = millis(value).ok_or_else(bad)?,
                "stall" => {
                    let (length, every) = value.split_once('/').ok_or_else(bad)?;
                    profile.stall_ms = millis(length).ok_or_else(bad)?;
                    profile.stall_every_ms = millis(every).ok_or_else(bad)?;
                }
                _ => return Err(bad()),
            }
        }
        Ok(profile)
    }
}

/// Delivery times for one direction of one link.
#[derive(Debug, Clone)]
pub struct Conditioner {
    profile: LinkProfile,
    rng: u64,
    last_delivery: f64,
    next_stall: Option<f64>,
}

impl Conditioner {
    /// A conditioner applying `profile`, its randomness seeded with `seed`.
    pub fn new(profile: LinkProfile, seed: u64) -> Self {
        Conditioner {
            profile,
            rng: seed,
            last_delivery: f64::MIN,
            next_stall: None,
        }
    }

    /// The profile.
    pub fn profile(&self) -> LinkProfile {
        self.profile
    }

    /// A uniform number in [0, 1) (SplitMix64).
    fn uniform(&mut self) -> f64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// When a message sent at `now` (ms) arrives: never before `now`, never before the
    /// message sent ahead of it.
    pub fn deliver_at(&mut self, now: f64) -> f64 {
        let p = self.profile;
        let jitter = if p.jitter_ms > 0.0 {
            (self.uniform() * 2.0 - 1.0) * p.jitter_ms
        } else {
            0.0
        };
        let mut at = (now + p.latency_ms + jitter).max(now);
        if p.stall_every_ms > 0.0 && p.stall_ms > 0.0 {
            // Stalls start at exponentially distributed intervals.
            let start = match self.next_stall {
                Some(start) => start,
                None => now + self.gap(),
            };
            let mut start = start;
            while start + p.stall_ms <= now {
                start += p.stall_ms + self.gap();
            }
            if now >= start {
                at = at.max(start + p.stall_ms);
            }
            self.next_stall = Some(start);
        }
        at = at.max(self.last_delivery);
        self.last_delivery = at;
        at
    }

    fn gap(&mut self) -> f64 {
        -self.profile.stall_every_ms * (1.0 - self.uniform()).ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_parse_with_units() {
        let p: LinkProfile = "latency=80ms, jitter=20, stall=0.5s/10s".parse().unwrap();
        assert_eq!(
            p,
            LinkProfile {
                latency_ms: 80.0,
                jitter_ms: 20.0,
                stall_every_ms: 10_000.0,
                stall_ms: 500.0
            }
        );
        assert!("".parse::<LinkProfile>().unwrap().is_perfect());
        assert!("latency=fast".parse::<LinkProfile>().is_err());
        assert!("stall=5ms".parse::<LinkProfile>().is_err());
    }

    #[test]
    fn latency_and_jitter_stay_in_bounds_and_order_is_kept() {
        let profile = LinkProfile {
            latency_ms: 50.0,
            jitter_ms: 20.0,
            ..LinkProfile::default()
        };
        let mut link = Conditioner::new(profile, 1);
        let mut last = 0.0;
        for i in 0..1_000 {
            let now = f64::from(i) * 5.0;
            let at = link.deliver_at(now);
            assert!(
                at >= now + 30.0 && at <= now + 70.0 || at == last,
                "{now} -> {at}"
            );
            assert!(at >= last, "reordered");
            last = at;
        }
    }

    #[test]
    fn stalls_hold_messages_back() {
        let profile = LinkProfile {
            stall_every_ms: 1_000.0,
            stall_ms: 300.0,
            ..LinkProfile::default()
        };
        let mut link = Conditioner::new(profile, 2);
        let held = (0..10_000).filter(|i| {
            let now = f64::from(*i);
            link.deliver_at(now) > now + 1.0
        });
        let held = held.count();
        // About 300 ms in every 1,300 ms is stalled.
        assert!((1_000..4_000).contains(&held), "{held} of 10,000 ms held");
    }

    #[test]
    fn a_perfect_link_delivers_at_once() {
        let mut link = Conditioner::new(LinkProfile::default(), 3);
        assert_eq!(link.deliver_at(12.5), 12.5);
    }
}
