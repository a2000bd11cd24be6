//! `benchplot`: turns the JSON lines `scripts/bench` collected (loadgen reports and
//! `tickbench` lines) into SVG plots and markdown tables for BENCHMARKS.md.
//!
//! Inputs are found by file name in the input folder: `bandwidth-*.json`, `latency-*.json`,
//! `scale-*.json` (one loadgen report each, the last JSON line) and `tick.json` (tickbench
//! lines). Outputs: `bandwidth.svg`, `latency-*.svg`, `tick.svg`, `scale-cpu.svg`,
//! `scale-rss.svg` and `tables.md`, written to the output folder; the tables are also
//! printed.

#![expect(clippy::print_stdout, reason = "a command-line tool's output")]

use std::{
    fmt::Write as _,
    fs,
    path::{Path, PathBuf},
};

use anyhow::Context as _;
use bench::plot::{Axis, Histogram, LineChart, PALETTE, Rule, Series, thousands};
use clap::Parser;
use serde_json::Value;

/// Draws the benchmark page's plots and tables from collected JSON.
#[derive(Debug, Parser)]
struct Cli {
    /// Folder of collected JSON files.
    #[arg(long, default_value = "target/bench")]
    input: PathBuf,
    /// Folder for the SVG plots and tables.md.
    #[arg(long, default_value = "docs/bench")]
    output: PathBuf,
}

/// One collected file: its name without `.json`, and its JSON lines.
struct Run {
    name: String,
    lines: Vec<Value>,
}

impl Run {
    /// The last JSON line: a loadgen report.
    fn report(&self) -> Option<&Value> {
        self.lines.last()
    }
}

fn load(dir: &Path) -> anyhow::Result<Vec<Run>> {
    let mut runs = Vec::new();
    let entries = fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let text = fs::read_to_string(&path)?;
        let lines = text
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line.trim()).ok())
            .filter(Value::is_object)
            .collect();
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        runs.push(Run { name, lines });
    }
    runs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(runs)
}

/// A number at a dotted path, such as `groups.delta.bytes_down_per_client_s`.
fn num(value: &Value, path: &str) -> Option<f64> {
    path.split('.')
        .try_fold(value, |v, key| v.get(key))?
        .as_f64()
}

fn n(value: &Value, path: &str) -> f64 {
    num(value, path).unwrap_or(f64::NAN)
}

fn fmt(v: f64) -> String {
    if v.is_nan() {
        "–".to_owned()
    } else {
        thousands(v)
    }
}

fn fmt1(v: f64) -> String {
    if v.is_nan() {
        "–".to_owned()
    } else {
        format!("{v:.1}")
    }
}

fn with_prefix<'a>(runs: &'a [Run], prefix: &str) -> Vec<&'a Run> {
    runs.iter()
        .filter(|r| r.name.starts_with(prefix) && r.report().is_some())
        .collect()
}

fn series(name: &str, points: Vec<(f64, f64)>, color: usize, dashed: bool) -> Series {
    Series {
        name: name.to_owned(),
        points: points
            .into_iter()
            .filter(|p| p.0.is_finite() && p.1.is_finite())
            .collect(),
        color: PALETTE[color % PALETTE.len()].to_owned(),
        dashed,
    }
}

fn rule(at: f64, label: &str) -> Rule {
    Rule {
        at,
        label: label.to_owned(),
        color: "#777".to_owned(),
    }
}

struct Page {
    tables: String,
    plots: Vec<(String, String)>,
}

