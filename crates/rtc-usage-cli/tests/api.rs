//! `rtc-usage api`: the generic command over the generated `API` tables. `--list` names every
//! operation of the specs with its limits; a call against the emulator prints the vendor's
//! payload; bad input exits 2 before any request, a vendor error exits 1. Every run has an
//! empty environment, so no real credentials are ever used.

use std::net::TcpListener;
use std::process::{Command, Output};

use chrono::{Days, Utc};
use rtc_usage::core::api::ApiOperation;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_rtc-usage");

/// One demo app per vendor of the emulator.
const VOLCENGINE_APP: &str = "65f1a2b3c4d5e6f708192a3b";
const TENCENT_APP: &str = "1400000001";
const HUAWEI_APP: &str = "5fa682b34a974f7ad24d223b";

fn rtc_usage(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("the binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A successful run's stdout as JSON.
fn json(args: &[&str]) -> Value {
    let out = rtc_usage(args, &[]);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: stdout is not JSON ({e}): {}", stdout(&out)))
}

/// Days `from` and `to` days ago (UTC), which every vendor's emulator serves.
fn days_ago(from: u64, to: u64) -> (String, String) {
    let today = Utc::now().date_naive();
    let day = |n| today.checked_sub_days(Days::new(n)).unwrap().to_string();
    (day(from), day(to))
}

/// Every vendor's generated `API` table, from the registry.
fn tables() -> Vec<(&'static str, &'static [ApiOperation])> {
    rtc_usage::Vendor::all()
        .map(|v| (v.id(), v.entry().api))
        .collect()
}

#[test]
fn list_names_every_operation_of_the_specs_with_its_limits() {
    let out = rtc_usage(&["api", "--list"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    assert_eq!(
        rows[0],
        [
            "VENDOR",
            "OPERATION",
            "VERSION",
            "REQUEST",
            "RATE LIMIT",
            "MAX SPAN",
            "LOOK-BACK"
        ]
    );
    let count: usize = tables().iter().map(|(_, t)| t.len()).sum();
    assert_eq!(rows.len(), 1 + count, "{text}");
    // Every generated entry has its row, whatever the specs hold.
    for (vendor, table) in tables() {
        for op in table {
            let d = op.descriptor;
            assert!(
                rows.iter()
                    .any(|r| r[..3] == [vendor, d.name, d.version] && r[3].starts_with(d.method)),
                "no row for {vendor} {}: {text}",
                op.qualified_name()
            );
        }
    }
    // The operations this command was introduced with, and their documented limits.
    for expected in [
        [
            "volcengine",
            "ListUsages",
            "2020-12-01",
            "POST /?Action=ListUsages&Version=2020-12-01",
            "2/s",
            "30 days (enforced)",
            "30 days (unconfirmed)",
        ],
        [
            "volcengine",
            "ListUsages",
            "2023-11-01",
            "POST /?Action=ListUsages&Version=2023-11-01",
            "2/s",
            "30 days (enforced)",
            "30 days (unconfirmed)",
        ],
        [
            "tencent",
            "DescribeRecordingUsage",
            "2019-07-22",
            "POST /",
            "5/s",
            "31 days (enforced)",
            "-",
        ],
        [
            "tencent",
            "DescribeMixTranscodingUsage",
            "2019-07-22",
            "POST /",
            "5/s",
            "31 days (enforced)",
            "-",
        ],
        [
            "tencent",
            "DescribeRelayUsage",
            "2019-07-22",
            "POST /",
            "5/s",
            "31 days (enforced)",
            "-",
        ],
        [
            "huawei",
            "ListRtcHistoryScale",
            "v1",
            "GET /v1/{project_id}/rtc/history/scale",
            "30/min",
            "31 days (enforced)",
            "31 days (enforced)",
        ],
        [
            "huawei",
            "ListRtcHistoryUsage",
            "v1",
            "GET /v1/{project_id}/rtc/history/usage",
            "30/min",
            "31 days (unconfirmed)",
            "31 days (unconfirmed)",
        ],
    ] {
        assert!(
            rows.contains(&expected.to_vec()),
            "{expected:?} not in:\n{text}"
        );
    }

    let out = rtc_usage(&["api", "--list", "tencent"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1 + rtc_usage::tencent::API.len());
    assert!(
        text.lines().skip(1).all(|l| l.starts_with("tencent ")),
        "{text}"
    );
}

#[test]
fn volcengine_list_usages_against_the_emulator_prints_the_payload() {
    let (from, to) = days_ago(12, 10);
    let start = format!("StartTime={from}T00:00:00+08:00");
    let end = format!("EndTime={to}T00:00:00+08:00");
    let app = format!("AppId={VOLCENGINE_APP}");
    let answer = json(&[
        "api",
        "--emulator",
        "volcengine",
        "ListUsages@2020-12-01",
        "--param",
        &app,
        "--param",
        &start,
        "--param",
        &end,
    ]);
    let usages = answer["Usages"].as_array().expect("the Result's Usages");
    assert_eq!(usages.len(), 3, "{answer}");
    assert_eq!(
        usages[0]["TimeStamp"],
        format!("{from}T00:00:00+08:00"),
        "{answer}"
    );
    for day in usages {
        for tier in ["Audio", "VideoSDM", "VideoSD", "VideoHD"] {
            assert!(day[tier].is_u64(), "{tier} in {day}");
        }
    }
    assert!(answer.get("ResponseMetadata").is_none(), "the payload only");

    // The same call by module name with --version, and with the parameters as a body file.
    let scratch = tempfile::tempdir().unwrap();
    let body = scratch.path().join("body.json");
    std::fs::write(
        &body,
        serde_json::json!({
            "AppId": VOLCENGINE_APP,
            "StartTime": format!("{from}T00:00:00+08:00"),
            "EndTime": "2000-01-01T00:00:00+08:00",
        })
        .to_string(),
    )
    .unwrap();
    let body_arg = format!("@{}", body.display());
    let again = json(&[
        "api",
        "--emulator",
        "volcengine",
        "list_usages",
        "--body",
        &body_arg,
        "--param",
        &end,
    ]);
    assert_eq!(again, answer, "the emulator's data is deterministic");
    let again = json(&[
        "api",
        "--emulator",
        "volcengine",
        "listusages",
        "--version",
        "2020-12-01",
        "--body",
        &body_arg,
        "--param",
        &end,
    ]);
    assert_eq!(again, answer);
}

#[test]
fn tencent_describe_trtc_usage_against_the_emulator_prints_the_payload() {
    let (from, to) = days_ago(12, 10);
    let start = format!("StartTime={from}");
    let end = format!("EndTime={to}");
    let app = format!("SdkAppId={TENCENT_APP}");
    let answer = json(&[
        "api",
        "--emulator",
        "tencent",
        "DescribeTrtcUsage",
        "-p",
        &start,
        "-p",
        &end,
        "-p",
        &app,
    ]);
    let keys = answer["UsageKey"].as_array().expect("UsageKey");
    let list = answer["UsageList"].as_array().expect("UsageList");
    assert!(answer["RequestId"].is_string(), "{answer}");
    assert_eq!(list.len(), 3, "{answer}");
    assert_eq!(list[0]["TimeKey"], format!("{from} 00:00:00"));
    for bucket in list {
        assert_eq!(
            bucket["UsageValue"].as_array().map(Vec::len),
            Some(keys.len()),
            "{bucket}"
        );
    }
}

#[test]
fn huawei_list_rtc_history_usage_against_the_emulator_prints_the_payload() {
    let (from, to) = days_ago(12, 10);
    let start = format!("start_date={from}");
    let end = format!("end_date={to}");
    let app = format!("app={HUAWEI_APP}");
    let answer = json(&[
        "api",
        "--emulator",
        "huawei",
        "ListRtcHistoryUsage",
        "-p",
        &app,
        "-p",
        "metric=CommunicationDuration",
        "-p",
        &start,
        "-p",
        &end,
    ]);
    let usage = answer["usage"].as_array().expect("usage");
    assert_eq!(usage.len(), 3, "{answer}");
    assert_eq!(usage[0]["date"], from.as_str());
    for day in usage {
        let sum: u64 = ["video_sd", "video_hd", "video_hdp", "audio"]
            .iter()
            .map(|k| day[*k].as_u64().unwrap())
            .sum();
        assert_eq!(day["total_duration"].as_u64(), Some(sum), "{day}");
    }
}

/// A local port that counts connections: the endpoint of calls that must never be made.
struct NoVendor {
    listener: TcpListener,
    url: String,
}

impl NoVendor {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        Self { listener, url }
    }

    fn assert_untouched(&self) {
        match self.listener.accept() {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            other => panic!("a request was made: {other:?}"),
        }
    }
}

#[test]
fn bad_operations_and_parameters_exit_2_before_any_request() {
    let vendor = NoVendor::start();
    let env = [
        ("VOLC_ACCESSKEY", "AKLTtest"),
        ("VOLC_SECRETKEY", "test-secret"),
        ("TENCENTCLOUD_SECRET_ID", "AKIDtest"),
        ("TENCENTCLOUD_SECRET_KEY", "test-secret"),
        ("HUAWEICLOUD_SDK_AK", "HWtest"),
        ("HUAWEICLOUD_SDK_SK", "test-secret"),
        (
            "HUAWEICLOUD_SDK_PROJECT_ID",
            "0123456789abcdef0123456789abcdef",
        ),
        ("RTC_USAGE_ENDPOINT_VOLCENGINE", vendor.url.as_str()),
        ("RTC_USAGE_ENDPOINT_TENCENT", vendor.url.as_str()),
        ("RTC_USAGE_ENDPOINT_HUAWEI", vendor.url.as_str()),
    ];
    let (from, to) = days_ago(3, 2);
    let tencent_range = format!("-p StartTime={from} -p EndTime={to}");
    let cases: Vec<(String, &[&str])> = vec![
        ("api".into(), &["VENDOR"]),
        ("api aws ListUsages".into(), &["unknown vendor `aws`"]),
        (
            "api tencent DescribeNothing".into(),
            &["no operation `DescribeNothing`", "DescribeTrtcUsage@2019-07-22"],
        ),
        (
            "api volcengine ListUsages -p AppId=a".into(),
            &["exists at versions 2020-12-01 and 2023-11-01"],
        ),
        (
            "api volcengine ListUsages@2099-01-01".into(),
            &["has no version 2099-01-01"],
        ),
        (
            format!("api tencent DescribeTrtcUsage {tencent_range} -p SdkAppID=1"),
            &["`SdkAppID` is not a parameter", "did you mean `SdkAppId`?"],
        ),
        (
            format!("api tencent DescribeTrtcUsage {tencent_range} -p SdkAppId=abc"),
            &["invalid type", "u64"],
        ),
        (
            format!("api tencent DescribeRecordingUsage {tencent_range}"),
            &["missing field `MixType`"],
        ),
        (
            "api tencent DescribeTrtcUsage -p StartTime=2026-11-02 -p EndTime=2026-11-01".into(),
            &["StartTime (2026-11-02) is after EndTime (2026-11-01)"],
        ),
        (
            "api tencent DescribeRelayUsage -p StartTime=2026-01-01 -p EndTime=2026-02-01".into(),
            &["longer than the 31 days"],
        ),
        (
            "api huawei ListRtcHistoryScale -p app=a -p metric=UserCount -p start_date=2020-01-01"
                .into(),
            &["more than 31 days back"],
        ),
        (
            "api huawei ListRtcHistoryScale -p app=a".into(),
            &["missing field `metric`"],
        ),
        (
            "api volcengine ListUsages@2023-11-01 --body [1]".into(),
            &["must be a JSON object"],
        ),
        (
            "api volcengine ListUsages@2023-11-01 --body {".into(),
            &["--body: not JSON"],
        ),
        (
            "api volcengine ListUsages@2023-11-01 -p AppId=a -p StartTime=yesterday -p EndTime=today"
                .into(),
            &["do not fit ListUsages 2023-11-01"],
        ),
        ("api tencent DescribeTrtcUsage -p =1".into(), &["KEY=VALUE"]),
    ];
    for (args, needles) in cases {
        let args: Vec<&str> = args.split_whitespace().collect();
        let out = rtc_usage(&args, &env);
        let message = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {message}");
        assert!(out.stdout.is_empty(), "{args:?} printed: {}", stdout(&out));
        for needle in needles {
            assert!(
                message.contains(needle),
                "{args:?}: `{needle}` not in: {message}"
            );
        }
    }
    vendor.assert_untouched();
}

#[test]
fn missing_credentials_exit_2_naming_the_variables() {
    let (from, to) = days_ago(3, 2);
    let start = format!("start_date={from}");
    let end = format!("end_date={to}");
    let out = rtc_usage(
        &[
            "api",
            "huawei",
            "ListRtcHistoryScale",
            "-p",
            "app=a",
            "-p",
            "metric=UserCount",
            "-p",
            &start,
            "-p",
            &end,
        ],
        &[],
    );
    let message = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{message}");
    assert!(out.stdout.is_empty());
    for needle in [
        "no huawei credentials for rtc-usage api huawei",
        "HUAWEICLOUD_SDK_AK",
        "--emulator",
    ] {
        assert!(message.contains(needle), "`{needle}` not in: {message}");
    }
    let out = rtc_usage(
        &[
            "api",
            "huawei",
            "ListRtcHistoryScale",
            "-p",
            "app=a",
            "-p",
            "metric=UserCount",
        ],
        &[
            ("HUAWEICLOUD_SDK_AK", "HWtest"),
            ("HUAWEICLOUD_SDK_SK", "s"),
        ],
    );
    let message = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{message}");
    assert!(
        message.contains("needs a project id for rtc-usage api huawei")
            && message.contains("HUAWEICLOUD_SDK_PROJECT_ID"),
        "{message}"
    );
}

#[test]
fn a_vendor_error_exits_1_with_its_code() {
    let (from, to) = days_ago(12, 10);
    let start = format!("StartTime={from}");
    let end = format!("EndTime={to}");
    let out = rtc_usage(
        &[
            "api",
            "--emulator",
            "tencent",
            "DescribeTrtcUsage",
            "-p",
            &start,
            "-p",
            &end,
            "-p",
            "SdkAppId=1409999999",
        ],
        &[],
    );
    let message = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{message}");
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    assert!(message.contains("tencent DescribeTrtcUsage"), "{message}");
    assert!(message.contains("request id"), "{message}");
}
