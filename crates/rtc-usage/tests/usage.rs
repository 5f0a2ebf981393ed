//! The cross-vendor layer over stub vendor clients (no network): windows split at each spec's
//! limit, merged with every bucket once, Tencent's 5-minute buckets summed per day, partial
//! failure keeping what was fetched, and bad queries refused before any call.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{Datelike, Days, NaiveDate};
use rtc_usage::huawei::stub::HuaweiStub;
use rtc_usage::tencent::stub::TencentStub;
use rtc_usage::volcengine::stub::VolcengineStub;
use rtc_usage::{
    AppRef, Bucket, Category, DistributionQuery, Granularity, QueryError, Tier, UsageClient,
    UsageQuery, Vendor, huawei, tencent, volcengine,
};
use rtc_usage_core::{BoxFuture, Error, ErrorKind};
use serde_json::json;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Deterministic usage of one app, day and tier: some days have none.
fn amount(app: &str, day: NaiveDate, tier: usize) -> i64 {
    let seed = app
        .bytes()
        .fold(day.to_string().len() as i64, |h, b| h * 31 + b as i64)
        + day.num_days_from_ce() as i64 * 7
        + tier as i64 * 13;
    if seed % 10 == 0 {
        0
    } else {
        seed.rem_euclid(997)
    }
}

fn days(first: NaiveDate, last: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    first.iter_days().take_while(move |d| *d <= last)
}

/// What a stub was asked: (app, first day, last day).
type Calls = Arc<Mutex<Vec<(String, NaiveDate, NaiveDate)>>>;

#[derive(Debug, Default)]
struct Volc {
    calls: Calls,
    /// Apps whose every call fails with a server error.
    failing_app: Option<String>,
}

impl VolcengineStub for Volc {
    fn list_usages(
        &self,
        input: volcengine::ListUsagesRequest,
    ) -> BoxFuture<'_, Result<volcengine::ListUsagesResponse, Error>> {
        let (first, last) = (input.start_time.date_naive(), input.end_time.date_naive());
        self.calls
            .lock()
            .unwrap()
            .push((input.app_id.clone(), first, last));
        let op = &volcengine::list_usages::DESCRIPTOR;
        if self.failing_app.as_deref() == Some(input.app_id.as_str()) {
            let e = Error::service(op, ErrorKind::Server, Some("InternalError".into()), "boom")
                .with_request_id(Some("req-1".into()));
            return Box::pin(async move { Err(e) });
        }
        let usages: Vec<_> = days(first, last)
            .map(|d| {
                json!({
                    "TimeStamp": format!("{d}T00:00:00+08:00"),
                    "Audio": amount(&input.app_id, d, 0), "VideoSDM": amount(&input.app_id, d, 1),
                    "VideoSD": amount(&input.app_id, d, 2), "VideoHD": amount(&input.app_id, d, 3),
                })
            })
            .collect();
        let response = serde_json::from_value(json!({ "Usages": usages })).unwrap();
        Box::pin(async move { Ok(response) })
    }
}

const TENCENT_KEYS: [&str; 6] = ["Audio", "SD", "HD", "FullHD", "2K", "4K"];

#[derive(Debug, Default)]
struct Trtc {
    calls: Calls,
    /// Send one value too few in each row.
    short_rows: bool,
}

impl Trtc {
    /// The answer of any of Tencent's usage operations (they share one shape); `call` tells
    /// which operation was asked, in the recorded calls.
    fn answer<T: serde::de::DeserializeOwned>(
        &self,
        sdk_app_id: Option<u64>,
        start: NaiveDate,
        end: NaiveDate,
        call: &str,
    ) -> T {
        let app = sdk_app_id.map_or("*".to_owned(), |a| a.to_string());
        self.calls
            .lock()
            .unwrap()
            .push((format!("{app}{call}"), start, end));
        let keys = if self.short_rows {
            &TENCENT_KEYS[..5]
        } else {
            &TENCENT_KEYS[..]
        };
        let mut list = Vec::new();
        for d in days(start, end) {
            if start == end {
                // One day: 288 five-minute buckets of whole seconds, sent as minutes.
                for slot in 0..288u32 {
                    let values: Vec<f64> = (0..6)
                        .map(|t| five_minute_seconds(&app, d, slot, t) as f64 / 60.0)
                        .collect();
                    list.push(json!({
                        "TimeKey": format!("{d} {:02}:{:02}:00", slot / 12, slot % 12 * 5),
                        "UsageValue": values,
                    }));
                }
            } else {
                let values: Vec<f64> = (0..6).map(|t| amount(&app, d, t) as f64).collect();
                list.push(json!({ "TimeKey": format!("{d} 00:00:00"), "UsageValue": values }));
            }
        }
        serde_json::from_value(json!({ "UsageKey": keys, "UsageList": list, "RequestId": "r" }))
            .unwrap()
    }
}

