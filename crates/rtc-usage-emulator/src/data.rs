//! Deterministic synthetic usage: the same vendor, operation, app, day (and variant) always
//! give the same numbers, so a test compares what a client decoded with [`truth_for`] (or
//! [`truth`], [`truth_buckets`]) exactly.
//!
//! The model: each (vendor, app) has a size; a day is idle (all zero, for every operation of
//! the vendor) with probability 1/10; otherwise each tier of an operation serves a share of its
//! mean concurrency. Each operation is one row of a table ([`MODELS`]): its tiers (the vendor's
//! keys), the request parameter that picks a series (Tencent's `MixType`, Huawei's `metric`)
//! and, per series, the seed of its noise and its scale of the call load. Figures are integer
//! seconds in the vendor's own unit and day:
//! - Volcengine (`ListUsages`, both versions): whole minutes per Beijing day (so multiples of
//!   60 s);
//! - Huawei (`ListRtcHistoryUsage`): seconds per UTC day, per metric;
//! - Tencent (`DescribeTrtcUsage`, `DescribeRecordingUsage`, `DescribeMixTranscodingUsage`,
//!   `DescribeRelayUsage`): seconds per 5-minute bucket (Beijing time, following the day's
//!   load curve); a day is the sum of its buckets, and answers carry minutes as
//!   `seconds / 60.0`, except relay's `Bandwidth`, whose unit no source states: an integer
//!   answered as it is;
//! - Huawei `ListRtcHistoryScale`: per UTC day, counts and durations (seconds) derived from the
//!   day's call seconds.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rtc_usage_core::OperationDescriptor;

use crate::vendors::Vendor;

/// A pricing tier: the vendor's key and the mean number of concurrent users in it.
struct Tier {
    key: &'static str,
    concurrency: f64,
}

const fn tier(key: &'static str, concurrency: f64) -> Tier {
    Tier { key, concurrency }
}

/// In the order of the vendors' documents (ListUsages, DescribeTrtcUsage's example `UsageKey`,
/// Huawei's `usage[]` fields).
const VOLCENGINE_TIERS: &[Tier] = &[
    tier("Audio", 40.0),
    tier("VideoSDM", 20.0),
    tier("VideoSD", 12.0),
    tier("VideoHD", 5.0),
];
/// DescribeTrtcUsage's, and DescribeRecordingUsage's (its example answers with the same keys).
const TENCENT_TIERS: &[Tier] = &[
    tier("Audio", 40.0),
    tier("SD", 20.0),
    tier("HD", 12.0),
    tier("FullHD", 5.0),
    tier("2K", 1.5),
    tier("4K", 0.5),
];
/// DescribeMixTranscodingUsage's example `UsageKey`.
const TENCENT_TRANSCODING_TIERS: &[Tier] = &[
    tier("Audio", 6.0),
    tier("SDH264", 3.0),
    tier("HDH264", 2.0),
    tier("FullHDH264", 1.0),
    tier("2KH264", 0.3),
    tier("4KH264", 0.1),
    tier("SDH265", 0.8),
    tier("HDH265", 0.5),
    tier("FullHDH265", 0.3),
    tier("2KH265", 0.1),
    tier("4KH265", 0.05),
];
/// DescribeRelayUsage's one key.
const TENCENT_RELAY_TIERS: &[Tier] = &[tier("Bandwidth", 3.0)];
const HUAWEI_TIERS: &[Tier] = &[
    tier("audio", 40.0),
    tier("video_sd", 20.0),
    tier("video_hd", 12.0),
    tier("video_hdp", 5.0),
];

/// How a model's integers reach the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// Seconds, answered in the operation's unit (Tencent: minutes, `seconds / 60.0`).
    Seconds,
    /// A number whose unit no source states (Tencent's relay `Bandwidth`), answered as it is.
    Plain,
}

