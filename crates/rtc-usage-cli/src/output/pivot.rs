//! `--by KEY`: the records pivoted into one wide table. Rows are the values of the key (each
//! app, vendor, account, tier or category), columns the periods of the records (billing days,
//! or months with `--granularity month`; finer buckets added into their day), then the row's
//! total; the last row is the total of each period. Cells add every record of their row and
//! period: all tiers (audio and video, priced differently) and all categories asked, which
//! the caption says; `--by tier` keeps the tiers apart.
//!
//! Every format holds minutes beside seconds: the table shows minutes per period and the
//! row totals in both; CSV has a `_seconds` and a `_minutes` column per period; JSON has a
//! `seconds` and a `minutes` array per row.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use clap::ValueEnum;
use rtc_usage::{Bucket, DEFAULT_ACCOUNT, Tier, UsageRecord};
use serde::Serialize;

use super::table::{Table, millis, minutes, seconds};
use crate::cli::Format;

/// What the rows of a pivot are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum By {
    /// One row per app: VENDOR:APP (ACCOUNT:APP for an account of the config file).
    App,
    /// One row per vendor.
    Vendor,
    /// One row per account: VENDOR:ACCOUNT (`default` for the environment's).
    Account,
    /// One row per common tier (audio, sd, hd...).
    Tier,
    /// One row per category (call, recording, transcoding).
    Category,
}

impl By {
    pub fn name(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Vendor => "vendor",
            Self::Account => "account",
            Self::Tier => "tier",
            Self::Category => "category",
        }
    }

    /// The row of `record`, with the tier first so tiers sort audio, sd, hd... not by name.
    fn key(self, record: &UsageRecord) -> (Option<Tier>, String) {
        match self {
            Self::App if record.account != DEFAULT_ACCOUNT => {
                (None, format!("{}:{}", record.account, record.app))
            }
            Self::App => (None, format!("{}:{}", record.vendor, record.app)),
            Self::Vendor => (None, record.vendor.to_string()),
            Self::Account => (None, format!("{}:{}", record.vendor, record.account)),
            Self::Tier => (Some(record.tier), record.tier.to_string()),
            Self::Category => (None, record.category.to_string()),
        }
    }
}

/// The pivoted records: milliseconds (summed exactly) per row and period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pivot {
    pub by: By,
    /// `day` or `month`.
    pub step: &'static str,
    /// `2026-11-01` (days) or `2026-11` (months), in order.
    pub periods: Vec<String>,
    /// The row's label and its milliseconds per period.
    pub rows: Vec<(String, Vec<i64>)>,
    /// What the cells add across: `all tiers`, `all categories`.
    pub added: Vec<&'static str>,
}

impl Pivot {
    pub fn new(by: By, records: &[UsageRecord]) -> Self {
        let monthly = records.iter().any(|r| r.granularity == Bucket::Month);
        let period = |r: &UsageRecord| {
            r.start
                .format(if monthly { "%Y-%m" } else { "%Y-%m-%d" })
                .to_string()
        };
        let periods: Vec<String> = records
            .iter()
            .map(period)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let column: BTreeMap<&str, usize> = periods
            .iter()
            .enumerate()
            .map(|(i, p)| (p.as_str(), i))
            .collect();
        let mut rows: BTreeMap<(Option<Tier>, String), Vec<i64>> = BTreeMap::new();
        for record in records {
            let row = rows
                .entry(by.key(record))
                .or_insert_with(|| vec![0; periods.len()]);
            if let Some(&i) = column.get(period(record).as_str()) {
                row[i] = row[i].saturating_add(millis(record.seconds));
            }
        }
        let distinct = |f: fn(&UsageRecord) -> String| {
            records.iter().map(f).collect::<BTreeSet<_>>().len() > 1
        };
        let mut added = Vec::new();
        if by != By::Tier && distinct(|r| r.tier.to_string()) {
            added.push("all tiers");
        }
        if by != By::Category && distinct(|r| r.category.to_string()) {
            added.push("all categories");
        }
        Self {
            by,
            step: if monthly { "month" } else { "day" },
            periods,
            rows: rows.into_iter().map(|((_, label), v)| (label, v)).collect(),
            added,
        }
    }

    /// Each period's total over the rows.
    pub fn column_totals(&self) -> Vec<i64> {
        let mut totals = vec![0i64; self.periods.len()];
        for (_, row) in &self.rows {
            for (total, cell) in totals.iter_mut().zip(row) {
                *total = total.saturating_add(*cell);
            }
        }
        totals
    }

