//! `rtc-usage usage` and `distribution` against the emulator.

use rtc_usage_emulator::{
    Emulator, Fault, FaultRule, Vendor, default_apps, truth_buckets, truth_for,
};

use crate::harness::{
    self, Keyed, assert_same, date, keyed, plus_days, records, run, stderr, tier,
};

/// Every default app of every vendor of the registry as `--app VENDOR:ID` arguments.
fn app_args() -> Vec<String> {
    app_args_of(Vendor::all())
}

/// Every default app of `vendors` as `--app VENDOR:ID` arguments.
fn app_args_of(vendors: impl Iterator<Item = Vendor>) -> Vec<String> {
    vendors
        .map(Vendor::id)
        .flat_map(|v| default_apps(v).iter().map(move |a| format!("{v}:{a}")))
        .flat_map(|app| ["--app".to_owned(), app])
        .collect()
}

/// Whether every usage operation `vendor`'s facade asks serves a start of `from` today: an
/// enforced look-back (Alibaba's documented 90 days) refuses an older start before any request.
fn reaches(vendor: Vendor, from: chrono::NaiveDate) -> bool {
    use rtc_usage::core::descriptor::Enforcement;
    let today = chrono::Utc::now().date_naive();
    vendor
        .entry()
        .operations
        .iter()
        .filter(|op| op.usage.is_some_and(|u| u.facade))
        .all(|op| match op.limits.lookback {
            Some(l) if l.enforcement == Enforcement::Enforced => {
                from > today - chrono::Days::new(u64::from(l.max_days))
            }
            _ => true,
        })
}

