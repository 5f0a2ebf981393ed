//! Retries: which failures are retried, how long to wait between attempts, and how many
//! retries a client may spend in all.
//!
//! Modelled on the AWS SDKs' *standard* retry mode: at most 3 attempts, exponential backoff
//! with full jitter capped at 20 s, and a retry budget (token bucket) shared by every call of
//! one [`crate::Client`], so a vendor that fails persistently cannot trigger a retry storm.
//!
//! Only [`ErrorKind::is_retryable`] kinds are retried (`Throttled`, `Server`, `Transport`,
//! `Timeout`); never `Auth`, `InvalidParameter`, `ClockSkew`, `Decode` or `InvalidInput`.
//!
//! [`run`] is the attempt loop itself, apart from HTTP: it takes rate-limiter permits, calls
//! the attempt it is given, and decides on retries within the policy, the budget and the
//! operation timeout. The client passes an attempt that signs and sends; tests pass any
//! closure. Time is `tokio::time`, so tests run the loop on a paused clock.

use std::fmt;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use tracing::Instrument;

use crate::descriptor::OperationDescriptor;
use crate::error::{Error, ErrorKind};
use crate::rate_limit::RateLimiter;

/// How often and how patiently a call is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
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
    /// The longest wait a server's `Retry-After` is honoured for; a longer one ends the call
    /// (a fetch of many windows should report it rather than stall).
    pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(20);

    /// 3 attempts, 500 ms initial backoff ceiling, 20 s cap, a budget of
    /// [`RetryBudget::DEFAULT_CAPACITY`] tokens.
    pub const fn standard() -> Self {
        Self {
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
            initial_backoff: Self::DEFAULT_INITIAL_BACKOFF,
            max_backoff: Self::DEFAULT_MAX_BACKOFF,
            max_retry_after: Self::DEFAULT_MAX_RETRY_AFTER,
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

    /// The longest `Retry-After` wait honoured (see [`Self::DEFAULT_MAX_RETRY_AFTER`]).
    pub const fn with_max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
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

    pub const fn max_retry_after(&self) -> Duration {
        self.max_retry_after
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

/// What the attempt loop of one call works with.
#[derive(Clone, Copy)]
pub struct RetryLoop<'a> {
    /// The operation called (for errors and traces).
    pub op: &'a OperationDescriptor,
    pub retry: &'a RetryConfig,
    /// The client's shared budget.
    pub budget: &'a RetryBudget,
    /// Taken before every attempt, retries included; `None` = not limited.
    pub limiter: Option<&'a dyn RateLimiter>,
    /// The time all attempts and the waits between them must fit in, counted from the first
    /// permit (the first wait for the limiter, which may be long when many calls queue, does
    /// not count).
    pub operation_timeout: Duration,
}

impl fmt::Debug for RetryLoop<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryLoop")
            .field("op", &self.op.name)
            .field("retry", self.retry)
            .field("budget", self.budget)
            .field("limiter", &self.limiter)
            .field("operation_timeout", &self.operation_timeout)
            .finish()
    }
}

/// One attempt of [`run`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// 1 for the first attempt.
    pub number: u32,
    /// What is left of the operation timeout: the attempt must not take longer.
    pub remaining: Duration,
}