    /// One line saying what the table is.
    pub fn caption(&self) -> String {
        let mut caption = format!(
            "Minutes per {} by {} (each vendor's billing {}s",
            self.step,
            self.by.name(),
            self.step
        );
        for added in &self.added {
            caption.push_str(&format!("; {added} added"));
        }
        caption.push(')');
        caption
    }

    /// Every row, then the total row, with the row's total last.
    fn lines(&self) -> Vec<(String, Vec<i64>, i64)> {
        let sum = |v: &[i64]| v.iter().copied().fold(0i64, i64::saturating_add);
        let mut lines: Vec<(String, Vec<i64>, i64)> = self
            .rows
            .iter()
            .map(|(label, v)| (label.clone(), v.clone(), sum(v)))
            .collect();
        let totals = self.column_totals();
        let all = sum(&totals);
        lines.push(("total".to_owned(), totals, all));
        lines
    }

    /// The table, fitted to `width` columns: period headers without the year when every
    /// period is of one year (the caption says it), blocks of periods when still too wide.
    pub fn table(&self, width: Option<usize>, out: &mut dyn Write) -> io::Result<()> {
        if self.rows.is_empty() {
            return writeln!(out, "No usage in this range.");
        }
        let years: BTreeSet<&str> = self.periods.iter().map(|p| &p[..4]).collect();
        let short = self.step == "day" && years.len() == 1;
        let headers: Vec<String> = self
            .periods
            .iter()
            .map(|p| if short { p[5..].to_owned() } else { p.clone() })
            .collect();
        let mut caption = self.caption();
        if short && let Some(year) = years.first() {
            caption.push_str(&format!(", {year}"));
        }
        let caption = rtc_usage::core::error::printable(&caption);
        writeln!(out, "{}\n", super::table::wrap(&caption, width))?;
        let mut columns: Vec<(&str, bool)> = vec![(self.by.name(), false)];
        columns.extend(headers.iter().map(|h| (h.as_str(), true)));
        columns.extend([("total min", true), ("total s", true)]);
        let mut table = Table::new(&columns);
        for (label, cells, total) in self.lines() {
            let mut row = vec![label];
            row.extend(cells.iter().map(|m| minutes(*m)));
            row.extend([minutes(total), seconds(total)]);
            table.push(row);
        }
        table.write_fitted(out, width, 1)
    }

    /// CSV: the key column, `PERIOD_seconds` and `PERIOD_minutes` per period, then
    /// `total_seconds` and `total_minutes`; the last row is `total`.
    pub fn csv(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut header = vec![self.by.name().to_owned()];
        for period in self.periods.iter().map(String::as_str).chain(["total"]) {
            header.push(format!("{period}_seconds"));
            header.push(format!("{period}_minutes"));
        }
        let mut lines = vec![header];
        for (label, cells, total) in self.lines() {
            let mut row = vec![label];
            for m in cells.iter().chain([&total]) {
                row.push(exact_seconds(*m).to_string());
                row.push(super::minutes(exact_seconds(*m)).to_string());
            }
            lines.push(row);
        }
        for line in lines {
            let cells: Vec<String> = line
                .iter()
                .map(|c| super::csv::quote(&rtc_usage::core::error::printable(c)).into_owned())
                .collect();
            writeln!(out, "{}", cells.join(","))?;
        }
        Ok(())
    }

    /// JSON: `{"by", "granularity", "periods", "rows": [{"key", "seconds", "minutes",
    /// "total_seconds", "total_minutes"}], "total": {...}}`.
    pub fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        #[derive(Serialize)]
        struct Line {
            key: String,
            seconds: Vec<f64>,
            minutes: Vec<f64>,
            total_seconds: f64,
            total_minutes: f64,
        }
        #[derive(Serialize)]
        struct Document<'a> {
            by: &'static str,
            granularity: &'static str,
            added: &'a [&'static str],
            periods: &'a [String],
            rows: Vec<Line>,
            total: Line,
        }
        let mut lines: Vec<Line> = self
            .lines()
            .into_iter()
            .map(|(key, cells, total)| Line {
                key,
                seconds: cells.iter().map(|m| exact_seconds(*m)).collect(),
                minutes: cells
                    .iter()
                    .map(|m| super::minutes(exact_seconds(*m)))
                    .collect(),
                total_seconds: exact_seconds(total),
                total_minutes: super::minutes(exact_seconds(total)),
            })
            .collect();
        let total = lines.pop().expect("the total line");
        let document = Document {
            by: self.by.name(),
            granularity: self.step,
            added: &self.added,
            periods: &self.periods,
            rows: lines,
            total,
        };
        serde_json::to_writer(&mut *out, &document)?;
        out.write_all(b"\n")
    }
}

