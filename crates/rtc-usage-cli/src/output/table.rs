//! Tables for people: aligned columns (wide CJK characters counted as two), numbers to the
//! right, seconds beside minutes because vendors bill in minutes.

use std::collections::BTreeMap;
use std::io::{self, Write};

use rtc_usage::{Bucket, Category, DistributionRecord, Tier, UsageRecord, Vendor};

/// Columns of text; `numeric` columns are right-aligned.
pub struct Table {
    headers: Vec<String>,
    numeric: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// `(header, numeric)` per column.
    pub fn new(columns: &[(&str, bool)]) -> Self {
        Self {
            headers: columns.iter().map(|c| c.0.to_owned()).collect(),
            numeric: columns.iter().map(|c| c.1).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; server text in it (a vendor's tier key) cannot reach the terminal raw.
    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(
            row.iter()
                .map(|c| rtc_usage::core::error::printable(c))
                .collect(),
        );
    }

    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        self.write_fitted(out, None, 0)
    }

    /// The table in `width` terminal columns (`None`: as wide as it takes). A table too wide
    /// is cut into blocks of whole columns, one under the other, each starting with the first
    /// `fixed` columns (what names a row), so no line wraps and no cell is cut.
    pub fn write_fitted(
        &self,
        out: &mut dyn Write,
        width: Option<usize>,
        fixed: usize,
    ) -> io::Result<()> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| display_width(h)).collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(display_width(cell));
            }
        }
        let fixed = fixed.min(widths.len());
        let span = |cols: &[usize]| -> usize {
            cols.iter().map(|c| widths[*c]).sum::<usize>() + 2 * cols.len().saturating_sub(1)
        };
        let all: Vec<usize> = (0..widths.len()).collect();
        let mut blocks: Vec<Vec<usize>> = Vec::new();
        match width {
            Some(width) if span(&all) > width && fixed < widths.len() => {
                // The first `k` columns, then `rest`.
                let with = |k: usize, rest: &[usize]| -> Vec<usize> {
                    (0..k).chain(rest.iter().copied()).collect()
                };
                let mut rest: Vec<usize> = Vec::new();
                let mut groups: Vec<Vec<usize>> = Vec::new();
                for col in fixed..widths.len() {
                    rest.push(col);
                    if rest.len() > 1 && span(&with(fixed, &rest)) > width {
                        rest.pop();
                        groups.push(std::mem::replace(&mut rest, vec![col]));
                    }
                }
                groups.push(rest);
                // A column too wide beside every naming column keeps as many of them as fit
                // (its rows are in the same order as the blocks above).
                for group in groups {
                    let k = (0..=fixed)
                        .rev()
                        .find(|k| span(&with(*k, &group)) <= width)
                        .unwrap_or(0);
                    blocks.push(with(k, &group));
                }
            }
            _ => blocks.push(all),
        }
        for (n, cols) in blocks.iter().enumerate() {
            if n > 0 {
                writeln!(out)?;
            }
            let headers: Vec<String> = cols.iter().map(|c| self.headers[*c].clone()).collect();
            self.write_line(out, cols, &headers, &widths)?;
            let rule: Vec<String> = cols.iter().map(|c| "-".repeat(widths[*c])).collect();
            self.write_line(out, cols, &rule, &widths)?;
            for row in &self.rows {
                let cells: Vec<String> = cols
                    .iter()
                    .map(|c| row.get(*c).cloned().unwrap_or_default())
                    .collect();
                self.write_line(out, cols, &cells, &widths)?;
            }
        }
        Ok(())
    }

    /// One line of the columns `cols` (indexes into the table's columns and `widths`).
    fn write_line(
        &self,
        out: &mut dyn Write,
        cols: &[usize],
        cells: &[String],
        widths: &[usize],
    ) -> io::Result<()> {
        let mut line = String::new();
        for (i, (cell, col)) in cells.iter().zip(cols).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = " ".repeat(widths[*col].saturating_sub(display_width(cell)));
            if self.numeric.get(*col).copied().unwrap_or(false) {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&pad);
            }
        }
        writeln!(out, "{}", line.trim_end())
    }
}

/// Usage records, then totals per vendor and tier (and per vendor), in the width of the
/// terminal ([`super::terminal_width`]).
pub fn usage(records: &[UsageRecord], out: &mut dyn Write) -> io::Result<()> {
    usage_fitted(records, super::terminal_width(), out)
}

/// After the start of a provisional record's bucket.
const PROVISIONAL_MARK: &str = "*";