/// The attempt loop: before each attempt a rate-limiter permit, then `attempt`, then, on a
/// failure, a retry when the error's kind is retryable, attempts are left, the backoff fits
/// before the deadline and the budget pays for it.
///
/// Returns the first success and the number of attempts it took; an error carries its attempt
/// count ([`Error::attempts`]). Each attempt runs in an `rtc_usage.call` span (vendor,
/// operation, attempt; the attempt may record `status` and `request_id` on it).
pub async fn run<T, F, Fut>(setup: RetryLoop<'_>, mut attempt: F) -> Result<(T, u32), Error>
where
    F: FnMut(Attempt) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let op = setup.op;
    let timeout = setup.operation_timeout;
    let mut deadline = None;
    let mut last_retry_cost = None;
    let mut number = 0u32;
    loop {
        number += 1;
        // Held over the attempt: the limiter counts the request's window from its end.
        let permit = match (setup.limiter, deadline) {
            (None, _) => None,
            (Some(limiter), None) => Some(limiter.acquire().await),
            (Some(limiter), Some(deadline)) => {
                match tokio::time::timeout_at(deadline, limiter.acquire()).await {
                    Ok(permit) => Some(permit),
                    Err(_) => {
                        return Err(operation_timeout_error(
                            op,
                            timeout,
                            "waiting for the rate limiter",
                        )
                        .with_attempts(number - 1));
                    }
                }
            }
        };
        let now = tokio::time::Instant::now();
        let deadline = *deadline.get_or_insert(now + timeout);
        let remaining = deadline.saturating_duration_since(now);
        if remaining.is_zero() {
            return Err(operation_timeout_error(op, timeout, "before the attempt")
                .with_attempts(number - 1));
        }
        let span = tracing::info_span!(
            "rtc_usage.call",
            vendor = op.vendor,
            operation = op.name,
            attempt = number,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let result = attempt(Attempt { number, remaining })
            .instrument(span.clone())
            .await;
        drop(permit);
        let error = match result {
            Ok(value) => {
                setup.budget.on_success(last_retry_cost);
                return Ok((value, number));
            }
            Err(e) => e.with_attempts(number),
        };
        let Some((backoff, cost)) = span.in_scope(|| plan_retry(&setup, &error, number, deadline))
        else {
            return Err(error);
        };
        last_retry_cost = Some(cost);
        tokio::time::sleep(backoff).await;
    }
}

/// After a failed attempt: the wait before the next one and the budget tokens it took, or
/// `None` when the error is final (not retryable, no attempts left, no time left for the
/// wait, or the retry budget is exhausted).
fn plan_retry(
    setup: &RetryLoop<'_>,
    error: &Error,
    attempt: u32,
    deadline: tokio::time::Instant,
) -> Option<(Duration, u32)> {
    let retry = setup.retry;
    if !retry.should_retry(error.kind(), attempt) {
        if error.is_retryable() {
            tracing::warn!(error = %error, "giving up: no attempts left");
        } else {
            tracing::debug!(error = %error, "not retryable");
        }
        return None;
    }
    // A wait the server asked for is honoured up to a bound; a longer one is final
    // (the caller sees the error, and the server's wait, rather than a stalled fetch).
    let backoff = match error.retry_after() {
        Some(asked) if asked > retry.max_retry_after => {
            tracing::warn!(error = %error, retry_after_ms = asked.as_millis() as u64, "giving up: the server asks for a longer wait than the bound (RetryConfig::max_retry_after)");
            return None;
        }
        Some(asked) => retry.backoff(attempt).max(asked),
        None => retry.backoff(attempt),
    };
    if tokio::time::Instant::now() + backoff >= deadline {
        tracing::warn!(error = %error, "giving up: the operation timeout would pass before the next attempt");
        return None;
    }
    let Some(cost) = setup.budget.try_acquire(error.kind()) else {
        tracing::warn!(error = %error, "giving up: the retry budget is exhausted");
        return None;
    };
    tracing::info!(error = %error, backoff_ms = backoff.as_millis() as u64, "retrying");
    Some((backoff, cost))
}

/// The operation timeout ran out `when`.
pub(crate) fn operation_timeout_error(
    op: &OperationDescriptor,
    timeout: Duration,
    when: &str,
) -> Error {
    Error::transport(
        op,
        ErrorKind::Timeout,
        crate::transport::TimeoutError(format!(
            "the operation timeout of {timeout:?} ran out {when}"
        )),
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use std::cell::Cell;
    use std::sync::atomic::{AtomicU32, Ordering};

    use tokio::time::Instant;

    use super::*;
    use crate::descriptor::{AuthScheme, Envelope, Limits};

    /// An operation for the runtime's unit tests.
    pub(crate) static TEST_OP: OperationDescriptor = OperationDescriptor {
        vendor: "test",
        service: "svc",
        name: "Op",
        version: "v1",
        method: "GET",
        path: "/",
        auth: AuthScheme::Tc3HmacSha256,
        envelope: Envelope::TencentResponse,
        endpoints: &[],
        default_region: "r",
        constants: &[],
        context_params: &[],
        limits: Limits {
            rate: None,
            span: None,
            lookback: None,
            data_delay: None,
            day_offset_seconds: 0,
            granularity: None,
        },
        error_codes: &[],
        vendor_error_codes: &[],
        usage: None,
    };

    fn failure(kind: ErrorKind) -> Error {
        Error::service(&TEST_OP, kind, Some("Code".into()), "failed")
    }

    fn setup<'a>(retry: &'a RetryConfig, budget: &'a RetryBudget) -> RetryLoop<'a> {
        RetryLoop {
            op: &TEST_OP,
            retry,
            budget,
            limiter: None,
            operation_timeout: Duration::from_secs(60),
        }
    }

    /// An attempt that answers `outcomes` in turn (the last one again when they run out) and
    /// counts its calls.
    fn scripted<'c>(
        outcomes: &'c [Result<&'static str, ErrorKind>],
        calls: &'c Cell<u32>,
    ) -> impl FnMut(Attempt) -> std::future::Ready<Result<&'static str, Error>> + 'c {
        move |attempt| {
            calls.set(calls.get() + 1);
            assert_eq!(attempt.number, calls.get(), "attempts are numbered from 1");
            let i = (attempt.number as usize - 1).min(outcomes.len() - 1);
            std::future::ready(outcomes[i].map_err(failure))
        }
    }

    #[tokio::test(start_paused = true)]
    async fn throttled_then_ok_is_retried_once_and_refunded() {
        let (retry, budget) = (RetryConfig::standard(), RetryBudget::new(500));
        let calls = Cell::new(0);
        let start = Instant::now();
        let outcome = run(
            setup(&retry, &budget),
            scripted(&[Err(ErrorKind::Throttled), Ok("answer")], &calls),
        )
        .await
        .unwrap();
        assert_eq!(outcome, ("answer", 2));
        assert_eq!(calls.get(), 2);
        assert!(start.elapsed() <= retry.backoff_ceiling(1), "one backoff");
        assert_eq!(budget.available(), 500, "the retry's cost is refunded");
    }

    #[tokio::test(start_paused = true)]
    async fn server_errors_until_the_attempts_are_exhausted() {
        let (retry, budget) = (RetryConfig::standard(), RetryBudget::new(500));
        let calls = Cell::new(0);
        let start = Instant::now();
        let err = run(
            setup(&retry, &budget),
            scripted(&[Err(ErrorKind::Server)], &calls),
        )
        .await
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Server);
        assert_eq!(err.attempts(), 3);
        assert_eq!(calls.get(), 3);
        assert!(start.elapsed() <= retry.backoff_ceiling(1) + retry.backoff_ceiling(2));
        assert_eq!(budget.available(), 500 - 2 * RetryBudget::RETRY_COST);
    }

    #[tokio::test(start_paused = true)]
    async fn auth_errors_are_not_retried() {
        let (retry, budget) = (RetryConfig::standard(), RetryBudget::new(500));
        let calls = Cell::new(0);
        let start = Instant::now();
        let err = run(
            setup(&retry, &budget),
            scripted(&[Err(ErrorKind::Auth), Ok("never")], &calls),
        )
        .await
        .unwrap_err();
        assert_eq!(
            (err.kind(), err.attempts(), calls.get()),
            (ErrorKind::Auth, 1, 1)
        );
        assert_eq!(start.elapsed(), Duration::ZERO, "no backoff");
        assert_eq!(budget.available(), 500, "nothing spent");
    }

    #[tokio::test(start_paused = true)]
    async fn an_exhausted_budget_makes_the_failure_final() {
        let retry = RetryConfig::standard().with_max_attempts(10);
        // Pays for one retry (5 of 7 tokens), not for a second.
        let budget = RetryBudget::new(7);
        let calls = Cell::new(0);
        let err = run(
            setup(&retry, &budget),
            scripted(&[Err(ErrorKind::Server)], &calls),
        )
        .await
        .unwrap_err();
        assert_eq!(
            (err.kind(), err.attempts(), calls.get()),
            (ErrorKind::Server, 2, 2)
        );
        assert_eq!(budget.available(), 2);
        // A timeout costs more than the tokens left: not even one retry.
        let calls = Cell::new(0);
        let err = run(
            setup(&retry, &budget),
            scripted(&[Err(ErrorKind::Timeout)], &calls),
        )
        .await
        .unwrap_err();
        assert_eq!((err.attempts(), calls.get()), (1, 1));
    }

    #[tokio::test(start_paused = true)]
    async fn the_operation_timeout_bounds_every_attempt() {
        let (retry, budget) = (RetryConfig::standard(), RetryBudget::new(500));
        let mut seen = Vec::new();
        let mut loop_setup = setup(&retry, &budget);
        loop_setup.operation_timeout = Duration::from_secs(10);
        let err = run(loop_setup, |attempt| {
            seen.push(attempt.remaining);
            std::future::ready(Err::<(), _>(failure(ErrorKind::Server)))
        })
        .await
        .unwrap_err();
        assert_eq!(err.attempts(), 3);
        assert_eq!(seen[0], Duration::from_secs(10));
        assert!(seen.windows(2).all(|w| w[1] <= w[0]), "{seen:?}");

        // No time at all: no attempt.
        loop_setup.operation_timeout = Duration::ZERO;
        let calls = Cell::new(0);
        let err = run(loop_setup, scripted(&[Ok("never")], &calls))
            .await
            .unwrap_err();
        assert_eq!(
            (err.kind(), err.attempts(), calls.get()),
            (ErrorKind::Timeout, 0, 0)
        );
    }

    /// An attempt that is throttled with a `Retry-After` of `wait` the first time, then
    /// succeeds.
    fn throttled_asking<'c>(
        wait: Duration,
        calls: &'c Cell<u32>,
    ) -> impl FnMut(Attempt) -> std::future::Ready<Result<&'static str, Error>> + 'c {
        move |_| {
            calls.set(calls.get() + 1);
            std::future::ready(if calls.get() == 1 {
                Err(failure(ErrorKind::Throttled).with_retry_after(Some(wait)))
            } else {
                Ok("answer")
            })
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_the_server_asks_for_is_honoured_within_its_bound() {
        let (retry, budget) = (RetryConfig::standard(), RetryBudget::new(500));
        for wait in [
            Duration::from_millis(1),
            Duration::from_secs(3),
            retry.max_retry_after(),
        ] {
            let calls = Cell::new(0);
            let start = Instant::now();
            let outcome = run(setup(&retry, &budget), throttled_asking(wait, &calls)).await;
            assert_eq!(outcome.unwrap(), ("answer", 2), "{wait:?}");
            let waited = start.elapsed();
            assert!(waited >= wait, "{wait:?}: retried after {waited:?}");
            assert!(
                waited <= wait.max(retry.backoff_ceiling(1)),
                "{wait:?}: {waited:?}"
            );
        }
        // Longer than the cap: final at once, the wait kept on the error.
        let calls = Cell::new(0);
        let start = Instant::now();
        let asked = retry.max_retry_after() + Duration::from_secs(1);
        let err = run(setup(&retry, &budget), throttled_asking(asked, &calls))
            .await
            .unwrap_err();
        assert_eq!(
            (err.kind(), err.attempts(), calls.get()),
            (ErrorKind::Throttled, 1, 1)
        );
        assert_eq!(err.retry_after(), Some(asked));
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    /// A limiter that records whether a permit is out while the attempt runs.
    #[derive(Debug, Default)]
    struct Watching(std::sync::atomic::AtomicBool);

    impl RateLimiter for Watching {
        fn acquire(
            &self,
        ) -> std::pin::Pin<Box<dyn Future<Output = crate::rate_limit::Permit<'_>> + Send + '_>>
        {
            self.0.store(true, Ordering::SeqCst);
            Box::pin(std::future::ready(crate::rate_limit::Permit::new(|| {
                self.0.store(false, Ordering::SeqCst)
            })))
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_permit_is_held_over_the_attempt_and_returned_before_the_backoff() {
        let (retry, budget) = (RetryConfig::standard(), RetryBudget::new(500));
        let limiter = Watching::default();
        let mut loop_setup = setup(&retry, &budget);
        loop_setup.limiter = Some(&limiter);
        let held = Cell::new(Vec::new());
        let outcome = run(loop_setup, |attempt: Attempt| {
            let mut seen = held.take();
            seen.push(limiter.0.load(Ordering::SeqCst));
            held.set(seen);
            std::future::ready(if attempt.number == 1 {
                Err(failure(ErrorKind::Server))
            } else {
                Ok("ok")
            })
        })
        .await;
        assert_eq!(outcome.unwrap(), ("ok", 2));
        assert_eq!(held.take(), [true, true], "a permit during each attempt");
        assert!(!limiter.0.load(Ordering::SeqCst), "returned after the last");
    }

    #[derive(Debug, Default)]
    struct Counting(AtomicU32);

    impl RateLimiter for Counting {
        fn acquire(
            &self,
        ) -> std::pin::Pin<Box<dyn Future<Output = crate::rate_limit::Permit<'_>> + Send + '_>>
        {
            self.0.fetch_add(1, Ordering::SeqCst);
            Box::pin(std::future::ready(crate::rate_limit::Permit::untracked()))
        }
    }

    #[tokio::test(start_paused = true)]
    async fn every_attempt_takes_a_permit() {
        let (retry, budget) = (RetryConfig::standard(), RetryBudget::new(500));
        let limiter = Counting::default();
        let mut loop_setup = setup(&retry, &budget);
        loop_setup.limiter = Some(&limiter);
        let calls = Cell::new(0);
        let outcome = run(
            loop_setup,
            scripted(
                &[Err(ErrorKind::Transport), Err(ErrorKind::Timeout), Ok("ok")],
                &calls,
            ),
        )
        .await
        .unwrap();
        assert_eq!(outcome, ("ok", 3));
        assert_eq!(limiter.0.load(Ordering::SeqCst), 3);
        assert_eq!(budget.available(), 500 - RetryBudget::RETRY_COST);
    }

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
