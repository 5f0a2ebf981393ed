//! Hand-written tests of the generated Tencent Cloud client, against the documented example of
//! `specs/tencent/describe_trtc_usage.yaml`:
//!
//! 1. the documented answer decodes with every value checked;
//! 2. the fluent builder puts exactly the (corrected) documented request on the wire (to a local
//!    mock server), and the `Authorization` it carries is recomputed from what the server
//!    received;
//! 3. bad input is refused before any network call;
//! 4. a stub client stands in for the vendor.

use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rtc_usage_core::testing::wire::{
    SigningContext, answering, assert_refused, auth_part, header, received, single_request,
};
use rtc_usage_core::{AuthScheme, BoxFuture, FixedClock};
use rtc_usage_tencent::describe_trtc_usage::{self as dtu, TrtcUsage};
use rtc_usage_tencent::{
    Client, Config, Credentials, DescribeTrtcUsageRequest, DescribeTrtcUsageResponse, Error,
    ErrorKind, stub,
};
use serde_json::Value;
use wiremock::{MockServer, Request};

const AK: &str = "AKIDEXAMPLESECRETID";
const SK: &str = "EXAMPLESECRETKEY";
/// 2023-11-14T22:13:20Z.
const NOW: i64 = 1_700_000_000;

// ---- the documented example, verbatim ---------------------------------------------------------

/// `specs/tencent/describe_trtc_usage.yaml`, example `documented`, `request.body`: the document's
/// request, whose two dates are swapped (note `swapped-example-dates`).
const DOCUMENTED_REQUEST: &str = r#"{
    "EndTime": "2022-01-01",
    "StartTime": "2022-01-02",
    "SdkAppId": 1400123456
}
"#;

/// `specs/tencent/describe_trtc_usage.yaml`, example `documented`, `corrected.body`.
const CORRECTED_REQUEST: &str = r#"{
    "EndTime": "2022-01-02",
    "StartTime": "2022-01-01",
    "SdkAppId": 1400123456
}
"#;

/// `specs/tencent/describe_trtc_usage.yaml`, example `documented`, `response.body` (status 200).
const DOCUMENTED_RESPONSE: &str = r#"{
    "Response": {
        "UsageKey": [
            "Audio",
            "SD",
            "HD",
            "FullHD",
            "2K",
            "4K"
        ],
        "UsageList": [
            {
                "TimeKey": "2022-01-01 00:00:00",
                "UsageValue": [
                    10,
                    20,
                    30,
                    40,
                    50,
                    60
                ]
            },
            {
                "TimeKey": "2022-01-02 00:00:00",
                "UsageValue": [
                    10,
                    20,
                    30,
                    40,
                    50,
                    60
                ]
            }
        ],
        "RequestId": "xx"
    }
}
"#;

// ---- helpers ----------------------------------------------------------------------------------

fn d(date: &str) -> NaiveDate {
    date.parse().unwrap()
}

fn credentials() -> Credentials {
    Credentials::new(AK, SK)
}

fn client(server: &MockServer) -> Client {
    Client::new(
        Config::builder()
            .credentials(credentials())
            .endpoint_url(server.uri())
            .clock(Arc::new(FixedClock::from_unix(NOW).unwrap()))
            .build()
            .unwrap(),
    )
    .unwrap()
}

/// Headers a TC3 request may carry without signing them. TC3 signs only `content-type;host`
/// (the official SDK too, `reference/signing.md`): the `X-TC-*` common parameters travel
/// unsigned, as do `Accept`, `User-Agent`, the signature itself and what the HTTP layer adds.
const UNSIGNED_ALLOWED: &[&str] = &[
    "authorization",
    "content-length",
    "accept-encoding",
    "connection",
    "user-agent",
    "accept",
    "x-tc-action",
    "x-tc-requestclient",
    "x-tc-timestamp",
    "x-tc-version",
    "x-tc-region",
];

/// The Authorization that arrived is recomputed from what the server received, with the
/// received `X-TC-Action`/`X-TC-Version`/`X-TC-Region`/`X-TC-RequestClient`.
fn assert_signature_recomputes(request: &Request) {
    let context = SigningContext {
        scheme: AuthScheme::Tc3HmacSha256,
        credentials: &credentials(),
        region: header(request, "x-tc-region"),
        service: "trtc",
        action: header(request, "x-tc-action"),
        version: header(request, "x-tc-version"),
        timestamp: NOW,
        request_client: Some(header(request, "x-tc-requestclient")),
    };
    rtc_usage_core::testing::wire::assert_signature_recomputes(request, context, UNSIGNED_ALLOWED);
}

