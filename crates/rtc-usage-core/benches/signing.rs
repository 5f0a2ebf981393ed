//! Signing one typical usage request per vendor, as the client signs every attempt: the
//! prepared header list is cloned, then `signing::sign` adds the scheme's headers and the
//! `Authorization`, and returns the query string to send.
//!
//! The requests are the ones the clients send for a 30/31-day usage query (body, query and
//! headers as `Client::prepare` builds them: `Host`, `Content-Type`, `Accept`, `User-Agent`,
//! plus Huawei's `X-Project-Id`).
//!
//! Besides criterion's timings (`target/criterion/sign/<vendor>/new/estimates.json`), the
//! binary prints one `BENCH_JSON` line per vendor with the heap allocations and bytes of one
//! signature, counted by a global allocator that counts only while asked to.
//!
//! Run: `cargo bench -p rtc-usage-core --bench signing` (or `cargo xtask bench`).

use std::hint::black_box;

use criterion::{BatchSize, Criterion};
use rtc_usage_core::AuthScheme;
use rtc_usage_core::credentials::Credentials;
use rtc_usage_core::signing::{self, HeaderList, SigningInput};

#[path = "support/alloc_counter.rs"]
mod alloc_counter;
use alloc_counter::allocations;

/// One vendor's typical request, ready for signing.
struct Case {
    vendor: &'static str,
    scheme: AuthScheme,
    method: &'static str,
    host: &'static str,
    path: String,
    query: Vec<(String, String)>,
    body: Vec<u8>,
    region: &'static str,
    service: &'static str,
    action: &'static str,
    version: &'static str,
    headers: HeaderList,
    credentials: Credentials,
}

const USER_AGENT: &str = concat!("rtc-usage/", env!("CARGO_PKG_VERSION"));
/// 2026-11-02T04:00:00Z.
const TIMESTAMP: i64 = 1_793_592_000;

fn headers(host: &str, extra: &[(&str, &str)]) -> HeaderList {
    let mut list: HeaderList = vec![
        ("Host".to_owned(), host.to_owned()),
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("Accept".to_owned(), "application/json".to_owned()),
        ("User-Agent".to_owned(), USER_AGENT.to_owned()),
    ];
    list.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    list
}

fn cases() -> Vec<Case> {
    let huawei_project = "0e1d2c3b4a5968778695a4b3c2d1e0f0";
    vec![
        // ListUsages: POST / ?Action&Version, a JSON body of the app and a 30-day range.
        Case {
            vendor: "volcengine",
            scheme: AuthScheme::VolcengineHmacSha256,
            method: "POST",
            host: "rtc.volcengineapi.com",
            path: "/".to_owned(),
            query: vec![
                ("Action".to_owned(), "ListUsages".to_owned()),
                ("Version".to_owned(), "2020-12-01".to_owned()),
            ],
            body: br#"{"AppId":"65f1a2b3c4d5e6f708192a3b","StartTime":"2026-10-01T00:00:00+08:00","EndTime":"2026-10-30T23:59:59+08:00"}"#.to_vec(),
            region: "cn-north-1",
            service: "rtc",
            action: "ListUsages",
            version: "2020-12-01",
            headers: headers("rtc.volcengineapi.com", &[]),
            credentials: Credentials::new("AKLTbenchAccessKeyId0123456789", "benchSecretAccessKey0123456789=="),
        },
        // DescribeTrtcUsage: POST / with X-TC-* headers and a JSON body of a 31-day range.
        Case {
            vendor: "tencent",
            scheme: AuthScheme::Tc3HmacSha256,
            method: "POST",
            host: "trtc.tencentcloudapi.com",
            path: "/".to_owned(),
            query: Vec::new(),
            body: br#"{"StartTime":"2026-10-01","EndTime":"2026-10-31","SdkAppId":1400000001}"#
                .to_vec(),
            region: "ap-guangzhou",
            service: "trtc",
            action: "DescribeTrtcUsage",
            version: "2019-07-22",
            headers: headers("trtc.tencentcloudapi.com", &[]),
            credentials: Credentials::new(
                "AKIDbenchSecretId0123456789abcdefgh",
                "benchSecretKey0123456789abcdef",
            ),
        },
        // ListRtcHistoryUsage: GET /v1/{project_id}/rtc/history/usage?app&metric&start_date&end_date.
        Case {
            vendor: "huawei",
            scheme: AuthScheme::HuaweiSdkHmacSha256,
            method: "GET",
            host: "rtc-api.myhuaweicloud.com",
            path: format!("/v1/{huawei_project}/rtc/history/usage"),
            query: vec![
                ("app".to_owned(), "5fa682b34a974f7ad24d223b".to_owned()),
                ("metric".to_owned(), "CommunicationDuration".to_owned()),
                ("start_date".to_owned(), "2026-10-01".to_owned()),
                ("end_date".to_owned(), "2026-10-31".to_owned()),
            ],
            body: Vec::new(),
            region: "cn-north-4",
            service: "rtc",
            action: "ListRtcHistoryUsage",
            version: "v1",
            headers: headers(
                "rtc-api.myhuaweicloud.com",
                &[("X-Project-Id", huawei_project)],
            ),
            credentials: Credentials::new("QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc")
                .with_project_id(huawei_project),
        },
    ]
}

impl Case {
    fn input(&self) -> SigningInput<'_> {
        SigningInput {
            method: self.method,
            host: self.host,
            path: &self.path,
            query: &self.query,
            body: &self.body,
            region: self.region,
            service: self.service,
            action: self.action,
            version: self.version,
            timestamp: TIMESTAMP,
            request_client: Some(USER_AGENT),
            nonce: Some("6a1f0e3c5b7d49a2b8c4d6e8f0a2c4e6"),
        }
    }

    /// What the client does per attempt: clone the prepared headers, sign them.
    fn sign(&self) -> signing::Signed {
        let mut headers = self.headers.clone();
        let signed = signing::sign(self.scheme, &self.input(), &mut headers, &self.credentials)
            .expect("the bench request signs");
        black_box(headers);
        signed
    }
}

fn bench_signing(c: &mut Criterion) {
    let cases = cases();
    let mut group = c.benchmark_group("sign");
    for case in &cases {
        group.bench_function(case.vendor, |b| {
            b.iter_batched_ref(
                || case.headers.clone(),
                |headers| {
                    signing::sign(
                        case.scheme,
                        black_box(&case.input()),
                        headers,
                        &case.credentials,
                    )
                    .expect("the bench request signs")
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

fn report_allocations() {
    for case in cases() {
        // The header list's clone is counted too: the client clones it for every attempt.
        let (allocs, bytes) = allocations(|| {
            black_box(case.sign());
        });
        println!(
            "BENCH_JSON {{\"bench\":\"sign\",\"id\":\"{}\",\"allocs\":{allocs:.1},\"alloc_bytes\":{bytes:.0}}}",
            case.vendor
        );
    }
}

fn main() {
    report_allocations();
    let mut criterion = Criterion::default().configure_from_args();
    bench_signing(&mut criterion);
    criterion.final_summary();
}