/// The columns of the record table that can repeat on every row: one the same everywhere is
/// said once above the table instead.
const SAME_EVERYWHERE: [&str; 3] = ["account", "granularity", "category"];

/// [`usage`] in `width` columns.
pub fn usage_fitted(
    records: &[UsageRecord],
    width: Option<usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    if records.is_empty() {
        return writeln!(out, "No usage in this range.");
    }
    let columns = [
        ("vendor", false),
        ("app", false),
        ("start", false),
        ("account", false),
        ("granularity", false),
        ("category", false),
        ("tier", false),
        ("seconds", true),
        ("minutes", true),
        // Last: the longest names (Agora's `usage.durationVideo1080P`) are cut off first.
        ("vendor_tier", false),
    ];
    let cells = |r: &UsageRecord| {
        vec![
            r.vendor.to_string(),
            r.app.clone(),
            if r.provisional {
                format!("{} {PROVISIONAL_MARK}", start(r))
            } else {
                start(r)
            },
            r.account.clone(),
            r.granularity.to_string(),
            r.category.to_string(),
            r.tier.to_string(),
            seconds(millis(r.seconds)),
            minutes(millis(r.seconds)),
            r.vendor_tier.clone(),
        ]
    };
    let rows: Vec<Vec<String>> = records.iter().map(cells).collect();
    let at = |name: &str| columns.iter().position(|c| c.0 == name).unwrap_or(0);
    let (tier, vendor_tier) = (at("tier"), at("vendor_tier"));
    // A column whose cells are all the same (one account, one granularity...) is said once
    // above the table; the vendor's tier name is left out where it only repeats the common
    // one (`HD` beside `hd`).
    let same: Vec<bool> = (0..columns.len())
        .map(|i| {
            if i == vendor_tier {
                rows.iter()
                    .all(|row| row[i].eq_ignore_ascii_case(&row[tier]))
            } else {
                SAME_EVERYWHERE.contains(&columns[i].0)
                    && rows.iter().all(|row| row[i] == rows[0][i])
            }
        })
        .collect();
    let kept: Vec<usize> = (0..columns.len()).filter(|i| !same[*i]).collect();
    let said: Vec<String> = (0..columns.len())
        .filter(|i| same[*i] && *i != vendor_tier)
        .map(|i| format!("{} {}", columns[i].0, rows[0][i]))
        .collect();
    if !said.is_empty() {
        writeln!(
            out,
            "{}\n",
            rtc_usage::core::error::printable(&said.join(", "))
        )?;
    }
    let kept_columns: Vec<(&str, bool)> = kept.iter().map(|i| columns[*i]).collect();
    let mut table = Table::new(&kept_columns);
    for row in &rows {
        table.push(kept.iter().map(|i| row[*i].clone()).collect());
    }
    // vendor, app and start name a row.
    table.write_fitted(out, width, 3)?;
    if records.iter().any(|r| r.provisional) {
        let note = format!(
            "{PROVISIONAL_MARK} provisional: the day had not ended, or had ended less than the vendor's data delay before it was fetched; the vendor may still revise it"
        );
        writeln!(out, "{}", wrap(&note, width))?;
    }
    writeln!(out, "\nTotals")?;
    let mut sums = Table::new(&[
        ("vendor", false),
        ("account", false),
        ("category", false),
        ("tier", false),
        ("seconds", true),
        ("minutes", true),
    ]);
    for ((vendor, account, category), tier, total) in totals(records) {
        sums.push(vec![
            vendor.to_string(),
            account,
            category.to_string(),
            tier.map_or_else(|| "all tiers".to_owned(), |t| t.to_string()),
            seconds(total),
            minutes(total),
        ]);
    }
    sums.write_fitted(out, width, 1)
}

/// A record's start as its bucket needs it: the day (or month) and the calendar's offset
/// (`+08`, or `+05:30` where it has minutes), the time too for buckets shorter than a day.
fn start(r: &UsageRecord) -> String {
    let format = match r.granularity {
        Bucket::Day => "%Y-%m-%d",
        Bucket::Month => "%Y-%m",
        _ => "%Y-%m-%d %H:%M",
    };
    let offset = r.start.format("%:z").to_string();
    let offset = offset.strip_suffix(":00").unwrap_or(&offset);
    format!("{} {offset}", r.start.format(format))
}

/// What a total is of: a vendor's account's usage of one category.
type TotalKey = (Vendor, String, Category);

