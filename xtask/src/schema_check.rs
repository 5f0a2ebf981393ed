//! The JSON Schemas inside a spec — each parameter's `schema`, `response.schema` and every
//! entry of `definitions`, down through `properties`, `items` and `additionalProperties` —
//! may use only a closed set of keywords, and `type`, `format` and `x-unit` only values the
//! generator understands. serde keeps these schemas as raw JSON, so without this check a
//! typo (`fromat: date-time`, `x-unti: minutes`) would be dropped in silence.
//!
//! An error is `<JSON path>: <what is wrong>`, e.g.
//! `response.schema.properties.Usages.items.x-unti: unknown schema keyword `x-unti` (did you
//! mean `x-unit`?)`; the loader puts the spec file in front.

use serde_json::{Map, Value};

use crate::spec::OperationSpec;

/// The unit of a number (documentation for readers and the facade; closed so that a typo is
/// caught).
pub const X_UNIT: &str = "x-unit";
/// An open set of strings (see `codegen::types`); only on an entry of `definitions`.
pub const X_KNOWN_VALUES: &str = "x-known-values";
/// A string of the answer that is a secret (Agora's App Certificate): `true` only; the typed
/// answer has no field for it and the raw JSON shows it as `***`.
pub const X_SECRET: &str = "x-secret";

/// Every keyword a spec's schema may use: the JSON Schema keywords typify turns into Rust
/// (the ones the specs use plus a few plain validation keywords), and the project's two
/// extensions.
pub const KEYWORDS: &[&str] = &[
    "$ref",
    "additionalProperties",
    "default",
    "description",
    "enum",
    "format",
    "items",
    "maxItems",
    "maxLength",
    "maximum",
    "minItems",
    "minLength",
    "minimum",
    "pattern",
    "properties",
    "required",
    "title",
    "type",
    X_KNOWN_VALUES,
    X_SECRET,
    X_UNIT,
];

/// JSON Schema's instance types.
pub const TYPES: &[&str] = &[
    "array", "boolean", "integer", "null", "number", "object", "string",
];

/// String formats with a Rust type in the generated crates: `date` is typify's
/// `chrono::NaiveDate`, `date-time` the generator's `chrono::DateTime<FixedOffset>`. (typify
/// also knows `uuid` and `ip*`, but the vendor crates do not depend on `uuid`, and no vendor
/// sends addresses.)
pub const STRING_FORMATS: &[&str] = &["date", "date-time"];
/// Integer formats typify maps to a Rust integer of that width.
pub const INTEGER_FORMATS: &[&str] = &[
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
];
/// Number formats: `float` is `f32`, `double` (and no format) `f64`.
pub const NUMBER_FORMATS: &[&str] = &["float", "double"];

/// The units a number may be in: the time units of usage figures, and the two the
/// distribution answer uses (`percent`, `users`).
pub const UNITS: &[&str] = &[
    "milliseconds",
    "seconds",
    "minutes",
    "hours",
    "percent",
    "users",
];

/// Checks every schema of an operation spec; the error starts with the JSON path at fault.
pub fn check_operation(spec: &OperationSpec) -> Result<(), String> {
    for p in &spec.parameters {
        if let Some(schema) = &p.schema {
            check_schema(schema, &format!("parameters.{}.schema", p.name), false)?;
        }
    }
    check_schema(&spec.response.schema, "response.schema", false)?;
    for (name, def) in &spec.definitions {
        check_schema(def, &format!("definitions.{name}"), true)?;
    }
    Ok(())
}

