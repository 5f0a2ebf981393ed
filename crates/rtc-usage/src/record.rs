//! The normalized record: one vendor, app, bucket and tier, in seconds.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::vendor::Vendor;

pub use rtc_usage_core::usage::{Category, Tier};

/// The length of a record's bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Bucket {
    /// A billing day in the vendor's calendar.
    Day,
    /// A billing month in the vendor's calendar (the days of it that were asked).
    Month,
    /// A bucket of this many minutes (Tencent: 5, for a one-day window).
    Minutes(u32),
}

impl fmt::Display for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Day => f.write_str("day"),
            Self::Month => f.write_str("month"),
            Self::Minutes(m) => write!(f, "{m}min"),
        }
    }
}

impl FromStr for Bucket {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "day" => return Ok(Self::Day),
            "month" => return Ok(Self::Month),
            _ => {}
        }
        s.strip_suffix("min")
            .and_then(|m| m.parse().ok())
            .filter(|m| *m > 0)
            .map(Self::Minutes)
            .ok_or_else(|| {
                format!("unknown granularity `{s}` (expected `day`, `month` or `<N>min`)")
            })
    }
}

macro_rules! string_serde {
    ($($ty:ty),*) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
            }
        }
    )*};
}
string_serde!(Bucket);

/// The account of a client built without a name (one account per vendor, from the
/// environment).
pub const DEFAULT_ACCOUNT: &str = "default";

/// One normalized usage figure.
///
/// Serialized with the keys `vendor`, `account`, `app`, `start`, `granularity`, `category`,
/// `tier`, `vendor_tier`, `seconds`, `provisional`, in that order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UsageRecord {
    pub vendor: Vendor,
    /// The account the figure belongs to: the name the [`UsageClient`](crate::UsageClient) was
    /// built with, [`DEFAULT_ACCOUNT`] when it was given none.
    pub account: String,
    /// The app id, or `*` for all apps of the account.
    pub app: String,
    /// Start of the bucket, with the offset of the vendor's calendar (RFC 3339, the offset
    /// always written out: `+00:00` for Huawei's UTC days, never `Z`).
    #[serde(with = "rfc3339_with_offset")]
    pub start: DateTime<FixedOffset>,
    pub granularity: Bucket,
    pub category: Category,
    pub tier: Tier,
    /// The vendor's own name of the tier (`VideoSD`, `FullHD`, `video_hdp`...).
    pub vendor_tier: String,
    /// Usage in seconds: vendor minutes × 60, or vendor seconds as given.
    pub seconds: f64,
    /// Whether the bucket held a day that was still provisional when it was fetched: not yet
    /// ended, or ended less than the vendor's documented data delay before
    /// ([`crate::freshness`]), so the vendor may still revise the figure.
    #[serde(default)]
    pub provisional: bool,
    /// The vendor's request ids of the answers the figure came from (several when a month,
    /// or a day of finer buckets, was summed from several calls), for a question to the
    /// vendor's support; empty when the vendor gave none. Kept by the history store, not
    /// written by the CLI's formats.
    #[serde(skip)]
    pub request_ids: Vec<String>,
}

impl UsageRecord {
    pub fn new(
        vendor: Vendor,
        app: impl Into<String>,
        start: DateTime<FixedOffset>,
        granularity: Bucket,
        tier: Tier,
        vendor_tier: impl Into<String>,
        seconds: f64,
    ) -> Self {
        Self {
            vendor,
            account: DEFAULT_ACCOUNT.to_owned(),
            app: app.into(),
            start,
            granularity,
            category: Category::Call,
            tier,
            vendor_tier: vendor_tier.into(),
            seconds,
            provisional: false,
            request_ids: Vec::new(),
        }
    }

    /// Day (or finer) records summed by calendar month, each in its own offset (the vendor's
    /// calendar its `start` is written in), as [`crate::Granularity::Month`] sums a live
    /// query: the record starts at 00:00 of the month's first day there, and is provisional
    /// if any record in it was. Records already by month are kept as they are.
    pub fn monthly(records: &[UsageRecord]) -> Vec<UsageRecord> {
        let mut months: std::collections::BTreeMap<_, (UsageRecord, Millis)> = Default::default();
        for record in records {
            let offset = *record.start.offset();
            let day = record.start.date_naive();
            let first = day.with_day(1).unwrap_or(day);
            let start = crate::source::day_start(first, offset);
            let key = (
                record.vendor,
                record.account.clone(),
                record.app.clone(),
                start,
                record.category,
                record.tier,
                record.vendor_tier.clone(),
            );
            let (month, sum) = months.entry(key).or_insert_with(|| {
                let month = UsageRecord {
                    start,
                    granularity: Bucket::Month,
                    seconds: 0.0,
                    provisional: false,
                    request_ids: Vec::new(),
                    ..record.clone()
                };
                (month, Millis::default())
            });
            *sum += Millis::of_seconds(record.seconds);
            month.provisional |= record.provisional;
            add_request_ids(&mut month.request_ids, &record.request_ids);
        }
        months
            .into_values()
            .map(|(month, sum)| UsageRecord {
                seconds: sum.seconds(),
                ..month
            })
            .collect()
    }

    /// The same record, marked provisional or not.
    pub fn with_provisional(mut self, provisional: bool) -> Self {
        self.provisional = provisional;
        self
    }

