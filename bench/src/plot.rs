//! Hand-written SVG charts for the benchmark page: line charts on linear or log axes, and
//! histograms with marker lines. Plain strings, no plotting library.

use std::fmt::Write as _;

const WIDTH: f64 = 680.0;
const HEIGHT: f64 = 400.0;
const LEFT: f64 = 78.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 44.0;
const BOTTOM: f64 = 56.0;

/// Colours for series, in order.
pub const PALETTE: [&str; 6] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
];

/// One axis of a chart.
#[derive(Debug, Clone)]
pub struct Axis {
    /// What the axis measures, with its unit.
    pub label: String,
    /// Logarithmic (base 10) rather than linear.
    pub log: bool,
    /// Lower end; `None` to fit the data (0 on a linear axis).
    pub min: Option<f64>,
    /// Upper end; `None` to fit the data.
    pub max: Option<f64>,
}

impl Axis {
    /// A linear axis from 0 that fits the data.
    pub fn linear(label: &str) -> Axis {
        Axis {
            label: label.to_owned(),
            log: false,
            min: Some(0.0),
            max: None,
        }
    }

    /// A log axis that fits the data.
    pub fn log(label: &str) -> Axis {
        Axis {
            label: label.to_owned(),
            log: true,
            min: None,
            max: None,
        }
    }
}

/// A line through points, drawn with markers.
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// `(x, y)` in data units.
    pub points: Vec<(f64, f64)>,
    /// Stroke colour.
    pub color: String,
    /// Dashed rather than solid.
    pub dashed: bool,
}

/// A horizontal or vertical reference line, such as a target.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Where, in data units of the axis it crosses.
    pub at: f64,
    /// Text beside it.
    pub label: String,
    /// Stroke colour.
    pub color: String,
}

/// A chart of series on two axes.
#[derive(Debug, Clone)]
pub struct LineChart {
    /// Title above the plot.
    pub title: String,
    /// Horizontal axis.
    pub x: Axis,
    /// Vertical axis.
    pub y: Axis,
    /// The lines.
    pub series: Vec<Series>,
    /// Horizontal reference lines.
    pub rules: Vec<Rule>,
}

/// A histogram: bars over `[lo, hi]` ranges of x, with vertical marker lines.
#[derive(Debug, Clone)]
pub struct Histogram {
    /// Title above the plot.
    pub title: String,
    /// Horizontal axis (linear).
    pub x: Axis,
    /// Vertical axis (linear).
    pub y: Axis,
    /// `(lo, hi, height)` of each bar.
    pub bars: Vec<(f64, f64, f64)>,
    /// Bar colour.
    pub color: String,
    /// Vertical reference lines.
    pub markers: Vec<Rule>,
}

/// Maps data values to pixels along one axis.
#[derive(Debug, Clone, Copy)]
struct Scale {
    lo: f64,
    hi: f64,
    log: bool,
    from: f64,
    to: f64,
}

impl Scale {
    fn new(axis: &Axis, values: impl Iterator<Item = f64>, from: f64, to: f64) -> Scale {
        let values: Vec<f64> = values
            .filter(|v| v.is_finite() && (!axis.log || *v > 0.0))
            .collect();
        let data_lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let data_hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (data_lo, data_hi) = if data_lo.is_finite() {
            (data_lo, data_hi)
        } else {
            (1.0, 10.0)
        };
        let (mut lo, mut hi) = if axis.log {
            (
                axis.min
                    .unwrap_or_else(|| 10f64.powf(data_lo.log10().floor())),
                axis.max
                    .unwrap_or_else(|| 10f64.powf(data_hi.log10().ceil())),
            )
        } else {
            let hi = axis.max.unwrap_or_else(|| nice_ceiling(data_hi * 1.08));
            (axis.min.unwrap_or(data_lo.min(0.0)), hi)
        };
        if hi <= lo {
            hi = if axis.log { lo * 10.0 } else { lo + 1.0 };
        }
        if axis.log && lo <= 0.0 {
            lo = hi / 1e3;
        }
        Scale {
            lo,
            hi,
            log: axis.log,
            from,
            to,
        }
    }

    fn at(&self, v: f64) -> f64 {
        let t = if self.log {
            (v.max(self.lo * 1e-3).log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        };
        self.from + t * (self.to - self.from)
    }

    /// Tick positions with labels.
    fn ticks(&self) -> Vec<(f64, String)> {
        if self.log {
            let mut ticks = Vec::new();
            let mut decade = 10f64.powf(self.lo.log10().floor());
            let decades = (self.hi.log10() - self.lo.log10()).round();
            let steps: &[f64] = if decades <= 2.0 {
                &[1.0, 2.0, 5.0]
            } else {
                &[1.0]
            };
            while decade <= self.hi * 1.0001 {
                for step in steps {
                    let v = decade * step;
                    if v >= self.lo * 0.9999 && v <= self.hi * 1.0001 {
                        ticks.push((v, compact(v)));
                    }
                }
                decade *= 10.0;
            }
            ticks
        } else {
            let step = nice_step((self.hi - self.lo) / 5.0);
            let mut ticks = Vec::new();
            let mut v = (self.lo / step).ceil() * step;
            while v <= self.hi + step * 1e-9 {
                ticks.push((v, thousands(v)));
                v += step;
            }
            ticks
        }
    }
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power)
}

