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
    assert_eq!(limiter.margin(), Duration::from_millis(1));
    let start = Instant::now();
    drop(limiter.acquire().await);
    drop(limiter.acquire().await);
    assert_eq!(start.elapsed(), Duration::ZERO, "the first two go at once");
    drop(limiter.acquire().await);
    assert_eq!(start.elapsed(), Duration::from_millis(1001));
    drop(limiter.acquire().await);
    assert_eq!(start.elapsed(), Duration::from_millis(1001));
    drop(limiter.acquire().await);
    assert_eq!(start.elapsed(), Duration::from_millis(2002));
}

/// The window of a request counts from the end of its attempt, the latest moment it can have
/// reached the vendor: a slow attempt holds its slot longer.
#[tokio::test(start_paused = true)]
async fn a_window_counts_from_the_end_of_the_attempt() {
    let limiter = SlidingWindow::new(1, Duration::from_secs(1));
    let start = Instant::now();
    let permit = limiter.acquire().await;
    // The attempt takes 300 ms (the request may have arrived at its very end).
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(permit);
    drop(limiter.acquire().await);
    assert_eq!(start.elapsed(), Duration::from_millis(1301));
}

/// While every permit is out, nobody is let through, however long the attempts take; the
/// first to end frees its slot a window later.
#[tokio::test(start_paused = true)]
async fn permits_in_flight_hold_their_slots() {
    let limiter = Arc::new(SlidingWindow::new(2, Duration::from_secs(1)));
    let start = Instant::now();
    let first = limiter.acquire().await;
    let second = limiter.acquire().await;
    let waiter = {
        let limiter = limiter.clone();
        tokio::spawn(async move {
            drop(limiter.acquire().await);
            start.elapsed()
        })
    };
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert!(!waiter.is_finished(), "both slots are in flight");
    drop(second);
    tokio::time::sleep(Duration::from_secs(2)).await;
    drop(first);
    assert_eq!(waiter.await.unwrap(), Duration::from_millis(6001));
}

#[tokio::test(start_paused = true)]
async fn a_concurrent_burst_never_exceeds_the_limit_in_any_window() {
    let limiter = Arc::new(SlidingWindow::from_limit(TWO_PER_SECOND));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..11u64 {
        let limiter = limiter.clone();
        tasks.push(tokio::spawn(async move {
            let permit = limiter.acquire().await;
            let granted = start.elapsed();
            // Attempts of different lengths: the request arrives at any moment of them.
            tokio::time::sleep(Duration::from_millis(37 * (i % 4))).await;
            drop(permit);
            (granted, start.elapsed())
        }));
    }
    let mut attempts = Vec::new();
    for t in tasks {
        attempts.push(t.await.unwrap());
    }
    attempts.sort();
    assert_eq!(attempts.iter().filter(|(g, _)| g.is_zero()).count(), 2);
    // Whenever each request arrived within its attempt, no window of 1 s holds 3 arrivals:
    // the grant of attempt i+2 is more than 1 s after the end of attempt i.
    for w in attempts.windows(3) {
        assert!(w[2].0 - w[0].1 > Duration::from_secs(1), "{attempts:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_dropped_wait_uses_no_permit() {
    let limiter = SlidingWindow::new(1, Duration::from_secs(10));
    drop(limiter.acquire().await);
    let start = Instant::now();
    // Give up waiting after 1 s.
    assert!(
        tokio::time::timeout(Duration::from_secs(1), limiter.acquire())
            .await
            .is_err()
    );
    drop(limiter.acquire().await);
    // The abandoned wait took no permit: the next one comes 10 s (+ margin) after the first.
    assert_eq!(start.elapsed(), Duration::from_secs(10) + limiter.margin());
}

#[tokio::test(start_paused = true)]
async fn a_scaled_limit_shortens_the_window() {
    let limiter = SlidingWindow::from_limit_scaled(TWO_PER_SECOND, 20.0);
    assert_eq!(limiter.permits(), 2);
    assert_eq!(limiter.per(), Duration::from_millis(50));
    assert_eq!(limiter.margin(), Duration::from_micros(50));
    let start = Instant::now();
    for _ in 0..6 {
        drop(limiter.acquire().await);
    }
    // Two more windows of 50.05 ms; the paused clock wakes on whole milliseconds.
    let elapsed = start.elapsed();
    assert!(
        elapsed >= Duration::from_micros(2 * 50_050) && elapsed <= Duration::from_millis(102),
        "{elapsed:?}"
    );
}

#[test]
fn margins() {
    assert_eq!(
        SlidingWindow::margin_for(Duration::from_secs(60)),
        Duration::from_millis(60)
    );
    assert_eq!(
        SlidingWindow::margin_for(Duration::from_secs(1)),
        Duration::from_millis(1)
    );
}

/// A limiter that counts its permits and never waits.
#[derive(Debug, Default)]
struct Counting(AtomicUsize);

impl RateLimiter for Counting {
    fn acquire(
        &self,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = rtc_usage_core::Permit<'_>> + Send + '_>>
    {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { rtc_usage_core::Permit::untracked() })
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
