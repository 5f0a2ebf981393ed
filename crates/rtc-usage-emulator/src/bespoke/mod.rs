//! The operations whose answers are not usage in the specs' sense, each answered by its own
//! code, keyed by its operation's descriptor: Volcengine's `ListOperationDistribution` (users
//! by region), Huawei's `ListRtcHistoryScale` (counts and durations) and Tencent's
//! `DescribeRelayUsage` (whose spec has no `usage:` block: its one key, `Bandwidth`, has no
//! stated unit; the emulator answers it through a `usage:` block of its own), and Agora's
//! `ListProjects` (the account's apps with their project ids, which its usage takes).
//!
//! Every other operation the emulator answers is a usage operation, served from its spec
//! alone ([`crate::answer`]); an operation neither here nor usage is an unknown action.

use chrono::NaiveDate;
use rtc_usage::Vendor;
use rtc_usage_core::OperationDescriptor;
use rtc_usage_core::usage::UsageSpec;
use serde_json::Value;

use crate::problem::Problem;
use crate::request::Call;

pub(crate) mod distribution;
pub(crate) mod projects;
pub(crate) mod relay;
pub(crate) mod scale;

/// Figures per key (vendor tier or metric), as [`crate::truth_for`] gives them.
pub(crate) type Figures = Vec<(&'static str, u64)>;

/// The payload of a bespoke answer to a call, covering its billing days, for an account with
/// its apps.
pub(crate) type AnswerFn = fn(&Call, &[NaiveDate], &[String]) -> Result<Value, Problem>;

/// An operation answered by its own code.
pub(crate) struct Bespoke {
    pub op: &'static OperationDescriptor,
    /// Checks the request's fields (already of the request type) for values the emulator
    /// serves.
    pub check: fn(&Value) -> Result<(), Problem>,
    /// The payload of the answer to `call`, covering the billing `days`, for an account with
    /// the `apps`.
    pub answer: AnswerFn,
    /// The ground truth of `app` on `day` for `variant` ([`crate::truth_for`]).
    pub truth: fn(&str, NaiveDate, Option<&str>) -> Figures,
}

static BESPOKE: [&Bespoke; 3] = [&distribution::BESPOKE, &scale::BESPOKE, &projects::BESPOKE];

/// The bespoke answer of `op`, if it has one.
pub(crate) fn find(op: &OperationDescriptor) -> Option<&'static Bespoke> {
    BESPOKE.iter().copied().find(|b| same(b.op, op))
}

/// The `usage:` block the emulator supplies for a usage-shaped operation whose spec has
/// none.
pub(crate) fn usage_spec(op: &OperationDescriptor) -> Option<&'static UsageSpec> {
    relay::OPERATIONS
        .iter()
        .find(|o| same(o, op))
        .map(|_| &relay::USAGE)
}

/// [`crate::truth_for`] of a bespoke operation (`None`: not one).
pub(crate) fn truth(
    vendor: Vendor,
    operation: &str,
    app: &str,
    day: NaiveDate,
    variant: Option<&str>,
) -> Option<Figures> {
    BESPOKE
        .iter()
        .find(|b| b.op.vendor == vendor.id() && b.op.name == operation)
        .map(|b| (b.truth)(app, day, variant))
}

/// The same operation: vendor, name and version.
fn same(a: &OperationDescriptor, b: &OperationDescriptor) -> bool {
    (a.vendor, a.name, a.version) == (b.vendor, b.name, b.version)
}

/// A generated response built from JSON and written back as the generated type writes it:
/// the member names are checked by the type, so a renamed field fails here, not in a client.
pub(crate) fn typed_payload<T>(value: Value) -> Result<Value, Problem>
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let typed: T = serde_json::from_value(value)
        .map_err(|e| Problem::Internal(format!("building the answer: {e}")))?;
    serde_json::to_value(&typed).map_err(|e| Problem::Internal(format!("building the answer: {e}")))
}
