//! Every operation, called with its real generated client, answers and decodes to exactly the
//! public ground truth.

mod common;

use std::collections::HashMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use common::*;
use rtc_usage::volcengine::list_operation_distribution::{Dimension, Indicator};
use rtc_usage_emulator::{
    Emulator, default_apps, demo_credentials, demo_env, distribution, truth, truth_buckets,
    truth_buckets_for, truth_for,
};

/// Volcengine's `Usages[]` (each entry's `TimeStamp` and minutes of Audio, VideoSDM, VideoSD,
/// VideoHD), one per Beijing day from `first`, are the truth in whole minutes.
fn assert_volcengine_days(
    app: &str,
    first: NaiveDate,
    usages: impl Iterator<Item = (DateTime<FixedOffset>, [i64; 4])>,
) {
    for ((time_stamp, minutes), day) in usages.zip(first.iter_days()) {
        assert_eq!(time_stamp, midnight(day));
        let got: Vec<u64> = minutes.iter().map(|m| *m as u64 * 60).collect();
        assert_eq!(got, seconds(&truth("volcengine", app, day)), "{day}");
    }
}

#[tokio::test]
async fn volcengine_list_usages_is_the_truth_in_whole_minutes() {
    let emu = Emulator::start().await.unwrap();
    let client = volcengine(config("volcengine", &emu));
    let app = default_apps("volcengine")[0];
    let (first, last) = (days_ago(12), days_ago(2));
    let out = client
        .list_usages()
        .app_id(app)
        .start_time(midnight(first))
        .end_time(midnight(last))
        .send()
        .await
        .unwrap();
    assert_eq!(out.usages.len(), 11, "both ends included");
    assert_volcengine_days(
        app,
        first,
        out.usages.iter().map(|u| {
            let minutes = [u.audio, u.video_sdm, u.video_sd, u.video_hd];
            (u.time_stamp, minutes)
        }),
    );
    // Version 2023-11-01, with its own client method and types: the same figures.
    let newer = client.list_usages_2023_11_01().app_id(app);
    let out = newer
        .start_time(midnight(first))
        .end_time(midnight(last))
        .send()
        .await
        .unwrap();
    assert_eq!(out.usages.len(), 11);
    assert_volcengine_days(
        app,
        first,
        out.usages
            .iter()
            .map(|u| (u.time_stamp, [u.audio, u.video_sdm, u.video_sd, u.video_hd])),
    );
    let stats = emu.stats();
    assert_eq!((stats.requests, stats.ok), (2, 2));
    assert_eq!(stats.operation("volcengine", "ListUsages").ok, 2);
}

#[tokio::test]
async fn volcengine_distribution_rows_are_the_truth() {
    let emu = Emulator::start().await.unwrap();
    let client = volcengine(config("volcengine", &emu));
    let app = default_apps("volcengine")[1];
    let (first, last) = (days_ago(9), days_ago(3));
    let out = client
        .list_operation_distribution()
        .app_id(app)
        .start_time(midnight(first))
        .end_time(midnight(last))
        .indicator(Indicator::UserCount)
        .dimension(Dimension::Province)
        .send()
        .await
        .unwrap();
    assert_eq!(out.name, Some(Indicator::UserNum));
    assert_eq!(out.dimension, Some(Dimension::Province));
    let expected = distribution(app, first, last, "province");
    assert!(!expected.is_empty());
    let got: Vec<(&str, f64, f64)> = out
        .data
        .iter()
        .map(|d| {
            let name = d.distribution_name.as_deref().unwrap_or_default();
            (name, d.value.unwrap_or(-1.0), d.proportion.unwrap_or(-1.0))
        })
        .collect();
    assert_eq!(got, expected);
    let percent: f64 = got.iter().map(|r| r.2).sum();
    assert!((percent - 100.0).abs() < 0.2, "{percent}");
}