fn assert_documented_usage(out: &DescribeTrtcUsageResponse) {
    assert_eq!(out.usage_key, ["Audio", "SD", "HD", "FullHD", "2K", "4K"]);
    assert_eq!(out.request_id, "xx");
    assert_eq!(out.usage_list.len(), 2);
    for (usage, key) in out
        .usage_list
        .iter()
        .zip(["2022-01-01 00:00:00", "2022-01-02 00:00:00"])
    {
        assert_eq!(usage.time_key, key);
        assert_eq!(usage.time_stamp_key, None);
        assert_eq!(usage.usage_value, [10.0_f64, 20.0, 30.0, 40.0, 50.0, 60.0]);
    }
}

// ---- 1. documented answer -----------------------------------------------------------------------

#[test]
fn describe_trtc_usage_documented_response_decodes_every_value() {
    let out: DescribeTrtcUsageResponse = rtc_usage_core::envelope::decode(
        &dtu::DESCRIPTOR,
        200,
        None,
        DOCUMENTED_RESPONSE.as_bytes(),
    )
    .unwrap();
    assert_documented_usage(&out);
}

// ---- 2. the request on the wire -----------------------------------------------------------------

#[tokio::test]
async fn describe_trtc_usage_corrected_documented_request_on_the_wire() {
    let server = answering(200, DOCUMENTED_RESPONSE, &[]).await;
    let out = client(&server)
        .describe_trtc_usage()
        .start_time(d("2022-01-01"))
        .end_time(d("2022-01-02"))
        .sdk_app_id(1_400_123_456_u64)
        .send()
        .await
        .unwrap();
    assert_documented_usage(&out);

    let request = single_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/");
    assert_eq!(request.url.query(), None, "TC3 POST sends no query");
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    let corrected: Value = serde_json::from_str(CORRECTED_REQUEST).unwrap();
    assert_eq!(body, corrected);
    assert_eq!(
        std::str::from_utf8(&request.body).unwrap(),
        r#"{"StartTime":"2022-01-01","EndTime":"2022-01-02","SdkAppId":1400123456}"#
    );
    assert_eq!(header(&request, "content-type"), "application/json");
    assert_eq!(header(&request, "host"), server.address().to_string());
    assert_eq!(header(&request, "x-tc-timestamp"), "1700000000");
    assert_eq!(header(&request, "x-tc-action"), "DescribeTrtcUsage");
    assert_eq!(header(&request, "x-tc-version"), "2019-07-22");
    assert_eq!(header(&request, "x-tc-region"), "ap-guangzhou");
    assert_eq!(
        header(&request, "x-tc-requestclient"),
        rtc_usage_core::config::USER_AGENT
    );
    let authorization = header(&request, "authorization");
    assert!(
        authorization.starts_with("TC3-HMAC-SHA256 "),
        "{authorization}"
    );
    assert_eq!(
        auth_part(authorization, "Credential"),
        format!("{AK}/2023-11-14/trtc/tc3_request")
    );
    assert_eq!(
        auth_part(authorization, "SignedHeaders"),
        "content-type;host"
    );
    assert_signature_recomputes(&request);
}

// ---- 3. refused before any network call ---------------------------------------------------------

