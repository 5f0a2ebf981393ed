//! What the decoder targets share: the input's layout and the invariants every decode keeps.

use std::sync::OnceLock;

use rtc_usage_core::{Envelope, ErrorKind, OperationDescriptor, envelope};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// With `RTC_USAGE_FUZZ_STRICT=1`, also the properties the runtime is known to break (see
/// README.md): only a JSON object decodes as a payload, and a decode error's message is short.
fn strict() -> bool {
    static STRICT: OnceLock<bool> = OnceLock::new();
    *STRICT.get_or_init(|| std::env::var_os("RTC_USAGE_FUZZ_STRICT").is_some_and(|v| v == "1"))
}

/// The payload of an answer, as a JSON value.
fn payload(envelope: Envelope, body: &[u8]) -> Option<Value> {
    let value: Value = serde_json::from_slice(body).ok()?;
    match envelope {
        Envelope::VolcengineResult => value.get("Result").cloned(),
        Envelope::TencentResponse => value.get("Response").cloned(),
        _ => Some(value),
    }
}

/// The statuses the first input byte picks from: mostly successes, and every kind of error.
const STATUSES: [u16; 16] = [
    200, 200, 200, 200, 201, 204, 400, 401, 403, 404, 429, 500, 502, 503, 302, 599,
];

/// Decodes `data` as an answer to `op`: byte 0 picks the HTTP status, byte 1 whether an
/// `X-Request-Id` header came, the rest is the body. Checks that decoding never panics, that
/// an error keeps the status and is of a kind an answer can produce, and that the message
/// grows with the body at most linearly (no amplification).
pub fn decode<T: DeserializeOwned + Serialize>(op: &'static OperationDescriptor, data: &[u8]) {
    let [pick, header, body @ ..] = data else {
        return;
    };
    let status = STATUSES[usize::from(pick & 0x0f)];
    let header = (header & 1 == 1).then_some("hdr-request-id");
    match envelope::decode::<T>(op, status, header, body) {
        Ok(out) => {
            serde_json::to_vec(&out).expect("a decoded answer serializes");
            // (An answer that is not valid JSON to `Value` may still decode: serde_json skips
            // ignored strings without checking their UTF-8.)
            if let Some(payload) = payload(op.envelope, body).filter(|_| strict()) {
                assert!(
                    payload.is_object(),
                    "decoded a payload that is not an object: {payload}"
                );
            }
        }
        Err(error) => {
            assert_eq!(error.http_status(), Some(status), "{error}");
            assert!(
                !matches!(
                    error.kind(),
                    ErrorKind::InvalidInput
                        | ErrorKind::Transport
                        | ErrorKind::Timeout
                        | ErrorKind::Unimplemented
                ),
                "{error}"
            );
            let text = error.to_string();
            let _ = format!("{error:?}");
            assert!(
                text.len() <= 2 * body.len() + 4096,
                "a {}-byte body gave a {}-byte message",
                body.len(),
                text.len()
            );
            if strict() {
                assert!(
                    error.message().len() <= 2048,
                    "a {}-byte message",
                    error.message().len()
                );
            }
        }
    }
}

/// One decoder target: `decode_target!(DESCRIPTOR, Response)`.
macro_rules! decode_target {
    ($descriptor:path, $response:ty) => {
        libfuzzer_sys::fuzz_target!(|data: &[u8]| {
            common::decode::<$response>(&$descriptor, data);
        });
    };
}
