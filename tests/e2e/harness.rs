//! Running the binary against an emulator started by the test, on 127.0.0.1.

use std::collections::BTreeMap;
use std::process::{Command, Output};

use chrono::{Days, NaiveDate};
use rtc_usage_emulator::Emulator;
use serde_json::Value;

/// Environment variables that could point the binary at real accounts or change its output;
/// every run starts without them.
const CLEARED_PREFIXES: &[&str] = &[
    "VOLC",
    "TENCENTCLOUD",
    "HUAWEICLOUD",
    "BYTEPLUS",
    "ALIBABA_CLOUD",
    "RTC_USAGE",
];

/// Runs `rtc-usage args...` with the demo credentials and endpoints of `emulator` (when
/// given) and `extra_env`.
pub async fn run(emulator: Option<&Emulator>, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
    let mut command = command(emulator, args, extra_env);
    tokio::task::spawn_blocking(move || command.output().expect("the binary runs"))
        .await
        .expect("the runner thread")
}

/// The command [`run`] runs, for a test that spawns it (and kills it).
pub fn command(emulator: Option<&Emulator>, args: &[&str], extra_env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rtc-usage"));
    command.args(args);
    for (name, _) in std::env::vars() {
        if CLEARED_PREFIXES.iter().any(|p| name.starts_with(p)) {
            command.env_remove(name);
        }
    }
    // No config file of the machine's user is read (`--config` names the tests' own).
    command
        .env("XDG_CONFIG_HOME", "/nonexistent/rtc-usage-tests")
        .env("HOME", "/nonexistent/rtc-usage-tests");
    if let Some(emulator) = emulator {
        command.envs(rtc_usage_emulator::demo_env(&emulator.url()));
    }
    command.envs(extra_env.iter().copied());
    command
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The JSON records printed on stdout.
pub fn records(output: &Output) -> Vec<Value> {
    serde_json::from_slice::<Vec<Value>>(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is a JSON array ({e}); stderr: {}", stderr(output)))
}

/// Records keyed by (vendor, app, start, vendor tier) → (tier, granularity, seconds), each
/// key asserted to appear once.
pub type Keyed = BTreeMap<(String, String, String, String), (String, String, f64)>;

pub fn keyed(records: &[Value]) -> Keyed {
    let mut out = Keyed::new();
    for r in records {
        let text = |k: &str| {
            r[k].as_str()
                .unwrap_or_else(|| panic!("`{k}` in {r}"))
                .to_owned()
        };
        let key = (
            text("vendor"),
            text("app"),
            text("start"),
            text("vendor_tier"),
        );
        let value = (
            text("tier"),
            text("granularity"),
            r["seconds"].as_f64().expect("seconds"),
        );
        assert!(
            out.insert(key, value).is_none(),
            "a record appears twice: {r}"
        );
    }
    out
}

/// Asserts `got == expected`, printing only the first differences (the maps are large).
pub fn assert_same(got: &Keyed, expected: &Keyed) {
    let missing: Vec<_> = expected
        .iter()
        .filter(|(k, v)| got.get(*k) != Some(*v))
        .take(5)
        .collect();
    let extra: Vec<_> = got
        .iter()
        .filter(|(k, _)| !expected.contains_key(*k))
        .take(5)
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty() && got.len() == expected.len(),
        "{} records, {} expected; expected but not got: {missing:?}; got but not expected: {extra:?}",
        got.len(),
        expected.len()
    );
}

/// The common tier of a vendor tier, as the tier table in vendor-facts.md says (written out
/// again here, independently of the facade's table).
pub fn tier(vendor: &str, vendor_tier: &str) -> &'static str {
    let vendor = if vendor == "byteplus" {
        "volcengine"
    } else {
        vendor
    };
    match (vendor, vendor_tier) {
        ("volcengine", "Audio") | ("tencent", "Audio") | ("huawei", "audio") => "audio",
        ("volcengine", "VideoSDM") | ("tencent", "SD") | ("huawei", "video_sd") => "sd",
        ("volcengine", "VideoSD") | ("tencent", "HD") | ("huawei", "video_hd") => "hd",
        ("volcengine", "VideoHD") | ("tencent", "FullHD") | ("huawei", "video_hdp") => "fhd",
        ("tencent", "2K") => "2k",
        ("tencent", "4K") => "4k",
        // Alibaba's MediaProfile (vendor-facts-more.md, DescribeLiveGrtnDuration): audio is "0".
        ("alibaba", "0") => "audio",
        ("alibaba", "480P") => "sd",
        ("alibaba", "720P") => "hd",
        ("alibaba", "1080P") => "fhd",
        // Agora: seconds per aggregate resolution tier (vendor-facts-more.md, Tiers side by
        // side); its HD+ is its own tier, and its "2K+" the 4k one.
        ("agora", "usage.durationAudioAll") => "audio",
        ("agora", "usage.durationVideoHd") => "hd",
        ("agora", "usage.durationVideo1080P") => "fhd",
        ("agora", "usage.durationVideo2K") => "2k",
        ("agora", "usage.durationVideo4K") => "4k",
        ("agora", "usage.durationVideoHdp") => "other",
        other => panic!("no tier for {other:?}"),
    }
}

/// The tier table above is this test's own reading of vendor-facts.md (an oracle beside the
/// specs' `usage.tiers`); BytePlus reads like Volcengine (vendor-facts-more.md).
/// The emulator's ground truth for `vendor:app` over `from..=to`, daily, keyed like
/// [`keyed`].
pub fn truth(vendor: &str, app: &str, from: NaiveDate, to: NaiveDate) -> Keyed {
    // UTC days for Huawei, Agora and Alibaba (vendor-facts.md, vendor-facts-more.md), Beijing's
    // else.
    let offset = if matches!(vendor, "huawei" | "agora" | "alibaba") {
        "+00:00"
    } else {
        "+08:00"
    };
    let mut out = Keyed::new();
    for day in days(from, to) {
        for (vendor_tier, seconds) in rtc_usage_emulator::truth(vendor, app, day) {
            out.insert(
                (
                    vendor.into(),
                    app.into(),
                    format!("{day}T00:00:00{offset}"),
                    vendor_tier.into(),
                ),
                (
                    tier(vendor, vendor_tier).into(),
                    "day".into(),
                    seconds as f64,
                ),
            );
        }
    }
    out
}

pub fn days(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |d| *d <= to)
}

pub fn date(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

pub fn plus_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).expect("in range")
}
