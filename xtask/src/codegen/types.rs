//! The operation's types, by typify, from the spec's JSON Schema.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use schemars::schema::{InstanceType, Schema, SchemaObject};
use serde_json::{Map, Value, json};
use typify::{TypeDetails, TypeSpace, TypeSpaceImpl, TypeSpaceSettings};

use super::rust::{field_name, type_name};
use crate::spec::{Location, OperationSpec};

/// The typed request and response of one operation.
pub struct OperationTypes {
    /// typify's output (without its own `error` module: the crate has one) plus the open
    /// enums.
    pub tokens: TokenStream,
    pub request: syn::Ident,
    pub response: syn::Ident,
    /// The parameters a caller sets, in spec order.
    pub fields: Vec<Field>,
}

/// A caller-set parameter as a field of the request type.
pub struct Field {
    /// The wire name.
    pub param: String,
    pub location: Location,
    pub ident: syn::Ident,
    /// The field's full type (`Option<T>` for optional ones).
    pub ty: TokenStream,
    /// `T` of an `Option<T>` field, else the full type.
    pub inner: TokenStream,
    pub shape: Shape,
    pub required: bool,
    /// The schema's `description`, else the parameter's.
    pub description: Option<String>,
    /// The parameter's JSON Schema, as written in the spec.
    pub schema: Value,
}

pub enum Shape {
    /// Always present.
    Plain,
    /// `Option<T>`: absent on the wire when `None`.
    Optional,
    /// `Vec<T>` with a default: absent on the wire when empty.
    List,
}

/// The vendor values of an open set: known values plus any other string.
const KNOWN_VALUES: &str = "x-known-values";

/// `module` is the operation's module path inside its crate (`crate::generated::x`), so that
/// open sets are named the same from typify's nested `builder` module.
pub fn build(spec: &OperationSpec, module: &str) -> Result<OperationTypes, String> {
    let base = crate::load::type_base(spec);
    let request_name = format!("{base}Request");
    let response_name = format!("{base}Response");
    let mut definitions = spec.definitions.clone();
    // A secret of the answer (`x-secret`) has no field in the typed answer: it cannot be
    // printed or logged from there (`secret_paths` redacts it from the raw JSON).
    for def in definitions.values_mut() {
        strip_secrets(def);
    }
    let mut response_schema = spec.response.schema.clone();
    strip_secrets(&mut response_schema);
    definitions.insert(request_name.clone(), request_schema(spec));
    definitions.insert(response_name.clone(), response_schema);
    // typify copies each `description` into rustdoc: as Markdown that says what the spec says.
    for def in definitions.values_mut() {
        super::rust::doc_descriptions(def);
    }

    let mut settings = TypeSpaceSettings::default();
    settings
        .with_struct_builder(true)
        .with_attr("#[non_exhaustive]".to_string())
        .with_conversion(
            SchemaObject {
                instance_type: Some(InstanceType::String.into()),
                format: Some("date-time".into()),
                ..Default::default()
            },
            "::chrono::DateTime<::chrono::FixedOffset>",
            [TypeSpaceImpl::Display, TypeSpaceImpl::FromStr].into_iter(),
        );
    let mut open_enums = TokenStream::new();
    for (name, def) in definitions
        .iter()
        .filter(|(n, _)| spec.definitions.contains_key(*n))
    {
        if let Some(values) = def.get(KNOWN_VALUES) {
            let rust = type_name(name);
            settings.with_replacement(
                name,
                format!("{module}::{rust}"),
                [TypeSpaceImpl::Display, TypeSpaceImpl::FromStr].into_iter(),
            );
            open_enums.extend(open_enum(&rust, def, values)?);
        }
    }
    let mut space = TypeSpace::new(&settings);
    let defs: Vec<(String, Schema)> = definitions
        .into_iter()
        .map(|(name, value)| {
            serde_json::from_value::<Schema>(value)
                .map(|schema| (name.clone(), schema))
                .map_err(|e| format!("definition `{name}` is not a JSON Schema: {e}"))
        })
        .collect::<Result<_, _>>()?;
    space
        .add_ref_types(defs)
        .map_err(|e| format!("typify rejected the schemas: {e}"))?;
    let fields = request_fields(spec, &space, &request_name)?;
    let typify_tokens = without_error_module(space.to_stream())?;
    Ok(OperationTypes {
        tokens: quote! { #open_enums #typify_tokens },
        request: format_ident!("{}", request_name),
        response: format_ident!("{}", response_name),
        fields,
    })
}

/// Whether a schema is marked `x-secret: true`.
fn is_secret(schema: &Value) -> bool {
    schema.get(crate::schema_check::X_SECRET) == Some(&Value::Bool(true))
}

/// Removes every property marked `x-secret` (and its `required` entry) from `schema`, at any
/// depth.
fn strip_secrets(schema: &mut Value) {
    let Value::Object(map) = schema else { return };
    let mut removed = Vec::new();
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        props.retain(|name, prop| {
            let keep = !is_secret(prop);
            if !keep {
                removed.push(name.clone());
            }
            keep
        });
    }
    if let Some(Value::Array(required)) = map.get_mut("required") {
        required.retain(|name| !removed.iter().any(|r| name.as_str() == Some(r)));
    }
    for value in map.values_mut() {
        strip_secrets(value);
    }
}

