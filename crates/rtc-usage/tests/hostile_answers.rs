//! Answers that cannot be true are refused, naming the field and the value, never counted:
//! negative figures, figures too large to be usage, buckets that do not start where the
//! answer's buckets start, and payloads that lack the documented members (nested wrongly).

use rtc_usage::core::{ErrorKind, OperationDescriptor, envelope};
use rtc_usage::{Bucket, normalize};
use serde_json::{Value, json};

fn volcengine() -> &'static OperationDescriptor {
    &rtc_usage::volcengine::list_usages::DESCRIPTOR
}

fn tencent() -> &'static OperationDescriptor {
    &rtc_usage::tencent::describe_trtc_usage::DESCRIPTOR
}

fn huawei() -> &'static OperationDescriptor {
    &rtc_usage::huawei::list_rtc_history_usage::DESCRIPTOR
}

fn volcengine_day(stamp: &str, audio: Value) -> Value {
    json!({"Usages": [{"TimeStamp": stamp, "Audio": audio, "VideoSDM": 1, "VideoSD": 1, "VideoHD": 1}]})
}

fn tencent_rows(rows: Value) -> Value {
    json!({"UsageKey": ["Audio", "HD"], "UsageList": rows, "RequestId": "r"})
}

/// The decode error `normalize` gives for `payload`, as text.
fn refused(op: &'static OperationDescriptor, payload: &Value, bucket: Bucket) -> String {
    let variant = op.usage.and_then(|u| u.variants.first()).map(|v| v.value);
    let err = normalize::normalize(op, "app", payload, bucket, variant)
        .expect_err("the answer must be refused");
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    err.to_string()
}

#[test]
fn negative_figures_are_refused() {
    for audio in [json!(-1), json!(-0.5), json!(i64::MIN)] {
        let msg = refused(
            volcengine(),
            &volcengine_day("2026-11-01T00:00:00+08:00", audio.clone()),
            Bucket::Day,
        );
        assert!(msg.contains("Usages[0]: the value of Audio"), "{msg}");
        assert!(msg.contains("negative"), "{msg}");
    }
    let msg = refused(
        tencent(),
        &tencent_rows(json!([{"TimeKey": "2026-11-01 00:00:00", "UsageValue": [1.0, -2.5]}])),
        Bucket::Day,
    );
    assert!(msg.contains("the value of HD is -2.5"), "{msg}");
    let msg = refused(
        huawei(),
        &json!({"usage": [{"date": "2026-11-01", "audio": -3, "video_sd": 0, "video_hd": 0, "video_hdp": 0}]}),
        Bucket::Day,
    );
    assert!(msg.contains("the value of audio is -3"), "{msg}");
}

#[test]
fn figures_too_large_to_be_usage_are_refused_not_saturated() {
    for audio in [json!(i64::MAX), json!(u64::MAX), json!(1e308), json!(2e12)] {
        let msg = refused(
            volcengine(),
            &volcengine_day("2026-11-01T00:00:00+08:00", audio.clone()),
            Bucket::Day,
        );
        assert!(msg.contains("too large"), "{audio}: {msg}");
    }
    let msg = refused(
        tencent(),
        &tencent_rows(json!([{"TimeKey": "2026-11-01 00:00:00", "UsageValue": [1e300, 1]}])),
        Bucket::Day,
    );
    assert!(
        msg.contains("the value of Audio") && msg.contains("too large"),
        "{msg}"
    );
    // A large but real figure is kept exactly: 10^9 minutes.
    let ok = normalize::normalize(
        volcengine(),
        "app",
        &volcengine_day("2026-11-01T00:00:00+08:00", json!(1_000_000_000)),
        Bucket::Day,
        None,
    )
    .expect("a plausible answer");
    assert_eq!(ok.records[0].seconds, 60_000_000_000.0);
}

