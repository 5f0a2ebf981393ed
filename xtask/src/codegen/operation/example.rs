//! The spec's documented example request as setter calls: what the client method's rustdoc
//! example and the generated `limits` tests call.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::super::rust::type_name;
use super::super::types::{Field, Shape};
use crate::spec::{Location, OperationSpec};

/// Where a setter argument is written, which decides how it names types and handles errors.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A rustdoc example outside the crate: `?` on fallible conversions, open sets named by
    /// `use` lines.
    Doc,
    /// Inside the operation module's tests (`use super::*`): `.unwrap()`.
    Test,
}

/// The value of each caller-set parameter in the (corrected) first documented example, by wire
/// name, as JSON typed after the parameter's schema. Parameters the example does not set are
/// absent.
pub fn values(spec: &OperationSpec, fields: &[Field]) -> Result<BTreeMap<String, Value>, String> {
    let Some(ex) = spec.examples.first() else {
        return Err("key `examples`: a spec carries its document's examples".into());
    };
    let (url, body) = match &ex.corrected {
        Some(c) => (
            c.url.as_deref().unwrap_or(&ex.request.url),
            c.body.as_deref().or(ex.request.body.as_deref()),
        ),
        None => (ex.request.url.as_str(), ex.request.body.as_deref()),
    };
    let body = match body {
        Some(b) => serde_json::from_str::<Value>(b)
            .map_err(|e| format!("key `examples.{}`: the body is not JSON: {e}", ex.name))?,
        None => Value::Null,
    };
    let query = query_pairs(url);
    let path = path_values(&spec.http.path, url);
    let mut values = BTreeMap::new();
    for f in fields {
        let array = schema_type(spec, &f.schema) == Some("array");
        let value = match f.location {
            Location::Body => body.get(&f.param).cloned(),
            Location::Path => path.get(&f.param).cloned().map(Value::String),
            Location::Header => None,
            Location::Query => {
                let found: Vec<Value> = query
                    .iter()
                    .filter(|(k, _)| k == &f.param)
                    .map(|(_, v)| Value::String(v.clone()))
                    .collect();
                match (array, found.len()) {
                    (_, 0) => None,
                    (true, _) => Some(Value::Array(found)),
                    (false, _) => found.into_iter().next(),
                }
            }
        };
        if let Some(value) = value {
            values.insert(f.param.clone(), typed(spec, &f.schema, value));
        }
    }
    Ok(values)
}

/// A query value (always text) read as the schema's type: `"5"` as a number for an integer.
fn typed(spec: &OperationSpec, schema: &Value, value: Value) -> Value {
    let schema = resolve(spec, schema);
    match (schema.get("type").and_then(Value::as_str), value) {
        (Some("integer" | "number"), Value::String(s)) => serde_json::from_str(&s)
            .ok()
            .filter(Value::is_number)
            .unwrap_or(Value::String(s)),
        (Some("boolean"), Value::String(s)) if s == "true" || s == "false" => {
            Value::Bool(s == "true")
        }
        (Some("array"), Value::Array(items)) => {
            let item_schema = schema.get("items").cloned().unwrap_or_default();
            Value::Array(
                items
                    .into_iter()
                    .map(|v| typed(spec, &item_schema, v))
                    .collect(),
            )
        }
        (_, v) => v,
    }
}

