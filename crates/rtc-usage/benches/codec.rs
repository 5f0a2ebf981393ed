//! The CPU work of one usage call per vendor, without the network:
//!
//! - `request/<vendor>`: building, signing and serializing a full request, exactly as
//!   `rtc_usage_core::Client::execute` does it before sending: `Client::prepare` (the spec's
//!   local checks, the wire parts, endpoint, path and headers) and `Client::sign` (the
//!   signature and the `reqwest::Request` made of exactly the signed bytes).
//! - `decode/<vendor>`: a typical 31-day answer (Volcengine 31 `Usages`, Tencent 31
//!   `UsageList` rows of 6 keys, Huawei 31 `usage` rows) through
//!   `rtc_usage_core::envelope::decode` (envelope check, then the typed payload).
//! - `normalize/<vendor>`: that decoded answer to normalized records
//!   (`rtc_usage::normalize::typed`, through the operation's `usage:` block).
//!
//! The binary also prints one `BENCH_JSON` line per case with the heap allocations and bytes
//! of one run, counted by a global allocator that counts only while asked to.
//!
//! Run: `cargo bench -p rtc-usage --bench codec` (or `cargo xtask bench`).

use std::hint::black_box;
use std::sync::OnceLock;

use chrono::{DateTime, Days, FixedOffset, NaiveDate, TimeZone, Utc};
use criterion::Criterion;
use rtc_usage::core::{Credentials, FixedClock, Operation, VendorInfo, envelope};
use rtc_usage::huawei::list_rtc_history_usage::Metric;
use rtc_usage::huawei::{ListRtcHistoryUsage, ListRtcHistoryUsageRequest};
use rtc_usage::tencent::{DescribeTrtcUsage, DescribeTrtcUsageRequest};
use rtc_usage::volcengine::{ListUsages, ListUsagesRequest};
use rtc_usage::{Bucket, huawei, normalize, tencent, volcengine};

// ---------------------------------------------------------------------------------------------
// Allocation counting.

#[path = "../../rtc-usage-core/benches/support/alloc_counter.rs"]
mod alloc_counter;
use alloc_counter::allocations;

fn report(bench: &str, id: &str, f: impl FnMut()) {
    let (allocs, bytes) = allocations(f);
    println!(
        "BENCH_JSON {{\"bench\":\"{bench}\",\"id\":\"{id}\",\"allocs\":{allocs:.1},\"alloc_bytes\":{bytes:.0}}}"
    );
}

// ---------------------------------------------------------------------------------------------
// Building, signing and serializing a full request.

const HUAWEI_PROJECT: &str = "0e1d2c3b4a5968778695a4b3c2d1e0f0";

fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8")
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

/// The clock of the local checks and the signature: a day after the queried month.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 4, 0, 0)
        .single()
        .expect("a time")
}

fn credentials(vendor: &str) -> Credentials {
    match vendor {
        "volcengine" => Credentials::new(
            "AKLTbenchAccessKeyId0123456789",
            "benchSecretAccessKey0123456789==",
        ),
        "tencent" => Credentials::new(
            "AKIDbenchSecretId0123456789abcdefgh",
            "benchSecretKey0123456789abcdef",
        ),
        _ => Credentials::new(
            "QTWAOYTTINDUT2QVKYUC",
            "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
        )
        .with_project_id(HUAWEI_PROJECT),
    }
}

/// Everything `Client::execute` does to `input` before the network, up to the
/// `reqwest::Request` that would be sent: the client's own prepare and sign phases.
fn full_request<Op: Operation>(
    input: &Op::Input,
    client: &rtc_usage::core::Client,
) -> reqwest::Request {
    let prepared = client
        .prepare::<Op>(input)
        .expect("the bench input is valid");
    client
        .sign(&prepared, now().timestamp())
        .expect("the request signs")
}