#[test]
fn buckets_that_do_not_start_a_bucket_are_refused() {
    // A Volcengine day stamped 08:00 Beijing time beside one stamped 00:00.
    let payload = json!({"Usages": [
        {"TimeStamp": "2026-11-01T00:00:00+08:00", "Audio": 1},
        {"TimeStamp": "2026-11-01T08:00:00+08:00", "Audio": 1},
    ]});
    let msg = refused(volcengine(), &payload, Bucket::Day);
    assert!(
        msg.contains("Usages[1]: TimeStamp \"2026-11-01T08:00:00+08:00\""),
        "{msg}"
    );
    assert!(msg.contains("does not start a day bucket"), "{msg}");
    // The same instant written in UTC is 00:00 Beijing time: kept.
    let utc = json!({"Usages": [{"TimeStamp": "2026-10-31T16:00:00Z", "Audio": 1}]});
    normalize::normalize(volcengine(), "app", &utc, Bucket::Day, None).expect("aligned");
    // Five-minute Tencent buckets inside a daily (multi-day) answer.
    let rows = json!([
        {"TimeKey": "2026-11-01 00:00:00", "UsageValue": [1, 1]},
        {"TimeKey": "2026-11-01 00:05:00", "UsageValue": [1, 1]},
    ]);
    let msg = refused(tencent(), &tencent_rows(rows.clone()), Bucket::Day);
    assert!(
        msg.contains("UsageList[1]: TimeKey \"2026-11-01 00:05:00\""),
        "{msg}"
    );
    // ... which a one-day window's 5-minute answer is made of.
    normalize::normalize(
        tencent(),
        "app",
        &tencent_rows(rows),
        Bucket::Minutes(5),
        None,
    )
    .expect("5-minute buckets in a 5-minute answer");
    // A 5-minute answer with a bucket at 00:07 is refused too.
    let odd = json!([{"TimeKey": "2026-11-01 00:07:00", "UsageValue": [1, 1]}]);
    let msg = refused(tencent(), &tencent_rows(odd), Bucket::Minutes(5));
    assert!(msg.contains("5min"), "{msg}");
    // A Huawei UTC date cannot be off a day, but an epoch Tencent bucket can.
    let epoch = json!([{"TimeKey": "x", "TimeStampKey": 1_761_955_230u64, "UsageValue": [1, 1]}]);
    let msg = refused(tencent(), &tencent_rows(epoch), Bucket::Day);
    assert!(msg.contains("does not start a day bucket"), "{msg}");
}

/// The error of decoding `body` as `T`, the typed answer of `op`.
fn undecodable<T: serde::de::DeserializeOwned + std::fmt::Debug>(
    op: &'static OperationDescriptor,
    body: &str,
) -> String {
    let err = envelope::decode::<T>(op, 200, None, body.as_bytes())
        .expect_err("the answer must not decode");
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    err.to_string()
}

#[test]
fn a_payload_without_the_documented_members_is_not_no_usage() {
    // Each payload nested one level too deep (or with a misspelt member) fails to decode,
    // naming the member, instead of decoding to an empty list.
    use rtc_usage::{byteplus, huawei, tencent, volcengine};
    for body in [
        r#"{"ResponseMetadata": {"RequestId": "r"}, "Result": {"Result": {"Usages": []}}}"#,
        r#"{"ResponseMetadata": {"RequestId": "r"}, "Result": {"usages": []}}"#,
        r#"{"ResponseMetadata": {"RequestId": "r"}, "Result": {}}"#,
    ] {
        let msg = undecodable::<volcengine::ListUsagesResponse>(volcengine(), body);
        assert!(msg.contains("Usages"), "{msg}");
        let msg =
            undecodable::<byteplus::ListUsagesResponse>(&byteplus::list_usages::DESCRIPTOR, body);
        assert!(msg.contains("Usages"), "{msg}");
    }
    for body in [
        r#"{"Response": {"Response": {"UsageKey": [], "UsageList": []}, "RequestId": "r"}}"#,
        r#"{"Response": {"UsageList": [], "RequestId": "r"}}"#,
    ] {
        let msg = undecodable::<tencent::DescribeTrtcUsageResponse>(tencent(), body);
        assert!(msg.contains("UsageKey"), "{msg}");
    }
    for body in [r#"{"body": {"usage": []}}"#, r#"{"Usage": []}"#, "{}"] {
        let msg = undecodable::<huawei::ListRtcHistoryUsageResponse>(huawei(), body);
        assert!(msg.contains("usage"), "{msg}");
    }
    // The documented members with no buckets are no usage, as they should be.
    let empty = envelope::decode::<volcengine::ListUsagesResponse>(
        volcengine(),
        200,
        None,
        br#"{"ResponseMetadata": {"RequestId": "r"}, "Result": {"Usages": []}}"#,
    )
    .expect("an empty answer");
    assert!(empty.usages.is_empty());
}
