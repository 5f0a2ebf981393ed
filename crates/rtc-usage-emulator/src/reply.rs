//! HTTP plumbing: the request head as the pipeline reads it, and the answers it writes.

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::{Response, StatusCode};
use rtc_usage::Vendor;
use rtc_usage_core::envelope::Encoded;
use rtc_usage_core::signing::verify::decode_query;

/// An answer with its whole body.
pub(crate) type Reply = Response<Full<Bytes>>;

/// Method, raw path and query, and headers of a request, as received.
#[derive(Debug, Clone)]
pub(crate) struct RequestHead {
    pub method: String,
    /// Still percent-encoded.
    pub path: String,
    /// Without the `?`; `""` when there is none.
    pub query: String,
    /// Lowercase names; a value that is not UTF-8 is left out (a signed one then fails
    /// verification as missing).
    pub headers: Vec<(String, String)>,
}

impl RequestHead {
    pub fn from_parts(parts: &hyper::http::request::Parts) -> Self {
        Self {
            method: parts.method.as_str().to_owned(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().unwrap_or_default().to_owned(),
            headers: parts
                .headers
                .iter()
                .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
                .collect(),
        }
    }

    /// The first value of header `name` (case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The decoded query pairs, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        decode_query(&self.query)
    }
}

/// A JSON answer with `status` (an invalid status becomes 500) and extra headers.
pub(crate) fn json(status: u16, body: Vec<u8>, headers: &[(&'static str, &str)]) -> Reply {
    let mut reply = Response::new(Full::new(Bytes::from(body)));
    *reply.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let map = reply.headers_mut();
    map.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            map.insert(name, value);
        }
    }
    reply
}

/// An answer an envelope module encoded.
pub(crate) fn encoded(answer: Encoded) -> Reply {
    let headers: Vec<(&'static str, &str)> = answer
        .headers
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    json(answer.status, answer.body, &headers)
}

/// The answer to a request no vendor claims: not one of the emulated APIs.
pub(crate) fn not_emulated() -> Reply {
    let vendors: Vec<&str> = Vendor::all().map(Vendor::id).collect();
    let message = format!(
        "not an emulated API: no operation of {} is called with this path, action header or action query",
        vendors.join(", ")
    );
    let body = serde_json::json!({ "error": message });
    json(404, serde_json::to_vec(&body).unwrap_or_default(), &[])
}

/// An answer that is not the JSON the vendor sends (fault injection).
pub(crate) fn malformed() -> Reply {
    let mut reply = json(200, b"<html>502 Bad Gateway".to_vec(), &[]);
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
    reply
}
