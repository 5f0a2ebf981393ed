//! Which apps to ask about: `VENDOR:APP_ID`, checked against each vendor's kind of app id.

use std::fmt;
use std::str::FromStr;

use crate::error::QueryError;
use rtc_usage_core::usage::AppKind;

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
    /// An app id (a string, or a positive integer where the spec's app parameter is one).
    Id(String),
    /// Every app of the account, where the spec says leaving the app out means that.
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
        // An integer app parameter (Tencent's SdkAppId) takes positive integers only.
        let integer = vendor
            .usage_operations()
            .find(|(_, usage)| usage.app.kind == AppKind::Integer);
        if let Some((_, usage)) = integer
            && !matches!(id.parse::<u64>(), Ok(n) if n > 0)
        {
            let all = if usage.app.all_when_omitted {
                " (or `*` for all apps)"
            } else {
                ""
            };
            return Err(invalid(&format!(
                "a {} app is its {}, a positive integer such as {}{all}",
                vendor.display_name(),
                usage.app.param,
                usage.app.example
            )));
        }
        // One app, one spelling: `01400000001` and `+1400000001` are 1400000001, asked once.
        let id = match (integer, id.parse::<u64>()) {
            (Some(_), Ok(n)) => n.to_string(),
            _ => id,
        };
        Ok(Self {
            vendor,
            app: AppId::Id(id),
        })
    }

    /// Every app of the account, where the vendor's call-minutes operation can answer for
    /// all apps at once (its spec's `usage.app.all_when_omitted`: Tencent's `SdkAppId` and
    /// Alibaba's `AppId` are optional; the others need an app). A category whose operation
    /// cannot is refused when the query is planned.
    pub fn all(vendor: Vendor) -> Result<Self, QueryError> {
        let can = |v: Vendor| {
            v.call_operation()
                .is_some_and(|(_, u)| u.app.all_when_omitted)
        };
        if !can(vendor) {
            let able: Vec<&str> = Vendor::all().filter(|v| can(*v)).map(Vendor::id).collect();
            return Err(QueryError::InvalidApp {
                vendor,
                app: ALL_APPS.to_owned(),
                reason: format!(
                    "{vendor}'s usage operation needs an app id; only {} can answer for all apps",
                    if able.is_empty() {
                        "no vendor".to_owned()
                    } else {
                        able.join(", ")
                    }
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

/// `VENDOR:APP_ID` examples from the specs: each vendor's example app, and `VENDOR:*` where
/// a vendor can answer for all apps.
pub(crate) fn examples() -> String {
    let mut examples = Vec::new();
    for vendor in Vendor::all() {
        if let Some((_, usage)) = vendor.call_operation() {
            examples.push(format!("{vendor}:{}", usage.app.example));
            if usage.app.all_when_omitted {
                examples.push(format!("{vendor}:{ALL_APPS}"));
            }
        }
    }
    examples.join(", ")
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

    fn vendor(id: &str) -> Vendor {
        Vendor::get(id).expect("a vendor of this build")
    }

    #[test]
    fn parses_each_vendor_and_all_tencent_apps() {
        let a: AppRef = "volcengine:661e4f8a2b3c4d5e6f708192".parse().unwrap();
        assert_eq!(a.vendor(), vendor("volcengine"));
        assert_eq!(a.app_label(), "661e4f8a2b3c4d5e6f708192");
        let t: AppRef = "tencent:1400000001".parse().unwrap();
        assert_eq!(t.to_string(), "tencent:1400000001");
        let all: AppRef = "tencent:*".parse().unwrap();
        assert_eq!(all.app(), &AppId::All);
        assert_eq!(
            "Huawei:abc".parse::<AppRef>().unwrap().vendor(),
            vendor("huawei")
        );
    }

    #[test]
    fn one_integer_app_spelled_three_ways_is_one_app() {
        let spellings = [
            "tencent:1400000001",
            "tencent:01400000001",
            "tencent:+1400000001",
        ];
        let apps: std::collections::BTreeSet<AppRef> =
            spellings.iter().map(|s| s.parse().unwrap()).collect();
        assert_eq!(apps.len(), 1, "{apps:?}");
        assert_eq!(apps.first().unwrap().app_label(), "1400000001");
        let query =
            crate::UsageQuery::new("2026-11-01".parse().unwrap(), "2026-11-02".parse().unwrap())
                .apps(spellings.iter().map(|s| s.parse().unwrap()));
        assert_eq!(query.app_refs().count(), 1);
        // String app ids are kept as spelled.
        let a: AppRef = "volcengine:0abc".parse().unwrap();
        assert_eq!(a.app_label(), "0abc");
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
