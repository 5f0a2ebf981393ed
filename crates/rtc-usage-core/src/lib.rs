//! The hand-written runtime of rtc-usage.
//!
//! Generated vendor crates (`rtc-usage-volcengine`, `rtc-usage-tencent`, `rtc-usage-huawei`)
//! describe each operation with a static [`OperationDescriptor`] and implement [`Operation`];
//! this crate does the rest: credentials, signing, transport, retries, rate limits, errors.

pub mod clock;
pub mod credentials;
pub mod descriptor;
pub mod error;
pub mod operation;
pub mod signing;
pub mod validate;
pub mod wire;

pub use clock::{Clock, FixedClock, SystemClock};

pub use descriptor::{AuthScheme, Envelope, OperationDescriptor, VendorInfo};
pub use error::{Error, ErrorKind};
pub use operation::{Operation, RequestParts};
