//! The `AlibabaRpc` envelope (`envelope::alibaba_rpc`): decoding answers and errors directly,
//! what its encoder writes read back, and the client end to end against a local mock server
//! (ACS3-signed requests, a fresh nonce per attempt, throttling retried, a 200 with a `Code`
//! read as the error it is).

use std::time::Duration;

use chrono::DateTime;
use rtc_usage_core::credentials::Credentials;
use rtc_usage_core::descriptor::{CredentialEnv, Endpoint, ErrorCodeRule, Limits};
use rtc_usage_core::envelope::{
    self, AnswerMeta, ErrorAnswer, alibaba_rpc, decode, encode_error, encode_success,
};
use rtc_usage_core::operation::WireError;
use rtc_usage_core::signing::verify::{ReceivedRequest, VerifyContext, verify};
use rtc_usage_core::validate::TimeRange;
use rtc_usage_core::{
    AuthScheme, Client, Config, Envelope, ErrorKind, FixedClock, Operation, OperationDescriptor,
    RequestParts, RetryConfig, VendorInfo,
};
use serde::Deserialize;
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const AK: &str = "LTAI5tExampleAccessKeyId";
const SK: &str = "ExampleAccessKeySecret0000000000";
/// 2026-11-02T03:04:05Z.
const NOW: i64 = 1_793_588_645;

const fn rule(code: &'static str, kind: ErrorKind) -> ErrorCodeRule {
    ErrorCodeRule {
        code,
        kind,
        explanation: None,
    }
}