#[tokio::test]
async fn describe_trtc_usage_refuses_a_missing_required_field() {
    let server = answering(200, DOCUMENTED_RESPONSE, &[]).await;
    let err = client(&server)
        .describe_trtc_usage()
        .end_time(d("2022-01-02"))
        .sdk_app_id(1_400_123_456_u64)
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["start_time"]);
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn describe_trtc_usage_refuses_the_uncorrected_documented_request() {
    let documented: Value = serde_json::from_str(DOCUMENTED_REQUEST).unwrap();
    let server = answering(200, DOCUMENTED_RESPONSE, &[]).await;
    let err = client(&server)
        .describe_trtc_usage()
        .start_time(d(documented["StartTime"].as_str().unwrap()))
        .end_time(d(documented["EndTime"].as_str().unwrap()))
        .sdk_app_id(documented["SdkAppId"].as_u64().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["StartTime", "EndTime", "2022-01-02", "2022-01-01"]);
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn describe_trtc_usage_refuses_32_inclusive_days_and_sends_31() {
    let server = answering(200, DOCUMENTED_RESPONSE, &[]).await;
    let client = client(&server);
    let call = |start: &str, end: &str| {
        client
            .describe_trtc_usage()
            .start_time(d(start))
            .end_time(d(end))
            .send()
    };
    // 2022-01-01..=2022-02-01 is 32 days.
    let err = call("2022-01-01", "2022-02-01").await.unwrap_err();
    assert_refused(&err, &["31 days"]);
    assert!(received(&server).await.is_empty());
    // 2022-01-01..=2022-01-31 is 31 days: allowed.
    call("2022-01-01", "2022-01-31").await.unwrap();
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(
        std::str::from_utf8(&requests[0].body).unwrap(),
        r#"{"StartTime":"2022-01-01","EndTime":"2022-01-31"}"#,
        "no SdkAppId when none is set"
    );
}

// ---- 4. a stub client ---------------------------------------------------------------------------

/// Implements `DescribeTrtcUsage`, recording what it is asked.
#[derive(Debug, Default)]
struct Canned {
    seen: Arc<Mutex<Vec<DescribeTrtcUsageRequest>>>,
}

/// Implements nothing.
#[derive(Debug)]
struct Nothing;

impl stub::TencentStub for Nothing {}

fn canned_usage() -> DescribeTrtcUsageResponse {
    let bucket: TrtcUsage = TrtcUsage::builder()
        .time_key("2022-01-01 00:00:00")
        .time_stamp_key(1_640_966_400_u64)
        .usage_value(vec![1.5, 2.0])
        .try_into()
        .unwrap();
    DescribeTrtcUsageResponse::builder()
        .request_id("stub-request")
        .usage_key(vec!["Audio".to_owned(), "SD".to_owned()])
        .usage_list(vec![bucket])
        .try_into()
        .unwrap()
}

impl stub::TencentStub for Canned {
    fn describe_trtc_usage(
        &self,
        input: DescribeTrtcUsageRequest,
    ) -> BoxFuture<'_, Result<DescribeTrtcUsageResponse, Error>> {
        self.seen.lock().unwrap().push(input);
        Box::pin(async { Ok(canned_usage()) })
    }
}

#[tokio::test]
async fn stub_client_returns_the_canned_answer_and_unimplemented_otherwise() {
    let stub = Canned::default();
    let seen = Arc::clone(&stub.seen);
    let out = Client::from_stub(stub)
        .describe_trtc_usage()
        .start_time(d("2022-01-01"))
        .end_time(d("2022-01-02"))
        .sdk_app_id(1_400_123_456_u64)
        .send()
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&out).unwrap(),
        serde_json::json!({
            "RequestId": "stub-request",
            "UsageKey": ["Audio", "SD"],
            "UsageList": [{"TimeKey": "2022-01-01 00:00:00", "TimeStampKey": 1640966400_u64,
                "UsageValue": [1.5, 2.0]}],
        })
    );
    assert_eq!(
        serde_json::to_value(&out).unwrap(),
        serde_json::to_value(canned_usage()).unwrap()
    );
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].start_time, d("2022-01-01"));
        assert_eq!(seen[0].end_time, d("2022-01-02"));
        assert_eq!(seen[0].sdk_app_id, Some(1_400_123_456));
    }

    let err = Client::from_stub(Nothing)
        .describe_trtc_usage()
        .start_time(d("2022-01-01"))
        .end_time(d("2022-01-02"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unimplemented, "{err}");
    assert_eq!(err.operation(), "DescribeTrtcUsage");
    assert_eq!(err.vendor(), "tencent");
}

// ---- 5. the related usage operations ------------------------------------------------------------
//
// `specs/tencent/describe_recording_usage.yaml`, `describe_mix_transcoding_usage.yaml` and
// `describe_relay_usage.yaml`: the (corrected) example request of each on the wire, its answer
// decoded, and the generic `API` entry sending the very same request.

/// `specs/tencent/describe_recording_usage.yaml`, example `documented`, `response.body`.
const RECORDING_RESPONSE: &str = r#"{
    "Response": {
        "UsageKey": [
            "Audio",
            "SD",
            "HD",
            "FullHD",
            "2K",
            "4K"
        ],
        "UsageList": [
            {
                "TimeKey": "2022-01-01 00:00:00",
                "UsageValue": [
                    10,
                    20,
                    30,
                    40,
                    50,
                    60
                ]
            },
            {
                "TimeKey": "2022-01-02 00:00:00",
                "UsageValue": [
                    10,
                    20,
                    30,
                    40,
                    50,
                    60
                ]
            }
        ],
        "RequestId": "abc"
    }
}
"#;

