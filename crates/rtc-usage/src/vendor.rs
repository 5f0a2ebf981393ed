//! The vendors the facade knows, by the ids specs, environment variables and the CLI use.

use std::fmt;
use std::str::FromStr;

use chrono::FixedOffset;
use serde::{Deserialize, Serialize};

/// A vendor whose usage the facade can read. Every variant exists whatever the enabled cargo
/// features; asking for a vendor whose feature is off is a [`crate::QueryError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Vendor {
    Volcengine,
    Tencent,
    Huawei,
}

impl Vendor {
    pub const ALL: [Vendor; 3] = [Vendor::Volcengine, Vendor::Tencent, Vendor::Huawei];

    /// The id used in specs, `--app VENDOR:ID` and `RTC_USAGE_ENDPOINT_<VENDOR>`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Volcengine => "volcengine",
            Self::Tencent => "tencent",
            Self::Huawei => "huawei",
        }
    }

    /// The calendar of the vendor's billing days, from its usage operation's spec
    /// (`day_offset`): Beijing time for Volcengine and Tencent, UTC for Huawei.
    pub fn day_offset(self) -> Option<FixedOffset> {
        crate::sources::usage_descriptor(self)
            .and_then(|op| FixedOffset::east_opt(op.limits.day_offset_seconds))
    }

    /// Whether this build has the vendor's cargo feature.
    pub fn is_enabled(self) -> bool {
        crate::sources::usage_descriptor(self).is_some()
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A vendor name that is not one of [`Vendor::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown vendor `{0}`: expected volcengine, tencent or huawei")]
pub struct UnknownVendor(pub String);

impl FromStr for Vendor {
    type Err = UnknownVendor;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Vendor::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownVendor(s.to_owned()))
    }
}
