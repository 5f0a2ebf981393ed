//! The shapes of a report: `--granularity month` (each vendor's billing month in its own
//! time zone), against the emulator's ground truth.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rtc_usage_emulator::{default_apps, truth_buckets_for};

use crate::harness::{self, Keyed, assert_same, date, keyed, records, run, stderr};

/// `truth` of `vendor:app` over `from..=to` summed into one month record per vendor tier,
/// starting at 00:00 of `from` in `offset`.
fn month_truth(vendor: &str, app: &str, from: NaiveDate, to: NaiveDate, offset: &str) -> Keyed {
    let mut out = Keyed::new();
    for ((v, a, _, vendor_tier), (tier, _, seconds)) in harness::truth(vendor, app, from, to) {
        let start = format!("{from}T00:00:00{offset}");
        let entry = out
            .entry((v, a, start, vendor_tier))
            .or_insert((tier, "month".into(), 0.0));
        entry.2 += seconds;
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn months_are_each_vendors_own_billing_month_in_its_time_zone() {
    let (tencent, huawei, volcengine) = (
        default_apps("tencent")[0],
        default_apps("huawei")[0],
        default_apps("volcengine")[0],
    );
    let apps = [
        format!("tencent:{tencent}"),
        format!("huawei:{huawei}"),
        format!("volcengine:{volcengine}"),
    ];
    let argv = [
        "usage",
        "--emulator",
        "--month",
        "2026-10",
        "--granularity",
        "month",
        "--format",
        "json",
        "--app",
        &apps[0],
        "--app",
        &apps[1],
        "--app",
        &apps[2],
    ];
    let output = run(None, &argv, &[]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let got = records(&output);
    let (from, to) = (date("2026-10-01"), date("2026-10-31"));
    // Volcengine's 31 days take two calls (30 days each at most): both add to one month.
    let mut expected = month_truth("tencent", tencent, from, to, "+08:00");
    expected.extend(month_truth("huawei", huawei, from, to, "+00:00"));
    expected.extend(month_truth("volcengine", volcengine, from, to, "+08:00"));
    assert_same(&keyed(&got), &expected);

    // The months begin at different instants: Beijing's October at 16:00 UTC the day before.
    let begins: BTreeMap<String, DateTime<Utc>> = got
        .iter()
        .map(|r| {
            let start = DateTime::parse_from_rfc3339(r["start"].as_str().unwrap()).unwrap();
            (r["vendor"].as_str().unwrap().to_owned(), start.to_utc())
        })
        .collect();
    assert_eq!(begins["huawei"].to_rfc3339(), "2026-10-01T00:00:00+00:00");
    assert_eq!(begins["tencent"].to_rfc3339(), "2026-09-30T16:00:00+00:00");

    // At the edges a UTC October differs from the Beijing one the report gives: from the
    // emulator's 5-minute buckets, the UTC month drops 2026-10-01 00:00-08:00 Beijing time and
    // takes 2026-11-01 00:00-08:00 instead.
    let buckets = |day: &str| {
        truth_buckets_for("tencent", "DescribeTrtcUsage", tencent, date(day), None)
            .into_iter()
            .map(|(start, tiers)| (start, tiers.iter().map(|(_, s)| *s).sum::<u64>()))
            .collect::<Vec<_>>()
    };
    let early = |(start, _): &(chrono::NaiveDateTime, u64)| {
        start.time() < chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap()
    };
    let first_morning: u64 = buckets("2026-10-01")
        .iter()
        .filter(|b| early(b))
        .map(|b| b.1)
        .sum();
    let next_morning: u64 = buckets("2026-11-01")
        .iter()
        .filter(|b| early(b))
        .map(|b| b.1)
        .sum();
    let beijing: f64 = got
        .iter()
        .filter(|r| r["vendor"] == "tencent")
        .map(|r| r["seconds"].as_f64().unwrap())
        .sum();
    let utc = beijing - first_morning as f64 + next_morning as f64;
    assert_ne!(
        first_morning, next_morning,
        "the edges carry different usage"
    );
    assert_ne!(beijing, utc, "a UTC month is not what Tencent bills");
    assert!(got.iter().all(|r| r["granularity"] == "month"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_range_across_two_months_gives_each_its_asked_days() {
    let app = default_apps("huawei")[1];
    let app_arg = format!("huawei:{app}");
    let argv = [
        "usage",
        "--emulator",
        "--from",
        "2026-09-25",
        "--to",
        "2026-10-04",
        "--granularity",
        "month",
        "--format",
        "json",
        "--app",
        &app_arg,
    ];
    let output = run(None, &argv, &[]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut expected = month_truth(
        "huawei",
        app,
        date("2026-09-25"),
        date("2026-09-30"),
        "+00:00",
    );
    // The month record starts on the month's first day, whatever day was asked first.
    expected = expected
        .into_iter()
        .map(|((v, a, _, t), value)| ((v, a, "2026-09-01T00:00:00+00:00".into(), t), value))
        .collect();
    expected.extend(month_truth(
        "huawei",
        app,
        date("2026-10-01"),
        date("2026-10-04"),
        "+00:00",
    ));
    assert_same(&keyed(&records(&output)), &expected);
}

/// The apps of the pivot tests: two of Tencent (Beijing days), one of Huawei (UTC days),
/// one of Volcengine, as `--app` arguments.
fn pivot_apps() -> Vec<String> {
    [("tencent", 2), ("huawei", 1), ("volcengine", 1)]
        .into_iter()
        .flat_map(|(v, n)| default_apps(v)[..n].iter().map(move |a| format!("{v}:{a}")))
        .flat_map(|app| ["--app".to_owned(), app])
        .collect()
}

async fn usage_of(extra: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let apps = pivot_apps();
    let mut argv = vec![
        "usage",
        "--emulator",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-03",
    ];
    if !extra.contains(&"--category") {
        argv.extend(["--category", "all"]);
    }
    argv.extend(extra);
    argv.extend(apps.iter().map(String::as_str));
    let output = run(None, &argv, env).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    output
}

/// The row key of a record under `--by by`, as the CLI documents it.
fn key_of(by: &str, r: &serde_json::Value) -> String {
    let s = |k: &str| r[k].as_str().unwrap().to_owned();
    match by {
        // An app of a named account (the emulator's demo accounts) is ACCOUNT:APP.
        "app" if s("account") != "default" => format!("{}:{}", s("account"), s("app")),
        "app" => format!("{}:{}", s("vendor"), s("app")),
        "vendor" => s("vendor"),
        "account" => format!("{}:{}", s("vendor"), s("account")),
        "tier" => s("tier"),
        "category" => s("category"),
        other => panic!("{other}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn each_pivot_adds_the_records_by_its_key_and_day() {
    let plain = usage_of(&["--format", "json"], &[]).await;
    let all = records(&plain);
    assert!(all.iter().all(|r| r["minutes"].as_f64().unwrap()
        == (r["seconds"].as_f64().unwrap() / 60.0 * 1e6).round() / 1e6));
    let categories: std::collections::BTreeSet<&str> = all
        .iter()
        .map(|r| r["category"].as_str().unwrap())
        .collect();
    assert!(categories.len() >= 2, "{categories:?}");
    for by in ["app", "vendor", "account", "tier", "category"] {
        let output = usage_of(&["--format", "json", "--by", by], &[]).await;
        let pivot: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(pivot["by"], by);
        let periods: Vec<String> = pivot["periods"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(periods, ["2026-10-01", "2026-10-02", "2026-10-03"]);
        // Expected: the records' milliseconds by key and day (each vendor's own day).
        let mut expected: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for r in &all {
            let day = &r["start"].as_str().unwrap()[..10];
            let i = periods.iter().position(|p| p == day).unwrap();
            let row = expected.entry(key_of(by, r)).or_insert_with(|| vec![0; 3]);
            row[i] += (r["seconds"].as_f64().unwrap() * 1000.0).round() as i64;
        }
        let rows = pivot["rows"].as_array().unwrap();
        assert_eq!(rows.len(), expected.len(), "{by}: {pivot}");
        let mut column = [0i64; 3];
        for row in rows {
            let key = row["key"].as_str().unwrap();
            let seconds: Vec<i64> = row["seconds"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| (s.as_f64().unwrap() * 1000.0).round() as i64)
                .collect();
            assert_eq!(Some(&seconds), expected.get(key), "{by} {key}");
            let total = (row["total_seconds"].as_f64().unwrap() * 1000.0).round() as i64;
            assert_eq!(total, seconds.iter().sum::<i64>(), "{by} {key}: row total");
            for (i, m) in row["minutes"].as_array().unwrap().iter().enumerate() {
                let from_seconds = (seconds[i] as f64 / 60_000.0 * 1e6).round() / 1e6;
                assert_eq!(m.as_f64().unwrap(), from_seconds, "{by} {key}: minutes");
                column[i] += seconds[i];
            }
        }
        let totals: Vec<i64> = pivot["total"]["seconds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s.as_f64().unwrap() * 1000.0).round() as i64)
            .collect();
        assert_eq!(totals, column, "{by}: column totals");
        let every: i64 = all
            .iter()
            .map(|r| (r["seconds"].as_f64().unwrap() * 1000.0).round() as i64)
            .sum();
        let grand = (pivot["total"]["total_seconds"].as_f64().unwrap() * 1000.0).round() as i64;
        assert_eq!(grand, every, "{by}: the grand total is every record");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn pivots_as_csv_html_and_an_80_column_table() {
    let csv = usage_of(&["--format", "csv", "--by", "vendor"], &[]).await;
    let csv = String::from_utf8(csv.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "vendor,2026-10-01_seconds,2026-10-01_minutes,2026-10-02_seconds,2026-10-02_minutes,\
         2026-10-03_seconds,2026-10-03_minutes,total_seconds,total_minutes"
    );
    let names: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(names, ["huawei", "tencent", "volcengine", "total"]);
    for line in &lines[1..] {
        let cells: Vec<f64> = line
            .split(',')
            .skip(1)
            .map(|c| c.parse().unwrap())
            .collect();
        assert_eq!(cells.len(), 8);
        for pair in cells.chunks(2) {
            assert!((pair[1] - pair[0] / 60.0).abs() < 1e-6, "{line}");
        }
        let days: f64 = cells[..6].iter().step_by(2).sum();
        assert!((days - cells[6]).abs() < 1e-6, "{line}: the row total");
    }

    // The table in an 80-column terminal: nothing wraps, every app and the totals are there.
    let table = usage_of(&["--format", "table", "--by", "app"], &[("COLUMNS", "80")]).await;
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    assert!(text.starts_with("Minutes per day by app"), "{text}");
    assert!(
        text.replace('\n', " ")
            .contains("all tiers added; all categories added"),
        "{text}"
    );
    for app in pivot_apps().iter().skip(1).step_by(2) {
        let id = app.split_once(':').unwrap().1;
        assert!(text.contains(id), "{app} in {text}");
    }
    assert!(
        text.contains("total min") && text.contains("total s"),
        "{text}"
    );
    assert!(text.lines().any(|l| l.starts_with("total ")), "{text}");

    let html = usage_of(&["--format", "html", "--by", "tier"], &[]).await;
    let html = String::from_utf8(html.stdout).unwrap();
    let section = &html[html
        .find("<table class=\"pivot\" data-by=\"tier\"")
        .expect("the pivot")..];
    let section = &section[..section.find("</table>").unwrap()];
    for tier in ["audio", "sd", "hd", "fhd"] {
        assert!(section.contains(&format!("data-key=\"{tier}\"")), "{tier}");
    }
    assert!(section.contains("<tfoot><tr data-key=\"total\">"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_record_table_fits_80_columns_and_says_shared_columns_once() {
    let table = usage_of(
        &["--format", "table", "--category", "call"],
        &[("COLUMNS", "80")],
    )
    .await;
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    assert!(
        text.starts_with("granularity day, category call\n"),
        "{text}"
    );
    assert!(text.contains("Totals"), "{text}");
    let header = text.lines().nth(2).unwrap();
    // The account differs from row to row (each vendor's demo account): a column, and with
    // it the table is cut into blocks of whole columns, the figures in a later one.
    assert!(
        header.starts_with("vendor") && header.contains("account"),
        "{header}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("seconds") && l.contains("minutes") && l.starts_with("vendor")),
        "{text}"
    );
}
