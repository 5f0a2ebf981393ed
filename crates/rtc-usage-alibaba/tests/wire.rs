//! Hand-written tests of the generated Alibaba Cloud ARTC client, against the examples of
//! `specs/alibaba/describe_live_grtn_duration.yaml` and
//! `specs/alibaba/describe_live_rtc_record_usage_data.yaml`:
//!
//! 1. the documented answers (200, 400 and 404) decode with every value checked;
//! 2. the fluent builder puts exactly the documented request on the wire (to a local mock
//!    server), and the `Authorization` it carries is recomputed from what the server received;
//! 3. bad input is refused before any network call;
//! 4. a stub client stands in for the vendor, and the generic `API` entry sends what the
//!    typed client sends.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset};
use rtc_usage_alibaba::describe_live_grtn_duration::{Area, Interval, MediaProfile, MediaType};
use rtc_usage_alibaba::describe_live_rtc_record_usage_data::{self as rec, RecordMode};
use rtc_usage_alibaba::{
    Client, Config, Credentials, DescribeLiveGrtnDurationRequest, DescribeLiveGrtnDurationResponse,
    DescribeLiveRtcRecordUsageDataResponse, Error, ErrorKind, describe_live_grtn_duration as grtn,
    stub,
};
use rtc_usage_core::testing::wire::{
    SigningContext, answering, assert_refused, auth_part, header, received, single_request,
};
use rtc_usage_core::{AuthScheme, BoxFuture, FixedClock};
use wiremock::{MockServer, Request};

const AK: &str = "LTAI5tExampleAccessKeyId";
const SK: &str = "ExampleAccessKeySecret0000000000";
/// 2026-11-02T03:04:05Z: both examples' ranges are within the last 90 days.
const NOW: i64 = 1_793_588_645;

// ---- the documented examples, verbatim --------------------------------------------------------

/// `describe_live_grtn_duration.yaml`, examples `documented` and `documented_error`,
/// `request.url` (the official client's, from a signing vector).
const GRTN_URL: &str = "https://live.aliyuncs.com/?AppId=app-one%2Capp-two%2Capp-three&Area=OverSeas&EndTime=2026-10-31T00%3A00%3A00Z&Interval=86400&StartTime=2026-10-01T00%3A00%3A00Z";

/// `describe_live_grtn_duration.yaml`, example `documented`, `response.body` (status 200).
const GRTN_RESPONSE: &str = r#"{
  "RequestId": "C0B3F9A1-5D5E-4B8B-9C3A-0E5B2E6A7F10",
  "StreamDetailData": {
    "StreamData": [
      {"AppId": "app-one", "Duration": 120, "MediaProfile": "0", "MediaType": "audio", "TimeStamp": "2026-10-01T00:00:00Z"},
      {"AppId": "app-one", "Duration": 45, "MediaProfile": "720P", "MediaType": "video", "TimeStamp": "2026-10-01T00:00:00Z"},
      {"AppId": "app-two", "Duration": 30, "MediaProfile": "480P", "MediaType": "video", "TimeStamp": "2026-10-01T00:00:00Z"},
      {"AppId": "app-three", "Duration": 12, "MediaProfile": "1080P", "MediaType": "video", "TimeStamp": "2026-10-02T00:00:00Z"}
    ]
  }
}
"#;

/// `describe_live_grtn_duration.yaml`, example `documented_error`, `response.body` (status
/// 400).
const GRTN_ERROR: &str = r#"{
  "RequestId": "9E7B6A52-3C1D-4F0E-8A2B-1D4C5E6F7A80",
  "HostId": "live.aliyuncs.com",
  "Code": "SignatureDoesNotMatch",
  "Message": "Specified signature is not matched with our calculation.",
  "Recommend": "https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch&product=live"
}
"#;

