//! The server's CPU and memory, sampled from `/proc/PID/stat` and `/proc/PID/status` once a
//! second while bots play. Linux only; plain file reads.

use std::{collections::BTreeMap, fs, time::Duration};

use serde::Serialize;
use tokio::{
    sync::oneshot,
    time::{Instant, MissedTickBehavior, interval},
};

/// One reading of the server process.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Sample {
    /// Seconds since the run started.
    pub t_s: f64,
    /// CPU time used since the previous sample, in percent of one core.
    pub cpu_percent: f64,
    /// Resident memory, in MiB.
    pub rss_mb: f64,
}

/// The server's usage over a run.
#[derive(Debug, Clone, Serialize)]
pub struct Usage {
    /// The process sampled.
    pub pid: u32,
    /// User plus system CPU time over the whole run, in percent of one core.
    pub cpu_percent_mean: f64,
    /// The same over the steady part of the run: every bot started, none finished yet.
    /// `None` when the run has no such part of at least two seconds.
    pub cpu_percent_steady: Option<f64>,
    /// The busiest one-second sample, in percent of one core.
    pub cpu_percent_peak: f64,
    /// The largest resident memory seen (`VmRSS`), in MiB.
    pub rss_mb_peak: f64,
    /// Resident memory at the end of the run, in MiB.
    pub rss_mb_end: f64,
    /// The kernel's own peak resident memory (`VmHWM`) at the end, in MiB.
    pub hwm_mb: f64,
    /// CPU over the whole run by thread name (threads of one name summed, such as the
    /// runtime's workers), in percent of one core: where the server spends its time.
    pub threads: BTreeMap<String, f64>,
    /// One sample per second.
    pub samples: Vec<Sample>,
}

/// Why the process cannot be sampled.
#[derive(Debug, thiserror::Error)]
#[error("cannot read /proc/{pid}: {source}")]
pub struct UsageError {
    pid: u32,
    source: std::io::Error,
}

#[derive(Debug, Clone, Copy)]
struct Reading {
    at: Instant,
    /// utime + stime, in clock ticks.
    cpu_ticks: u64,
    rss_kb: u64,
    hwm_kb: u64,
}

/// CPU ticks by thread name, from `/proc/PID/task/*/stat`; empty if unreadable.
fn thread_ticks(pid: u32) -> BTreeMap<String, u64> {
    let mut ticks = BTreeMap::new();
    let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else {
        return ticks;
    };
    for task in tasks.flatten() {
        let Ok(stat) = fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        let name = stat
            .find('(')
            .zip(stat.rfind(')'))
            .map(|(open, close)| stat[open + 1..close].to_owned())
            .unwrap_or_default();
        *ticks.entry(name).or_insert(0) += cpu_ticks(&stat).unwrap_or(0);
    }
    ticks
}

fn read(pid: u32) -> Result<Reading, UsageError> {
    let error = |source| UsageError { pid, source };
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).map_err(error)?;
    let status = fs::read_to_string(format!("/proc/{pid}/status")).map_err(error)?;
    Ok(Reading {
        at: Instant::now(),
        cpu_ticks: cpu_ticks(&stat).unwrap_or(0),
        rss_kb: status_kb(&status, "VmRSS:").unwrap_or(0),
        hwm_kb: status_kb(&status, "VmHWM:").unwrap_or(0),
    })
}

/// utime + stime from a `/proc/PID/stat` line. The command name may hold spaces and
/// parentheses, so fields are counted from its closing parenthesis: `state` is field 3,
/// `utime` 14 and `stime` 15.
fn cpu_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// A `kB` value from `/proc/PID/status`.
fn status_kb(status: &str, key: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with(key))?;
    line[key.len()..].split_whitespace().next()?.parse().ok()
}

fn clock_ticks_per_second() -> f64 {
    #[cfg(unix)]
    let ticks = rustix::param::clock_ticks_per_second() as f64;
    #[cfg(not(unix))]
    let ticks = 100.0;
    ticks
}

/// Samples `pid` once a second until `stop` fires, then once more.
#[derive(Debug)]
pub(super) struct Sampler {
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Usage>,
}

