//! Bar charts as inline SVG: stacked (one bar per period, a segment per series) or grouped
//! (one bar per series side by side in each period), with a legend, a minutes axis with
//! round ticks and gridlines, period labels thinned out to stay readable, a `<title>` per
//! segment for hover, and provisional bars drawn lighter and hatched.

use std::fmt::Write as _;

use super::{attr, text};

/// Width and height of every chart, in CSS pixels (the SVG scales down on narrow screens).
const WIDTH: f64 = 1160.0;
const HEIGHT: f64 = 360.0;
const LEFT: f64 = 84.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 48.0;
const BOTTOM: f64 = 48.0;
/// Period labels stay at least this far apart.
const LABEL_SPACING: f64 = 56.0;

/// How the series of one period are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Stacked,
    Grouped,
}

/// One series: its legend label and fill color.
#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    pub color: &'static str,
}

/// One period on the x axis.
#[derive(Debug, Clone)]
pub struct Period {
    /// Under the bar (`11-16`).
    pub tick: String,
    /// In hover titles (`2026-11-16`).
    pub full: String,
}

/// What a chart shows: `minutes[period][series]`, and which of those are provisional.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Unique in the document (pattern ids derive from it).
    pub id: String,
    /// `data-chart` of the `<svg>`: `vendor` or `cross`.
    pub kind: &'static str,
    /// `data-vendor` of the `<svg>`, for a vendor's chart.
    pub vendor: Option<String>,
    /// Read by screen readers and shown on hover of the chart background.
    pub title: String,
    /// Prefixed to every hover title (`Tencent app totals`).
    pub subject: String,
    pub layout: Layout,
    pub series: Vec<Series>,
    pub periods: Vec<Period>,
    pub minutes: Vec<Vec<f64>>,
    pub provisional: Vec<Vec<bool>>,
}

