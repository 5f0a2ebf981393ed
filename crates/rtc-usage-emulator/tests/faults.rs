//! Throttling at the documented rate, and injected faults, as the real clients see them.

mod common;

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use common::*;
use rtc_usage_core::{ErrorKind, RetryConfig};
use rtc_usage_emulator::{Emulator, Fault, FaultRule, Vendor, default_apps};

/// A `DescribeTrtcUsage` call for one app and day.
async fn tencent_day(
    client: &rtc_usage::tencent::Client,
    app: &str,
    day: NaiveDate,
) -> Result<rtc_usage::tencent::DescribeTrtcUsageResponse, rtc_usage_core::Error> {
    client
        .describe_trtc_usage()
        .sdk_app_id(app.parse::<u64>().unwrap())
        .start_time(day - chrono::Duration::days(1))
        .end_time(day)
        .send()
        .await
}

/// `n` calls at once; their results in order.
async fn burst(
    client: &rtc_usage::tencent::Client,
    n: usize,
) -> Vec<Result<rtc_usage::tencent::DescribeTrtcUsageResponse, rtc_usage_core::Error>> {
    let calls = (0..n).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { tencent_day(&client, "1400000001", days_ago(2)).await })
    });
    let mut out = Vec::new();
    for call in calls.collect::<Vec<_>>() {
        out.push(call.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_without_the_client_limiter_is_throttled_at_the_documented_rate() {
    let emu = Emulator::start().await.unwrap();
    let client = tencent(
        config("tencent", &emu)
            .disable_rate_limit()
            .retry_config(RetryConfig::disabled()),
    );
    let results = burst(&client, 12).await;
    let throttled: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    for err in &throttled {
        assert_eq!(
            (err.kind(), err.code()),
            (ErrorKind::Throttled, Some("RequestLimitExceeded"))
        );
    }
    // 5 requests per second (the descriptor's rate): all 12 arrive well within one window.
    assert_eq!(throttled.len(), 7);
    let stats = emu.stats();
    assert_eq!((stats.ok, stats.throttled), (5, 7));
    assert_eq!(stats.operation("tencent", "DescribeTrtcUsage").throttled, 7);
    assert_eq!(stats.vendor("tencent").requests, 12);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_limiter_keeps_a_burst_inside_the_rate() {
    // The documented 5 per second: the emulator allows 100 ms of it for arrival jitter, more
    // than a busy machine's scheduling delays (a scaled-down window allows less).
    let scale = 1.0;
    let emu = Emulator::builder().rate_scale(scale).start().await.unwrap();
    let client = tencent(
        config("tencent", &emu)
            .rate_limit_scale(scale)
            .retry_config(RetryConfig::disabled()),
    );
    let started = Instant::now();
    let results = burst(&client, 7).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let stats = emu.stats();
    assert_eq!((stats.ok, stats.throttled), (7, 0));
    // 7 calls at 5 per second take more than a second.
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test]
async fn a_server_error_rule_fails_one_app_and_day_after_retries() {
    let bad_day = days_ago(3);
    let emu = Emulator::builder()
        .fault(FaultRule {
            vendor: Some(Vendor::get("tencent").unwrap()),
            app: Some("1400000002".to_owned()),
            day: Some(bad_day),
            fault: Fault::ServerError(500),
            times: None,
        })
        .start()
        .await
        .unwrap();
    let client = tencent(config("tencent", &emu));
    let err = tencent_day(&client, "1400000002", bad_day)
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Server, Some("InternalError"))
    );
    assert_eq!((err.attempts(), err.http_status()), (3, Some(500)));
    assert!(tencent_day(&client, "1400000001", bad_day).await.is_ok());
    assert!(
        tencent_day(&client, "1400000002", bad_day - chrono::Duration::days(5))
            .await
            .is_ok()
    );
    let stats = emu.stats();
    assert_eq!(
        (stats.faults_injected, stats.server_errors, stats.ok),
        (3, 3, 2)
    );
}

#[tokio::test]
async fn a_rule_for_the_first_two_calls_is_absorbed_by_retries() {
    let emu = Emulator::builder()
        .fault(
            FaultRule::new(Fault::Throttle)
                .vendor(Vendor::get("huawei").unwrap())
                .times(2),
        )
        .start()
        .await
        .unwrap();
    let out = huawei(config("huawei", &emu))
        .list_rtc_history_usage()
        .app(default_apps("huawei")[0])
        .metric(rtc_usage::huawei::list_rtc_history_usage::Metric::CommunicationDuration)
        .start_date(days_ago(3))
        .end_date(days_ago(1))
        .send()
        .await
        .unwrap();
    assert_eq!(out.usage.len(), 3);
    let stats = emu.stats();
    assert_eq!(
        (stats.requests, stats.throttled, stats.faults_injected),
        (3, 2, 2)
    );
}

#[tokio::test]
async fn broken_answers_and_latency_reach_the_client_as_such() {
    let app = default_apps("volcengine")[0];
    let emu = Emulator::builder()
        .fault(FaultRule::new(Fault::Disconnect).app(app).times(1))
        .fault(FaultRule::new(Fault::MalformedBody).app(app).times(1))
        .fault(
            FaultRule::new(Fault::Latency(Duration::from_millis(150)))
                .vendor(Vendor::get("volcengine").unwrap()),
        )
        .start()
        .await
        .unwrap();
    let client = volcengine(config("volcengine", &emu).retry_config(RetryConfig::disabled()));
    let call = || {
        client
            .list_usages()
            .app_id(app)
            .start_time(midnight(days_ago(2)))
            .end_time(midnight(days_ago(1)))
            .send()
    };
    assert_eq!(call().await.unwrap_err().kind(), ErrorKind::Transport);
    assert_eq!(call().await.unwrap_err().kind(), ErrorKind::Decode);
    let started = Instant::now();
    assert_eq!(call().await.unwrap().usages.len(), 2);
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(emu.stats().faults_injected, 3);
}

#[tokio::test]
async fn seeded_shares_fail_the_same_requests_every_run() {
    async fn run(seed: u64) -> Vec<Option<ErrorKind>> {
        let emu = Emulator::builder()
            .rate_limits(false)
            .server_error_rate(0.3)
            .throttle_rate(0.2)
            .seed(seed)
            .start()
            .await
            .unwrap();
        let client = tencent(
            config("tencent", &emu)
                .disable_rate_limit()
                .retry_config(RetryConfig::disabled()),
        );
        let mut kinds = Vec::new();
        for _ in 0..20 {
            kinds.push(
                tencent_day(&client, "1400000003", days_ago(4))
                    .await
                    .err()
                    .map(|e| e.kind()),
            );
        }
        kinds
    }
    let first = run(11).await;
    assert_eq!(first, run(11).await);
    assert!(
        first.contains(&Some(ErrorKind::Server)) && first.contains(&Some(ErrorKind::Throttled))
    );
    assert!(first.contains(&None));
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let emu = Emulator::start().await.unwrap();
    let addr = emu.addr();
    emu.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());

    let emu = Emulator::start().await.unwrap();
    let addr = emu.addr();
    drop(emu);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn wait_returns_once_stopped() {
    let emu = std::sync::Arc::new(Emulator::start().await.unwrap());
    let waiter = {
        let emu = emu.clone();
        tokio::spawn(async move { emu.wait().await })
    };
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(!waiter.is_finished());
    emu.stop();
    tokio::time::timeout(Duration::from_secs(2), waiter)
        .await
        .unwrap()
        .unwrap();
}
