//! rtc-usage: RTC usage across every vendor of `specs/`, normalized.
//!
//! Each vendor client is its own generated crate, re-exported here behind a cargo feature of
//! the vendor's id (`volcengine`, `tencent`, `huawei`, ...; all on by default), so a user who
//! needs one vendor can depend on that crate alone. The generated [`registry`] lists them.
//! On top, [`UsageClient`] asks every vendor the same question and returns one answer:
//! seconds, common tiers, explicit time zones, read through each operation's `usage:` block.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use rtc_usage::{AppRef, UsageClient, UsageQuery};
//!
//! let usage = UsageClient::builder()
//!     .client(rtc_usage::volcengine::Client::from_env()?)
//!     .client(rtc_usage::tencent::Client::from_env()?)
//!     .build();
//! let query = UsageQuery::new("2026-08-01".parse()?, "2026-11-03".parse()?)
//!     .app("volcengine:661e4f8a2b3c4d5e6f708192".parse::<AppRef>()?)
//!     .app("tencent:1400000001".parse()?);
//! let report = usage.usage(&query).await?; // 95 days: split at 30 and 31 days per call
//! for record in &report.records {
//!     println!("{} {} {} {} {}s", record.vendor, record.app, record.start, record.tier, record.seconds);
//! }
//! for failure in &report.failures {
//!     eprintln!("not fetched: {failure}");
//! }
//! # Ok(()) }
//! ```

mod app;
#[cfg(feature = "volcengine")]
mod distribution;
mod error;
mod fetch;
pub mod freshness;
mod generated;
pub mod normalize;
mod pacing;
mod query;
mod record;
mod report;
mod shared_calls;
mod source;
mod vendor;
pub mod window;

pub use app::{ALL_APPS, AppId, AppRef};
#[cfg(feature = "volcengine")]
pub use distribution::{DistributionError, DistributionQuery, DistributionRecord};
pub use error::QueryError;
pub use fetch::{BeyondLookback, Plan, PlannedCall, UsageClient, UsageClientBuilder};
pub use generated::registry::*;
pub use pacing::{Pacing, least_time};
pub use query::{DEFAULT_MAX_CALLS, EARLIEST_DAY, Granularity, UsageQuery};
pub use record::{Bucket, Category, DEFAULT_ACCOUNT, Tier, UsageRecord};
pub use report::{Progress, UsageReport, VendorCalls, Warning, WindowFailure};
pub use shared_calls::SharedCalls;
pub use vendor::{UnknownVendor, Vendor};

pub use rtc_usage_core as core;
pub use rtc_usage_core::{Config, Credentials, Error, ErrorKind};

/// The generated vendor registry (`specs/*/vendor.yaml`): [`registry::VENDORS`] and the
/// vendor crates' re-exports.
pub mod registry {
    pub use crate::generated::registry::*;
}