/// The smallest "nice" number (a multiple of a nice step) at least `v`.
fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let step = nice_step(v / 5.0);
    (v / step).ceil() * step
}

/// A number with thousands separators, and a decimal only when it is small.
pub fn thousands(v: f64) -> String {
    if v.abs() < 10.0 && v.fract().abs() > 1e-9 {
        return format!("{v:.1}");
    }
    let whole = v.round() as i64;
    let digits = whole.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if whole < 0 {
        out.insert(0, '-');
    }
    out
}

/// 1, 20, 500, 1k, 20k, 1M: for log-axis labels.
fn compact(v: f64) -> String {
    if v >= 1e6 {
        format!("{}M", thousands(v / 1e6))
    } else if v >= 1e3 {
        format!("{}k", thousands(v / 1e3))
    } else if v >= 1.0 {
        thousands(v)
    } else {
        format!("{v}")
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

struct Frame {
    x: Scale,
    y: Scale,
}

fn open(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         width=\"{WIDTH}\" height=\"{HEIGHT}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{}</text>\n",
        WIDTH / 2.0,
        escape(title)
    );
}

fn axes(out: &mut String, frame: &Frame, x: &Axis, y: &Axis) {
    let (x0, x1) = (LEFT, WIDTH - RIGHT);
    let (y0, y1) = (HEIGHT - BOTTOM, TOP);
    for (v, label) in frame.x.ticks() {
        let px = frame.x.at(v);
        let _ = write!(
            out,
            "<line x1=\"{px:.1}\" y1=\"{y1}\" x2=\"{px:.1}\" y2=\"{y0}\" stroke=\"#e5e5e5\"/>\n\
             <text x=\"{px:.1}\" y=\"{}\" text-anchor=\"middle\">{label}</text>\n",
            y0 + 16.0
        );
    }
    for (v, label) in frame.y.ticks() {
        let py = frame.y.at(v);
        let _ = write!(
            out,
            "<line x1=\"{x0}\" y1=\"{py:.1}\" x2=\"{x1}\" y2=\"{py:.1}\" stroke=\"#e5e5e5\"/>\n\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{label}</text>\n",
            x0 - 6.0,
            py + 4.0
        );
    }
    let _ = write!(
        out,
        "<rect x=\"{x0}\" y=\"{y1}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#444\"/>\n\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n\
         <text transform=\"translate(18 {}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
        x1 - x0,
        y0 - y1,
        (x0 + x1) / 2.0,
        HEIGHT - 14.0,
        escape(&x.label),
        (y0 + y1) / 2.0,
        escape(&y.label)
    );
}

fn legend(out: &mut String, entries: &[(String, String, bool)]) {
    if entries.is_empty() {
        return;
    }
    let width = entries
        .iter()
        .map(|(name, _, _)| name.chars().count())
        .max()
        .unwrap_or(0) as f64
        * 6.8
        + 40.0;
    let (x, y) = (LEFT + 10.0, TOP + 10.0);
    let _ = writeln!(
        out,
        "<rect x=\"{x}\" y=\"{y}\" width=\"{width:.0}\" height=\"{}\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>",
        entries.len() as f64 * 18.0 + 6.0
    );
    for (i, (name, color, dashed)) in entries.iter().enumerate() {
        let ly = y + 14.0 + i as f64 * 18.0;
        let dash = if *dashed {
            " stroke-dasharray=\"5 3\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<line x1=\"{}\" y1=\"{:.1}\" x2=\"{}\" y2=\"{:.1}\" stroke=\"{color}\" stroke-width=\"2\"{dash}/>\n\
             <text x=\"{}\" y=\"{:.1}\">{}</text>\n",
            x + 6.0,
            ly - 4.0,
            x + 28.0,
            ly - 4.0,
            x + 34.0,
            ly,
            escape(name)
        );
    }
}

impl LineChart {
    /// The chart as an SVG document.
    pub fn svg(&self) -> String {
        let xs = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0));
        let ys = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .chain(self.rules.iter().map(|r| r.at));
        let frame = Frame {
            x: Scale::new(&self.x, xs, LEFT, WIDTH - RIGHT),
            y: Scale::new(&self.y, ys, HEIGHT - BOTTOM, TOP),
        };
        let mut out = String::new();
        open(&mut out, &self.title);
        axes(&mut out, &frame, &self.x, &self.y);
        for rule in &self.rules {
            let py = frame.y.at(rule.at);
            let _ = write!(
                out,
                "<line x1=\"{LEFT}\" y1=\"{py:.1}\" x2=\"{}\" y2=\"{py:.1}\" stroke=\"{}\" stroke-dasharray=\"2 3\"/>\n\
                 <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"{}\">{}</text>\n",
                WIDTH - RIGHT,
                rule.color,
                WIDTH - RIGHT - 4.0,
                py - 4.0,
                rule.color,
                escape(&rule.label)
            );
        }
        for series in &self.series {
            let path: Vec<String> = series
                .points
                .iter()
                .map(|&(x, y)| format!("{:.1},{:.1}", frame.x.at(x), frame.y.at(y)))
                .collect();
            let dash = if series.dashed {
                " stroke-dasharray=\"5 3\""
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{dash}/>",
                path.join(" "),
                series.color
            );
            for &(x, y) in &series.points {
                let _ = writeln!(
                    out,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{}\"><title>{}: {}</title></circle>",
                    frame.x.at(x),
                    frame.y.at(y),
                    series.color,
                    escape(&series.name),
                    thousands(y)
                );
            }
        }
        let entries: Vec<_> = self
            .series
            .iter()
            .map(|s| (s.name.clone(), s.color.clone(), s.dashed))
            .collect();
        legend(&mut out, &entries);
        out.push_str("</svg>\n");
        out
    }
}

