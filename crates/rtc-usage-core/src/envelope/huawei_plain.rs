//! `HuaweiPlain`: the payload bare on 2xx; errors `{error_code, error_msg}` (or `{code,
//! message}`) with a non-2xx status; the request id in the `X-Request-Id` header.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{
    AnswerMeta, ErrorAnswer, ObjectOnly, Text, header_id, is_success, kind_by_status, non_empty,
    status_error, text, to_vec, vendor_error,
};
use crate::descriptor::OperationDescriptor;
use crate::error::{Error, ErrorKind};

/// The header that carries the request id.
pub const REQUEST_ID_HEADER: &str = "X-Request-Id";

// ---- decoding -------------------------------------------------------------------------------

#[derive(Deserialize)]
struct ErrorFields {
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

/// [`super::check`] for this shape.
pub fn check(
    op: &'static OperationDescriptor,
    status: u16,
    request_id_header: Option<&str>,
    body: &[u8],
) -> Result<Option<String>, Error> {
    if is_success(status) {
        // A gateway may answer an error (throttling, say) with a 2xx status: a success body
        // never has an error code.
        let has_code = serde_json::from_slice::<ErrorFields>(body).is_ok_and(|err| {
            non_empty(text(err.error_code))
                .or_else(|| non_empty(text(err.code)))
                .is_some()
        });
        if !has_code {
            return Ok(header_id(request_id_header));
        }
    }
    if let Ok(err) = serde_json::from_slice::<ErrorFields>(body) {
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

/// [`super::payload`] for this shape: the whole body.
pub fn payload<T: DeserializeOwned>(
    op: &'static OperationDescriptor,
    body: &[u8],
) -> Result<T, Error> {
    super::wrapped_payload::<ObjectOnly, T, T>(op, body, "the answer", |t| t)
}

// ---- encoding -------------------------------------------------------------------------------

/// The success body: the payload as it is.
pub fn success(payload: &Value, _meta: &AnswerMeta<'_>) -> Vec<u8> {
    to_vec(payload)
}

/// The error body: `{"error_code", "error_msg"}` (the request id goes in [`headers`]).
pub fn error(error: &ErrorAnswer<'_>, _meta: &AnswerMeta<'_>) -> Vec<u8> {
    let mut fields = Map::new();
    fields.insert(
        "error_code".to_owned(),
        Value::String(error.code.to_owned()),
    );
    fields.insert(
        "error_msg".to_owned(),
        Value::String(error.message.to_owned()),
    );
    to_vec(&Value::Object(fields))
}

/// Every answer's `X-Request-Id`.
pub fn headers(meta: &AnswerMeta<'_>) -> Vec<(&'static str, String)> {
    vec![(REQUEST_ID_HEADER, meta.request_id.to_owned())]
}

/// Errors come with the HTTP status of their kind ([`super::status_by_kind`]).
pub fn error_status(kind: ErrorKind) -> u16 {
    super::status_by_kind(kind)
}
