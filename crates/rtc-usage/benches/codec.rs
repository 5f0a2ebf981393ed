//! The CPU work of one usage call per vendor, without the network:
//!
//! - `request/<vendor>`: building, signing and serializing a full request, as
//!   `rtc_usage_core::Client::execute` does it before sending: the typed input from the
//!   generated builder, the spec's local checks (`validate::check`), the wire parts
//!   (`operation::prepare`: constants, query, JSON body), endpoint, path and headers (as the
//!   client's private `prepare`), the signature (`signing::sign`) and the `reqwest::Request`
//!   made of exactly the signed bytes (as the client's private `build_request`). The client
//!   has no public "build without sending" entry point, so the steps it takes between
//!   `operation::prepare` and `signing::sign` are repeated here from public parts.
//! - `decode/<vendor>`: a typical 31-day answer (Volcengine 31 `Usages`, Tencent 31
//!   `UsageList` rows of 6 keys, Huawei 31 `usage` rows) through
//!   `rtc_usage_core::envelope::decode` (envelope check, then the typed payload).
//! - `normalize/<vendor>`: that decoded answer to normalized records
//!   (`rtc_usage::normalize::<vendor>`).
//!
//! The binary also prints one `BENCH_JSON` line per case with the heap allocations and bytes
//! of one run, counted by a global allocator that counts only while asked to.
//!
//! Run: `cargo bench -p rtc-usage --bench codec` (or `cargo xtask bench`).

use std::hint::black_box;

use chrono::{DateTime, Days, FixedOffset, NaiveDate, TimeZone, Utc};
use criterion::Criterion;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use rtc_usage::core::descriptor::{ContextValue, Envelope, Location};
use rtc_usage::core::signing::{self, HeaderList, SigningInput};
use rtc_usage::core::{Credentials, Operation, envelope, operation, validate};
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

const USER_AGENT: &str = "rtc-usage/0.1.0";
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
/// `reqwest::Request` that would be sent.
fn full_request<Op: Operation>(input: &Op::Input, credentials: &Credentials) -> reqwest::Request {
    let op = Op::descriptor();
    let now = now();
    validate::check(op, &Op::time_range(input), now).expect("the bench input is valid");
    let parts = operation::prepare::<Op>(input).expect("the bench input encodes");

    // Endpoint (the spec's, for its default region), host and origin.
    let region = op.default_region;
    let base = reqwest::Url::parse(op.endpoint(region).expect("a default endpoint"))
        .expect("the spec's endpoint is a URL");
    let host_name = base.host_str().expect("a host");
    let host = match base.port() {
        Some(port) => format!("{host_name}:{port}"),
        None => host_name.to_owned(),
    };
    let origin = format!("{}://{host}", base.scheme());

    // Context values (the project id) and the path template.
    let context: Vec<(&str, Location, String)> = op
        .context_params
        .iter()
        .map(|p| {
            let value = match p.value {
                ContextValue::ProjectId => credentials.project_id().expect("a project").to_owned(),
                _ => unreachable!("the bench's operations need only the project id"),
            };
            (p.name, p.location, value)
        })
        .collect();
    let mut path = base.path().trim_end_matches('/').to_owned();
    let mut rest = op.path;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}').expect("a closed placeholder");
        path.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        let value = parts
            .path_params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .or_else(|| {
                context
                    .iter()
                    .find(|(n, l, _)| *n == name && *l == Location::Path)
                    .map(|(_, _, v)| v.as_str())
            })
            .expect("a path value");
        path.push_str(value); // the bench's values are unreserved characters only
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    if path.is_empty() {
        path.push('/');
    }

    let mut query = parts.query;
    query.extend(
        context
            .iter()
            .filter(|(_, l, _)| *l == Location::Query)
            .map(|(n, _, v)| ((*n).to_owned(), v.clone())),
    );
    let mut headers: HeaderList = Vec::with_capacity(6 + parts.headers.len());
    headers.push(("Host".to_owned(), host.clone()));
    if parts.body.is_some() || op.envelope == Envelope::HuaweiPlain {
        headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
    }
    headers.push(("Accept".to_owned(), "application/json".to_owned()));
    headers.push(("User-Agent".to_owned(), USER_AGENT.to_owned()));
    headers.extend(parts.headers);
    headers.extend(
        context
            .iter()
            .filter(|(_, l, _)| *l == Location::Header)
            .map(|(n, _, v)| ((*n).to_owned(), v.clone())),
    );

    // The attempt: clone the prepared headers, sign, build the request.
    let mut headers = headers.clone();
    let body = parts.body;
    let input = SigningInput {
        method: op.method,
        host: &host,
        path: &path,
        query: &query,
        body: body.as_deref().unwrap_or_default(),
        region,
        service: op.service,
        action: op.name,
        version: op.version,
        timestamp: now.timestamp(),
        request_client: Some(USER_AGENT),
    };
    let signed =
        signing::sign(op.auth, &input, &mut headers, credentials).expect("the request signs");
    let mut url = String::with_capacity(origin.len() + path.len() + signed.query_string.len() + 1);
    url.push_str(&origin);
    url.push_str(&path);
    if !signed.query_string.is_empty() {
        url.push('?');
        url.push_str(&signed.query_string);
    }
    let url = reqwest::Url::parse(&url).expect("a URL");
    assert!(url.path() == path && url.query().unwrap_or_default() == signed.query_string);
    let method = reqwest::Method::from_bytes(op.method.as_bytes()).expect("a method");
    let mut map = HeaderMap::with_capacity(headers.len());
    for (name, value) in &headers {
        let mut value = HeaderValue::from_str(value).expect("a header value");
        if name.eq_ignore_ascii_case("authorization") {
            value.set_sensitive(true);
        }
        map.append(
            HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
            value,
        );
    }
    let mut request = reqwest::Request::new(method, url);
    *request.headers_mut() = map;
    if let Some(body) = &body {
        *request.body_mut() = Some(body.clone().into());
    }
    request
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
    full_request::<ListUsages>(&input, &credentials("volcengine"))
}