impl TencentStub for Trtc {
    fn describe_trtc_usage(
        &self,
        input: tencent::DescribeTrtcUsageRequest,
    ) -> BoxFuture<'_, Result<tencent::DescribeTrtcUsageResponse, Error>> {
        let answer = self.answer(input.sdk_app_id, input.start_time, input.end_time, "");
        Box::pin(async move { Ok(answer) })
    }

    fn describe_recording_usage(
        &self,
        input: tencent::DescribeRecordingUsageRequest,
    ) -> BoxFuture<'_, Result<tencent::DescribeRecordingUsageResponse, Error>> {
        let call = format!(" recording {}", input.mix_type);
        let answer = self.answer(input.sdk_app_id, input.start_time, input.end_time, &call);
        Box::pin(async move { Ok(answer) })
    }

    fn describe_mix_transcoding_usage(
        &self,
        input: tencent::DescribeMixTranscodingUsageRequest,
    ) -> BoxFuture<'_, Result<tencent::DescribeMixTranscodingUsageResponse, Error>> {
        let call = " transcoding";
        let answer = self.answer(input.sdk_app_id, input.start_time, input.end_time, call);
        Box::pin(async move { Ok(answer) })
    }
}

fn five_minute_seconds(app: &str, d: NaiveDate, slot: u32, tier: usize) -> i64 {
    (amount(app, d, tier) + i64::from(slot) * 7) % 301
}

#[derive(Debug, Default)]
struct Hw {
    calls: Calls,
    /// Also answer the day after the range, and spoil one total.
    sloppy: bool,
}

impl HuaweiStub for Hw {
    fn list_rtc_history_usage(
        &self,
        input: huawei::ListRtcHistoryUsageRequest,
    ) -> BoxFuture<'_, Result<huawei::ListRtcHistoryUsageResponse, Error>> {
        self.calls
            .lock()
            .unwrap()
            .push((input.app.clone(), input.start_date, input.end_date));
        let last = if self.sloppy {
            input.end_date.succ_opt().unwrap()
        } else {
            input.end_date
        };
        let usage: Vec<_> = days(input.start_date, last)
            .map(|d| {
                let tiers: Vec<i64> = (0..4).map(|t| amount(&input.app, d, t)).collect();
                let total: i64 = tiers.iter().sum::<i64>() + i64::from(self.sloppy);
                json!({
                    "date": d.to_string(), "audio": tiers[0], "video_sd": tiers[1],
                    "video_hd": tiers[2], "video_hdp": tiers[3], "total_duration": total,
                })
            })
            .collect();
        let response = serde_json::from_value(json!({ "usage": usage })).unwrap();
        Box::pin(async move { Ok(response) })
    }
}

struct Setup {
    client: UsageClient,
    volc: Calls,
    trtc: Calls,
    hw: Calls,
}

fn setup(volc: Volc, trtc: Trtc, hw: Hw) -> Setup {
    let (v, t, h) = (volc.calls.clone(), trtc.calls.clone(), hw.calls.clone());
    let client = UsageClient::builder()
        .client(volcengine::Client::from_stub(volc))
        .client(tencent::Client::from_stub(trtc))
        .client(huawei::Client::from_stub(hw))
        .build();
    Setup {
        client,
        volc: v,
        trtc: t,
        hw: h,
    }
}

fn app(s: &str) -> AppRef {
    s.parse().unwrap()
}

fn sorted(calls: &Calls) -> Vec<(String, NaiveDate, NaiveDate)> {
    let mut calls = calls.lock().unwrap().clone();
    calls.sort();
    calls
}

/// Windows of `sizes` days from `first`, for `app`.
fn windows(app: &str, first: NaiveDate, sizes: &[u64]) -> Vec<(String, NaiveDate, NaiveDate)> {
    let mut start = first;
    sizes
        .iter()
        .map(|n| {
            let last = start.checked_add_days(Days::new(n - 1)).unwrap();
            let w = (app.to_owned(), start, last);
            start = last.succ_opt().unwrap();
            w
        })
        .collect()
}

