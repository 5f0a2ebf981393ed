//! Command-line text to an operation's JSON input, for `rtc-usage api`: the `--body` object
//! with each `--param KEY=VALUE` laid over it, every text read by its parameter's JSON type
//! from the generated `API` table. The typed request then checks the result like any call.

use rtc_usage::core::Error;
use rtc_usage::core::api::{ApiOperation, ValueKind, json_type};
use serde_json::{Map, Value};

/// The JSON value a command-line text stands for: a string parameter takes the text as it
/// is; an integer, number, boolean or object the JSON the text spells (else the text, for the
/// typed request to refuse with a clear message); an array a JSON array, or else the text as
/// one element; `Any` the JSON the text spells when it is a number, boolean, array or
/// object, else the text.
pub fn value(kind: ValueKind, text: &str) -> Value {
    let json = serde_json::from_str::<Value>(text.trim()).ok();
    match (kind, json) {
        (ValueKind::String, _) => Value::String(text.to_owned()),
        (ValueKind::Array(_), Some(array @ Value::Array(_))) => array,
        (ValueKind::Array(items), _) => Value::Array(vec![value(*items, text)]),
        (ValueKind::Integer | ValueKind::Number, Some(n @ Value::Number(_)))
        | (ValueKind::Boolean, Some(n @ Value::Bool(_)))
        | (ValueKind::Object, Some(n @ Value::Object(_))) => n,
        (
            ValueKind::Any,
            Some(v @ (Value::Number(_) | Value::Bool(_) | Value::Array(_) | Value::Object(_))),
        ) => v,
        _ => Value::String(text.to_owned()),
    }
}

/// The JSON input of a call: the object `body` (if any), with each `KEY=VALUE` text of
/// `params` converted by its parameter's [`ValueKind`] laid over it. A key given again
/// replaces the earlier value, except for an array parameter, whose later texts add elements
/// (`metric=A`, `metric=B` → `["A", "B"]`). An unknown key is refused.
pub fn input(
    op: &ApiOperation,
    body: Option<Value>,
    params: &[(String, String)],
) -> Result<Value, Error> {
    let mut input = match body {
        None => Map::new(),
        Some(Value::Object(map)) => map,
        Some(other) => {
            return Err(Error::invalid_input(
                op.descriptor,
                format!(
                    "the body must be a JSON object of {}'s parameters, not {}",
                    op.descriptor.name,
                    json_type(&other)
                ),
            ));
        }
    };
    let mut given: Vec<&str> = Vec::new();
    for (key, text) in params {
        let param = op.param(key).ok_or_else(|| op.unknown_key(key))?;
        let new = value(param.kind, text);
        match (param.kind, input.get_mut(key.as_str())) {
            (ValueKind::Array(_), Some(Value::Array(items))) if given.contains(&key.as_str()) => {
                match new {
                    Value::Array(more) => items.extend(more),
                    one => items.push(one),
                }
            }
            _ => {
                input.insert(key.clone(), new);
            }
        }
        given.push(key);
    }
    Ok(Value::Object(input))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rtc_usage::core::ErrorKind;
    use serde_json::json;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// Huawei's ListRtcHistoryScale: string `app`, array `metric`, date parameters.
    fn scale() -> &'static ApiOperation {
        let vendor = rtc_usage::Vendor::get("huawei").expect("huawei is in the default build");
        vendor
            .entry()
            .api
            .iter()
            .find(|op| op.descriptor.name == "ListRtcHistoryScale")
            .expect("the operation")
    }

    #[test]
    fn texts_become_values_by_kind() {
        assert_eq!(value(ValueKind::String, "123"), Value::from("123"));
        assert_eq!(value(ValueKind::Integer, "123"), Value::from(123));
        assert_eq!(value(ValueKind::Integer, "12x"), Value::from("12x"));
        assert_eq!(value(ValueKind::Boolean, "true"), Value::from(true));
        assert_eq!(value(ValueKind::Number, "1.5"), Value::from(1.5));
        let strings = ValueKind::Array(&ValueKind::String);
        assert_eq!(value(strings, "a"), json!(["a"]));
        assert_eq!(value(strings, r#"["a","b"]"#), json!(["a", "b"]));
        assert_eq!(value(ValueKind::Any, "7"), Value::from(7));
        assert_eq!(value(ValueKind::Any, "\"7\""), Value::from("\"7\""));
        assert_eq!(value(ValueKind::Any, "x"), Value::from("x"));
        assert_eq!(value(ValueKind::Object, "{\"a\":1}"), json!({"a": 1}));
    }

    #[test]
    fn params_lay_over_the_body_and_arrays_accumulate() {
        let body = json!({"app": "a1", "start_date": "2024-01-01", "metric": ["z"]});
        let input = input(
            scale(),
            Some(body),
            &pairs(&[
                ("start_date", "2024-01-02"),
                ("metric", "UserCount"),
                ("metric", "RoomCount"),
            ]),
        )
        .unwrap();
        assert_eq!(
            input,
            json!({"app": "a1", "start_date": "2024-01-02", "metric": ["UserCount", "RoomCount"]})
        );
    }

    #[test]
    fn unknown_keys_and_bad_bodies_are_invalid_input() {
        let err = input(scale(), None, &pairs(&[("App", "x")])).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().contains("did you mean `app`?"), "{err}");
        let err = input(scale(), Some(json!([1])), &[]).unwrap_err();
        assert!(err.message().contains("not an array"), "{err}");
    }
}