#[tokio::test]
async fn tencent_days_are_the_truth_in_float_minutes() {
    let emu = Emulator::start().await.unwrap();
    let client = tencent(config("tencent", &emu));
    let app = default_apps("tencent")[0];
    let (first, last) = (days_ago(30), days_ago(1));
    let out = client
        .describe_trtc_usage()
        .sdk_app_id(app.parse::<u64>().unwrap())
        .start_time(first)
        .end_time(last)
        .send()
        .await
        .unwrap();
    assert_eq!(out.usage_key, ["Audio", "SD", "HD", "FullHD", "2K", "4K"]);
    assert!(!out.request_id.is_empty());
    assert_eq!(out.usage_list.len(), 30);
    let mut idle = 0;
    for (usage, day) in out.usage_list.iter().zip(first.iter_days()) {
        assert_eq!(usage.time_key, format!("{day} 00:00:00"));
        assert_eq!(usage.time_stamp_key, Some(midnight(day).timestamp() as u64));
        let got: Vec<u64> = usage
            .usage_value
            .iter()
            .map(|m| (m * 60.0).round() as u64)
            .collect();
        let expected = seconds(&truth("tencent", app, day));
        assert_eq!(got, expected, "{day}");
        idle += usize::from(expected.iter().all(|s| *s == 0));
    }
    assert!(idle < 15, "{idle} idle days of 30");
}

#[tokio::test]
async fn tencent_one_day_is_288_buckets_summing_to_the_day() {
    let emu = Emulator::start().await.unwrap();
    let client = tencent(config("tencent", &emu));
    let app = default_apps("tencent")[1];
    // A day that is not idle, so the buckets say something.
    let day = (1..60)
        .map(days_ago)
        .find(|d| truth("tencent", app, *d).iter().any(|(_, s)| *s > 0))
        .unwrap();
    let out = client
        .describe_trtc_usage()
        .sdk_app_id(app.parse::<u64>().unwrap())
        .start_time(day)
        .end_time(day)
        .send()
        .await
        .unwrap();
    let buckets = truth_buckets(app, day);
    assert_eq!(out.usage_list.len(), 288);
    let mut sums = vec![0u64; 6];
    for (usage, (start, values)) in out.usage_list.iter().zip(&buckets) {
        assert_eq!(
            usage.time_key,
            start.format("%Y-%m-%d %H:%M:%S").to_string()
        );
        let instant = midnight(day) + (*start - day.and_hms_opt(0, 0, 0).unwrap());
        assert_eq!(usage.time_stamp_key, Some(instant.timestamp() as u64));
        let got: Vec<u64> = usage
            .usage_value
            .iter()
            .map(|m| (m * 60.0).round() as u64)
            .collect();
        assert_eq!(got, seconds(values));
        for (sum, s) in sums.iter_mut().zip(got) {
            *sum += s;
        }
    }
    assert_eq!(out.usage_list[12].time_key, format!("{day} 01:00:00"));
    assert_eq!(sums, seconds(&truth("tencent", app, day)));
}

#[tokio::test]
async fn tencent_without_app_sums_every_app_of_the_account() {
    let apps = ["1400000007", "1400000008"];
    let emu = Emulator::builder()
        .apps("tencent", apps)
        .start()
        .await
        .unwrap();
    let client = tencent(config("tencent", &emu));
    let day = days_ago(3);
    let out = client
        .describe_trtc_usage()
        .start_time(day - Duration::days(1))
        .end_time(day)
        .send()
        .await
        .unwrap();
    let got: Vec<u64> = out.usage_list[1]
        .usage_value
        .iter()
        .map(|m| (m * 60.0).round() as u64)
        .collect();
    let a = seconds(&truth("tencent", apps[0], day));
    let b = seconds(&truth("tencent", apps[1], day));
    let expected: Vec<u64> = a.iter().zip(&b).map(|(x, y)| x + y).collect();
    assert_eq!(got, expected);
    assert_eq!(emu.apps("tencent"), apps);
}

