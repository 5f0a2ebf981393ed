//! `--format html`: one self-contained page that opens with no network: the query and when it
//! ran, for each vendor (and category) a stacked bar chart of minutes per day (per month past
//! [`DAYS_MAX`] days, or for `--granularity month`) by common tier, one chart across vendors, and a table per app with row
//! and column totals in minutes and seconds; provisional days are marked in both.
//!
//! No chart library and no JavaScript: the charts are SVG written here ([`chart`]), a few
//! hundred lines that need no dependency, keep the binary small and draw the same in any
//! browser, printed or offline. A JavaScript library would have to be inlined (hundreds of
//! KB per file) and would draw nothing with scripts disabled; the Rust plotting crates
//! (plotters) bring font and image stacks the CLI does not need. CSS is inline in one
//! `<style>`; no font, image or script is loaded.
//!
//! Text from servers and the command line (app ids, vendor tier names, arguments) is made
//! printable first (control characters written out as `\u{..}`, secrets after known markers
//! redacted: [`rtc_usage::core::error::printable`]) and then HTML-escaped, in text and in
//! attribute values alike. The document is also well-formed XML (every element closed).
//!
//! A period is *provisional* when one of its records is ([`UsageRecord::provisional`]: a day
//! that had not ended, or had ended less than the vendor's documented data delay before it
//! was fetched, by [`rtc_usage::freshness`]). Audio and video minutes are priced differently: they are
//! added only in columns and bars labelled "all tiers".

mod chart;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::time::Duration;

use chrono::{DateTime, Datelike, FixedOffset, Months, NaiveDate, SecondsFormat, Utc};
use rtc_usage::{Bucket, Category, Tier, UsageRecord, Vendor};

use chart::{Chart, Layout, Period, Series};

use super::pivot::Pivot;

/// Longer ranges are charted and tabled by month.
pub const DAYS_MAX: i64 = 92;

/// What the page says about the run that made it.
#[derive(Debug, Clone)]
pub struct Context {
    /// The command line as typed (shell-quoted where needed).
    pub command: String,
    /// When the report was made; provisional periods are judged against it.
    pub generated: DateTime<Utc>,
}

impl Context {
    /// This process's arguments (never its environment; the program by its file name, not
    /// the directory it was run from) and the time now.
    pub fn of_this_run() -> Self {
        let mut args = std::env::args();
        let program = args.next().map(|path| {
            std::path::Path::new(&path)
                .file_name()
                .map_or(path.clone(), |name| name.to_string_lossy().into_owned())
        });
        Self {
            command: command_line(program.into_iter().chain(args)),
            generated: Utc::now(),
        }
    }
}

/// The HTML report of `records`.
pub fn usage(records: &[UsageRecord], context: &Context, out: &mut dyn Write) -> io::Result<()> {
    usage_with_pivot(records, context, None, out)
}

/// [`usage`], with the `--by` table on top when there is one.
pub fn usage_with_pivot(
    records: &[UsageRecord],
    context: &Context,
    pivot: Option<&Pivot>,
    out: &mut dyn Write,
) -> io::Result<()> {
    out.write_all(document_with(records, context, pivot).as_bytes())
}