impl Chart {
    /// The chart as one `<svg>` element.
    pub fn svg(&self) -> String {
        let mut s = String::new();
        let id = attr(&self.id);
        let vendor = self
            .vendor
            .as_deref()
            .map(|v| format!(" data-vendor=\"{}\"", attr(v)))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "<svg class=\"chart\" data-chart=\"{kind}\"{vendor} \
             id=\"{id}\" role=\"img\" aria-labelledby=\"{id}-title\" width=\"{WIDTH}\" \
             height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" font-family=\"sans-serif\" \
             font-size=\"12\">",
            kind = self.kind,
        );
        let _ = writeln!(s, "<title id=\"{id}-title\">{}</title>", text(&self.title));
        let _ = writeln!(
            s,
            "<defs><pattern id=\"{id}-hatch\" width=\"6\" height=\"6\" \
             patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
             <rect width=\"6\" height=\"6\" fill=\"#ffffff\" fill-opacity=\"0.35\"/>\
             <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#1f2328\" stroke-width=\"2\" \
             stroke-opacity=\"0.55\"/></pattern></defs>"
        );
        self.legend(&mut s);
        let scale = Scale::new(self.max_bar());
        self.axes(&mut s, &scale);
        self.bars(&mut s, &scale);
        s.push_str("</svg>\n");
        s
    }

    fn plot_width(&self) -> f64 {
        WIDTH - LEFT - RIGHT
    }

    fn band(&self) -> f64 {
        self.plot_width() / self.periods.len().max(1) as f64
    }

    /// The tallest bar: a period's sum when stacked, its largest series when grouped.
    fn max_bar(&self) -> f64 {
        self.minutes
            .iter()
            .map(|row| match self.layout {
                Layout::Stacked => row.iter().sum::<f64>(),
                Layout::Grouped => row.iter().copied().fold(0.0, f64::max),
            })
            .fold(0.0, f64::max)
    }

    /// A row of swatches over the plot, then one for provisional bars.
    fn legend(&self, s: &mut String) {
        let mut x = LEFT;
        let y = 16.0;
        s.push_str("<g class=\"legend\">");
        for series in &self.series {
            let _ = write!(
                s,
                "<rect x=\"{x}\" y=\"{y}\" width=\"14\" height=\"14\" fill=\"{}\"/>\
                 <text x=\"{}\" y=\"{}\" fill=\"#1f2328\">{}</text>",
                series.color,
                x + 19.0,
                y + 11.5,
                text(&series.label)
            );
            x += 19.0 + text_width(&series.label) + 18.0;
        }
        let id = attr(&self.id);
        let _ = write!(
            s,
            "<rect x=\"{x}\" y=\"{y}\" width=\"14\" height=\"14\" fill=\"#8c959f\" \
             fill-opacity=\"0.5\"/><rect x=\"{x}\" y=\"{y}\" width=\"14\" height=\"14\" \
             fill=\"url(#{id}-hatch)\"/><text x=\"{}\" y=\"{}\" fill=\"#1f2328\">provisional *</text>",
            x + 19.0,
            y + 11.5
        );
        s.push_str("</g>\n");
    }

    /// Gridlines with minute labels, the axis title, the base line and the period labels.
    fn axes(&self, s: &mut String, scale: &Scale) {
        let bottom = HEIGHT - BOTTOM;
        s.push_str("<g class=\"axis y\">");
        for (i, value) in scale.ticks().enumerate() {
            let y = scale.y(value);
            let _ = write!(
                s,
                "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{}\" stroke-width=\"1\"/>\
                 <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#424a53\">{}</text>",
                WIDTH - RIGHT,
                if i == 0 { "#57606a" } else { "#d8dee4" },
                LEFT - 8.0,
                y + 4.0,
                scale.label(value)
            );
        }
        let mid = TOP + (bottom - TOP) / 2.0;
        let _ = write!(
            s,
            "<text x=\"18\" y=\"{mid:.1}\" text-anchor=\"middle\" fill=\"#424a53\" \
             transform=\"rotate(-90 18 {mid:.1})\">minutes</text>"
        );
        s.push_str("</g>\n<g class=\"axis x\">");
        let band = self.band();
        let every = (LABEL_SPACING / band).ceil().max(1.0) as usize;
        let last = self.periods.len().saturating_sub(1);
        for (i, period) in self.periods.iter().enumerate() {
            // Every `every`-th label, counted back from the last so the latest period is
            // always labelled.
            if (last - i) % every != 0 {
                continue;
            }
            let x = LEFT + band * (i as f64 + 0.5);
            let star = if self.provisional[i].iter().any(|p| *p) {
                "*"
            } else {
                ""
            };
            let _ = write!(
                s,
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{bottom}\" y2=\"{}\" stroke=\"#57606a\"/>\
                 <text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#424a53\">{}{star}</text>",
                bottom + 5.0,
                bottom + 20.0,
                text(&period.tick)
            );
        }
        s.push_str("</g>\n");
    }

    fn bars(&self, s: &mut String, scale: &Scale) {
        let band = self.band();
        let hatch = format!("url(#{}-hatch)", attr(&self.id));
        s.push_str("<g class=\"bars\">");
        for (i, period) in self.periods.iter().enumerate() {
            let row = &self.minutes[i];
            match self.layout {
                Layout::Stacked => {
                    let width = (band * 0.72).max(1.0);
                    let x = LEFT + band * i as f64 + (band - width) / 2.0;
                    let mut base = 0.0;
                    for (k, value) in row.iter().enumerate() {
                        if *value <= 0.0 {
                            continue;
                        }
                        let (top, bottom) = (scale.y(base + value), scale.y(base));
                        base += value;
                        self.segment(s, &hatch, (x, top, width, bottom - top), period, i, k);
                    }
                }
                Layout::Grouped => {
                    let group = band * 0.84;
                    let width = (group / row.len().max(1) as f64).max(1.0);
                    let start = LEFT + band * i as f64 + (band - group) / 2.0;
                    for (k, value) in row.iter().enumerate() {
                        if *value <= 0.0 {
                            continue;
                        }
                        let x = start + width * k as f64;
                        let (top, bottom) = (scale.y(*value), scale.y(0.0));
                        self.segment(s, &hatch, (x, top, width, bottom - top), period, i, k);
                    }
                }
            }
        }
        s.push_str("</g>\n");
    }

    /// One bar segment with its hover title; a provisional one lighter, under a hatch.
    fn segment(
        &self,
        s: &mut String,
        hatch: &str,
        (x, y, width, height): (f64, f64, f64, f64),
        period: &Period,
        i: usize,
        k: usize,
    ) {
        let series = &self.series[k];
        let provisional = self.provisional[i][k];
        let minutes = self.minutes[i][k];
        let title = format!(
            "{} · {} · {}: {} min ({} s){}",
            self.subject,
            period.full,
            series.label,
            super::group_digits(minutes, 2),
            super::group_digits(minutes * 60.0, 0),
            if provisional { " · provisional" } else { "" }
        );
        let _ = write!(
            s,
            "<rect class=\"seg{}\" x=\"{x:.2}\" y=\"{y:.2}\" width=\"{width:.2}\" \
             height=\"{:.2}\" fill=\"{}\"{} stroke=\"#ffffff\" stroke-width=\"{}\">\
             <title>{}</title></rect>",
            if provisional { " prov" } else { "" },
            height.max(0.5),
            series.color,
            if provisional {
                " fill-opacity=\"0.5\""
            } else {
                ""
            },
            if width > 4.0 { "1" } else { "0" },
            text(&title)
        );
        if provisional {
            let _ = write!(
                s,
                "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{width:.2}\" height=\"{:.2}\" \
                 fill=\"{hatch}\" pointer-events=\"none\"/>",
                height.max(0.5)
            );
        }
    }
}