#[tokio::test]
async fn huawei_days_are_the_truth_in_seconds_with_their_total() {
    let emu = Emulator::start().await.unwrap();
    let client = huawei(config("huawei", &emu));
    let app = default_apps("huawei")[0];
    let (first, last) = (days_ago(20), days_ago(1));
    let out = client
        .list_rtc_history_usage()
        .app(app)
        .metric(rtc_usage::huawei::list_rtc_history_usage::Metric::CommunicationDuration)
        .start_date(first)
        .end_date(last)
        .send()
        .await
        .unwrap();
    assert_eq!(out.usage.len(), 20);
    for (usage, day) in out.usage.iter().zip(first.iter_days()) {
        assert_eq!(usage.date, day);
        let got = [usage.audio, usage.video_sd, usage.video_hd, usage.video_hdp].map(|s| s as u64);
        assert_eq!(got.to_vec(), seconds(&truth("huawei", app, day)), "{day}");
        assert_eq!(usage.total_duration, Some(got.iter().sum::<u64>() as i64));
    }
}

/// The variables the CLI prints configure every vendor's client from the environment.
#[tokio::test]
async fn the_demo_environment_configures_the_clients() {
    let emu = Emulator::start().await.unwrap();
    let env: HashMap<&str, String> = demo_env(&emu.url()).into_iter().collect();
    assert!(
        emu.env_exports()
            .contains(&format!("export RTC_USAGE_ENDPOINT_TENCENT={}", emu.url()))
    );
    let config = rtc_usage_core::Config::builder()
        .load_env(&rtc_usage::tencent::VENDOR)
        .build_with_lookup(|name| env.get(name).cloned())
        .unwrap();
    let client = rtc_usage::tencent::Client::new(config).unwrap();
    let day = days_ago(2);
    let out = client
        .describe_trtc_usage()
        .sdk_app_id(1_400_000_001u64)
        .start_time(day - Duration::days(1))
        .end_time(day)
        .send()
        .await
        .unwrap();
    assert_eq!(out.usage_list.len(), 2);
}

/// A Tencent answer's rows: each `TimeKey` and its values as integers (`per`: 60 for minutes
/// back to seconds, 1 for a plain number).
fn tencent_rows<'a>(
    rows: impl IntoIterator<Item = (&'a String, &'a Vec<f64>)>,
    per: f64,
) -> Vec<(String, Vec<u64>)> {
    rows.into_iter()
        .map(|(key, values)| {
            let values = values.iter().map(|v| (v * per).round() as u64).collect();
            (key.clone(), values)
        })
        .collect()
}

/// What a Tencent operation answers for `app` from `first` to `last` by the truth: one day's
/// fine buckets, or one row per day.
fn tencent_truth(
    op: &str,
    app: &str,
    first: NaiveDate,
    last: NaiveDate,
    variant: Option<&str>,
) -> Vec<(String, Vec<u64>)> {
    if first == last {
        return truth_buckets_for("tencent", op, app, first, variant)
            .into_iter()
            .map(|(start, values)| {
                (
                    start.format("%Y-%m-%d %H:%M:%S").to_string(),
                    seconds(&values),
                )
            })
            .collect();
    }
    first
        .iter_days()
        .take_while(|day| *day <= last)
        .map(|day| {
            let values = seconds(&truth_for("tencent", op, app, day, variant));
            (format!("{day} 00:00:00"), values)
        })
        .collect()
}

