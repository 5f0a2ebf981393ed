//! `AlibabaRpc` (Alibaba Cloud RPC-style OpenAPI, as alibabacloud-tea-openapi 0.4.6 reads it):
//! a success is the payload bare, with its own `RequestId` member; an error comes with a
//! non-2xx status and the body `{"RequestId", "HostId", "Code", "Message", "Recommend"}`
//! (`Recommend` a troubleshooting URL; `AccessDeniedDetail` sometimes beside them).
//!
//! Readings (the notes `error-envelope` and `retry-after` of the `specs/alibaba/` operations):
//! - **A 2xx answer carrying a non-empty `Code` is an error.** The official client treats it
//!   as a success and its model drops the unknown members, so such an answer would read as
//!   "no usage"; no payload of the operations of this envelope has a `Code` member, so here it
//!   is the vendor's error (classified by the spec's table, else by the status, which at 2xx
//!   says nothing: `Other`).
//! - A non-2xx answer without `Code` or `Message` (not JSON, or the XML body the SDK reads
//!   when `Content-Type` is `text/xml;charset=utf-8`) is classified by its status alone, with
//!   a bounded excerpt of the body.
//! - The `x-acs-retry-after` header (a positive integer; the SDK raises `ThrottlingException`
//!   with it and treats it as milliseconds, UNCONFIRMED) is written by [`headers_for`] on
//!   throttling errors. The runtime passes decoders no header besides `X-Request-Id`, so a
//!   throttling answer is read by its code (the spec's `Throttling*` rules) or its status.
//!
//! The request id is the body's `RequestId`, else the `X-Request-Id` header's. Server text
//! (code, message, troubleshooting URL) goes into the error bounded ([`crate::error`]).

use std::time::Duration;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{
    AnswerMeta, ErrorAnswer, Text, header_id, is_success, kind_by_status, non_empty, status_error,
    text, to_vec, vendor_error,
};
use crate::descriptor::OperationDescriptor;
use crate::error::{Error, ErrorKind, bounded};

/// The header the official client reads a throttling back-off from.
pub const RETRY_AFTER_HEADER: &str = "x-acs-retry-after";

/// What [`headers_for`] sends in [`RETRY_AFTER_HEADER`] (milliseconds, as the SDK reads it).
pub const RETRY_AFTER_MILLIS: u64 = 1_000;

/// A code longer than this is cut (codes are short identifiers; a longer one is not a code).
const CODE_LIMIT: usize = 128;

// ---- decoding -------------------------------------------------------------------------------

#[derive(Deserialize)]
struct Head {
    #[serde(rename = "RequestId", default)]
    request_id: Option<Text>,
    #[serde(rename = "Code", default)]
    code: Option<Text>,
    #[serde(rename = "Message", default)]
    message: Option<Text>,
    #[serde(rename = "Recommend", default)]
    recommend: Option<Text>,
}

/// The back-off an `x-acs-retry-after` value asks for, as the SDK reads it: a positive
/// integer of milliseconds; anything else is none.
pub fn retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value
        .parse::<u64>()
        .ok()
        .filter(|ms| *ms > 0)
        .map(Duration::from_millis)
}

