//! The hand-written runtime of rtc-usage.
//!
//! Generated vendor crates (`rtc-usage-volcengine`, `rtc-usage-tencent`, `rtc-usage-huawei`)
//! describe each operation with a static [`OperationDescriptor`] and implement [`Operation`];
//! this crate does the rest: credentials, signing, transport, retries, rate limits, errors.
//! [`api`] calls any of those operations with JSON (the generated `API` tables).

pub mod api;
pub mod client;
pub mod clock;
pub mod config;
pub mod credentials;
pub mod descriptor;
pub mod envelope;
pub mod error;
pub mod operation;
pub mod rate_limit;
pub mod registry;
pub mod request_id;
pub mod retry;
pub mod signing;
#[cfg(feature = "test-util")]
pub mod testing;
pub mod transport;
pub mod usage;
pub mod validate;
#[doc(hidden)]
pub mod wire;

pub use client::Client;
pub use clock::{Clock, FixedClock, SystemClock};
pub use config::{Config, ConfigBuilder, ConfigError, RateLimitPolicy};
pub use credentials::{Credentials, SecretString};

pub use descriptor::{AuthScheme, Envelope, OperationDescriptor, VendorInfo};
pub use error::{Error, ErrorKind};
pub use operation::{Operation, RequestParts};
pub use rate_limit::{Permit, RateLimiter, SlidingWindow};
pub use retry::{RetryBudget, RetryConfig};

/// A boxed future, as the generated stub traits return.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

#[doc(hidden)]
pub mod __private {
    pub use serde;
}