impl Sampler {
    /// Starts sampling; `steady` is the part of the run, from its start, in which every
    /// bot should be playing.
    pub(super) fn start(pid: u32, steady: (Duration, Duration)) -> Result<Sampler, UsageError> {
        let first = read(pid)?;
        let threads_before = thread_ticks(pid);
        let (stop, mut stopped) = oneshot::channel();
        let task = tokio::spawn(async move {
            let tick_s = clock_ticks_per_second();
            let mut readings = vec![first];
            let mut every = interval(Duration::from_secs(1));
            every.set_missed_tick_behavior(MissedTickBehavior::Delay);
            every.tick().await;
            loop {
                tokio::select! {
                    _ = every.tick() => {}
                    _ = &mut stopped => break,
                }
                match read(pid) {
                    Ok(reading) => readings.push(reading),
                    Err(_) => break, // The server exited; report what was seen.
                }
            }
            if let Ok(reading) = read(pid) {
                readings.push(reading);
            }
            let threads_after = thread_ticks(pid);
            let mut usage = summarise(pid, &readings, tick_s, steady);
            let wall = readings
                .last()
                .map_or(0.0, |last| (last.at - first.at).as_secs_f64());
            if wall > 0.0 {
                usage.threads = threads_after
                    .into_iter()
                    .map(|(name, after)| {
                        let before = threads_before.get(&name).copied().unwrap_or(0);
                        let percent = after.saturating_sub(before) as f64 / tick_s / wall * 100.0;
                        (name, percent)
                    })
                    .collect();
            }
            usage
        });
        Ok(Sampler { stop, task })
    }

    /// Stops sampling and summarises.
    pub(super) async fn finish(self) -> Option<Usage> {
        let _ = self.stop.send(());
        self.task.await.ok()
    }
}

fn summarise(pid: u32, readings: &[Reading], tick_s: f64, steady: (Duration, Duration)) -> Usage {
    let mb = |kb: u64| kb as f64 / 1024.0;
    let Some((first, last)) = readings.first().zip(readings.last()) else {
        return Usage {
            pid,
            cpu_percent_mean: 0.0,
            cpu_percent_steady: None,
            cpu_percent_peak: 0.0,
            rss_mb_peak: 0.0,
            rss_mb_end: 0.0,
            hwm_mb: 0.0,
            threads: BTreeMap::new(),
            samples: Vec::new(),
        };
    };
    let percent = |a: &Reading, b: &Reading| {
        let wall = (b.at - a.at).as_secs_f64();
        if wall > 0.0 {
            b.cpu_ticks.saturating_sub(a.cpu_ticks) as f64 / tick_s / wall * 100.0
        } else {
            0.0
        }
    };
    let samples: Vec<Sample> = readings
        .windows(2)
        .map(|w| Sample {
            t_s: (w[1].at - first.at).as_secs_f64(),
            cpu_percent: percent(&w[0], &w[1]),
            rss_mb: mb(w[1].rss_kb),
        })
        .collect();
    let in_steady: Vec<&Reading> = readings
        .iter()
        .filter(|r| (steady.0..=steady.1).contains(&(r.at - first.at)))
        .collect();
    let cpu_percent_steady = match (in_steady.first(), in_steady.last()) {
        (Some(a), Some(b)) if (b.at - a.at) >= Duration::from_secs(2) => Some(percent(a, b)),
        _ => None,
    };
    Usage {
        pid,
        cpu_percent_mean: percent(first, last),
        cpu_percent_steady,
        // Short samples (the last one) overstate nothing but are noisy: peak over whole ones.
        cpu_percent_peak: samples
            .iter()
            .take(samples.len().saturating_sub(1).max(1))
            .map(|s| s.cpu_percent)
            .fold(0.0, f64::max),
        rss_mb_peak: readings.iter().map(|r| mb(r.rss_kb)).fold(0.0, f64::max),
        rss_mb_end: mb(last.rss_kb),
        hwm_mb: mb(last.hwm_kb),
        threads: BTreeMap::new(),
        samples,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_ticks_are_counted_from_the_end_of_the_command_name() {
        let stat = "4242 (sim (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 9";
        assert_eq!(cpu_ticks(stat), Some(1234 + 567));
    }

    #[test]
    fn status_values_are_read_in_kib() {
        let status = "Name:\tserver\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n";
        assert_eq!(status_kb(status, "VmRSS:"), Some(102_400));
        assert_eq!(status_kb(status, "VmHWM:"), Some(204_800));
        assert_eq!(status_kb(status, "VmSwap:"), None);
    }

    #[test]
    fn this_process_can_be_sampled() {
        let reading = read(std::process::id()).unwrap();
        assert!(reading.rss_kb > 0 && reading.hwm_kb >= reading.rss_kb);
        assert!(!thread_ticks(std::process::id()).is_empty());
    }
}
