//! Every operation, called with its real generated client, answers and decodes to exactly the
//! public ground truth.

mod common;

use std::collections::HashMap;

use chrono::Duration;
use common::*;
use rtc_usage_emulator::{Emulator, default_apps, demo_env, distribution, truth, truth_buckets};
use rtc_usage_volcengine::list_operation_distribution::{Dimension, Indicator};

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
    for (usage, day) in out.usages.iter().zip(first.iter_days()) {
        assert_eq!(usage.time_stamp, midnight(day));
        let minutes = [usage.audio, usage.video_sdm, usage.video_sd, usage.video_hd];
        let got: Vec<u64> = minutes.iter().map(|m| *m as u64 * 60).collect();
        assert_eq!(got, seconds(&truth("volcengine", app, day)), "{day}");
    }
    let stats = emu.stats();
    assert_eq!((stats.requests, stats.ok), (1, 1));
    assert_eq!(stats.operation("volcengine", "ListUsages").ok, 1);
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
    assert_eq!(out.name, Indicator::UserNum);
    assert_eq!(out.dimension, Dimension::Province);
    let expected = distribution(app, first, last, "province");
    assert!(!expected.is_empty());
    let got: Vec<(&str, f64, f64)> = out
        .data
        .iter()
        .map(|d| (d.distribution_name.as_str(), d.value, d.proportion))
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
        .metric(rtc_usage_huawei::list_rtc_history_usage::Metric::CommunicationDuration)
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
        assert_eq!(usage.total_duration as u64, got.iter().sum::<u64>());
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
        .load_env(&rtc_usage_tencent::VENDOR)
        .build_with_lookup(|name| env.get(name).cloned())
        .unwrap();
    let client = rtc_usage_tencent::Client::new(config).unwrap();
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
