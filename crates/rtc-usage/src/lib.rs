//! rtc-usage: typed clients for the usage APIs of several RTC clouds, behind one crate.
//!
//! Each vendor client is its own generated crate, re-exported here behind a cargo feature
//! (`volcengine`, `tencent`, `huawei`; all on by default), so a user who needs one vendor
//! can depend on that crate alone.

pub use rtc_usage_core as core;
pub use rtc_usage_core::{Config, Credentials, Error, ErrorKind};

#[cfg(feature = "huawei")]
pub use rtc_usage_huawei as huawei;
#[cfg(feature = "tencent")]
pub use rtc_usage_tencent as tencent;
#[cfg(feature = "volcengine")]
pub use rtc_usage_volcengine as volcengine;
