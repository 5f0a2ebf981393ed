//! Which apps to ask about: `VENDOR:APP_ID`, checked against each vendor's kind of app id.

use std::fmt;
use std::str::FromStr;

use crate::error::QueryError;
use crate::vendor::Vendor;

/// One app of one vendor, or every app of the account where the vendor allows that.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AppRef {
    vendor: Vendor,
    app: AppId,
}

/// An app id as the vendor spells it, or all apps of the account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum AppId {
    /// Volcengine and Huawei app ids are strings; Tencent's SdkAppId is a positive integer.
    Id(String),
    /// Every app of the account: Tencent, when `SdkAppId` is left out.
    All,
}

/// What records and reports call "all apps".
pub const ALL_APPS: &str = "*";

impl AppRef {
    /// One app; refuses an id the vendor cannot have (empty, or not an integer for Tencent).
    pub fn new(vendor: Vendor, id: impl Into<String>) -> Result<Self, QueryError> {
        let id = id.into();
        let invalid = |reason: &str| QueryError::InvalidApp {
            vendor,
            app: id.clone(),
            reason: reason.to_owned(),
        };
        if id.trim().is_empty() {
            return Err(invalid("the app id is empty"));
        }
        if id.trim() != id || id.chars().any(char::is_control) {
            return Err(invalid(
                "the app id has surrounding spaces or control characters",
            ));
        }
        if vendor == Vendor::Tencent && !matches!(id.parse::<u64>(), Ok(n) if n > 0) {
            return Err(invalid(
                "a Tencent app is its SdkAppId, a positive integer such as 1400000001 (or `*` for all apps)",
            ));
        }
        Ok(Self {
            vendor,
            app: AppId::Id(id),
        })
    }

    /// Every app of the account, where the vendor's usage operation can answer for all apps
    /// at once (Tencent's `SdkAppId` is optional; the others need an app).
    pub fn all(vendor: Vendor) -> Result<Self, QueryError> {
        if vendor != Vendor::Tencent {
            return Err(QueryError::InvalidApp {
                vendor,
                app: ALL_APPS.to_owned(),
                reason: format!(
                    "{vendor}'s usage operation needs an app id; only tencent can answer for all apps"
                ),
            });
        }
        Ok(Self {
            vendor,
            app: AppId::All,
        })
    }

    pub fn vendor(&self) -> Vendor {
        self.vendor
    }

    pub fn app(&self) -> &AppId {
        &self.app
    }

    /// The app as records name it: the id, or `*` for all apps.
    pub fn app_label(&self) -> &str {
        match &self.app {
            AppId::Id(id) => id,
            AppId::All => ALL_APPS,
        }
    }
}

impl fmt::Display for AppRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.vendor, self.app_label())
    }
}

/// Parses `VENDOR:APP_ID`, with `tencent:*` for every Tencent app.
impl FromStr for AppRef {
    type Err = QueryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let Some((vendor, id)) = s.split_once(':') else {
            return Err(QueryError::MalformedApp(s.to_owned()));
        };
        let vendor: Vendor = vendor.parse()?;
        if id == ALL_APPS {
            Self::all(vendor)
        } else {
            Self::new(vendor, id)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_vendor_and_all_tencent_apps() {
        let a: AppRef = "volcengine:661e4f8a2b3c4d5e6f708192".parse().unwrap();
        assert_eq!(a.vendor(), Vendor::Volcengine);
        assert_eq!(a.app_label(), "661e4f8a2b3c4d5e6f708192");
        let t: AppRef = "tencent:1400000001".parse().unwrap();
        assert_eq!(t.to_string(), "tencent:1400000001");
        let all: AppRef = "tencent:*".parse().unwrap();
        assert_eq!(all.app(), &AppId::All);
        assert_eq!(
            "Huawei:abc".parse::<AppRef>().unwrap().vendor(),
            Vendor::Huawei
        );
    }

    #[test]
    fn refuses_what_no_vendor_can_have() {
        for (input, needle) in [
            ("tencent:abc", "positive integer"),
            ("tencent:0", "positive integer"),
            ("tencent:-5", "positive integer"),
            ("volcengine:", "empty"),
            ("huawei:*", "only tencent"),
            ("aws:123", "unknown vendor"),
            ("volcengine", "VENDOR:APP_ID"),
            ("huawei: x", "spaces"),
        ] {
            let err = input.parse::<AppRef>().unwrap_err().to_string();
            assert!(err.contains(needle), "{input}: {err}");
        }
    }
}