/// The paths of the answer's secrets, from the payload (`projects[].sign_key`: member names
/// joined with `.`, `[]` after an array's), as `rtc_usage_core::Operation::SECRETS` reads them.
pub fn secret_paths(spec: &OperationSpec) -> Result<Vec<String>, String> {
    fn walk(
        spec: &OperationSpec,
        schema: &Value,
        at: &str,
        depth: usize,
        out: &mut Vec<String>,
    ) -> Result<(), String> {
        if depth > 32 {
            return Err("key `response.schema`: its `$ref`s do not end".into());
        }
        let schema = match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix("#/definitions/")
                .and_then(|name| spec.definitions.get(name))
                .ok_or_else(|| format!("key `response.schema`: no definition for `{r}`"))?,
            None => schema,
        };
        if let Some(items) = schema.get("items") {
            walk(spec, items, &format!("{at}[]"), depth + 1, out)?;
        }
        if let Some(Value::Object(props)) = schema.get("properties") {
            for (name, prop) in props {
                let path = if at.is_empty() {
                    name.clone()
                } else {
                    format!("{at}.{name}")
                };
                if is_secret(prop) {
                    out.push(path);
                } else {
                    walk(spec, prop, &path, depth + 1, out)?;
                }
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(spec, &spec.response.schema, "", 0, &mut out)?;
    Ok(out)
}

/// The request type's schema: one property per caller-set parameter.
fn request_schema(spec: &OperationSpec) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for p in &spec.parameters {
        let Some(schema) = &p.schema else { continue };
        let mut schema = schema.clone();
        if let (Some(desc), Some(obj)) = (&p.description, schema.as_object_mut()) {
            obj.entry("description").or_insert_with(|| json!(desc));
        }
        properties.insert(p.name.clone(), schema);
        if p.required {
            required.push(json!(p.name));
        }
    }
    let mut schema = json!({
        "type": "object",
        "description": format!("The parameters of `{}` a caller sets.", spec.operation),
        "properties": properties,
        "required": required,
    });
    // An operation without caller-set parameters: typify makes an empty object a map unless
    // it is closed; closed, it is an empty struct like every other request type.
    if spec.parameters.iter().all(|p| p.schema.is_none()) {
        schema["additionalProperties"] = json!(false);
    }
    schema
}

fn request_fields(
    spec: &OperationSpec,
    space: &TypeSpace,
    request: &str,
) -> Result<Vec<Field>, String> {
    let ty = space
        .iter_types()
        .find(|t| t.name() == request)
        .ok_or_else(|| format!("typify produced no type `{request}`"))?;
    let TypeDetails::Struct(st) = ty.details() else {
        return Err(format!("`{request}` is not a struct"));
    };
    let props: Vec<_> = st.properties_info().collect();
    let mut fields = Vec::new();
    for p in spec.parameters.iter().filter(|p| p.schema.is_some()) {
        let name = field_name(&p.name);
        let prop = props.iter().find(|prop| prop.name == name).ok_or_else(|| {
            format!(
                "cannot find the field typify made for parameter `{}`",
                p.name
            )
        })?;
        let field_ty = space
            .get_type(&prop.type_id)
            .map_err(|e| format!("parameter `{}`: {e}", p.name))?;
        let (shape, inner) = match field_ty.details() {
            TypeDetails::Option(id) => (
                Shape::Optional,
                space
                    .get_type(&id)
                    .map_err(|e| format!("parameter `{}`: {e}", p.name))?
                    .ident(),
            ),
            TypeDetails::Vec(_) if !p.required => (Shape::List, field_ty.ident()),
            _ => (Shape::Plain, field_ty.ident()),
        };
        let schema = p.schema.clone().unwrap_or_default();
        let description = schema
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| p.description.clone());
        fields.push(Field {
            param: p.name.clone(),
            location: p.location,
            ident: format_ident!("{}", name),
            ty: field_ty.ident(),
            inner,
            shape,
            required: p.required,
            description,
            schema,
        });
    }
    Ok(fields)
}