    /// The same record, from the answers of `ids`.
    pub fn with_request_ids(mut self, ids: Vec<String>) -> Self {
        self.request_ids = ids;
        self
    }

    /// The same record, of `account`.
    pub fn with_account(mut self, account: impl Into<String>) -> Self {
        self.account = account.into();
        self
    }

    /// The same record, of `category`.
    pub fn with_category(mut self, category: Category) -> Self {
        self.category = category;
        self
    }
}

/// Adds to `ids` those of `more` it does not hold yet, in their order.
pub(crate) fn add_request_ids(ids: &mut Vec<String>, more: &[String]) {
    for id in more {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
}

/// RFC 3339 with the numeric offset, so every vendor's calendar reads the same way.
mod rfc3339_with_offset {
    use chrono::{DateTime, FixedOffset, SecondsFormat};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, false))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text).map_err(serde::de::Error::custom)
    }
}

/// Usage kept in whole milliseconds while summing, so that float minutes (Tencent) add up
/// without drift and convert to seconds exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Millis(pub i64);

impl Millis {
    /// `amount` units of `unit_millis` milliseconds each, rounded to a millisecond.
    pub fn from_units(amount: f64, unit_millis: i64) -> Self {
        Self((amount * unit_millis as f64).round() as i64)
    }

    pub fn seconds(self) -> f64 {
        self.0 as f64 / 1_000.0
    }

    /// Seconds to the millisecond, as records are summed.
    pub fn of_seconds(seconds: f64) -> Self {
        Self((seconds * 1000.0).round() as i64)
    }
}

impl std::ops::AddAssign for Millis {
    fn add_assign(&mut self, rhs: Self) {
        self.0 = self.0.saturating_add(rhs.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monthly_sums_days_by_the_month_of_their_own_calendar() {
        let vendor = Vendor::get("volcengine").expect("in this build");
        let day = |start: &str, seconds: f64, provisional: bool| {
            UsageRecord::new(
                vendor,
                "app",
                DateTime::parse_from_rfc3339(start).unwrap(),
                Bucket::Day,
                Tier::Hd,
                "VideoHD",
                seconds,
            )
            .with_provisional(provisional)
        };
        let from = |ids: &[&str], record: UsageRecord| {
            record.with_request_ids(ids.iter().map(|id| (*id).to_owned()).collect())
        };
        let months = UsageRecord::monthly(&[
            from(&["r1"], day("2026-10-31T00:00:00+08:00", 0.1, false)),
            from(&["r1"], day("2026-11-01T00:00:00+08:00", 0.2, false)),
            from(&["r2", "r1"], day("2026-11-02T00:00:00+08:00", 0.1, true)),
            from(&["r3"], day("2026-11-03T00:00:00+08:00", 60.0, false)),
        ]);
        assert_eq!(months.len(), 2);
        assert_eq!(months[0].start.to_rfc3339(), "2026-10-01T00:00:00+08:00");
        assert_eq!((months[0].seconds, months[0].provisional), (0.1, false));
        assert_eq!(months[1].start.to_rfc3339(), "2026-11-01T00:00:00+08:00");
        // Summed in milliseconds: 0.2 + 0.1 + 60 is exactly 60.3.
        assert_eq!((months[1].seconds, months[1].provisional), (60.3, true));
        // The answers a month was summed from, each once, in the order they came.
        assert_eq!(months[0].request_ids, ["r1"]);
        assert_eq!(months[1].request_ids, ["r1", "r2", "r3"]);
        assert!(months.iter().all(|m| m.granularity == Bucket::Month));
    }

    #[test]
    fn records_serialize_with_the_documented_keys_in_order() {
        let record = UsageRecord::new(
            Vendor::get("volcengine").expect("in this build"),
            "app",
            DateTime::parse_from_rfc3339("2026-11-01T00:00:00+08:00").unwrap(),
            Bucket::Day,
            Tier::Hd,
            "VideoSD",
            600.0,
        );
        let json = serde_json::to_string(&record).unwrap();
        assert_eq!(
            json,
            r#"{"vendor":"volcengine","account":"default","app":"app","start":"2026-11-01T00:00:00+08:00","granularity":"day","category":"call","tier":"hd","vendor_tier":"VideoSD","seconds":600.0,"provisional":false}"#
        );
        assert_eq!(serde_json::from_str::<UsageRecord>(&json).unwrap(), record);
        let utc = UsageRecord {
            start: DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z").unwrap(),
            ..record
        };
        let json = serde_json::to_value(&utc).unwrap();
        assert_eq!(json["start"], "2026-11-01T00:00:00+00:00");
        assert_eq!(Bucket::Minutes(5).to_string(), "5min");
        assert_eq!("5min".parse::<Bucket>(), Ok(Bucket::Minutes(5)));
        assert_eq!("month".parse::<Bucket>(), Ok(Bucket::Month));
        assert_eq!(Bucket::Month.to_string(), "month");
        assert_eq!("2k".parse::<Tier>(), Ok(Tier::TwoK));
    }

    #[test]
    fn float_minutes_become_exact_seconds() {
        let mut sum = Millis::default();
        for seconds in 1..=300 {
            sum += Millis::from_units(seconds as f64 / 60.0, 60_000);
        }
        assert_eq!(sum.seconds(), 45150.0);
        assert_eq!(Millis::from_units(0.01, 60_000).seconds(), 0.6);
    }
}
