//! The documented response example of each vendor's usage operation, read from its spec,
//! normalizes to the tiers and seconds of the tier table (vendor-facts.md).

use rtc_usage::{Bucket, Tier, UsageRecord, Vendor, normalize};
use rtc_usage_core::OperationDescriptor;
use rtc_usage_core::envelope;

/// The `documented` example's response (status, body) from `specs/<path>`.
fn documented_response(path: &str) -> (u16, String) {
    let full = format!("{}/../../specs/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    let spec: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("spec is YAML");
    let example = spec["examples"]
        .as_sequence()
        .and_then(|examples| examples.iter().find(|e| e["name"] == "documented"))
        .expect("a `documented` example");
    let response = &example["response"];
    (
        response["status"].as_u64().expect("status") as u16,
        response["body"].as_str().expect("body").to_owned(),
    )
}

fn decode<T: serde::de::DeserializeOwned>(op: &'static OperationDescriptor, path: &str) -> T {
    let (status, body) = documented_response(path);
    envelope::decode(op, status, None, body.as_bytes()).expect("the documented answer decodes")
}

/// (start, granularity, tier, vendor tier, seconds) of each record.
fn summary(records: &[UsageRecord]) -> Vec<(String, Bucket, Tier, &str, f64)> {
    records
        .iter()
        .map(|r| {
            (
                r.start.to_rfc3339(),
                r.granularity,
                r.tier,
                r.vendor_tier.as_str(),
                r.seconds,
            )
        })
        .collect()
}

#[test]
fn volcengine_minutes_become_seconds_and_video_sd_is_hd() {
    let response = decode::<rtc_usage::volcengine::ListUsagesResponse>(
        &rtc_usage::volcengine::list_usages::DESCRIPTOR,
        "volcengine/list_usages.yaml",
    );
    let op = &rtc_usage::volcengine::list_usages::DESCRIPTOR;
    let records = normalize::typed(op, "app", &response, Bucket::Day, None)
        .expect("normalizes")
        .records;
    assert!(
        records
            .iter()
            .all(|r| r.vendor == Vendor::get("volcengine").unwrap() && r.app == "app")
    );
    let day = |d: &str| {
        vec![
            (
                format!("{d}T00:00:00+08:00"),
                Bucket::Day,
                Tier::Audio,
                "Audio",
                12345.0 * 60.0,
            ),
            (
                format!("{d}T00:00:00+08:00"),
                Bucket::Day,
                Tier::Sd,
                "VideoSDM",
                123456.0 * 60.0,
            ),
            (
                format!("{d}T00:00:00+08:00"),
                Bucket::Day,
                Tier::Hd,
                "VideoSD",
                11111.0 * 60.0,
            ),
            (
                format!("{d}T00:00:00+08:00"),
                Bucket::Day,
                Tier::Fhd,
                "VideoHD",
                12321.0 * 60.0,
            ),
        ]
    };
    let mut expected = day("2021-07-24");
    expected.extend(day("2021-07-25"));
    assert_eq!(summary(&records), expected);
}

#[test]
fn tencent_keys_and_values_are_zipped_by_position() {
    let response = decode::<rtc_usage::tencent::DescribeTrtcUsageResponse>(
        &rtc_usage::tencent::describe_trtc_usage::DESCRIPTOR,
        "tencent/describe_trtc_usage.yaml",
    );
    let op = &rtc_usage::tencent::describe_trtc_usage::DESCRIPTOR;
    let records = normalize::typed(op, "1400123456", &response, Bucket::Day, None)
        .expect("normalizes")
        .records;
    let day = |d: &str| {
        [
            (Tier::Audio, "Audio", 600.0),
            (Tier::Sd, "SD", 1200.0),
            (Tier::Hd, "HD", 1800.0),
            (Tier::Fhd, "FullHD", 2400.0),
            (Tier::TwoK, "2K", 3000.0),
            (Tier::FourK, "4K", 3600.0),
        ]
        .map(|(tier, name, seconds)| {
            (
                format!("{d}T00:00:00+08:00"),
                Bucket::Day,
                tier,
                name,
                seconds,
            )
        })
        .to_vec()
    };
    let mut expected = day("2022-01-01");
    expected.extend(day("2022-01-02"));
    assert_eq!(summary(&records), expected);
}

#[test]
fn huawei_seconds_are_kept_on_utc_days_and_the_total_adds_up() {
    let response = decode::<rtc_usage::huawei::ListRtcHistoryUsageResponse>(
        &rtc_usage::huawei::list_rtc_history_usage::DESCRIPTOR,
        "huawei/list_rtc_history_usage.yaml",
    );
    let op = &rtc_usage::huawei::list_rtc_history_usage::DESCRIPTOR;
    let normalized = normalize::typed(
        op,
        "5fa682b34a974f7ad24d223b",
        &response,
        Bucket::Day,
        Some("CommunicationDuration"),
    )
    .expect("normalizes");
    let (records, warnings) = (normalized.records, normalized.warnings);
    assert!(warnings.is_empty(), "{warnings:?}");
    let start = "2020-06-04T00:00:00+00:00".to_owned();
    assert_eq!(
        summary(&records),
        vec![
            (start.clone(), Bucket::Day, Tier::Audio, "audio", 1.0),
            (start.clone(), Bucket::Day, Tier::Sd, "video_sd", 1.0),
            (start.clone(), Bucket::Day, Tier::Hd, "video_hd", 1.0),
            (start, Bucket::Day, Tier::Fhd, "video_hdp", 1.0),
        ]
    );
}

/// The unit of a usage figure is the spec's `x-unit`, carried into the generated `USAGE` (the
/// generator's tests show a changed `x-unit` changes it): the same answer read as minutes
/// gives 60 times the seconds it gives read as seconds.
#[test]
fn the_spec_unit_decides_the_seconds() {
    use rtc_usage_core::usage::{Unit, UsageSpec};
    let real = &rtc_usage::huawei::list_rtc_history_usage::DESCRIPTOR;
    assert_eq!(real.usage.expect("a usage operation").unit, Unit::Seconds);
    let response = decode::<rtc_usage::huawei::ListRtcHistoryUsageResponse>(
        real,
        "huawei/list_rtc_history_usage.yaml",
    );
    let in_minutes: &'static UsageSpec = Box::leak(Box::new(UsageSpec {
        unit: Unit::Minutes,
        ..*real.usage.unwrap()
    }));
    let edited: &'static OperationDescriptor = Box::leak(Box::new(OperationDescriptor {
        usage: Some(in_minutes),
        ..*real
    }));
    let seconds = |op| {
        normalize::typed(op, "a", &response, Bucket::Day, None)
            .expect("normalizes")
            .records
            .iter()
            .map(|r| r.seconds)
            .collect::<Vec<_>>()
    };
    assert_eq!(seconds(real), vec![1.0; 4]);
    assert_eq!(seconds(edited), vec![60.0; 4]);
}