/// A runtime client of `info`'s vendor at its spec's endpoints, clocked at [`now`].
fn client(info: &'static VendorInfo, vendor: &str) -> rtc_usage::core::Client {
    let config = rtc_usage::Config::builder()
        .credentials(credentials(vendor))
        .clock(std::sync::Arc::new(FixedClock(now())))
        .build()
        .expect("a valid configuration");
    rtc_usage::core::Client::new(info, config).expect("a client")
}

/// The typed inputs the facade builds for one 30/31-day window.
fn volcengine_request() -> reqwest::Request {
    let input: ListUsagesRequest = ListUsagesRequest::builder()
        .app_id("65f1a2b3c4d5e6f708192a3b")
        .start_time(
            day("2026-10-01")
                .and_hms_opt(0, 0, 0)
                .and_then(|t| t.and_local_timezone(beijing()).single())
                .expect("a time"),
        )
        .end_time(
            day("2026-10-30")
                .and_hms_opt(23, 59, 59)
                .and_then(|t| t.and_local_timezone(beijing()).single())
                .expect("a time"),
        )
        .try_into()
        .expect("a complete request");
    static CLIENT: OnceLock<rtc_usage::core::Client> = OnceLock::new();
    let client = CLIENT.get_or_init(|| client(&volcengine::VENDOR, "volcengine"));
    full_request::<ListUsages>(&input, client)
}

fn tencent_request() -> reqwest::Request {
    let input: DescribeTrtcUsageRequest = DescribeTrtcUsageRequest::builder()
        .sdk_app_id(Some(1_400_000_001u64))
        .start_time(day("2026-10-01"))
        .end_time(day("2026-10-31"))
        .try_into()
        .expect("a complete request");
    static CLIENT: OnceLock<rtc_usage::core::Client> = OnceLock::new();
    let client = CLIENT.get_or_init(|| client(&tencent::VENDOR, "tencent"));
    full_request::<DescribeTrtcUsage>(&input, client)
}

fn huawei_request() -> reqwest::Request {
    let input: ListRtcHistoryUsageRequest = ListRtcHistoryUsageRequest::builder()
        .app("5fa682b34a974f7ad24d223b")
        .metric(Metric::CommunicationDuration)
        .start_date(day("2026-10-01"))
        .end_date(day("2026-10-31"))
        .try_into()
        .expect("a complete request");
    static CLIENT: OnceLock<rtc_usage::core::Client> = OnceLock::new();
    let client = CLIENT.get_or_init(|| client(&huawei::VENDOR, "huawei"));
    full_request::<ListRtcHistoryUsage>(&input, client)
}

// ---------------------------------------------------------------------------------------------
// Typical 31-day answers.

const DAYS: u64 = 31;

fn days() -> impl Iterator<Item = (u64, NaiveDate)> {
    (0..DAYS).map(|i| {
        (
            i,
            day("2026-10-01")
                .checked_add_days(Days::new(i))
                .expect("a date"),
        )
    })
}

/// A plausible amount of usage: varies by day and tier.
fn amount(i: u64, tier: u64) -> u64 {
    ((i * 7_919 + tier * 104_729) % 50_000) + 1_000 * (tier + 1)
}

fn volcengine_body() -> Vec<u8> {
    let usages: Vec<String> = days()
        .map(|(i, d)| {
            format!(
                r#"{{"TimeStamp":"{d}T00:00:00+08:00","Audio":{},"VideoSDM":{},"VideoSD":{},"VideoHD":{}}}"#,
                amount(i, 0),
                amount(i, 1),
                amount(i, 2),
                amount(i, 3)
            )
        })
        .collect();
    format!(
        r#"{{"ResponseMetadata":{{"RequestId":"20261102120000010203040506070809","Action":"ListUsages","Version":"2020-12-01","Service":"rtc","Region":"cn-north-1"}},"Result":{{"Usages":[{}]}}}}"#,
        usages.join(",")
    )
    .into_bytes()
}

