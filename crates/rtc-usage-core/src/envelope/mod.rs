//! Response envelopes: finding the payload, the vendor's error and the request id in an answer
//! (decoding), and writing answers the way a vendor writes them (encoding, for emulators and
//! mock vendors). One module per shape holds both directions:
//!
//! | envelope | module | success | error |
//! |---|---|---|---|
//! | `VolcengineResult` | [`volcengine_result`] | 2xx, `{"ResponseMetadata": {..}, "Result": payload}` | `ResponseMetadata.Error` `{Code, CodeN?, Message}`, any status (usually 4xx/5xx) |
//! | `TencentResponse` | [`tencent_response`] | 200, `{"Response": {payload.., "RequestId"}}` | `Response.Error` `{Code, Message}` **with HTTP 200**; a non-200 status is a gateway fault |
//! | `HuaweiPlain` | [`huawei_plain`] | 2xx, the payload bare | non-2xx, `{error_code, error_msg}` or `{code, message}` |
//! | `AlibabaRpc` | [`alibaba_rpc`] | 2xx, the payload bare (with its `RequestId`) | non-2xx `{RequestId, HostId, Code, Message, Recommend}`; a `Code` on 2xx too |
//! | `AgoraPlain` | [`agora_plain`] | any 2xx (201 included), the payload bare | non-2xx, `{message}`; the code is the HTTP status |
//!
//! A vendor code is classified by the spec's table ([`OperationDescriptor::classify_code`]),
//! else by the HTTP status. The request id comes from the envelope, else from the
//! `X-Request-Id` header.
//!
//! Decoding takes two passes over the body: one reads only the envelope's error and request
//! id (skipping the payload without building anything), the other builds the typed payload.
//!
//! Encoding ([`encode_success`], [`encode_error`]) is the inverse: what the decoder reads back
//! as the same payload, or as an error with the same code, message and request id.

use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;

use crate::descriptor::{Envelope, OperationDescriptor};
use crate::error::{Error, ErrorKind, body_excerpt};

pub mod agora_plain;
pub mod alibaba_rpc;
pub mod huawei_plain;
pub mod tencent_response;
pub mod volcengine_result;

/// Decodes a whole answer: the vendor's error if there is one, else the typed payload.
///
/// `request_id_header` is the value of the `X-Request-Id` response header, if any.
pub fn decode<T: DeserializeOwned>(
    op: &'static OperationDescriptor,
    status: u16,
    request_id_header: Option<&str>,
    body: &[u8],
) -> Result<T, Error> {
    let request_id = check(op, status, request_id_header, body)?;
    payload(op, body).map_err(|e| e.with_request_id(request_id).with_http_status(status))
}

/// The first half of [`decode`], independent of the payload type: `Ok(request id)` when the
/// answer is a success, else the error it carries (with kind, code, message, request id and
/// HTTP status).
pub fn check(
    op: &'static OperationDescriptor,
    status: u16,
    request_id_header: Option<&str>,
    body: &[u8],
) -> Result<Option<String>, Error> {
    match op.envelope {
        Envelope::VolcengineResult => volcengine_result::check(op, status, request_id_header, body),
        Envelope::TencentResponse => tencent_response::check(op, status, request_id_header, body),
        Envelope::HuaweiPlain => huawei_plain::check(op, status, request_id_header, body),
        Envelope::AgoraPlain => agora_plain::check(op, status, request_id_header, body),
        Envelope::AlibabaRpc => alibaba_rpc::check(op, status, request_id_header, body),
    }
}

