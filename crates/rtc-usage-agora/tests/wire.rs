//! Hand-written tests of the generated Agora client, against the examples of
//! `specs/agora/get_usage.yaml` and `specs/agora/list_projects.yaml` and the signing vectors
//! `agora-get-usage.json` and `agora-get-projects.json`:
//!
//! 1. the examples' answers (200 and 201, the date as a string or a number, 401 and 429)
//!    decode with every value checked;
//! 2. the fluent builder puts exactly the vectors' requests on the wire (to a local mock
//!    server), and the HTTP Basic `Authorization` it carries is recomputed from what arrived;
//! 3. the App Certificate (`sign_key`) shows nowhere: not in the typed answer, as `***` in the
//!    raw JSON;
//! 4. a connection failure moves the retry to the next fail-over host, an HTTP error does not;
//! 5. bad input is refused before any network call;
//! 6. both operations share one account-wide rate limit, and a stub client stands in for the
//!    vendor.

use std::net::TcpListener;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, NaiveDate};
use rtc_usage_agora::get_usage::{self as gu, Business, UsageDate};
use rtc_usage_agora::list_projects as lp;
use rtc_usage_agora::{
    Client, Config, Credentials, Error, ErrorKind, GetUsage, GetUsageRequest, GetUsageResponse,
    ListProjectsRequest, ListProjectsResponse, stub,
};
use rtc_usage_core::descriptor::{Endpoint, Location, RateScope};
use rtc_usage_core::testing::wire::{
    SigningContext, answering, assert_refused, header, received, single_request,
};
use rtc_usage_core::{AuthScheme, BoxFuture, FixedClock, Operation, OperationDescriptor};
use wiremock::{MockServer, Request};

/// `reference/signing-vectors/agora-get-usage.json`, `input.ak` and `input.sk`.
const CUSTOMER_ID: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const CUSTOMER_SECRET: &str = "f9e8d7c6b5a4938271605f4e3d2c1b0a";
/// The vectors' `expected.authorization` (the same for every request).
const VECTOR_AUTHORIZATION: &str = "Basic MGExYjJjM2Q0ZTVmNjA3MTgyOTNhNGI1YzZkN2U4Zjk6ZjllOGQ3YzZiNWE0OTM4MjcxNjA1ZjRlM2QyYzFiMGE=";
/// `agora-get-usage.json`, the query of `expected.url`.
const VECTOR_QUERY: &str =
    "project_id=rxxxxxxj5u&from_date=2026-11-01&to_date=2026-11-30&business=default";
/// 2026-12-01T00:00:00Z.
const NOW: i64 = 1_795_996_800;

// ---- the spec's examples, verbatim ------------------------------------------------------------

/// `specs/agora/get_usage.yaml`, example `documented`, `response.body` (status 200).
const USAGE_RESPONSE: &str = r#"{
  "meta": {
    "durationAudioAll": {"en": "Audio Duration", "unit": "second"},
    "durationVideoHd": {"en": "HD Video Duration（including Recording）", "unit": "second"},
    "durationVideoHdp": {"en": "HD+ Video Duration", "unit": "second"},
    "durationVideo1080P": {"en": "Full HD Video Duration", "unit": "second"},
    "durationVideo2K": {"en": "2K Video Duration", "unit": "second"},
    "durationVideo4K": {"en": "4K Video Duration", "unit": "second"}
  },
  "usages": [
    {
      "date": "2026-11-01T00:00:00.000Z",
      "usage": {
        "durationAudioAll": 36000,
        "durationVideoHd": 7200,
        "durationVideoHdp": 0,
        "durationVideo1080P": 1800,
        "durationVideo2K": 60,
        "durationVideo4K": 0
      }
    },
    {
      "date": "2026-11-02T00:00:00.000Z",
      "usage": {
        "durationAudioAll": 30000,
        "durationVideoHd": 6000,
        "durationVideoHdp": 120,
        "durationVideo1080P": 900,
        "durationVideo2K": 0,
        "durationVideo4K": 30
      }
    }
  ]
}
"#;