/// One schema at `at`; `definition` when it is an entry of `definitions` itself.
pub fn check_schema(schema: &Value, at: &str, definition: bool) -> Result<(), String> {
    let Value::Object(map) = schema else {
        return Err(format!(
            "{at}: a schema is a mapping of keywords, not {}",
            kind_of(schema)
        ));
    };
    for key in map.keys() {
        if !KEYWORDS.contains(&key.as_str()) {
            let hint = match suggest(key, KEYWORDS) {
                Some(s) => format!(" (did you mean `{s}`?)"),
                None => format!("; a spec's schemas may use {}", list(KEYWORDS)),
            };
            return Err(format!("{at}.{key}: unknown schema keyword `{key}`{hint}"));
        }
    }
    let types = check_type(map, at)?;
    for (key, value) in map {
        let here = format!("{at}.{key}");
        match key.as_str() {
            "type" => {}
            "format" => check_format(value, &types, &here)?,
            X_UNIT => check_unit(value, &types, &here)?,
            X_KNOWN_VALUES => check_known_values(value, &types, definition, &here)?,
            X_SECRET => {
                if value != &Value::Bool(true) || types != ["string"] {
                    return Err(format!(
                        "{here}: `{X_SECRET}` is `true` on a string schema (a secret of the answer)"
                    ));
                }
            }
            "description" | "title" | "pattern" | "$ref" => {
                if !value.is_string() {
                    return Err(format!("{here}: must be a string, not {}", kind_of(value)));
                }
            }
            "minimum" | "maximum" => {
                if !value.is_number() {
                    return Err(format!("{here}: must be a number, not {}", kind_of(value)));
                }
            }
            "minItems" | "maxItems" | "minLength" | "maxLength" => {
                if !value.is_u64() {
                    return Err(format!(
                        "{here}: must be a non-negative integer, not {}",
                        kind_of(value)
                    ));
                }
            }
            "enum" => {
                if value.as_array().is_none_or(Vec::is_empty) {
                    return Err(format!("{here}: must be a non-empty list of values"));
                }
            }
            "default" => check_default(value, &types, &here)?,
            "required" => check_required(value, map.get("properties"), &here)?,
            "properties" => {
                let Value::Object(props) = value else {
                    return Err(format!(
                        "{here}: must map property names to schemas, not {}",
                        kind_of(value)
                    ));
                };
                for (name, prop) in props {
                    check_schema(prop, &format!("{here}.{name}"), false)?;
                }
            }
            "items" => check_schema(value, &here, false)?,
            "additionalProperties" => {
                if !value.is_boolean() {
                    check_schema(value, &here, false)?;
                }
            }
            other => unreachable!("keyword `{other}` is in KEYWORDS but not checked"),
        }
    }
    Ok(())
}

/// The schema's `type` as a list (empty when absent).
fn check_type<'a>(map: &'a Map<String, Value>, at: &str) -> Result<Vec<&'a str>, String> {
    let here = format!("{at}.type");
    let names: Vec<&Value> = match map.get("type") {
        None => return Ok(Vec::new()),
        Some(Value::Array(list)) if !list.is_empty() => list.iter().collect(),
        Some(v @ Value::String(_)) => vec![v],
        Some(other) => {
            return Err(format!(
                "{here}: must be a type name or a non-empty list of them, not {}",
                kind_of(other)
            ));
        }
    };
    let mut types = Vec::new();
    for name in names {
        let Some(name) = name.as_str() else {
            return Err(format!("{here}: type names are strings"));
        };
        if !TYPES.contains(&name) {
            return Err(format!(
                "{here}: `{name}` is not a JSON Schema type{}",
                hint(name, TYPES)
            ));
        }
        if types.contains(&name) {
            return Err(format!("{here}: `{name}` is listed twice"));
        }
        types.push(name);
    }
    Ok(types)
}

fn formats_of(ty: &str) -> &'static [&'static str] {
    match ty {
        "string" => STRING_FORMATS,
        "integer" => INTEGER_FORMATS,
        "number" => NUMBER_FORMATS,
        _ => &[],
    }
}

fn check_format(value: &Value, types: &[&str], here: &str) -> Result<(), String> {
    let Some(format) = value.as_str() else {
        return Err(format!("{here}: must be a string, not {}", kind_of(value)));
    };
    let all: Vec<&str> = ["string", "integer", "number"]
        .into_iter()
        .flat_map(formats_of)
        .copied()
        .collect();
    if !all.contains(&format) {
        return Err(format!(
            "{here}: unknown format `{format}`{}; the generator supports {} (string), {} (integer), {} (number)",
            suggest(format, &all)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default(),
            list(STRING_FORMATS),
            list(INTEGER_FORMATS),
            list(NUMBER_FORMATS),
        ));
    }
    if types.is_empty() {
        return Err(format!(
            "{here}: format `{format}` needs a `type` beside it"
        ));
    }
    if !types.iter().any(|t| formats_of(t).contains(&format)) {
        let owner = ["string", "integer", "number"]
            .into_iter()
            .find(|t| formats_of(t).contains(&format))
            .unwrap_or_default();
        return Err(format!(
            "{here}: format `{format}` is a format of type `{owner}`, not of type `{}`",
            types.join("`, `")
        ));
    }
    Ok(())
}

