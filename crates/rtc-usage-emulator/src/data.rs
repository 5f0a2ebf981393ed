//! Deterministic synthetic usage: the same vendor, operation, app, day (and variant) always
//! give the same numbers, so a test compares what a client decoded with [`truth_for`] (or
//! [`truth`], [`truth_buckets`]) exactly.
//!
//! The model: each (vendor, app) has a size; a day is idle (all zero, for every operation of
//! the vendor) with probability 1/10; otherwise each tier of an operation serves a share of its
//! mean concurrency. What an operation counts is its spec's `usage:` block
//! ([`rtc_usage_core::usage::UsageSpec`]): the tiers (its vendor tier names, in the spec's
//! order), the variants (Tencent's `MixType`, Huawei's `metric`: each its own series), the
//! unit and whether figures are whole units, and, from the operation's limits, its fine
//! buckets. The seed of each series' noise, its scale of the call load and the tiers'
//! concurrencies are the demo profile's ([`crate::profile`]), with a default for anything it
//! does not list. Figures are integer seconds in the vendor's own day:
//! - whole units (Volcengine's minutes) make a day's figure a multiple of the unit (60 s);
//! - an operation with fine buckets (Tencent's 5 minutes, following the day's load curve)
//!   has days that are the sums of their buckets;
//! - answers carry them in the spec's unit (Tencent's float minutes: `seconds / 60.0`).

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use rtc_usage::Vendor;
use rtc_usage::freshness::Freshness;
use rtc_usage_core::OperationDescriptor;
use rtc_usage_core::usage::{Category, UsageSpec};
use serde_json::Value;

use crate::bespoke;
use crate::profile;

/// What an operation's answers mean as usage: its spec's `usage:` block, or the one the
/// emulator supplies for an operation the specs give none ([`bespoke::usage_spec`]).
pub(crate) fn usage_spec(op: &'static OperationDescriptor) -> Option<&'static UsageSpec> {
    op.usage.or_else(|| bespoke::usage_spec(op))
}

/// The variant a request names, as the spec knows it: `Ok(None)` for an operation without
/// variants (whatever is named); for `None`, the one variant of the operation's own category
/// (Huawei's `CommunicationDuration`), if there is exactly one; `Err` for a value the spec
/// does not list, or no value where none is the default.
pub(crate) fn variant(
    spec: &'static UsageSpec,
    named: Option<&str>,
) -> Result<Option<&'static str>, ()> {
    if spec.variants.is_empty() {
        return Ok(None);
    }
    match named {
        Some(named) => spec
            .variants
            .iter()
            .find(|v| v.value == named)
            .map(|v| Some(v.value))
            .ok_or(()),
        None => {
            let mut own = spec.variants.iter().filter(|v| v.category == spec.category);
            match (own.next(), own.next()) {
                (Some(one), None) => Ok(Some(one.value)),
                _ => Err(()),
            }
        }
    }
}

/// One series of one usage operation: what an answer is made of.
#[derive(Debug, Clone)]
pub(crate) struct Measure {
    pub op: &'static OperationDescriptor,
    pub spec: &'static UsageSpec,
    series: profile::Series,
    /// The vendor tier names in answer order, and their mean concurrency.
    tiers: Vec<(&'static str, f64)>,
    /// Day figures are multiples of this many seconds (whole units).
    granule: u64,
}

impl Measure {
    /// The series of `op` (read through `spec`) for the variant `variant` (already resolved by
    /// [`variant`]).
    pub fn new(
        op: &'static OperationDescriptor,
        spec: &'static UsageSpec,
        variant: Option<&'static str>,
    ) -> Self {
        let tiers = spec
            .tiers
            .iter()
            .map(|t| {
                let concurrency = profile::concurrency(op.vendor, op.name, t.name, t.tier);
                (t.name, concurrency)
            })
            .collect();
        let unit_seconds = u64::try_from(spec.unit.millis() / 1_000)
            .unwrap_or(1)
            .max(1);
        Self {
            op,
            spec,
            series: profile::series(op.vendor, op.name, variant),
            tiers,
            granule: if spec.whole { unit_seconds } else { 1 },
        }
    }

