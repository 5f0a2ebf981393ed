//! Client-side rate limiting, so a client stays inside the vendor's documented rate instead of
//! learning it from throttling errors.
//!
//! A [`crate::Client`] keeps one limiter per (vendor, operation) — per vendor for an
//! account-scoped limit — shared by all its clones and calls, and holds a [`Permit`] over
//! every attempt (retries included).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use crate::descriptor::RateLimit;

/// Grants permission to send one request.
pub trait RateLimiter: Send + Sync + fmt::Debug {
    /// Resolves when one more request may be sent. The request counts until the returned
    /// permit is dropped, and its window is counted from then (see [`SlidingWindow`]).
    ///
    /// Dropping the future before it resolves must not use up a permit.
    fn acquire(&self) -> Pin<Box<dyn Future<Output = Permit<'_>> + Send + '_>>;
}

/// Permission to send one request, held for as long as the attempt lasts.
///
/// Dropping it says the attempt is over (its answer is in, or it failed): the limiter then
/// knows the latest moment the request can have reached the vendor.
#[must_use = "the request counts as in flight until the permit is dropped"]
pub struct Permit<'a> {
    on_drop: Option<Box<dyn FnOnce() + Send + 'a>>,
}

impl<'a> Permit<'a> {
    /// A permit that runs `on_drop` when the attempt is over.
    pub fn new(on_drop: impl FnOnce() + Send + 'a) -> Self {
        Self {
            on_drop: Some(Box::new(on_drop)),
        }
    }

    /// A permit that records nothing (for limiters that count grants only).
    pub fn untracked() -> Self {
        Self { on_drop: None }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if let Some(on_drop) = self.on_drop.take() {
            on_drop();
        }
    }
}

impl fmt::Debug for Permit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit")
            .field("tracked", &self.on_drop.is_some())
            .finish()
    }
}

/// One of a window's `permits` slots.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Free,
    /// Granted, its attempt not over yet.
    InFlight,
    /// Its attempt ended then.
    Done(Instant),
}

/// At most `permits` requests in any window of length `per`, **as the vendor counts them**:
/// by arrival.
///
/// A vendor's gateway counts a request when it arrives, and the client cannot see that
/// moment: it lies somewhere between the grant and the answer. So each of the `permits`
/// slots is busy from its grant until `per` (plus a small margin) after its attempt *ended*,
/// the latest moment its request can have arrived. Then no `permits + 1` requests can ever
/// arrive within `per` of each other, whatever the network delays: counting from the grant
/// instead (as a plain sliding window does), a request delayed on the way and one of the next
/// window sent promptly arrive closer than `per`, and the vendor throttles.
///
/// The first `permits` calls go at once. Each slot's cycle is `per` plus the attempt's
/// latency, so a limiter of N per T runs at `N / (T + latency)`: a few percent below the
/// documented rate on a fast network.
///
/// The margin (0.1 % of `per`) covers a vendor that rounds its timestamps to the millisecond.
///
/// Waiters are served first come, first served (a fair `tokio::sync::Mutex` is held while
/// waiting). Time is `tokio::time`, so tests can run it with paused time.
pub struct SlidingWindow {
    permits: usize,
    per: Duration,
    margin: Duration,
    /// Held by the waiter whose turn it is.
    turn: tokio::sync::Mutex<()>,
    slots: Mutex<Vec<Slot>>,
    /// Signalled when an attempt ends (a slot starts counting down).
    ended: Notify,
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
        let permits = permits.max(1) as usize;
        Self {
            permits,
            per,
            margin: Self::margin_for(per),
            turn: tokio::sync::Mutex::new(()),
            slots: Mutex::new(vec![Slot::Free; permits]),
            ended: Notify::new(),
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

    /// The safety margin added to a window of `per`: 0.1 % of it (1 ms of a second).
    pub fn margin_for(per: Duration) -> Duration {
        per / 1000
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

    fn slots(&self) -> std::sync::MutexGuard<'_, Vec<Slot>> {
        // Every update is one assignment: a panic elsewhere cannot leave a slot half-written.
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a slot that is free at `now`, or says when the first one will be (`None`: only
    /// when an attempt in flight ends).
    fn try_take(&self, now: Instant) -> Result<usize, Option<Instant>> {
        let mut slots = self.slots();
        let cycle = self.per + self.margin;
        let free = slots.iter().position(|slot| match slot {
            Slot::Free => true,
            Slot::InFlight => false,
            Slot::Done(ended) => *ended + cycle <= now,
        });
        match free {
            Some(index) => {
                slots[index] = Slot::InFlight;
                Ok(index)
            }
            None => Err(slots
                .iter()
                .filter_map(|slot| match slot {
                    Slot::Done(ended) => Some(*ended + cycle),
                    _ => None,
                })
                .min()),
        }
    }

    fn end(&self, index: usize) {
        self.slots()[index] = Slot::Done(Instant::now());
        self.ended.notify_waiters();
    }
}

impl RateLimiter for SlidingWindow {
    fn acquire(&self) -> Pin<Box<dyn Future<Output = Permit<'_>> + Send + '_>> {
        Box::pin(async move {
            let _turn = self.turn.lock().await;
            loop {
                // Registered before looking, so an attempt that ends meanwhile wakes us.
                let ended = self.ended.notified();
                tokio::pin!(ended);
                ended.as_mut().enable();
                // Cancel-safe: nothing is taken until a slot is free.
                match self.try_take(Instant::now()) {
                    Ok(index) => return Permit::new(move || self.end(index)),
                    Err(Some(at)) => {
                        let _ = tokio::time::timeout_at(at, ended).await;
                    }
                    Err(None) => ended.await,
                }
            }
        })
    }
}
