//! The demo profile: the few made-up facts that give the demo vendors their familiar numbers
//! and apps. Nothing here is a wire fact (those come from the specs' descriptors and `usage:`
//! blocks); a vendor, operation or variant not listed gets the default profile (seed
//! `{vendor}/{operation}[/{variant}]`, scale 1, concurrency by common tier), so a new spec needs no
//! entry here.
//!
//! The figures of the three demo vendors depend on these seeds, scales and concurrencies
//! (`tests/truth_pinned.rs` pins them): changing an entry changes every demo answer.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rtc_usage::Vendor;
use rtc_usage_core::usage::{AppKind, Tier};

/// One series' noise and size: the seed its figures are drawn from, and its share of the load
/// of the vendor's calls.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Series {
    pub seed: String,
    pub scale: f64,
}

/// A listed series: vendor id, operation name (every version), variant value (`None`: an
/// operation without a variant parameter), seed, scale.
type SeriesRow = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    f64,
);

const SERIES: &[SeriesRow] = &[
    ("volcengine", "ListUsages", None, "volcengine", 1.0),
    ("tencent", "DescribeTrtcUsage", None, "tencent", 1.0),
    (
        "tencent",
        "DescribeRecordingUsage",
        Some("single"),
        "tencent/recording/single",
        0.3,
    ),
    (
        "tencent",
        "DescribeRecordingUsage",
        Some("multi"),
        "tencent/recording/multi",
        0.1,
    ),
    (
        "tencent",
        "DescribeMixTranscodingUsage",
        None,
        "tencent/mix-transcoding",
        1.0,
    ),
    ("tencent", "DescribeRelayUsage", None, "tencent/relay", 1.0),
    (
        "huawei",
        "ListRtcHistoryUsage",
        Some("CommunicationDuration"),
        "huawei",
        1.0,
    ),
    (
        "huawei",
        "ListRtcHistoryUsage",
        Some("RecordDuration"),
        "huawei/RecordDuration",
        0.3,
    ),
    (
        "huawei",
        "ListRtcHistoryUsage",
        Some("TranscodeDuration"),
        "huawei/TranscodeDuration",
        0.15,
    ),
    // Alibaba's recording, single-stream (RecordMode 0) and mixed (1), a share of the calls.
    (
        "alibaba",
        "DescribeLiveRtcRecordUsageData",
        Some("0"),
        "alibaba/recording/single",
        0.3,
    ),
    (
        "alibaba",
        "DescribeLiveRtcRecordUsageData",
        Some("1"),
        "alibaba/recording/mixed",
        0.1,
    ),
    // Agora: cloud recording and transcoding, a share of the calls.
    (
        "agora",
        "GetUsage",
        Some("cloudRecording"),
        "agora/cloudRecording",
        0.3,
    ),
    (
        "agora",
        "GetUsage",
        Some("transcodeDuration"),
        "agora/transcodeDuration",
        0.15,
    ),
];

/// Mean concurrent users of vendor tiers whose load is not their common tier's
/// ([`concurrency_by_tier`]): vendor id, operation name, vendor tier, concurrency.
const CONCURRENCY: &[(&str, &str, &str, f64)] = &[
    // Mixed transcoding is a small share of the calls, H.265 the smaller part of it.
    ("tencent", "DescribeMixTranscodingUsage", "Audio", 6.0),
    ("tencent", "DescribeMixTranscodingUsage", "SDH264", 3.0),
    ("tencent", "DescribeMixTranscodingUsage", "HDH264", 2.0),
    ("tencent", "DescribeMixTranscodingUsage", "FullHDH264", 1.0),
    ("tencent", "DescribeMixTranscodingUsage", "2KH264", 0.3),
    ("tencent", "DescribeMixTranscodingUsage", "4KH264", 0.1),
    ("tencent", "DescribeMixTranscodingUsage", "SDH265", 0.8),
    ("tencent", "DescribeMixTranscodingUsage", "HDH265", 0.5),
    ("tencent", "DescribeMixTranscodingUsage", "FullHDH265", 0.3),
    ("tencent", "DescribeMixTranscodingUsage", "2KH265", 0.1),
    ("tencent", "DescribeMixTranscodingUsage", "4KH265", 0.05),
    ("tencent", "DescribeRelayUsage", "Bandwidth", 3.0),
];

/// The demo apps of the demo vendors (the README's and the tests'); any other vendor's are
/// made from its spec's example app id ([`default_apps`]).
const APPS: &[(&str, [&str; 3])] = &[
    (
        "volcengine",
        [
            "65f1a2b3c4d5e6f708192a3b",
            "65f1a2b3c4d5e6f708192a3c",
            "65f1a2b3c4d5e6f708192a3d",
        ],
    ),
    ("tencent", ["1400000001", "1400000002", "1400000003"]),
    (
        "huawei",
        [
            "5fa682b34a974f7ad24d223b",
            "6a1e0c9d8b7f4e3a2c1d0b9e",
            "7b2f1d0e9c8a5f4b3d2e1c0f",
        ],
    ),
];

/// The series of `vendor`'s `operation` for `variant`: its listed row, else the default (seed
/// `vendor/operation[/variant]`, scale 1).
pub(crate) fn series(vendor: &str, operation: &str, variant: Option<&str>) -> Series {
    SERIES
        .iter()
        .find(|(v, o, var, _, _)| (*v, *o, *var) == (vendor, operation, variant))
        .map(|(_, _, _, seed, scale)| Series {
            seed: (*seed).to_owned(),
            scale: *scale,
        })
        .unwrap_or_else(|| Series {
            seed: match variant {
                Some(variant) => format!("{vendor}/{operation}/{variant}"),
                None => format!("{vendor}/{operation}"),
            },
            scale: 1.0,
        })
}