impl Histogram {
    /// The histogram as an SVG document.
    pub fn svg(&self) -> String {
        let xs = self
            .bars
            .iter()
            .flat_map(|b| [b.0, b.1])
            .chain(self.markers.iter().map(|m| m.at));
        let ys = self.bars.iter().map(|b| b.2);
        let frame = Frame {
            x: Scale::new(&self.x, xs, LEFT, WIDTH - RIGHT),
            y: Scale::new(&self.y, ys, HEIGHT - BOTTOM, TOP),
        };
        let mut out = String::new();
        open(&mut out, &self.title);
        axes(&mut out, &frame, &self.x, &self.y);
        let base = frame.y.at(frame.y.lo);
        for &(lo, hi, height) in &self.bars {
            let (x0, x1) = (frame.x.at(lo), frame.x.at(hi));
            let top = frame.y.at(height);
            let _ = writeln!(
                out,
                "<rect x=\"{x0:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\" stroke=\"white\" stroke-width=\"0.5\"/>",
                (x1 - x0).max(0.5),
                (base - top).max(0.0),
                self.color
            );
        }
        for (i, marker) in self.markers.iter().enumerate() {
            let px = frame.x.at(marker.at);
            // Labels near the right edge go on the left of their line.
            let (lx, anchor) = if px > WIDTH - RIGHT - 160.0 {
                (px - 4.0, "end")
            } else {
                (px + 4.0, "start")
            };
            let _ = write!(
                out,
                "<line x1=\"{px:.1}\" y1=\"{TOP}\" x2=\"{px:.1}\" y2=\"{}\" stroke=\"{}\" stroke-dasharray=\"4 3\"/>\n\
                 <text x=\"{lx:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" fill=\"{}\">{}</text>\n",
                HEIGHT - BOTTOM,
                marker.color,
                TOP + 14.0 + i as f64 * 14.0,
                marker.color,
                escape(&marker.label)
            );
        }
        out.push_str("</svg>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(thousands(1234567.0), "1,234,567");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(2.5), "2.5");
        assert_eq!(compact(5000.0), "5k");
    }

    #[test]
    fn log_scales_span_whole_decades_and_label_them() {
        let axis = Axis::log("x");
        let scale = Scale::new(&axis, [3.0, 40.0].into_iter(), 0.0, 100.0);
        assert_eq!((scale.lo, scale.hi), (1.0, 100.0));
        assert!((scale.at(10.0) - 50.0).abs() < 1e-9);
        let labels: Vec<String> = scale.ticks().into_iter().map(|t| t.1).collect();
        assert_eq!(labels, ["1", "2", "5", "10", "20", "50", "100"]);
    }

    #[test]
    fn a_chart_is_one_svg_document_with_every_series() {
        let chart = LineChart {
            title: "a < b".into(),
            x: Axis::linear("players"),
            y: Axis::log("bytes"),
            series: vec![Series {
                name: "delta".into(),
                points: vec![(2.0, 100.0), (10.0, 500.0)],
                color: PALETTE[0].into(),
                dashed: false,
            }],
            rules: vec![Rule {
                at: 1000.0,
                label: "target".into(),
                color: "#888".into(),
            }],
        };
        let svg = chart.svg();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert!(svg.contains("a &lt; b") && svg.contains("<polyline"));
    }
}
