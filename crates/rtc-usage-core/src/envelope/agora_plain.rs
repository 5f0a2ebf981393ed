//! `AgoraPlain` (Agora's Console RESTful API): the payload bare on any 2xx status (the project
//! list documents 201 for its GET, the usage 200; the status table says 200 or 201); an error
//! is its HTTP status, with the reason in the body's `message` (`{"message": "..."}`).
//!
//! Agora's errors carry no code of their own, so the code an error reads with is its HTTP
//! status as text (`"429"`), and the spec's error table (by status, `code: "415"`) says its
//! kind and may explain it; a status the table does not name falls back to the status's usual
//! kind ([`super::kind_by_status`]). The request id, which Agora does not document, is the
//! `X-Request-Id` header's where there is one.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{
    AnswerMeta, ErrorAnswer, Text, header_id, is_success, non_empty, text, to_vec, vendor_error,
};
use crate::descriptor::OperationDescriptor;
use crate::error::{Error, ErrorKind};

/// The header a request id is read from (and written in by [`headers`]).
pub const REQUEST_ID_HEADER: &str = "X-Request-Id";

// ---- decoding -------------------------------------------------------------------------------

#[derive(Deserialize)]
struct ErrorFields {
    #[serde(default)]
    message: Option<Text>,
    /// Some gateways spell it this way; read when `message` is absent.
    #[serde(default, rename = "Message")]
    message_upper: Option<Text>,
}

/// [`super::check`] for this shape: a 2xx is a success whatever its body; anything else is the
/// error of its status.
pub fn check(
    op: &'static OperationDescriptor,
    status: u16,
    request_id_header: Option<&str>,
    body: &[u8],
) -> Result<Option<String>, Error> {
    let request_id = header_id(request_id_header);
    if is_success(status) {
        return Ok(request_id);
    }
    let message = serde_json::from_slice::<ErrorFields>(body)
        .ok()
        .and_then(|e| non_empty(text(e.message)).or_else(|| non_empty(text(e.message_upper))))
        .unwrap_or_else(|| {
            format!(
                "HTTP {status} without a message; body starts: {}",
                crate::error::body_excerpt(body)
            )
        });
    Err(vendor_error(
        op,
        status,
        Some(status.to_string()),
        Some(message),
        request_id,
    ))
}

/// [`super::payload`] for this shape: the whole body, which must be a JSON object.
pub fn payload<T: DeserializeOwned>(
    op: &'static OperationDescriptor,
    body: &[u8],
) -> Result<T, Error> {
    super::huawei_plain::payload(op, body)
}

// ---- encoding -------------------------------------------------------------------------------

/// The success body: the payload as it is.
pub fn success(payload: &Value, _meta: &AnswerMeta<'_>) -> Vec<u8> {
    to_vec(payload)
}

/// The error body: `{"message"}`; the code is the status ([`error_status`] reads it back).
pub fn error(error: &ErrorAnswer<'_>, _meta: &AnswerMeta<'_>) -> Vec<u8> {
    let mut fields = Map::new();
    fields.insert(
        "message".to_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::{AuthScheme, Envelope, ErrorCodeRule, Limits};

    static RULES: [ErrorCodeRule; 2] = [
        ErrorCodeRule {
            code: "415",
            kind: ErrorKind::InvalidParameter,
            explanation: Some("the request's Content-Type is not application/json"),
        },
        ErrorCodeRule {
            code: "403",
            kind: ErrorKind::Auth,
            explanation: None,
        },
    ];

    static OP: OperationDescriptor = OperationDescriptor {
        vendor: "test",
        service: "console",
        name: "GetThings",
        version: "v1",
        method: "GET",
        path: "/dev/v1/things",
        auth: AuthScheme::HttpBasic,
        envelope: Envelope::AgoraPlain,
        endpoints: &[],
        default_region: "global",
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
        vendor_error_codes: &RULES,
        usage: None,
    };

    #[test]
    fn any_2xx_is_a_success_with_the_payload_bare() {
        for status in [200, 201, 204] {
            assert_eq!(
                check(&OP, status, Some("r-1"), br#"{"projects":[]}"#).unwrap(),
                Some("r-1".to_owned())
            );
        }
        let v: Value = payload(&OP, br#"{"projects":[{"id":"p"}]}"#).unwrap();
        assert_eq!(v["projects"][0]["id"], "p");
        let err = payload::<Value>(&OP, b"[1]").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode);
    }

    #[test]
    fn errors_read_by_status_through_the_table() {
        let err = check(&OP, 415, None, br#"{"message":"Unsupported Media Type"}"#).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidParameter);
        assert_eq!(err.code(), Some("415"));
        assert_eq!(err.http_status(), Some(415));
        assert!(
            err.message()
                .starts_with("Unsupported Media Type — the request's Content-Type")
        );
        // Not in the table: the status's usual kind.
        for (status, kind) in [
            (429, ErrorKind::Throttled),
            (401, ErrorKind::Auth),
            (404, ErrorKind::NotFound),
            (400, ErrorKind::InvalidParameter),
            (500, ErrorKind::Server),
            (503, ErrorKind::Server),
        ] {
            let err = check(&OP, status, Some("r-2"), br#"{"message":"m"}"#).unwrap_err();
            assert_eq!(err.kind(), kind, "{status}");
            assert_eq!(err.message(), "m");
            assert_eq!(err.request_id(), Some("r-2"));
        }
        let err = check(&OP, 403, None, b"<html>Forbidden</html>").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth);
        assert!(err.message().contains("<html>Forbidden"), "{err}");
        let err = check(&OP, 502, None, br#"{"Message":"Bad gateway"}"#).unwrap_err();
        assert_eq!(
            (err.kind(), err.message()),
            (ErrorKind::Server, "Bad gateway")
        );
    }

    #[test]
    fn what_is_encoded_decodes_with_its_status_as_code() {
        let meta = AnswerMeta {
            request_id: "req-9",
            op: Some(&OP),
            ..AnswerMeta::default()
        };
        let answer = ErrorAnswer {
            kind: ErrorKind::InvalidParameter,
            code: "415",
            code_n: None,
            message: "wrong type",
        };
        let body = error(&answer, &meta);
        assert_eq!(body, br#"{"message":"wrong type"}"#);
        let err = check(&OP, 415, Some("req-9"), &body).unwrap_err();
        assert_eq!(err.code(), Some("415"));
        assert_eq!(err.request_id(), Some("req-9"));
        assert_eq!(error_status(ErrorKind::Throttled), 429);
        assert_eq!(headers(&meta), [(REQUEST_ID_HEADER, "req-9".to_owned())]);
    }
}