fn bandwidth(runs: &[Run], page: &mut Page) {
    let mut rows: Vec<&Value> = with_prefix(runs, "bandwidth-")
        .into_iter()
        .filter_map(Run::report)
        .collect();
    if rows.is_empty() {
        return;
    }
    rows.sort_by(|a, b| n(a, "players_per_room").total_cmp(&n(b, "players_per_room")));
    let t = &mut page.tables;
    let _ = writeln!(t, "### Bandwidth against players per room\n");
    let _ = writeln!(
        t,
        "| players/room | rooms seen | clients (delta + full) | tick rate | snapshots/client/s | delta down B/client/s | full down B/client/s | full ÷ delta | delta up B/client/s | full up B/client/s | disconnects |"
    );
    let _ = writeln!(t, "|---|---|---|---|---|---|---|---|---|---|---|");
    let mut delta_points = Vec::new();
    let mut full_points = Vec::new();
    let mut up_points = Vec::new();
    for r in &rows {
        let players = n(r, "players_per_room");
        let delta = n(r, "groups.delta.bytes_down_per_client_s");
        let full = n(r, "groups.full.bytes_down_per_client_s");
        delta_points.push((players, delta));
        full_points.push((players, full));
        up_points.push((players, n(r, "groups.delta.bytes_up_per_client_s")));
        let _ = writeln!(
            t,
            "| {} | {} | {} ({} + {}) | {} Hz | {} | **{}** | {} | {}× | {} | {} | {} |",
            fmt(players),
            fmt(n(r, "rooms_seen")),
            fmt(n(r, "clients")),
            fmt(n(r, "groups.delta.clients")),
            fmt(n(r, "groups.full.clients")),
            fmt(n(r, "tick_rate")),
            fmt1(n(r, "snapshots_per_client_s")),
            fmt(delta),
            fmt(full),
            fmt1(full / delta),
            fmt(n(r, "groups.delta.bytes_up_per_client_s")),
            fmt(n(r, "groups.full.bytes_up_per_client_s")),
            fmt(n(r, "disconnects")),
        );
    }
    let _ = writeln!(t);
    let chart = LineChart {
        title: "Downstream bytes per client per second".to_owned(),
        x: Axis::log("players per room"),
        y: Axis::log("bytes per client per second"),
        series: vec![
            series("full snapshots", full_points, 1, false),
            series("deltas", delta_points, 0, false),
            series("deltas: upstream (inputs + acks)", up_points, 0, true),
        ],
        rules: vec![rule(1_000.0, "target for deltas at 10 players: 1,000 B/s")],
    };
    page.plots.push(("bandwidth.svg".to_owned(), chart.svg()));
}

fn latency(runs: &[Run], page: &mut Page) {
    let latency_runs = with_prefix(runs, "latency-");
    if latency_runs.is_empty() {
        return;
    }
    let t = &mut page.tables;
    let _ = writeln!(t, "### Input latency\n");
    let _ = writeln!(
        t,
        "| run | clients | rooms seen | link | disconnects | inputs measured | p50 ms | p95 ms | p99 ms | max ms | server CPU % | loadgen CPU % | plot |"
    );
    let _ = writeln!(t, "|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for run in latency_runs {
        let Some(r) = run.report() else { continue };
        let link = r
            .get("link")
            .and_then(|l| l.get("down"))
            .and_then(Value::as_str)
            .unwrap_or("none (loopback)");
        let file = format!("{}.svg", run.name);
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} | {} | {} | {} | {} | **{}** | {} | {} | {} | [{file}]({file}) |",
            run.name.trim_start_matches("latency-"),
            fmt(n(r, "clients")),
            fmt(n(r, "rooms_seen")),
            link,
            fmt(n(r, "disconnects")),
            fmt(n(r, "input_latency_ms.count")),
            fmt1(n(r, "input_latency_ms.p50")),
            fmt1(n(r, "input_latency_ms.p95")),
            fmt1(n(r, "input_latency_ms.p99")),
            fmt1(n(r, "input_latency_ms.max")),
            fmt(steady_cpu(r, "server")),
            fmt(steady_cpu(r, "loadgen")),
        );
        if let Some(svg) = latency_histogram(run.name.trim_start_matches("latency-"), r) {
            page.plots.push((file, svg));
        }
    }
    let _ = writeln!(t);
}