static ALIBABA: VendorInfo = VendorInfo {
    id: "alibaba",
    display_name: "Alibaba Cloud ARTC",
    credential_env: CredentialEnv {
        access_key: &["ALIBABA_CLOUD_ACCESS_KEY_ID"],
        secret_key: &["ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
        session_token: &["ALIBABA_CLOUD_SECURITY_TOKEN"],
        project_id: &[],
        region: &[],
    },
    endpoint_env: "RTC_USAGE_ENDPOINT_ALIBABA",
    default_region: "cn-shanghai",
};

/// The shape `specs/alibaba/` generates, with part of its error table.
static GRTN: OperationDescriptor = OperationDescriptor {
    vendor: "alibaba",
    service: "live",
    name: "DescribeLiveGrtnDuration",
    version: "2016-11-01",
    method: "POST",
    path: "/",
    auth: AuthScheme::Acs3HmacSha256,
    envelope: Envelope::AlibabaRpc,
    endpoints: &[Endpoint {
        region: "cn-shanghai",
        url: "https://live.aliyuncs.com",
        failover: &[],
    }],
    default_region: "cn-shanghai",
    constants: &[],
    context_params: &[],
    limits: Limits {
        rate: None,
        span: None,
        lookback: None,
        data_delay: None,
        day_offset_seconds: 0,
        granularity: None,
    },
    error_codes: &[rule("InvalidStartTime*", ErrorKind::InvalidParameter)],
    vendor_error_codes: &[
        rule("MissingParameter", ErrorKind::InvalidParameter),
        rule("SignatureDoesNotMatch", ErrorKind::Auth),
        rule("InvalidAccessKeyId.NotFound", ErrorKind::Auth),
        rule("Throttling.User", ErrorKind::Throttled),
        rule("Throttling*", ErrorKind::Throttled),
        rule("InvalidTimeStamp.Expired", ErrorKind::ClockSkew),
        rule("ServiceUnavailable", ErrorKind::Server),
    ],
    usage: None,
};

#[derive(Debug, Deserialize, PartialEq)]
struct GrtnOutput {
    #[serde(rename = "RequestId")]
    request_id: Option<String>,
    #[serde(rename = "StreamDetailData")]
    data: StreamDetailData,
}

#[derive(Debug, Deserialize, PartialEq)]
struct StreamDetailData {
    #[serde(rename = "StreamData")]
    rows: Vec<Row>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Row {
    #[serde(rename = "MediaProfile")]
    profile: String,
    #[serde(rename = "Duration")]
    minutes: i64,
}

struct Grtn;

impl Operation for Grtn {
    type Input = String;
    type Output = GrtnOutput;
    fn descriptor() -> &'static OperationDescriptor {
        &GRTN
    }
    fn write_request(app: &String, request: &mut RequestParts) -> Result<(), WireError> {
        let start = DateTime::parse_from_rfc3339("2026-11-01T00:00:00+00:00").unwrap();
        rtc_usage_core::wire::push_query(request, "AppId", app)?;
        rtc_usage_core::wire::push_query_time(request, "StartTime", &start)
    }
    fn time_range(_: &String) -> TimeRange {
        TimeRange::default()
    }
}

const OK_BODY: &str = r#"{"RequestId":"ali-ok-1","StreamDetailData":{"StreamData":[{"AppId":"a","Duration":120,"MediaProfile":"0","MediaType":"audio","TimeStamp":"2026-11-01T00:00:00Z"}]}}"#;

fn error_body(code: &str, request_id: &str) -> String {
    json!({
        "RequestId": request_id,
        "HostId": "live.aliyuncs.com",
        "Code": code,
        "Message": "Specified signature is not matched with our calculation.",
        "Recommend": format!("https://api.aliyun.com/troubleshoot?q={code}&product=live"),
    })
    .to_string()
}

// ---- decode, no network --------------------------------------------------------------------

#[test]
fn a_success_is_the_bare_payload_with_its_request_id() {
    let out: GrtnOutput = decode(&GRTN, 200, Some("hdr"), OK_BODY.as_bytes()).unwrap();
    assert_eq!(out.request_id.as_deref(), Some("ali-ok-1"));
    assert_eq!(
        out.data.rows,
        [Row {
            profile: "0".into(),
            minutes: 120
        }]
    );
    assert_eq!(
        envelope::check(&GRTN, 200, Some("hdr"), OK_BODY.as_bytes()).unwrap(),
        Some("ali-ok-1".to_owned()),
        "the body's RequestId wins over the header's"
    );
    let bare = r#"{"StreamDetailData":{"StreamData":[]}}"#;
    assert_eq!(
        envelope::check(&GRTN, 200, Some("hdr"), bare.as_bytes()).unwrap(),
        Some("hdr".to_owned())
    );
}

#[test]
fn an_error_envelope_keeps_code_message_recommend_and_request_id() {
    let body = error_body("SignatureDoesNotMatch", "ali-err-1");
    let err = decode::<GrtnOutput>(&GRTN, 400, Some("hdr"), body.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    assert!(err.message().starts_with("Specified signature"), "{err}");
    assert!(
        err.message().contains(
            "troubleshooting: https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch"
        ),
        "{err}"
    );
    assert_eq!(err.request_id(), Some("ali-err-1"));
    assert_eq!(err.http_status(), Some(400));
    assert!(!err.is_retryable());
}

#[test]
fn codes_by_table_then_by_status() {
    for (code, status, kind) in [
        ("InvalidAccessKeyId.NotFound", 404, ErrorKind::Auth),
        ("InvalidAccessKeyId.NotFound", 400, ErrorKind::Auth),
        ("Throttling.User", 400, ErrorKind::Throttled),
        ("Throttling.Api", 503, ErrorKind::Throttled),
        ("Throttling", 400, ErrorKind::Throttled),
        ("InvalidTimeStamp.Expired", 400, ErrorKind::ClockSkew),
        (
            "InvalidStartTime.Malformed",
            400,
            ErrorKind::InvalidParameter,
        ),
        ("MissingParameter", 400, ErrorKind::InvalidParameter),
        ("ServiceUnavailable", 503, ErrorKind::Server),
        // Not in the table: the status says.
        ("SomethingNew", 429, ErrorKind::Throttled),
        ("SomethingNew", 403, ErrorKind::Auth),
        ("SomethingNew", 404, ErrorKind::NotFound),
        ("SomethingNew", 500, ErrorKind::Server),
        ("SomethingNew", 400, ErrorKind::InvalidParameter),
        ("SomethingNew", 409, ErrorKind::Other),
    ] {
        let body = error_body(code, "r");
        let err = decode::<GrtnOutput>(&GRTN, status, None, body.as_bytes()).unwrap_err();
        assert_eq!(err.kind(), kind, "{code} at HTTP {status}");
        assert_eq!(err.code(), Some(code));
    }
}

/// The official client would take an HTTP 200 carrying `Code`/`Message` for a success and
/// drop the fields; here it is the error it is (note `error-envelope` of the specs).
#[test]
fn a_200_with_a_code_is_an_error() {
    let body = r#"{"RequestId":"ali-200","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#;
    let err = decode::<GrtnOutput>(&GRTN, 200, None, body.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Throttled);
    assert_eq!(err.code(), Some("Throttling.User"));
    assert_eq!(err.request_id(), Some("ali-200"));
    assert_eq!(err.http_status(), Some(200));
    // An unknown code at 200: the status says nothing, so `Other`, never a success.
    let body = r#"{"Code":"Odd","Message":"m"}"#;
    let err = decode::<GrtnOutput>(&GRTN, 200, None, body.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Other);
    // An empty or numeric code: an empty one is no code.
    let body = r#"{"Code":"","StreamDetailData":{"StreamData":[]}}"#;
    assert!(decode::<GrtnOutput>(&GRTN, 200, None, body.as_bytes()).is_ok());
    let body = r#"{"Code":500,"Message":"numeric"}"#;
    let err = decode::<GrtnOutput>(&GRTN, 200, None, body.as_bytes()).unwrap_err();
    assert_eq!(err.code(), Some("500"));
}

#[test]
fn bodies_without_an_envelope_are_classified_by_status_with_a_bounded_excerpt() {
    let xml = "<?xml version='1.0' encoding='UTF-8'?><Error><Code>Throttling</Code></Error>";
    let err = decode::<GrtnOutput>(&GRTN, 503, Some("hdr-9"), xml.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.code(), None);
    assert!(err.message().contains("<Error>"), "{err}");
    assert_eq!(err.request_id(), Some("hdr-9"));
    let long = format!("<html>{}</html>", "x".repeat(100_000));
    let err = decode::<GrtnOutput>(&GRTN, 502, None, long.as_bytes()).unwrap_err();
    assert!(err.message().len() < 1_000, "{} bytes", err.message().len());
    // JSON without Code or Message.
    let err = decode::<GrtnOutput>(&GRTN, 400, None, br#"{"RequestId":"r7"}"#).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameter);
    assert_eq!(err.request_id(), Some("r7"));
    // A 2xx that is not a JSON object is a decode error.
    for body in [&b"[]"[..], b"not json", b""] {
        let err = decode::<GrtnOutput>(&GRTN, 200, None, body).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{body:?}");
    }
}

#[test]
fn server_text_is_bounded() {
    let body = json!({
        "Code": "C".repeat(10_000),
        "Message": "m".repeat(100_000),
        "Recommend": "u".repeat(100_000),
        "RequestId": "r",
    })
    .to_string();
    let err = decode::<GrtnOutput>(&GRTN, 400, None, body.as_bytes()).unwrap_err();
    assert!(err.code().unwrap().len() < 300);
    assert!(err.message().len() < 2_000, "{}", err.message().len());
}

#[test]
fn retry_after_is_positive_milliseconds() {
    assert_eq!(
        alibaba_rpc::retry_after("1500"),
        Some(Duration::from_millis(1500))
    );
    assert_eq!(
        alibaba_rpc::retry_after(" 7 "),
        Some(Duration::from_millis(7))
    );
    for bad in ["0", "", "-5", "1.5", "abc", "99999999999999999999999"] {
        assert_eq!(alibaba_rpc::retry_after(bad), None, "{bad:?}");
    }
}

// ---- encode, read back ---------------------------------------------------------------------

#[test]
fn what_the_encoder_writes_the_decoder_reads_back() {
    let meta = AnswerMeta {
        request_id: "enc-1",
        op: Some(&GRTN),
        ..AnswerMeta::default()
    };
    let payload = json!({"StreamDetailData": {"StreamData": []}});
    let ok = encode_success(Envelope::AlibabaRpc, &payload, &meta);
    assert_eq!(ok.status, 200);
    assert_eq!(
        envelope::check(&GRTN, 200, None, &ok.body).unwrap(),
        Some("enc-1".to_owned())
    );
    let back: Value = serde_json::from_slice(&ok.body).unwrap();
    assert_eq!(back["RequestId"], "enc-1");
    assert_eq!(back["StreamDetailData"], payload["StreamDetailData"]);

    for (kind, code) in [
        (ErrorKind::Throttled, "Throttling.User"),
        (ErrorKind::Auth, "SignatureDoesNotMatch"),
        (ErrorKind::ClockSkew, "InvalidTimeStamp.Expired"),
        (ErrorKind::InvalidParameter, "MissingParameter"),
        (ErrorKind::Server, "ServiceUnavailable"),
    ] {
        let error = ErrorAnswer {
            kind,
            code,
            code_n: None,
            message: "it failed",
        };
        let answer = encode_error(Envelope::AlibabaRpc, &error, None, &meta);
        let body: Value = serde_json::from_slice(&answer.body).unwrap();
        for member in ["RequestId", "HostId", "Code", "Message", "Recommend"] {
            assert!(body[member].is_string(), "{member} in {body}");
        }
        assert_eq!(body["HostId"], "live.aliyuncs.com");
        let err = envelope::check(&GRTN, answer.status, None, &answer.body).unwrap_err();
        assert_eq!(err.kind(), kind, "{code}");
        assert_eq!(err.code(), Some(code));
        assert!(err.message().starts_with("it failed"));
        assert_eq!(err.request_id(), Some("enc-1"));
        let retry_after = answer
            .headers
            .iter()
            .find(|(n, _)| *n == alibaba_rpc::RETRY_AFTER_HEADER);
        assert_eq!(
            retry_after.is_some(),
            kind == ErrorKind::Throttled,
            "{code}: {:?}",
            answer.headers
        );
        if let Some((_, value)) = retry_after {
            assert!(alibaba_rpc::retry_after(value).is_some());
        }
    }
    let error = ErrorAnswer {
        kind: ErrorKind::Server,
        code: "ServiceUnavailable",
        code_n: None,
        message: "m",
    };
    assert_eq!(
        encode_error(Envelope::AlibabaRpc, &error, Some(503), &meta).status,
        503
    );
}

// ---- the client end to end ------------------------------------------------------------------

fn client(server: &MockServer) -> Client {
    let config = Config::builder()
        .credentials(Credentials::new(AK, SK))
        .endpoint_url(server.uri())
        .clock(std::sync::Arc::new(FixedClock::from_unix(NOW).unwrap()))
        .retry_config(
            RetryConfig::standard()
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .disable_rate_limit()
        .build()
        .unwrap();
    Client::new(&ALIBABA, config).unwrap()
}

/// The request verifies as the server receives it; its nonce.
fn verified_nonce(request: &wiremock::Request) -> String {
    let headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect();
    let received = ReceivedRequest {
        method: request.method.as_str(),
        path: request.url.path(),
        query: request.url.query().unwrap_or_default(),
        headers: &headers,
        body: &request.body,
    };
    verify(
        AuthScheme::Acs3HmacSha256,
        &received,
        &Credentials::new(AK, SK),
        &VerifyContext::new("live", NOW),
    )
    .unwrap_or_else(|e| panic!("the request does not verify: {e}"));
    headers
        .iter()
        .find(|(k, _)| k == "x-acs-signature-nonce")
        .map(|(_, v)| v.clone())
        .expect("a nonce")
}

#[tokio::test]
async fn throttling_is_retried_with_a_fresh_nonce_and_the_answer_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_raw(error_body("Throttling.User", "t-1"), "application/json")
                .insert_header("x-acs-retry-after", "5"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(OK_BODY, "application/json"))
        .mount(&server)
        .await;
    let out = client(&server)
        .execute::<Grtn>(&"app 1".to_owned())
        .await
        .unwrap();
    assert_eq!(out.request_id.as_deref(), Some("ali-ok-1"));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let nonces: Vec<String> = requests.iter().map(verified_nonce).collect();
    assert_ne!(nonces[0], nonces[1], "every attempt signs a new nonce");
    for request in &requests {
        assert_eq!(request.url.path(), "/");
        // Sorted, `%20` for the space, `Z` for UTC, exactly as signed.
        assert_eq!(
            request.url.query(),
            Some("AppId=app%201&StartTime=2026-11-01T00%3A00%3A00Z")
        );
        assert!(request.body.is_empty());
        let header = |name: &str| request.headers.get(name).unwrap().to_str().unwrap();
        assert_eq!(header("x-acs-action"), "DescribeLiveGrtnDuration");
        assert_eq!(header("x-acs-version"), "2016-11-01");
        assert_eq!(header("x-acs-date"), "2026-11-02T03:04:05Z");
        assert!(header("authorization").starts_with("ACS3-HMAC-SHA256 Credential=LTAI5t"));
        assert!(request.headers.get("content-type").is_none());
    }
}

#[tokio::test]
async fn a_200_carrying_an_error_fails_once_and_names_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"RequestId":"r-200","Code":"InvalidStartTime.Malformed","Message":"bad"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let err = client(&server)
        .execute::<Grtn>(&"a".to_owned())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameter);
    assert_eq!(err.code(), Some("InvalidStartTime.Malformed"));
    assert_eq!(err.request_id(), Some("r-200"));
    assert_eq!(err.attempts(), 1);
    assert_eq!(err.vendor(), "alibaba");
}

/// The wait an answer asks for: Alibaba's own header first (milliseconds), then HTTP's
/// `Retry-After` (seconds or a date); anything else is none.
#[test]
fn the_wait_an_answer_asks_for() {
    use rtc_usage_core::descriptor::Envelope;
    use rtc_usage_core::envelope::retry_after;
    let now: chrono::DateTime<chrono::Utc> = "2026-12-02T00:00:00Z".parse().unwrap();
    let headers = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.to_string())
        }
    };
    let ms = Duration::from_millis;
    type Headers = &'static [(&'static str, &'static str)];
    let cases: [(Envelope, Headers, Option<Duration>); 9] = [
        (
            Envelope::AlibabaRpc,
            &[("x-acs-retry-after", "250")],
            Some(ms(250)),
        ),
        (
            Envelope::AlibabaRpc,
            &[("x-acs-retry-after", "250"), ("retry-after", "9")],
            Some(ms(250)),
        ),
        (
            Envelope::AlibabaRpc,
            &[("x-acs-retry-after", "soon"), ("retry-after", "2")],
            Some(ms(2000)),
        ),
        // Another vendor's own header means nothing.
        (
            Envelope::VolcengineResult,
            &[("x-acs-retry-after", "250")],
            None,
        ),
        (
            Envelope::AgoraPlain,
            &[("retry-after", "3")],
            Some(ms(3000)),
        ),
        (
            Envelope::HuaweiPlain,
            &[("retry-after", "Wed, 02 Dec 2026 00:00:05 GMT")],
            Some(ms(5000)),
        ),
        // A date in the past, a negative or garbled value: no wait asked.
        (
            Envelope::HuaweiPlain,
            &[("retry-after", "Tue, 01 Dec 2026 00:00:05 GMT")],
            None,
        ),
        (Envelope::TencentResponse, &[("retry-after", "-1")], None),
        (
            Envelope::TencentResponse,
            &[("retry-after", "\u{1b}[31m")],
            None,
        ),
    ];
    for (envelope, pairs, want) in cases {
        assert_eq!(
            retry_after(envelope, headers(pairs), now),
            want,
            "{envelope:?} {pairs:?}"
        );
    }
    assert_eq!(
        alibaba_rpc::retry_after_header(Duration::from_micros(1500)),
        ("x-acs-retry-after", "2".to_owned())
    );
    assert_eq!(
        alibaba_rpc::retry_after_header(Duration::ZERO).1,
        "1",
        "never 0, which the SDK would not read"
    );
}