#[tokio::test]
async fn ninety_five_days_on_three_vendors_split_at_each_limit_with_every_bucket_once() {
    let s = setup(Volc::default(), Trtc::default(), Hw::default());
    let (from, to) = (day("2026-05-01"), day("2026-08-03"));
    let apps = [
        "volcengine:va1",
        "volcengine:va2",
        "tencent:1400000001",
        "tencent:1400000002",
        "huawei:ha1",
        "huawei:ha2",
    ];
    let query = UsageQuery::new(from, to).apps(apps.map(app));
    let report = s.client.usage(&query).await.unwrap();
    assert!(report.is_complete(), "{:?}", report.failures);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);

    let mut volc = windows("va1", from, &[30, 30, 30, 5]);
    volc.extend(windows("va2", from, &[30, 30, 30, 5]));
    assert_eq!(sorted(&s.volc), volc);
    let mut trtc = windows("1400000001", from, &[31, 31, 31, 2]);
    trtc.extend(windows("1400000002", from, &[31, 31, 31, 2]));
    assert_eq!(sorted(&s.trtc), trtc);
    let mut hw = windows("ha1", from, &[31, 31, 31, 2]);
    hw.extend(windows("ha2", from, &[31, 31, 31, 2]));
    assert_eq!(sorted(&s.hw), hw);

    // Every (vendor, app, day, tier) exactly once, with the stub's amount in seconds.
    let mut expected = BTreeMap::new();
    for d in days(from, to) {
        for (vendor, app, names, unit, offset) in [
            (
                Vendor::get("volcengine").unwrap(),
                "va1",
                &["Audio", "VideoSDM", "VideoSD", "VideoHD"][..],
                60,
                "+08:00",
            ),
            (
                Vendor::get("volcengine").unwrap(),
                "va2",
                &["Audio", "VideoSDM", "VideoSD", "VideoHD"][..],
                60,
                "+08:00",
            ),
            (
                Vendor::get("tencent").unwrap(),
                "1400000001",
                &TENCENT_KEYS[..],
                60,
                "+08:00",
            ),
            (
                Vendor::get("tencent").unwrap(),
                "1400000002",
                &TENCENT_KEYS[..],
                60,
                "+08:00",
            ),
            (
                Vendor::get("huawei").unwrap(),
                "ha1",
                &["audio", "video_sd", "video_hd", "video_hdp"][..],
                1,
                "+00:00",
            ),
            (
                Vendor::get("huawei").unwrap(),
                "ha2",
                &["audio", "video_sd", "video_hd", "video_hdp"][..],
                1,
                "+00:00",
            ),
        ] {
            for (t, name) in names.iter().enumerate() {
                let key = (
                    vendor,
                    app.to_owned(),
                    format!("{d}T00:00:00{offset}"),
                    name.to_string(),
                );
                expected.insert(key, (amount(app, d, t) * unit) as f64);
            }
        }
    }
    let mut got = BTreeMap::new();
    for r in &report.records {
        assert_eq!(r.granularity, Bucket::Day);
        assert_eq!(r.tier, r.vendor.tier(&r.vendor_tier));
        let key = (
            r.vendor,
            r.app.clone(),
            r.start.to_rfc3339(),
            r.vendor_tier.clone(),
        );
        assert!(
            got.insert(key, r.seconds).is_none(),
            "duplicate record {r:?}"
        );
    }
    assert_eq!(got.len(), 95 * (4 + 4 + 6 + 6 + 4 + 4));
    assert_eq!(got, expected);
    let counts: Vec<_> = report
        .calls
        .iter()
        .map(|c| (c.vendor, c.windows, c.failed))
        .collect();
    assert_eq!(
        counts,
        [
            (Vendor::get("volcengine").unwrap(), 8, 0),
            (Vendor::get("tencent").unwrap(), 8, 0),
            (Vendor::get("huawei").unwrap(), 8, 0)
        ]
    );
}

#[tokio::test]
async fn a_tencent_day_in_five_minute_buckets_sums_to_the_day_or_stays_native() {
    let s = setup(Volc::default(), Trtc::default(), Hw::default());
    let d = day("2026-11-01");
    let query = UsageQuery::new(d, d).app(app("tencent:1400000001"));

    let daily = s.client.usage(&query).await.unwrap();
    assert_eq!(daily.records.len(), 6);
    for (t, r) in daily.records.iter().enumerate() {
        assert_eq!(
            (r.granularity, r.start.to_rfc3339().as_str()),
            (Bucket::Day, "2026-11-01T00:00:00+08:00")
        );
        let want: i64 = (0..288)
            .map(|slot| five_minute_seconds("1400000001", d, slot, t))
            .sum();
        assert_eq!(
            (r.vendor_tier.as_str(), r.seconds),
            (TENCENT_KEYS[t], want as f64)
        );
    }
    assert_eq!(daily.records[4].tier, Tier::TwoK);

    let native = s
        .client
        .usage(&query.granularity(Granularity::Native))
        .await
        .unwrap();
    assert_eq!(native.records.len(), 288 * 6);
    assert!(
        native
            .records
            .iter()
            .all(|r| r.granularity == Bucket::Minutes(5))
    );
    assert_eq!(
        native.records[6].start.to_rfc3339(),
        "2026-11-01T00:05:00+08:00"
    );
    assert_eq!(
        native.records[6].seconds,
        five_minute_seconds("1400000001", d, 1, 0) as f64
    );
}