fn tencent_request() -> reqwest::Request {
    let input: DescribeTrtcUsageRequest = DescribeTrtcUsageRequest::builder()
        .sdk_app_id(Some(1_400_000_001u64))
        .start_time(day("2026-10-01"))
        .end_time(day("2026-10-31"))
        .try_into()
        .expect("a complete request");
    full_request::<DescribeTrtcUsage>(&input, &credentials("tencent"))
}

fn huawei_request() -> reqwest::Request {
    let input: ListRtcHistoryUsageRequest = ListRtcHistoryUsageRequest::builder()
        .app("5fa682b34a974f7ad24d223b")
        .metric(Metric::CommunicationDuration)
        .start_date(day("2026-10-01"))
        .end_date(day("2026-10-31"))
        .try_into()
        .expect("a complete request");
    full_request::<ListRtcHistoryUsage>(&input, &credentials("huawei"))
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
        b.iter(|| normalize::volcengine("65f1a2b3c4d5e6f708192a3b", black_box(&v)))
    });
    group.bench_function("tencent", |b| {
        b.iter(|| normalize::tencent("1400000001", black_box(&t), Bucket::Day).expect("normal"))
    });
    group.bench_function("huawei", |b| {
        b.iter(|| normalize::huawei("5fa682b34a974f7ad24d223b", black_box(&h)))
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
    let records = normalize::volcengine("a", &v).len();
    assert_eq!(records, DAYS as usize * 4);
    let records = normalize::tencent("1", &t, Bucket::Day)
        .expect("normal")
        .len();
    assert_eq!(records, DAYS as usize * 6);
    let (records, warnings) = normalize::huawei("a", &h);
    assert_eq!((records.len(), warnings.len()), (DAYS as usize * 4, 0));
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
        black_box(normalize::volcengine("65f1a2b3c4d5e6f708192a3b", &v));
    });
    report("normalize", "tencent", || {
        black_box(normalize::tencent("1400000001", &t, Bucket::Day).expect("normal"));
    });
    report("normalize", "huawei", || {
        black_box(normalize::huawei("5fa682b34a974f7ad24d223b", &h));
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
