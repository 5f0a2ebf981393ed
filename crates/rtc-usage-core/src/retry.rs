//! Retries: which failures are retried, how long to wait between attempts, and how many
//! retries a client may spend in all.
//!
//! Modelled on the AWS SDKs' *standard* retry mode: at most 3 attempts, exponential backoff
//! with full jitter capped at 20 s, and a retry budget (token bucket) shared by every call of
//! one [`crate::Client`], so a vendor that fails persistently cannot trigger a retry storm.
//!
//! Only [`ErrorKind::is_retryable`] kinds are retried (`Throttled`, `Server`, `Transport`,
//! `Timeout`); never `Auth`, `InvalidParameter`, `ClockSkew`, `Decode` or `InvalidInput`.

use std::sync::Mutex;
use std::time::Duration;

use crate::error::ErrorKind;

/// How often and how patiently a call is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    budget_capacity: u32,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryConfig {
    /// Attempts per call, the first one included (AWS standard mode).
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
    /// The backoff ceiling before the first retry; it doubles with every retry. 500 ms keeps a
    /// throttled 2 requests/s operation from being hit again within the same second on average.
    pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(500);
    /// The largest backoff ceiling (AWS standard mode).
    pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(20);

    /// 3 attempts, 500 ms initial backoff ceiling, 20 s cap, a budget of
    /// [`RetryBudget::DEFAULT_CAPACITY`] tokens.
    pub const fn standard() -> Self {
        Self {
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
            initial_backoff: Self::DEFAULT_INITIAL_BACKOFF,
            max_backoff: Self::DEFAULT_MAX_BACKOFF,
            budget_capacity: RetryBudget::DEFAULT_CAPACITY,
        }
    }

    /// One attempt, no retry.
    pub const fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::standard()
        }
    }

    /// Attempts per call, the first one included; `0` is taken as `1`.
    pub const fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = if max_attempts == 0 { 1 } else { max_attempts };
        self
    }

    /// The backoff ceiling before the first retry.
    pub const fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The cap of the backoff ceiling.
    pub const fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Tokens in the client's retry budget (see [`RetryBudget`]).
    pub const fn with_budget_capacity(mut self, tokens: u32) -> Self {
        self.budget_capacity = tokens;
        self
    }

    pub const fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    pub const fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    pub const fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    pub const fn budget_capacity(&self) -> u32 {
        self.budget_capacity
    }

    /// Whether a failure of `kind` on attempt `attempt` (1-based) may be followed by another.
    pub fn should_retry(&self, kind: ErrorKind, attempt: u32) -> bool {
        kind.is_retryable() && attempt < self.max_attempts
    }

    /// The upper bound of the wait before retry number `retry` (1-based):
    /// `min(max_backoff, initial_backoff * 2^(retry - 1))`.
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(31);
        self.initial_backoff
            .checked_mul(1u32 << exponent)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }

    /// The wait before retry number `retry` (1-based): uniformly random in
    /// `[0, backoff_ceiling(retry)]` ("full jitter"), so clients that failed together do not
    /// retry together.
    pub fn backoff(&self, retry: u32) -> Duration {
        self.backoff_ceiling(retry).mul_f64(fastrand::f64())
    }
}

/// A token bucket that pays for retries, shared by all calls of one client.
///
/// The numbers are those of the AWS SDKs' standard retry quota: the bucket starts full at
/// [`DEFAULT_CAPACITY`](Self::DEFAULT_CAPACITY) (500) tokens; a retry costs
/// [`RETRY_COST`](Self::RETRY_COST) (5), or [`TIMEOUT_RETRY_COST`](Self::TIMEOUT_RETRY_COST)
/// (10) after a timeout; a call that succeeds returns the cost of its last retry, or
/// [`SUCCESS_REFUND`](Self::SUCCESS_REFUND) (1) if it needed none; the bucket never holds more
/// than its capacity. With an empty bucket a failed attempt is final: after about 100 retries
/// without a success, the client stops retrying until calls succeed again.
#[derive(Debug)]
pub struct RetryBudget {
    capacity: u32,
    available: Mutex<u32>,
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self::new(Self::DEFAULT_CAPACITY)
    }
}