/// The request parameter that picks a series of an operation.
pub(crate) struct VariantParam {
    /// Its wire name (`MixType`, `metric`).
    pub name: &'static str,
    /// The series [`truth_for`] reads for `variant: None` (`None`: it reads none).
    default: Option<&'static str>,
}

/// One series of an operation: what its variant parameter says, the seed of its noise, and
/// its share of the call load.
struct Series {
    variant: Option<&'static str>,
    seed: &'static str,
    scale: f64,
}

const fn series(variant: Option<&'static str>, seed: &'static str, scale: f64) -> Series {
    Series {
        variant,
        seed,
        scale,
    }
}

/// What one operation counts.
pub(crate) struct Model {
    /// The operation (for Volcengine's `ListUsages`, the 2020-12-01 one: both versions answer
    /// the same numbers). Its fine granularity, if any, makes a day the sum of its buckets.
    op: &'static OperationDescriptor,
    tiers: &'static [Tier],
    pub variant: Option<VariantParam>,
    series: &'static [Series],
    /// Day figures are multiples of this many seconds (Volcengine answers whole minutes).
    granule: u64,
    pub unit: Unit,
}

/// Every usage operation the emulator answers, by vendor, the call-minutes one first.
static MODELS: &[Model] = &[
    Model {
        op: &rtc_usage_volcengine::list_usages::DESCRIPTOR,
        tiers: VOLCENGINE_TIERS,
        variant: None,
        series: &[series(None, "volcengine", 1.0)],
        granule: 60,
        unit: Unit::Seconds,
    },
    Model {
        op: &rtc_usage_tencent::describe_trtc_usage::DESCRIPTOR,
        tiers: TENCENT_TIERS,
        variant: None,
        series: &[series(None, "tencent", 1.0)],
        granule: 1,
        unit: Unit::Seconds,
    },
    Model {
        op: &rtc_usage_tencent::describe_recording_usage::DESCRIPTOR,
        tiers: TENCENT_TIERS,
        variant: Some(VariantParam {
            name: "MixType",
            default: None,
        }),
        series: &[
            series(Some("single"), "tencent/recording/single", 0.3),
            series(Some("multi"), "tencent/recording/multi", 0.1),
        ],
        granule: 1,
        unit: Unit::Seconds,
    },
    Model {
        op: &rtc_usage_tencent::describe_mix_transcoding_usage::DESCRIPTOR,
        tiers: TENCENT_TRANSCODING_TIERS,
        variant: None,
        series: &[series(None, "tencent/mix-transcoding", 1.0)],
        granule: 1,
        unit: Unit::Seconds,
    },
    Model {
        op: &rtc_usage_tencent::describe_relay_usage::DESCRIPTOR,
        tiers: TENCENT_RELAY_TIERS,
        variant: None,
        series: &[series(None, "tencent/relay", 1.0)],
        granule: 1,
        unit: Unit::Plain,
    },
    Model {
        op: &rtc_usage_huawei::list_rtc_history_usage::DESCRIPTOR,
        tiers: HUAWEI_TIERS,
        variant: Some(VariantParam {
            name: "metric",
            default: Some("CommunicationDuration"),
        }),
        series: &[
            series(Some("CommunicationDuration"), "huawei", 1.0),
            series(Some("RecordDuration"), "huawei/RecordDuration", 0.3),
            series(Some("TranscodeDuration"), "huawei/TranscodeDuration", 0.15),
        ],
        granule: 1,
        unit: Unit::Seconds,
    },
];

/// The model of `vendor`'s operation `name`.
pub(crate) fn model(vendor: Vendor, name: &str) -> Option<&'static Model> {
    MODELS
        .iter()
        .find(|m| m.op.vendor == vendor.id() && m.op.name == name)
}