    /// The series of `vendor`'s operation named `operation` for `variant` (as [`variant`]
    /// reads it); `None` for an operation that is not usage, or a variant it does not have.
    pub fn of(vendor: Vendor, operation: &str, named: Option<&str>) -> Option<Self> {
        let op = vendor
            .entry()
            .operations
            .iter()
            .copied()
            .find(|op| op.name == operation)?;
        let spec = usage_spec(op)?;
        let variant = variant(spec, named).ok()?;
        Some(Self::new(op, spec, variant))
    }

    /// The vendor's call minutes: its first usage operation of category `call`, for the
    /// variant of that category.
    pub fn calls(vendor: Vendor) -> Option<Self> {
        let (op, spec) = vendor.call_operation()?;
        let variant = spec
            .calls()
            .into_iter()
            .find(|(_, category)| *category == Category::Call)
            .and_then(|(variant, _)| variant);
        Some(Self::new(op, spec, variant))
    }

    /// The tier keys, in answer order.
    pub fn keys(&self) -> Vec<&'static str> {
        self.tiers.iter().map(|(k, _)| *k).collect()
    }

    /// A figure of `seconds` as the answer writes it: whole units as an integer, else a
    /// fraction of the unit (`seconds / 60.0` for float minutes).
    pub fn figure(&self, seconds: u64) -> Value {
        let millis = self.spec.unit.millis().max(1);
        if self.spec.whole {
            let units = u128::from(seconds) * 1_000 / millis.unsigned_abs() as u128;
            Value::from(u64::try_from(units).unwrap_or(u64::MAX))
        } else if millis % 1_000 == 0 {
            Value::from(seconds as f64 / (millis / 1_000) as f64)
        } else {
            Value::from(seconds as f64 * 1_000.0 / millis as f64)
        }
    }

    /// The size of the operation's fine buckets, if it has any that fit a day.
    pub fn fine_bucket_seconds(&self) -> Option<i64> {
        self.op
            .limits
            .granularity
            .and_then(|g| g.fine)
            .map(|f| f.bucket.as_secs() as i64)
            .filter(|s| (1..=86_400).contains(s) && 86_400 % s == 0)
    }

    /// Whether a range of `days` days is answered in fine buckets (the spec's fine
    /// granularity and its longest range).
    pub fn answers_fine(&self, days: usize) -> bool {
        self.fine_bucket_seconds().is_some()
            && self
                .op
                .limits
                .granularity
                .and_then(|g| g.fine)
                .is_some_and(|f| days <= f.max_days as usize)
    }

    /// The usage of `app` on `day` per tier key: the sum of the buckets where the operation
    /// has fine buckets, else the day's own figures.
    pub fn day(&self, app: &str, day: NaiveDate) -> Vec<(&'static str, u64)> {
        self.day_at(app, day, None)
    }

