//! `rtc-usage usage` and `distribution` against the emulator.

use rtc_usage_emulator::{Emulator, Fault, FaultRule, Vendor, default_apps, truth_buckets};

use crate::harness::{
    self, Keyed, assert_same, date, keyed, plus_days, records, run, stderr, tier,
};

/// Every default app of every vendor as `--app VENDOR:ID` arguments.
fn app_args() -> Vec<String> {
    ["volcengine", "tencent", "huawei"]
        .into_iter()
        .flat_map(|v| default_apps(v).iter().map(move |a| format!("{v}:{a}")))
        .flat_map(|app| ["--app".to_owned(), app])
        .collect()
}

fn args<'a>(fixed: &[&'a str], extra: &'a [String]) -> Vec<&'a str> {
    fixed
        .iter()
        .copied()
        .chain(extra.iter().map(String::as_str))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn ninety_five_days_on_three_vendors_equal_the_ground_truth() {
    // Documented rate limits, enforced by the emulator and kept by the client's limiter.
    let emu = Emulator::builder().start().await.expect("emulator");
    let (from, to) = (date("2026-05-01"), date("2026-08-03"));
    assert_eq!(harness::days(from, to).count(), 95);
    let apps = app_args();
    let output = run(
        Some(&emu),
        &args(
            &[
                "usage",
                "--from",
                "2026-05-01",
                "--to",
                "2026-08-03",
                "--format",
                "json",
            ],
            &apps,
        ),
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let mut expected = Keyed::new();
    for vendor in ["volcengine", "tencent", "huawei"] {
        assert!(default_apps(vendor).len() >= 3);
        for app in default_apps(vendor) {
            expected.extend(harness::truth(vendor, app, from, to));
        }
    }
    let got = keyed(&records(&output));
    assert_same(&got, &expected);
    assert!(
        got.values().any(|(_, _, s)| *s == 0.0),
        "zero-usage days are reported too"
    );

    // Windows split at each vendor's limit: 30 days (Volcengine), 31 (Tencent, and Huawei's
    // unconfirmed limit), so four calls per app. The client's limiter paces them; a throttled
    // answer (arrival jitter on a loaded machine can squeeze two sends into the emulator's
    // window) is retried, so it costs a request, never a record. Zero throttling at full
    // speed is the bulk-fetch benchmark's figure, not a timed assertion here.
    let stats = emu.stats();
    for (vendor, op) in [
        ("volcengine", "ListUsages"),
        ("tencent", "DescribeTrtcUsage"),
        ("huawei", "ListRtcHistoryUsage"),
    ] {
        let s = stats.operation(vendor, op);
        assert_eq!(s.ok, 4 * 3, "{vendor} {op}: {s:?}");
        assert_eq!(
            s.requests,
            s.ok + s.throttled,
            "{vendor} {op}: only throttling is retried: {s:?}"
        );
    }
    assert_eq!(stats.signature_failures, 0, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tencent_day_by_day_and_in_native_five_minute_buckets() {
    let emu = Emulator::builder().start().await.expect("emulator");
    let app = default_apps("tencent")[0];
    let day = date("2026-10-31");
    let common = [
        "usage",
        "--from",
        "2026-10-31",
        "--to",
        "2026-10-31",
        "--format",
        "json",
    ];
    let app_arg = format!("tencent:{app}");

    let daily = run(
        Some(&emu),
        &[&common[..], &["--app", &app_arg]].concat(),
        &[],
    )
    .await;
    assert_eq!(daily.status.code(), Some(0), "{}", stderr(&daily));
    assert_same(
        &keyed(&records(&daily)),
        &harness::truth("tencent", app, day, day),
    );

    let native = run(
        Some(&emu),
        &[&common[..], &["--app", &app_arg, "--granularity", "native"]].concat(),
        &[],
    )
    .await;
    assert_eq!(native.status.code(), Some(0), "{}", stderr(&native));
    let mut expected = Keyed::new();
    for (start, tiers) in truth_buckets(app, day) {
        for (vendor_tier, seconds) in tiers {
            expected.insert(
                (
                    "tencent".into(),
                    app.into(),
                    format!("{}+08:00", start.format("%Y-%m-%dT%H:%M:%S")),
                    vendor_tier.into(),
                ),
                (
                    tier("tencent", vendor_tier).into(),
                    "5min".into(),
                    seconds as f64,
                ),
            );
        }
    }
    assert_eq!(expected.len(), 288 * 6);
    assert_same(&keyed(&records(&native)), &expected);
    assert_eq!(
        emu.stats()
            .operation("tencent", "DescribeTrtcUsage")
            .requests,
        2
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_exits_2_naming_the_problem_before_any_request() {
    let emu = Emulator::builder().start().await.expect("emulator");
    let url = emu.url();
    let today = chrono::Utc::now().date_naive();
    let (old_from, old_to) = (
        (today - chrono::Days::new(40)).to_string(),
        (today - chrono::Days::new(38)).to_string(),
    );
    let (long_from, long_to) = (
        (today - chrono::Days::new(12)).to_string(),
        (today - chrono::Days::new(2)).to_string(),
    );
    let usage = |extra: &[&'static str]| -> Vec<String> {
        ["usage", "--from", "2026-11-01", "--to", "2026-11-05"]
            .iter()
            .chain(extra)
            .map(|s| s.to_string())
            .collect()
    };
    let distribution = |from: &str, to: &str| -> Vec<String> {
        [
            "distribution",
            "--app",
            "volcengine:65f1a2b3c4d5e6f708192a3b",
            "--dimension",
            "province",
            "--from",
            from,
            "--to",
            to,
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let cases: Vec<(Vec<String>, bool, &str)> = vec![
        (usage(&["--app", "aws:1"]), true, "unknown vendor"),
        (usage(&["--app", "tencent:abc"]), true, "SdkAppId"),
        (usage(&["--app", "volcengine:"]), true, "empty"),
        (usage(&["--app", "huawei:*"]), true, "only tencent"),
        (
            [
                "usage",
                "--from",
                "2026-13-01",
                "--to",
                "2026-11-05",
                "--app",
                "tencent:1",
            ]
            .map(str::to_owned)
            .to_vec(),
            true,
            "--from",
        ),
        (
            [
                "usage",
                "--from",
                "2026-11-05",
                "--to",
                "2026-11-01",
                "--app",
                "tencent:1",
            ]
            .map(str::to_owned)
            .to_vec(),
            true,
            "swap",
        ),
        (
            usage(&["--app", "tencent:1", "--format", "xml"]),
            true,
            "--format",
        ),
        (
            usage(&["--app", "tencent:1", "--granularity", "hourly"]),
            true,
            "--granularity",
        ),
        (
            usage(&["--app", "tencent:1", "--endpoint", "tencent=ftp://x"]),
            true,
            "--endpoint",
        ),
        (
            usage(&[
                "--app",
                "tencent:1",
                "--output",
                "/nonexistent-dir/usage.csv",
            ]),
            true,
            "--output",
        ),
        (
            usage(&["--app", "tencent:1"]),
            false,
            "TENCENTCLOUD_SECRET_ID",
        ),
        (distribution(&old_from, &old_to), true, "30 days"),
        (distribution(&long_from, &long_to), true, "7 days"),
    ];
    for (argv, with_credentials, needle) in &cases {
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let endpoints = [
            ("RTC_USAGE_ENDPOINT_VOLCENGINE", url.as_str()),
            ("RTC_USAGE_ENDPOINT_TENCENT", url.as_str()),
            ("RTC_USAGE_ENDPOINT_HUAWEI", url.as_str()),
        ];
        let output = run(with_credentials.then_some(&emu), &argv, &endpoints).await;
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{argv:?}: {err}");
        assert!(err.contains(needle), "{argv:?}: {needle:?} not in {err}");
        assert!(output.stdout.is_empty(), "{argv:?}: no data on stdout");
    }
    assert_eq!(
        emu.requests(),
        0,
        "no case reached the emulator: {:?}",
        emu.stats()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_window_that_fails_after_retries_keeps_every_other_record_and_exits_1() {
    let apps = default_apps("volcengine");
    let (bad, good) = (apps[0], apps[1]);
    // Every call for `bad` that covers 2026-10-05 fails with a 500: after the client's
    // retries its second window (2026-10-01..=2026-10-10) fails, its first does not.
    let emu = Emulator::builder()
        .fault(
            FaultRule::new(Fault::ServerError(500))
                .vendor(Vendor::Volcengine)
                .app(bad)
                .day(date("2026-10-05")),
        )
        .start()
        .await
        .expect("emulator");
    let (from, to) = (date("2026-09-01"), date("2026-10-10"));
    let app_args = [
        format!("volcengine:{bad}"),
        format!("volcengine:{good}"),
        "huawei:5fa682b34a974f7ad24d223b".into(),
    ];
    let mut argv = vec![
        "usage",
        "--from",
        "2026-09-01",
        "--to",
        "2026-10-10",
        "--format",
        "json",
    ];
    for a in &app_args {
        argv.extend(["--app", a.as_str()]);
    }
    let output = run(Some(&emu), &argv, &[]).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    let mut expected = harness::truth("volcengine", bad, from, plus_days(from, 29));
    expected.extend(harness::truth("volcengine", good, from, to));
    expected.extend(harness::truth(
        "huawei",
        "5fa682b34a974f7ad24d223b",
        from,
        to,
    ));
    assert_same(&keyed(&records(&output)), &expected);
    for needle in [
        "volcengine",
        "ListUsages",
        "InternalError",
        "2026-10-01..=2026-10-10",
        "request id",
        "after 3 attempts",
    ] {
        assert!(err.contains(needle), "{needle:?} not in {err}");
    }
    let s = emu.stats().operation("volcengine", "ListUsages");
    assert_eq!((s.requests, s.server_errors), (1 + 3 + 2, 3), "{s:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unconfirmed_limit_is_left_to_the_vendor_and_its_error_explained() {
    // Volcengine's 30-day look-back for ListUsages is unconfirmed: the client sends the call,
    // and the vendor's terse InvalidParameter.OutofTimeRange comes back with the spec's words.
    let emu = Emulator::builder()
        .enforce_unconfirmed(true)
        .start()
        .await
        .expect("emulator");
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (
        (today - chrono::Days::new(60)).to_string(),
        (today - chrono::Days::new(50)).to_string(),
    );
    let app = format!("volcengine:{}", default_apps("volcengine")[0]);
    let output = run(
        Some(&emu),
        &[
            "usage", "--from", &from, "--to", &to, "--app", &app, "--format", "json",
        ],
        &[],
    )
    .await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    for needle in [
        "InvalidParameter.OutofTimeRange",
        "unconfirmed 30-day look-back",
    ] {
        assert!(err.contains(needle), "{needle:?} not in {err}");
    }
    assert_eq!(
        emu.stats().operation("volcengine", "ListUsages").requests,
        1,
        "sent once, not retried"
    );
}