#[tokio::test]
async fn a_long_tencent_range_never_ends_in_a_single_day_window() {
    let s = setup(Volc::default(), Trtc::default(), Hw::default());
    let (from, to) = (day("2026-01-01"), day("2026-03-04")); // 63 days
    let query = UsageQuery::new(from, to)
        .app(app("tencent:*"))
        .granularity(Granularity::Native);
    let report = s.client.usage(&query).await.unwrap();
    assert_eq!(sorted(&s.trtc), windows("*", from, &[31, 30, 2]));
    assert!(
        report
            .records
            .iter()
            .all(|r| r.granularity == Bucket::Day && r.app == "*")
    );
    assert_eq!(report.records.len(), 63 * 6);
}

#[tokio::test]
async fn a_failed_window_keeps_every_other_record() {
    let volc = Volc {
        failing_app: Some("bad".into()),
        ..Volc::default()
    };
    let s = setup(volc, Trtc::default(), Hw::default());
    let (from, to) = (day("2026-09-01"), day("2026-10-10"));
    let query =
        UsageQuery::new(from, to).apps(["volcengine:good", "volcengine:bad", "huawei:h"].map(app));
    let report = s.client.usage(&query).await.unwrap();
    assert!(!report.is_complete());
    let failed: Vec<_> = report
        .failures
        .iter()
        .map(|f| (f.app.to_string(), f.window.to_string()))
        .collect();
    assert_eq!(
        failed,
        [
            (
                "volcengine:bad".to_owned(),
                "2026-09-01..=2026-09-30".to_owned()
            ),
            (
                "volcengine:bad".to_owned(),
                "2026-10-01..=2026-10-10".to_owned()
            ),
        ]
    );
    let message = report.failures[0].to_string();
    for needle in ["volcengine", "ListUsages", "InternalError", "req-1"] {
        assert!(message.contains(needle), "{needle} in {message}");
    }
    let apps: std::collections::BTreeSet<_> =
        report.records.iter().map(|r| r.app.as_str()).collect();
    assert_eq!(apps, ["good", "h"].into());
    assert_eq!(report.records.len(), 40 * 4 * 2);
}

#[tokio::test]
async fn tencent_rows_shorter_than_their_keys_are_a_decode_error_not_a_truncation() {
    let s = setup(
        Volc::default(),
        Trtc {
            short_rows: true,
            ..Trtc::default()
        },
        Hw::default(),
    );
    let d = day("2026-11-01");
    let report = s
        .client
        .usage(&UsageQuery::new(d, d.succ_opt().unwrap()).app(app("tencent:7")))
        .await
        .unwrap();
    assert!(report.records.is_empty());
    let error = &report.failures[0].error;
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(
        error.message().contains("6 values for 5 UsageKey"),
        "{error}"
    );
}

#[tokio::test]
async fn huawei_totals_that_do_not_add_up_are_reported_and_days_outside_are_dropped() {
    let s = setup(
        Volc::default(),
        Trtc::default(),
        Hw {
            sloppy: true,
            ..Hw::default()
        },
    );
    let (from, to) = (day("2026-11-01"), day("2026-11-03"));
    let report = s
        .client
        .usage(&UsageQuery::new(from, to).app(app("huawei:h")))
        .await
        .unwrap();
    assert_eq!(
        report.records.len(),
        3 * 4,
        "the extra day after the range is dropped"
    );
    assert!(report.records.iter().all(|r| r.start.date_naive() <= to));
    assert_eq!(
        report.warnings.len(),
        4,
        "one per day answered, the dropped one too"
    );
    assert!(
        report.warnings[0].message.contains("total_duration"),
        "{}",
        report.warnings[0]
    );
}