/// `specs/tencent/describe_mix_transcoding_usage.yaml`, example `documented`, `response.body`.
const MIX_TRANSCODING_RESPONSE: &str = r#"{
    "Response": {
        "UsageKey": [
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
        ],
        "UsageList": [
            {
                "TimeKey": "2022-01-01 00:00:00",
                "UsageValue": [
                    10,
                    20,
                    30,
                    40,
                    50,
                    60,
                    70,
                    80,
                    90,
                    100,
                    110
                ]
            },
            {
                "TimeKey": "2022-01-02 00:00:00",
                "UsageValue": [
                    10,
                    20,
                    30,
                    40,
                    50,
                    60,
                    70,
                    80,
                    90,
                    100,
                    110
                ]
            }
        ],
        "RequestId": "6def28d59b9384b4de4e1d818da57ae0"
    }
}
"#;

/// `specs/tencent/describe_relay_usage.yaml`, example `documented`, `response.body`.
const RELAY_RESPONSE: &str = r#"{
    "Response": {
        "UsageKey": [
            "Bandwidth"
        ],
        "UsageList": [
            {
                "TimeKey": "2022-01-01 00:00:00",
                "UsageValue": [
                    10.11
                ]
            },
            {
                "TimeKey": "2022-01-02 00:00:00",
                "UsageValue": [
                    10.11
                ]
            }
        ],
        "RequestId": "abc"
    }
}
"#;

/// The corrected example request of `specs/tencent/describe_recording_usage.yaml`, as the
/// client serializes it (spec parameter order).
const RECORDING_WIRE_BODY: &str =
    r#"{"StartTime":"2022-01-01","EndTime":"2022-01-02","MixType":"single","SdkAppId":1400123456}"#;

/// The corrected example request of the mix-transcoding and relay specs, as sent.
const PLAIN_WIRE_BODY: &str =
    r#"{"StartTime":"2022-01-01","EndTime":"2022-01-02","SdkAppId":1400123456}"#;

