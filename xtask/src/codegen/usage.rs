//! An operation's `usage:` block, checked against its own schemas and turned into the
//! `rtc_usage_core::usage::UsageSpec` the facade and the emulator read.
//!
//! The checks make the block binding: every member path it names exists in the response
//! schema, the bucket time's format matches the field's, the app and variant parameters exist
//! with the right types, and the unit is the `x-unit` of the value fields (all of them must
//! have one, and the same one), so a unit edited in a spec changes the normalized figures.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::load::parse_offset;
use crate::spec::{Category, OperationSpec, Tier, TimeFormat, Usage, UsageLayout};

/// The `UsageSpec` expression of `spec`'s usage block, or an error naming the key at fault.
pub fn render(spec: &OperationSpec, usage: &Usage) -> Result<TokenStream, String> {
    let u = quote!(::rtc_usage_core::usage);
    let schemas = Schemas(spec);
    let payload = &spec.response.schema;

    let (layout, unit_fields) = layout(&schemas, payload, usage)?;
    let unit = unit(&unit_fields)?;
    // Whole units where every value field is an integer (`unit` checked they are numbers).
    let whole = unit_fields
        .iter()
        .all(|(_, schema)| schema.get("type").and_then(Value::as_str) == Some("integer"));
    let unit = match unit.as_str() {
        "milliseconds" => quote!(#u::Unit::Milliseconds),
        "seconds" => quote!(#u::Unit::Seconds),
        "minutes" => quote!(#u::Unit::Minutes),
        "hours" => quote!(#u::Unit::Hours),
        other => {
            return Err(format!(
                "key `usage`: the value fields' x-unit `{other}` is not a duration (milliseconds, seconds, minutes, hours)"
            ));
        }
    };

    let app = app_param(spec, usage)?;
    let (variant_param, variants, tier_prefix) = variants(spec, usage)?;
    let category = match (usage.category, &usage.variants) {
        (Some(c), _) => category(c),
        (None, Some(v)) if v.values.iter().all(|v| v.category.is_some()) => {
            quote!(#u::Category::Call)
        }
        _ => {
            return Err(
                "key `usage.category`: required unless every variant names its category".into(),
            );
        }
    };
    let mut fixed = Vec::new();
    for (name, value) in &usage.fixed {
        caller_param(spec, name).map_err(|e| format!("key `usage.fixed.{name}`: {e}"))?;
        let json = value.to_string();
        fixed.push(quote!(#u::FixedParam { name: #name, json: #json }));
    }
    let time = match usage.time.format {
        TimeFormat::Rfc3339 => quote!(#u::TimeFormat::Rfc3339),
        TimeFormat::Date => quote!(#u::TimeFormat::Date),
        TimeFormat::LocalDateTime => quote!(#u::TimeFormat::LocalDateTime),
        TimeFormat::EpochSeconds => quote!(#u::TimeFormat::EpochSeconds),
    };
    let offset_text = usage.time.offset.as_deref().unwrap_or(&spec.day_offset);
    let offset = parse_offset(offset_text)
        .ok_or_else(|| format!("key `usage.time.offset`: `{offset_text}` is not `+HH:MM`"))?;
    if usage.tiers.is_empty() {
        return Err("key `usage.tiers`: name at least one tier".into());
    }
    let mut seen = std::collections::BTreeSet::new();
    let tiers = usage
        .tiers
        .iter()
        .map(|t| {
            if !seen.insert(t.name.as_str()) {
                return Err(format!("key `usage.tiers`: `{}` appears twice", t.name));
            }
            let (name, tier) = (&t.name, tier(t.tier));
            Ok(quote!(#u::TierName { name: #name, tier: #tier }))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let range =
        match &spec.limits.span {
            Some(span) => match crate::load::time_param(spec, &span.start)? {
                "date" => quote!(#u::TimeFormat::Date),
                _ => quote!(#u::TimeFormat::Rfc3339),
            },
            None => return Err(
                "key `usage`: a usage operation needs `limits.span` (its start and end parameters)"
                    .into(),
            ),
        };
    let facade = usage.facade;
    Ok(quote! {
        #u::UsageSpec {
            category: #category,
            app: #app,
            variant_param: #variant_param,
            variants: &[#(#variants),*],
            tier_prefix: #tier_prefix,
            fixed: &[#(#fixed),*],
            range: #range,
            layout: #layout,
            unit: #unit,
            whole: #whole,
            time: #time,
            time_offset_seconds: #offset,
            tiers: &[#(#tiers),*],
            facade: #facade,
        }
    })
}

/// Schema lookups with `$ref`s into the spec's definitions resolved.
struct Schemas<'a>(&'a OperationSpec);

impl<'a> Schemas<'a> {
    fn resolve(&self, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix("#/definitions/")
                .and_then(|name| self.0.definitions.get(name))
                .map_or(schema, |def| self.resolve(def)),
            None => schema,
        }
    }

    /// The schema of the member at a dotted `path` of an object schema.
    fn member(&self, schema: &'a Value, path: &str) -> Option<&'a Value> {
        path.split('.').try_fold(self.resolve(schema), |s, key| {
            s.get("properties")
                .and_then(|p| p.get(key))
                .map(|m| self.resolve(m))
        })
    }

    /// The item schema of an array schema.
    fn items(&self, schema: &'a Value) -> Option<&'a Value> {
        (schema.get("type").and_then(Value::as_str) == Some("array"))
            .then(|| schema.get("items"))
            .flatten()
            .map(|i| self.resolve(i))
    }

    /// Each member on the way to `path` is `required` by its parent: an answer without it
    /// is malformed (a payload nested one level too deep, say), never "no usage".
    fn required(&self, payload: &'a Value, path: &str, key: &str) -> Result<(), String> {
        let mut parent = self.resolve(payload);
        for segment in path.split('.') {
            let listed = parent
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|n| n.as_str() == Some(segment)));
            if !listed {
                return Err(format!(
                    "key `usage.layout.{key}`: `{segment}` of `{path}` must be `required` in the response schema, so that an answer without it is refused rather than read as no usage"
                ));
            }
            match self.member(parent, segment) {
                Some(next) => parent = next,
                None => break,
            }
        }
        Ok(())
    }

    /// The row schema of the array at `path` of the payload, which must be required.
    fn rows(&self, payload: &'a Value, path: &str, key: &str) -> Result<&'a Value, String> {
        let array = self.member(payload, path).ok_or_else(|| {
            format!("key `usage.layout.{key}`: the payload has no member `{path}`")
        })?;
        self.required(payload, path, key)?;
        self.items(array)
            .ok_or_else(|| format!("key `usage.layout.{key}`: `{path}` is not an array"))
    }
}

/// Each value field of a layout: its path (for messages) and its schema.
type ValueFields<'a> = Vec<(String, &'a Value)>;

/// The layout expression, and each value field's schema.
fn layout<'a>(
    schemas: &Schemas<'a>,
    payload: &'a Value,
    usage: &Usage,
) -> Result<(TokenStream, ValueFields<'a>), String> {
    let u = quote!(::rtc_usage_core::usage);
    let opt = |s: &Option<String>| match s {
        Some(s) => quote!(::std::option::Option::Some(#s)),
        None => quote!(::std::option::Option::None),
    };
    let field = |row: &'a Value, rows: &str, path: &str, key: &str| {
        schemas.member(row, path).ok_or_else(|| {
            format!("key `usage.{key}`: the items of `{rows}` have no member `{path}`")
        })
    };
    match &usage.layout {
        UsageLayout::Fields { rows, time, total } => {
            let row = schemas.rows(payload, rows, "rows")?;
            check_time(
                field(row, rows, time, "layout.time")?,
                usage.time.format,
                time,
            )?;
            let mut values = Vec::new();
            for t in &usage.tiers {
                values.push((
                    format!("{rows}[].{}", t.name),
                    field(row, rows, &t.name, "tiers")?,
                ));
            }
            if let Some(total) = total {
                values.push((
                    format!("{rows}[].{total}"),
                    field(row, rows, total, "layout.total")?,
                ));
            }
            let total = opt(total);
            Ok((
                quote!(#u::Layout::Fields { rows: #rows, time: #time, total: #total }),
                values,
            ))
        }
        UsageLayout::KeyValue {
            keys,
            rows,
            time,
            time_epoch,
            values,
        } => {
            schemas.required(payload, keys, "keys")?;
            let key_schema = schemas
                .member(payload, keys)
                .and_then(|k| schemas.items(k))
                .ok_or_else(|| {
                    format!("key `usage.layout.keys`: `{keys}` is not an array in the payload")
                })?;
            if key_schema.get("type").and_then(Value::as_str) != Some("string") {
                return Err(format!(
                    "key `usage.layout.keys`: the items of `{keys}` are not strings"
                ));
            }
            let row = schemas.rows(payload, rows, "rows")?;
            check_time(
                field(row, rows, time, "layout.time")?,
                usage.time.format,
                time,
            )?;
            if let Some(epoch) = time_epoch {
                field(row, rows, epoch, "layout.time_epoch")?;
            }
            let value = field(row, rows, values, "layout.values")?;
            let item = schemas.items(value).ok_or_else(|| {
                format!("key `usage.layout.values`: `{rows}[].{values}` is not an array")
            })?;
            let epoch = opt(time_epoch);
            Ok((
                quote!(#u::Layout::KeyValue {
                    keys: #keys, rows: #rows, time: #time, time_epoch: #epoch, values: #values,
                }),
                vec![(format!("{rows}[].{values}[]"), item)],
            ))
        }
        UsageLayout::Rows {
            rows,
            time,
            tier,
            value,
        } => {
            let row = schemas.rows(payload, rows, "rows")?;
            check_time(
                field(row, rows, time, "layout.time")?,
                usage.time.format,
                time,
            )?;
            field(row, rows, tier, "layout.tier")?;
            let v = field(row, rows, value, "layout.value")?;
            Ok((
                quote!(#u::Layout::Rows { rows: #rows, time: #time, tier: #tier, value: #value }),
                vec![(format!("{rows}[].{value}"), v)],
            ))
        }
    }
}

/// The bucket time field's schema agrees with the block's format.
fn check_time(schema: &Value, format: TimeFormat, path: &str) -> Result<(), String> {
    // `type: [string, integer]`: the string of the format, or a number (Unix seconds, which
    // every format reads; Agora documents a number and shows a string).
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let either = types.len() == 2 && types.contains(&"string") && types.contains(&"integer");
    let ty = schema
        .get("type")
        .and_then(Value::as_str)
        .or(either.then_some("string"));
    let f = schema.get("format").and_then(Value::as_str);
    let ok = match format {
        TimeFormat::Rfc3339 => ty == Some("string") && f == Some("date-time"),
        TimeFormat::Date => ty == Some("string") && f == Some("date"),
        TimeFormat::LocalDateTime => ty == Some("string") && f.is_none(),
        TimeFormat::EpochSeconds => ty == Some("integer"),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "key `usage.time.format`: `{path}` is {} {}, which is not {format:?}",
            ty.unwrap_or("untyped"),
            f.map(|f| format!("of format {f}")).unwrap_or_default()
        ))
    }
}

/// The one `x-unit` of the value fields.
fn unit(fields: &[(String, &Value)]) -> Result<String, String> {
    let mut unit: Option<(&str, &str)> = None;
    for (path, schema) in fields {
        let ty = schema.get("type").and_then(Value::as_str);
        if !matches!(ty, Some("integer" | "number")) {
            return Err(format!(
                "key `usage`: the value field `{path}` is not a number"
            ));
        }
        let this = schema.get("x-unit").and_then(Value::as_str).ok_or_else(|| {
            format!("key `usage`: the value field `{path}` has no x-unit; the unit of a usage figure is binding")
        })?;
        match unit {
            Some((first_path, first)) if first != this => {
                return Err(format!(
                    "key `usage`: `{path}` is in {this} but `{first_path}` in {first}; one operation has one unit"
                ));
            }
            None => unit = Some((path, this)),
            _ => {}
        }
    }
    unit.map(|(_, u)| u.to_owned())
        .ok_or_else(|| "key `usage`: no value field".into())
}

/// The schema of a caller-set parameter.
fn caller_param<'a>(spec: &'a OperationSpec, name: &str) -> Result<&'a Value, String> {
    spec.parameters
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.schema.as_ref())
        .ok_or_else(|| format!("no caller-set parameter named `{name}`"))
}

fn app_param(spec: &OperationSpec, usage: &Usage) -> Result<TokenStream, String> {
    let u = quote!(::rtc_usage_core::usage);
    let app = &usage.app;
    let schema =
        caller_param(spec, &app.param).map_err(|e| format!("key `usage.app.param`: {e}"))?;
    let schema = Schemas(spec).resolve(schema);
    let kind = match (
        schema.get("type").and_then(Value::as_str),
        app.comma_separated,
    ) {
        (Some("string"), false) => quote!(#u::AppKind::String),
        (Some("string"), true) => quote!(#u::AppKind::CommaSeparated),
        (Some("integer"), false) => quote!(#u::AppKind::Integer),
        (Some("array"), false) => quote!(#u::AppKind::List),
        (ty, _) => {
            return Err(format!(
                "key `usage.app`: parameter `{}` is {}, not a string, integer or array (comma_separated needs a string)",
                app.param,
                ty.unwrap_or("untyped")
            ));
        }
    };
    let required = spec
        .parameters
        .iter()
        .any(|p| p.name == app.param && p.required);
    if app.all_when_omitted && required {
        return Err(format!(
            "key `usage.app.all_when_omitted`: parameter `{}` is required, so it cannot be left out",
            app.param
        ));
    }
    let (param, all, example) = (&app.param, app.all_when_omitted, &app.example);
    let lookup = match &app.lookup {
        Some(l) => {
            if app.all_when_omitted {
                return Err(
                    "key `usage.app.lookup`: a looked-up parameter cannot also mean every app when omitted".into(),
                );
            }
            let (operation, rows, key, value) = (&l.operation, &l.rows, &l.key, &l.value);
            quote!(::std::option::Option::Some(#u::AppLookup {
                operation: #operation, rows: #rows, key: #key, value: #value,
            }))
        }
        None => quote!(::std::option::Option::None),
    };
    Ok(quote!(#u::AppParam {
        param: #param, kind: #kind, all_when_omitted: #all, example: #example, lookup: #lookup,
    }))
}

fn variants(
    spec: &OperationSpec,
    usage: &Usage,
) -> Result<(TokenStream, Vec<TokenStream>, bool), String> {
    let u = quote!(::rtc_usage_core::usage);
    let Some(v) = &usage.variants else {
        return Ok((quote!(::std::option::Option::None), Vec::new(), false));
    };
    caller_param(spec, &v.param).map_err(|e| format!("key `usage.variants.param`: {e}"))?;
    if v.values.is_empty() {
        return Err("key `usage.variants.values`: name at least one value".into());
    }
    let values = v
        .values
        .iter()
        .map(|value| {
            let c = category(value.category.or(usage.category).unwrap_or(Category::Call));
            let value = &value.value;
            quote!(#u::Variant { value: #value, category: #c })
        })
        .collect();
    let param = &v.param;
    Ok((
        quote!(::std::option::Option::Some(#param)),
        values,
        v.tier_prefix,
    ))
}

fn category(c: Category) -> TokenStream {
    let u = quote!(::rtc_usage_core::usage::Category);
    match c {
        Category::Call => quote!(#u::Call),
        Category::Recording => quote!(#u::Recording),
        Category::Transcoding => quote!(#u::Transcoding),
    }
}

fn tier(t: Tier) -> TokenStream {
    let u = quote!(::rtc_usage_core::usage::Tier);
    match t {
        Tier::Audio => quote!(#u::Audio),
        Tier::Sd => quote!(#u::Sd),
        Tier::Hd => quote!(#u::Hd),
        Tier::Fhd => quote!(#u::Fhd),
        Tier::TwoK => quote!(#u::TwoK),
        Tier::FourK => quote!(#u::FourK),
        Tier::Other => quote!(#u::Other),
    }
}