#[tokio::test]
async fn vendors_are_fetched_at_once_not_one_after_another() {
    #[derive(Debug)]
    struct Slow<S>(S);
    impl VolcengineStub for Slow<Volc> {
        fn list_usages(
            &self,
            input: volcengine::ListUsagesRequest,
        ) -> BoxFuture<'_, Result<volcengine::ListUsagesResponse, Error>> {
            Box::pin(async move {
                tokio::time::sleep(std::time::Duration::from_secs(10)).await;
                self.0.list_usages(input).await
            })
        }
    }
    impl HuaweiStub for Slow<Hw> {
        fn list_rtc_history_usage(
            &self,
            input: huawei::ListRtcHistoryUsageRequest,
        ) -> BoxFuture<'_, Result<huawei::ListRtcHistoryUsageResponse, Error>> {
            Box::pin(async move {
                tokio::time::sleep(std::time::Duration::from_secs(10)).await;
                self.0.list_rtc_history_usage(input).await
            })
        }
    }
    tokio::time::pause();
    let client = UsageClient::builder()
        .client(volcengine::Client::from_stub(Slow(Volc::default())))
        .client(huawei::Client::from_stub(Slow(Hw::default())))
        .build();
    let query = UsageQuery::new(day("2026-11-01"), day("2026-11-02"))
        .apps(["volcengine:a", "volcengine:b", "huawei:c", "huawei:d"].map(app));
    let start = tokio::time::Instant::now();
    let report = client.usage(&query).await.unwrap();
    assert_eq!(report.records.len(), 4 * 2 * 4);
    // Four 10-second calls (virtual time) overlap: 10 s, not 40 s.
    assert_eq!(start.elapsed().as_secs(), 10);
}

#[tokio::test]
async fn recording_and_transcoding_are_reported_where_documented() {
    let s = setup(Volc::default(), Trtc::default(), Hw::default());
    let d = day("2026-11-01");
    let query = UsageQuery::new(d, d.succ_opt().unwrap())
        .apps(["tencent:7", "volcengine:v"].map(app))
        .categories(Category::ALL);
    let report = s.client.usage(&query).await.unwrap();
    assert!(report.is_complete(), "{:?}", report.failures);
    let calls: Vec<String> = sorted(&s.trtc).into_iter().map(|(a, _, _)| a).collect();
    assert_eq!(
        calls,
        [
            "7",
            "7 recording multi",
            "7 recording single",
            "7 transcoding"
        ]
    );
    let count = |c: Category| report.records.iter().filter(|r| r.category == c).count();
    // Two days: Volcengine 4 call tiers; Tencent 6 call, 2 × 6 recording, 6 transcoding.
    assert_eq!(count(Category::Call), 2 * (4 + 6));
    assert_eq!(count(Category::Recording), 2 * 12);
    assert_eq!(count(Category::Transcoding), 2 * 6);
    let recording = report
        .records
        .iter()
        .find(|r| r.vendor_tier == "multi/FullHD")
        .unwrap();
    assert_eq!(
        (recording.tier, recording.category),
        (Tier::Fhd, Category::Recording)
    );
    let notes: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        [
            "volcengine:v: volcengine documents no recording usage operation; not reported",
            "volcengine:v: volcengine documents no transcoding usage operation; not reported",
        ]
    );
}

#[tokio::test]
async fn bad_queries_are_refused_before_any_call() {
    let s = setup(Volc::default(), Trtc::default(), Hw::default());
    let (a, b) = (day("2026-11-01"), day("2026-11-05"));
    let cases: Vec<(UsageQuery, &str)> = vec![
        (
            UsageQuery::new(b, a).app(app("tencent:1")),
            "swap the dates",
        ),
        (UsageQuery::new(a, b), "no apps"),
    ];
    for (query, needle) in cases {
        let err = s.client.usage(&query).await.unwrap_err();
        assert!(err.to_string().contains(needle), "{err}");
    }
    let only_volc = UsageClient::builder()
        .client(volcengine::Client::from_stub(Volc::default()))
        .build();
    let err = only_volc
        .usage(&UsageQuery::new(a, b).app(app("huawei:x")))
        .await
        .unwrap_err();
    assert!(
        matches!(err, QueryError::VendorNotConfigured(v) if v.id() == "huawei"),
        "{err}"
    );

    // ListOperationDistribution: a 7-day span and a 30-day look-back, never split.
    let today = s.client.now().date_naive();
    let too_long = DistributionQuery::new("a", today - Days::new(8), today);
    let err = s.client.check_distribution(&too_long).unwrap_err();
    assert!(err.to_string().contains("longer than the 7 days"), "{err}");
    let too_old = DistributionQuery::new("a", today - Days::new(40), today - Days::new(38));
    let err = s.client.check_distribution(&too_old).unwrap_err();
    assert!(err.to_string().contains("30 days"), "{err}");
    assert!(s.client.distribution(&too_old).await.is_err());
    assert!(
        s.volc.lock().unwrap().is_empty()
            && s.trtc.lock().unwrap().is_empty()
            && s.hw.lock().unwrap().is_empty()
    );
}