/// The one request `server` received is `action` with exactly `body`, signed like
/// DescribeTrtcUsage's.
async fn assert_related_request(server: &MockServer, action: &str, body: &str) {
    let request = single_request(server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/");
    assert_eq!(request.url.query(), None, "TC3 POST sends no query");
    assert_eq!(std::str::from_utf8(&request.body).unwrap(), body);
    assert_eq!(header(&request, "x-tc-action"), action);
    assert_eq!(header(&request, "x-tc-version"), "2019-07-22");
    assert_eq!(header(&request, "x-tc-region"), "ap-guangzhou");
    assert_eq!(header(&request, "x-tc-timestamp"), "1700000000");
    assert_eq!(
        auth_part(header(&request, "authorization"), "SignedHeaders"),
        "content-type;host"
    );
    assert_signature_recomputes(&request);
}

/// The two daily buckets of the examples, each with `values`.
fn assert_two_days(time_keys: Vec<&str>, values: Vec<&Vec<f64>>, expected: &[f64]) {
    assert_eq!(time_keys, ["2022-01-01 00:00:00", "2022-01-02 00:00:00"]);
    assert_eq!(values.len(), 2);
    for v in values {
        assert_eq!(v, expected);
    }
}

#[tokio::test]
async fn describe_recording_usage_corrected_example_request_on_the_wire() {
    use rtc_usage_tencent::describe_recording_usage::MixType;
    let server = answering(200, RECORDING_RESPONSE, &[]).await;
    let out = client(&server)
        .describe_recording_usage()
        .start_time(d("2022-01-01"))
        .end_time(d("2022-01-02"))
        .mix_type(MixType::Single)
        .sdk_app_id(1_400_123_456_u64)
        .send()
        .await
        .unwrap();
    assert_eq!(out.usage_key, ["Audio", "SD", "HD", "FullHD", "2K", "4K"]);
    assert_eq!(out.request_id, "abc");
    assert_two_days(
        out.usage_list.iter().map(|u| u.time_key.as_str()).collect(),
        out.usage_list.iter().map(|u| &u.usage_value).collect(),
        &[10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
    );
    assert!(out.usage_list.iter().all(|u| u.time_stamp_key.is_none()));
    assert_related_request(&server, "DescribeRecordingUsage", RECORDING_WIRE_BODY).await;
}

#[tokio::test]
async fn describe_recording_usage_refuses_a_missing_mix_type_and_swapped_dates() {
    use rtc_usage_tencent::describe_recording_usage::MixType;
    let server = answering(200, RECORDING_RESPONSE, &[]).await;
    let client = client(&server);
    let err = client
        .describe_recording_usage()
        .start_time(d("2022-01-01"))
        .end_time(d("2022-01-02"))
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["mix_type"]);
    // The example's own request, dates swapped (note `swapped-example-dates`).
    let err = client
        .describe_recording_usage()
        .start_time(d("2022-01-02"))
        .end_time(d("2022-01-01"))
        .mix_type(MixType::Single)
        .sdk_app_id(1_400_123_456_u64)
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["StartTime", "EndTime"]);
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn describe_mix_transcoding_usage_corrected_example_request_on_the_wire() {
    let server = answering(200, MIX_TRANSCODING_RESPONSE, &[]).await;
    let out = client(&server)
        .describe_mix_transcoding_usage()
        .start_time(d("2022-01-01"))
        .end_time(d("2022-01-02"))
        .sdk_app_id(1_400_123_456_u64)
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.usage_key,
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
    assert_eq!(out.request_id, "6def28d59b9384b4de4e1d818da57ae0");
    assert_two_days(
        out.usage_list.iter().map(|u| u.time_key.as_str()).collect(),
        out.usage_list.iter().map(|u| &u.usage_value).collect(),
        &[
            10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0, 110.0,
        ],
    );
    assert_related_request(&server, "DescribeMixTranscodingUsage", PLAIN_WIRE_BODY).await;
}

#[tokio::test]
async fn describe_relay_usage_corrected_example_request_on_the_wire() {
    let server = answering(200, RELAY_RESPONSE, &[]).await;
    let out = client(&server)
        .describe_relay_usage()
        .start_time(d("2022-01-01"))
        .end_time(d("2022-01-02"))
        .sdk_app_id(1_400_123_456_u64)
        .send()
        .await
        .unwrap();
    assert_eq!(out.usage_key, ["Bandwidth"]);
    assert_eq!(out.request_id, "abc");
    assert_two_days(
        out.usage_list.iter().map(|u| u.time_key.as_str()).collect(),
        out.usage_list.iter().map(|u| &u.usage_value).collect(),
        &[10.11],
    );
    assert_related_request(&server, "DescribeRelayUsage", PLAIN_WIRE_BODY).await;
}

/// The generated `API` table calls each related operation with JSON keyed by wire names: the
/// same bytes on the wire as the typed client, and the answer's `Response` as it came.
#[tokio::test]
async fn the_generic_api_entry_sends_what_the_typed_client_sends() {
    for (name, response, input, wire) in [
        (
            "DescribeRecordingUsage",
            RECORDING_RESPONSE,
            serde_json::json!({"EndTime": "2022-01-02", "StartTime": "2022-01-01",
                "SdkAppId": 1400123456, "MixType": "single"}),
            RECORDING_WIRE_BODY,
        ),
        (
            "describe_mix_transcoding_usage",
            MIX_TRANSCODING_RESPONSE,
            serde_json::json!({"EndTime": "2022-01-02", "StartTime": "2022-01-01",
                "SdkAppId": 1400123456}),
            PLAIN_WIRE_BODY,
        ),
        (
            "describerelayusage",
            RELAY_RESPONSE,
            serde_json::json!({"EndTime": "2022-01-02", "StartTime": "2022-01-01",
                "SdkAppId": 1400123456}),
            PLAIN_WIRE_BODY,
        ),
    ] {
        let op = rtc_usage_core::api::find(rtc_usage_tencent::API, name, None).unwrap();
        let server = answering(200, response, &[]).await;
        let core = rtc_usage_core::Client::new(
            &rtc_usage_tencent::VENDOR,
            Config::builder()
                .credentials(credentials())
                .endpoint_url(server.uri())
                .clock(Arc::new(FixedClock::from_unix(NOW).unwrap()))
                .build()
                .unwrap(),
        )
        .unwrap();
        let payload = op.invoke(&core, input).await.unwrap();
        let documented: Value = serde_json::from_str(response).unwrap();
        assert_eq!(payload, documented["Response"], "{name}");
        assert_related_request(&server, op.descriptor.name, wire).await;
    }
}
