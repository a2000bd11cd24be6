//! The room's only source of randomness, seeded from the room seed, so that the same seed
//! and the same inputs replay the same match on every platform.

/// SplitMix64 (Steele, Lea and Flood): a tiny, fast 64-bit generator.
///
/// Not cryptographic. It only has to be reproducible from a seed and varied enough to pick
/// serve directions and angles.
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

    /// A number in `0..n`, or 0 when `n` is 0, by multiply-shift of the high 32 bits. The
    /// bias is below `n / 2^32`, nothing for the small ranges a room needs.
    pub fn below(&mut self, n: u32) -> u32 {
        let high = self.next_u64() >> 32;
        // Both factors are below 2^32, so the product fits; the result is below `n`.
        u32::try_from((high * u64::from(n)) >> 32).unwrap_or(0)
    }

    /// A number in `-spread..=spread`, each value equally likely (up to [`below`]'s bias).
    ///
    /// [`below`]: SplitMix64::below
    pub fn spread(&mut self, spread: u16) -> i32 {
        let width = u32::from(spread) * 2 + 1;
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
    fn first_output_matches_the_reference() {
        // SplitMix64 seeded with 0, from the reference implementation.
        assert_eq!(SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn ranges_are_respected_and_reached() {
        let mut rng = SplitMix64::new(3);
        assert_eq!(rng.below(0), 0);
        assert_eq!(rng.spread(0), 0);
        let mut seen = [false; 7];
        for _ in 0..500 {
            let v = rng.spread(3);
            assert!((-3..=3).contains(&v));
            seen[usize::try_from(v + 3).unwrap_or(0)] = true;
        }
        assert!(seen.iter().all(|s| *s), "{seen:?}");
    }
}
