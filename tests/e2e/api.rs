//! `rtc-usage api` calls the operations that exist only as specs (no hand-written code in the
//! facade or CLI names them) against the emulator, and gets the emulator's ground truth.

use rtc_usage_emulator::{Emulator, default_apps, truth_for};
use serde_json::Value;

use crate::harness::{date, run, stderr};

async fn api(emu: &Emulator, argv: &[&str]) -> Value {
    let output = run(Some(emu), &[&["api"], argv].concat(), &[]).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{argv:?}: {}",
        stderr(&output)
    );
    serde_json::from_slice(&output.stdout).expect("the payload is JSON")
}

/// Tencent's daily rows as (key, seconds): float minutes × 60, rounded to the millisecond.
fn tencent_day(payload: &Value) -> Vec<(String, u64)> {
    let keys = payload["UsageKey"].as_array().expect("UsageKey");
    let row = &payload["UsageList"][0]["UsageValue"];
    keys.iter()
        .zip(row.as_array().expect("UsageValue"))
        .map(|(k, v)| {
            (
                k.as_str().unwrap().to_owned(),
                (v.as_f64().unwrap() * 60.0).round() as u64,
            )
        })
        .collect()
}

fn owned(truth: Vec<(&'static str, u64)>) -> Vec<(String, u64)> {
    truth.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_operations_added_as_specs_answer_through_rtc_usage_api() {
    let emu = Emulator::builder().start().await.expect("emulator");
    let (from, to) = ("StartTime=2026-11-01", "EndTime=2026-11-02");
    let day = date("2026-11-01");
    let sdk = format!("SdkAppId={}", default_apps("tencent")[0]);

    for mix in ["single", "multi"] {
        let mix_param = format!("MixType={mix}");
        let args = [
            "tencent",
            "DescribeRecordingUsage",
            "-p",
            from,
            "-p",
            to,
            "-p",
            &mix_param,
            "-p",
            &sdk,
        ];
        let payload = api(&emu, &args).await;
        let truth = truth_for(
            "tencent",
            "DescribeRecordingUsage",
            default_apps("tencent")[0],
            day,
            Some(mix),
        );
        assert_eq!(tencent_day(&payload), owned(truth), "recording {mix}");
    }
    let args = [
        "tencent",
        "DescribeMixTranscodingUsage",
        "-p",
        from,
        "-p",
        to,
        "-p",
        &sdk,
    ];
    let payload = api(&emu, &args).await;
    let truth = truth_for(
        "tencent",
        "DescribeMixTranscodingUsage",
        default_apps("tencent")[0],
        day,
        None,
    );
    assert_eq!(tencent_day(&payload), owned(truth));
    let payload = api(
        &emu,
        &[
            "tencent",
            "DescribeRelayUsage",
            "-p",
            from,
            "-p",
            to,
            "-p",
            &sdk,
        ],
    )
    .await;
    assert_eq!(payload["UsageKey"], serde_json::json!(["Bandwidth"]));

    let huawei_app = default_apps("huawei")[0];
    let app = format!("app={huawei_app}");
    let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    let (start, end) = (
        format!("start_date={yesterday}"),
        format!("end_date={yesterday}"),
    );
    let args = [
        "huawei",
        "ListRtcHistoryScale",
        "-p",
        &app,
        "-p",
        "metric=UserCount",
        "-p",
        &start,
        "-p",
        &end,
    ];
    let payload = api(&emu, &args).await;
    let truth = truth_for(
        "huawei",
        "ListRtcHistoryScale",
        huawei_app,
        yesterday,
        Some("UserCount"),
    );
    let row = &payload["scale"][0];
    assert_eq!(row["date"], yesterday.to_string(), "{payload}");
    assert_eq!(row["user_count"].as_u64(), Some(truth[0].1), "{payload}");

    let volc_app = default_apps("volcengine")[0];
    let body = format!(
        r#"{{"AppId":"{volc_app}","StartTime":"2026-11-01T00:00:00+08:00","EndTime":"2026-11-01T23:59:59+08:00"}}"#
    );
    let payload = api(
        &emu,
        &["volcengine", "ListUsages@2023-11-01", "--body", &body],
    )
    .await;
    let truth = truth_for("volcengine", "ListUsages", volc_app, day, None);
    let usage = &payload["Usages"][0];
    for (key, seconds) in truth {
        assert_eq!(
            usage[key].as_u64().map(|m| m * 60),
            Some(seconds),
            "{key}: {payload}"
        );
    }
    assert_eq!(emu.stats().throttled, 0);
}