fn latency_histogram(name: &str, r: &Value) -> Option<String> {
    let h = r.get("input_latency_histogram")?;
    let bounds: Vec<f64> = h
        .get("bounds_ms")?
        .as_array()?
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    let counts: Vec<f64> = h
        .get("counts")?
        .as_array()?
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    let total: f64 = counts.iter().sum::<f64>() + num(h, "overflow").unwrap_or(0.0);
    if total <= 0.0 || bounds.len() != counts.len() {
        return None;
    }
    let lower = |i: usize| if i == 0 { 0.0 } else { bounds[i - 1] };
    let first = counts.iter().position(|c| *c > 0.0)?;
    let mut seen = 0.0;
    let last = counts
        .iter()
        .position(|c| {
            seen += c;
            seen >= 0.999 * total
        })
        .unwrap_or(counts.len() - 1);
    let from = (lower(first) / 10.0).floor() * 10.0;
    let to = (bounds[last] / 10.0).ceil() * 10.0 + 10.0;
    let bars = (first..=last)
        .map(|i| {
            let width = bounds[i] - lower(i);
            (lower(i), bounds[i], counts[i] / total * 100.0 / width)
        })
        .collect();
    let tick_rate = num(r, "tick_rate").unwrap_or(15.0);
    let mut markers = vec![
        Rule {
            at: n(r, "input_latency_ms.p50"),
            label: format!("p50 {:.1} ms", n(r, "input_latency_ms.p50")),
            color: "#2ca02c".to_owned(),
        },
        Rule {
            at: n(r, "input_latency_ms.p99"),
            label: format!("p99 {:.1} ms", n(r, "input_latency_ms.p99")),
            color: "#d62728".to_owned(),
        },
    ];
    if r.get("link").is_none_or(Value::is_null) {
        let target = 1000.0 / tick_rate + 10.0;
        markers.push(Rule {
            at: target,
            label: format!("target p99 ≤ {target:.1} ms"),
            color: "#777".to_owned(),
        });
    }
    let beyond = total - counts[first..=last].iter().sum::<f64>();
    let chart = Histogram {
        title: format!(
            "Input latency, {name}: {} clients, {} inputs{}",
            fmt(n(r, "clients")),
            fmt(total),
            if beyond > 0.0 {
                format!(" ({} beyond the plot)", fmt(beyond))
            } else {
                String::new()
            }
        ),
        x: Axis {
            label: "input to acknowledging snapshot, ms".to_owned(),
            log: false,
            min: Some(from),
            max: Some(to),
        },
        y: Axis::linear("% of inputs per ms"),
        bars,
        color: PALETTE[0].to_owned(),
        markers,
    };
    Some(chart.svg())
}