/// `specs/agora/get_usage.yaml`, example `date_as_number`, `response.body`.
const USAGE_NUMBER_DATE: &str = r#"{"usages": [{"date": 1793491200, "usage": {"durationAudioAll": 600, "durationVideoHd": 1200}}]}
"#;

/// `specs/agora/get_usage.yaml`, example `throttled`, `response.body` (status 429).
const USAGE_THROTTLED: &str = r#"{"message": "Too Many Requests"}"#;

/// `specs/agora/list_projects.yaml`, example `documented`, `response.body` (status 201).
const PROJECTS_RESPONSE: &str = r#"{
  "projects": [
    {
      "id": "rxxxxxxj5u",
      "name": "project1",
      "vendor_key": "5b7c1e9f2d3a4c6e8f0a1b2c3d4e5f67",
      "sign_key": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
      "recording_server": null,
      "status": 1,
      "created": 1545796369
    },
    {
      "id": "ryyyyyyk6v",
      "name": "project2",
      "vendor_key": "5b7c1e9f2d3a4c6e8f0a1b2c3d4e5f68",
      "sign_key": "1f2e3d4c5b6a79889706b5c4d3e2f101",
      "recording_server": "10.0.0.1:4000",
      "status": 0,
      "created": 1545796370
    }
  ]
}
"#;

/// The App Certificates of [`PROJECTS_RESPONSE`].
const SIGN_KEYS: [&str; 2] = [
    "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "1f2e3d4c5b6a79889706b5c4d3e2f101",
];

/// `specs/agora/list_projects.yaml`, example `unauthorized`, `response.body` (status 401).
const PROJECTS_UNAUTHORIZED: &str = r#"{"message": "Invalid authentication credentials"}"#;

// ---- helpers ----------------------------------------------------------------------------------

fn d(date: &str) -> NaiveDate {
    date.parse().unwrap()
}

fn credentials() -> Credentials {
    Credentials::new(CUSTOMER_ID, CUSTOMER_SECRET)
}

fn config() -> rtc_usage_core::ConfigBuilder {
    Config::builder()
        .credentials(credentials())
        .clock(Arc::new(FixedClock::from_unix(NOW).unwrap()))
}

fn client(server: &MockServer) -> Client {
    Client::new(config().endpoint_url(server.uri()).build().unwrap()).unwrap()
}

/// Nothing is signed: every header but the credential itself arrives unsigned.
const UNSIGNED_ALLOWED: &[&str] = &[
    "authorization",
    "host",
    "content-type",
    "accept",
    "user-agent",
];

fn assert_signature_recomputes(request: &Request) {
    let context = SigningContext {
        scheme: AuthScheme::HttpBasic,
        credentials: &credentials(),
        region: "global",
        service: "console",
        action: "",
        version: "",
        timestamp: NOW,
        request_client: None,
    };
    rtc_usage_core::testing::wire::assert_signature_recomputes(request, context, UNSIGNED_ALLOWED);
}

fn day_start(text: &str) -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn assert_documented_usage(out: &GetUsageResponse) {
    assert_eq!(out.usages.len(), 2);
    let expected = [
        (
            "2026-11-01T00:00:00Z",
            [36000.0, 7200.0, 0.0, 1800.0, 60.0, 0.0],
        ),
        (
            "2026-11-02T00:00:00Z",
            [30000.0, 6000.0, 120.0, 900.0, 0.0, 30.0],
        ),
    ];
    for (usage, (date, figures)) in out.usages.iter().zip(expected) {
        match &usage.date {
            UsageDate::String(at) => assert_eq!(*at, day_start(date)),
            other => panic!("the example's date is a string: {other:?}"),
        }
        let u = &usage.usage;
        assert_eq!(
            [
                u.duration_audio_all,
                u.duration_video_hd,
                u.duration_video_hdp,
                u.duration_video1080_p,
                u.duration_video2_k,
                u.duration_video4_k,
            ],
            figures
        );
    }
    assert_eq!(out.meta.len(), 6);
    assert_eq!(
        out.meta["durationVideo4K"].en.as_deref(),
        Some("4K Video Duration")
    );
    assert_eq!(out.meta["durationAudioAll"].unit.as_deref(), Some("second"));
}

