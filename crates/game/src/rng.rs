//! A room's only source of randomness, for any game: a small seeded generator, so that the
//! same seed and the same inputs replay the same game on every platform.

/// SplitMix64 (Steele, Lea and Flood), a tiny, fast 64-bit generator.
///
/// Not cryptographic: its output is predictable from a few values. It only has to be
/// reproducible from a seed and good enough to scatter food, pick spawn points or serve
/// angles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator whose whole output is determined by `seed`.
    pub const fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`, or 0 when `n` is 0. Uses the high bits by multiply-shift; the
    /// bias is below `n / 2^32`, negligible for board-sized ranges.
    pub fn below(&mut self, n: usize) -> usize {
        let n = u64::try_from(n)
            .unwrap_or(u64::MAX)
            .min(u64::from(u32::MAX));
        let high = self.next_u64() >> 32;
        // Both factors are below 2^32, so the product fits in a u64.
        usize::try_from((high * n) >> 32).unwrap_or(0)
    }
}

impl SplitMix64 {
    /// A number in `-spread..=spread`, each value equally likely (up to [`below`]'s bias).
    ///
    /// [`below`]: SplitMix64::below
    pub fn spread(&mut self, spread: u16) -> i32 {
        let width = usize::from(spread) * 2 + 1;
        i32::try_from(self.below(width)).unwrap_or(0) - i32::from(spread)
    }
}

#[cfg(test)]
mod tests {
    use super::SplitMix64;

    #[test]
    fn same_seed_gives_same_stream() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn below_stays_in_range_and_handles_zero() {
        let mut rng = SplitMix64::new(1);
        assert_eq!(rng.below(0), 0);
        for n in 1..200 {
            assert!(rng.below(n) < n);
        }
    }

    #[test]
    fn spread_stays_in_range_and_reaches_both_ends() {
        let mut rng = SplitMix64::new(3);
        assert_eq!(rng.spread(0), 0);
        let mut seen = [false; 7];
        for _ in 0..500 {
            let v = rng.spread(3);
            assert!((-3..=3).contains(&v), "{v}");
            seen[usize::try_from(v + 3).unwrap_or(0)] = true;
        }
        assert!(seen.iter().all(|s| *s), "{seen:?}");
    }

    #[test]
    fn first_output_matches_reference() {
        // Reference value of SplitMix64 seeded with 0.
        assert_eq!(SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }
}