    /// [`Measure::day`] as answered at `now` (`None`: the final figures): while the day is
    /// provisional, the share of it [`maturity`] says.
    pub fn day_at(
        &self,
        app: &str,
        day: NaiveDate,
        now: Option<DateTime<Utc>>,
    ) -> Vec<(&'static str, u64)> {
        if self.fine_bucket_seconds().is_some() {
            let mut sums: Vec<(&'static str, u64)> =
                self.keys().into_iter().map(|k| (k, 0)).collect();
            for (_, bucket) in self.buckets_at(app, day, now) {
                for (sum, (_, seconds)) in sums.iter_mut().zip(bucket) {
                    sum.1 += seconds;
                }
            }
            return sums;
        }
        let vendor = self.op.vendor;
        let idle = is_idle(vendor, app, day);
        let size = app_size(vendor, app);
        let (unit, scale) = (self.granule.max(1), self.series.scale);
        let share = now.map_or(1.0, |now| maturity(self.op, day, now));
        let day_key = day.to_string();
        self.tiers
            .iter()
            .map(|(key, concurrency)| {
                let noise = 0.6 + 0.8 * unit_hash(&[self.series.seed.as_str(), app, &day_key, key]);
                let seconds = concurrency * scale * size * 86_400.0 * DAILY_DUTY * noise;
                let amount = if idle {
                    0
                } else {
                    (seconds / unit as f64).round() as u64 * unit
                };
                (*key, part(amount, share, unit))
            })
            .collect()
    }

    /// The fine buckets of `app` on `day` (in the operation's calendar): each bucket's start
    /// and its figures per tier key. Empty where the operation has no fine buckets.
    pub fn buckets(
        &self,
        app: &str,
        day: NaiveDate,
    ) -> Vec<(NaiveDateTime, Vec<(&'static str, u64)>)> {
        self.buckets_at(app, day, None)
    }

    /// [`Measure::buckets`] as answered at `now` (`None`: the final figures).
    pub fn buckets_at(
        &self,
        app: &str,
        day: NaiveDate,
        now: Option<DateTime<Utc>>,
    ) -> Vec<(NaiveDateTime, Vec<(&'static str, u64)>)> {
        let Some(bucket) = self.fine_bucket_seconds() else {
            return Vec::new();
        };
        let share = now.map_or(1.0, |now| maturity(self.op, day, now));
        let vendor = self.op.vendor;
        let idle = is_idle(vendor, app, day);
        let size = app_size(vendor, app);
        let scale = self.series.scale;
        let midnight = day.and_time(chrono::NaiveTime::MIN);
        (0..86_400 / bucket)
            .map(|i| {
                let start = midnight + Duration::seconds(i * bucket);
                let load = DIURNAL[(i * bucket / 3_600) as usize % 24];
                let start_key = start.to_string();
                let values = self
                    .tiers
                    .iter()
                    .map(|(key, concurrency)| {
                        let noise =
                            0.5 + unit_hash(&[self.series.seed.as_str(), app, &start_key, key]);
                        let seconds = concurrency * scale * size * bucket as f64 * load * noise;
                        let amount = if idle { 0 } else { seconds.round() as u64 };
                        (*key, part(amount, share, 1))
                    })
                    .collect();
                (start, values)
            })
            .collect()
    }
}

/// The share of its final figures a day of `op` has at `now`: 0 before it begins, 1 once
/// it is final ([`Freshness`]: its end plus the spec's data delay), and in between the share
/// of that time gone by, in whole hours, so answers within one hour agree and each later
/// hour's are larger.
pub(crate) fn maturity(op: &OperationDescriptor, day: NaiveDate, now: DateTime<Utc>) -> f64 {
    let freshness = Freshness::of(op);
    let (start, end) = (freshness.starts_at(day), freshness.final_at(day));
    if now >= end {
        return 1.0;
    }
    let hours = (now - start).num_hours().max(0);
    let total = (end - start).num_seconds().max(1);
    (hours * 3_600) as f64 / total as f64
}

/// `share` of `amount`, rounded down to a multiple of `unit` (whole units stay whole); all
/// of it at share 1.
fn part(amount: u64, share: f64, unit: u64) -> u64 {
    if share >= 1.0 {
        return amount;
    }
    let unit = unit.max(1);
    ((amount as f64 * share) as u64 / unit) * unit
}

/// Share of idle days.
const IDLE_DAY_SHARE: f64 = 0.1;

/// Mean share of the day a tier's users are connected (the mean of [`DIURNAL`]).
const DAILY_DUTY: f64 = 0.38;

/// Load by hour of the (Beijing) day, as a share of the mean concurrency.
const DIURNAL: [f64; 24] = [
    0.10, 0.06, 0.04, 0.03, 0.03, 0.05, 0.12, 0.25, 0.40, 0.50, 0.55, 0.55, 0.50, 0.50, 0.55, 0.55,
    0.55, 0.50, 0.50, 0.60, 0.70, 0.65, 0.45, 0.25,
];

pub use crate::profile::default_apps;

/// The call usage of `app` on `day` (the vendor's billing day: Beijing for Volcengine and
/// Tencent, UTC for Huawei), per vendor tier key, in seconds: what the vendor's call-minutes
/// operation answers (`ListUsages` of either version, `DescribeTrtcUsage`,
/// `ListRtcHistoryUsage` with metric `CommunicationDuration`: the first usage operation of
/// category `call` in its specs, for the variant of that category). Empty for an unknown
/// vendor. The same as `truth_for(vendor, <that operation>, app, day, None)`.
pub fn truth(vendor: &str, app: &str, day: NaiveDate) -> Vec<(&'static str, u64)> {
    Vendor::get(vendor)
        .and_then(Measure::calls)
        .map_or_else(Vec::new, |m| m.day(app, day))
}

/// The ground truth of any answered operation: what `operation` of `vendor` answers for `app`
/// on `day` (the operation's billing day), per the vendor's key, as integers.
///
/// `variant` is the value of the operation's variant parameter (its spec's `usage.variants`):
/// - `DescribeRecordingUsage`: `MixType`, `Some("single")` or `Some("multi")` (required: `None`
///   gives nothing, as the emulator refuses a request without it);
/// - `ListRtcHistoryUsage`: `metric`, `CommunicationDuration` (also `None`, as [`truth`]: the
///   one variant of the operation's own category), `RecordDuration` or `TranscodeDuration`;
///   keys `audio`, `video_sd`, `video_hd`, `video_hdp`;
/// - `ListRtcHistoryScale`: `metric`, one of its eight metrics (`UserCount`, ...,
///   `AudioCommunicationDuration`), that one only; `None` for all eight, in the spec's order;
///   keys are the metric names;
/// - ignored by an operation without variants (`ListUsages` of both versions,
///   `DescribeTrtcUsage`, `DescribeMixTranscodingUsage`, `DescribeRelayUsage`).
///
/// Units: seconds for durations (answers carry them in the spec's unit: Tencent's
/// `seconds / 60.0` minutes; Volcengine's whole minutes, so multiples of 60), counts for
/// Huawei's scale counts, and for Tencent's relay `Bandwidth` the number answered as it is (no
/// source states its unit). Days of an operation with fine buckets are the sums of
/// [`truth_buckets_for`]. Empty for an unknown vendor, operation or variant (and for
/// `ListOperationDistribution`: see [`distribution`]).
pub fn truth_for(
    vendor: &str,
    operation: &str,
    app: &str,
    day: NaiveDate,
    variant: Option<&str>,
) -> Vec<(&'static str, u64)> {
    let Some(vendor) = Vendor::get(vendor) else {
        return Vec::new();
    };
    if let Some(truth) = bespoke::truth(vendor, operation, app, day, variant) {
        return truth;
    }
    Measure::of(vendor, operation, variant).map_or_else(Vec::new, |m| m.day(app, day))
}

/// [`truth_for`] as the emulator answers it at `now` when built with
/// [`provisional_figures`](crate::EmulatorBuilder::provisional_figures): while the day is
/// provisional by the operation's spec (its end plus the data delay has not passed) a
/// deterministic part of the final figure, growing hour by hour (whole units stay whole);
/// once final, [`truth_for`] itself. Operations with answers of their own (Tencent's relay,
/// Huawei's scale) are always final.
pub fn truth_at(
    vendor: &str,
    operation: &str,
    app: &str,
    day: NaiveDate,
    variant: Option<&str>,
    now: DateTime<Utc>,
) -> Vec<(&'static str, u64)> {
    let Some(vendor_entry) = Vendor::get(vendor) else {
        return Vec::new();
    };
    if bespoke::truth(vendor_entry, operation, app, day, variant).is_some() {
        return truth_for(vendor, operation, app, day, variant);
    }
    Measure::of(vendor_entry, operation, variant)
        .map_or_else(Vec::new, |m| m.day_at(app, day, Some(now)))
}

/// The fine buckets of `app` on the `day` of the vendor whose call-minutes operation has
/// them (Tencent's `DescribeTrtcUsage`, 5-minute buckets: the spec's fine granularity): each
/// bucket's start in that operation's calendar (Beijing time) and its seconds per tier key.
/// The same as `truth_buckets_for("tencent", "DescribeTrtcUsage", app, day, None)`.
pub fn truth_buckets(app: &str, day: NaiveDate) -> Vec<(NaiveDateTime, Vec<(&'static str, u64)>)> {
    Vendor::all()
        .filter_map(Measure::calls)
        .find(|m| m.fine_bucket_seconds().is_some())
        .map_or_else(Vec::new, |m| m.buckets(app, day))
}

/// The fine buckets of any operation that has them (Tencent's four, one day queried): each
/// bucket's start in the operation's calendar and its figures per key, which sum to
/// [`truth_for`]'s day. `variant` as for [`truth_for`]. Empty for an operation without fine
/// buckets, or an unknown vendor, operation or variant.
pub fn truth_buckets_for(
    vendor: &str,
    operation: &str,
    app: &str,
    day: NaiveDate,
    variant: Option<&str>,
) -> Vec<(NaiveDateTime, Vec<(&'static str, u64)>)> {
    Vendor::get(vendor)
        .and_then(|v| Measure::of(v, operation, variant))
        .map_or_else(Vec::new, |m| m.buckets(app, day))
}

pub use crate::bespoke::distribution::distribution;

/// Whether `app` of the vendor `vendor` (its id) is idle on `day`: every operation of the
/// vendor answers zero.
pub(crate) fn is_idle(vendor: &str, app: &str, day: NaiveDate) -> bool {
    unit_hash(&[vendor, app, &day.to_string(), "idle"]) < IDLE_DAY_SHARE
}

/// A factor between 0.5 and 2 that makes apps differ in size.
pub(crate) fn app_size(vendor: &str, app: &str) -> f64 {
    0.5 + 1.5 * unit_hash(&[vendor, app, "size"])
}

/// A number in `[0, 1)` determined by `parts` alone (FNV-1a, then SplitMix64's finalizer),
/// stable across runs, platforms and Rust versions.
pub(crate) fn unit_hash(parts: &[&str]) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.as_bytes().iter().chain(&[0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    unit_interval(splitmix64(h))
}

/// The top 53 bits of `bits` as a number in `[0, 1)`.
pub(crate) fn unit_interval(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// SplitMix64's output function: a well-mixed 64-bit value.
pub(crate) fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_same_app_and_day_give_the_same_numbers() {
        for vendor in Vendor::all() {
            let app = default_apps(vendor.id())[0];
            let a = truth(vendor.id(), app, d("2026-11-02"));
            assert_eq!(a, truth(vendor.id(), app, d("2026-11-02")));
            assert_eq!(
                a.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
                Measure::calls(vendor).unwrap().keys()
            );
        }
        assert!(truth("aws", "x", d("2026-11-02")).is_empty());
        assert!(default_apps("aws").is_empty());
    }

    #[test]
    fn units_buckets_and_idle_days() {
        let days: Vec<NaiveDate> = d("2026-01-01").iter_days().take(365).collect();
        for vendor in Vendor::all() {
            let app = default_apps(vendor.id())[1];
            let idle = days
                .iter()
                .filter(|day| truth(vendor.id(), app, **day).iter().all(|(_, s)| *s == 0))
                .count();
            assert!(
                (15..=60).contains(&idle),
                "{vendor}: {idle} idle days of 365"
            );
        }
        for day in &days[..20] {
            let volc = truth("volcengine", default_apps("volcengine")[0], *day);
            assert!(volc.iter().all(|(_, s)| s % 60 == 0), "{volc:?}");
        }
        let buckets = truth_buckets("1400000001", d("2026-03-03"));
        assert_eq!(buckets.len(), 288);
        assert_eq!(buckets[1].0.to_string(), "2026-03-03 00:05:00");
        let summed: Vec<u64> = (0..6)
            .map(|i| buckets.iter().map(|(_, v)| v[i].1).sum())
            .collect();
        let day: Vec<u64> = truth("tencent", "1400000001", d("2026-03-03"))
            .iter()
            .map(|(_, s)| *s)
            .collect();
        assert_eq!(summed, day);
    }

    /// A day of `app` that is not idle, from 2026-03-01 on.
    fn busy_day(vendor: &str, app: &str) -> NaiveDate {
        d("2026-03-01")
            .iter_days()
            .find(|day| truth(vendor, app, *day).iter().any(|(_, s)| *s > 0))
            .unwrap()
    }

    /// Every usage operation of every vendor has a series for each of its variants (or its one
    /// series), and every vendor has call minutes.
    #[test]
    fn every_usage_operation_is_answered() {
        for vendor in Vendor::all() {
            for op in vendor.entry().operations {
                let Some(spec) = usage_spec(op) else {
                    continue;
                };
                let calls = spec.calls();
                for (value, _) in calls {
                    let m = Measure::of(vendor, op.name, value).expect("a series");
                    assert_eq!(m.keys().len(), spec.tiers.len());
                }
            }
            assert!(
                Measure::calls(vendor)
                    .unwrap()
                    .day("app", d("2026-01-05"))
                    .len()
                    >= 4
            );
        }
    }

    /// Provisional figures grow hour by hour to the final ones, and are final from the
    /// instant the spec says the day is.
    #[test]
    fn provisional_figures_grow_to_the_truth() {
        use chrono::TimeZone;
        for vendor in Vendor::all() {
            let (op, _) = vendor.call_operation().unwrap();
            let app = default_apps(vendor.id())[0];
            let day = busy_day(vendor.id(), app);
            let f = Freshness::of(op);
            let truth = truth_for(vendor.id(), op.name, app, day, None);
            let total = |t: &[(&str, u64)]| t.iter().map(|(_, s)| s).sum::<u64>();
            let mut last = 0;
            let mut at = f.starts_at(day);
            while at < f.final_at(day) {
                let part = truth_at(vendor.id(), op.name, app, day, None, at);
                assert!(total(&part) >= last, "{vendor} {at}");
                assert!(total(&part) < total(&truth), "{vendor} {at}");
                last = total(&part);
                at += Duration::hours(3);
            }
            assert!(last > 0, "{vendor}: never any part of the day");
            assert_eq!(
                truth_at(vendor.id(), op.name, app, day, None, f.final_at(day)),
                truth
            );
            let long_after = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
            assert_eq!(
                truth_at(vendor.id(), op.name, app, day, None, long_after),
                truth
            );
        }
        let volc = truth_at(
            "volcengine",
            "ListUsages",
            default_apps("volcengine")[0],
            d("2026-05-05"),
            None,
            Utc.with_ymd_and_hms(2026, 5, 5, 3, 0, 0).unwrap(),
        );
        assert!(volc.iter().all(|(_, s)| s % 60 == 0), "{volc:?}");
    }

    #[test]
    fn figures_are_written_in_the_spec_unit() {
        let volc = Measure::calls(Vendor::get("volcengine").unwrap()).unwrap();
        assert_eq!(volc.figure(120), Value::from(2u64));
        let tencent = Measure::calls(Vendor::get("tencent").unwrap()).unwrap();
        assert_eq!(tencent.figure(90), Value::from(1.5));
        let huawei = Measure::calls(Vendor::get("huawei").unwrap()).unwrap();
        assert_eq!(huawei.figure(90), Value::from(90u64));
    }

    #[test]
    fn truth_for_the_call_operations_is_truth() {
        let day = d("2026-05-05");
        for (vendor, op) in [
            ("volcengine", "ListUsages"),
            ("tencent", "DescribeTrtcUsage"),
            ("huawei", "ListRtcHistoryUsage"),
        ] {
            let app = default_apps(vendor)[0];
            assert_eq!(
                truth_for(vendor, op, app, day, None),
                truth(vendor, app, day)
            );
        }
        let app = default_apps("huawei")[0];
        assert_eq!(
            truth_for(
                "huawei",
                "ListRtcHistoryUsage",
                app,
                day,
                Some("CommunicationDuration")
            ),
            truth("huawei", app, day)
        );
        assert_eq!(
            truth_buckets_for("tencent", "DescribeTrtcUsage", "1400000001", day, None),
            truth_buckets("1400000001", day)
        );
        assert!(truth_for("aws", "ListUsages", "x", day, None).is_empty());
        assert!(truth_for("tencent", "DescribeNothing", "x", day, None).is_empty());
        assert!(truth_for("volcengine", "ListOperationDistribution", "x", day, None).is_empty());
    }

    #[test]
    fn tencent_operations_have_their_keys_variants_and_buckets() {
        let app = default_apps("tencent")[1];
        let day = busy_day("tencent", app);
        let recording = "DescribeRecordingUsage";
        let single = truth_for("tencent", recording, app, day, Some("single"));
        let multi = truth_for("tencent", recording, app, day, Some("multi"));
        let keys = |t: &[(&'static str, u64)]| t.iter().map(|(k, _)| *k).collect::<Vec<_>>();
        assert_eq!(keys(&single), ["Audio", "SD", "HD", "FullHD", "2K", "4K"]);
        assert_eq!(keys(&single), keys(&multi));
        assert_ne!(single, multi);
        assert!(single.iter().all(|(_, s)| *s > 0));
        assert!(truth_for("tencent", recording, app, day, None).is_empty());
        assert!(truth_for("tencent", recording, app, day, Some("both")).is_empty());
        let transcoding = truth_for("tencent", "DescribeMixTranscodingUsage", app, day, None);
        assert_eq!(
            keys(&transcoding),
            [
                "Audio",
                "SDH264",
                "HDH264",
                "FullHDH264",
                "2KH264",
                "4KH264",
                "SDH265",
                "HDH265",
                "FullHDH265",
                "2KH265",
                "4KH265"
            ]
        );
        let relay = truth_for("tencent", "DescribeRelayUsage", app, day, Some("ignored"));
        assert_eq!(keys(&relay), ["Bandwidth"]);
        assert!(relay[0].1 > 0);
        // Every Tencent operation: 288 buckets that sum to the day.
        for (op, variant) in [
            (recording, Some("multi")),
            ("DescribeMixTranscodingUsage", None),
            ("DescribeRelayUsage", None),
        ] {
            let buckets = truth_buckets_for("tencent", op, app, day, variant);
            assert_eq!(buckets.len(), 288, "{op}");
            let mut sums = vec![0u64; buckets[0].1.len()];
            for (_, values) in &buckets {
                for (sum, (_, v)) in sums.iter_mut().zip(values) {
                    *sum += v;
                }
            }
            let day_values: Vec<u64> = truth_for("tencent", op, app, day, variant)
                .iter()
                .map(|(_, v)| *v)
                .collect();
            assert_eq!(sums, day_values, "{op}");
        }
        assert!(truth_buckets_for("huawei", "ListRtcHistoryUsage", app, day, None).is_empty());
        // An idle day is idle for every operation of the vendor.
        let idle = d("2026-01-01")
            .iter_days()
            .find(|day| truth("tencent", app, *day).iter().all(|(_, s)| *s == 0))
            .unwrap();
        let multi = truth_for("tencent", recording, app, idle, Some("multi"));
        assert!(multi.iter().all(|(_, s)| *s == 0));
    }

    #[test]
    fn huawei_metrics_differ_and_scale_follows_the_call_seconds() {
        let app = default_apps("huawei")[2];
        let day = busy_day("huawei", app);
        let usage = |metric| truth_for("huawei", "ListRtcHistoryUsage", app, day, Some(metric));
        let (calls, record, transcode) = (
            usage("CommunicationDuration"),
            usage("RecordDuration"),
            usage("TranscodeDuration"),
        );
        assert!(record.iter().chain(&transcode).all(|(_, s)| *s > 0));
        assert_ne!(record, calls);
        assert_ne!(record, transcode);
        assert!(usage("Nothing").is_empty());

        let scale = truth_for("huawei", "ListRtcHistoryScale", app, day, None);
        let metrics: Vec<&str> = scale.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            metrics,
            rtc_usage::huawei::list_rtc_history_scale::Metric::KNOWN
        );
        let value = |name| scale.iter().find(|(k, _)| *k == name).unwrap().1;
        let total: u64 = calls.iter().map(|(_, s)| s).sum();
        assert_eq!(value("CommunicationDuration"), total);
        assert_eq!(value("AudioCommunicationDuration"), calls[0].1);
        assert_eq!(
            value("VideoCommunicationDuration") + value("AudioCommunicationDuration"),
            total
        );
        assert!(value("UserCount") <= value("SessionCount"));
        assert!(value("RoomCount") <= value("UserCount"));
        assert!(value("MaxOnlineRoomCount") <= value("RoomCount"));
        assert!(scale.iter().all(|(_, v)| *v > 0), "{scale:?}");
        assert_eq!(
            truth_for("huawei", "ListRtcHistoryScale", app, day, Some("RoomCount")),
            [("RoomCount", value("RoomCount"))]
        );
        let idle = d("2026-01-01")
            .iter_days()
            .find(|day| truth("huawei", app, *day).iter().all(|(_, s)| *s == 0))
            .unwrap();
        let scale = truth_for("huawei", "ListRtcHistoryScale", app, idle, None);
        assert!(scale.iter().all(|(_, v)| *v == 0));
    }

    #[test]
    fn distribution_rows_add_up() {
        let rows = distribution(
            default_apps("volcengine")[0],
            d("2026-11-01"),
            d("2026-11-07"),
            "province",
        );
        assert!(rows.len() > 10);
        let percent: f64 = rows.iter().map(|r| r.2).sum();
        assert!((percent - 100.0).abs() < 0.2, "{percent}");
        assert!(rows.windows(2).all(|w| w[0].1 >= w[1].1));
        let countries = distribution(
            default_apps("volcengine")[0],
            d("2026-11-01"),
            d("2026-11-07"),
            "Country",
        );
        assert_eq!(countries[0].0, "中国");
    }
}
