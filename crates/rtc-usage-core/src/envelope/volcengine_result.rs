//! `VolcengineResult`: `{"ResponseMetadata": {RequestId, Action, Version, Service, Region,
//! Error?}, "Result": payload}`. Errors sit in `ResponseMetadata.Error` as `{Code, CodeN?,
//! Message}` and arrive with an HTTP 4xx/5xx status (the decoder also reads one sent with 2xx).

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    AnswerMeta, ErrorAnswer, ObjectOnly, Text, header_id, is_success, kind_by_status, non_empty,
    status_error, text, vendor_error,
};
use crate::descriptor::OperationDescriptor;
use crate::error::{Error, ErrorKind};

// ---- decoding -------------------------------------------------------------------------------

#[derive(Deserialize)]
struct Head {
    #[serde(rename = "ResponseMetadata", default)]
    metadata: Option<Metadata>,
    #[serde(rename = "Result", default)]
    result: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(rename = "RequestId", default)]
    request_id: Option<String>,
    #[serde(rename = "Error", default)]
    error: Option<ErrorFields>,
}

#[derive(Deserialize)]
struct ErrorFields {
    #[serde(rename = "Code", default)]
    code: Option<Text>,
    #[serde(rename = "CodeN", default)]
    code_n: Option<Text>,
    #[serde(rename = "Message", default)]
    message: Option<Text>,
}

#[derive(Deserialize)]
struct Body<T> {
    #[serde(rename = "Result")]
    result: T,
}

/// [`super::check`] for this shape.
pub fn check(
    op: &'static OperationDescriptor,
    status: u16,
    request_id_header: Option<&str>,
    body: &[u8],
) -> Result<Option<String>, Error> {
    let head = match serde_json::from_slice::<Head>(body) {
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

/// [`super::payload`] for this shape: the `Result`.
pub fn payload<T: DeserializeOwned>(
    op: &'static OperationDescriptor,
    body: &[u8],
) -> Result<T, Error> {
    super::wrapped_payload::<Body<ObjectOnly>, Body<T>, T>(op, body, "the `Result`", |b| b.result)
}

// ---- encoding -------------------------------------------------------------------------------

#[derive(Serialize)]
struct Out<'a> {
    #[serde(rename = "ResponseMetadata")]
    metadata: OutMetadata<'a>,
    #[serde(rename = "Result", skip_serializing_if = "Option::is_none")]
    result: Option<&'a Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct OutMetadata<'a> {
    request_id: &'a str,
    action: &'a str,
    version: &'a str,
    service: &'a str,
    region: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<OutError<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct OutError<'a> {
    code: &'a str,
    #[serde(rename = "CodeN", skip_serializing_if = "Option::is_none")]
    code_n: Option<u32>,
    message: &'a str,
}

fn encode(
    meta: &AnswerMeta<'_>,
    result: Option<&Value>,
    error: Option<&ErrorAnswer<'_>>,
) -> Vec<u8> {
    let op = meta.op;
    let out = Out {
        metadata: OutMetadata {
            request_id: meta.request_id,
            action: op.map_or("", |op| op.name),
            version: op.map_or("", |op| op.version),
            service: meta.service(),
            region: meta.region(),
            error: error.map(|e| OutError {
                code: e.code,
                code_n: e.code_n,
                message: e.message,
            }),
        },
        result,
    };
    serde_json::to_vec(&out).unwrap_or_default()
}

/// The success body: `payload` as the `Result`, the metadata naming the operation's action,
/// version and service and the region.
pub fn success(payload: &Value, meta: &AnswerMeta<'_>) -> Vec<u8> {
    encode(meta, Some(payload), None)
}

/// The error body: the metadata with its `Error` (`Code`, `CodeN` when given, `Message`), no
/// `Result`.
pub fn error(error: &ErrorAnswer<'_>, meta: &AnswerMeta<'_>) -> Vec<u8> {
    encode(meta, None, Some(error))
}

/// Errors come with the HTTP status of their kind ([`super::status_by_kind`]).
pub fn error_status(kind: ErrorKind) -> u16 {
    super::status_by_kind(kind)
}