impl Model {
    /// The values of the variant parameter, in table order.
    pub fn variants(&self) -> Vec<&'static str> {
        self.series.iter().filter_map(|s| s.variant).collect()
    }

    /// The series for a request whose variant parameter says `variant`; an operation without
    /// one ignores it. `None` where the value is not one the emulator serves.
    pub fn measure(&'static self, variant: Option<&str>) -> Option<Measure> {
        let series = match (&self.variant, variant) {
            (None, _) => self.series.first(),
            (Some(param), None) => param
                .default
                .and_then(|d| self.series.iter().find(|s| s.variant == Some(d))),
            (Some(_), Some(v)) => self.series.iter().find(|s| s.variant == Some(v)),
        }?;
        Some(Measure {
            model: self,
            series,
        })
    }
}

/// One series of one operation: what an answer is made of.
#[derive(Clone, Copy)]
pub(crate) struct Measure {
    model: &'static Model,
    series: &'static Series,
}

impl Measure {
    /// The tier keys, in answer order.
    pub fn keys(&self) -> Vec<&'static str> {
        self.model.tiers.iter().map(|t| t.key).collect()
    }

    pub fn unit(&self) -> Unit {
        self.model.unit
    }

    /// The size of the operation's fine buckets, if it has any that fit a day.
    fn fine_bucket_seconds(&self) -> Option<i64> {
        self.model
            .op
            .limits
            .granularity
            .and_then(|g| g.fine)
            .map(|f| f.bucket.as_secs() as i64)
            .filter(|s| (1..=86_400).contains(s) && 86_400 % s == 0)
    }

    /// The usage of `app` on `day` per tier key: the sum of the buckets where the operation
    /// has fine buckets, else the day's own figures.
    pub fn day(&self, app: &str, day: NaiveDate) -> Vec<(&'static str, u64)> {
        if self.fine_bucket_seconds().is_some() {
            let mut sums: Vec<(&'static str, u64)> =
                self.keys().into_iter().map(|k| (k, 0)).collect();
            for (_, bucket) in self.buckets(app, day) {
                for (sum, (_, seconds)) in sums.iter_mut().zip(bucket) {
                    sum.1 += seconds;
                }
            }
            return sums;
        }
        let vendor = self.vendor();
        let idle = is_idle(vendor, app, day);
        let size = app_size(vendor, app);
        let (unit, scale) = (self.model.granule.max(1), self.series.scale);
        let day_key = day.to_string();
        self.model
            .tiers
            .iter()
            .map(|t| {
                let noise = 0.6 + 0.8 * unit_hash(&[self.series.seed, app, &day_key, t.key]);
                let seconds = t.concurrency * scale * size * 86_400.0 * DAILY_DUTY * noise;
                let amount = if idle {
                    0
                } else {
                    (seconds / unit as f64).round() as u64 * unit
                };
                (t.key, amount)
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
        let Some(bucket) = self.fine_bucket_seconds() else {
            return Vec::new();
        };
        let vendor = self.vendor();
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
                    .model
                    .tiers
                    .iter()
                    .map(|t| {
                        let noise = 0.5 + unit_hash(&[self.series.seed, app, &start_key, t.key]);
                        let seconds = t.concurrency * scale * size * bucket as f64 * load * noise;
                        (t.key, if idle { 0 } else { seconds.round() as u64 })
                    })
                    .collect();
                (start, values)
            })
            .collect()
    }

    fn vendor(&self) -> Vendor {
        Vendor::from_id(self.model.op.vendor).unwrap_or(Vendor::Tencent)
    }
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

/// The demo apps each vendor has unless [`crate::EmulatorBuilder::apps`] says otherwise.
pub fn default_apps(vendor: &str) -> &'static [&'static str] {
    match Vendor::from_id(vendor) {
        Some(Vendor::Volcengine) => &[
            "65f1a2b3c4d5e6f708192a3b",
            "65f1a2b3c4d5e6f708192a3c",
            "65f1a2b3c4d5e6f708192a3d",
        ],
        Some(Vendor::Tencent) => &["1400000001", "1400000002", "1400000003"],
        Some(Vendor::Huawei) => &[
            "5fa682b34a974f7ad24d223b",
            "6a1e0c9d8b7f4e3a2c1d0b9e",
            "7b2f1d0e9c8a5f4b3d2e1c0f",
        ],
        None => &[],
    }
}

