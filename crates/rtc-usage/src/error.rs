//! Errors of a query that is refused before any network call.

use chrono::NaiveDate;

use crate::vendor::{UnknownVendor, Vendor};

/// A query the facade refuses locally: nothing has been sent when this is returned.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    #[error("`{0}` is not VENDOR:APP_ID (for example {examples})", examples = crate::app::examples())]
    MalformedApp(String),
    #[error(transparent)]
    UnknownVendor(#[from] UnknownVendor),
    #[error("{vendor} app `{app}`: {reason}")]
    InvalidApp {
        vendor: Vendor,
        app: String,
        reason: String,
    },
    #[error("no apps to query: name at least one VENDOR:APP_ID")]
    NoApps,
    #[error("no categories to report: name at least one of call, recording, transcoding")]
    NoCategories,
    #[error(
        "the range starts on {from}, before any vendor reports usage ({earliest}): check the year"
    )]
    TooEarly {
        from: NaiveDate,
        earliest: NaiveDate,
    },
    #[error(
        "the query plans {calls} calls, more than the {max} allowed; narrow the range or the apps, or allow more (UsageQuery::max_calls, --max-calls)"
    )]
    PlanTooLarge { calls: usize, max: usize },
    #[error("the range starts on {from}, after it ends on {to}: swap the dates")]
    DatesSwapped { from: NaiveDate, to: NaiveDate },
    #[error("{0} has no client: give the facade a {0} client (credentials and endpoint)")]
    VendorNotConfigured(Vendor),
    /// A documented, confirmed limit that splitting cannot meet (a look-back, a span of an
    /// operation whose results cannot be merged).
    #[error("{source}")]
    OutOfRange {
        vendor: Vendor,
        #[source]
        source: rtc_usage_core::Error,
    },
}
