//! The synthetic figures are pinned: every operation, variant, app and day the emulator
//! answers gives the same numbers as before the emulator read its models from the specs
//! (digests recorded from the emulator with hand-written per-vendor models).

use chrono::NaiveDate;
use rtc_usage_emulator::{
    default_apps, distribution, truth, truth_buckets, truth_buckets_for, truth_for,
};

/// FNV-1a over the text of everything fed in.
struct Digest(u64);

impl Digest {
    fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
    fn feed(&mut self, text: &str) {
        for &b in text.as_bytes().iter().chain(&[0xff]) {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

const CALLS: &[(&str, &str, &[Option<&str>])] = &[
    ("volcengine", "ListUsages", &[None, Some("ignored")]),
    ("volcengine", "ListOperationDistribution", &[None]),
    ("tencent", "DescribeTrtcUsage", &[None]),
    (
        "tencent",
        "DescribeRecordingUsage",
        &[None, Some("single"), Some("multi"), Some("both")],
    ),
    ("tencent", "DescribeMixTranscodingUsage", &[None]),
    ("tencent", "DescribeRelayUsage", &[None, Some("ignored")]),
    (
        "huawei",
        "ListRtcHistoryUsage",
        &[
            None,
            Some("CommunicationDuration"),
            Some("RecordDuration"),
            Some("TranscodeDuration"),
            Some("Nothing"),
        ],
    ),
    (
        "huawei",
        "ListRtcHistoryScale",
        &[
            None,
            Some("RoomCount"),
            Some("AudioCommunicationDuration"),
            Some("Nothing"),
        ],
    ),
    ("aws", "ListUsages", &[None]),
];

fn apps(vendor: &str) -> Vec<&str> {
    let mut apps: Vec<&str> = default_apps(vendor).to_vec();
    apps.push("other-app");
    apps
}

fn days_digest() -> u64 {
    let mut digest = Digest::new();
    for (vendor, op, variants) in CALLS {
        for app in apps(vendor) {
            for day in d("2026-01-01").iter_days().step_by(3).take(150) {
                for variant in *variants {
                    digest.feed(&format!(
                        "{vendor} {op} {app} {day} {variant:?} {:?}",
                        truth_for(vendor, op, app, day, *variant)
                    ));
                }
                digest.feed(&format!("{:?}", truth(vendor, app, day)));
            }
        }
    }
    digest.0
}

fn buckets_digest() -> u64 {
    let mut digest = Digest::new();
    for (vendor, op, variants) in CALLS {
        for app in apps(vendor) {
            for day in d("2026-10-20").iter_days().take(12) {
                for variant in *variants {
                    digest.feed(&format!(
                        "{vendor} {op} {app} {day} {variant:?} {:?}",
                        truth_buckets_for(vendor, op, app, day, *variant)
                    ));
                }
            }
        }
    }
    for day in d("2026-11-01").iter_days().take(5) {
        digest.feed(&format!("{:?}", truth_buckets("1400000002", day)));
    }
    digest.0
}

fn distribution_digest() -> u64 {
    let mut digest = Digest::new();
    for app in apps("volcengine") {
        for first in d("2026-10-01").iter_days().take(20) {
            for len in [0u64, 1, 6, 29] {
                let last = first + chrono::Days::new(len);
                for dimension in ["province", "country", "Country", "other"] {
                    digest.feed(&format!(
                        "{app} {first} {last} {dimension} {:?}",
                        distribution(app, first, last, dimension)
                    ));
                }
            }
        }
    }
    digest.0
}

/// Recorded from the emulator at commit 725e853 (hand-written per-vendor models).
#[test]
#[ignore = "prints the digests to record"]
fn print_digests() {
    println!("days {:#x}", days_digest());
    println!("buckets {:#x}", buckets_digest());
    println!("distribution {:#x}", distribution_digest());
}

#[test]
fn the_figures_are_those_recorded_before_the_models_came_from_the_specs() {
    assert_eq!(
        days_digest(),
        0x31b5_9fd9_0865_2364,
        "truth_for and truth per day"
    );
    assert_eq!(buckets_digest(), 0xe496_f494_d7a4_4f15, "truth_buckets_for");
    assert_eq!(distribution_digest(), 0x3f30_3dec_7788_4d3f, "distribution");
    assert_eq!(
        default_apps("volcengine"),
        [
            "65f1a2b3c4d5e6f708192a3b",
            "65f1a2b3c4d5e6f708192a3c",
            "65f1a2b3c4d5e6f708192a3d"
        ]
    );
    assert_eq!(
        default_apps("tencent"),
        ["1400000001", "1400000002", "1400000003"]
    );
    assert_eq!(
        default_apps("huawei"),
        [
            "5fa682b34a974f7ad24d223b",
            "6a1e0c9d8b7f4e3a2c1d0b9e",
            "7b2f1d0e9c8a5f4b3d2e1c0f"
        ]
    );
    assert!(default_apps("aws").is_empty());
}
