//! Nearest-rank percentiles of measured durations.

use serde::Serialize;

/// Summary of many durations, in microseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Samples.
    pub count: usize,
    /// Arithmetic mean.
    pub mean_us: f64,
    /// Median.
    pub p50_us: f64,
    /// 90th percentile.
    pub p90_us: f64,
    /// 99th percentile.
    pub p99_us: f64,
    /// 99.9th percentile.
    pub p999_us: f64,
    /// Largest sample.
    pub max_us: f64,
}

impl Summary {
    /// Summarises `samples` (nanoseconds).
    pub fn of(mut samples: Vec<u64>) -> Summary {
        if samples.is_empty() {
            return Summary::default();
        }
        samples.sort_unstable();
        let at = |q: f64| {
            let rank = ((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len());
            samples[rank - 1] as f64 / 1000.0
        };
        Summary {
            count: samples.len(),
            mean_us: samples.iter().sum::<u64>() as f64 / samples.len() as f64 / 1000.0,
            p50_us: at(0.50),
            p90_us: at(0.90),
            p99_us: at(0.99),
            p999_us: at(0.999),
            max_us: at(1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Summary;

    #[test]
    fn percentiles_use_nearest_rank() {
        let s = Summary::of((1..=1000).map(|us| us * 1000).collect());
        assert_eq!(
            (s.count, s.p50_us, s.p90_us, s.p99_us, s.p999_us, s.max_us),
            (1000, 500.0, 900.0, 990.0, 999.0, 1000.0)
        );
        assert_eq!(s.mean_us, 500.5);
        assert_eq!(Summary::of(vec![]), Summary::default());
    }
}
