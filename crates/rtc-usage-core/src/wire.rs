//! Helpers generated `write_request` functions call to put typed values on the wire.
//!
//! Plumbing for generated code only (`#[doc(hidden)]` at the crate root): not part of the
//! documented API.

use serde::Serialize;
use serde_json::Value;

use crate::operation::{RequestParts, WireError};

/// The text form of a query, header or path value: strings as they are, numbers and
/// booleans in JSON notation, arrays as one value per element, null as nothing.
pub fn texts<T: Serialize + ?Sized>(
    param: &'static str,
    value: &T,
) -> Result<Vec<String>, WireError> {
    let value = serde_json::to_value(value).map_err(|e| WireError {
        param,
        reason: e.to_string(),
    })?;
    let mut out = Vec::new();
    flatten(param, value, &mut out)?;
    Ok(out)
}

fn flatten(param: &'static str, value: Value, out: &mut Vec<String>) -> Result<(), WireError> {
    match value {
        Value::Null => {}
        Value::String(s) => out.push(s),
        Value::Bool(b) => out.push(b.to_string()),
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(items) => {
            for item in items {
                flatten(param, item, out)?;
            }
        }
        Value::Object(_) => {
            return Err(WireError {
                param,
                reason: "an object has no text form".into(),
            });
        }
    }
    Ok(())
}

/// Appends `name=value` query pairs (one per element for arrays).
pub fn push_query<T: Serialize + ?Sized>(
    parts: &mut RequestParts,
    name: &'static str,
    value: &T,
) -> Result<(), WireError> {
    for text in texts(name, value)? {
        parts.query.push((name.to_owned(), text));
    }
    Ok(())
}

/// [`push_query`] for a `date-time` parameter: a time at UTC is written with `Z`
/// (`2026-11-01T00:00:00Z`, as the vendors' documents write UTC), where chrono writes
/// `+00:00`; other offsets as chrono writes them.
pub fn push_query_time<T: Serialize + ?Sized>(
    parts: &mut RequestParts,
    name: &'static str,
    value: &T,
) -> Result<(), WireError> {
    for text in texts(name, value)? {
        let text = match text.strip_suffix("+00:00") {
            Some(utc) => format!("{utc}Z"),
            None => text,
        };
        parts.query.push((name.to_owned(), text));
    }
    Ok(())
}

/// Sets a header (arrays are joined with `,`).
pub fn push_header<T: Serialize + ?Sized>(
    parts: &mut RequestParts,
    name: &'static str,
    value: &T,
) -> Result<(), WireError> {
    let texts = texts(name, value)?;
    if !texts.is_empty() {
        parts.headers.push((name.to_owned(), texts.join(",")));
    }
    Ok(())
}

/// Sets a path placeholder's value.
pub fn push_path<T: Serialize + ?Sized>(
    parts: &mut RequestParts,
    name: &'static str,
    value: &T,
) -> Result<(), WireError> {
    let texts = texts(name, value)?;
    parts.path_params.push((name, texts.join(",")));
    Ok(())
}

/// Serializes the JSON body (compact, in the spec's field order).
pub fn json_body<T: Serialize + ?Sized>(
    parts: &mut RequestParts,
    body: &T,
) -> Result<(), WireError> {
    let bytes = serde_json::to_vec(body).map_err(|e| WireError {
        param: "body",
        reason: e.to_string(),
    })?;
    parts.body = Some(bytes);
    Ok(())
}

/// `skip_serializing_if` for borrowed vectors in generated body structs.
pub fn is_empty_slice<T>(v: &&Vec<T>) -> bool {
    v.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_utc_time_goes_in_the_query_with_z() {
        let mut parts = RequestParts::default();
        let utc = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00+00:00").unwrap();
        let beijing = chrono::DateTime::parse_from_rfc3339("2026-11-01T08:00:00+08:00").unwrap();
        push_query_time(&mut parts, "StartTime", &utc).unwrap();
        push_query_time(&mut parts, "EndTime", &Some(beijing)).unwrap();
        push_query_time(
            &mut parts,
            "None",
            &None::<chrono::DateTime<chrono::FixedOffset>>,
        )
        .unwrap();
        assert_eq!(
            parts.query,
            [
                ("StartTime".to_owned(), "2026-11-01T00:00:00Z".to_owned()),
                ("EndTime".to_owned(), "2026-11-01T08:00:00+08:00".to_owned()),
            ]
        );
    }
}