/// The query pairs of a documented URL or request line, percent-decoded, in order.
fn query_pairs(url: &str) -> Vec<(String, String)> {
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
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The values of a path template's placeholders in a documented URL or request line
/// (`GET /v1/p/widgets/w`), where the path has the template's shape and the value is not
/// itself a placeholder.
fn path_values(template: &str, url: &str) -> BTreeMap<String, String> {
    let path = if let Some((_, rest)) = url.split_once("://") {
        rest.find('/').map_or("/", |i| &rest[i..])
    } else {
        url.split_whitespace()
            .find(|t| t.starts_with('/'))
            .unwrap_or("/")
    };
    let path = path.split(['?', ' ']).next().unwrap_or_default();
    let (want, have): (Vec<&str>, Vec<&str>) =
        (template.split('/').collect(), path.split('/').collect());
    let mut values = BTreeMap::new();
    if want.len() != have.len() {
        return values;
    }
    for (w, h) in want.iter().zip(&have) {
        if let Some(name) = w.strip_prefix('{').and_then(|w| w.strip_suffix('}'))
            && !h.starts_with('{')
        {
            values.insert(name.to_owned(), percent_decode(h));
        }
    }
    values
}

/// A schema with its `$ref` followed (once per level, as far as the definitions go).
pub fn resolve<'a>(spec: &'a OperationSpec, schema: &'a Value) -> &'a Value {
    let mut schema = schema;
    for _ in 0..16 {
        let Some(name) = definition_name(schema) else {
            break;
        };
        match spec.definitions.get(name) {
            Some(def) => schema = def,
            None => break,
        }
    }
    schema
}

fn definition_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/definitions/"))
}

fn schema_type<'a>(spec: &'a OperationSpec, schema: &'a Value) -> Option<&'a str> {
    resolve(spec, schema).get("type").and_then(Value::as_str)
}

/// The `format` of a string schema (`date`, `date-time`).
pub fn format<'a>(spec: &'a OperationSpec, schema: &'a Value) -> Option<&'a str> {
    resolve(spec, schema).get("format").and_then(Value::as_str)
}

/// A setter argument: `value` as an expression of `field`'s type (or one its setter converts).
pub struct Arg<'a> {
    pub spec: &'a OperationSpec,
    pub mode: Mode,
    /// The operation module's path from outside the crate (`rtc_usage_x::list_usages`), for
    /// rustdoc examples.
    pub module_path: &'a str,
}