/// The call-minutes operation of `vendor`: the one [`truth`] answers for.
fn call_model(vendor: Vendor) -> &'static Model {
    MODELS
        .iter()
        .find(|m| m.op.vendor == vendor.id())
        .expect("every vendor has a call-minutes model")
}

/// The call usage of `app` on `day` (the vendor's billing day: Beijing for Volcengine and
/// Tencent, UTC for Huawei), per vendor tier key, in seconds: what `ListUsages` (either
/// version), `DescribeTrtcUsage` and `ListRtcHistoryUsage` with metric `CommunicationDuration`
/// answer. Empty for an unknown vendor. The same as
/// `truth_for(vendor, <that operation>, app, day, None)`.
pub fn truth(vendor: &str, app: &str, day: NaiveDate) -> Vec<(&'static str, u64)> {
    Vendor::from_id(vendor).map_or_else(Vec::new, |v| call_measure(v).day(app, day))
}

/// [`truth`]'s series for a known vendor.
pub(crate) fn call_measure(vendor: Vendor) -> Measure {
    call_model(vendor)
        .measure(None)
        .expect("a call-minutes model needs no variant")
}

/// The ground truth of any answered operation: what `operation` of `vendor` answers for `app`
/// on `day` (the operation's billing day), per the vendor's key, as integers.
///
/// `variant` is the value of the operation's variant parameter:
/// - `DescribeRecordingUsage`: `MixType`, `Some("single")` or `Some("multi")` (required: `None`
///   gives nothing, as the emulator refuses a request without it);
/// - `ListRtcHistoryUsage`: `metric`, `CommunicationDuration` (also `None`, as [`truth`]),
///   `RecordDuration` or `TranscodeDuration`; keys `audio`, `video_sd`, `video_hd`,
///   `video_hdp`;
/// - `ListRtcHistoryScale`: `metric`, one of its eight metrics (`UserCount`, ...,
///   `AudioCommunicationDuration`), that one only; `None` for all eight, in the spec's order;
///   keys are the metric names;
/// - ignored by the others (`ListUsages` of both versions, `DescribeTrtcUsage`,
///   `DescribeMixTranscodingUsage`, `DescribeRelayUsage`).
///
/// Units: seconds for durations (Tencent's answers carry `seconds / 60.0` minutes;
/// Volcengine's whole minutes, so multiples of 60), counts for Huawei's scale counts, and for
/// Tencent's relay `Bandwidth` the number answered as it is (no source states its unit).
/// Tencent's days are the sums of [`truth_buckets_for`]. Empty for an unknown vendor,
/// operation or variant (and for `ListOperationDistribution`: see [`distribution`]).
pub fn truth_for(
    vendor: &str,
    operation: &str,
    app: &str,
    day: NaiveDate,
    variant: Option<&str>,
) -> Vec<(&'static str, u64)> {
    let Some(vendor) = Vendor::from_id(vendor) else {
        return Vec::new();
    };
    // Huawei's scale operation answers metrics rather than tiers.
    if vendor == Vendor::Huawei
        && operation == rtc_usage_huawei::list_rtc_history_scale::DESCRIPTOR.name
    {
        let mut all = scale(app, day);
        if let Some(metric) = variant {
            all.retain(|(k, _)| *k == metric);
        }
        return all;
    }
    model(vendor, operation)
        .and_then(|m| m.measure(variant))
        .map_or_else(Vec::new, |m| m.day(app, day))
}