fn assert_documented_projects(out: &ListProjectsResponse) {
    assert_eq!(out.projects.len(), 2);
    let (one, two) = (&out.projects[0], &out.projects[1]);
    assert_eq!(
        (one.id.as_str(), one.vendor_key.as_str()),
        ("rxxxxxxj5u", "5b7c1e9f2d3a4c6e8f0a1b2c3d4e5f67")
    );
    assert_eq!(one.name.as_deref(), Some("project1"));
    assert_eq!(one.recording_server, None);
    assert_eq!((one.status, one.created), (Some(1), Some(1_545_796_369)));
    assert_eq!(two.recording_server.as_deref(), Some("10.0.0.1:4000"));
    assert_eq!(two.status, Some(0));
    // The typed answer has no place for the App Certificate.
    let shown = format!("{out:?}{}", serde_json::to_string(out).unwrap());
    for key in SIGN_KEYS {
        assert!(!shown.contains(key), "{shown}");
    }
}

// ---- 1. the examples' answers -----------------------------------------------------------------

/// `Content-Type: application/json` on every request, GET included, is a spec constant.
#[test]
fn every_operation_sends_its_content_type_as_a_spec_constant() {
    for op in rtc_usage_agora::OPERATIONS {
        let content_types: Vec<&str> = op
            .constants
            .iter()
            .filter(|c| c.name == "Content-Type" && c.location == Location::Header)
            .map(|c| c.value)
            .collect();
        assert_eq!(content_types, ["application/json"], "{}", op.name);
        assert_eq!(op.auth, AuthScheme::HttpBasic, "{}", op.name);
    }
}

