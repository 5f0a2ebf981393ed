//! `TencentResponse` (Tencent Cloud API 3.0): `{"Response": {payload.., "RequestId"}}`, and
//! errors `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}` **with HTTP 200**; a
//! non-200 status comes from a gateway or proxy in between.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{
    AnswerMeta, ErrorAnswer, ObjectOnly, Text, header_id, is_success, non_empty, status_error,
    text, to_vec, vendor_error,
};
use crate::descriptor::OperationDescriptor;
use crate::error::{Error, ErrorKind};

// ---- decoding -------------------------------------------------------------------------------

#[derive(Deserialize)]
struct Head {
    #[serde(rename = "Response", default)]
    response: Option<HeadInner>,
}

#[derive(Deserialize)]
struct HeadInner {
    #[serde(rename = "Error", default)]
    error: Option<ErrorFields>,
    #[serde(rename = "RequestId", default)]
    request_id: Option<String>,
}

#[derive(Deserialize)]
struct ErrorFields {
    #[serde(rename = "Code", default)]
    code: Option<Text>,
    #[serde(rename = "Message", default)]
    message: Option<Text>,
}

#[derive(Deserialize)]
struct Body<T> {
    #[serde(rename = "Response")]
    response: T,
}

/// Tencent answers every API error with HTTP 200; another status comes from a gateway or
/// proxy in between: 5xx → `Server`, 429 → `Throttled`, anything else → `Other`.
fn status_kind(status: u16) -> ErrorKind {
    match status {
        429 => ErrorKind::Throttled,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Other,
    }
}

/// [`super::check`] for this shape.
pub fn check(
    op: &'static OperationDescriptor,
    status: u16,
    request_id_header: Option<&str>,
    body: &[u8],
) -> Result<Option<String>, Error> {
    let inner = match serde_json::from_slice::<Head>(body) {
        Ok(Head {
            response: Some(inner),
        }) => inner,
        Ok(Head { response: None }) if is_success(status) => {
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
                status_kind(status),
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
            status_kind(status),
            status,
            "a Tencent Cloud error in the `Response`",
            body,
        )
        .with_request_id(request_id));
    }
    Ok(request_id)
}

/// [`super::payload`] for this shape: the `Response`.
pub fn payload<T: DeserializeOwned>(
    op: &'static OperationDescriptor,
    body: &[u8],
) -> Result<T, Error> {
    super::wrapped_payload::<Body<ObjectOnly>, Body<T>, T>(op, body, "the `Response`", |b| {
        b.response
    })
}

// ---- encoding -------------------------------------------------------------------------------

fn wrap(response: Value) -> Vec<u8> {
    let mut out = Map::new();
    out.insert("Response".to_owned(), response);
    to_vec(&Value::Object(out))
}

/// The success body: `{"Response": payload}`, the payload's own `RequestId` kept, else the
/// request id added (a payload that is not an object is wrapped as it is).
pub fn success(payload: &Value, meta: &AnswerMeta<'_>) -> Vec<u8> {
    let mut response = payload.clone();
    if let Value::Object(map) = &mut response {
        map.entry("RequestId")
            .or_insert_with(|| Value::String(meta.request_id.to_owned()));
    }
    wrap(response)
}

/// The error body: `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`.
pub fn error(error: &ErrorAnswer<'_>, meta: &AnswerMeta<'_>) -> Vec<u8> {
    let mut fields = Map::new();
    fields.insert("Code".to_owned(), Value::String(error.code.to_owned()));
    fields.insert(
        "Message".to_owned(),
        Value::String(error.message.to_owned()),
    );
    let mut response = Map::new();
    response.insert("Error".to_owned(), Value::Object(fields));
    response.insert(
        "RequestId".to_owned(),
        Value::String(meta.request_id.to_owned()),
    );
    wrap(Value::Object(response))
}

/// Every API error, of any kind, comes with HTTP 200.
pub fn error_status(_kind: ErrorKind) -> u16 {
    200
}
