//! Signature checks: every request is signed again with its account's credentials from
//! what arrived ([`rtc_usage_core::signing::verify`]) and must carry that very signature.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rtc_usage_core::OperationDescriptor;
use rtc_usage_core::signing::verify::{ReceivedRequest, Verified, VerifyContext, verify};

use crate::accounts::EmulatedAccount;
use crate::problem::Problem;
use crate::reply::RequestHead;

/// Verifies `head` and `body` as a request of `account` for `op`, at `now` by the
/// emulator's clock.
pub(crate) fn check(
    account: &EmulatedAccount,
    op: &'static OperationDescriptor,
    head: &RequestHead,
    body: &[u8],
    now: DateTime<Utc>,
    max_skew: Duration,
) -> Result<Verified, Problem> {
    let request = ReceivedRequest {
        method: &head.method,
        path: &head.path,
        query: &head.query,
        headers: &head.headers,
        body,
    };
    let context = VerifyContext {
        service: op.service,
        now: now.timestamp(),
        max_skew,
    };
    verify(op.auth, &request, &account.credentials, &context).map_err(|e| {
        tracing::debug!(account = %account.name, operation = op.name, error = %e, "signature refused");
        Problem::Auth(e)
    })
}