fn exact_seconds(millis: i64) -> f64 {
    millis as f64 / 1000.0
}

/// `records` pivoted by `by`, in `format`; HTML is the report with the pivot on top.
pub fn render(
    format: Format,
    by: By,
    records: &[UsageRecord],
    out: &mut dyn Write,
) -> io::Result<()> {
    let pivot = Pivot::new(by, records);
    match format {
        Format::Table => pivot.table(super::terminal_width(), out),
        Format::Csv => pivot.csv(out),
        Format::Json => pivot.json(out),
        Format::Html => {
            let context = super::html::Context::of_this_run();
            super::html::usage_with_pivot(records, &context, Some(&pivot), out)
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;
    use rtc_usage::{Category, Vendor};

    use super::*;

    fn record(vendor: &str, app: &str, day: &str, tier: Tier, seconds: f64) -> UsageRecord {
        UsageRecord::new(
            Vendor::get(vendor).unwrap(),
            app,
            DateTime::parse_from_rfc3339(&format!("{day}T00:00:00+08:00")).unwrap(),
            Bucket::Day,
            tier,
            tier.as_str(),
            seconds,
        )
    }

    fn records() -> Vec<UsageRecord> {
        vec![
            record("tencent", "1", "2026-11-01", Tier::Audio, 60.0),
            record("tencent", "1", "2026-11-01", Tier::Hd, 30.0),
            record("tencent", "1", "2026-11-02", Tier::Audio, 0.1),
            record("tencent", "2", "2026-11-02", Tier::Audio, 0.2),
            record("volcengine", "v", "2026-11-02", Tier::Hd, 600.0)
                .with_category(Category::Recording),
        ]
    }

    #[test]
    fn rows_and_columns_add_up_exactly() {
        let pivot = Pivot::new(By::App, &records());
        assert_eq!(pivot.periods, ["2026-11-01", "2026-11-02"]);
        assert_eq!(
            pivot.rows,
            [
                ("tencent:1".to_owned(), vec![90_000, 100]),
                ("tencent:2".to_owned(), vec![0, 200]),
                ("volcengine:v".to_owned(), vec![0, 600_000]),
            ]
        );
        assert_eq!(pivot.column_totals(), [90_000, 600_300]);
        assert_eq!(pivot.added, ["all tiers", "all categories"]);
        let tiers = Pivot::new(By::Tier, &records());
        assert_eq!(
            tiers.rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
            ["audio", "hd"]
        );
        assert_eq!(tiers.added, ["all categories"]);
    }

    #[test]
    fn the_table_fits_80_columns_in_blocks_of_days() {
        let mut many = Vec::new();
        for day in 1..=14 {
            many.push(record(
                "tencent",
                "1400000001",
                &format!("2026-11-{day:02}"),
                Tier::Audio,
                123_456.0,
            ));
        }
        let pivot = Pivot::new(By::App, &many);
        let mut out = Vec::new();
        pivot.table(Some(80), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
        assert!(text.starts_with("Minutes per day by app (each vendor's billing days), 2026"));
        // Every block repeats the row names; the last holds the totals.
        assert!(text.matches("tencent:1400000001").count() >= 2, "{text}");
        assert!(text.contains("total min"));
        assert!(
            text.contains("28806.40") && text.contains("1728384"),
            "{text}"
        );
        let mut wide = Vec::new();
        pivot.table(None, &mut wide).unwrap();
        let wide = String::from_utf8(wide).unwrap();
        assert_eq!(wide.lines().filter(|l| l.contains("total min")).count(), 1);
    }

    #[test]
    fn csv_and_json_carry_seconds_and_minutes() {
        let pivot = Pivot::new(By::Vendor, &records());
        let mut csv = Vec::new();
        pivot.csv(&mut csv).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "vendor,2026-11-01_seconds,2026-11-01_minutes,2026-11-02_seconds,2026-11-02_minutes,total_seconds,total_minutes"
        );
        assert_eq!(lines[1], "tencent,90,1.5,0.3,0.005,90.3,1.505");
        assert_eq!(lines[3], "total,90,1.5,600.3,10.005,690.3,11.505");
        let mut json = Vec::new();
        pivot.json(&mut json).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(json["by"], "vendor");
        assert_eq!(json["rows"][1]["key"], "volcengine");
        assert_eq!(json["rows"][1]["minutes"], serde_json::json!([0.0, 10.0]));
        assert_eq!(json["total"]["total_seconds"], 690.3);
    }
}
