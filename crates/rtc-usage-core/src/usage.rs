//! What an operation's answer means as usage: the spec's `usage:` block, as data.
//!
//! A generated descriptor of a usage operation carries a [`UsageSpec`]: its category, the
//! parameter that names the app, the values of a parameter that splits it (Tencent's
//! `MixType`, Huawei's `metric`), how its buckets are laid out in the payload, the unit of its
//! figures (the `x-unit` of the value fields, binding), the time format and zone of a bucket's
//! start, and each vendor tier's common tier. The facade reads answers through it, and the
//! emulator writes answers from it, so neither names a vendor.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::Value;

/// A billing tier common to all vendors (the README's tier table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Tier {
    Audio,
    /// Up to 360p/480p: Volcengine `VideoSDM`, Tencent `SD`, Huawei `video_sd`.
    Sd,
    /// 720p: Volcengine `VideoSD` (sic), Tencent `HD`, Huawei `video_hd`.
    Hd,
    /// 1080p: Volcengine `VideoHD` (sic), Tencent `FullHD`, Huawei `video_hdp`.
    Fhd,
    /// 2K: Tencent `2K`.
    TwoK,
    /// 4K: Tencent `4K`.
    FourK,
    /// A vendor tier no spec maps; `vendor_tier` keeps its name.
    Other,
}

impl Tier {
    pub const ALL: [Tier; 7] = [
        Tier::Audio,
        Tier::Sd,
        Tier::Hd,
        Tier::Fhd,
        Tier::TwoK,
        Tier::FourK,
        Tier::Other,
    ];

    /// The name specs and records use (`audio`, `sd`, `hd`, `fhd`, `2k`, `4k`, `other`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Audio => "audio",
            Self::Sd => "sd",
            Self::Hd => "hd",
            Self::Fhd => "fhd",
            Self::TwoK => "2k",
            Self::FourK => "4k",
            Self::Other => "other",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Tier {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Tier::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("unknown tier `{s}`"))
    }
}

/// What was metered: the call itself, or a cloud service on top of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Category {
    /// Call minutes (every vendor).
    #[default]
    Call,
    /// Cloud recording.
    Recording,
    /// Cloud (mix-)transcoding.
    Transcoding,
}

impl Category {
    pub const ALL: [Category; 3] = [Category::Call, Category::Recording, Category::Transcoding];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Call => "call",
            Self::Recording => "recording",
            Self::Transcoding => "transcoding",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                format!("unknown category `{s}` (expected call, recording or transcoding)")
            })
    }
}

/// Tiers and categories serialize as their names (`2k`, `recording`).
macro_rules! string_serde {
    ($($ty:ty),*) => {$(
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <String as serde::Deserialize>::deserialize(d)?.parse().map_err(serde::de::Error::custom)
            }
        }
    )*};
}
string_serde!(Tier, Category);

/// The unit of a usage figure: the value fields' `x-unit`. Whether it is whole or fractional
/// is the field's JSON type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unit {
    Milliseconds,
    Seconds,
    Minutes,
    Hours,
}

impl Unit {
    /// Milliseconds in one unit.
    pub const fn millis(self) -> i64 {
        match self {
            Self::Milliseconds => 1,
            Self::Seconds => 1_000,
            Self::Minutes => 60_000,
            Self::Hours => 3_600_000,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Milliseconds => "milliseconds",
            Self::Seconds => "seconds",
            Self::Minutes => "minutes",
            Self::Hours => "hours",
        }
    }
}

/// How a bucket's time is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeFormat {
    /// RFC 3339 with its own offset (`2021-07-24T00:00:00+08:00`, `2022-12-10T20:00:00Z`).
    Rfc3339,
    /// A plain date, `YYYY-MM-DD`: 00:00 of that day in the bucket zone.
    Date,
    /// `YYYY-MM-DD HH:MM:SS` without an offset, in the bucket zone.
    LocalDateTime,
    /// Unix seconds.
    EpochSeconds,
}

/// Where a usage answer keeps its buckets. Paths are member names, dotted for nesting
/// (`StreamDetailData.StreamData`), relative to the payload or to a row. A new layout is a
/// runtime change (its reader and writer), so the enum is exhaustive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// An array of buckets, each with a member per tier (Volcengine `Usages[]`, Huawei
    /// `usage[]`). The tier names of [`UsageSpec::tiers`] are the member paths.
    Fields {
        rows: &'static str,
        time: &'static str,
        /// A member that should equal the sum of the tiers; a mismatch is a warning.
        total: Option<&'static str>,
    },
    /// Tier names as data in `keys`, and each bucket's figures by position in `values`
    /// (Tencent's `UsageKey` and `UsageList[].UsageValue`).
    KeyValue {
        keys: &'static str,
        rows: &'static str,
        time: &'static str,
        /// A second spelling of the same instant in Unix seconds, used when `time` cannot
        /// be read (Tencent's `TimeStampKey`).
        time_epoch: Option<&'static str>,
        values: &'static str,
    },
    /// One row per bucket and tier: the tier in `tier`, the figure in `value`.
    Rows {
        rows: &'static str,
        time: &'static str,
        tier: &'static str,
        value: &'static str,
    },
}