/// The minutes axis: from 0 to a round top, in round steps.
struct Scale {
    step: f64,
    top: f64,
}

impl Scale {
    fn new(max: f64) -> Self {
        let max = if max.is_finite() && max > 0.0 {
            max
        } else {
            1.0
        };
        let raw = max / 5.0;
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .into_iter()
            .map(|m| m * magnitude)
            .find(|step| *step >= raw)
            .unwrap_or(10.0 * magnitude);
        let top = (max / step).ceil() * step;
        Self { step, top }
    }

    fn ticks(&self) -> impl Iterator<Item = f64> + '_ {
        let n = (self.top / self.step).round() as usize;
        (0..=n).map(|i| i as f64 * self.step)
    }

    fn y(&self, value: f64) -> f64 {
        let bottom = HEIGHT - BOTTOM;
        bottom - (value / self.top) * (bottom - TOP)
    }

    /// `120,000`, `1.5 M`, `0.25`.
    fn label(&self, value: f64) -> String {
        if self.top >= 10_000_000.0 {
            format!("{} M", super::trim(value / 1_000_000.0, 2))
        } else if self.step < 1.0 {
            super::trim(value, 2)
        } else {
            super::group_digits(value, 0)
        }
    }
}

/// An estimate of `label`'s width at 12px sans-serif, to lay out the legend.
fn text_width(label: &str) -> f64 {
    label.chars().count() as f64 * 7.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_end_on_a_round_top() {
        let s = Scale::new(93_000.0);
        assert_eq!((s.step, s.top), (20_000.0, 100_000.0));
        assert_eq!(s.ticks().count(), 6);
        assert_eq!(s.label(40_000.0), "40,000");
        let s = Scale::new(0.0);
        assert_eq!(s.top, 1.0);
        assert_eq!(s.label(0.4), "0.4");
        assert!(Scale::new(12.0).ticks().all(|t| t <= 15.0));
    }

    #[test]
    fn provisional_bars_are_hatched_and_every_segment_has_a_title() {
        let chart = Chart {
            id: "c".into(),
            kind: "vendor",
            vendor: Some("tencent".into()),
            title: "t".into(),
            subject: "Tencent".into(),
            layout: Layout::Stacked,
            series: vec![
                Series {
                    label: "audio".into(),
                    color: "#000000",
                },
                Series {
                    label: "hd".into(),
                    color: "#111111",
                },
            ],
            periods: vec![
                Period {
                    tick: "11-01".into(),
                    full: "2026-11-01".into(),
                },
                Period {
                    tick: "11-02".into(),
                    full: "2026-11-02".into(),
                },
            ],
            minutes: vec![vec![10.0, 5.0], vec![3.0, 0.0]],
            provisional: vec![vec![false, false], vec![true, true]],
        };
        let svg = chart.svg();
        assert_eq!(svg.matches("<rect class=\"seg").count(), 3);
        assert_eq!(svg.matches("<rect class=\"seg prov\"").count(), 1);
        assert_eq!(
            svg.matches("fill=\"url(#c-hatch)\" pointer-events").count(),
            1
        );
        assert!(svg.contains("<title>Tencent · 2026-11-01 · audio: 10.00 min (600 s)</title>"));
        assert!(svg.contains(">11-02*</text>"), "{svg}");
    }
}