fn tencent_body() -> Vec<u8> {
    let rows: Vec<String> = days()
        .map(|(i, d)| {
            let stamp = d
                .and_hms_opt(0, 0, 0)
                .and_then(|t| t.and_local_timezone(beijing()).single())
                .expect("a time")
                .timestamp();
            // Minutes as the vendor sends them: floats (seconds / 60).
            let values: Vec<String> = (0..6)
                .map(|t| format!("{:?}", amount(i, t) as f64 / 60.0 + 0.05))
                .collect();
            format!(
                r#"{{"TimeKey":"{d} 00:00:00","TimeStampKey":{stamp},"UsageValue":[{}]}}"#,
                values.join(",")
            )
        })
        .collect();
    format!(
        r#"{{"Response":{{"UsageKey":["Audio","SD","HD","FullHD","2K","4K"],"UsageList":[{}],"RequestId":"6f1c7a52-3d1e-4b7a-9c55-0a1b2c3d4e5f"}}}}"#,
        rows.join(",")
    )
    .into_bytes()
}

fn huawei_body() -> Vec<u8> {
    let rows: Vec<String> = days()
        .map(|(i, d)| {
            let tiers: Vec<u64> = (0..4).map(|t| amount(i, t) * 60).collect();
            format!(
                r#"{{"date":"{d}","video_sd":{},"video_hd":{},"video_hdp":{},"audio":{},"total_duration":{}}}"#,
                tiers[0],
                tiers[1],
                tiers[2],
                tiers[3],
                tiers.iter().sum::<u64>()
            )
        })
        .collect();
    format!(r#"{{"usage":[{}]}}"#, rows.join(",")).into_bytes()
}

fn decode_volcengine(body: &[u8]) -> volcengine::ListUsagesResponse {
    envelope::decode(&volcengine::list_usages::DESCRIPTOR, 200, None, body).expect("decodes")
}

fn decode_tencent(body: &[u8]) -> tencent::DescribeTrtcUsageResponse {
    envelope::decode(&tencent::describe_trtc_usage::DESCRIPTOR, 200, None, body).expect("decodes")
}

fn decode_huawei(body: &[u8]) -> huawei::ListRtcHistoryUsageResponse {
    envelope::decode(
        &huawei::list_rtc_history_usage::DESCRIPTOR,
        200,
        Some("0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
        body,
    )
    .expect("decodes")
}

// ---------------------------------------------------------------------------------------------

fn bench_requests(c: &mut Criterion) {
    let mut group = c.benchmark_group("request");
    group.bench_function("volcengine", |b| b.iter(volcengine_request));
    group.bench_function("tencent", |b| b.iter(tencent_request));
    group.bench_function("huawei", |b| b.iter(huawei_request));
    group.finish();
}

fn bench_decoding(c: &mut Criterion) {
    let (v, t, h) = (volcengine_body(), tencent_body(), huawei_body());
    let mut group = c.benchmark_group("decode");
    group.bench_function("volcengine", |b| {
        b.iter(|| decode_volcengine(black_box(&v)))
    });
    group.bench_function("tencent", |b| b.iter(|| decode_tencent(black_box(&t))));
    group.bench_function("huawei", |b| b.iter(|| decode_huawei(black_box(&h))));
    group.finish();
}

fn bench_normalizing(c: &mut Criterion) {
    let (v, t, h) = (
        decode_volcengine(&volcengine_body()),
        decode_tencent(&tencent_body()),
        decode_huawei(&huawei_body()),
    );
    let mut group = c.benchmark_group("normalize");
    group.bench_function("volcengine", |b| {
        b.iter(|| {
            normalize::typed(
                &volcengine::list_usages::DESCRIPTOR,
                "65f1a2b3c4d5e6f708192a3b",
                black_box(&v),
                Bucket::Day,
                None,
            )
            .expect("normal")
        })
    });
    group.bench_function("tencent", |b| {
        b.iter(|| {
            normalize::typed(
                &tencent::describe_trtc_usage::DESCRIPTOR,
                "1400000001",
                black_box(&t),
                Bucket::Day,
                None,
            )
            .expect("normal")
        })
    });
    group.bench_function("huawei", |b| {
        b.iter(|| {
            normalize::typed(
                &huawei::list_rtc_history_usage::DESCRIPTOR,
                "5fa682b34a974f7ad24d223b",
                black_box(&h),
                Bucket::Day,
                None,
            )
            .expect("normal")
        })
    });
    group.finish();
}

/// Checks the inputs are what they claim (31 days, every tier), then counts allocations.
fn report_allocations() {
    let (vb, tb, hb) = (volcengine_body(), tencent_body(), huawei_body());
    let (v, t, h) = (
        decode_volcengine(&vb),
        decode_tencent(&tb),
        decode_huawei(&hb),
    );
    assert_eq!(v.usages.len(), DAYS as usize);
    assert_eq!(t.usage_list.len(), DAYS as usize);
    assert!(t.usage_list.iter().all(|row| row.usage_value.len() == 6));
    assert_eq!(h.usage.len(), DAYS as usize);
    let records = normalize::typed(
        &volcengine::list_usages::DESCRIPTOR,
        "a",
        &v,
        Bucket::Day,
        None,
    )
    .expect("normal")
    .records
    .len();
    assert_eq!(records, DAYS as usize * 4);
    let records = normalize::typed(
        &tencent::describe_trtc_usage::DESCRIPTOR,
        "1",
        &t,
        Bucket::Day,
        None,
    )
    .expect("normal")
    .records
    .len();
    assert_eq!(records, DAYS as usize * 6);
    let normalized = normalize::typed(
        &huawei::list_rtc_history_usage::DESCRIPTOR,
        "a",
        &h,
        Bucket::Day,
        None,
    )
    .expect("normal");
    assert_eq!(
        (normalized.records.len(), normalized.warnings.len()),
        (DAYS as usize * 4, 0)
    );
    for (vendor, bytes) in [("volcengine", &vb), ("tencent", &tb), ("huawei", &hb)] {
        println!(
            "BENCH_JSON {{\"bench\":\"body\",\"id\":\"{vendor}\",\"bytes\":{}}}",
            bytes.len()
        );
    }

    report("request", "volcengine", || {
        black_box(volcengine_request());
    });
    report("request", "tencent", || {
        black_box(tencent_request());
    });
    report("request", "huawei", || {
        black_box(huawei_request());
    });
    report("decode", "volcengine", || {
        black_box(decode_volcengine(&vb));
    });
    report("decode", "tencent", || {
        black_box(decode_tencent(&tb));
    });
    report("decode", "huawei", || {
        black_box(decode_huawei(&hb));
    });
    report("normalize", "volcengine", || {
        black_box(
            normalize::typed(
                &volcengine::list_usages::DESCRIPTOR,
                "65f1a2b3c4d5e6f708192a3b",
                &v,
                Bucket::Day,
                None,
            )
            .expect("normal"),
        );
    });
    report("normalize", "tencent", || {
        black_box(
            normalize::typed(
                &tencent::describe_trtc_usage::DESCRIPTOR,
                "1400000001",
                &t,
                Bucket::Day,
                None,
            )
            .expect("normal"),
        );
    });
    report("normalize", "huawei", || {
        black_box(
            normalize::typed(
                &huawei::list_rtc_history_usage::DESCRIPTOR,
                "5fa682b34a974f7ad24d223b",
                &h,
                Bucket::Day,
                None,
            )
            .expect("normal"),
        );
    });
}

fn main() {
    report_allocations();
    let mut criterion = Criterion::default().configure_from_args();
    bench_requests(&mut criterion);
    bench_decoding(&mut criterion);
    bench_normalizing(&mut criterion);
    criterion.final_summary();
}
