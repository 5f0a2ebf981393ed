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