/// The parameter that names the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppParam {
    /// Its wire name (`AppId`, `SdkAppId`, `app`).
    pub param: &'static str,
    pub kind: AppKind,
    /// Whether leaving it out asks for every app of the account.
    pub all_when_omitted: bool,
    /// An app id of the right shape, for messages.
    pub example: &'static str,
    /// Where the value sent is looked up from the app id a user names, for an operation that
    /// takes another key (Agora's project id for an App ID); `None`: the app id is sent.
    pub lookup: Option<AppLookup>,
}

/// How the app parameter's value is found from the app id a user names: one call of
/// `operation` (a vendor operation without required parameters) lists the account's apps in
/// the array `rows`; the row whose `key` is the app id has the value to send in `value`.
/// Callers make the call once and reuse its answer ([`AppLookup::table`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppLookup {
    /// The documented name of the listing operation (`ListProjects`).
    pub operation: &'static str,
    /// The dotted path of the array of apps in its payload (`projects`).
    pub rows: &'static str,
    /// The member of a row holding the app id a user names (`vendor_key`).
    pub key: &'static str,
    /// The member of a row holding the value to send (`id`).
    pub value: &'static str,
}

impl AppLookup {
    /// The app id → value pairs of a listing's payload, in its order (rows without a string
    /// key or value are left out); `None` when the payload has no array at [`Self::rows`].
    pub fn table(&self, payload: &Value) -> Option<Vec<(String, String)>> {
        let rows = member(payload, self.rows)?.as_array()?;
        Some(
            rows.iter()
                .filter_map(|row| {
                    let key = member(row, self.key)?.as_str()?;
                    let value = member(row, self.value)?.as_str()?;
                    Some((key.to_owned(), value.to_owned()))
                })
                .collect(),
        )
    }
}

/// The JSON shape of the app parameter's value, from its schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AppKind {
    String,
    /// A positive integer (Tencent's `SdkAppId`).
    Integer,
    /// A list of app ids (one is sent).
    List,
    /// Comma-separated ids in one string.
    CommaSeparated,
}

/// One value of the parameter that splits an operation: each is its own call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant {
    pub value: &'static str,
    pub category: Category,
}

/// A vendor tier name and its common tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierName {
    pub name: &'static str,
    pub tier: Tier,
}

/// A request parameter the usage question always sets (Alibaba's `Interval`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedParam {
    pub name: &'static str,
    /// The value as JSON text.
    pub json: &'static str,
}

/// The spec's `usage:` block of one operation.
#[derive(Debug, Clone, Copy)]
pub struct UsageSpec {
    /// The category of every call, unless a variant says otherwise.
    pub category: Category,
    pub app: AppParam,
    /// The parameter that splits the operation (`MixType`, `metric`), if any.
    pub variant_param: Option<&'static str>,
    /// Its values, each asked once; empty when there is no variant parameter.
    pub variants: &'static [Variant],
    /// Whether records name their variant in front of the tier (`single/HD`).
    pub tier_prefix: bool,
    pub fixed: &'static [FixedParam],
    /// How the span's start and end parameters are written: [`TimeFormat::Date`] or
    /// [`TimeFormat::Rfc3339`] (their schemas' `date` or `date-time`).
    pub range: TimeFormat,
    pub layout: Layout,
    pub unit: Unit,
    /// Whether the figures are whole units: the value fields' JSON type is `integer`
    /// (Volcengine's whole minutes), not `number`. A reader takes either; a writer (the
    /// emulator) writes whole units as integers, the others as fractions of the unit.
    pub whole: bool,
    pub time: TimeFormat,
    /// The UTC offset, in seconds, of times written without one.
    pub time_offset_seconds: i32,
    pub tiers: &'static [TierName],
    /// Whether the facade asks this operation (false for a second version of one it asks).
    pub facade: bool,
}

impl UsageSpec {
    /// The common tier of a vendor tier name; [`Tier::Other`] for one the spec does not map.
    pub fn tier(&self, vendor_tier: &str) -> Tier {
        self.tiers
            .iter()
            .find(|t| t.name == vendor_tier)
            .map_or(Tier::Other, |t| t.tier)
    }

    /// The calls one question makes: `(variant value, category)` for each variant, or one
    /// call of [`UsageSpec::category`].
    pub fn calls(&self) -> Vec<(Option<&'static str>, Category)> {
        if self.variants.is_empty() {
            vec![(None, self.category)]
        } else {
            self.variants
                .iter()
                .map(|v| (Some(v.value), v.category))
                .collect()
        }
    }

    /// The zone of times written without an offset.
    pub fn time_offset(&self) -> FixedOffset {
        FixedOffset::east_opt(self.time_offset_seconds).unwrap_or(utc())
    }