impl Arg<'_> {
    /// The argument of `field`'s setter for `value`; `uses` collects the `use` lines a
    /// rustdoc example needs.
    pub fn setter(&self, field: &Field, value: &Value, uses: &mut Vec<String>) -> TokenStream {
        let ty = match field.shape {
            Shape::Optional => field.inner.to_string(),
            _ => field.ty.to_string(),
        };
        // A `&str` converts into a `String` field, not into an `Option<String>` one.
        let exact = !matches!(field.shape, Shape::Plain);
        self.expr(&field.schema, &ty, value, exact, uses)
    }

    fn expr(
        &self,
        schema: &Value,
        ty: &str,
        value: &Value,
        exact: bool,
        uses: &mut Vec<String>,
    ) -> TokenStream {
        if let Some(name) = definition_name(schema)
            && let Some(def) = self.spec.definitions.get(name)
        {
            if def.get(crate::schema_check::X_KNOWN_VALUES).is_some()
                && let Some(text) = value.as_str()
            {
                return self.open_value(name, def, text, uses);
            }
            if definition_name(def).is_some()
                || def.get("type").and_then(Value::as_str) != Some("string")
            {
                return self.fallback(ty, value);
            }
            return self.expr(def, ty, value, exact, uses);
        }
        let unwrap = self.unwrap();
        match (schema.get("type").and_then(Value::as_str), value) {
            (Some("string"), Value::String(s)) => {
                match schema.get("format").and_then(Value::as_str) {
                    Some("date") => {
                        let chrono = self.chrono();
                        quote!(#s.parse::<#chrono::NaiveDate>()#unwrap)
                    }
                    Some("date-time") => {
                        let chrono = self.chrono();
                        quote!(#chrono::DateTime::parse_from_rfc3339(#s)#unwrap)
                    }
                    _ if exact => quote!(#s.to_owned()),
                    _ => quote!(#s),
                }
            }
            (Some("integer" | "number"), Value::Number(n)) => match primitive(ty) {
                Some(p) => {
                    let text = if p.starts_with('f') && !n.to_string().contains(['.', 'e', 'E']) {
                        format!("{n}.0_{p}")
                    } else {
                        format!("{n}_{p}")
                    };
                    match syn::parse_str::<syn::Lit>(&text) {
                        Ok(lit) => quote!(#lit),
                        Err(_) => self.fallback(ty, value),
                    }
                }
                None => self.fallback(ty, value),
            },
            (Some("boolean"), Value::Bool(b)) => quote!(#b),
            (Some("array"), Value::Array(items)) => {
                let item_schema = schema.get("items").cloned().unwrap_or_default();
                let item_ty = vec_item(ty).unwrap_or_default();
                let items = items
                    .iter()
                    .map(|v| self.expr(&item_schema, item_ty, v, true, uses));
                quote!(vec![#(#items),*])
            }
            _ => self.fallback(ty, value),
        }
    }

    /// A known value of an open set as its variant, another as `Type::from("...")`.
    fn open_value(
        &self,
        name: &str,
        def: &Value,
        text: &str,
        uses: &mut Vec<String>,
    ) -> TokenStream {
        let ty = format_ident!("{}", type_name(name));
        if self.mode == Mode::Doc {
            let path = format!("{}::{ty}", self.module_path);
            if !uses.contains(&path) {
                uses.push(path);
            }
        }
        let known = def
            .get(crate::schema_check::X_KNOWN_VALUES)
            .and_then(Value::as_array)
            .is_some_and(|values| {
                values.iter().any(|v| {
                    v.as_str()
                        .or_else(|| v.get("value").and_then(Value::as_str))
                        == Some(text)
                })
            });
        if known {
            let variant = format_ident!("{}", crate::codegen::rust::variant_name(text));
            quote!(#ty::#variant)
        } else {
            quote!(#ty::from(#text))
        }
    }

    /// Any value through serde, for types the arguments above do not cover.
    fn fallback(&self, ty: &str, value: &Value) -> TokenStream {
        let ty = ty.replace(' ', "");
        let ty = match self.mode {
            // A rustdoc example is another crate: name the module's types from outside.
            Mode::Doc => match ty.strip_prefix("crate::generated::") {
                Some(rest) => {
                    let krate = self.module_path.split("::").next().unwrap_or_default();
                    format!("{krate}::{rest}")
                }
                None if ty.starts_with(char::is_uppercase) => format!("{}::{ty}", self.module_path),
                None => ty,
            },
            Mode::Test => ty,
        };
        let ty: TokenStream = ty.parse().unwrap_or_else(|_| quote!(_));
        let json = value.to_string();
        let unwrap = self.unwrap();
        match self.mode {
            Mode::Doc => quote!(serde_json::from_str::<#ty>(#json)#unwrap),
            Mode::Test => quote!(::serde_json::from_str::<#ty>(#json)#unwrap),
        }
    }

    fn unwrap(&self) -> TokenStream {
        match self.mode {
            Mode::Doc => quote!(?),
            Mode::Test => quote!(.unwrap()),
        }
    }

    fn chrono(&self) -> TokenStream {
        match self.mode {
            Mode::Doc => quote!(chrono),
            Mode::Test => quote!(::chrono),
        }
    }
}

/// The Rust primitive a typify type is (`u64`), if it is one.
fn primitive(ty: &str) -> Option<&'static str> {
    const PRIMITIVES: [&str; 12] = [
        "u8", "u16", "u32", "u64", "u128", "i8", "i16", "i32", "i64", "i128", "f32", "f64",
    ];
    let ty = ty.trim();
    PRIMITIVES.into_iter().find(|p| *p == ty)
}

/// `T` of a `::std::vec::Vec<T>` type's text.
fn vec_item(ty: &str) -> Option<&str> {
    let ty = ty.trim();
    let inner = ty
        .strip_prefix(":: std :: vec :: Vec <")
        .or_else(|| ty.strip_prefix("::std::vec::Vec<"))?;
    inner.strip_suffix('>').map(str::trim)
}
