//! Response envelopes: finding the payload, the vendor's error and the request id in an answer.
//!
//! | envelope | success | error |
//! |---|---|---|
//! | `VolcengineResult` | 2xx, `{"ResponseMetadata": {..}, "Result": payload}` | `ResponseMetadata.Error` `{Code, CodeN?, Message}`, any status (usually 4xx/5xx) |
//! | `TencentResponse` | 200, `{"Response": {payload.., "RequestId"}}` | `Response.Error` `{Code, Message}` **with HTTP 200**; a non-200 status is a gateway fault |
//! | `HuaweiPlain` | 2xx, the payload bare | non-2xx, `{error_code, error_msg}` or `{code, message}` |
//!
//! A vendor code is classified by the spec's table ([`OperationDescriptor::classify_code`]),
//! else by the HTTP status. The request id comes from the envelope, else from the
//! `X-Request-Id` header.
//!
//! Decoding takes two passes over the body: one reads only the envelope's error and request
//! id (skipping the payload without building anything), the other builds the typed payload.

use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::descriptor::{Envelope, OperationDescriptor};
use crate::error::{Error, ErrorKind, body_excerpt};

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
        Envelope::VolcengineResult => check_volcengine(op, status, request_id_header, body),
        Envelope::TencentResponse => check_tencent(op, status, request_id_header, body),
        Envelope::HuaweiPlain => check_huawei(op, status, request_id_header, body),
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
    let shape = match op.envelope {
        Envelope::VolcengineResult => {
            serde_json::from_slice::<VolcengineBody<ObjectOnly>>(body).map(drop)
        }
        Envelope::TencentResponse => {
            serde_json::from_slice::<TencentBody<ObjectOnly>>(body).map(drop)
        }
        Envelope::HuaweiPlain => serde_json::from_slice::<ObjectOnly>(body).map(drop),
    };
    if let Err(e) = shape {
        return Err(Error::decode(
            op,
            format_args!("the payload of {} is not a JSON object: {e}", op.name),
            body,
        ));
    }
    match op.envelope {
        Envelope::VolcengineResult => serde_json::from_slice::<VolcengineBody<T>>(body)
            .map(|b| b.result)
            .map_err(|e| {
                Error::decode(
                    op,
                    format_args!("the `Result` does not match {}'s response: {e}", op.name),
                    body,
                )
            }),
        Envelope::TencentResponse => serde_json::from_slice::<TencentBody<T>>(body)
            .map(|b| b.response)
            .map_err(|e| {
                Error::decode(
                    op,
                    format_args!("the `Response` does not match {}'s response: {e}", op.name),
                    body,
                )
            }),
        Envelope::HuaweiPlain => serde_json::from_slice::<T>(body).map_err(|e| {
            Error::decode(
                op,
                format_args!("the answer does not match {}'s response: {e}", op.name),
                body,
            )
        }),
    }
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

// ---- Volcengine ----------------------------------------------------------------------------