/// typify's output without the `error` module it puts in every stream: the crate has one
/// `ConversionError` (`generated::error`, see `vendor.rs`). The module keeps the name `error`
/// as a hidden re-export, so typify's `self::error::` and `super::error::` paths, and callers
/// that name `<module>::error::ConversionError`, still resolve.
fn without_error_module(tokens: TokenStream) -> Result<TokenStream, String> {
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("typify's output does not parse: {e}"))?;
    let before = file.items.len();
    file.items
        .retain(|item| !matches!(item, syn::Item::Mod(m) if m.ident == "error"));
    let items = &file.items;
    let mut out = quote!(#(#items)*);
    if items.len() != before {
        out.extend(quote! {
            #[doc(hidden)]
            pub use super::error;
        });
    }
    Ok(out)
}

/// An open set as plain code: one variant per known value, `Unknown(String)` for any other
/// value (kept as sent), `as_str`/`KNOWN`/`is_known`, `From<&str>`/`From<String>`, an
/// infallible `FromStr`, `Display`, and serde as a string.
fn open_enum(rust: &str, def: &Value, values: &Value) -> Result<TokenStream, String> {
    let values = values
        .as_array()
        .ok_or_else(|| format!("`{rust}`: `{KNOWN_VALUES}` must be a list"))?;
    let (mut idents, mut wire, mut docs) = (Vec::new(), Vec::new(), Vec::new());
    let mut seen = std::collections::BTreeSet::new();
    for v in values {
        let (value, doc) = match v {
            Value::String(s) => (s.clone(), None),
            Value::Object(o) => (
                o.get("value")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                o.get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            ),
            _ => {
                return Err(format!(
                    "`{rust}`: known values are strings or {{value, description}}"
                ));
            }
        };
        let variant = super::rust::variant_name(&value);
        if variant.is_empty() || variant == "Unknown" || !seen.insert(variant.clone()) {
            return Err(format!(
                "`{rust}`: known value `{value}` has no distinct variant name"
            ));
        }
        idents.push(format_ident!("{}", variant));
        docs.push(doc.unwrap_or_else(|| format!("`{value}`")));
        wire.push(value);
    }
    let ident = format_ident!("{}", rust);
    let doc = def
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("An open set of vendor values.")
        .to_owned();
    Ok(quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #ident {
            #(#[doc = #docs] #idents,)*
            #[doc = "A value this version does not know, kept as sent."]
            Unknown(::std::string::String),
        }

        impl #ident {
            #[doc = "The values the spec knows, in its order."]
            pub const KNOWN: &'static [&'static str] = &[#(#wire),*];

            #[doc = "The value as sent on the wire."]
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #wire,)*
                    Self::Unknown(other) => other.as_str(),
                }
            }

            #[doc = "Whether the value is one the spec knows."]
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #(#wire => Self::#idents,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #ident {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#wire => Self::#idents,)*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    })
}