#[tokio::test]
async fn tencent_recording_is_the_truth_and_single_differs_from_multi() {
    use rtc_usage::tencent::describe_recording_usage::MixType;

    let emu = Emulator::start().await.unwrap();
    let client = tencent(config("tencent", &emu));
    let app = default_apps("tencent")[2];
    let day = busy_day("tencent", app);
    let (first, last) = (days_ago(8), days_ago(2));
    let mut one_day = Vec::new();
    for mix in [MixType::Single, MixType::Multi] {
        for (start, end) in [(day, day), (first, last)] {
            let out = client
                .describe_recording_usage()
                .sdk_app_id(app.parse::<u64>().unwrap())
                .mix_type(mix.clone())
                .start_time(start)
                .end_time(end)
                .send()
                .await
                .unwrap();
            assert_eq!(out.usage_key, ["Audio", "SD", "HD", "FullHD", "2K", "4K"]);
            let got = tencent_rows(
                out.usage_list.iter().map(|u| (&u.time_key, &u.usage_value)),
                60.0,
            );
            let variant = Some(mix.as_str());
            let expected = tencent_truth("DescribeRecordingUsage", app, start, end, variant);
            assert_eq!(got, expected, "{mix} {start}..{end}");
            if start == end {
                assert_eq!(got.len(), 288);
                one_day.push(got);
            } else {
                assert_eq!(got.len(), 7);
            }
        }
    }
    assert_ne!(one_day[0], one_day[1], "single and multi recording differ");
    let stats = emu.stats();
    assert_eq!(stats.operation("tencent", "DescribeRecordingUsage").ok, 4);
    assert_eq!(stats.operation("tencent", "DescribeTrtcUsage").requests, 0);
}

#[tokio::test]
async fn tencent_transcoding_and_relay_are_the_truth() {
    let emu = Emulator::start().await.unwrap();
    let client = tencent(config("tencent", &emu));
    let app = default_apps("tencent")[0];
    let id = app.parse::<u64>().unwrap();
    let (first, last) = (days_ago(10), days_ago(1));
    let out = client
        .describe_mix_transcoding_usage()
        .sdk_app_id(id)
        .start_time(first)
        .end_time(last)
        .send()
        .await
        .unwrap();
    assert_eq!(out.usage_key.len(), 11);
    assert_eq!(
        (&*out.usage_key[1], &*out.usage_key[6]),
        ("SDH264", "SDH265")
    );
    let got = tencent_rows(
        out.usage_list.iter().map(|u| (&u.time_key, &u.usage_value)),
        60.0,
    );
    let op = "DescribeMixTranscodingUsage";
    assert_eq!(got, tencent_truth(op, app, first, last, None));

    // Relay's Bandwidth is a plain number, answered as it is.
    let day = busy_day("tencent", app);
    let out = client
        .describe_relay_usage()
        .sdk_app_id(id)
        .start_time(day)
        .end_time(day)
        .send()
        .await
        .unwrap();
    assert_eq!(out.usage_key, ["Bandwidth"]);
    let got = tencent_rows(
        out.usage_list.iter().map(|u| (&u.time_key, &u.usage_value)),
        1.0,
    );
    assert_eq!(got.len(), 288);
    assert_eq!(
        got,
        tencent_truth("DescribeRelayUsage", app, day, day, None)
    );
    // Without SdkAppId: the sum over the account's apps.
    let out = client
        .describe_relay_usage()
        .start_time(day - Duration::days(1))
        .end_time(day)
        .send()
        .await
        .unwrap();
    let sum: u64 = default_apps("tencent")
        .iter()
        .map(|a| truth_for("tencent", "DescribeRelayUsage", a, day, None)[0].1)
        .sum();
    assert_eq!(out.usage_list[1].usage_value, [sum as f64]);
}

#[tokio::test]
async fn huawei_recording_and_transcoding_metrics_have_their_own_seconds() {
    use rtc_usage::huawei::list_rtc_history_usage::Metric;

    let emu = Emulator::start().await.unwrap();
    let client = huawei(config("huawei", &emu));
    let app = default_apps("huawei")[1];
    let (first, last) = (days_ago(6), days_ago(1));
    let mut totals = Vec::new();
    for metric in [
        Metric::CommunicationDuration,
        Metric::RecordDuration,
        Metric::TranscodeDuration,
    ] {
        let out = client
            .list_rtc_history_usage()
            .app(app)
            .metric(metric.clone())
            .start_date(first)
            .end_date(last)
            .send()
            .await
            .unwrap();
        assert_eq!(out.usage.len(), 6);
        for (usage, day) in out.usage.iter().zip(first.iter_days()) {
            assert_eq!(usage.date, day);
            let got = [usage.audio, usage.video_sd, usage.video_hd, usage.video_hdp];
            let truth = truth_for(
                "huawei",
                "ListRtcHistoryUsage",
                app,
                day,
                Some(metric.as_str()),
            );
            assert_eq!(
                got.map(|s| s as u64).to_vec(),
                seconds(&truth),
                "{metric} {day}"
            );
        }
        totals.push(
            out.usage
                .iter()
                .map(|u| u.total_duration.expect("the emulator sends the total"))
                .sum::<i64>(),
        );
    }
    assert!(totals.iter().all(|t| *t > 0), "{totals:?}");
    assert!(
        totals[0] != totals[1] && totals[1] != totals[2],
        "{totals:?}"
    );
}