impl RetryBudget {
    pub const DEFAULT_CAPACITY: u32 = 500;
    pub const RETRY_COST: u32 = 5;
    pub const TIMEOUT_RETRY_COST: u32 = 10;
    pub const SUCCESS_REFUND: u32 = 1;

    /// A full bucket of `capacity` tokens.
    pub fn new(capacity: u32) -> Self {
        Self {
            capacity,
            available: Mutex::new(capacity),
        }
    }

    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        *self.lock()
    }

    /// What a retry after a failure of `kind` costs.
    pub fn cost(kind: ErrorKind) -> u32 {
        if kind == ErrorKind::Timeout {
            Self::TIMEOUT_RETRY_COST
        } else {
            Self::RETRY_COST
        }
    }

    /// Takes the cost of a retry after a failure of `kind`; `None` (and nothing taken) when the
    /// bucket cannot pay it.
    pub fn try_acquire(&self, kind: ErrorKind) -> Option<u32> {
        let cost = Self::cost(kind);
        let mut available = self.lock();
        if *available >= cost {
            *available -= cost;
            Some(cost)
        } else {
            None
        }
    }

    /// Puts `tokens` back, up to the capacity.
    pub fn release(&self, tokens: u32) {
        let mut available = self.lock();
        *available = available.saturating_add(tokens).min(self.capacity);
    }

    /// Records a successful call: refunds its last retry's cost, or
    /// [`SUCCESS_REFUND`](Self::SUCCESS_REFUND) when it succeeded at once.
    pub fn on_success(&self, last_retry_cost: Option<u32>) {
        self.release(last_retry_cost.unwrap_or(Self::SUCCESS_REFUND));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, u32> {
        // A panic while holding this lock cannot leave the count inconsistent.
        self.available
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_doubles_and_caps() {
        let c = RetryConfig::standard();
        assert_eq!(c.backoff_ceiling(1), Duration::from_millis(500));
        assert_eq!(c.backoff_ceiling(2), Duration::from_secs(1));
        assert_eq!(c.backoff_ceiling(3), Duration::from_secs(2));
        assert_eq!(c.backoff_ceiling(7), Duration::from_secs(20));
        assert_eq!(c.backoff_ceiling(u32::MAX), Duration::from_secs(20));
        for retry in 1..10 {
            assert!(c.backoff(retry) <= c.backoff_ceiling(retry));
        }
    }

    #[test]
    fn only_retryable_kinds_are_retried() {
        let c = RetryConfig::standard();
        for kind in [
            ErrorKind::Throttled,
            ErrorKind::Server,
            ErrorKind::Transport,
            ErrorKind::Timeout,
        ] {
            assert!(c.should_retry(kind, 1));
            assert!(c.should_retry(kind, 2));
            assert!(!c.should_retry(kind, 3));
        }
        for kind in [
            ErrorKind::Auth,
            ErrorKind::InvalidParameter,
            ErrorKind::ClockSkew,
            ErrorKind::Decode,
            ErrorKind::InvalidInput,
        ] {
            assert!(!c.should_retry(kind, 1));
        }
        assert!(!RetryConfig::disabled().should_retry(ErrorKind::Server, 1));
        assert_eq!(
            RetryConfig::standard().with_max_attempts(0).max_attempts(),
            1
        );
    }

    #[test]
    fn budget_pays_and_refunds() {
        let b = RetryBudget::new(12);
        assert_eq!(b.try_acquire(ErrorKind::Server), Some(5));
        assert_eq!(b.try_acquire(ErrorKind::Timeout), None);
        assert_eq!(b.try_acquire(ErrorKind::Throttled), Some(5));
        assert_eq!(b.available(), 2);
        assert_eq!(b.try_acquire(ErrorKind::Server), None);
        b.on_success(Some(5));
        assert_eq!(b.available(), 7);
        b.on_success(None);
        assert_eq!(b.available(), 8);
        b.release(100);
        assert_eq!(b.available(), 12);
    }
}