fn args<'a>(fixed: &[&'a str], extra: &'a [String]) -> Vec<&'a str> {
    fixed
        .iter()
        .copied()
        .chain(extra.iter().map(String::as_str))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn ninety_five_days_on_every_vendor_equal_the_ground_truth() {
    // Documented rate limits, enforced by the emulator and kept by the client's limiter.
    let emu = Emulator::builder().start().await.expect("emulator");
    let (from, to) = (date("2026-05-01"), date("2026-08-03"));
    assert_eq!(harness::days(from, to).count(), 95);
    // A vendor whose documented look-back does not reach these days is asked over recent days
    // instead (`recent_days_on_every_vendor_equal_the_ground_truth`).
    let asked: Vec<Vendor> = Vendor::all().filter(|v| reaches(*v, from)).collect();
    assert!(asked.len() >= 5, "{asked:?}");
    let apps = app_args_of(asked.iter().copied());
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
    assert!(
        Vendor::all().count() >= 4,
        "a vendor added as specs is asked too"
    );
    for vendor in asked.iter().map(|v| v.id()) {
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

    // Windows split at each vendor's limit: 30 days (Volcengine, BytePlus), 31 (Tencent, and
    // Huawei's unconfirmed limit), so four calls per app. The client's limiter paces them; a throttled
    // answer (arrival jitter on a loaded machine can squeeze two sends into the emulator's
    // window) is retried, so it costs a request, never a record. Zero throttling at full
    // speed is the bulk-fetch benchmark's figure, not a timed assertion here.
    let stats = emu.stats();
    for (vendor, op) in [
        ("volcengine", "ListUsages"),
        ("tencent", "DescribeTrtcUsage"),
        ("huawei", "ListRtcHistoryUsage"),
        ("byteplus", "ListUsages"),
        // 30 days per call (31 inclusive days, the end sent as the day after).
        ("agora", "GetUsage"),
    ] {
        let s = stats.operation(vendor, op);
        assert_eq!(s.ok, 4 * 3, "{vendor} {op}: {s:?}");
        assert_eq!(
            s.requests,
            s.ok + s.throttled,
            "{vendor} {op}: only throttling is retried: {s:?}"
        );
    }
    // Agora's usage takes project ids: the App IDs were looked up once for the whole run.
    assert_eq!(stats.operation("agora", "ListProjects").ok, 1, "{stats:?}");
    assert_eq!(stats.signature_failures, 0, "{stats:?}");
}

/// Every vendor of the registry, each of its default apps, over 38 recent days (windows split
/// at every vendor's span, within every look-back): the records are the ground truth.
#[tokio::test(flavor = "multi_thread")]
async fn recent_days_on_every_vendor_equal_the_ground_truth() {
    let emu = Emulator::builder().start().await.expect("emulator");
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (today - chrono::Days::new(40), today - chrono::Days::new(3));
    assert!(Vendor::all().all(|v| reaches(v, from)));
    let (from_arg, to_arg) = (from.to_string(), to.to_string());
    let apps = app_args();
    let output = run(
        Some(&emu),
        &args(
            &[
                "usage", "--from", &from_arg, "--to", &to_arg, "--format", "json",
            ],
            &apps,
        ),
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut expected = Keyed::new();
    for vendor in Vendor::all().map(Vendor::id) {
        for app in default_apps(vendor) {
            expected.extend(harness::truth(vendor, app, from, to));
        }
    }
    assert_same(&keyed(&records(&output)), &expected);
    assert_eq!(emu.stats().signature_failures, 0);
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

/// One bad-input case: the command line (split on spaces), extra environment, whether the
/// demo credentials are set, and what stderr must say.
struct Bad {
    argv: String,
    env: Vec<(&'static str, &'static str)>,
    credentials: bool,
    needle: &'static str,
}

fn bad(argv: impl Into<String>, needle: &'static str) -> Bad {
    Bad {
        argv: argv.into(),
        env: Vec::new(),
        credentials: true,
        needle,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_exits_2_naming_the_problem_before_any_request() {
    let emu = Emulator::builder().start().await.expect("emulator");
    let url = emu.url();
    let today = chrono::Utc::now().date_naive();
    let back = |n: u64| (today - chrono::Days::new(n)).to_string();
    let usage = "usage --from 2026-11-01 --to 2026-11-05";
    let distribution =
        "distribution --app volcengine:65f1a2b3c4d5e6f708192a3b --dimension province";
    let unwritable = std::env::temp_dir();
    let cases = vec![
        bad(format!("{usage} --app aws:1"), "unknown vendor"),
        bad(
            "usage --from 0001-01-01 --to 2026-11-05 --app tencent:1",
            "before any vendor reports usage",
        ),
        bad(
            "usage --from 2016-01-01 --to 2026-11-05 --app tencent:1 --max-calls 50",
            "more than the 50 allowed",
        ),
        bad(format!("{usage} --app tencent:abc"), "SdkAppId"),
        bad(format!("{usage} --app tencent:1.5"), "SdkAppId"),
        bad(format!("{usage} --app volcengine:"), "empty"),
        bad(format!("{usage} --app volcengine"), "VENDOR:APP_ID"),
        bad(format!("{usage} --app huawei:*"), "only tencent, alibaba"),
        bad(
            "usage --from 2026-13-01 --to 2026-11-05 --app tencent:1",
            "--from",
        ),
        bad(
            "usage --from 2026-02-30 --to 2026-03-05 --app tencent:1",
            "--from",
        ),
        bad(
            "usage --from 2026-11-01 --to 11/05/2026 --app tencent:1",
            "--to",
        ),
        bad(
            "usage --from 2026-11-05 --to 2026-11-01 --app tencent:1",
            "swap",
        ),
        bad(format!("{usage} --app tencent:1 --format xml"), "--format"),
        bad(
            format!("{usage} --app tencent:1 --dry-run --format html"),
            "--dry-run prints the plan",
        ),
        bad(
            format!("{usage} --app tencent:1 --granularity hourly"),
            "--granularity",
        ),
        bad(
            format!("{usage} --app tencent:1 --category movies"),
            "--category",
        ),
        bad(
            format!("{usage} --app tencent:1 --endpoint tencent=ftp://x"),
            "--endpoint",
        ),
        bad(
            format!("{usage} --app tencent:1 --endpoint aws=http://127.0.0.1:9"),
            "--endpoint",
        ),
        bad(
            format!("{usage} --app tencent:1 --output /nonexistent-dir/usage.csv"),
            "--output",
        ),
        bad(
            format!("{usage} --app tencent:1 --output {}", unwritable.display()),
            "--output",
        ),
        Bad {
            credentials: false,
            ..bad(format!("{usage} --app tencent:1"), "TENCENTCLOUD_SECRET_ID")
        },
        Bad {
            credentials: false,
            ..bad(format!("{usage} --app volcengine:v"), "VOLC_ACCESSKEY")
        },
        Bad {
            env: vec![("HUAWEICLOUD_SDK_PROJECT_ID", "")],
            ..bad(
                format!("{usage} --app huawei:h"),
                "HUAWEICLOUD_SDK_PROJECT_ID",
            )
        },
        Bad {
            env: vec![("RTC_USAGE_ENDPOINT_TENCENT", "not a url")],
            ..bad(
                format!("{usage} --app tencent:1"),
                "RTC_USAGE_ENDPOINT_TENCENT",
            )
        },
        Bad {
            env: vec![("RTC_USAGE_RATE_LIMIT_SCALE", "-3")],
            ..bad(
                format!("{usage} --app tencent:1"),
                "RTC_USAGE_RATE_LIMIT_SCALE",
            )
        },
        Bad {
            env: vec![("RTC_USAGE_RATE_LIMIT_SCALE", "1e-300")],
            ..bad(
                format!("{usage} --app tencent:1"),
                "RTC_USAGE_RATE_LIMIT_SCALE",
            )
        },
        Bad {
            env: vec![("TENCENTCLOUD_SECRET_KEY", "demo-secret\r\n")],
            ..bad(
                format!("{usage} --app tencent:1"),
                "TENCENTCLOUD_SECRET_KEY: it ends with a carriage return",
            )
        },
        Bad {
            env: vec![("HUAWEICLOUD_SDK_PROJECT_ID", "   ")],
            ..bad(
                format!("{usage} --app huawei:5fa682b34a974f7ad24d223b"),
                "HUAWEICLOUD_SDK_PROJECT_ID: it is set but blank",
            )
        },
        Bad {
            env: vec![("BYTEPLUS_ACCESSKEY", "AKLT\n")],
            ..bad(
                format!("{usage} --app byteplus:Your_AppId"),
                "BYTEPLUS_ACCESSKEY: it ends with a newline",
            )
        },
        Bad {
            env: vec![("VOLC_REGION", " cn-north-1")],
            ..bad(
                format!("{usage} --app volcengine:65f1a2b3c4d5e6f708192a3b"),
                "VOLC_REGION: it has leading or trailing spaces",
            )
        },
        bad(
            format!("{distribution} --from {} --to {}", back(40), back(38)),
            "30 days",
        ),
        bad(
            format!("{distribution} --from {} --to {}", back(12), back(2)),
            "7 days",
        ),
        bad(
            format!(
                "{distribution} --from {} --to {} --dimension city",
                back(3),
                back(2)
            ),
            "--dimension",
        ),
        bad(
            "api tencent NoSuchOperation --param StartTime=2026-11-01",
            "NoSuchOperation",
        ),
        bad(
            "api tencent DescribeTrtcUsage --param StartTime=2026-11-01 --param EndTime=2026-12-31",
            "31 days",
        ),
        bad(
            "api huawei ListRtcHistoryUsage --param app=a --param nope=1",
            "nope",
        ),
        bad(
            "api tencent DescribeTrtcUsage --param StartTime=2026-11-01 --param EndTime=2026-11-02 --param SdkAppId=abc",
            "SdkAppId: invalid type",
        ),
        bad(
            "api tencent DescribeTrtcUsage --param StartTime=2026-11-01 --param EndTime=2026-11-02 --param SdkAppId=-5",
            "SdkAppId: invalid value",
        ),
        bad(
            "api tencent DescribeTrtcUsage --param StartTime=2026-11-01 --param EndTime=2026-11-02 --param SdkAppId=1.5",
            "SdkAppId: invalid type",
        ),
        bad(
            "api tencent DescribeTrtcUsage --param StartTime=2026-02-30 --param EndTime=2026-11-02",
            "StartTime: ",
        ),
    ];
    assert!(cases.len() >= 20);
    let endpoints = [
        ("RTC_USAGE_ENDPOINT_VOLCENGINE", url.as_str()),
        ("RTC_USAGE_ENDPOINT_TENCENT", url.as_str()),
        ("RTC_USAGE_ENDPOINT_HUAWEI", url.as_str()),
    ];
    for case in &cases {
        let argv: Vec<&str> = case.argv.split(' ').collect();
        let env: Vec<(&str, &str)> = endpoints.iter().chain(&case.env).copied().collect();
        let output = run(case.credentials.then_some(&emu), &argv, &env).await;
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{}: {err}", case.argv);
        assert!(
            err.contains(case.needle),
            "{}: {:?} not in {err}",
            case.argv,
            case.needle
        );
        assert!(output.stdout.is_empty(), "{}: no data on stdout", case.argv);
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
                .vendor(Vendor::get("volcengine").expect("a vendor"))
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

#[tokio::test(flavor = "multi_thread")]
async fn recording_and_transcoding_beside_calls_equal_the_ground_truth() {
    let emu = Emulator::builder().start().await.expect("emulator");
    let (tencent_app, huawei_app) = (default_apps("tencent")[0], default_apps("huawei")[0]);
    let (from, to) = (date("2026-10-01"), date("2026-10-03"));
    let apps = [
        format!("tencent:{tencent_app}"),
        format!("huawei:{huawei_app}"),
    ];
    let argv = [
        "usage",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-03",
        "--format",
        "json",
        "--category",
        "all",
        "--app",
        &apps[0],
        "--app",
        &apps[1],
    ];
    let output = run(Some(&emu), &argv, &[]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut got: std::collections::BTreeMap<(String, String, String, String), f64> =
        Default::default();
    for r in records(&output) {
        let text = |k: &str| r[k].as_str().unwrap().to_owned();
        let key = (
            text("category"),
            text("app"),
            text("start"),
            text("vendor_tier"),
        );
        assert!(
            got.insert(key, r["seconds"].as_f64().unwrap()).is_none(),
            "{r}"
        );
    }
    let mut expected = std::collections::BTreeMap::new();
    for day in harness::days(from, to) {
        let mut add =
            |category: &str, app: &str, offset: &str, prefix: &str, truth: Vec<(&str, u64)>| {
                for (key, seconds) in truth {
                    let start = format!("{day}T00:00:00{offset}");
                    expected.insert(
                        (category.into(), app.into(), start, format!("{prefix}{key}")),
                        seconds as f64,
                    );
                }
            };
        add(
            "call",
            tencent_app,
            "+08:00",
            "",
            truth_for("tencent", "DescribeTrtcUsage", tencent_app, day, None),
        );
        for mix in ["single", "multi"] {
            let truth = truth_for(
                "tencent",
                "DescribeRecordingUsage",
                tencent_app,
                day,
                Some(mix),
            );
            add(
                "recording",
                tencent_app,
                "+08:00",
                &format!("{mix}/"),
                truth,
            );
        }
        let truth = truth_for(
            "tencent",
            "DescribeMixTranscodingUsage",
            tencent_app,
            day,
            None,
        );
        add("transcoding", tencent_app, "+08:00", "", truth);
        for (category, metric) in [
            ("call", None),
            ("recording", Some("RecordDuration")),
            ("transcoding", Some("TranscodeDuration")),
        ] {
            add(
                category,
                huawei_app,
                "+00:00",
                "",
                truth_for("huawei", "ListRtcHistoryUsage", huawei_app, day, metric),
            );
        }
    }
    assert_eq!(got, expected);
}

/// `VENDOR:*` where the vendor's call-minutes operation answers for every app (Tencent and
/// Alibaba leave the app parameter out): one record per day and tier labelled `*`, each the
/// sum of every app of the account.
#[tokio::test(flavor = "multi_thread")]
async fn every_app_of_an_account_is_the_sum_of_its_apps() {
    let emu = Emulator::builder().start().await.expect("emulator");
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (today - chrono::Days::new(12), today - chrono::Days::new(3));
    let (from_arg, to_arg) = (from.to_string(), to.to_string());
    for vendor in ["tencent", "alibaba"] {
        let app = format!("{vendor}:*");
        let output = run(
            Some(&emu),
            &[
                "usage", "--from", &from_arg, "--to", &to_arg, "--format", "json", "--app", &app,
            ],
            &[],
        )
        .await;
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        // The truth of every app, summed per (start, vendor tier), labelled `*`.
        let mut expected = Keyed::new();
        for one in default_apps(vendor) {
            for ((v, _, start, vendor_tier), (tier, granularity, seconds)) in
                harness::truth(vendor, one, from, to)
            {
                let entry = expected
                    .entry((v, "*".to_owned(), start, vendor_tier))
                    .or_insert((tier, granularity, 0.0));
                entry.2 += seconds;
            }
        }
        assert_same(&keyed(&records(&output)), &expected);
    }
}

/// `--dry-run`: the plan per account, vendor and operation, with the least time at the
/// documented rate limits; the emulator receives nothing.
#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_prints_the_plan_and_sends_nothing() {
    let emu = Emulator::builder().start().await.expect("emulator");
    let apps = [
        format!("tencent:{}", default_apps("tencent")[0]),
        format!("tencent:{}", default_apps("tencent")[1]),
        format!("volcengine:{}", default_apps("volcengine")[0]),
        format!("huawei:{}", default_apps("huawei")[0]),
    ];
    let mut argv = vec![
        "usage",
        "--from",
        "2026-05-01",
        "--to",
        "2026-08-03",
        "--dry-run",
        "--format",
        "json",
    ];
    for app in &apps {
        argv.extend(["--app", app.as_str()]);
    }
    let output = run(Some(&emu), &argv, &[]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(emu.requests(), 0, "{:?}", emu.stats());
    assert_eq!(plan["sent"], 0);
    // 95 days: four windows per app at each vendor's span (30 or 31 days).
    let mut least = 0.0f64;
    for (vendor, operation, app_count) in [
        ("tencent", "DescribeTrtcUsage", 2),
        ("volcengine", "ListUsages", 1),
        ("huawei", "ListRtcHistoryUsage", 1),
    ] {
        let group = plan["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["vendor"] == vendor)
            .unwrap_or_else(|| panic!("{vendor} in {plan}"));
        assert!(group["operations"].as_str().unwrap().starts_with(operation));
        assert_eq!(group["calls"], 4 * app_count, "{vendor}");
        assert_eq!(group["account"], "default");
        assert_eq!(
            (group["from"].as_str(), group["to"].as_str()),
            (Some("2026-05-01"), Some("2026-08-03"))
        );
        // The documented limit, read from the spec's descriptor: N calls per window.
        let op = Vendor::get(vendor)
            .unwrap()
            .entry()
            .operations
            .iter()
            .find(|o| group["operations"].as_str().unwrap() == format!("{}@{}", o.name, o.version))
            .expect("the operation");
        let rate = op.limits.rate.expect("a documented rate");
        assert_eq!(
            group["rate"].as_str().unwrap().split(' ').next(),
            Some(rate.requests.to_string().as_str())
        );
        let calls = 4 * app_count as u64;
        let windows = calls.div_ceil(u64::from(rate.requests)) - 1;
        let expected = rate.per.as_secs_f64() * windows as f64;
        assert_eq!(group["least_seconds"].as_f64(), Some(expected), "{vendor}");
        least = least.max(expected);
    }
    assert_eq!(plan["calls"], 16);
    assert_eq!(plan["least_seconds"].as_f64(), Some(least));

    // The table says so too, and also sends nothing.
    argv.retain(|a| *a != "json" && *a != "--format");
    argv.extend(["--format", "table"]);
    let output = run(Some(&emu), &argv, &[("COLUMNS", "100")]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("Dry run: nothing was sent."), "{text}");
    assert!(text.contains("16 calls; at least"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    assert_eq!(emu.requests(), 0);
}

/// The plan counts what a run sends: every usage call, and the one listing a vendor's app
/// ids are looked up in (Agora's projects), in the group of its rate window.
#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_counts_every_call_a_run_then_sends() {
    let emu = Emulator::builder().start().await.expect("emulator");
    let apps = [
        format!("agora:{}", default_apps("agora")[0]),
        format!("agora:{}", default_apps("agora")[1]),
        format!("tencent:{}", default_apps("tencent")[0]),
    ];
    let mut argv = vec!["usage", "--from", "2026-08-01", "--to", "2026-10-15"];
    for app in &apps {
        argv.extend(["--app", app.as_str()]);
    }
    let dry: Vec<&str> = argv
        .iter()
        .copied()
        .chain(["--dry-run", "--format", "json"])
        .collect();
    let output = run(Some(&emu), &dry, &[]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(emu.requests(), 0);
    let agora = plan["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["vendor"] == "agora")
        .unwrap_or_else(|| panic!("agora in {plan}"));
    assert!(
        agora["operations"]
            .as_str()
            .unwrap()
            .contains("ListProjects@"),
        "{agora}"
    );

    let real: Vec<&str> = argv.iter().copied().chain(["--format", "json"]).collect();
    let output = run(Some(&emu), &real, &[]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        plan["calls"].as_u64(),
        Some(emu.requests()),
        "{plan} {:?}",
        emu.stats()
    );
}

/// Days inside a vendor's data delay are marked: `provisional` in every record (as the
/// facade's freshness rule says, from each spec's day offset and data delay), a `*` in the
/// table, and one warning naming them.
#[tokio::test(flavor = "multi_thread")]
async fn days_inside_the_data_delay_are_marked_provisional() {
    use rtc_usage::freshness::{DayFreshness, Freshness};
    let emu = Emulator::start().await.expect("emulator");
    let apps = app_args_of(
        ["volcengine", "tencent", "huawei"]
            .into_iter()
            .filter_map(Vendor::get),
    );
    let before = chrono::Utc::now();
    let output = run(
        Some(&emu),
        &args(
            &[
                "usage",
                "--from",
                "yesterday",
                "--to",
                "today",
                "--format",
                "json",
            ],
            &apps,
        ),
        &[],
    )
    .await;
    let after = chrono::Utc::now();
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{message}");
    let all = records(&output);
    assert!(!all.is_empty());
    let mut provisional_days = 0;
    for record in &all {
        let parsed: rtc_usage::UsageRecord = serde_json::from_value(record.clone()).unwrap();
        let freshness = Freshness::of_record(&parsed).expect("a known operation");
        let day = freshness.day_of(parsed.start);
        let (then, now) = (freshness.of_day(day, before), freshness.of_day(day, after));
        if then != now {
            continue; // The day turned final during the run.
        }
        assert_eq!(
            record["provisional"],
            then == DayFreshness::Provisional,
            "{record}"
        );
        provisional_days += usize::from(then == DayFreshness::Provisional);
    }
    // Today has not ended in UTC yet (Huawei), so some day is always provisional.
    assert!(provisional_days > 0, "{all:?}");
    assert_eq!(
        message.matches("warning: still provisional").count(),
        1,
        "{message}"
    );
    let table = run(
        Some(&emu),
        &args(
            &[
                "usage",
                "--from",
                "yesterday",
                "--to",
                "today",
                "--format",
                "table",
            ],
            &apps,
        ),
        &[],
    )
    .await;
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains(" *") && text.contains("* provisional:"),
        "{text}"
    );
}