fn tick(runs: &[Run], page: &mut Page) {
    let lines: Vec<&Value> = runs
        .iter()
        .filter(|r| r.name == "tick")
        .flat_map(|r| r.lines.iter())
        .filter(|l| l.get("step").is_some())
        .collect();
    let loaded: Vec<&Value> = runs
        .iter()
        .filter(|r| r.name.starts_with("scale-") || r.name.starts_with("latency-"))
        .filter_map(Run::report)
        .filter(|r| r.get("server_ticks").is_some_and(|t| !t.is_null()))
        .collect();
    if lines.is_empty() && loaded.is_empty() {
        return;
    }
    let t = &mut page.tables;
    if !lines.is_empty() {
        let _ = writeln!(
            t,
            "### Tick cost against rooms × players (tickbench, in-process)\n"
        );
        let _ = writeln!(
            t,
            "| rooms | players/room | players | session wakeups | step mean µs | p50 µs | p99 µs | p99.9 µs | max µs | per room µs (mean) | B/client/tick |"
        );
        let _ = writeln!(t, "|---|---|---|---|---|---|---|---|---|---|---|");
        for l in &lines {
            let _ = writeln!(
                t,
                "| {} | {} | {} | {} | {} | {} | **{}** | {} | {} | {} | {} |",
                fmt(n(l, "rooms")),
                fmt(n(l, "players_per_room")),
                fmt(n(l, "players")),
                if n(l, "readers") > 0.0 { "yes" } else { "no" },
                fmt1(n(l, "step.mean_us")),
                fmt1(n(l, "step.p50_us")),
                fmt1(n(l, "step.p99_us")),
                fmt1(n(l, "step.p999_us")),
                fmt1(n(l, "step.max_us")),
                fmt1(n(l, "room_tick_mean_us")),
                fmt1(n(l, "bytes_per_client_tick")),
            );
        }
        let _ = writeln!(t);
        // The chart shows ticks as a server runs them: with readers to wake, when measured.
        let with_readers = lines.iter().any(|l| n(l, "readers") > 0.0);
        let lines: Vec<&Value> = lines
            .into_iter()
            .filter(|l| !with_readers || n(l, "readers") > 0.0)
            .collect();
        let mut sizes: Vec<f64> = lines.iter().map(|l| n(l, "players_per_room")).collect();
        sizes.sort_by(f64::total_cmp);
        sizes.dedup();
        let mut chart_series = Vec::new();
        for (i, size) in sizes.iter().enumerate() {
            let mut of_size: Vec<&&Value> = lines
                .iter()
                .filter(|l| n(l, "players_per_room") == *size)
                .collect();
            of_size.sort_by(|a, b| n(a, "players").total_cmp(&n(b, "players")));
            let points = |key: &str| {
                of_size
                    .iter()
                    .map(|l| (n(l, "players"), n(l, key)))
                    .collect::<Vec<_>>()
            };
            chart_series.push(series(
                &format!("{size} players/room: mean"),
                points("step.mean_us"),
                i,
                false,
            ));
            chart_series.push(series(
                &format!("{size} players/room: p99"),
                points("step.p99_us"),
                i,
                true,
            ));
        }
        let chart = LineChart {
            title: "One tick of every room (rules + deltas + encoding)".to_owned(),
            x: Axis::log("players in all rooms (rooms × players per room)"),
            y: Axis::log("µs per tick"),
            series: chart_series,
            rules: vec![
                rule(66_667.0, "15 Hz tick period: 66.7 ms"),
                rule(100.0, "target: one 10-player room, p99 ≤ 100 µs"),
            ],
        };
        page.plots.push(("tick.svg".to_owned(), chart.svg()));
    }
    if !loaded.is_empty() {
        let _ = writeln!(
            t,
            "### Tick cost under load (the server's own game_tick_seconds)\n"
        );
        let _ = writeln!(
            t,
            "| run | clients | rooms seen | room ticks | room tick mean µs | room tick p99 ≤ µs (bucket) | tick periods skipped | keyframes | deltas |"
        );
        let _ = writeln!(t, "|---|---|---|---|---|---|---|---|---|");
        for r in loaded {
            let _ = writeln!(
                t,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                r.get("label").and_then(Value::as_str).unwrap_or("-"),
                fmt(n(r, "clients")),
                fmt(n(r, "rooms_seen")),
                fmt(n(r, "server_ticks.room_ticks")),
                fmt1(n(r, "server_ticks.room_tick_mean_us")),
                fmt(n(r, "server_ticks.room_tick_p99_le_us")),
                fmt(n(r, "server_ticks.ticks_skipped")),
                fmt(n(r, "server_ticks.keyframes")),
                fmt(n(r, "server_ticks.deltas")),
            );
        }
        let _ = writeln!(t);
    }
}

/// CPU of `who` (`server` or `loadgen`) while every bot played, else over the whole run.
fn steady_cpu(r: &Value, who: &str) -> f64 {
    num(r, &format!("{who}.cpu_percent_steady"))
        .unwrap_or_else(|| n(r, &format!("{who}.cpu_percent_mean")))
}

/// CPU of the server's tokio worker threads, summed, in percent of one core.
fn runtime_threads(r: &Value) -> f64 {
    r.get("server")
        .and_then(|s| s.get("threads"))
        .and_then(Value::as_object)
        .map_or(f64::NAN, |threads| {
            threads
                .iter()
                .filter(|(name, _)| name.starts_with("tokio"))
                .filter_map(|(_, cpu)| cpu.as_f64())
                .sum()
        })
}

