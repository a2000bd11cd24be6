//! The server's own tick figures over a run: `/metrics` read before and after, and the
//! difference of its tick counters and `game_tick_seconds` histogram.

use std::time::Duration;

use serde::Serialize;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    time::timeout,
};

/// The most bytes of `/metrics` read; the page is a few KiB.
const MAX_PAGE_BYTES: u64 = 1 << 20;

/// What `/metrics` says at one moment.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Scrape {
    ticks: f64,
    skipped: f64,
    keyframes: f64,
    deltas: f64,
    tick_sum_s: f64,
    tick_count: f64,
    /// Upper bound in seconds and cumulative count of each `game_tick_seconds` bucket.
    buckets: Vec<(f64, f64)>,
}

/// The server's ticks between two scrapes.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TickFigures {
    /// Room ticks run, over all rooms.
    pub room_ticks: u64,
    /// Tick periods the simulation skipped because it fell behind.
    pub ticks_skipped: u64,
    /// Snapshots sent whole.
    pub keyframes: u64,
    /// Snapshots sent as deltas.
    pub deltas: u64,
    /// Mean duration of one room tick, including encoding for its players, in µs.
    pub room_tick_mean_us: f64,
    /// The upper bound of the histogram bucket holding the 99th percentile room tick, in
    /// µs; `None` if it is above the largest bucket.
    pub room_tick_p99_le_us: Option<f64>,
}

/// Reads `http://{authority}/metrics`; `None` if the server does not answer in time.
pub(super) async fn scrape(authority: &str) -> Option<Scrape> {
    let page = timeout(Duration::from_secs(5), get(authority, "/metrics"))
        .await
        .ok()??;
    Some(parse(&page))
}

async fn get(authority: &str, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(authority).await.ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = String::new();
    stream
        .take(MAX_PAGE_BYTES)
        .read_to_string(&mut response)
        .await
        .ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.1 200").then(|| body.to_owned())
}

fn parse(page: &str) -> Scrape {
    let mut scrape = Scrape::default();
    for line in page.lines().filter(|line| !line.starts_with('#')) {
        let Some((name, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let Ok(value) = value.parse::<f64>() else {
            continue;
        };
        match name {
            "game_ticks_total" => scrape.ticks = value,
            "game_ticks_skipped_total" => scrape.skipped = value,
            "game_keyframes_total" => scrape.keyframes = value,
            "game_deltas_total" => scrape.deltas = value,
            "game_tick_seconds_sum" => scrape.tick_sum_s = value,
            "game_tick_seconds_count" => scrape.tick_count = value,
            _ => {
                let le = name
                    .strip_prefix("game_tick_seconds_bucket{le=\"")
                    .and_then(|rest| rest.strip_suffix("\"}"))
                    .and_then(|le| le.parse::<f64>().ok())
                    .filter(|le| le.is_finite());
                if let Some(le) = le {
                    scrape.buckets.push((le, value));
                }
            }
        }
    }
    scrape
}

impl Scrape {
    /// What happened between `self` and the later `after`.
    pub(super) fn until(&self, after: &Scrape) -> TickFigures {
        let count = after.tick_count - self.tick_count;
        let p99_le_us = after
            .buckets
            .iter()
            .zip(&self.buckets)
            .find(|((_, a), (_, b))| count > 0.0 && a - b >= 0.99 * count)
            .map(|((le, _), _)| le * 1e6);
        TickFigures {
            room_ticks: (after.ticks - self.ticks).max(0.0) as u64,
            ticks_skipped: (after.skipped - self.skipped).max(0.0) as u64,
            keyframes: (after.keyframes - self.keyframes).max(0.0) as u64,
            deltas: (after.deltas - self.deltas).max(0.0) as u64,
            room_tick_mean_us: if count > 0.0 {
                (after.tick_sum_s - self.tick_sum_s) / count * 1e6
            } else {
                0.0
            },
            room_tick_p99_le_us: p99_le_us,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = "# TYPE game_ticks_total counter\ngame_ticks_total 10\n\
        game_tick_seconds_bucket{le=\"0.0001\"} 5\ngame_tick_seconds_bucket{le=\"0.001\"} 10\n\
        game_tick_seconds_bucket{le=\"+Inf\"} 10\ngame_tick_seconds_sum 0.001\n\
        game_tick_seconds_count 10\ngame_deltas_total 7\n";
    const AFTER: &str = "game_ticks_total 110\n\
        game_tick_seconds_bucket{le=\"0.0001\"} 95\ngame_tick_seconds_bucket{le=\"0.001\"} 110\n\
        game_tick_seconds_bucket{le=\"+Inf\"} 110\ngame_tick_seconds_sum 0.006\n\
        game_tick_seconds_count 110\ngame_deltas_total 1007\n";

    #[test]
    fn tick_figures_are_the_difference_of_two_scrapes() {
        let figures = parse(BEFORE).until(&parse(AFTER));
        assert_eq!(figures.room_ticks, 100);
        assert_eq!(figures.deltas, 1000);
        assert!((figures.room_tick_mean_us - 50.0).abs() < 1e-9);
        assert_eq!(
            figures.room_tick_p99_le_us,
            Some(1000.0),
            "90 of 100 under 100 µs"
        );
    }
}