#[test]
fn get_usage_documented_answers_decode_every_value() {
    let out: GetUsageResponse =
        rtc_usage_core::envelope::decode(&gu::DESCRIPTOR, 200, None, USAGE_RESPONSE.as_bytes())
            .unwrap();
    assert_documented_usage(&out);

    // The field table's reading: the date as a Unix timestamp; absent tiers read as 0.
    let out: GetUsageResponse =
        rtc_usage_core::envelope::decode(&gu::DESCRIPTOR, 200, None, USAGE_NUMBER_DATE.as_bytes())
            .unwrap();
    assert!(matches!(
        out.usages[0].date,
        UsageDate::Integer(1_793_491_200)
    ));
    let u = &out.usages[0].usage;
    assert_eq!((u.duration_audio_all, u.duration_video_hd), (600.0, 1200.0));
    assert_eq!((u.duration_video_hdp, u.duration_video4_k), (0.0, 0.0));
    // Both spellings are the same day as usage.
    let usage = gu::DESCRIPTOR.usage.unwrap();
    let as_json = |out: &GetUsageResponse| serde_json::to_value(&out.usages[0].date).unwrap();
    let documented: GetUsageResponse = serde_json::from_str(USAGE_RESPONSE).unwrap();
    assert_eq!(
        usage.parse_time(&as_json(&documented)),
        usage.parse_time(&as_json(&out))
    );

    let err = rtc_usage_core::envelope::decode::<GetUsageResponse>(
        &gu::DESCRIPTOR,
        429,
        Some("req-429"),
        USAGE_THROTTLED.as_bytes(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Throttled);
    assert_eq!((err.code(), err.http_status()), (Some("429"), Some(429)));
    assert_eq!(err.message(), "Too Many Requests");
    assert_eq!(err.request_id(), Some("req-429"));
}

#[test]
fn list_projects_documented_answers_decode_every_value() {
    // 201, as the page documents for this GET.
    let out: ListProjectsResponse =
        rtc_usage_core::envelope::decode(&lp::DESCRIPTOR, 201, None, PROJECTS_RESPONSE.as_bytes())
            .unwrap();
    assert_documented_projects(&out);
    let err = rtc_usage_core::envelope::decode::<ListProjectsResponse>(
        &lp::DESCRIPTOR,
        401,
        None,
        PROJECTS_UNAUTHORIZED.as_bytes(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.code(), Some("401"));
    assert!(
        err.message()
            .starts_with("Invalid authentication credentials — the Customer ID")
    );
}

// ---- 2. the requests on the wire --------------------------------------------------------------

#[tokio::test]
async fn get_usage_vector_request_on_the_wire() {
    let server = answering(200, USAGE_RESPONSE, &[("X-Request-Id", "agora-1")]).await;
    let out = client(&server)
        .get_usage()
        .project_id("rxxxxxxj5u")
        .from_date(d("2026-11-01"))
        .to_date(d("2026-11-30"))
        .business(Business::Default)
        .send()
        .await
        .unwrap();
    assert_documented_usage(&out);

    let request = single_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/dev/v3/usage");
    // The vector's query, byte for byte, in the vector's order.
    assert_eq!(request.url.query(), Some(VECTOR_QUERY));
    assert!(request.body.is_empty(), "a GET has no body");
    assert_eq!(header(&request, "content-type"), "application/json");
    assert_eq!(header(&request, "authorization"), VECTOR_AUTHORIZATION);
    assert_eq!(header(&request, "host"), server.address().to_string());
    assert_signature_recomputes(&request);
}

#[tokio::test]
async fn list_projects_vector_request_on_the_wire_and_201_is_a_success() {
    let server = answering(201, PROJECTS_RESPONSE, &[]).await;
    let out = client(&server).list_projects().send().await.unwrap();
    assert_documented_projects(&out);
    let request = single_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/dev/v1/projects");
    assert_eq!(request.url.query(), None);
    assert_eq!(header(&request, "authorization"), VECTOR_AUTHORIZATION);
    assert_eq!(header(&request, "content-type"), "application/json");
    assert_signature_recomputes(&request);
}

#[tokio::test]
async fn errors_are_their_status_and_only_throttling_is_retried() {
    let server = answering(401, PROJECTS_UNAUTHORIZED, &[]).await;
    let err = client(&server).list_projects().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    assert_eq!(err.attempts(), 1, "an auth error is not retried");
    // The credential is never in an error, even base64-encoded.
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(CUSTOMER_SECRET) && !shown.contains(&VECTOR_AUTHORIZATION[6..]));

    let server = answering(429, USAGE_THROTTLED, &[]).await;
    let client = Client::new(
        config()
            .endpoint_url(server.uri())
            .retry_config(
                rtc_usage_core::RetryConfig::standard()
                    .with_initial_backoff(std::time::Duration::from_millis(1)),
            )
            .build()
            .unwrap(),
    )
    .unwrap();
    let err = client
        .get_usage()
        .project_id("rxxxxxxj5u")
        .from_date(d("2026-11-01"))
        .to_date(d("2026-11-30"))
        .business(Business::Default)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Throttled);
    assert_eq!(err.attempts(), 3);
    assert_eq!(received(&server).await.len(), 3);
}

// ---- 3. the App Certificate shows nowhere ---------------------------------------------------

#[tokio::test]
async fn the_raw_json_shows_the_app_certificate_as_stars() {
    let server = answering(201, PROJECTS_RESPONSE, &[]).await;
    let core = rtc_usage_core::Client::new(
        &rtc_usage_agora::VENDOR,
        config().endpoint_url(server.uri()).build().unwrap(),
    )
    .unwrap();
    let op = rtc_usage_core::api::find(rtc_usage_agora::API, "ListProjects", None).unwrap();
    let raw = op.invoke(&core, serde_json::json!({})).await.unwrap();
    let text = raw.to_string();
    for key in SIGN_KEYS {
        assert!(!text.contains(key), "{text}");
    }
    assert_eq!(raw["projects"][0]["sign_key"], "***");
    assert_eq!(raw["projects"][1]["name"], "project2");
    assert_eq!(lp::ListProjects::SECRETS, ["projects[].sign_key"]);

    // The Authorization of a built request is marked sensitive: its Debug shows no credential.
    let prepared = core
        .prepare::<lp::ListProjects>(&ListProjectsRequest::default())
        .unwrap();
    let request = core.sign(&prepared, NOW).unwrap();
    assert!(request.headers()["authorization"].is_sensitive());
    assert!(!format!("{request:?}").contains(&VECTOR_AUTHORIZATION[6..]));

    // An answer that does not decode is quoted redacted.
    let broken = PROJECTS_RESPONSE.replace("\"id\": \"ryyyyyyk6v\",", "\"id\": 7,");
    let server = answering(200, &broken, &[]).await;
    let err = client(&server).list_projects().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    for key in SIGN_KEYS {
        assert!(!err.to_string().contains(key), "{err}");
    }
}

