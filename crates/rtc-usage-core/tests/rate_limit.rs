//! The sliding-window rate limiter, on tokio's paused clock, and how a client uses limiters.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use rtc_usage_core::descriptor::RateLimit;
use rtc_usage_core::{Client, RateLimitPolicy, RateLimiter, SlidingWindow};
use tokio::time::Instant;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TWO_PER_SECOND: RateLimit = RateLimit {
    requests: 2,
    per: Duration::from_secs(1),
    scope: rtc_usage_core::descriptor::RateScope::Operation,
};

#[tokio::test(start_paused = true)]
async fn two_per_second_lets_two_through_and_the_third_waits_a_second() {
    let limiter = SlidingWindow::from_limit(TWO_PER_SECOND);
    assert_eq!(limiter.margin(), Duration::from_millis(5));
    let start = Instant::now();
    limiter.acquire().await;
    limiter.acquire().await;
    assert_eq!(start.elapsed(), Duration::ZERO, "the first two go at once");
    limiter.acquire().await;
    assert_eq!(start.elapsed(), Duration::from_millis(1005));
    limiter.acquire().await;
    assert_eq!(start.elapsed(), Duration::from_millis(1005));
    limiter.acquire().await;
    assert_eq!(start.elapsed(), Duration::from_millis(2010));
}

#[tokio::test(start_paused = true)]
async fn a_concurrent_burst_never_exceeds_the_limit_in_any_window() {
    let limiter = Arc::new(SlidingWindow::from_limit(TWO_PER_SECOND));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..11 {
        let limiter = limiter.clone();
        tasks.push(tokio::spawn(async move {
            limiter.acquire().await;
            start.elapsed()
        }));
    }
    let mut grants = Vec::new();
    for t in tasks {
        grants.push(t.await.unwrap());
    }
    grants.sort();
    assert_eq!(grants.iter().filter(|g| g.is_zero()).count(), 2);
    // Any window of 1 s holds at most 2 grants: grant i+2 is more than 1 s after grant i.
    for w in grants.windows(3) {
        assert!(w[2] - w[0] > Duration::from_secs(1), "{grants:?}");
    }
    // And the limiter does not hold back more than it must: 11 grants in 5 windows.
    assert_eq!(*grants.last().unwrap(), Duration::from_millis(5 * 1005));
}

#[tokio::test(start_paused = true)]
async fn a_dropped_wait_uses_no_permit() {
    let limiter = SlidingWindow::new(1, Duration::from_secs(10));
    limiter.acquire().await;
    let start = Instant::now();
    // Give up waiting after 1 s.
    assert!(
        tokio::time::timeout(Duration::from_secs(1), limiter.acquire())
            .await
            .is_err()
    );
    limiter.acquire().await;
    // The abandoned wait took no permit: the next one comes 10 s (+ margin) after the first.
    assert_eq!(start.elapsed(), Duration::from_secs(10) + limiter.margin());
}

#[tokio::test(start_paused = true)]
async fn a_scaled_limit_shortens_the_window() {
    let limiter = SlidingWindow::from_limit_scaled(TWO_PER_SECOND, 20.0);
    assert_eq!(limiter.permits(), 2);
    assert_eq!(limiter.per(), Duration::from_millis(50));
    assert_eq!(limiter.margin(), Duration::from_millis(1));
    let start = Instant::now();
    for _ in 0..6 {
        limiter.acquire().await;
    }
    assert_eq!(start.elapsed(), Duration::from_millis(2 * 51));
}

#[test]
fn margins() {
    assert_eq!(
        SlidingWindow::margin_for(30, Duration::from_secs(60)),
        Duration::from_millis(20)
    );
    assert_eq!(
        SlidingWindow::margin_for(5, Duration::from_secs(1)),
        Duration::from_millis(2)
    );
    assert_eq!(
        SlidingWindow::margin_for(1000, Duration::from_secs(1)),
        Duration::from_millis(1)
    );
}

/// A limiter that counts its permits and never waits.
#[derive(Debug, Default)]
struct Counting(AtomicUsize);

impl RateLimiter for Counting {
    fn acquire(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async {})
    }
}

#[tokio::test]
async fn a_client_takes_a_permit_per_attempt_from_one_limiter_per_operation() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(volc_ok_body(), "application/json"))
        .mount(&server)
        .await;
    let made = Arc::new(AtomicUsize::new(0));
    let limiter = Arc::new(Counting::default());
    let config = {
        let (made, limiter) = (made.clone(), limiter.clone());
        test_config(&server.uri())
            .rate_limiter_factory(move |op| {
                assert_eq!(op.name, "ListUsages");
                made.fetch_add(1, Ordering::SeqCst);
                Some(limiter.clone() as Arc<dyn RateLimiter>)
            })
            .build()
            .unwrap()
    };
    let client = Client::new(&VOLCENGINE, config).unwrap();
    let input = VolcInput { app_id: "a".into() };
    // The first call is retried once: two permits.
    client.execute::<VolcListUsages>(&input).await.unwrap();
    assert_eq!(limiter.0.load(Ordering::SeqCst), 2);
    // Clones share the limiter; it is made once per operation.
    client
        .clone()
        .execute::<VolcListUsages>(&input)
        .await
        .unwrap();
    client.execute::<VolcListUsages>(&input).await.unwrap();
    assert_eq!(limiter.0.load(Ordering::SeqCst), 4);
    assert_eq!(made.load(Ordering::SeqCst), 1);
}

#[test]
fn policies_make_the_expected_limiters() {
    let spec = RateLimitPolicy::Spec
        .limiter_for(&VOLC_LIST_USAGES)
        .unwrap();
    assert!(format!("{spec:?}").contains("per: 1s"), "{spec:?}");
    let scaled = RateLimitPolicy::Scaled(20.0)
        .limiter_for(&VOLC_LIST_USAGES)
        .unwrap();
    assert!(format!("{scaled:?}").contains("per: 50ms"), "{scaled:?}");
    assert!(
        RateLimitPolicy::Disabled
            .limiter_for(&VOLC_LIST_USAGES)
            .is_none()
    );
    let huawei = RateLimitPolicy::Spec.limiter_for(&HUAWEI_HISTORY).unwrap();
    assert!(format!("{huawei:?}").contains("permits: 30"), "{huawei:?}");
}
