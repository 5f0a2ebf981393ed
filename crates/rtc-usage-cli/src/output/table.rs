//! Tables for people: aligned columns (wide CJK characters counted as two), numbers to the
//! right, seconds beside minutes because vendors bill in minutes.

use std::collections::BTreeMap;
use std::io::{self, Write};

use rtc_usage::{Category, DistributionRecord, Tier, UsageRecord, Vendor};

/// Columns of text; `numeric` columns are right-aligned.
pub struct Table {
    headers: Vec<&'static str>,
    numeric: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// `(header, numeric)` per column.
    pub fn new(columns: &[(&'static str, bool)]) -> Self {
        Self {
            headers: columns.iter().map(|c| c.0).collect(),
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
        let mut widths: Vec<usize> = self.headers.iter().map(|h| display_width(h)).collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(display_width(cell));
            }
        }
        let headers: Vec<String> = self.headers.iter().map(|h| (*h).to_owned()).collect();
        self.write_line(out, &headers, &widths)?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        self.write_line(out, &rule, &widths)?;
        for row in &self.rows {
            self.write_line(out, row, &widths)?;
        }
        Ok(())
    }

    fn write_line(
        &self,
        out: &mut dyn Write,
        cells: &[String],
        widths: &[usize],
    ) -> io::Result<()> {
        let mut line = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = " ".repeat(width.saturating_sub(display_width(cell)));
            if self.numeric.get(i).copied().unwrap_or(false) {
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

/// Usage records, then totals per vendor and tier (and per vendor).
pub fn usage(records: &[UsageRecord], out: &mut dyn Write) -> io::Result<()> {
    if records.is_empty() {
        return writeln!(out, "No usage in this range.");
    }
    let mut table = Table::new(&[
        ("vendor", false),
        ("account", false),
        ("app", false),
        ("start", false),
        ("granularity", false),
        ("category", false),
        ("tier", false),
        ("vendor_tier", false),
        ("seconds", true),
        ("minutes", true),
    ]);
    for r in records {
        table.push(vec![
            r.vendor.to_string(),
            r.account.clone(),
            r.app.clone(),
            r.start.format("%Y-%m-%d %H:%M %:z").to_string(),
            r.granularity.to_string(),
            r.category.to_string(),
            r.tier.to_string(),
            r.vendor_tier.clone(),
            seconds(millis(r.seconds)),
            minutes(millis(r.seconds)),
        ]);
    }
    table.write(out)?;
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
    sums.write(out)
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
fn millis(seconds: f64) -> i64 {
    (seconds * 1000.0).round() as i64
}

/// `600` or `0.6`: no trailing zeros.
fn seconds(millis: i64) -> String {
    trim_number(millis as f64 / 1000.0, 3)
}

fn minutes(millis: i64) -> String {
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
    use rtc_usage::Bucket;

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
        usage(&records, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "vendor      account  app       start                    granularity  category  tier   vendor_tier  seconds  minutes"
        );
        assert_eq!(
            lines[2],
            "volcengine  default  a         2026-11-01 00:00 +08:00  day          call      audio  audio           90.5     1.51"
        );
        assert!(lines[3].ends_with("    600    10.00"), "{}", lines[3]);
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
    fn numbers_drop_trailing_zeros() {
        assert_eq!(seconds(600_000), "600");
        assert_eq!(seconds(600), "0.6");
        assert_eq!(minutes(90_000), "1.50");
        assert_eq!(trim_number(666.0, 2), "666");
    }
}