/// Per vendor, account and category: each tier's total in milliseconds (summed exactly),
/// then their total (tier `None`).
pub fn totals(records: &[UsageRecord]) -> Vec<(TotalKey, Option<Tier>, i64)> {
    let mut by_tier: BTreeMap<(TotalKey, Tier), i64> = BTreeMap::new();
    for r in records {
        let key = (r.vendor, r.account.clone(), r.category);
        let sum = by_tier.entry((key, r.tier)).or_default();
        *sum = sum.saturating_add(millis(r.seconds));
    }
    let mut rows = Vec::new();
    let mut current: Option<(TotalKey, i64)> = None;
    for ((vendor, tier), total) in by_tier {
        match &mut current {
            Some((v, sum)) if *v == vendor => *sum = sum.saturating_add(total),
            _ => {
                if let Some((v, sum)) = current.take() {
                    rows.push((v, None, sum));
                }
                current = Some((vendor.clone(), total));
            }
        }
        rows.push((vendor, Some(tier), total));
    }
    if let Some((v, sum)) = current {
        rows.push((v, None, sum));
    }
    rows
}

/// Distribution rows under a caption naming the app, days, metric and dimension.
pub fn distribution(records: &[DistributionRecord], out: &mut dyn Write) -> io::Result<()> {
    let Some(first) = records.first() else {
        return writeln!(out, "No users in this range.");
    };
    writeln!(
        out,
        "{} app {}, {} to {}: {} by {}\n",
        first.vendor, first.app, first.from, first.to, first.indicator, first.dimension
    )?;
    let mut table = Table::new(&[
        (name_header(&first.dimension), false),
        ("value", true),
        ("%", true),
    ]);
    for r in records {
        table.push(vec![
            r.name.clone().unwrap_or_else(|| "-".to_owned()),
            r.value
                .map_or_else(|| "-".to_owned(), |v| trim_number(v, 2)),
            r.proportion
                .map_or_else(|| "-".to_owned(), |p| format!("{p:.2}")),
        ]);
    }
    table.write(out)
}

fn name_header(dimension: &str) -> &'static str {
    match dimension {
        "province" => "province",
        "country" => "country",
        _ => "name",
    }
}

/// Seconds as whole milliseconds, the unit records are exact in.
pub fn millis(seconds: f64) -> i64 {
    (seconds * 1000.0).round() as i64
}

/// `600` or `0.6`: no trailing zeros.
pub fn seconds(millis: i64) -> String {
    trim_number(millis as f64 / 1000.0, 3)
}

pub fn minutes(millis: i64) -> String {
    format!("{:.2}", millis as f64 / 60_000.0)
}

