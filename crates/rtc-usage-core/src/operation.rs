//! The contract between a generated operation and the runtime.

use serde::de::DeserializeOwned;

use crate::descriptor::OperationDescriptor;
use crate::validate::TimeRange;

/// One documented operation: generated per spec, executed by [`crate::Client`].
pub trait Operation: Send + Sync + 'static {
    /// The typed request a caller builds.
    type Input: Send + Sync + 'static;
    /// The typed payload of a successful answer (inside the vendor's envelope).
    type Output: DeserializeOwned + Send + 'static;

    fn descriptor() -> &'static OperationDescriptor;

    /// Writes the call's own parameters; constants and context values are the runtime's job.
    /// Generated code implements it and the runtime calls it.
    #[doc(hidden)]
    fn write_request(input: &Self::Input, request: &mut RequestParts) -> Result<(), WireError>;

    /// The queried range, for the spec's span and look-back rules.
    fn time_range(input: &Self::Input) -> TimeRange;

    /// The payload members that are secrets (`x-secret` in the spec; `projects[].sign_key`:
    /// dotted member names, `[]` for each element of an array). The typed answer has no such
    /// field; [`crate::Client::execute_json`] and decode errors show them as `***`.
    const SECRETS: &'static [&'static str] = &[];
}

/// What a redacted secret reads as.
pub const REDACTED: &str = "***";

/// Replaces the value at each of `paths` (see [`Operation::SECRETS`]) in `value` by
/// [`REDACTED`], wherever it is present.
pub fn redact(value: &mut serde_json::Value, paths: &[&str]) {
    fn walk(value: &mut serde_json::Value, segments: &[&str]) {
        let Some((first, rest)) = segments.split_first() else {
            *value = serde_json::Value::String(REDACTED.to_owned());
            return;
        };
        let (name, each) = match first.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (*first, false),
        };
        let Some(member) = value.get_mut(name) else {
            return;
        };
        match (each, member) {
            (true, serde_json::Value::Array(items)) => {
                items.iter_mut().for_each(|item| walk(item, rest));
            }
            (true, _) => {}
            (false, member) => walk(member, rest),
        }
    }
    for path in paths {
        let segments: Vec<&str> = path.split('.').collect();
        walk(value, &segments);
    }
}

/// An answer body with the secrets at `paths` redacted, for everything that reads or quotes
/// it. A body that is not JSON (cut off, say) is cut before the first member named like a
/// secret, so that an error quoting it quotes only what comes before.
pub(crate) fn redacted_body(body: &[u8], paths: &[&str]) -> Vec<u8> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            redact(&mut value, paths);
            serde_json::to_vec(&value).unwrap_or_default()
        }
        Err(_) => {
            let first = paths
                .iter()
                .filter_map(|path| {
                    let name = path.rsplit('.').next().unwrap_or(path);
                    let quoted = format!("\"{}\"", name.trim_end_matches("[]"));
                    body.windows(quoted.len())
                        .position(|w| w == quoted.as_bytes())
                })
                .min();
            match first {
                Some(at) => {
                    let mut cut = body[..at].to_vec();
                    cut.extend_from_slice(b"(the rest is not shown: it may hold a secret)");
                    cut
                }
                None => body.to_vec(),
            }
        }
    }
}

/// A request before endpoint resolution and signing: what generated `write_request` functions
/// write (plumbing between generated code and the runtime).
#[doc(hidden)]
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RequestParts {
    /// Values for the `{name}` placeholders of the path template (raw, not encoded).
    pub path_params: Vec<(&'static str, String)>,
    /// Query pairs in the order written (raw, not encoded).
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    /// The JSON body, when the operation has one.
    pub body: Option<Vec<u8>>,
}

/// A parameter value that cannot be put on the wire (plumbing between generated code and the
/// runtime; a caller sees it as an `InvalidInput` error).
#[doc(hidden)]
#[derive(Debug, thiserror::Error)]
#[error("parameter `{param}` cannot be encoded: {reason}")]
pub struct WireError {
    pub param: &'static str,
    pub reason: String,
}

/// The request parts of a call: the spec's constants first (as the documents list them),
/// then the call's own parameters. Context values (project id) are the client's to add.
///
/// Plumbing: [`crate::Client::prepare`] is the public step that includes it.
#[doc(hidden)]
pub fn prepare<Op: Operation>(input: &Op::Input) -> Result<RequestParts, WireError> {
    use crate::descriptor::Location;
    let mut parts = RequestParts::default();
    for c in Op::descriptor().constants {
        let pair = (c.name.to_owned(), c.value.to_owned());
        match c.location {
            Location::Query => parts.query.push(pair),
            Location::Header => parts.headers.push(pair),
            Location::Path => parts.path_params.push((c.name, c.value.to_owned())),
            Location::Body => {
                return Err(WireError {
                    param: c.name,
                    reason: "constant body parameters are not supported".into(),
                });
            }
        }
    }
    Op::write_request(input, &mut parts)?;
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_where_present() {
        let mut value = serde_json::json!({
            "projects": [
                {"id": "p1", "sign_key": "s1"},
                {"id": "p2"},
                {"id": "p3", "sign_key": {"nested": "s3"}},
            ],
            "top": {"key": "s4", "keep": 1},
            "list": "not an array",
        });
        redact(
            &mut value,
            &["projects[].sign_key", "top.key", "list[].x", "absent.y"],
        );
        assert_eq!(
            value,
            serde_json::json!({
                "projects": [
                    {"id": "p1", "sign_key": "***"},
                    {"id": "p2"},
                    {"id": "p3", "sign_key": "***"},
                ],
                "top": {"key": "***", "keep": 1},
                "list": "not an array",
            })
        );
        let body = redacted_body(br#"{"top":{"key":"secret"}}"#, &["top.key"]);
        assert_eq!(body, br#"{"top":{"key":"***"}}"#);
        let body = redacted_body(br#"{"top":{"a":1,"key":"secr"#, &["top.key"]);
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"top":{"a":1,(the rest is not shown: it may hold a secret)"#
        );
        assert_eq!(redacted_body(b"<html>", &["top.key"]), b"<html>");
        assert_eq!(redacted_body(b"", &["top.key"]), b"");
    }
}