/// Mean concurrent users of a vendor tier: its listed row, else its common tier's.
pub(crate) fn concurrency(vendor: &str, operation: &str, vendor_tier: &str, tier: Tier) -> f64 {
    CONCURRENCY
        .iter()
        .find(|(v, o, t, _)| (*v, *o, *t) == (vendor, operation, vendor_tier))
        .map_or_else(|| concurrency_by_tier(tier), |(_, _, _, c)| *c)
}

/// Mean concurrent users by common tier: most calls are audio, few are 4K.
pub(crate) fn concurrency_by_tier(tier: Tier) -> f64 {
    match tier {
        Tier::Audio => 40.0,
        Tier::Sd => 20.0,
        Tier::Hd => 12.0,
        Tier::Fhd => 5.0,
        Tier::TwoK => 1.5,
        Tier::FourK => 0.5,
        _ => 1.0,
    }
}

/// The demo apps of the vendor `id` unless [`crate::EmulatorBuilder::apps`] says otherwise:
/// its listed ones, else three made from the example app id of its first usage operation's
/// spec (`1400000001` → `1400000001`, `1400000002`, `1400000003`; a hex id varies in its last
/// digit). Empty for an id the registry does not have.
pub fn default_apps(id: &str) -> &'static [&'static str] {
    if let Some((_, apps)) = APPS.iter().find(|(v, _)| *v == id) {
        return apps;
    }
    static MADE: OnceLock<BTreeMap<&'static str, Vec<&'static str>>> = OnceLock::new();
    MADE.get_or_init(|| {
        Vendor::all()
            .filter(|v| APPS.iter().all(|(id, _)| *id != v.id()))
            .map(|v| {
                let apps = made_apps(v)
                    .into_iter()
                    .map(|app| &*Box::leak(app.into_boxed_str()))
                    .collect();
                (v.id(), apps)
            })
            .collect()
    })
    .get(id)
    .map_or(&[], Vec::as_slice)
}

/// Three app ids shaped like the vendor's example.
fn made_apps(vendor: Vendor) -> Vec<String> {
    let app = vendor
        .entry()
        .operations
        .iter()
        .find_map(|op| op.usage)
        .map(|usage| usage.app);
    let Some(app) = app.filter(|a| !a.example.is_empty()) else {
        return (1..=3).map(|i| format!("demo-app-{i}")).collect();
    };
    if app.kind == AppKind::Integer {
        if let Ok(n) = app.example.parse::<u64>() {
            return (0..3).map(|i| n.saturating_add(i).to_string()).collect();
        }
    }
    let example = app.example;
    let (head, last) =
        example.split_at(example.len() - example.chars().last().map_or(0, char::len_utf8));
    match last.chars().next().and_then(|c| c.to_digit(16)) {
        Some(digit) => (0..3)
            .map(|i| {
                let c = char::from_digit((digit + i) % 16, 16).unwrap_or('0');
                format!("{head}{c}")
            })
            .collect(),
        None => (1..=3).map(|i| format!("{example}-{i}")).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlisted_series_get_the_default_profile() {
        assert_eq!(
            series("tencent", "DescribeRecordingUsage", Some("multi")),
            Series {
                seed: "tencent/recording/multi".into(),
                scale: 0.1
            }
        );
        assert_eq!(
            series("acme", "GetWidgetUsage", Some("x")),
            Series {
                seed: "acme/GetWidgetUsage/x".into(),
                scale: 1.0
            }
        );
        assert_eq!(
            series("acme", "GetWidgetUsage", None).seed,
            "acme/GetWidgetUsage"
        );
        assert_eq!(concurrency("acme", "Op", "SD", Tier::Sd), 20.0);
        assert_eq!(
            concurrency("tencent", "DescribeMixTranscodingUsage", "SDH265", Tier::Sd),
            0.8
        );
        assert_eq!(concurrency_by_tier(Tier::Other), 1.0);
    }

    /// Every listed row names an operation and variant the registry has, so a renamed spec
    /// cannot silently fall back to the default profile.
    #[test]
    fn every_listed_row_is_a_registry_operation() {
        let op = |vendor: &str, name: &str| {
            Vendor::get(vendor)
                .and_then(|v| {
                    v.entry()
                        .operations
                        .iter()
                        .copied()
                        .find(|o| o.name == name)
                })
                .unwrap_or_else(|| panic!("{vendor} {name}"))
        };
        for (vendor, name, variant, _, _) in SERIES {
            let op = op(vendor, name);
            if let (Some(variant), Some(usage)) = (variant, op.usage) {
                assert!(
                    usage.variants.iter().any(|v| v.value == *variant),
                    "{variant}"
                );
            }
        }
        for (vendor, name, _, _) in CONCURRENCY {
            op(vendor, name);
        }
        for (vendor, _) in APPS {
            assert!(Vendor::get(vendor).is_some(), "{vendor}");
        }
    }

    #[test]
    fn made_apps_follow_the_example() {
        for vendor in Vendor::all() {
            let apps = made_apps(vendor);
            assert_eq!(apps.len(), 3);
            assert!(apps[0] != apps[1] && apps[1] != apps[2], "{apps:?}");
        }
        assert!(default_apps("aws").is_empty());
    }
}