/// The second half of [`decode`]: the typed payload of an answer [`check`] accepted.
///
/// The payload must be a JSON object: serde would otherwise read a struct whose fields all
/// have defaults from a JSON array (`"Result": []`), and a broken answer would pass for an
/// empty one.
pub fn payload<T: DeserializeOwned>(
    op: &'static OperationDescriptor,
    body: &[u8],
) -> Result<T, Error> {
    match op.envelope {
        Envelope::VolcengineResult => volcengine_result::payload(op, body),
        Envelope::TencentResponse => tencent_response::payload(op, body),
        Envelope::HuaweiPlain => huawei_plain::payload(op, body),
        Envelope::AgoraPlain => agora_plain::payload(op, body),
        Envelope::AlibabaRpc => alibaba_rpc::payload(op, body),
    }
}

// ---- encoding -------------------------------------------------------------------------------

/// What an encoded answer repeats about the exchange.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnswerMeta<'a> {
    /// The id the answer carries (in the envelope, or in `X-Request-Id`).
    pub request_id: &'a str,
    /// The operation answered; `None` when the request named none the server knows (an
    /// envelope that repeats the action and version then leaves them empty).
    pub op: Option<&'a OperationDescriptor>,
    /// The region the request was signed for, if it named one (else the operation's default).
    pub region: Option<&'a str>,
    /// The service, when no operation is named (else the operation's).
    pub service: Option<&'a str>,
}

impl AnswerMeta<'_> {
    /// `region`, else the operation's default region, else `""`.
    pub fn region(&self) -> &str {
        self.region
            .or(self.op.map(|op| op.default_region))
            .unwrap_or_default()
    }

    /// The operation's service, else `service`, else `""`.
    pub fn service(&self) -> &str {
        self.op
            .map(|op| op.service)
            .or(self.service)
            .unwrap_or_default()
    }
}

/// A vendor error to encode: what the decoder reads back as [`Error::code`] and the message.
#[derive(Debug, Clone, Copy)]
pub struct ErrorAnswer<'a> {
    /// What the error means; sets the HTTP status where the caller names none
    /// ([`error_status`]).
    pub kind: ErrorKind,
    pub code: &'a str,
    /// A numeric code beside `code`, where the envelope has a place for one (Volcengine's
    /// gateway `CodeN`); ignored by the others.
    pub code_n: Option<u32>,
    pub message: &'a str,
}

/// An encoded answer: its HTTP status, the headers the shape adds, and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub status: u16,
    /// Besides `Content-Type: application/json` (every shape's): e.g. `X-Request-Id` where the
    /// shape carries the request id in a header.
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// The success answer around `payload` (HTTP 200).
pub fn encode_success(envelope: Envelope, payload: &Value, meta: &AnswerMeta<'_>) -> Encoded {
    let (body, headers) = match envelope {
        Envelope::VolcengineResult => (volcengine_result::success(payload, meta), Vec::new()),
        Envelope::TencentResponse => (tencent_response::success(payload, meta), Vec::new()),
        Envelope::HuaweiPlain => (
            huawei_plain::success(payload, meta),
            huawei_plain::headers(meta),
        ),
        Envelope::AgoraPlain => (
            agora_plain::success(payload, meta),
            agora_plain::headers(meta),
        ),
        Envelope::AlibabaRpc => (alibaba_rpc::success(payload, meta), Vec::new()),
    };
    Encoded {
        status: 200,
        headers,
        body,
    }
}

/// The error answer for `error`, with HTTP `status`, or the status the vendor's API answers
/// an error of that kind with ([`error_status`]) when `None`.
pub fn encode_error(
    envelope: Envelope,
    error: &ErrorAnswer<'_>,
    status: Option<u16>,
    meta: &AnswerMeta<'_>,
) -> Encoded {
    let status = status.unwrap_or_else(|| error_status(envelope, error.kind));
    let (body, headers) = match envelope {
        Envelope::VolcengineResult => (volcengine_result::error(error, meta), Vec::new()),
        Envelope::TencentResponse => (tencent_response::error(error, meta), Vec::new()),
        Envelope::HuaweiPlain => (
            huawei_plain::error(error, meta),
            huawei_plain::headers(meta),
        ),
        Envelope::AgoraPlain => (agora_plain::error(error, meta), agora_plain::headers(meta)),
        Envelope::AlibabaRpc => (
            alibaba_rpc::error(error, meta),
            alibaba_rpc::headers_for(error.kind),
        ),
    };
    Encoded {
        status,
        headers,
        body,
    }
}

