//! What the emulator answered, counted per operation, for tests and benchmarks.

use std::collections::BTreeMap;
use std::sync::Mutex;

use rtc_usage_core::OperationDescriptor;

/// How one request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Ok,
    Throttled,
    AuthFailed,
    /// A parameter, action or app error (the vendor's 4xx).
    Rejected,
    ServerError,
    /// Closed without an answer (a fault, or a client gone mid-body), or answered with a
    /// broken body (a fault).
    Broken,
}

/// Counts of one operation (or of all).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OperationStats {
    pub requests: u64,
    /// Answered with data.
    pub ok: u64,
    /// Throttling answers: over the rate limit, or injected.
    pub throttled: u64,
    /// Authentication failures of any kind (missing, unknown key, expired, mismatch).
    pub signature_failures: u64,
    /// Parameter, action and app errors.
    pub rejected: u64,
    /// 5xx-kind answers (injected, or the emulator's own failure).
    pub server_errors: u64,
    /// Answers changed by a fault (latency, error, throttling, broken body, disconnect).
    pub faults_injected: u64,
}

impl OperationStats {
    fn add(&mut self, outcome: Outcome, injected: bool) {
        self.requests += 1;
        let counter = match outcome {
            Outcome::Ok => Some(&mut self.ok),
            Outcome::Throttled => Some(&mut self.throttled),
            Outcome::AuthFailed => Some(&mut self.signature_failures),
            Outcome::Rejected => Some(&mut self.rejected),
            Outcome::ServerError => Some(&mut self.server_errors),
            Outcome::Broken => None,
        };
        if let Some(counter) = counter {
            *counter += 1;
        }
        if injected {
            self.faults_injected += 1;
        }
    }
}

impl std::ops::AddAssign for OperationStats {
    fn add_assign(&mut self, other: Self) {
        self.requests += other.requests;
        self.ok += other.ok;
        self.throttled += other.throttled;
        self.signature_failures += other.signature_failures;
        self.rejected += other.rejected;
        self.server_errors += other.server_errors;
        self.faults_injected += other.faults_injected;
    }
}

/// A snapshot of the counters ([`crate::Emulator::stats`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Every HTTP request received, routed or not.
    pub requests: u64,
    pub ok: u64,
    pub throttled: u64,
    pub signature_failures: u64,
    pub rejected: u64,
    pub server_errors: u64,
    pub faults_injected: u64,
    /// Requests no vendor operation matched (wrong path, action or version).
    pub unrouted: u64,
    /// Per `(vendor, operation)`, e.g. `("tencent", "DescribeTrtcUsage")`.
    pub per_operation: BTreeMap<(&'static str, &'static str), OperationStats>,
}

impl Stats {
    /// The counts of one operation (zero if it was never called).
    pub fn operation(&self, vendor: &str, operation: &str) -> OperationStats {
        self.per_operation
            .iter()
            .find(|((v, o), _)| *v == vendor && *o == operation)
            .map(|(_, s)| *s)
            .unwrap_or_default()
    }

    /// The counts of every operation of one vendor, summed.
    pub fn vendor(&self, vendor: &str) -> OperationStats {
        let mut sum = OperationStats::default();
        for ((v, _), s) in &self.per_operation {
            if *v == vendor {
                sum += *s;
            }
        }
        sum
    }
}

/// The live counters behind [`Stats`].
#[derive(Debug, Default)]
pub(crate) struct Counters(Mutex<Inner>);

#[derive(Debug, Default)]
struct Inner {
    total: OperationStats,
    unrouted: u64,
    per_operation: BTreeMap<(&'static str, &'static str), OperationStats>,
}

impl Counters {
    /// Counts a finished request; `op` is `None` when no operation matched.
    pub fn record(
        &self,
        op: Option<&'static OperationDescriptor>,
        outcome: Outcome,
        injected: bool,
    ) {
        let mut inner = self.lock();
        inner.total.add(outcome, injected);
        match op {
            Some(op) => inner
                .per_operation
                .entry((op.vendor, op.name))
                .or_default()
                .add(outcome, injected),
            None => inner.unrouted += 1,
        }
    }

    pub fn snapshot(&self) -> Stats {
        let inner = self.lock();
        let t = inner.total;
        Stats {
            requests: t.requests,
            ok: t.ok,
            throttled: t.throttled,
            signature_failures: t.signature_failures,
            rejected: t.rejected,
            server_errors: t.server_errors,
            faults_injected: t.faults_injected,
            unrouted: inner.unrouted,
            per_operation: inner.per_operation.clone(),
        }
    }

    pub fn requests(&self) -> u64 {
        self.lock().total.requests
    }

    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