/// `describe_live_rtc_record_usage_data.yaml`, examples `documented` and `documented_error`,
/// `request.url`.
const RECORD_URL: &str = "https://live.aliyuncs.com/?AppId=7fd341b3-c6fa-43e1-96b8-7295a1dd0001&EndTime=2026-11-08T00%3A00%3A00Z&Interval=86400&RecordMode=0&StartTime=2026-11-01T00%3A00%3A00Z";

/// `describe_live_rtc_record_usage_data.yaml`, example `documented`, `response.body` (status
/// 200): the TS SDK model's figures, whose total (150) is not the sum of the tiers (100).
const RECORD_RESPONSE: &str = r#"{
  "RequestId": "3B5C7D9E-1F2A-4B6C-8D0E-2F4A6B8C0D1E",
  "AppId": "7fd341b3-c6fa-43e1-96b8-7295a1dd0001",
  "RecordMode": "0",
  "TotalSummaryDuration": 150,
  "AudioSummaryDuration": 20,
  "V480SummaryDuration": 30,
  "V720SummaryDuration": 40,
  "V1080SummaryDuration": 10,
  "Data": [
    {
      "Timestamp": "2026-11-01T00:00:00Z",
      "TotalDuration": 150,
      "AudioDuration": 20,
      "V480Duration": 30,
      "V720Duration": 40,
      "V1080Duration": 10
    }
  ]
}
"#;

/// `describe_live_rtc_record_usage_data.yaml`, example `documented_error`, `response.body`
/// (status 404).
const RECORD_ERROR: &str = r#"{
  "RequestId": "5D7E9F1A-3B4C-4D6E-8F0A-4B6C8D0E2F3A",
  "HostId": "live.aliyuncs.com",
  "Code": "InvalidAccessKeyId.NotFound",
  "Message": "Specified access key is not found.",
  "Recommend": "https://api.aliyun.com/troubleshoot?q=InvalidAccessKeyId.NotFound&product=live"
}
"#;

/// What the official client signs and what this one signs: every header it sends.
const SIGNED_HEADERS: &str = "accept;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version";

// ---- helpers ----------------------------------------------------------------------------------