// ---- 4. fail-over hosts -----------------------------------------------------------------------

/// GetUsage with its endpoint replaced: `primary` with the fail-over host `failover`.
fn with_endpoints(primary: String, failover: String) -> &'static OperationDescriptor {
    let failover: &'static [&'static str] = Box::leak(Box::new([&*failover.leak()]));
    let endpoints: &'static [Endpoint] = Box::leak(Box::new([Endpoint {
        region: "global",
        url: primary.leak(),
        failover,
    }]));
    Box::leak(Box::new(OperationDescriptor {
        endpoints,
        ..gu::DESCRIPTOR
    }))
}

static ENDPOINTS: OnceLock<Mutex<Option<&'static OperationDescriptor>>> = OnceLock::new();

/// GetUsage, at the endpoints of [`ENDPOINTS`].
struct Rerouted;

impl Operation for Rerouted {
    type Input = GetUsageRequest;
    type Output = GetUsageResponse;

    fn descriptor() -> &'static OperationDescriptor {
        ENDPOINTS.get().unwrap().lock().unwrap().unwrap()
    }

    fn write_request(
        input: &Self::Input,
        request: &mut rtc_usage_core::RequestParts,
    ) -> Result<(), rtc_usage_core::operation::WireError> {
        GetUsage::write_request(input, request)
    }

    fn time_range(input: &Self::Input) -> rtc_usage_core::validate::TimeRange {
        GetUsage::time_range(input)
    }
}

fn usage_input() -> GetUsageRequest {
    GetUsageRequest::builder()
        .project_id("rxxxxxxj5u")
        .from_date(d("2026-11-01"))
        .to_date(d("2026-11-30"))
        .business(Business::Default)
        .try_into()
        .unwrap()
}

/// A port nothing listens on: bound, then closed.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn a_connection_failure_moves_to_the_failover_host_an_http_error_does_not() {
    let fast = rtc_usage_core::RetryConfig::standard()
        .with_initial_backoff(std::time::Duration::from_millis(1));
    let core = rtc_usage_core::Client::new(
        &rtc_usage_agora::VENDOR,
        config().retry_config(fast).build().unwrap(),
    )
    .unwrap();
    let lock = ENDPOINTS.get_or_init(|| Mutex::new(None));

    // The primary refuses the connection: the retry goes to the fail-over host, re-signed
    // for it (its own Host header).
    let failover = answering(200, USAGE_RESPONSE, &[]).await;
    *lock.lock().unwrap() = Some(with_endpoints(
        format!("http://127.0.0.1:{}", closed_port()),
        failover.uri(),
    ));
    let prepared = core.prepare::<Rerouted>(&usage_input()).unwrap();
    assert_eq!(
        prepared.failover_hosts().collect::<Vec<_>>(),
        [failover.address().to_string()]
    );
    let out = core.execute::<Rerouted>(&usage_input()).await.unwrap();
    assert_documented_usage(&out);
    let request = single_request(&failover).await;
    assert_eq!(header(&request, "host"), failover.address().to_string());
    assert_eq!(request.url.query(), Some(VECTOR_QUERY));
    assert_signature_recomputes(&request);

    // The primary answers 500: retried on the primary, never on the fail-over host.
    let primary = answering(500, r#"{"message": "Internal Server Error"}"#, &[]).await;
    let failover = answering(200, USAGE_RESPONSE, &[]).await;
    *lock.lock().unwrap() = Some(with_endpoints(primary.uri(), failover.uri()));
    let err = core.execute::<Rerouted>(&usage_input()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server, "{err}");
    assert_eq!(received(&primary).await.len(), 3);
    assert!(received(&failover).await.is_empty());
}