fn scale(runs: &[Run], page: &mut Page) {
    let mut rows: Vec<&Value> = with_prefix(runs, "scale-")
        .into_iter()
        .filter_map(Run::report)
        .collect();
    if rows.is_empty() {
        return;
    }
    rows.sort_by(|a, b| n(a, "clients").total_cmp(&n(b, "clients")));
    let t = &mut page.tables;
    let _ = writeln!(t, "### Server CPU and memory against connected clients\n");
    let _ = writeln!(
        t,
        "| clients | connected | rooms seen | disconnects | errors | snapshots/client/s | tick gaps | server CPU % (steady) | CPU % (peak 1 s) | sim thread % (whole run) | runtime threads % (whole run) | loadgen CPU % (steady) | RSS peak MiB | RSS end MiB | down B/client/s | latency p50 ms | p99 ms | max ms |"
    );
    let _ = writeln!(
        t,
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    );
    let cpu =
        |r: &Value| num(r, "server.cpu_percent_steady").unwrap_or(n(r, "server.cpu_percent_mean"));
    for r in &rows {
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            fmt(n(r, "clients")),
            fmt(n(r, "connected")),
            fmt(n(r, "rooms_seen")),
            fmt(n(r, "disconnects")),
            fmt(n(r, "errors")),
            fmt1(n(r, "snapshots_per_client_s")),
            fmt(n(r, "tick_gaps")),
            fmt(cpu(r)),
            fmt(n(r, "server.cpu_percent_peak")),
            fmt(n(r, "server.threads.sim")),
            fmt(runtime_threads(r)),
            fmt(steady_cpu(r, "loadgen")),
            fmt1(n(r, "server.rss_mb_peak")),
            fmt1(n(r, "server.rss_mb_end")),
            fmt(n(r, "bytes_down_per_client_s")),
            fmt1(n(r, "input_latency_ms.p50")),
            fmt1(n(r, "input_latency_ms.p99")),
            fmt1(n(r, "input_latency_ms.max")),
        );
    }
    let _ = writeln!(t);
    let points = |f: &dyn Fn(&Value) -> f64| -> Vec<(f64, f64)> {
        rows.iter().map(|r| (n(r, "connected"), f(r))).collect()
    };
    let cpu_chart = LineChart {
        title: "CPU against connected clients (2 cores shared)".to_owned(),
        x: Axis::log("connected clients"),
        y: Axis::linear("% of one core"),
        series: vec![
            series(
                "server, steady state (all bots playing)",
                points(&cpu),
                0,
                false,
            ),
            series(
                "server, busiest second",
                points(&|r| n(r, "server.cpu_percent_peak")),
                0,
                true,
            ),
            series(
                "loadgen on the same cores, steady state",
                points(&|r| steady_cpu(r, "loadgen")),
                1,
                false,
            ),
        ],
        rules: vec![rule(200.0, "both cores")],
    };
    let rss_chart = LineChart {
        title: "Server memory against connected clients".to_owned(),
        x: Axis::log("connected clients"),
        y: Axis::linear("resident memory, MiB"),
        series: vec![
            series(
                "peak RSS",
                points(&|r| n(r, "server.rss_mb_peak")),
                0,
                false,
            ),
            series(
                "RSS after the bots left",
                points(&|r| n(r, "server.rss_mb_end")),
                2,
                true,
            ),
        ],
        rules: vec![rule(300.0, "target at 1,000 clients: 300 MiB")],
    };
    page.plots
        .push(("scale-cpu.svg".to_owned(), cpu_chart.svg()));
    page.plots
        .push(("scale-rss.svg".to_owned(), rss_chart.svg()));
}

