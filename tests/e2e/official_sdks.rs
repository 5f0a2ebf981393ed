//! The vendors' own SDKs accept the emulator as if it were the vendor: BytePlus's Python SDK
//! (`byteplus-sdk`) and Alibaba Cloud's Python client (`alibabacloud_live20161101`), run by
//! the scripts of `tests/official_sdks/` with the official credential variables. Each answer
//! must equal what this project's own client gets for the same request (`rtc-usage api`,
//! whose figures the other tests hold to the ground truth), and a wrong secret must be the
//! vendor's signature error.
//!
//! They need a Python with the pinned SDKs (`tests/official_sdks/requirements.txt`), named by
//! `RTC_USAGE_TEST_PYTHON`; `.ci/run` makes that virtual environment. Without it the tests
//! say so and pass, as the PostgreSQL tests of the store do without their server.

use std::path::PathBuf;
use std::process::Command;

use chrono::{Days, Utc};
use rtc_usage_emulator::{Emulator, default_apps, demo_env};
use serde_json::Value;

use crate::harness::{run, stderr};

const PYTHON_ENV: &str = "RTC_USAGE_TEST_PYTHON";

fn python() -> Option<String> {
    let python = std::env::var(PYTHON_ENV).ok().filter(|p| !p.is_empty());
    if python.is_none() {
        eprintln!("note: {PYTHON_ENV} is not set: the official SDKs are not run (.ci/run sets it)");
    }
    python
}

/// The SDKs do not pace themselves (BytePlus allows 2 requests a second): an emulator without
/// limits, whose enforcement its own tests cover.
async fn emulator() -> Emulator {
    Emulator::builder()
        .rate_limits(false)
        .start()
        .await
        .expect("emulator")
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/official_sdks")
        .join(name)
}

/// Runs `script` with `args` and the emulator's demo credentials (with `secret` replacing the
/// vendor's secret variable, when given): (exit code, stdout as JSON, stderr).
async fn run_sdk(
    python: &str,
    emu: &Emulator,
    script_name: &str,
    args: &[&str],
    secret: Option<(&str, &str)>,
) -> (Option<i32>, Value, String) {
    let mut command = Command::new(python);
    command
        .arg(script(script_name))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", "/nonexistent/rtc-usage-tests")
        .envs(demo_env(&emu.url()));
    if let Some((name, value)) = secret {
        command.env(name, value);
    }
    let output = tokio::task::spawn_blocking(move || command.output().expect("python runs"))
        .await
        .unwrap();
    let stdout = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (
        output.status.code(),
        stdout,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `rtc-usage api VENDOR OPERATION --param ...`: the project's own answer.
async fn ours(emu: &Emulator, vendor: &str, operation: &str, params: &[String]) -> Value {
    let mut args = vec!["api", vendor, operation];
    for param in params {
        args.extend(["--param", param.as_str()]);
    }
    let output = run(Some(emu), &args, &[]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).expect("api prints JSON")
}

fn without_request_id(mut value: Value) -> Value {
    if let Some(object) = value.as_object_mut() {
        object.remove("RequestId");
    }
    value
}

#[tokio::test(flavor = "multi_thread")]
async fn byteplus_sdk_accepts_the_emulator() {
    let Some(python) = python() else { return };
    let emu = emulator().await;
    let host = emu.addr().to_string();
    let today = Utc::now().date_naive();
    let (first, last) = (today - Days::new(6), today - Days::new(2));
    let (start, end) = (
        format!("{first}T00:00:00+08:00"),
        format!("{last}T00:00:00+08:00"),
    );
    for app in default_apps("byteplus") {
        let (code, answer, message) = run_sdk(
            &python,
            &emu,
            "byteplus_list_usages.py",
            &[&host, app, &start, &end],
            None,
        )
        .await;
        assert_eq!(code, Some(0), "{message}");
        assert_eq!(answer["ResponseMetadata"]["Action"], "ListUsages");
        let params = [
            format!("AppId={app}"),
            format!("StartTime={start}"),
            format!("EndTime={end}"),
        ];
        let expected = ours(&emu, "byteplus", "ListUsages", &params).await;
        assert!(!expected["Usages"].as_array().unwrap().is_empty());
        assert_eq!(answer["Result"], expected, "{app}");
    }
    // A wrong secret: the vendor's signature error, which the SDK raises.
    let (code, _, message) = run_sdk(
        &python,
        &emu,
        "byteplus_list_usages.py",
        &[&host, default_apps("byteplus")[0], &start, &end],
        Some(("BYTEPLUS_SECRETKEY", "not-the-secret")),
    )
    .await;
    assert_eq!(code, Some(1), "{message}");
    assert!(message.contains("SignatureDoesNotMatch"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn alibaba_client_accepts_the_emulator() {
    let Some(python) = python() else { return };
    let emu = emulator().await;
    let host = emu.addr().to_string();
    let today = Utc::now().date_naive();
    let (start, end) = (
        format!("{}T00:00:00Z", today - Days::new(6)),
        format!("{}T00:00:00Z", today - Days::new(2)),
    );
    let app = default_apps("alibaba")[0];
    let cases: [(&str, &str, &str, &str); 4] = [
        ("grtn", "86400", "DescribeLiveGrtnDuration", "Interval"),
        ("grtn", "3600", "DescribeLiveGrtnDuration", "Interval"),
        (
            "record",
            "0",
            "DescribeLiveRtcRecordUsageData",
            "RecordMode",
        ),
        (
            "record",
            "1",
            "DescribeLiveRtcRecordUsageData",
            "RecordMode",
        ),
    ];
    for (kind, extra, operation, extra_name) in cases {
        let (code, answer, message) = run_sdk(
            &python,
            &emu,
            "alibaba_live_usage.py",
            &[&host, kind, app, &start, &end, extra],
            None,
        )
        .await;
        assert_eq!(code, Some(0), "{operation} {extra}: {message}");
        assert!(answer["RequestId"].is_string(), "{answer}");
        let params = [
            format!("AppId={app}"),
            format!("StartTime={start}"),
            format!("EndTime={end}"),
            format!("{extra_name}={extra}"),
        ];
        let expected = ours(&emu, "alibaba", operation, &params).await;
        assert_eq!(
            without_request_id(answer),
            without_request_id(expected),
            "{operation} {extra}"
        );
    }
    let (code, _, message) = run_sdk(
        &python,
        &emu,
        "alibaba_live_usage.py",
        &[&host, "grtn", app, &start, &end, "86400"],
        Some(("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "not-the-secret")),
    )
    .await;
    assert_eq!(code, Some(1), "{message}");
    assert!(message.contains("SignatureDoesNotMatch"), "{message}");
}
