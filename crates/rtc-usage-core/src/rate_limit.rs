//! Client-side rate limiting, so a client stays inside the vendor's documented rate instead of
//! learning it from throttling errors.
//!
//! A [`crate::Client`] keeps one limiter per (vendor, operation), shared by all its clones and
//! calls, and takes a permit before every attempt (retries included).

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::time::Instant;

use crate::descriptor::RateLimit;

/// Grants permission to send one request.
pub trait RateLimiter: Send + Sync + fmt::Debug {
    /// Resolves when one more request may be sent; that request counts from then on.
    ///
    /// Dropping the future before it resolves must not use up a permit.
    fn acquire(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// At most `permits` requests in any window of length `per`.
///
/// The limiter remembers when it granted its last `permits` permits; the next one waits until
/// the oldest of them is `per` (plus a small safety margin) old. So the first `permits` calls go
/// at once, and no window of length `per` anywhere in time ever holds more than `permits`
/// grants: stricter than a token bucket, whose refill would allow up to twice the number
/// across a window boundary.
///
/// The safety margin absorbs scheduling and network jitter between the grant here and the
/// request's arrival at the vendor: 1 % of the mean interval `per / permits`, and at least
/// 1 ms (2 requests/s: 5 ms; 30 requests/min: 20 ms).
///
/// Waiters are served first come, first served (a fair `tokio::sync::Mutex` is held while
/// waiting). Time is `tokio::time`, so tests can run it with paused time.
pub struct SlidingWindow {
    permits: usize,
    per: Duration,
    margin: Duration,
    grants: tokio::sync::Mutex<VecDeque<Instant>>,
}

impl fmt::Debug for SlidingWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlidingWindow")
            .field("permits", &self.permits)
            .field("per", &self.per)
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

impl SlidingWindow {
    /// At most `permits` (at least 1) requests in any window of `per`.
    pub fn new(permits: u32, per: Duration) -> Self {
        let permits = permits.max(1);
        Self {
            permits: permits as usize,
            per,
            margin: Self::margin_for(permits, per),
            grants: tokio::sync::Mutex::new(VecDeque::with_capacity(permits as usize)),
        }
    }

    /// The spec's documented limit.
    pub fn from_limit(limit: RateLimit) -> Self {
        Self::new(limit.requests, limit.per)
    }

    /// The documented limit with its rate multiplied by `factor`: the same number of requests
    /// in a window `factor` times shorter (2 per 1 s scaled by 20 is 2 per 50 ms). A factor
    /// that is not finite and positive is taken as 1.
    pub fn from_limit_scaled(limit: RateLimit, factor: f64) -> Self {
        let factor = if factor.is_finite() && factor > 0.0 {
            factor
        } else {
            1.0
        };
        Self::new(limit.requests, limit.per.div_f64(factor))
    }

    /// The safety margin added to `per` for a limit of `permits` per `per`.
    pub fn margin_for(permits: u32, per: Duration) -> Duration {
        (per / permits.max(1) / 100).max(Duration::from_millis(1))
    }

    pub fn permits(&self) -> u32 {
        self.permits as u32
    }

    pub fn per(&self) -> Duration {
        self.per
    }

    pub fn margin(&self) -> Duration {
        self.margin
    }
}

impl RateLimiter for SlidingWindow {
    fn acquire(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            let mut grants = self.grants.lock().await;
            if grants.len() >= self.permits {
                if let Some(&oldest) = grants.front() {
                    // Cancel-safe: nothing is recorded until the wait is over.
                    tokio::time::sleep_until(oldest + self.per + self.margin).await;
                }
                grants.pop_front();
            }
            grants.push_back(Instant::now());
        })
    }
}