/// The targets, each with the figure measured and whether it was met.
fn targets(runs: &[Run], page: &mut Page) {
    let report = |name: &str| runs.iter().find(|r| r.name == name).and_then(Run::report);
    let mut rows: Vec<(String, String, String, Option<bool>)> = Vec::new();
    if let Some(r) = report("bandwidth-p10") {
        let delta = n(r, "groups.delta.bytes_down_per_client_s");
        let full = n(r, "groups.full.bytes_down_per_client_s");
        rows.push((
            "10 players/room, 15 Hz: delta downstream".into(),
            "≤ 1,000 B/client/s".into(),
            format!("{} B/client/s", fmt(delta)),
            Some(delta <= 1_000.0),
        ));
        rows.push((
            "same run: full ÷ delta".into(),
            "≥ 8×".into(),
            format!(
                "{:.1}× ({} vs {} B/client/s)",
                full / delta,
                fmt(full),
                fmt(delta)
            ),
            Some(full / delta >= 8.0),
        ));
    }
    if let Some(r) = report("latency-load") {
        let target = 1000.0 / num(r, "tick_rate").unwrap_or(15.0) + 10.0;
        rows.push((
            format!(
                "{} clients in {} rooms for {} s: disconnects",
                fmt(n(r, "clients")),
                fmt(n(r, "rooms_seen")),
                fmt(n(r, "connected_seconds") / n(r, "connected").max(1.0))
            ),
            "0".into(),
            format!(
                "{} (errors {})",
                fmt(n(r, "disconnects")),
                fmt(n(r, "errors"))
            ),
            Some(n(r, "disconnects") == 0.0 && n(r, "errors") == 0.0),
        ));
        rows.push((
            "same run: p99 input latency".into(),
            format!("≤ {target:.1} ms"),
            format!("{:.1} ms", n(r, "input_latency_ms.p99")),
            Some(n(r, "input_latency_ms.p99") <= target),
        ));
        rows.push((
            "same run: server RSS (peak)".into(),
            "≤ 300 MB".into(),
            format!("{:.1} MiB", n(r, "server.rss_mb_peak")),
            num(r, "server.rss_mb_peak").map(|m| m * 1.048_576 <= 300.0),
        ));
    }
    let ten: Vec<&Value> = runs
        .iter()
        .filter(|r| r.name == "tick")
        .flat_map(|r| r.lines.iter())
        .filter(|l| n(l, "rooms") == 1.0 && n(l, "players_per_room") == 10.0)
        .collect();
    for l in ten {
        let how = if n(l, "readers") > 0.0 {
            " and waking their sessions"
        } else {
            " (encode only)"
        };
        rows.push((
            format!("one room tick, 10 players, incl. delta encoding{how}: p99"),
            "≤ 100 µs".into(),
            format!(
                "{:.1} µs (mean {:.1} µs, p99.9 {:.1} µs)",
                n(l, "step.p99_us"),
                n(l, "step.mean_us"),
                n(l, "step.p999_us")
            ),
            Some(n(l, "step.p99_us") <= 100.0),
        ));
    }
    if let Some(r) = report("scale-5000") {
        rows.push((
            "5,000 clients".into(),
            "report".into(),
            format!(
                "{} connected, {} disconnects, {:.1} snapshots/client/s, p99 {:.1} ms, CPU {}%, RSS {:.0} MiB",
                fmt(n(r, "connected")),
                fmt(n(r, "disconnects")),
                n(r, "snapshots_per_client_s"),
                n(r, "input_latency_ms.p99"),
                fmt(num(r, "server.cpu_percent_steady").unwrap_or(n(r, "server.cpu_percent_mean"))),
                n(r, "server.rss_mb_peak"),
            ),
            None,
        ));
    }
    if rows.is_empty() {
        return;
    }
    let t = &mut page.tables;
    let _ = writeln!(t, "### Targets\n");
    let _ = writeln!(t, "| target | wanted | measured | met |");
    let _ = writeln!(t, "|---|---|---|---|");
    for (what, wanted, measured, met) in rows {
        let met = match met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "–",
        };
        let _ = writeln!(t, "| {what} | {wanted} | {measured} | {met} |");
    }
    let _ = writeln!(t);
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runs = load(&cli.input)?;
    let mut page = Page {
        tables:
            "<!-- Generated by `benchplot` from target/bench/*.json; see scripts/bench. -->\n\n"
                .to_owned(),
        plots: Vec::new(),
    };
    targets(&runs, &mut page);
    bandwidth(&runs, &mut page);
    latency(&runs, &mut page);
    tick(&runs, &mut page);
    scale(&runs, &mut page);
    fs::create_dir_all(&cli.output)?;
    for (file, svg) in &page.plots {
        fs::write(cli.output.join(file), svg)?;
    }
    fs::write(cli.output.join("tables.md"), &page.tables)?;
    println!("{}", page.tables);
    println!(
        "wrote {} plots and tables.md to {}",
        page.plots.len(),
        cli.output.display()
    );
    Ok(())
}