fn t(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn credentials() -> Credentials {
    Credentials::new(AK, SK)
}

fn client_with(server: &MockServer, credentials: Credentials) -> Client {
    Client::new(
        Config::builder()
            .credentials(credentials)
            .endpoint_url(server.uri())
            .clock(Arc::new(FixedClock::from_unix(NOW).unwrap()))
            .build()
            .unwrap(),
    )
    .unwrap()
}

fn client(server: &MockServer) -> Client {
    client_with(server, credentials())
}

/// ACS3 signs every header the client sends: only the signature itself and the HTTP layer's
/// `Content-Length` may arrive unsigned.
const UNSIGNED_ALLOWED: &[&str] = &["authorization", "content-length"];

/// The Authorization that arrived is recomputed from what the server received, for the
/// operation `action`.
fn assert_signature_recomputes(request: &Request, credentials: &Credentials, action: &str) {
    let context = SigningContext {
        scheme: AuthScheme::Acs3HmacSha256,
        credentials,
        region: "cn-shanghai",
        service: "live",
        action,
        version: "2016-11-01",
        timestamp: NOW,
        request_client: None,
    };
    rtc_usage_core::testing::wire::assert_signature_recomputes(request, context, UNSIGNED_ALLOWED);
}

/// The query of a documented URL, as it is written.
fn documented_query(url: &str) -> &str {
    url.split_once('?').unwrap().1
}

/// An RPC request as the official client sends it: POST /, an empty body, no Content-Type,
/// the action and version in their headers, the date, a nonce, the body's hash.
fn assert_rpc_request(request: &Request, action: &str) {
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/");
    assert!(request.body.is_empty(), "RPC style: the body is empty");
    assert!(request.headers.get("content-type").is_none());
    assert_eq!(header(request, "x-acs-action"), action);
    assert_eq!(header(request, "x-acs-version"), "2016-11-01");
    assert_eq!(header(request, "x-acs-date"), "2026-11-02T03:04:05Z");
    assert_eq!(
        header(request, "x-acs-content-sha256"),
        rtc_usage_core::signing::EMPTY_SHA256
    );
    let nonce = header(request, "x-acs-signature-nonce");
    assert!(
        nonce.len() == 32 && nonce.bytes().all(|b| b.is_ascii_hexdigit()),
        "{nonce}"
    );
    let authorization = header(request, "authorization");
    assert!(
        authorization.starts_with("ACS3-HMAC-SHA256 Credential="),
        "{authorization}"
    );
    assert!(!authorization.contains(", "), "no space after the commas");
}

fn assert_documented_grtn(out: &DescribeLiveGrtnDurationResponse) {
    assert_eq!(
        out.request_id.as_deref(),
        Some("C0B3F9A1-5D5E-4B8B-9C3A-0E5B2E6A7F10")
    );
    let rows = &out.stream_detail_data.stream_data;
    let expected = [
        (
            "app-one",
            120,
            MediaProfile::V0,
            MediaType::Audio,
            "2026-10-01T00:00:00Z",
        ),
        (
            "app-one",
            45,
            MediaProfile::V720p,
            MediaType::Video,
            "2026-10-01T00:00:00Z",
        ),
        (
            "app-two",
            30,
            MediaProfile::V480p,
            MediaType::Video,
            "2026-10-01T00:00:00Z",
        ),
        (
            "app-three",
            12,
            MediaProfile::V1080p,
            MediaType::Video,
            "2026-10-02T00:00:00Z",
        ),
    ];
    assert_eq!(rows.len(), expected.len());
    for (row, (app, minutes, profile, media, at)) in rows.iter().zip(expected) {
        assert_eq!(row.app_id.as_deref(), Some(app));
        assert_eq!(row.duration, minutes);
        assert_eq!(row.media_profile, profile);
        assert_eq!(row.media_type, Some(media));
        assert_eq!(row.time_stamp, t(at));
    }
    // The audio profile is the string "0".
    assert_eq!(rows[0].media_profile.as_str(), "0");
}

fn assert_documented_record(out: &DescribeLiveRtcRecordUsageDataResponse) {
    assert_eq!(
        out.app_id.as_deref(),
        Some("7fd341b3-c6fa-43e1-96b8-7295a1dd0001")
    );
    assert_eq!(out.record_mode.as_deref(), Some("0"));
    assert_eq!(out.total_summary_duration, Some(150.0));
    assert_eq!(out.audio_summary_duration, Some(20.0));
    assert_eq!(out.v480_summary_duration, Some(30.0));
    assert_eq!(out.v720_summary_duration, Some(40.0));
    assert_eq!(out.v1080_summary_duration, Some(10.0));
    assert_eq!(out.data.len(), 1);
    let day = &out.data[0];
    assert_eq!(day.timestamp, t("2026-11-01T00:00:00Z"));
    assert_eq!(
        (
            day.audio_duration,
            day.v480_duration,
            day.v720_duration,
            day.v1080_duration
        ),
        (20.0, 30.0, 40.0, 10.0)
    );
    // Kept as the vendor reports it, never derived (note totals-do-not-add-up).
    assert_eq!(day.total_duration, 150.0);
}

fn assert_documented_error(err: &Error, kind: ErrorKind, code: &str, status: u16, id: &str) {
    assert_eq!(err.kind(), kind, "{err}");
    assert_eq!(err.code(), Some(code));
    assert!(
        err.message()
            .contains("troubleshooting: https://api.aliyun.com/"),
        "{err}"
    );
    assert_eq!(err.http_status(), Some(status));
    assert_eq!(err.request_id(), Some(id));
    assert_eq!(err.vendor(), "alibaba");
}

// ---- 1. documented answers ----------------------------------------------------------------------

#[test]
fn documented_answers_decode_every_value() {
    let out: DescribeLiveGrtnDurationResponse =
        rtc_usage_core::envelope::decode(&grtn::DESCRIPTOR, 200, None, GRTN_RESPONSE.as_bytes())
            .unwrap();
    assert_documented_grtn(&out);
    let out: DescribeLiveRtcRecordUsageDataResponse =
        rtc_usage_core::envelope::decode(&rec::DESCRIPTOR, 200, None, RECORD_RESPONSE.as_bytes())
            .unwrap();
    assert_documented_record(&out);
}

#[test]
fn documented_errors_decode_with_their_codes() {
    let err = rtc_usage_core::envelope::decode::<DescribeLiveGrtnDurationResponse>(
        &grtn::DESCRIPTOR,
        400,
        None,
        GRTN_ERROR.as_bytes(),
    )
    .unwrap_err();
    assert_documented_error(
        &err,
        ErrorKind::Auth,
        "SignatureDoesNotMatch",
        400,
        "9E7B6A52-3C1D-4F0E-8A2B-1D4C5E6F7A80",
    );
    let err = rtc_usage_core::envelope::decode::<DescribeLiveRtcRecordUsageDataResponse>(
        &rec::DESCRIPTOR,
        404,
        None,
        RECORD_ERROR.as_bytes(),
    )
    .unwrap_err();
    assert_documented_error(
        &err,
        ErrorKind::Auth,
        "InvalidAccessKeyId.NotFound",
        404,
        "5D7E9F1A-3B4C-4D6E-8F0A-4B6C8D0E2F3A",
    );
    assert!(
        err.message().contains("ALIBABA_CLOUD_ACCESS_KEY_ID"),
        "{err}"
    );
}

// ---- 2. the request on the wire -----------------------------------------------------------------

#[tokio::test]
async fn grtn_documented_request_on_the_wire() {
    let server = answering(200, GRTN_RESPONSE, &[]).await;
    let out = client(&server)
        .describe_live_grtn_duration()
        .app_id("app-one,app-two,app-three".to_owned())
        .area(Area::OverSeas)
        .end_time(t("2026-10-31T00:00:00Z"))
        .interval(Interval::V86400)
        .start_time(t("2026-10-01T00:00:00Z"))
        .send()
        .await
        .unwrap();
    assert_documented_grtn(&out);

    let request = single_request(&server).await;
    assert_rpc_request(&request, "DescribeLiveGrtnDuration");
    // The official client's query, byte for byte (sorted, `%2C`, `%3A`, `Z` for UTC).
    assert_eq!(request.url.query(), Some(documented_query(GRTN_URL)));
    assert_eq!(header(&request, "host"), server.address().to_string());
    let authorization = header(&request, "authorization");
    assert_eq!(auth_part(authorization, "Credential"), AK);
    assert_eq!(auth_part(authorization, "SignedHeaders"), SIGNED_HEADERS);
    assert_signature_recomputes(&request, &credentials(), "DescribeLiveGrtnDuration");
}

#[tokio::test]
async fn record_documented_request_on_the_wire() {
    let server = answering(200, RECORD_RESPONSE, &[]).await;
    let out = client(&server)
        .describe_live_rtc_record_usage_data()
        .app_id("7fd341b3-c6fa-43e1-96b8-7295a1dd0001")
        .end_time(t("2026-11-08T00:00:00Z"))
        .interval(rec::Interval::V86400)
        .record_mode(RecordMode::V0)
        .start_time(t("2026-11-01T00:00:00Z"))
        .send()
        .await
        .unwrap();
    assert_documented_record(&out);
    let request = single_request(&server).await;
    assert_rpc_request(&request, "DescribeLiveRtcRecordUsageData");
    assert_eq!(request.url.query(), Some(documented_query(RECORD_URL)));
    assert_signature_recomputes(&request, &credentials(), "DescribeLiveRtcRecordUsageData");
}

/// A time at another offset than UTC is sent as given; a value that needs escaping goes out
/// exactly as it is signed (`%20` for a space).
#[tokio::test]
async fn escaping_and_offsets_go_out_as_signed() {
    let server = answering(200, GRTN_RESPONSE, &[]).await;
    client(&server)
        .describe_live_grtn_duration()
        .app_id("app 1+2/3*~é".to_owned())
        .start_time(t("2026-11-01T08:00:00+08:00"))
        .end_time(t("2026-11-01T01:00:00Z"))
        .interval(Interval::V300)
        .send()
        .await
        .unwrap();
    let request = single_request(&server).await;
    assert_eq!(
        request.url.query(),
        Some(
            "AppId=app%201%2B2%2F3%2A~%C3%A9&EndTime=2026-11-01T01%3A00%3A00Z&Interval=300&StartTime=2026-11-01T08%3A00%3A00%2B08%3A00"
        )
    );
    assert_signature_recomputes(&request, &credentials(), "DescribeLiveGrtnDuration");
}

#[tokio::test]
async fn an_sts_token_is_sent_and_signed() {
    let server = answering(200, GRTN_RESPONSE, &[]).await;
    let sts = credentials().with_session_token("CAIS8wF1q6Ft5B2yfSjIr5bOMIvwupQTxrK7a0Xph");
    client_with(&server, sts.clone())
        .describe_live_grtn_duration()
        .start_time(t("2026-11-01T00:00:00Z"))
        .end_time(t("2026-11-02T00:00:00Z"))
        .send()
        .await
        .unwrap();
    let request = single_request(&server).await;
    assert_eq!(header(&request, "x-acs-accesskey-id"), AK);
    assert_eq!(
        header(&request, "x-acs-security-token"),
        "CAIS8wF1q6Ft5B2yfSjIr5bOMIvwupQTxrK7a0Xph"
    );
    assert_eq!(
        auth_part(header(&request, "authorization"), "SignedHeaders"),
        "accept;host;user-agent;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version"
    );
    // Without AppId: every app of the account.
    assert_eq!(
        request.url.query(),
        Some("EndTime=2026-11-02T00%3A00%3A00Z&StartTime=2026-11-01T00%3A00%3A00Z")
    );
    assert_signature_recomputes(&request, &sts, "DescribeLiveGrtnDuration");
}

#[tokio::test]
async fn documented_errors_through_the_client() {
    let server = answering(400, GRTN_ERROR, &[]).await;
    let err = client(&server)
        .describe_live_grtn_duration()
        .start_time(t("2026-10-01T00:00:00Z"))
        .end_time(t("2026-10-31T00:00:00Z"))
        .send()
        .await
        .unwrap_err();
    assert_documented_error(
        &err,
        ErrorKind::Auth,
        "SignatureDoesNotMatch",
        400,
        "9E7B6A52-3C1D-4F0E-8A2B-1D4C5E6F7A80",
    );
    assert_eq!(err.attempts(), 1, "an auth error is not retried");
    assert_eq!(received(&server).await.len(), 1);

    // A 200 carrying a Code is the error it names (note error-envelope).
    let body = r#"{"RequestId":"r-200","Code":"InvalidStartTime.Malformed","Message":"StartTime is malformed."}"#;
    let server = answering(200, body, &[]).await;
    let err = client(&server)
        .describe_live_rtc_record_usage_data()
        .app_id("a")
        .record_mode(RecordMode::V1)
        .start_time(t("2026-11-01T00:00:00Z"))
        .end_time(t("2026-11-02T00:00:00Z"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameter, "{err}");
    assert_eq!(err.code(), Some("InvalidStartTime.Malformed"));
    assert_eq!(err.request_id(), Some("r-200"));
}

// ---- 3. refused before any network call ----------------------------------------------------------

#[tokio::test]
async fn bad_input_is_refused_before_any_call() {
    let server = answering(200, GRTN_RESPONSE, &[]).await;
    let client = client(&server);
    let err = client
        .describe_live_grtn_duration()
        .end_time(t("2026-10-31T00:00:00Z"))
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["start_time"]);
    // 31 days and one second.
    let err = client
        .describe_live_grtn_duration()
        .start_time(t("2026-10-01T00:00:00Z"))
        .end_time(t("2026-11-01T00:00:01Z"))
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["31 days"]);
    // More than 90 days back (today is 2026-11-02).
    let err = client
        .describe_live_grtn_duration()
        .start_time(t("2026-08-03T00:00:00Z"))
        .end_time(t("2026-08-04T00:00:00Z"))
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["90 days"]);
    let err = client
        .describe_live_rtc_record_usage_data()
        .app_id("a")
        .start_time(t("2026-11-01T00:00:00Z"))
        .end_time(t("2026-11-02T00:00:00Z"))
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["record_mode"]);
    let err = client
        .describe_live_rtc_record_usage_data()
        .app_id("a")
        .record_mode(RecordMode::V0)
        .start_time(t("2026-11-02T00:00:00Z"))
        .end_time(t("2026-11-01T00:00:00Z"))
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["StartTime", "EndTime"]);
    assert!(received(&server).await.is_empty());
}

