//! What a usage query returns: every record fetched, and every window that failed.

use std::time::Duration;

use crate::app::AppRef;
use crate::record::UsageRecord;
use crate::vendor::Vendor;
use crate::window::DayWindow;

/// The answer to a usage query. A window that failed after retries does not take the other
/// windows' records with it: they are all in `records`, and the failure is in `failures`.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct UsageReport {
    /// Sorted by vendor, app, bucket start and tier; each bucket and tier exactly once.
    pub records: Vec<UsageRecord>,
    pub failures: Vec<WindowFailure>,
    /// Answers that decoded but do not add up (Huawei's `total_duration`), reported as sent.
    pub warnings: Vec<Warning>,
    /// Per vendor: calls made and wall time.
    pub calls: Vec<VendorCalls>,
}

impl UsageReport {
    /// Whether every window was fetched.
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty()
    }
}

/// A window whose call failed (after the client's retries).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WindowFailure {
    /// The account whose call it was ([`UsageClient::account`](crate::UsageClient::account)).
    pub account: String,
    pub app: AppRef,
    pub window: DayWindow,
    pub error: rtc_usage_core::Error,
}

impl WindowFailure {
    /// Whether the call was never sent, because the vendor had refused the account's
    /// credentials on an earlier call of the same run (or of a run sharing its
    /// [`SharedCalls`](crate::SharedCalls)).
    pub fn not_sent(&self) -> bool {
        self.error.attempts() == 0 && self.error.message() == crate::fetch::NOT_SENT_AFTER_AUTH
    }
}

impl std::fmt::Display for WindowFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} days {}: {}", self.app, self.window, self.error)
    }
}

/// Something in an answer that does not add up, kept rather than hidden or "fixed".
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warning {
    pub vendor: Vendor,
    pub app: String,
    pub message: String,
}

impl Warning {
    /// A warning about `app` of `vendor` (for callers that plan and run calls themselves,
    /// such as a sync).
    pub fn new(vendor: Vendor, app: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            vendor,
            app: app.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.vendor, self.app, self.message)
    }
}

/// The calls of one vendor in a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct VendorCalls {
    pub vendor: Vendor,
    /// Windows asked for (one call each, not counting the client's retries).
    pub windows: usize,
    pub failed: usize,
    /// From the first call started to the last answer.
    pub elapsed: Duration,
}

/// Where a running query is, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub failed: usize,
}