#[derive(Deserialize)]
struct VolcengineHead {
    #[serde(rename = "ResponseMetadata", default)]
    metadata: Option<VolcengineMetadata>,
    #[serde(rename = "Result", default)]
    result: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct VolcengineMetadata {
    #[serde(rename = "RequestId", default)]
    request_id: Option<String>,
    #[serde(rename = "Error", default)]
    error: Option<VolcengineError>,
}

#[derive(Deserialize)]
struct VolcengineError {
    #[serde(rename = "Code", default)]
    code: Option<Text>,
    #[serde(rename = "CodeN", default)]
    code_n: Option<Text>,
    #[serde(rename = "Message", default)]
    message: Option<Text>,
}

#[derive(Deserialize)]
struct VolcengineBody<T> {
    #[serde(rename = "Result")]
    result: T,
}

fn check_volcengine(
    op: &'static OperationDescriptor,
    status: u16,
    request_id_header: Option<&str>,
    body: &[u8],
) -> Result<Option<String>, Error> {
    let head = match serde_json::from_slice::<VolcengineHead>(body) {
        Ok(head) => head,
        Err(e) if is_success(status) => {
            return Err(Error::decode(
                op,
                format_args!("the answer is not a Volcengine envelope: {e}"),
                body,
            )
            .with_request_id(header_id(request_id_header))
            .with_http_status(status));
        }
        Err(_) => {
            return Err(status_error(
                op,
                kind_by_status(status),
                status,
                "a Volcengine error envelope",
                body,
            )
            .with_request_id(header_id(request_id_header)));
        }
    };
    let (request_id, error) = match head.metadata {
        Some(m) => (non_empty(m.request_id), m.error),
        None => (None, None),
    };
    let request_id = request_id.or_else(|| header_id(request_id_header));
    if let Some(err) = error {
        let mut message = text(err.message);
        if let Some(n) = text(err.code_n) {
            message = Some(match message {
                Some(m) if !m.is_empty() => format!("{m} (CodeN {n})"),
                _ => format!("(CodeN {n})"),
            });
        }
        return Err(vendor_error(
            op,
            status,
            text(err.code),
            message,
            request_id,
        ));
    }
    if !is_success(status) {
        return Err(status_error(
            op,
            kind_by_status(status),
            status,
            "an error in ResponseMetadata",
            body,
        )
        .with_request_id(request_id));
    }
    if head.result.is_none() {
        return Err(Error::decode(
            op,
            "the answer has neither a `Result` nor a `ResponseMetadata.Error`",
            body,
        )
        .with_request_id(request_id)
        .with_http_status(status));
    }
    Ok(request_id)
}

// ---- Tencent Cloud -------------------------------------------------------------------------

#[derive(Deserialize)]
struct TencentHead {
    #[serde(rename = "Response", default)]
    response: Option<TencentHeadInner>,
}

#[derive(Deserialize)]
struct TencentHeadInner {
    #[serde(rename = "Error", default)]
    error: Option<TencentError>,
    #[serde(rename = "RequestId", default)]
    request_id: Option<String>,
}

#[derive(Deserialize)]
struct TencentError {
    #[serde(rename = "Code", default)]
    code: Option<Text>,
    #[serde(rename = "Message", default)]
    message: Option<Text>,
}

#[derive(Deserialize)]
struct TencentBody<T> {
    #[serde(rename = "Response")]
    response: T,
}

/// Tencent answers every API error with HTTP 200; another status comes from a gateway or
/// proxy in between: 5xx → `Server`, 429 → `Throttled`, anything else → `Other`.
fn tencent_status_kind(status: u16) -> ErrorKind {
    match status {
        429 => ErrorKind::Throttled,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Other,
    }
}

fn check_tencent(
    op: &'static OperationDescriptor,
    status: u16,
    request_id_header: Option<&str>,
    body: &[u8],
) -> Result<Option<String>, Error> {
    let inner = match serde_json::from_slice::<TencentHead>(body) {
        Ok(TencentHead {
            response: Some(inner),
        }) => inner,
        Ok(TencentHead { response: None }) if is_success(status) => {
            return Err(Error::decode(op, "the answer has no `Response`", body)
                .with_request_id(header_id(request_id_header))
                .with_http_status(status));
        }
        Err(e) if is_success(status) => {
            return Err(Error::decode(
                op,
                format_args!("the answer is not a Tencent Cloud API 3.0 envelope: {e}"),
                body,
            )
            .with_request_id(header_id(request_id_header))
            .with_http_status(status));
        }
        _ => {
            return Err(status_error(
                op,
                tencent_status_kind(status),
                status,
                "a Tencent Cloud error envelope",
                body,
            )
            .with_request_id(header_id(request_id_header)));
        }
    };
    let request_id = non_empty(inner.request_id).or_else(|| header_id(request_id_header));
    if let Some(err) = inner.error {
        return Err(vendor_error(
            op,
            status,
            text(err.code),
            text(err.message),
            request_id,
        ));
    }
    if !is_success(status) {
        return Err(status_error(
            op,
            tencent_status_kind(status),
            status,
            "a Tencent Cloud error in the `Response`",
            body,
        )
        .with_request_id(request_id));
    }
    Ok(request_id)
}

// ---- Huawei Cloud --------------------------------------------------------------------------

#[derive(Deserialize)]
struct HuaweiError {
    #[serde(default)]
    error_code: Option<Text>,
    #[serde(default)]
    error_msg: Option<Text>,
    #[serde(default)]
    code: Option<Text>,
    #[serde(default)]
    message: Option<Text>,
    #[serde(default)]
    request_id: Option<String>,
}

fn check_huawei(
    op: &'static OperationDescriptor,
    status: u16,
    request_id_header: Option<&str>,
    body: &[u8],
) -> Result<Option<String>, Error> {
    if is_success(status) {
        // A gateway may answer an error (throttling, say) with a 2xx status: a success body
        // never has an error code.
        let has_code = serde_json::from_slice::<HuaweiError>(body).is_ok_and(|err| {
            non_empty(text(err.error_code))
                .or_else(|| non_empty(text(err.code)))
                .is_some()
        });
        if !has_code {
            return Ok(header_id(request_id_header));
        }
    }
    if let Ok(err) = serde_json::from_slice::<HuaweiError>(body) {
        let code = non_empty(text(err.error_code)).or_else(|| non_empty(text(err.code)));
        let message = non_empty(text(err.error_msg)).or_else(|| non_empty(text(err.message)));
        if code.is_some() || message.is_some() {
            let request_id = header_id(request_id_header).or_else(|| non_empty(err.request_id));
            return Err(vendor_error(op, status, code, message, request_id));
        }
    }
    Err(status_error(
        op,
        kind_by_status(status),
        status,
        "a Huawei Cloud error body",
        body,
    )
    .with_request_id(header_id(request_id_header)))
}