/// `args` joined by spaces, each quoted for a POSIX shell when it has to be.
pub fn command_line(args: impl IntoIterator<Item = String>) -> String {
    args.into_iter()
        .map(|arg| {
            let plain = !arg.is_empty()
                && arg
                    .chars()
                    .all(|c| c.is_alphanumeric() || "-_./:=,@%+".contains(c));
            if plain {
                arg
            } else {
                format!("'{}'", arg.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Days, or months for a long range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Day,
    Month,
}

impl Step {
    fn name(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Month => "month",
        }
    }

    fn period_of(self, day: NaiveDate) -> NaiveDate {
        match self {
            Self::Day => day,
            Self::Month => day.with_day(1).unwrap_or(day),
        }
    }

    fn next(self, period: NaiveDate) -> NaiveDate {
        match self {
            Self::Day => period.succ_opt().unwrap_or(period),
            Self::Month => period.checked_add_months(Months::new(1)).unwrap_or(period),
        }
    }

    fn tick(self, period: NaiveDate) -> String {
        match self {
            Self::Day => period.format("%m-%d").to_string(),
            Self::Month => period.format("%Y-%m").to_string(),
        }
    }

    fn full(self, period: NaiveDate) -> String {
        match self {
            Self::Day => period.format("%Y-%m-%d").to_string(),
            Self::Month => period.format("%Y-%m").to_string(),
        }
    }
}

/// One app's usage: milliseconds per period and tier (summed exactly), and the vendor's
/// names of each tier.
#[derive(Debug, Default)]
struct Grid {
    millis: BTreeMap<(NaiveDate, Tier), i64>,
    periods: BTreeSet<NaiveDate>,
    vendor_tiers: BTreeMap<Tier, BTreeSet<String>>,
}

impl Grid {
    fn add(&mut self, period: NaiveDate, record: &UsageRecord) {
        let sum = self.millis.entry((period, record.tier)).or_default();
        *sum = sum.saturating_add(millis(record.seconds));
        self.periods.insert(period);
        self.vendor_tiers
            .entry(record.tier)
            .or_default()
            .insert(record.vendor_tier.clone());
    }

    fn get(&self, period: NaiveDate, tier: Tier) -> i64 {
        self.millis.get(&(period, tier)).copied().unwrap_or(0)
    }

    fn period_total(&self, period: NaiveDate) -> i64 {
        self.millis
            .range((period, Tier::Audio)..=(period, Tier::Other))
            .map(|(_, m)| *m)
            .fold(0, i64::saturating_add)
    }

    fn tier_total(&self, tier: Tier) -> i64 {
        self.millis
            .iter()
            .filter(|((_, t), _)| *t == tier)
            .map(|(_, m)| *m)
            .fold(0, i64::saturating_add)
    }

    fn total(&self) -> i64 {
        self.millis.values().copied().fold(0, i64::saturating_add)
    }
}

/// One vendor and category: its apps' grids and its provisional periods.
#[derive(Debug)]
struct Section {
    vendor: Vendor,
    category: Category,
    offset: FixedOffset,
    /// The vendor's documented data delay, for the note on provisional periods.
    delay: Option<Duration>,
    apps: BTreeMap<String, Grid>,
    /// Every app's usage added.
    all: Grid,
    provisional: BTreeSet<NaiveDate>,
}

impl Section {
    fn tiers(&self) -> Vec<Tier> {
        self.all.vendor_tiers.keys().copied().collect()
    }

    fn anchor(&self) -> String {
        format!("{}-{}", self.vendor.id(), self.category)
    }
}

/// The records laid out by period.
struct Report {
    step: Step,
    /// Every period from the first record's to the last's, with none left out.
    periods: Vec<NaiveDate>,
    sections: Vec<Section>,
}

impl Report {
    fn new(records: &[UsageRecord]) -> Self {
        let days: BTreeSet<NaiveDate> = records.iter().map(|r| r.start.date_naive()).collect();
        let (first, last) = match (days.first(), days.last()) {
            (Some(first), Some(last)) => (*first, *last),
            _ => {
                return Self {
                    step: Step::Day,
                    periods: Vec::new(),
                    sections: Vec::new(),
                };
            }
        };
        let monthly = records.iter().any(|r| r.granularity == Bucket::Month);
        let step = if !monthly && (last - first).num_days() < DAYS_MAX {
            Step::Day
        } else {
            Step::Month
        };
        let mut periods = Vec::new();
        let mut period = step.period_of(first);
        while period <= last && periods.last() != Some(&period) {
            periods.push(period);
            period = step.next(period);
        }
        let mut sections: BTreeMap<(Vendor, Category), Section> = BTreeMap::new();
        for record in records {
            let section = sections
                .entry((record.vendor, record.category))
                .or_insert_with(|| Section {
                    vendor: record.vendor,
                    category: record.category,
                    offset: *record.start.offset(),
                    delay: rtc_usage::freshness::Freshness::of_record(record)
                        .map(|f| f.delay())
                        .filter(|d| !d.is_zero()),
                    apps: BTreeMap::new(),
                    all: Grid::default(),
                    provisional: BTreeSet::new(),
                });
            let period = step.period_of(record.start.date_naive());
            section
                .apps
                .entry(record.app.clone())
                .or_default()
                .add(period, record);
            section.all.add(period, record);
            if record.provisional {
                section.provisional.insert(period);
            }
        }
        let sections: Vec<Section> = sections.into_values().collect();
        Self {
            step,
            periods,
            sections,
        }
    }

    fn categories(&self) -> BTreeSet<Category> {
        self.sections.iter().map(|s| s.category).collect()
    }
}

/// Fixed per common tier, in every chart and table; each at least 3:1 against white.
fn tier_color(tier: Tier) -> &'static str {
    match tier {
        Tier::Audio => "#0072b2",
        Tier::Sd => "#00805c",
        Tier::Hd => "#c75300",
        Tier::Fhd => "#a8457f",
        Tier::TwoK => "#7a6400",
        Tier::FourK => "#5b4bb7",
        _ => "#6e7781",
    }
}

/// The tier as the page names it: its common name and the resolution it stands for.
fn tier_label(tier: Tier) -> String {
    match tier {
        Tier::Sd => "sd ≤480p".to_owned(),
        Tier::Hd => "hd 720p".to_owned(),
        Tier::Fhd => "fhd 1080p".to_owned(),
        other => other.to_string(),
    }
}

/// Vendors in the cross-vendor chart: darker tones than the tier colors, by registry order.
fn vendor_color(vendor: Vendor) -> &'static str {
    const COLORS: [&str; 8] = [
        "#1b3a5c", "#8a3b12", "#3d5a1e", "#5c2a6b", "#7a1f2b", "#2f4f4f", "#4a4a8a", "#6b4e16",
    ];
    let rank = Vendor::all().position(|v| v == vendor).unwrap_or(0);
    COLORS[rank % COLORS.len()]
}

const STYLE: &str = "\
:root{color-scheme:light}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;color:#1f2328;background:#ffffff;margin:0 auto;padding:24px 40px;max-width:1200px;line-height:1.4}
h1{font-size:26px;margin:0 0 12px}
h2{font-size:20px;margin:36px 0 6px;padding-top:12px;border-top:2px solid #d0d7de}
h2 small,h3 small{font-weight:normal;color:#57606a;font-size:14px}
h3{font-size:16px;margin:22px 0 6px}
dl.query{display:grid;grid-template-columns:max-content auto;gap:4px 16px;margin:0 0 12px}
dl.query dt{font-weight:600;color:#424a53}
dl.query dd{margin:0}
code{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:13px;background:#f6f8fa;padding:2px 5px;border-radius:4px;overflow-wrap:anywhere}
p.note{color:#424a53;font-size:14px;margin:6px 0}
p.empty{font-size:18px;padding:24px;background:#f6f8fa;border-radius:6px}
svg.chart{display:block;max-width:100%;height:auto;margin:8px 0}
table{border-collapse:collapse;font-size:13px;margin:6px 0 12px;font-variant-numeric:tabular-nums}
th,td{border:1px solid #d0d7de;padding:4px 10px}
thead th{background:#f6f8fa;vertical-align:bottom;text-align:right}
thead th:first-child,tbody th,tfoot th{text-align:left}
th .vt{display:block;font-weight:normal;color:#57606a;font-size:11px}
td{text-align:right;white-space:nowrap}
td small{display:block;color:#57606a;font-size:11px}
td.none{color:#8c959f;text-align:center}
.all{background:#f6f8fa}
tfoot th,tfoot td{font-weight:600;border-top:2px solid #57606a}
tr.prov th,tr.prov td{background:#fff8c5}
.badge{display:inline-block;background:#9a6700;color:#ffffff;border-radius:8px;padding:0 6px;font-size:11px;font-weight:600;margin-left:4px}
.swatch{display:inline-block;width:11px;height:11px;margin-right:5px;vertical-align:-1px;border-radius:2px}
footer{margin-top:40px;color:#57606a;font-size:12px;border-top:1px solid #d0d7de;padding-top:8px}
";

/// The whole page (without a pivot: the tests' entry).
#[cfg(test)]
fn document(records: &[UsageRecord], context: &Context) -> String {
    document_with(records, context, None)
}

/// The whole page, with `pivot` first when given.
fn document_with(records: &[UsageRecord], context: &Context, pivot: Option<&Pivot>) -> String {
    let report = Report::new(records);
    let mut s = String::new();
    let range = match (report.periods.first(), report.periods.last()) {
        (Some(first), Some(last)) => format!(
            "{} to {}",
            report.step.full(*first),
            report.step.full(*last)
        ),
        _ => "no data".to_owned(),
    };
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>RTC usage, {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        text(&range)
    );
    header(&mut s, &report, records.len(), context, &range);
    s.push_str("<main>\n");
    if report.sections.is_empty() {
        s.push_str("<p class=\"empty\">No usage in this range: there is no data to chart.</p>\n");
    } else {
        if let Some(pivot) = pivot {
            pivot_table(&mut s, pivot);
        }
        for category in report.categories() {
            cross_vendor(&mut s, &report, category);
        }
        for (n, section) in report.sections.iter().enumerate() {
            vendor_section(&mut s, &report, section, n);
        }
    }
    let _ = write!(
        s,
        "</main>\n<footer>Made by rtc-usage {}. Self-contained: this page loads no script, \
         font or image. Minutes are seconds ÷ 60.</footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    s
}

fn header(s: &mut String, report: &Report, count: usize, context: &Context, range: &str) {
    let generated = context.generated.to_rfc3339_opts(SecondsFormat::Secs, true);
    let calendars: Vec<String> = report
        .sections
        .iter()
        .map(|sec| (sec.vendor, sec.offset))
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .map(|(vendor, offset)| format!("{vendor} UTC{offset}"))
        .collect();
    let apps: BTreeSet<(Vendor, &str)> = report
        .sections
        .iter()
        .flat_map(|sec| sec.apps.keys().map(move |app| (sec.vendor, app.as_str())))
        .collect();
    let vendors: BTreeSet<Vendor> = report.sections.iter().map(|sec| sec.vendor).collect();
    let _ = write!(
        s,
        "<header>\n<h1>RTC usage</h1>\n<dl class=\"query\">\n\
         <dt>Query</dt><dd><code id=\"query\">{}</code></dd>\n\
         <dt>Made</dt><dd><time id=\"generated\" datetime=\"{generated}\">{generated}</time> (UTC)</dd>\n\
         <dt>Range</dt><dd id=\"range\">{}{}</dd>\n\
         <dt>Records</dt><dd>{count} records; {} vendors, {} apps; by {}</dd>\n</dl>\n",
        text(&context.command),
        text(range),
        if calendars.is_empty() {
            String::new()
        } else {
            text(&format!(
                ", each vendor's billing {}s ({})",
                report.step.name(),
                calendars.join(", ")
            ))
        },
        vendors.len(),
        apps.len(),
        report.step.name(),
    );
    if !report.sections.is_empty() {
        let _ = writeln!(
            s,
            "<p class=\"note\">Audio and each video tier are priced differently: \
             <b>all tiers</b> adds their minutes for volume only. \
             <span class=\"badge\">*</span> provisional: the {0} held a day that had ended \
             less than the vendor's documented data delay before it was fetched (or, for a \
             vendor that documents none, was not over yet); its figures may still grow. Charts \
             draw provisional bars lighter and hatched.</p>",
            report.step.name()
        );
    }
    s.push_str("</header>\n");
}

/// Per category: minutes of every tier added, one bar per vendor and period; then each
/// vendor's totals by tier.
fn cross_vendor(s: &mut String, report: &Report, category: Category) {
    let sections: Vec<&Section> = report
        .sections
        .iter()
        .filter(|sec| sec.category == category)
        .collect();
    let _ = writeln!(
        s,
        "<section class=\"cross\" id=\"all-{category}\">\n<h2>All vendors <small>{category} \
         minutes, all tiers added, per {}</small></h2>",
        report.step.name()
    );
    let chart = Chart {
        id: format!("chart-all-{category}"),
        kind: "cross",
        vendor: None,
        title: format!(
            "{category} minutes per {} and vendor, all tiers added",
            report.step.name()
        ),
        subject: format!("{category}, all tiers"),
        layout: Layout::Grouped,
        series: sections
            .iter()
            .map(|sec| Series {
                label: sec.vendor.display_name().to_owned(),
                color: vendor_color(sec.vendor),
            })
            .collect(),
        periods: periods(report),
        minutes: report
            .periods
            .iter()
            .map(|p| {
                sections
                    .iter()
                    .map(|sec| minutes(sec.all.period_total(*p)))
                    .collect()
            })
            .collect(),
        provisional: report
            .periods
            .iter()
            .map(|p| {
                sections
                    .iter()
                    .map(|sec| sec.provisional.contains(p))
                    .collect()
            })
            .collect(),
    };
    s.push_str(&chart.svg());
    let tiers: BTreeSet<Tier> = sections.iter().flat_map(|sec| sec.tiers()).collect();
    let _ = write!(
        s,
        "<table class=\"totals\" data-category=\"{category}\">\n<caption class=\"note\">{category} \
         totals per vendor, {}</caption>\n<thead><tr><th scope=\"col\">vendor</th>",
        text(&report_range(report))
    );
    for tier in &tiers {
        tier_header(s, *tier, None);
    }
    s.push_str("<th scope=\"col\" class=\"all\">all tiers</th></tr></thead>\n<tbody>\n");
    for sec in &sections {
        let _ = write!(
            s,
            "<tr data-vendor=\"{}\"><th scope=\"row\"><span class=\"swatch\" \
             style=\"background:{}\"></span><a href=\"#{}\">{}</a></th>",
            attr(sec.vendor.id()),
            vendor_color(sec.vendor),
            attr(&sec.anchor()),
            text(sec.vendor.display_name())
        );
        for tier in &tiers {
            cell(s, sec.all.tier_total(*tier), tier.as_str(), "");
        }
        cell(s, sec.all.total(), "all", "all");
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n</section>\n");
}

/// A vendor's chart (every app added, by tier) and a table per app.
fn vendor_section(s: &mut String, report: &Report, section: &Section, n: usize) {
    let vendor = section.vendor;
    let _ = writeln!(
        s,
        "<section class=\"vendor\" id=\"{}\" data-vendor=\"{}\" data-category=\"{}\">\n\
         <h2>{} <small>{} · {} minutes by tier, per {}</small></h2>",
        attr(&section.anchor()),
        attr(vendor.id()),
        section.category,
        text(vendor.display_name()),
        text(vendor.id()),
        section.category,
        report.step.name()
    );
    let delay = match section.delay {
        Some(delay) => format!(
            "{} documents a data delay of {}: a {} ending less than that before it was \
             fetched is provisional.",
            vendor.display_name(),
            hours(delay),
            report.step.name()
        ),
        None => format!(
            "{} documents no data delay: only a {} not over yet (in its calendar, UTC{}) is \
             provisional.",
            vendor.display_name(),
            report.step.name(),
            section.offset
        ),
    };
    let _ = writeln!(
        s,
        "<p class=\"note\">{} apps added: {}. {}</p>",
        section.apps.len(),
        text(
            &section
                .apps
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        text(&delay)
    );
    let tiers = section.tiers();
    let chart = Chart {
        id: format!("chart-{n}"),
        kind: "vendor",
        vendor: Some(vendor.id().to_owned()),
        title: format!(
            "{} {} minutes per {} by tier, {} apps added",
            vendor.display_name(),
            section.category,
            report.step.name(),
            section.apps.len()
        ),
        subject: vendor.display_name().to_owned(),
        layout: Layout::Stacked,
        series: tiers
            .iter()
            .map(|t| Series {
                label: tier_label(*t),
                color: tier_color(*t),
            })
            .collect(),
        periods: periods(report),
        minutes: report
            .periods
            .iter()
            .map(|p| {
                tiers
                    .iter()
                    .map(|t| minutes(section.all.get(*p, *t)))
                    .collect()
            })
            .collect(),
        provisional: report
            .periods
            .iter()
            .map(|p| vec![section.provisional.contains(p); tiers.len()])
            .collect(),
    };
    s.push_str(&chart.svg());
    for (app, grid) in &section.apps {
        app_table(s, report, section, app, grid);
    }
    s.push_str("</section>\n");
}

/// Rows are periods, columns the app's tiers and then all tiers; the footer has the totals.
fn app_table(s: &mut String, report: &Report, section: &Section, app: &str, grid: &Grid) {
    let tiers: Vec<Tier> = grid.vendor_tiers.keys().copied().collect();
    let _ = write!(
        s,
        "<h3>App <code>{}</code> <small>{} · {}</small></h3>\n\
         <table class=\"usage\" data-vendor=\"{}\" data-category=\"{}\" data-app=\"{}\">\n\
         <thead><tr><th scope=\"col\">{}</th>",
        text(app),
        text(section.vendor.display_name()),
        section.category,
        attr(section.vendor.id()),
        section.category,
        attr(app),
        report.step.name()
    );
    for tier in &tiers {
        tier_header(s, *tier, grid.vendor_tiers.get(tier));
    }
    s.push_str(
        "<th scope=\"col\" class=\"all\" title=\"audio and video minutes added; they are \
         priced differently\">all tiers</th></tr></thead>\n<tbody>\n",
    );
    for period in &report.periods {
        let provisional = section.provisional.contains(period);
        let _ = write!(
            s,
            "<tr{}><th scope=\"row\">{}{}</th>",
            if provisional { " class=\"prov\"" } else { "" },
            report.step.full(*period),
            if provisional {
                "<span class=\"badge\" title=\"provisional\">*</span>"
            } else {
                ""
            }
        );
        if grid.periods.contains(period) {
            for tier in &tiers {
                cell(s, grid.get(*period, *tier), tier.as_str(), "");
            }
            cell(s, grid.period_total(*period), "all", "all");
        } else {
            let _ = write!(
                s,
                "<td class=\"none\" colspan=\"{}\">no records</td>",
                tiers.len() + 1
            );
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n<tfoot><tr class=\"total\"><th scope=\"row\">total</th>");
    for tier in &tiers {
        cell(s, grid.tier_total(*tier), tier.as_str(), "");
    }
    cell(s, grid.total(), "all", "all");
    s.push_str("</tr></tfoot>\n</table>\n");
    if report
        .periods
        .iter()
        .any(|p| section.provisional.contains(p))
    {
        s.push_str(
            "<p class=\"note\"><span class=\"badge\">*</span> provisional: the figures may \
             still grow.</p>\n",
        );
    }
}

fn tier_header(s: &mut String, tier: Tier, vendor_tiers: Option<&BTreeSet<String>>) {
    let names = vendor_tiers
        .map(|names| {
            format!(
                "<span class=\"vt\">{}</span>",
                text(
                    &names
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            )
        })
        .unwrap_or_default();
    let _ = write!(
        s,
        "<th scope=\"col\" data-tier=\"{}\"><span class=\"swatch\" style=\"background:{}\">\
         </span>{}{names}</th>",
        tier.as_str(),
        tier_color(tier),
        text(&tier_label(tier))
    );
}

/// `--by`: one row per key, a column per period, the row's total last; the footer totals
/// each period.
fn pivot_table(s: &mut String, pivot: &Pivot) {
    let _ = write!(
        s,
        "<section class=\"pivot\" id=\"by-{by}\">\n<h2>By {by} <small>{}</small></h2>\n\
         <table class=\"pivot\" data-by=\"{by}\">\n<thead><tr><th scope=\"col\">{by}</th>",
        text(&pivot.caption()),
        by = pivot.by.name(),
    );
    for period in &pivot.periods {
        let _ = write!(s, "<th scope=\"col\">{}</th>", text(period));
    }
    s.push_str("<th scope=\"col\" class=\"all\">total</th></tr></thead>\n<tbody>\n");
    let row = |s: &mut String, label: &str, cells: &[i64]| {
        let _ = write!(
            s,
            "<tr data-key=\"{}\"><th scope=\"row\">{}</th>",
            attr(label),
            text(label)
        );
        for (period, millis) in pivot.periods.iter().zip(cells) {
            amount(s, *millis, &format!(" data-period=\"{}\"", attr(period)));
        }
        let total = cells.iter().copied().fold(0, i64::saturating_add);
        amount(s, total, " class=\"all\" data-period=\"total\"");
        s.push_str("</tr>\n");
    };
    for (label, cells) in &pivot.rows {
        row(s, label, cells);
    }
    s.push_str("</tbody>\n<tfoot>");
    row(s, "total", &pivot.column_totals());
    s.push_str("</tfoot>\n</table>\n</section>\n");
}

/// Minutes, and the exact seconds under them (and in `data-seconds`).
fn cell(s: &mut String, millis: i64, tier: &str, class: &str) {
    let class = if class.is_empty() {
        String::new()
    } else {
        format!(" class=\"{class}\"")
    };
    amount(s, millis, &format!("{class} data-tier=\"{tier}\""));
}

/// A `<td>` with `attrs`: minutes, and the exact seconds under them (and in `data-seconds`).
fn amount(s: &mut String, millis: i64, attrs: &str) {
    let _ = write!(
        s,
        "<td{attrs} data-seconds=\"{}\">{}<small>{} s</small></td>",
        trim(millis as f64 / 1000.0, 3),
        group_digits(minutes(millis), 2),
        group_digits_trimmed(millis as f64 / 1000.0, 3)
    );
}

fn periods(report: &Report) -> Vec<Period> {
    report
        .periods
        .iter()
        .map(|p| Period {
            tick: report.step.tick(*p),
            full: report.step.full(*p),
        })
        .collect()
}

fn report_range(report: &Report) -> String {
    match (report.periods.first(), report.periods.last()) {
        (Some(first), Some(last)) => {
            format!(
                "{} to {}",
                report.step.full(*first),
                report.step.full(*last)
            )
        }
        _ => String::new(),
    }
}

/// `8 h`, `90 min`.
fn hours(delay: Duration) -> String {
    let secs = delay.as_secs();
    if secs % 3600 == 0 {
        format!("{} h", secs / 3600)
    } else {
        format!("{} min", secs.div_ceil(60))
    }
}

/// Seconds as whole milliseconds, the unit records are exact in.
fn millis(seconds: f64) -> i64 {
    (seconds * 1000.0).round() as i64
}

fn minutes(millis: i64) -> f64 {
    millis as f64 / 60_000.0
}

/// `value` with at most `decimals` decimals, trailing zeros dropped.
fn trim(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// `1234567.891` → `1,234,567.89` (with `decimals` = 2).
fn group_digits(value: f64, decimals: usize) -> String {
    group(&format!("{value:.decimals$}"))
}

/// Like [`group_digits`], trailing zeros dropped.
fn group_digits_trimmed(value: f64, decimals: usize) -> String {
    group(&trim(value, decimals))
}

fn group(number: &str) -> String {
    let (sign, number) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    let mut out = String::from(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Text from a record, a server or the command line, safe in HTML text and attribute
/// values: control characters written out, then `& < > " '` escaped.
pub(crate) fn text(raw: &str) -> String {
    let printable = rtc_usage::core::error::printable(raw);
    let mut out = String::with_capacity(printable.len());
    for c in printable.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// [`text`], for an attribute value.
pub(crate) fn attr(raw: &str) -> String {
    text(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vendor(id: &str) -> Vendor {
        Vendor::get(id).unwrap()
    }

    fn record(vendor_id: &str, app: &str, start: &str, tier: Tier, seconds: f64) -> UsageRecord {
        UsageRecord::new(
            vendor(vendor_id),
            app,
            DateTime::parse_from_rfc3339(start).unwrap(),
            Bucket::Day,
            tier,
            tier.as_str(),
            seconds,
        )
    }

    fn context(now: &str) -> Context {
        Context {
            command: "rtc-usage usage --emulator --format html".into(),
            generated: DateTime::parse_from_rfc3339(now).unwrap().to_utc(),
        }
    }

    /// Every element closed in order (void elements written `<x/>`): a parse as XML would
    /// succeed. Returns the number of elements.
    fn assert_well_formed(doc: &str) -> usize {
        let mut stack: Vec<String> = Vec::new();
        let mut count = 0;
        let mut rest = doc;
        while let Some(at) = rest.find('<') {
            rest = &rest[at + 1..];
            let end = rest.find('>').expect("a tag ends");
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            if tag.starts_with('!') {
                continue;
            }
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if let Some(closing) = tag.strip_prefix('/') {
                assert_eq!(
                    stack.pop().as_deref(),
                    Some(closing),
                    "unbalanced </{closing}>"
                );
            } else if !tag.ends_with('/') {
                stack.push(name);
                count += 1;
            } else {
                count += 1;
            }
        }
        assert!(stack.is_empty(), "unclosed: {stack:?}");
        count
    }

    #[test]
    fn server_text_comes_out_inert() {
        let mut hostile = record(
            "tencent",
            "<script>alert(1)</script>",
            "2026-11-01T00:00:00+08:00",
            Tier::Audio,
            60.0,
        );
        hostile.vendor_tier = "\"><img src=x onerror=alert(1)>".into();
        let escape = record(
            "tencent",
            "app\u{1b}[31mred\u{7}",
            "2026-11-01T00:00:00+08:00",
            Tier::Hd,
            60.0,
        );
        let doc = document(&[hostile, escape], &context("2026-11-10T00:00:00Z"));
        assert!(!doc.contains("<script"), "{doc}");
        assert!(!doc.contains("<img"), "{doc}");
        assert!(doc.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(doc.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
        assert!(!doc.chars().any(|c| c.is_control() && c != '\n'), "{doc}");
        assert!(doc.contains("app\\u{1b}[31mred\\u{7}"));
        assert_well_formed(&doc);
    }

    #[test]
    fn tables_total_each_tier_and_all_tiers_exactly() {
        let records = [
            record(
                "tencent",
                "a",
                "2026-11-01T00:00:00+08:00",
                Tier::Audio,
                0.1,
            ),
            record(
                "tencent",
                "a",
                "2026-11-01T00:00:00+08:00",
                Tier::Audio,
                0.2,
            ),
            record(
                "tencent",
                "a",
                "2026-11-02T00:00:00+08:00",
                Tier::Audio,
                600.0,
            ),
            record("tencent", "a", "2026-11-02T00:00:00+08:00", Tier::Hd, 90.0),
            record("tencent", "b", "2026-11-02T00:00:00+08:00", Tier::Hd, 1.5),
        ];
        let doc = document(&records, &context("2026-11-20T00:00:00Z"));
        let table_a = &doc[doc.find("data-app=\"a\"").unwrap()..];
        let table_a = &table_a[..table_a.find("</table>").unwrap()];
        let footer = &table_a[table_a.find("<tfoot>").unwrap()..];
        assert!(footer.contains("data-tier=\"audio\" data-seconds=\"600.3\">10.01<small>600.3 s"));
        assert!(footer.contains("data-tier=\"hd\" data-seconds=\"90\">1.50<small>90 s"));
        assert!(footer.contains("data-tier=\"all\" data-seconds=\"690.3\">11.51<small>690.3 s"));
        // A day's row adds its tiers under "all tiers".
        assert!(table_a.contains(
            "<th scope=\"row\">2026-11-02</th><td data-tier=\"audio\" data-seconds=\"600\">"
        ));
        assert!(table_a.contains("class=\"all\" data-tier=\"all\" data-seconds=\"690\">11.50"));
        // App b has no record on the first day: said so, not a zero.
        let table_b = &doc[doc.find("data-app=\"b\"").unwrap()..];
        assert!(table_b.contains("<td class=\"none\" colspan=\"2\">no records</td>"));
        // The cross-vendor totals add both apps.
        let totals = &doc[doc.find("<table class=\"totals\"").unwrap()..];
        assert!(totals.contains("data-tier=\"hd\" data-seconds=\"91.5\""));
        assert!(totals.contains("data-tier=\"all\" data-seconds=\"691.8\""));
        assert_eq!(doc.matches("data-chart=\"vendor\"").count(), 1);
        assert_eq!(doc.matches("data-chart=\"cross\"").count(), 1);
        assert_well_formed(&doc);
    }

    #[test]
    fn no_records_make_a_valid_page_saying_so() {
        let doc = document(&[], &context("2026-11-20T00:00:00Z"));
        assert!(doc.starts_with("<!DOCTYPE html>"));
        assert!(doc.contains("No usage in this range"));
        assert!(doc.contains("rtc-usage usage --emulator --format html"));
        assert!(doc.contains("2026-11-20T00:00:00Z"));
        assert!(!doc.contains("<svg"));
        assert!(assert_well_formed(&doc) > 5);
    }

    #[test]
    fn provisional_periods_are_those_of_provisional_records() {
        // Which days are provisional is the facade's (`rtc_usage::freshness`, judged when
        // fetched); the page marks the periods of the records that say so, and explains each
        // vendor's documented delay (Volcengine 8 h, Tencent none).
        let at = |vendor: &str, day: &str, provisional: bool| {
            record(
                vendor,
                "a",
                &format!("{day}T00:00:00+08:00"),
                Tier::Audio,
                60.0,
            )
            .with_provisional(provisional)
        };
        let records = [
            at("volcengine", "2026-11-09", false),
            at("volcengine", "2026-11-10", true),
            at("volcengine", "2026-11-11", true),
            at("tencent", "2026-11-09", false),
            at("tencent", "2026-11-10", false),
            at("tencent", "2026-11-11", true),
        ];
        let report = Report::new(&records);
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let volc = &report.sections[0];
        assert_eq!(volc.vendor.id(), "volcengine");
        assert_eq!(volc.delay, Some(Duration::from_secs(8 * 3600)));
        assert_eq!(
            volc.provisional,
            [day("2026-11-10"), day("2026-11-11")].into()
        );
        let tencent = &report.sections[1];
        assert_eq!(tencent.delay, None);
        assert_eq!(tencent.provisional, [day("2026-11-11")].into());
        let doc = document(&records, &context("2026-11-10T20:00:00Z"));
        assert_eq!(doc.matches("<tr class=\"prov\">").count(), 3);
        assert!(doc.contains("fill-opacity=\"0.5\""));
        assert!(doc.contains("documents a data delay of 8 h"));
        assert!(doc.contains("documents no data delay"));
    }

    #[test]
    fn long_ranges_go_by_month() {
        let records = [
            record("huawei", "h", "2026-01-15T00:00:00+00:00", Tier::Sd, 60.0),
            record("huawei", "h", "2026-06-15T00:00:00+00:00", Tier::Sd, 120.0),
        ];
        let report = Report::new(&records);
        assert_eq!(report.step, Step::Month);
        assert_eq!(report.periods.len(), 6);
        let doc = document(&records, &context("2027-01-01T00:00:00Z"));
        assert!(doc.contains("<th scope=\"row\">2026-03</th><td class=\"none\""));
        assert!(
            doc.contains(
                "<th scope=\"row\">2026-06</th><td data-tier=\"sd\" data-seconds=\"120\">"
            )
        );
    }

    #[test]
    fn the_command_line_is_quoted_like_a_shell_would_take_it() {
        let args = ["rtc-usage", "--app", "tencent:*", "--to", "it's", ""].map(String::from);
        assert_eq!(
            command_line(args),
            r"rtc-usage --app 'tencent:*' --to 'it'\''s' ''"
        );
        assert_eq!(group_digits(1234567.891, 2), "1,234,567.89");
        assert_eq!(group_digits(-1234.0, 0), "-1,234");
        assert_eq!(group_digits_trimmed(600.5, 3), "600.5");
        assert_eq!(hours(Duration::from_secs(8 * 3600)), "8 h");
    }
}