/// The wait an answer asks for before another attempt: the vendor's own header where its
/// shape has one ([`alibaba_rpc::RETRY_AFTER_HEADER`], milliseconds), else HTTP's
/// `Retry-After` (delay-seconds, or an HTTP date after `now`). A value that is not one of
/// those is no request to wait.
pub fn retry_after(
    envelope: Envelope,
    header: impl Fn(&str) -> Option<String>,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<std::time::Duration> {
    let own = match envelope {
        Envelope::AlibabaRpc => {
            header(alibaba_rpc::RETRY_AFTER_HEADER).and_then(|v| alibaba_rpc::retry_after(&v))
        }
        _ => None,
    };
    own.or_else(|| header("retry-after").and_then(|v| http_retry_after(&v, now)))
}

/// HTTP's `Retry-After` (RFC 9110, 10.2.3): a number of seconds, or an HTTP date.
fn http_retry_after(
    value: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<std::time::Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse().ok().map(std::time::Duration::from_secs);
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    (at.with_timezone(&chrono::Utc) - now).to_std().ok()
}

/// The header with which an answer of `envelope` asks the client to wait `wait`, where the
/// shape has one (for emulators that know the wait); the other vendors document none.
pub fn retry_after_header(
    envelope: Envelope,
    wait: std::time::Duration,
) -> Option<(&'static str, String)> {
    match envelope {
        Envelope::AlibabaRpc => Some(alibaba_rpc::retry_after_header(wait)),
        _ => None,
    }
}

/// The HTTP status a vendor's API answers an error of `kind` with: Tencent's 200 for every API
/// error; the others' [`status_by_kind`].
pub fn error_status(envelope: Envelope, kind: ErrorKind) -> u16 {
    match envelope {
        Envelope::VolcengineResult => volcengine_result::error_status(kind),
        Envelope::TencentResponse => tencent_response::error_status(kind),
        Envelope::HuaweiPlain => huawei_plain::error_status(kind),
        Envelope::AgoraPlain => agora_plain::error_status(kind),
        Envelope::AlibabaRpc => alibaba_rpc::error_status(kind),
    }
}

/// The status an HTTP API answers an error of `kind` with, read back as that kind by
/// [`kind_by_status`] where it has one: 429, 401, 404, 400, 500 (and 401 for a clock skew, 400
/// for anything else).
pub fn status_by_kind(kind: ErrorKind) -> u16 {
    match kind {
        ErrorKind::Throttled => 429,
        ErrorKind::Auth | ErrorKind::ClockSkew => 401,
        ErrorKind::NotFound => 404,
        ErrorKind::Server => 500,
        _ => 400,
    }
}

/// `value` as JSON bytes (a [`Value`] always serializes).
fn to_vec(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

// ---- shared decoding helpers ----------------------------------------------------------------

/// The typed payload of an answer whose body is `Outer` (the payload wrapped, or bare): the
/// body is first read as `Probe` (the same wrapper around [`ObjectOnly`]) so that a payload
/// that is not a JSON object is refused, then as `Outer`, and `unwrap` takes the payload out.
/// `place` names where the payload sits in messages (`the `Result``, `the answer`).
fn wrapped_payload<Probe: DeserializeOwned, Outer: DeserializeOwned, T>(
    op: &'static OperationDescriptor,
    body: &[u8],
    place: &str,
    unwrap: impl FnOnce(Outer) -> T,
) -> Result<T, Error> {
    if let Err(e) = serde_json::from_slice::<Probe>(body) {
        return Err(Error::decode(
            op,
            format_args!("the payload of {} is not a JSON object: {e}", op.name),
            body,
        ));
    }
    serde_json::from_slice::<Outer>(body)
        .map(unwrap)
        .map_err(|e| {
            Error::decode(
                op,
                format_args!("{place} does not match {}'s response: {e}", op.name),
                body,
            )
        })
}

/// Accepts a JSON object, skipping its content, and nothing else.
struct ObjectOnly;

impl<'de> Deserialize<'de> for ObjectOnly {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = ObjectOnly;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ObjectOnly, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(ObjectOnly)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// The kind of a vendor error: the spec's table first, else the HTTP status.
pub fn classify(op: &OperationDescriptor, code: Option<&str>, status: u16) -> ErrorKind {
    code.and_then(|c| op.classify_code(c))
        .unwrap_or_else(|| kind_by_status(status))
}

/// 429 → `Throttled`, 401/403 → `Auth`, 404 → `NotFound`, 5xx → `Server`,
/// 400 → `InvalidParameter`, anything else → `Other`.
pub fn kind_by_status(status: u16) -> ErrorKind {
    match status {
        429 => ErrorKind::Throttled,
        401 | 403 => ErrorKind::Auth,
        404 => ErrorKind::NotFound,
        400 => ErrorKind::InvalidParameter,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Other,
    }
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

fn header_id(request_id_header: Option<&str>) -> Option<String> {
    request_id_header
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// An error answer without a usable vendor envelope: classified by its status alone.
fn status_error(
    op: &OperationDescriptor,
    kind: ErrorKind,
    status: u16,
    what: &str,
    body: &[u8],
) -> Error {
    Error::service(
        op,
        kind,
        None,
        format!(
            "HTTP {status} without {what}; body starts: {}",
            body_excerpt(body)
        ),
    )
    .with_http_status(status)
}

fn vendor_error(
    op: &OperationDescriptor,
    status: u16,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
) -> Error {
    let code = non_empty(code);
    let kind = classify(op, code.as_deref(), status);
    let mut message = non_empty(message).unwrap_or_else(|| "(no message)".to_owned());
    // The spec's explanation says what the vendor's terse code means for the caller (a limit
    // no source confirms, say), so the message names the rule, not only the code.
    if let Some(explanation) = code
        .as_deref()
        .and_then(|c| op.error_rule(c))
        .and_then(|rule| rule.explanation)
    {
        message.push_str(" — ");
        message.push_str(explanation);
    }
    Error::service(op, kind, code, message)
        .with_request_id(request_id)
        .with_http_status(status)
}

/// A code or message that some vendor sends as a number.
#[derive(Deserialize)]
#[serde(untagged)]
enum Text {
    String(String),
    Number(serde_json::Number),
    Other(IgnoredAny),
}

impl Text {
    fn into_string(self) -> Option<String> {
        match self {
            Self::String(s) => Some(s),
            Self::Number(n) => Some(n.to_string()),
            Self::Other(_) => None,
        }
    }
}

fn text(t: Option<Text>) -> Option<String> {
    t.and_then(Text::into_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::{AuthScheme, Limits};

    static OP: OperationDescriptor = OperationDescriptor {
        vendor: "test",
        service: "svc",
        name: "GetThings",
        version: "2024-01-01",
        method: "POST",
        path: "/",
        auth: AuthScheme::Tc3HmacSha256,
        envelope: Envelope::TencentResponse,
        endpoints: &[],
        default_region: "r-1",
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
        error_codes: &[],
        vendor_error_codes: &[],
        usage: None,
    };

    fn op(envelope: Envelope) -> &'static OperationDescriptor {
        Box::leak(Box::new(OperationDescriptor { envelope, ..OP }))
    }

    const ENVELOPES: [Envelope; 3] = [
        Envelope::VolcengineResult,
        Envelope::TencentResponse,
        Envelope::HuaweiPlain,
    ];

    /// What each encoder writes, each decoder reads back: the payload, or the error with its
    /// code, message, request id and the status that says its kind.
    #[test]
    fn every_shape_decodes_what_it_encodes() {
        for envelope in ENVELOPES {
            let op = op(envelope);
            let meta = AnswerMeta {
                request_id: "req-7",
                op: Some(op),
                ..AnswerMeta::default()
            };
            let payload = serde_json::json!({"Things": [1, 2], "Name": "x"});
            let ok = encode_success(envelope, &payload, &meta);
            let header = ok
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("x-request-id"))
                .map(|(_, v)| v.as_str());
            assert_eq!(
                check(op, ok.status, header, &ok.body).unwrap().as_deref(),
                Some("req-7"),
                "{envelope:?}"
            );
            let mut back: Value = super::payload::<Value>(op, &ok.body).unwrap();
            if envelope == Envelope::TencentResponse {
                assert_eq!(back["RequestId"], "req-7");
                back.as_object_mut().unwrap().remove("RequestId");
            }
            assert_eq!(back, payload, "{envelope:?}");

            for kind in [
                ErrorKind::Throttled,
                ErrorKind::Auth,
                ErrorKind::NotFound,
                ErrorKind::InvalidParameter,
                ErrorKind::Server,
            ] {
                let error = ErrorAnswer {
                    kind,
                    code: "Some.Code",
                    code_n: Some(100_001),
                    message: "it failed",
                };
                let answer = encode_error(envelope, &error, None, &meta);
                let header = answer
                    .headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case("x-request-id"))
                    .map(|(_, v)| v.as_str());
                let err = check(op, answer.status, header, &answer.body).unwrap_err();
                assert_eq!(err.code(), Some("Some.Code"), "{envelope:?}");
                assert!(err.message().contains("it failed"), "{err}");
                assert_eq!(err.request_id(), Some("req-7"));
                if envelope == Envelope::TencentResponse {
                    assert_eq!(answer.status, 200);
                } else {
                    assert_eq!(err.kind(), kind, "{envelope:?}");
                }
                let gateway = encode_error(envelope, &error, Some(503), &meta);
                assert_eq!(gateway.status, 503);
            }
        }
    }

    #[test]
    fn a_tencent_payload_keeps_its_own_request_id() {
        let meta = AnswerMeta {
            request_id: "outer",
            ..AnswerMeta::default()
        };
        let body = tencent_response::success(&serde_json::json!({"RequestId": "inner"}), &meta);
        assert_eq!(body, br#"{"Response":{"RequestId":"inner"}}"#);
        let body = tencent_response::success(&serde_json::json!([]), &meta);
        assert_eq!(body, br#"{"Response":[]}"#);
    }

    #[test]
    fn volcengine_metadata_repeats_the_operation_and_region() {
        let op = op(Envelope::VolcengineResult);
        let meta = AnswerMeta {
            request_id: "r",
            op: Some(op),
            region: Some("cn-x"),
            service: None,
        };
        let body: Value =
            serde_json::from_slice(&volcengine_result::success(&Value::Null, &meta)).unwrap();
        let m = &body["ResponseMetadata"];
        assert_eq!(
            (&m["Action"], &m["Version"], &m["Service"], &m["Region"]),
            (
                &"GetThings".into(),
                &"2024-01-01".into(),
                &"svc".into(),
                &"cn-x".into()
            )
        );
        let none = AnswerMeta {
            request_id: "r",
            service: Some("svc"),
            ..AnswerMeta::default()
        };
        let error = ErrorAnswer {
            kind: ErrorKind::NotFound,
            code: "C",
            code_n: None,
            message: "m",
        };
        let body: Value = serde_json::from_slice(&volcengine_result::error(&error, &none)).unwrap();
        assert_eq!(body["ResponseMetadata"]["Action"], "");
        assert_eq!(body["ResponseMetadata"]["Service"], "svc");
        assert!(body["ResponseMetadata"]["Error"].get("CodeN").is_none());
        assert!(body.get("Result").is_none());
    }
}
