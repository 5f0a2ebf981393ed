//! Deterministic synthetic usage: the same vendor, app and day always give the same numbers,
//! so a test compares what a client decoded with [`truth`] exactly.
//!
//! The model: each (vendor, app) has a size; a day is idle (all zero) with probability 1/10;
//! otherwise each pricing tier serves a share of its mean concurrency. Figures are integer
//! seconds in the vendor's own unit and day:
//! - Volcengine: whole minutes per Beijing day (so multiples of 60 s);
//! - Huawei: seconds per UTC day;
//! - Tencent: seconds per 5-minute bucket (Beijing time, following the day's load curve); a
//!   day is the sum of its buckets, and answers carry minutes as `seconds / 60.0`.

use chrono::{Duration, NaiveDate, NaiveDateTime};

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
const TENCENT_TIERS: &[Tier] = &[
    tier("Audio", 40.0),
    tier("SD", 20.0),
    tier("HD", 12.0),
    tier("FullHD", 5.0),
    tier("2K", 1.5),
    tier("4K", 0.5),
];
const HUAWEI_TIERS: &[Tier] = &[
    tier("audio", 40.0),
    tier("video_sd", 20.0),
    tier("video_hd", 12.0),
    tier("video_hdp", 5.0),
];

fn tiers(vendor: Vendor) -> &'static [Tier] {
    match vendor {
        Vendor::Volcengine => VOLCENGINE_TIERS,
        Vendor::Tencent => TENCENT_TIERS,
        Vendor::Huawei => HUAWEI_TIERS,
    }
}

/// The vendor's tier keys, in answer order.
pub(crate) fn tier_keys(vendor: Vendor) -> Vec<&'static str> {
    tiers(vendor).iter().map(|t| t.key).collect()
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

/// The usage of `app` on `day` (the vendor's billing day: Beijing for Volcengine and Tencent,
/// UTC for Huawei), per vendor tier key, in seconds. Empty for an unknown vendor.
pub fn truth(vendor: &str, app: &str, day: NaiveDate) -> Vec<(&'static str, u64)> {
    Vendor::from_id(vendor).map_or_else(Vec::new, |v| usage(v, app, day))
}

/// [`truth`] for a known vendor.
pub(crate) fn usage(vendor: Vendor, app: &str, day: NaiveDate) -> Vec<(&'static str, u64)> {
    if vendor == Vendor::Tencent {
        let mut sums: Vec<(&'static str, u64)> = TENCENT_TIERS.iter().map(|t| (t.key, 0)).collect();
        for (_, bucket) in truth_buckets(app, day) {
            for (sum, (_, seconds)) in sums.iter_mut().zip(bucket) {
                sum.1 += seconds;
            }
        }
        return sums;
    }
    let idle = is_idle(vendor, app, day);
    let unit = if vendor == Vendor::Volcengine { 60 } else { 1 };
    let size = app_size(vendor, app);
    let day_key = day.to_string();
    tiers(vendor)
        .iter()
        .map(|t| {
            let noise = 0.6 + 0.8 * unit_hash(&[vendor.id(), app, &day_key, t.key]);
            let seconds = t.concurrency * size * 86_400.0 * DAILY_DUTY * noise;
            let amount = if idle {
                0
            } else {
                (seconds / unit as f64).round() as u64 * unit
            };
            (t.key, amount)
        })
        .collect()
}

/// Tencent's 5-minute buckets of `app` on the Beijing `day` (the bucket size is the spec's
/// fine granularity): each bucket's start in Beijing time and its seconds per tier key.
pub fn truth_buckets(app: &str, day: NaiveDate) -> Vec<(NaiveDateTime, Vec<(&'static str, u64)>)> {
    let bucket = fine_bucket_seconds();
    let idle = is_idle(Vendor::Tencent, app, day);
    let size = app_size(Vendor::Tencent, app);
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    (0..86_400 / bucket)
        .map(|i| {
            let start = midnight + Duration::seconds(i * bucket);
            let load = DIURNAL[(i * bucket / 3_600) as usize % 24];
            let start_key = start.to_string();
            let values = TENCENT_TIERS
                .iter()
                .map(|t| {
                    let noise = 0.5 + unit_hash(&["tencent", app, &start_key, t.key]);
                    let seconds = t.concurrency * size * bucket as f64 * load * noise;
                    (t.key, if idle { 0 } else { seconds.round() as u64 })
                })
                .collect();
            (start, values)
        })
        .collect()
}

/// The size of Tencent's fine buckets, from the spec (300 s), or a day if it has none.
pub(crate) fn fine_bucket_seconds() -> i64 {
    rtc_usage_tencent::describe_trtc_usage::DESCRIPTOR
        .limits
        .granularity
        .and_then(|g| g.fine)
        .map(|f| f.bucket.as_secs() as i64)
        .filter(|s| (1..=86_400).contains(s) && 86_400 % s == 0)
        .unwrap_or(86_400)
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
                tier_keys(vendor)
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
