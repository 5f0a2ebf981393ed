//! A local emulator of the RTC usage APIs of every vendor of the specs (the facade's vendor
//! registry, [`rtc_usage::registry::VENDORS`]), so the generated clients can be tried, tested
//! and benchmarked offline.
//!
//! It answers every usage operation of the specs (each operation with a `usage:` block:
//! Volcengine `ListUsages` at 2020-12-01 and 2023-11-01; Tencent `DescribeTrtcUsage`,
//! `DescribeRecordingUsage` and `DescribeMixTranscodingUsage`; Huawei `ListRtcHistoryUsage`),
//! from the spec alone, and three operations with answers of their own: Volcengine
//! `ListOperationDistribution`, Tencent `DescribeRelayUsage` and Huawei `ListRtcHistoryScale`.
//!
//! One HTTP listener on 127.0.0.1 serves every vendor. A request is told apart by its shape,
//! one per envelope of the descriptors (a path template such as Huawei's `/v1/...`, the TC3
//! `X-TC-Action` header, the `Action` query constant), then, among the vendors of that shape,
//! by the access key it is signed with, which also says whose account it is. Each request is
//! treated as the vendor would:
//!
//! - its signature is recomputed from what arrived with its account's credentials (every
//!   vendor's demo account, [`demo_credentials`], and as many more as asked,
//!   [`EmulatorBuilder::accounts_per_vendor`], each with its own apps and rate windows:
//!   [`EmulatedAccount`]) and a request time more than 5 minutes off is refused;
//! - the documented limits come from the generated crates' descriptors, so a spec change moves
//!   the emulator too: the rate (a sliding window per operation and version, scalable for benchmarks), start
//!   before end, the span and the look-back (unconfirmed limits only on request);
//! - answers carry deterministic synthetic usage in the spec's units, days, buckets and layout,
//!   written through the operation's `usage:` block and the envelope module's encoder, equal
//!   to the public ground truth: [`truth`] and [`truth_buckets`] for the call minutes,
//!   [`truth_for`] and [`truth_buckets_for`] for every answered operation (Tencent's recording,
//!   mixed transcoding and relay usage, Huawei's recording and transcoding metrics and its
//!   history scale);
//! - errors are the vendor's own codes (from its spec's error table), statuses and envelopes;
//! - faults (latency, server errors, throttling, broken answers) can be injected by share or
//!   by rule ([`FaultRule`]).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use rtc_usage::tencent::{Client, Config};
//! use rtc_usage_emulator::{Emulator, demo_credentials};
//!
//! let emu = Emulator::builder().rate_scale(20.0).start().await?;
//! let client = Client::new(
//!     Config::builder()
//!         .credentials(demo_credentials("tencent").expect("a known vendor"))
//!         .endpoint_url(emu.url())
//!         .rate_limit_scale(20.0)
//!         .build()?,
//! )?;
//! let day: chrono::NaiveDate = "2026-11-02".parse()?;
//! let usage = client
//!     .describe_trtc_usage()
//!     .sdk_app_id(1_400_000_001u64)
//!     .start_time(day)
//!     .end_time(day)
//!     .send()
//!     .await?;
//! assert_eq!(usage.usage_list.len(), 288); // one day: 5-minute buckets
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

mod accounts;
mod answer;
mod auth;
mod bespoke;
mod builder;
mod config_file;
mod data;
mod demo;
mod dispatch;
mod faults;
mod limits;
mod problem;
mod profile;
mod reply;
mod request;
mod server;
mod shapes;
mod stats;

pub use accounts::{EmulatedAccount, MAX_ACCOUNTS_PER_VENDOR, account_apps, numbered_apps};
pub use builder::{DEFAULT_MAX_BODY_BYTES, EmulatorBuilder};
pub use data::{
    default_apps, distribution, truth, truth_at, truth_buckets, truth_buckets_for, truth_for,
};
pub use demo::{
    DEMO_ALIBABA_ACCESS_KEY_ID, DEMO_ALIBABA_ACCESS_KEY_SECRET, DEMO_HUAWEI_ACCESS_KEY,
    DEMO_HUAWEI_PROJECT_ID, DEMO_HUAWEI_SECRET_KEY, DEMO_TENCENT_SECRET_ID,
    DEMO_TENCENT_SECRET_KEY, DEMO_VOLCENGINE_ACCESS_KEY, DEMO_VOLCENGINE_SECRET_KEY, demo_app_key,
    demo_credentials, demo_env, export_lines,
};
pub use faults::{Fault, FaultRule};
/// The vendors: the facade's registry entries (`Vendor::all()`, `Vendor::get("tencent")`).
pub use rtc_usage::{UnknownVendor, Vendor};
pub use server::Emulator;
pub use stats::{OperationStats, Stats};