/// Tencent's 5-minute buckets of `app` on the Beijing `day` for `DescribeTrtcUsage` (the
/// bucket size is the spec's fine granularity): each bucket's start in Beijing time and its
/// seconds per tier key. The same as
/// `truth_buckets_for("tencent", "DescribeTrtcUsage", app, day, None)`.
pub fn truth_buckets(app: &str, day: NaiveDate) -> Vec<(NaiveDateTime, Vec<(&'static str, u64)>)> {
    call_measure(Vendor::Tencent).buckets(app, day)
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
    Vendor::from_id(vendor)
        .and_then(|v| model(v, operation))
        .and_then(|m| m.measure(variant))
        .map_or_else(Vec::new, |m| m.buckets(app, day))
}

/// `ListRtcHistoryScale`'s metrics, in the spec's order.
pub(crate) const SCALE_METRICS: [&str; 8] = [
    "UserCount",
    "SessionCount",
    "RoomCount",
    "MaxOnlineUserCount",
    "MaxOnlineRoomCount",
    "CommunicationDuration",
    "VideoCommunicationDuration",
    "AudioCommunicationDuration",
];

/// Every `ListRtcHistoryScale` metric of `app` on the UTC `day`, in [`SCALE_METRICS`] order.
/// The durations are the day's call seconds ([`truth`]: the total, its video tiers, its audio
/// tier); the counts follow from them (sessions of 15 to 45 minutes, users, rooms of 2 to 5
/// users, a peak of 2 to 4 times the mean concurrency); an idle day is all zero.
pub(crate) fn scale(app: &str, day: NaiveDate) -> Vec<(&'static str, u64)> {
    let calls = call_measure(Vendor::Huawei).day(app, day);
    let total: u64 = calls.iter().map(|(_, s)| s).sum();
    let audio = calls
        .iter()
        .find(|(k, _)| *k == "audio")
        .map_or(0, |(_, s)| *s);
    let day_key = day.to_string();
    let h = |what: &str| unit_hash(&["huawei/scale", app, &day_key, what]);
    let counts = if total == 0 {
        [0; 5]
    } else {
        let sessions = (total as f64 / (900.0 + 1_800.0 * h("session"))).ceil();
        let users = (sessions * (0.55 + 0.3 * h("users"))).ceil();
        let rooms = (users / (2.0 + 3.0 * h("rooms"))).ceil();
        let peak_users = (total as f64 / 86_400.0 * (2.0 + 2.0 * h("peak"))).ceil();
        let peak_rooms = (peak_users / (2.0 + 3.0 * h("peak rooms")))
            .ceil()
            .min(rooms);
        [sessions, users, rooms, peak_users, peak_rooms].map(|n| n.max(1.0) as u64)
    };
    let [sessions, users, rooms, peak_users, peak_rooms] = counts;
    let values = [
        users,
        sessions,
        rooms,
        peak_users,
        peak_rooms,
        total,
        total - audio,
        audio,
    ];
    SCALE_METRICS.into_iter().zip(values).collect()
}

/// Provinces (一级行政区) and their weights, for `ListOperationDistribution`.
const PROVINCES: &[(&str, f64)] = &[
    ("广东", 12.0),
    ("北京", 10.0),
    ("上海", 9.0),
    ("浙江", 8.0),
    ("江苏", 8.0),
    ("四川", 6.0),
    ("山东", 6.0),
    ("湖北", 5.0),
    ("河南", 5.0),
    ("福建", 4.0),
    ("湖南", 4.0),
    ("陕西", 3.0),
    ("重庆", 3.0),
    ("天津", 2.0),
    ("辽宁", 2.0),
    ("香港", 1.0),
    ("台湾", 1.0),
    ("澳门", 0.3),
];

/// Countries (国家) and their weights.
const COUNTRIES: &[(&str, f64)] = &[
    ("中国", 60.0),
    ("美国", 8.0),
    ("日本", 6.0),
    ("新加坡", 5.0),
    ("韩国", 4.0),
    ("印度尼西亚", 4.0),
    ("马来西亚", 3.0),
    ("泰国", 3.0),
    ("英国", 2.0),
    ("德国", 2.0),
    ("巴西", 2.0),
    ("澳大利亚", 1.0),
];

/// Volcengine's distinct users of `app` over the Beijing days `first..=last`, by province
/// (or by country when `dimension` is `country`, in any case): `(name, users, percent)`,
/// most users first. Empty when every day of the range is idle.
pub fn distribution(
    app: &str,
    first: NaiveDate,
    last: NaiveDate,
    dimension: &str,
) -> Vec<(&'static str, f64, f64)> {
    let active = first
        .iter_days()
        .take_while(|d| *d <= last)
        .take(crate::limits::MAX_DAYS_PER_ANSWER)
        .filter(|d| !is_idle(Vendor::Volcengine, app, *d))
        .count();
    if active == 0 {
        return Vec::new();
    }
    let regions = if dimension.eq_ignore_ascii_case("country") {
        COUNTRIES
    } else {
        PROVINCES
    };
    let range_key = format!("{first}..{last}");
    let weights: Vec<f64> = regions
        .iter()
        .map(|(name, w)| w * (0.7 + 0.6 * unit_hash(&["volcengine", app, &range_key, name])))
        .collect();
    let weight_sum: f64 = weights.iter().sum();
    let total = app_size(Vendor::Volcengine, app) * 800.0 * (active as f64).powf(0.6);
    let mut rows: Vec<(&'static str, f64)> = regions
        .iter()
        .zip(&weights)
        .map(|((name, _), w)| (*name, (total * w / weight_sum).round()))
        .filter(|(_, users)| *users > 0.0)
        .collect();
    let users_sum: f64 = rows.iter().map(|(_, u)| u).sum();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    rows.into_iter()
        .map(|(name, users)| (name, users, (users / users_sum * 10_000.0).round() / 100.0))
        .collect()
}

fn is_idle(vendor: Vendor, app: &str, day: NaiveDate) -> bool {
    unit_hash(&[vendor.id(), app, &day.to_string(), "idle"]) < IDLE_DAY_SHARE
}

/// A factor between 0.5 and 2 that makes apps differ in size.
fn app_size(vendor: Vendor, app: &str) -> f64 {
    0.5 + 1.5 * unit_hash(&[vendor.id(), app, "size"])
}

/// A number in `[0, 1)` determined by `parts` alone (FNV-1a, then SplitMix64's finalizer),
/// stable across runs, platforms and Rust versions.
fn unit_hash(parts: &[&str]) -> f64 {
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
        for vendor in Vendor::ALL {
            let app = default_apps(vendor.id())[0];
            let a = truth(vendor.id(), app, d("2026-11-02"));
            assert_eq!(a, truth(vendor.id(), app, d("2026-11-02")));
            assert_eq!(
                a.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
                call_measure(vendor).keys()
            );
        }
        assert!(truth("aws", "x", d("2026-11-02")).is_empty());
        assert!(default_apps("aws").is_empty());
    }

    #[test]
    fn units_buckets_and_idle_days() {
        let days: Vec<NaiveDate> = d("2026-01-01").iter_days().take(365).collect();
        for vendor in Vendor::ALL {
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

    /// Every row of the table is a generated operation of a known vendor, and every vendor's
    /// first row is its call-minutes operation.
    #[test]
    fn every_model_is_a_generated_operation() {
        for m in MODELS {
            let vendor = Vendor::from_id(m.op.vendor).expect("a known vendor");
            assert!(vendor.operations().iter().any(|op| std::ptr::eq(*op, m.op)));
            assert!(
                m.measure(None).is_some() || m.variant.is_some(),
                "{}",
                m.op.name
            );
        }
        for vendor in Vendor::ALL {
            assert!(call_measure(vendor).day("app", d("2026-01-05")).len() >= 4);
        }
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
            rtc_usage_huawei::list_rtc_history_scale::Metric::KNOWN
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
