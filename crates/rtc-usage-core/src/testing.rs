//! Checks the generated crates run on their documents' own examples, and ([`wire`]) the
//! checks their wire tests share. Enabled by the `test-util` feature.
//!
//! Each generated operation module has a test per documented example that calls these:
//! the documented request must be exactly what the client sends (compared as JSON values
//! and query pairs), and the documented response must decode into the generated types.

pub mod wire;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::ErrorKind;
use crate::operation::{Operation, prepare};

/// The query pairs of a documented URL or request line, percent-decoded, in order.
pub fn example_query(url: &str) -> Vec<(String, String)> {
    let Some((_, query)) = url.split_once('?') else {
        return Vec::new();
    };
    let query = query.split_whitespace().next().unwrap_or_default();
    query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The typed input a documented request stands for: its body fields and its non-constant
/// query parameters.
pub fn example_input<Op: Operation>(url: &str, body: Option<&str>) -> Result<Op::Input, String>
where
    Op::Input: DeserializeOwned,
{
    let mut fields = match body {
        Some(b) => match serde_json::from_str::<Value>(b) {
            Ok(Value::Object(map)) => map,
            Ok(other) => return Err(format!("the example body is not an object: {other}")),
            Err(e) => return Err(format!("the example body is not JSON: {e}")),
        },
        None => Map::new(),
    };
    let constants: Vec<&str> = Op::descriptor().constants.iter().map(|c| c.name).collect();
    for (k, v) in example_query(url) {
        if constants.contains(&k.as_str()) {
            continue;
        }
        match fields.get_mut(&k) {
            Some(Value::Array(items)) => items.push(Value::String(v)),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, Value::String(v)]);
            }
            None => {
                fields.insert(k, Value::String(v));
            }
        }
    }
    serde_json::from_value(Value::Object(fields))
        .map_err(|e| format!("the example does not fit the request type: {e}"))
}

/// The documented request, built through the generated types, is the documented request.
pub fn assert_example_request<Op: Operation>(url: &str, body: Option<&str>)
where
    Op::Input: DeserializeOwned,
{
    let name = Op::descriptor().name;
    let input = example_input::<Op>(url, body).unwrap_or_else(|e| panic!("{name}: {e}"));
    let parts = prepare::<Op>(&input).unwrap_or_else(|e| panic!("{name}: {e}"));
    let sent_body = parts
        .body
        .as_deref()
        .map(|b| serde_json::from_slice::<Value>(b).expect("the client sends JSON"));
    let documented_body = body.map(|b| serde_json::from_str::<Value>(b).expect("documented JSON"));
    assert_eq!(
        sent_body, documented_body,
        "{name}: the body differs from the document's"
    );
    let mut sent_query = parts.query.clone();
    let mut documented_query = example_query(url);
    sent_query.sort();
    documented_query.sort();
    assert_eq!(
        sent_query, documented_query,
        "{name}: the query differs from the document's"
    );
}

/// A documented request the spec marks as wrong is refused before any call.
pub fn assert_example_refused<Op: Operation>(url: &str, body: Option<&str>)
where
    Op::Input: DeserializeOwned,
{
    let op = Op::descriptor();
    let input = example_input::<Op>(url, body).unwrap_or_else(|e| panic!("{}: {e}", op.name));
    let result = crate::validate::check(op, &Op::time_range(&input), chrono::Utc::now());
    let err = result.expect_err("the document's defective request must be refused locally");
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
}

/// The documented response decodes: a success into the output type, an error into a
/// classified vendor error.
///
/// Which of the two an answer is, is the envelope's reading ([`crate::envelope::check`]): a
/// 2xx status alone does not say, since an envelope may carry errors with HTTP 200. A non-2xx
/// answer must be an error.
pub fn assert_example_response<Op: Operation>(status: u16, body: &str) {
    let op = Op::descriptor();
    let success = crate::envelope::check(op, status, None, body.as_bytes()).is_ok();
    let result = crate::envelope::decode::<Op::Output>(op, status, None, body.as_bytes());
    if success {
        assert!(
            (200..300).contains(&status),
            "{}: a documented {status} answer reads as a success",
            op.name
        );
        if let Err(e) = result {
            panic!("{}: the documented response does not decode: {e}", op.name);
        }
    } else {
        let err = result
            .err()
            .expect("a documented error response is an error");
        assert_ne!(err.kind(), ErrorKind::Decode, "{err}");
        assert!(err.code().is_some(), "the vendor's code is kept: {err}");
    }
}