fn is_numeric(types: &[&str]) -> bool {
    types.iter().any(|t| matches!(*t, "integer" | "number"))
}

fn check_unit(value: &Value, types: &[&str], here: &str) -> Result<(), String> {
    let Some(unit) = value.as_str() else {
        return Err(format!("{here}: must be a string, not {}", kind_of(value)));
    };
    if !UNITS.contains(&unit) {
        return Err(format!(
            "{here}: unknown unit `{unit}`{}",
            hint(unit, UNITS)
        ));
    }
    if !is_numeric(types) {
        return Err(format!(
            "{here}: a unit belongs to a number (`type: integer` or `type: number`), not to {}",
            describe_types(types)
        ));
    }
    Ok(())
}

fn check_known_values(
    value: &Value,
    types: &[&str],
    definition: bool,
    here: &str,
) -> Result<(), String> {
    if !definition {
        return Err(format!(
            "{here}: only an entry of `definitions` can be an open set (the generator ignores \
             `{X_KNOWN_VALUES}` anywhere else); move the schema into `definitions` and `$ref` it"
        ));
    }
    if types != ["string"] {
        return Err(format!(
            "{here}: an open set is a `type: string` definition, not {}",
            describe_types(types)
        ));
    }
    let Some(values) = value.as_array().filter(|v| !v.is_empty()) else {
        return Err(format!("{here}: must be a non-empty list of known values"));
    };
    for (i, v) in values.iter().enumerate() {
        match v {
            Value::String(_) => {}
            Value::Object(o) => {
                if !o.get("value").is_some_and(Value::is_string) {
                    return Err(format!("{here}.{i}: a known value needs a string `value`"));
                }
                for (k, v) in o {
                    match k.as_str() {
                        "value" => {}
                        "description" if v.is_string() => {}
                        "description" => {
                            return Err(format!("{here}.{i}.description: must be a string"));
                        }
                        other => {
                            return Err(format!(
                                "{here}.{i}.{other}: unknown key `{other}` of a known value{}",
                                hint(other, &["value", "description"])
                            ));
                        }
                    }
                }
            }
            other => {
                return Err(format!(
                    "{here}.{i}: a known value is a string or {{value, description}}, not {}",
                    kind_of(other)
                ));
            }
        }
    }
    Ok(())
}

fn check_default(value: &Value, types: &[&str], here: &str) -> Result<(), String> {
    if types.is_empty() {
        return Ok(());
    }
    let fits = types.iter().any(|t| match *t {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => false,
    });
    if fits {
        Ok(())
    } else {
        Err(format!(
            "{here}: {} does not fit {}",
            kind_of(value),
            describe_types(types)
        ))
    }
}

fn check_required(value: &Value, properties: Option<&Value>, here: &str) -> Result<(), String> {
    let Some(names) = value.as_array() else {
        return Err(format!(
            "{here}: must be a list of property names, not {}",
            kind_of(value)
        ));
    };
    let props = properties.and_then(Value::as_object);
    for name in names {
        let Some(name) = name.as_str() else {
            return Err(format!("{here}: property names are strings"));
        };
        if !props.is_some_and(|p| p.contains_key(name)) {
            let known: Vec<&str> = props
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default();
            return Err(format!(
                "{here}: `{name}` is not one of `properties`{}",
                suggest(name, &known)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default()
            ));
        }
    }
    Ok(())
}