// ---- 4. a stub, and the generic API entry -------------------------------------------------------

#[derive(Debug, Default)]
struct Canned {
    seen: Arc<Mutex<Vec<DescribeLiveGrtnDurationRequest>>>,
}

impl stub::AlibabaStub for Canned {
    fn describe_live_grtn_duration(
        &self,
        input: DescribeLiveGrtnDurationRequest,
    ) -> BoxFuture<'_, Result<DescribeLiveGrtnDurationResponse, Error>> {
        self.seen.lock().unwrap().push(input);
        Box::pin(async { Ok(serde_json::from_str(GRTN_RESPONSE).unwrap()) })
    }
}

#[tokio::test]
async fn a_stub_stands_in_for_the_vendor() {
    let stub = Canned::default();
    let seen = Arc::clone(&stub.seen);
    let client = Client::from_stub(stub);
    let out = client
        .describe_live_grtn_duration()
        .app_id("app-one".to_owned())
        .start_time(t("2026-10-01T00:00:00Z"))
        .end_time(t("2026-10-02T00:00:00Z"))
        .send()
        .await
        .unwrap();
    assert_documented_grtn(&out);
    assert_eq!(seen.lock().unwrap()[0].app_id.as_deref(), Some("app-one"));
    let err = client
        .describe_live_rtc_record_usage_data()
        .app_id("a")
        .record_mode(RecordMode::V0)
        .start_time(t("2026-10-01T00:00:00Z"))
        .end_time(t("2026-10-02T00:00:00Z"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unimplemented, "{err}");
}

/// The generated `API` table calls DescribeLiveGrtnDuration with JSON keyed by wire names:
/// the same request as the typed client, the answer as it came.
#[tokio::test]
async fn the_generic_api_entry_sends_what_the_typed_client_sends() {
    let op = rtc_usage_core::api::find(rtc_usage_alibaba::API, "DescribeLiveGrtnDuration", None)
        .unwrap();
    let server = answering(200, GRTN_RESPONSE, &[]).await;
    let core = rtc_usage_core::Client::new(
        &rtc_usage_alibaba::VENDOR,
        Config::builder()
            .credentials(credentials())
            .endpoint_url(server.uri())
            .clock(Arc::new(FixedClock::from_unix(NOW).unwrap()))
            .build()
            .unwrap(),
    )
    .unwrap();
    let input = serde_json::json!({
        "AppId": "app-one,app-two,app-three",
        "Area": "OverSeas",
        "EndTime": "2026-10-31T00:00:00+00:00",
        "Interval": "86400",
        "StartTime": "2026-10-01T00:00:00Z",
    });
    let payload = op.invoke(&core, input).await.unwrap();
    let documented: serde_json::Value = serde_json::from_str(GRTN_RESPONSE).unwrap();
    assert_eq!(payload, documented);
    let request = single_request(&server).await;
    assert_eq!(request.url.query(), Some(documented_query(GRTN_URL)));
    assert_signature_recomputes(&request, &credentials(), "DescribeLiveGrtnDuration");
}