/// The spec's documented hosts: the two primary domains, each with the other and the regional
/// names as fail-over hosts.
#[test]
fn the_documented_hosts_are_the_endpoints() {
    for op in rtc_usage_agora::OPERATIONS {
        let global = op.endpoints.iter().find(|e| e.region == "global").unwrap();
        let cn = op.endpoints.iter().find(|e| e.region == "cn").unwrap();
        assert_eq!(global.url, "https://api.agora.io");
        assert_eq!(cn.url, "https://api.sd-rtn.com");
        assert_eq!(global.failover[0], "https://api.sd-rtn.com");
        assert_eq!(cn.failover[0], "https://api.agora.io");
        assert_eq!((global.failover.len(), cn.failover.len()), (9, 9));
        assert_eq!(op.default_region, "global");
    }
}

// ---- 5. refused before any network call -------------------------------------------------------

#[tokio::test]
async fn get_usage_refuses_missing_fields_and_start_after_end() {
    let server = answering(200, USAGE_RESPONSE, &[]).await;
    let client = client(&server);
    let err = client
        .get_usage()
        .from_date(d("2026-11-01"))
        .to_date(d("2026-11-30"))
        .business(Business::Default)
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["project_id"]);
    let err = client
        .get_usage()
        .project_id("rxxxxxxj5u")
        .from_date(d("2026-11-30"))
        .to_date(d("2026-11-01"))
        .business(Business::Default)
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["from_date", "to_date"]);
    assert!(received(&server).await.is_empty());

    // The unconfirmed 31-day span is not enforced: a longer range is sent.
    client
        .get_usage()
        .project_id("rxxxxxxj5u")
        .from_date(d("2021-10-12"))
        .to_date(d("2021-12-14"))
        .business(Business::Unknown("newKind".into()))
        .send()
        .await
        .unwrap();
    let request = single_request(&server).await;
    assert_eq!(
        request.url.query(),
        Some("project_id=rxxxxxxj5u&from_date=2021-10-12&to_date=2021-12-14&business=newKind")
    );
}

// ---- 6. the account's rate limit, and a stub client --------------------------------------------

#[test]
fn both_operations_share_the_accounts_rate_limit() {
    for op in rtc_usage_agora::OPERATIONS {
        let rate = op.limits.rate.unwrap();
        assert_eq!((rate.requests, rate.per.as_secs()), (10, 1), "{}", op.name);
        assert_eq!(rate.scope, RateScope::Account, "{}", op.name);
    }
    let lookup = gu::DESCRIPTOR.usage.unwrap().app.lookup.unwrap();
    assert_eq!(
        (lookup.operation, lookup.rows, lookup.key, lookup.value),
        ("ListProjects", "projects", "vendor_key", "id")
    );
}

#[derive(Debug, Default)]
struct Canned {
    seen: Arc<Mutex<Vec<GetUsageRequest>>>,
}

impl stub::AgoraStub for Canned {
    fn get_usage(&self, input: GetUsageRequest) -> BoxFuture<'_, Result<GetUsageResponse, Error>> {
        self.seen.lock().unwrap().push(input);
        Box::pin(async { Ok(serde_json::from_str(USAGE_NUMBER_DATE).unwrap()) })
    }
}

#[tokio::test]
async fn a_stub_answers_what_it_implements_and_nothing_else() {
    let stub = Canned::default();
    let seen = Arc::clone(&stub.seen);
    let client = Client::from_stub(stub);
    let out = client
        .get_usage()
        .project_id("p1")
        .from_date(d("2026-11-01"))
        .to_date(d("2026-11-02"))
        .business(Business::CloudRecording)
        .send()
        .await
        .unwrap();
    assert_eq!(out.usages.len(), 1);
    assert_eq!(seen.lock().unwrap()[0].business, Business::CloudRecording);
    let err = client
        .list_projects()
        .input(ListProjectsRequest::default())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unimplemented);
    assert_eq!(err.operation(), "ListProjects");
}