fn describe_types(types: &[&str]) -> String {
    if types.is_empty() {
        "a schema without `type`".into()
    } else {
        format!("`type: {}`", types.join(", "))
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn list(items: &[&str]) -> String {
    items.join(", ")
}

/// ` (did you mean `x`?); one of a, b, c`.
fn hint(word: &str, candidates: &[&str]) -> String {
    let mean = suggest(word, candidates)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    format!("{mean}; one of {}", list(candidates))
}

/// The candidate closest to `word`, if it is close enough to be a typo of it.
pub fn suggest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let len = word.chars().count();
    candidates
        .iter()
        .map(|c| (distance(&word.to_lowercase(), &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= 2 && *d * 3 <= len.max(c.chars().count()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance with adjacent transpositions (optimal string alignment): `fromat` is one
/// edit from `format`.
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(schema: Value) -> String {
        check_schema(&schema, "s", false).expect_err("must be refused")
    }

    #[test]
    fn typos_are_named_with_a_suggestion() {
        assert_eq!(
            err(json!({"type": "string", "fromat": "date"})),
            "s.fromat: unknown schema keyword `fromat` (did you mean `format`?)"
        );
        assert_eq!(
            err(
                json!({"type": "object", "properties": {"a": {"type": "array", "items": {"type": "integer", "x-unti": "minutes"}}}})
            ),
            "s.properties.a.items.x-unti: unknown schema keyword `x-unti` (did you mean `x-unit`?)"
        );
        assert!(
            err(json!({"oneOf": []}))
                .contains("unknown schema keyword `oneOf`; a spec's schemas may use $ref,")
        );
    }

    #[test]
    fn values_of_closed_sets_are_checked() {
        assert!(
            err(json!({"type": "strng"}))
                .contains("`strng` is not a JSON Schema type (did you mean `string`?)")
        );
        assert!(
            err(json!({"type": "string", "format": "datetime"}))
                .contains("unknown format `datetime` (did you mean `date-time`?)")
        );
        assert!(
            err(json!({"type": "string", "format": "int64"}))
                .contains("format `int64` is a format of type `integer`, not of type `string`")
        );
        assert!(err(json!({"format": "date"})).contains("needs a `type`"));
        assert!(
            err(json!({"type": "integer", "x-unit": "minuts"}))
                .contains("unknown unit `minuts` (did you mean `minutes`?)")
        );
        assert!(
            err(json!({"type": "string", "x-unit": "minutes"}))
                .contains("a unit belongs to a number")
        );
        assert!(
            err(json!({"type": "integer", "default": "0"}))
                .contains("s.default: a string does not fit `type: integer`")
        );
        assert!(
            err(json!({"type": "object", "required": ["b"], "properties": {"a": {}}}))
                .contains("`b` is not one of `properties`")
        );
        assert!(
            err(json!({"type": "string", "x-known-values": ["a"]}))
                .contains("only an entry of `definitions`")
        );
        assert!(
            err(json!({"type": "array", "items": [{"type": "string"}]}))
                .contains("s.items: a schema is a mapping")
        );
    }

    #[test]
    fn known_values_belong_to_string_definitions() {
        let ok =
            json!({"type": "string", "x-known-values": ["a", {"value": "b", "description": "B"}]});
        check_schema(&ok, "definitions.K", true).unwrap();
        let bad = json!({"type": "string", "x-known-values": [{"value": "b", "descripton": "B"}]});
        let msg = check_schema(&bad, "definitions.K", true).unwrap_err();
        assert!(
            msg.starts_with("definitions.K.x-known-values.0.descripton: unknown key"),
            "{msg}"
        );
    }

    #[test]
    fn what_the_specs_use_passes() {
        let schema = json!({
            "type": "object",
            "description": "d",
            "required": ["a"],
            "additionalProperties": false,
            "properties": {
                "a": {"type": "integer", "format": "int64", "x-unit": "seconds", "default": 0},
                "b": {"type": "number", "format": "double", "x-unit": "percent", "minimum": 0},
                "c": {"type": "array", "items": {"$ref": "#/definitions/C"}, "maxItems": 3},
                "d": {"type": ["string", "null"], "format": "date-time"},
                "e": {"type": "object", "additionalProperties": {"type": "string", "enum": ["x"]}}
            }
        });
        check_schema(&schema, "s", false).unwrap();
    }

    #[test]
    fn suggestions_are_only_for_near_misses() {
        assert_eq!(suggest("fromat", KEYWORDS), Some("format"));
        assert_eq!(suggest("Format", KEYWORDS), Some("format"));
        assert_eq!(suggest("oneOf", KEYWORDS), None);
        assert_eq!(suggest("x", UNITS), None);
    }
}