/// [`super::check`] for this shape.
pub fn check(
    op: &'static OperationDescriptor,
    status: u16,
    request_id_header: Option<&str>,
    body: &[u8],
) -> Result<Option<String>, Error> {
    let mut head = serde_json::from_slice::<Head>(body).ok();
    let request_id = non_empty(text(head.as_mut().and_then(|h| h.request_id.take())))
        .or_else(|| header_id(request_id_header));
    let Some(head) = head else {
        if is_success(status) {
            // Not an object: `payload` says so, with an excerpt.
            return Ok(request_id);
        }
        return Err(status_error(
            op,
            kind_by_status(status),
            status,
            "an Alibaba Cloud error body",
            body,
        )
        .with_request_id(request_id));
    };
    let code = non_empty(text(head.code)).map(|c| bounded(c, CODE_LIMIT));
    if is_success(status) && code.is_none() {
        return Ok(request_id);
    }
    let mut message = non_empty(text(head.message));
    if code.is_none() && message.is_none() {
        return Err(status_error(
            op,
            kind_by_status(status),
            status,
            "an Alibaba Cloud error (`Code`, `Message`)",
            body,
        )
        .with_request_id(request_id));
    }
    if let Some(recommend) = non_empty(text(head.recommend)) {
        let text = message.get_or_insert_with(|| "(no message)".to_owned());
        text.push_str(" (troubleshooting: ");
        text.push_str(&bounded(recommend, 256));
        text.push(')');
    }
    Err(vendor_error(op, status, code, message, request_id))
}

/// [`super::payload`] for this shape: the whole body, which must be a JSON object.
pub fn payload<T: DeserializeOwned>(
    op: &'static OperationDescriptor,
    body: &[u8],
) -> Result<T, Error> {
    super::huawei_plain::payload(op, body)
}

// ---- encoding -------------------------------------------------------------------------------

/// The success body: the payload with the request id as its `RequestId` (a payload's own is
/// kept; a payload that is not an object is written as it is).
pub fn success(payload: &Value, meta: &AnswerMeta<'_>) -> Vec<u8> {
    let mut body = payload.clone();
    if let Value::Object(map) = &mut body {
        map.entry("RequestId")
            .or_insert_with(|| Value::String(meta.request_id.to_owned()));
    }
    to_vec(&body)
}

/// The host an answer names as its `HostId`: the operation's first endpoint's host.
fn host_id(meta: &AnswerMeta<'_>) -> String {
    let url = meta
        .op
        .and_then(|op| op.endpoints.first())
        .map(|e| e.url)
        .unwrap_or_default();
    let host = url.split_once("://").map_or(url, |(_, rest)| rest);
    host.split('/').next().unwrap_or_default().to_owned()
}

/// The error body: `{"RequestId", "HostId", "Code", "Message", "Recommend"}`; `Recommend` in
/// the shape of Alibaba's troubleshooting links (UNCONFIRMED beyond "a URL").
pub fn error(error: &ErrorAnswer<'_>, meta: &AnswerMeta<'_>) -> Vec<u8> {
    let mut fields = Map::new();
    let mut put = |name: &str, value: String| {
        fields.insert(name.to_owned(), Value::String(value));
    };
    put("RequestId", meta.request_id.to_owned());
    put("HostId", host_id(meta));
    put("Code", error.code.to_owned());
    put("Message", error.message.to_owned());
    put(
        "Recommend",
        format!(
            "https://api.aliyun.com/troubleshoot?q={}&product={}",
            crate::signing::encode::quote(error.code),
            crate::signing::encode::quote(meta.service()),
        ),
    );
    to_vec(&Value::Object(fields))
}

/// [`RETRY_AFTER_HEADER`] asking for `wait`: whole milliseconds, rounded up, at least 1.
pub fn retry_after_header(wait: Duration) -> (&'static str, String) {
    let millis = wait.as_micros().div_ceil(1000).max(1);
    (RETRY_AFTER_HEADER, millis.to_string())
}

/// The headers an error answer of `kind` adds: [`RETRY_AFTER_HEADER`] for throttling.
pub fn headers_for(kind: ErrorKind) -> Vec<(&'static str, String)> {
    match kind {
        ErrorKind::Throttled => vec![(RETRY_AFTER_HEADER, RETRY_AFTER_MILLIS.to_string())],
        _ => Vec::new(),
    }
}

/// Errors come with the HTTP status of their kind ([`super::status_by_kind`]; 429 for
/// throttling, whose status at Alibaba is UNCONFIRMED, so that a client that reads only the
/// status backs off too).
pub fn error_status(kind: ErrorKind) -> u16 {
    super::status_by_kind(kind)
}