    /// The instant a bucket's time value stands for.
    pub fn parse_time(&self, value: &Value) -> Option<DateTime<FixedOffset>> {
        let offset = self.time_offset();
        match (self.time, value) {
            (TimeFormat::Rfc3339, Value::String(s)) => DateTime::parse_from_rfc3339(s).ok(),
            (TimeFormat::Date, Value::String(s)) => {
                NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| {
                    d.and_time(NaiveTime::MIN)
                        .and_local_timezone(offset)
                        .single()
                })
            }
            (TimeFormat::LocalDateTime, Value::String(s)) => {
                NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
                    .ok()
                    .and_then(|t| t.and_local_timezone(offset).single())
            }
            // A number is Unix seconds in any format (Agora documents its `date` as a number
            // and shows an RFC 3339 string); one of 10^11 or more (year 5138 in seconds) can
            // only be milliseconds.
            (_, Value::Number(n)) => n
                .as_i64()
                .and_then(|s| {
                    if s.unsigned_abs() >= 100_000_000_000 {
                        DateTime::from_timestamp_millis(s)
                    } else {
                        DateTime::from_timestamp(s, 0)
                    }
                })
                .map(|t| t.with_timezone(&offset)),
            _ => None,
        }
    }

    /// A bucket start written the way this spec's answers write it.
    pub fn format_time(&self, start: DateTime<FixedOffset>) -> Value {
        let local = start.with_timezone(&self.time_offset());
        match self.time {
            // UTC as `Z`, as the vendors write it (`2022-12-10T20:00:00Z`).
            TimeFormat::Rfc3339 => {
                Value::String(local.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
            }
            TimeFormat::Date => Value::String(local.format("%Y-%m-%d").to_string()),
            TimeFormat::LocalDateTime => {
                Value::String(local.format("%Y-%m-%d %H:%M:%S").to_string())
            }
            TimeFormat::EpochSeconds => Value::from(start.timestamp()),
        }
    }
}

fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).expect("UTC is a valid offset")
}

/// The member at a dotted `path` of `value`.
pub fn member<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, key| v.get(key))
}

/// Sets the member at a dotted `path`, creating the objects on the way.
pub fn set_member(value: &mut Value, path: &str, new: Value) {
    let mut current = value;
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        if !current.is_object() {
            *current = Value::Object(Default::default());
        }
        let Value::Object(map) = current else {
            return;
        };
        if keys.peek().is_none() {
            map.insert(key.to_owned(), new);
            return;
        }
        current = map
            .entry(key.to_owned())
            .or_insert_with(|| Value::Object(Default::default()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_by_dotted_path() {
        let mut v = serde_json::json!({});
        set_member(&mut v, "A.B", Value::from(1));
        set_member(&mut v, "A.C", Value::from(2));
        assert_eq!(v, serde_json::json!({"A": {"B": 1, "C": 2}}));
        assert_eq!(member(&v, "A.C"), Some(&Value::from(2)));
        assert_eq!(member(&v, "A.D"), None);
    }

    #[test]
    fn times_are_read_as_strings_or_numbers() {
        let spec = UsageSpec {
            category: Category::Call,
            app: AppParam {
                param: "project_id",
                kind: AppKind::String,
                all_when_omitted: false,
                example: "p",
                lookup: None,
            },
            variant_param: None,
            variants: &[],
            tier_prefix: false,
            fixed: &[],
            range: TimeFormat::Date,
            layout: Layout::Fields {
                rows: "usages",
                time: "date",
                total: None,
            },
            unit: Unit::Seconds,
            whole: false,
            time: TimeFormat::Rfc3339,
            time_offset_seconds: 0,
            tiers: &[],
            facade: true,
        };
        let day = DateTime::parse_from_rfc3339("2021-10-12T00:00:00Z").unwrap();
        for value in [
            serde_json::json!("2021-10-12T00:00:00.000Z"),
            serde_json::json!("2021-10-12T00:00:00+00:00"),
            serde_json::json!(1_633_996_800),
            serde_json::json!(1_633_996_800_000_i64),
        ] {
            assert_eq!(spec.parse_time(&value), Some(day), "{value}");
        }
        assert_eq!(spec.parse_time(&serde_json::json!("2021-10-12")), None);
    }

    #[test]
    fn a_lookup_table_is_read_from_its_rows() {
        let lookup = AppLookup {
            operation: "ListProjects",
            rows: "projects",
            key: "vendor_key",
            value: "id",
        };
        let payload = serde_json::json!({"projects": [
            {"id": "p1", "vendor_key": "app1"},
            {"id": "p2"},
            {"id": "p3", "vendor_key": "app3", "name": "x"},
        ]});
        assert_eq!(
            lookup.table(&payload),
            Some(vec![
                ("app1".to_owned(), "p1".to_owned()),
                ("app3".to_owned(), "p3".to_owned())
            ])
        );
        assert_eq!(lookup.table(&serde_json::json!({"other": []})), None);
    }

    #[test]
    fn names_round_trip() {
        for tier in Tier::ALL {
            assert_eq!(tier.as_str().parse::<Tier>(), Ok(tier));
        }
        for category in Category::ALL {
            assert_eq!(category.as_str().parse::<Category>(), Ok(category));
        }
    }
}
