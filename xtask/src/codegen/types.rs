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
    /// typify's output plus the open enums.
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
    definitions.insert(request_name.clone(), request_schema(spec));
    definitions.insert(response_name.clone(), spec.response.schema.clone());

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
    for (name, def) in &spec.definitions {
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
    let typify_tokens = space.to_stream();
    Ok(OperationTypes {
        tokens: quote! { #open_enums #typify_tokens },
        request: format_ident!("{}", request_name),
        response: format_ident!("{}", response_name),
        fields,
    })
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
    json!({
        "type": "object",
        "description": format!("The parameters of `{}` a caller sets.", spec.operation),
        "properties": properties,
        "required": required,
    })
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
        fields.push(Field {
            param: p.name.clone(),
            location: p.location,
            ident: format_ident!("{}", name),
            ty: field_ty.ident(),
            inner,
            shape,
        });
    }
    Ok(fields)
}

/// An open set as a call to the runtime's `open_enum!`.
fn open_enum(rust: &str, def: &Value, values: &Value) -> Result<TokenStream, String> {
    let values = values
        .as_array()
        .ok_or_else(|| format!("`{rust}`: `{KNOWN_VALUES}` must be a list"))?;
    let mut variants = Vec::new();
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
        let variant = type_name(&value);
        if variant.is_empty() || variant == "Unknown" || !seen.insert(variant.clone()) {
            return Err(format!(
                "`{rust}`: known value `{value}` has no distinct variant name"
            ));
        }
        let ident = format_ident!("{}", variant);
        let doc = doc.unwrap_or_else(|| format!("`{value}`"));
        variants.push(quote! { #[doc = #doc] #ident = #value });
    }
    let ident = format_ident!("{}", rust);
    let doc = def
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("An open set of vendor values.")
        .to_owned();
    Ok(quote! {
        ::rtc_usage_core::open_enum! {
            #[doc = #doc]
            #ident { #(#variants),* }
        }
    })
}