/// `value` with at most `decimals` decimals, trailing zeros dropped.
fn trim_number(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// `text` broken at spaces into lines of at most `width` columns (a word longer than that
/// keeps its own line); `None` leaves it one line.
pub fn wrap(text: &str, width: Option<usize>) -> String {
    let Some(width) = width else {
        return text.to_owned();
    };
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if display_width(line) + 1 + display_width(word) <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines.join("\n")
}

/// Columns a terminal gives `text`: two for East Asian wide characters, one otherwise.
pub fn display_width(text: &str) -> usize {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;

    fn record(vendor: Vendor, app: &str, day: &str, tier: Tier, seconds: f64) -> UsageRecord {
        UsageRecord::new(
            vendor,
            app,
            DateTime::parse_from_rfc3339(&format!("{day}T00:00:00+08:00")).unwrap(),
            Bucket::Day,
            tier,
            tier.as_str(),
            seconds,
        )
    }

    #[test]
    fn totals_sum_each_vendor_and_tier_exactly() {
        let records = [
            record(
                Vendor::get("volcengine").unwrap(),
                "a",
                "2026-11-01",
                Tier::Audio,
                0.1,
            ),
            record(
                Vendor::get("volcengine").unwrap(),
                "b",
                "2026-11-01",
                Tier::Audio,
                0.2,
            ),
            record(
                Vendor::get("volcengine").unwrap(),
                "a",
                "2026-11-02",
                Tier::Hd,
                600.0,
            ),
            record(
                Vendor::get("tencent").unwrap(),
                "1400000001",
                "2026-11-01",
                Tier::Audio,
                60.0,
            ),
        ];
        assert_eq!(
            totals(&records),
            [
                (
                    (
                        Vendor::get("volcengine").unwrap(),
                        "default".to_owned(),
                        Category::Call
                    ),
                    Some(Tier::Audio),
                    300
                ),
                (
                    (
                        Vendor::get("volcengine").unwrap(),
                        "default".to_owned(),
                        Category::Call
                    ),
                    Some(Tier::Hd),
                    600_000
                ),
                (
                    (
                        Vendor::get("volcengine").unwrap(),
                        "default".to_owned(),
                        Category::Call
                    ),
                    None,
                    600_300
                ),
                (
                    (
                        Vendor::get("tencent").unwrap(),
                        "default".to_owned(),
                        Category::Call
                    ),
                    Some(Tier::Audio),
                    60_000
                ),
                (
                    (
                        Vendor::get("tencent").unwrap(),
                        "default".to_owned(),
                        Category::Call
                    ),
                    None,
                    60_000
                ),
            ]
        );
    }

    #[test]
    fn the_table_aligns_columns_and_ends_with_totals() {
        let records = [
            record(
                Vendor::get("volcengine").unwrap(),
                "a",
                "2026-11-01",
                Tier::Audio,
                90.5,
            ),
            record(
                Vendor::get("volcengine").unwrap(),
                "long-app",
                "2026-11-02",
                Tier::Audio,
                600.0,
            ),
        ];
        let mut out = Vec::new();
        usage_fitted(&records, None, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        // What every row shares is said once; the vendor tier only repeated the tier.
        assert_eq!(lines[0], "account default, granularity day, category call");
        assert_eq!(
            lines[2],
            "vendor      app       start           tier   seconds  minutes"
        );
        assert_eq!(
            lines[4],
            "volcengine  a         2026-11-01 +08  audio     90.5     1.51"
        );
        assert!(lines[5].ends_with("    600    10.00"), "{}", lines[5]);
        let totals_at = lines.iter().position(|l| *l == "Totals").unwrap();
        assert_eq!(
            lines[totals_at + 1],
            "vendor      account  category  tier       seconds  minutes"
        );
        assert_eq!(
            lines[totals_at + 3],
            "volcengine  default  call      audio        690.5    11.51"
        );
        assert_eq!(
            lines[totals_at + 4],
            "volcengine  default  call      all tiers    690.5    11.51"
        );
    }

    #[test]
    fn a_wide_table_is_cut_into_blocks_that_fit() {
        let agora = Vendor::get("agora").unwrap();
        let mut records = Vec::new();
        for (app, tier) in [
            ("5b7c1e9f2d3a4c6e8f0a1b2c3d4e5f67", Tier::Fhd),
            ("b", Tier::Hd),
        ] {
            let mut r = record(agora, app, "2026-11-01", tier, 1234567.891);
            r.vendor_tier = "usage.durationVideo1080P".into();
            records.push(r.with_account("video-cn"));
        }
        records.push(
            record(agora, "c", "2026-11-01", Tier::Audio, 1.0).with_category(Category::Recording),
        );
        let mut out = Vec::new();
        usage_fitted(&records, Some(80), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
        // The cut keeps vendor, app and start in every block, and every figure.
        assert!(
            text.matches("5b7c1e9f2d3a4c6e8f0a1b2c3d4e5f67").count() >= 2,
            "{text}"
        );
        assert!(
            text.contains("1234567.891") && text.contains("20576.13"),
            "{text}"
        );
        let mut wide = Vec::new();
        usage_fitted(&records, None, &mut wide).unwrap();
        let wide = String::from_utf8(wide).unwrap();
        assert!(wide.lines().any(|l| l.chars().count() > 80));
        assert_eq!(wide.matches("5b7c1e9f2d3a4c6e8f0a1b2c3d4e5f67").count(), 1);
    }

    #[test]
    fn wide_characters_count_twice() {
        assert_eq!(display_width("上海"), 4);
        assert_eq!(display_width("abc"), 3);
        let mut table = Table::new(&[("name", false), ("n", true)]);
        table.push(vec!["上海".into(), "1".into()]);
        table.push(vec!["Paris".into(), "22".into()]);
        let mut out = Vec::new();
        table.write(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "name    n\n-----  --\n上海    1\nParis  22\n"
        );
    }

    #[test]
    fn text_wraps_at_spaces() {
        assert_eq!(wrap("aa bb cc", Some(5)), "aa bb\ncc");
        assert_eq!(wrap("aa bb cc", None), "aa bb cc");
        assert_eq!(wrap("toolongword x", Some(4)), "toolongword\nx");
    }

    #[test]
    fn numbers_drop_trailing_zeros() {
        assert_eq!(seconds(600_000), "600");
        assert_eq!(seconds(600), "0.6");
        assert_eq!(minutes(90_000), "1.50");
        assert_eq!(trim_number(666.0, 2), "666");
    }
}