#[tokio::test]
async fn huawei_scale_answers_the_metrics_asked_for() {
    use rtc_usage::huawei::list_rtc_history_scale::Metric;

    let emu = Emulator::start().await.unwrap();
    let client = huawei(config("huawei", &emu));
    let app = default_apps("huawei")[0];
    let (first, last) = (days_ago(7), days_ago(2));
    let out = client
        .list_rtc_history_scale()
        .app(app)
        .metric(vec![Metric::UserCount, Metric::CommunicationDuration])
        .start_date(first)
        .end_date(last)
        .send()
        .await
        .unwrap();
    assert_eq!(out.scale.len(), 6);
    for (entry, day) in out.scale.iter().zip(first.iter_days()) {
        assert_eq!(entry.date, day);
        let truth_of = |metric| truth_for("huawei", "ListRtcHistoryScale", app, day, Some(metric));
        let value = |metric| truth_of(metric).first().map(|(_, v)| *v as i64);
        assert_eq!(entry.user_count, value("UserCount"), "{day}");
        assert_eq!(entry.communication_duration, value("CommunicationDuration"));
        let calls: u64 = truth("huawei", app, day).iter().map(|(_, s)| s).sum();
        assert_eq!(entry.communication_duration, Some(calls as i64));
        let others = [
            entry.session_count,
            entry.room_count,
            entry.max_online_user_count,
            entry.max_online_room_count,
            entry.video_communication_duration,
            entry.audio_communication_duration,
        ];
        assert_eq!(others, [None; 6], "only the metrics asked for");
    }
    // Without dates: the past UTC day.
    let out = client
        .list_rtc_history_scale()
        .app(app)
        .metric(vec![Metric::RoomCount])
        .send()
        .await
        .unwrap();
    let yesterday = Utc::now().date_naive() - Duration::days(1);
    assert_eq!(out.scale.len(), 1);
    assert_eq!(out.scale[0].date, yesterday);
    let rooms = truth_for(
        "huawei",
        "ListRtcHistoryScale",
        app,
        yesterday,
        Some("RoomCount"),
    );
    assert_eq!(out.scale[0].room_count, Some(rooms[0].1 as i64));
}

/// Version 2023-11-01 answers in the envelope of its own version.
#[tokio::test]
async fn volcengine_list_usages_2023_11_01_answers_under_its_own_version() {
    let emu = Emulator::start().await.unwrap();
    let app = default_apps("volcengine")[2];
    let (first, last) = (days_ago(5), days_ago(1));
    let op = &rtc_usage::volcengine::list_usages_2023_11_01::DESCRIPTOR;
    let body = format!(
        r#"{{"AppId":"{app}","StartTime":"{}","EndTime":"{}"}}"#,
        midnight(first).to_rfc3339(),
        midnight(last).to_rfc3339()
    );
    let creds = demo_credentials("volcengine").unwrap();
    let query = [("Action", "ListUsages"), ("Version", "2023-11-01")];
    let raw = send_raw(&emu, op, &creds, "/", &query, &body).await;
    assert_eq!(raw.status, 200, "{raw:?}");
    let metadata = &raw.body["ResponseMetadata"];
    assert_eq!(
        (&metadata["Action"], &metadata["Version"]),
        (&"ListUsages".into(), &"2023-11-01".into())
    );
    assert_eq!(
        raw.body["Result"]["Usages"].as_array().map(Vec::len),
        Some(5)
    );
}
