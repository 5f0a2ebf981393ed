//! The vendors the facade knows: the generated registry of `specs/<vendor>/vendor.yaml`, by
//! the ids specs, environment variables and the CLI use.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use chrono::FixedOffset;
use rtc_usage_core::OperationDescriptor;
use rtc_usage_core::registry::VendorEntry;
use rtc_usage_core::usage::UsageSpec;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::generated::registry::{KNOWN_IDS, VENDORS};

/// A vendor of this build: one entry of the generated registry. Vendors compare by id and
/// sort in the specs' `order` (Volcengine, Tencent, Huawei, ...).
#[derive(Clone, Copy)]
pub struct Vendor(&'static VendorEntry);

impl Vendor {
    /// Every vendor of this build, in order.
    pub fn all() -> impl Iterator<Item = Vendor> {
        VENDORS.iter().map(|entry| Vendor(entry))
    }

    /// The vendor whose id is `id` (exactly), if this build has it.
    pub fn get(id: &str) -> Option<Vendor> {
        Self::all().find(|v| v.id() == id)
    }

    /// The id used in specs, `--app VENDOR:ID` and `RTC_USAGE_ENDPOINT_<VENDOR>`.
    pub fn as_str(self) -> &'static str {
        self.0.info.id
    }

    /// [`Vendor::as_str`].
    pub fn id(self) -> &'static str {
        self.as_str()
    }

    /// The generated crate's entry: facts, operations, `API` table, client constructor.
    pub fn entry(self) -> &'static VendorEntry {
        self.0
    }

    pub fn display_name(self) -> &'static str {
        self.0.info.display_name
    }

    /// The usage operations the facade asks, with their `usage:` blocks, in spec order.
    pub fn usage_operations(
        self,
    ) -> impl Iterator<Item = (&'static OperationDescriptor, &'static UsageSpec)> {
        self.0
            .usage_operations()
            .filter_map(|op| op.usage.map(|u| (op, u)))
    }

    /// The call-minutes operation: the first usage operation of category `call`.
    pub fn call_operation(self) -> Option<(&'static OperationDescriptor, &'static UsageSpec)> {
        self.usage_operations().find(|(_, usage)| {
            usage
                .calls()
                .iter()
                .any(|(_, c)| *c == rtc_usage_core::usage::Category::Call)
        })
    }

    /// The calendar of the vendor's billing days, from its call-minutes operation's spec
    /// (`day_offset`): Beijing time for Volcengine and Tencent, UTC for Huawei.
    pub fn day_offset(self) -> Option<FixedOffset> {
        self.call_operation()
            .and_then(|(op, _)| FixedOffset::east_opt(op.limits.day_offset_seconds))
    }

    /// The common tier of one of the vendor's tier names, from the tier tables of its usage
    /// operations (a variant prefix such as `single/` is ignored); [`crate::Tier::Other`]
    /// for a name no spec maps.
    pub fn tier(self, vendor_tier: &str) -> crate::Tier {
        let name = vendor_tier.rsplit('/').next().unwrap_or(vendor_tier);
        self.usage_operations()
            .map(|(_, usage)| usage.tier(name))
            .find(|t| *t != crate::Tier::Other)
            .unwrap_or(crate::Tier::Other)
    }

    fn rank(self) -> usize {
        VENDORS
            .iter()
            .position(|e| std::ptr::eq(*e, self.0))
            .unwrap_or(usize::MAX)
    }
}

impl PartialEq for Vendor {
    fn eq(&self, other: &Self) -> bool {
        self.id() == other.id()
    }
}

impl Eq for Vendor {}

impl Hash for Vendor {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id().hash(state);
    }
}

impl PartialOrd for Vendor {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Vendor {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.rank(), self.id()).cmp(&(other.rank(), other.id()))
    }
}

impl fmt::Debug for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Vendor({})", self.id())
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A vendor name this build does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVendor(pub String);

impl std::error::Error for UnknownVendor {}

impl fmt::Display for UnknownVendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<&str> = Vendor::all().map(Vendor::id).collect();
        let name = self.0.trim().to_ascii_lowercase();
        if KNOWN_IDS.contains(&name.as_str()) {
            write!(
                f,
                "vendor `{}` is not in this build of rtc-usage (its cargo feature `{name}` is off); this build has {}",
                self.0,
                or_list(&known)
            )
        } else {
            write!(
                f,
                "unknown vendor `{}`: expected {}",
                self.0,
                or_list(&known)
            )
        }
    }
}

/// `a, b or c`.
fn or_list(items: &[&str]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => (*last).to_owned(),
        None => "none".to_owned(),
    }
}

impl FromStr for Vendor {
    type Err = UnknownVendor;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Vendor::all()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownVendor(s.to_owned()))
    }
}

impl Serialize for Vendor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Vendor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}
