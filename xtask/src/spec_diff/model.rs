//! Loaded specs flattened into comparable facts. Both sides of a diff go through the same
//! loader (shared `vendor.yaml#/definitions/` already copied in), so the diff compares what
//! the generator sees, and a change to a shared type shows in every operation using it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::load::{VendorSpecs, module_name};
use crate::spec::{OperationSpec, Parameter, Released};

/// Every vendor of one tree, by id.
#[derive(Debug, Default)]
pub struct Model {
    pub vendors: BTreeMap<String, VendorModel>,
}

impl Model {
    pub fn new(vendors: &[VendorSpecs]) -> Self {
        Self {
            vendors: vendors
                .iter()
                .map(|v| (v.vendor.vendor.clone(), VendorModel::new(v)))
                .collect(),
        }
    }
}

#[derive(Debug)]
pub struct VendorModel {
    pub id: String,
    pub crate_name: String,
    /// `specs/<vendor>/vendor.yaml`.
    pub file: String,
    pub version: Option<String>,
    pub released: Option<Released>,
    pub facts: Facts,
    /// By generated module name: the Rust identity of an operation.
    pub operations: BTreeMap<String, OperationModel>,
}

#[derive(Debug)]
pub struct OperationModel {
    /// The documented name (`DescribeTrtcUsage`).
    pub name: String,
    pub file: String,
    pub facts: Facts,
    /// Parameters by name, nested members below (`Tags[]`).
    pub request: Nodes,
    /// Answer members by dotted path (`UsageList[].TimeKey`).
    pub response: Nodes,
    /// Whether the facade reads this operation's figures.
    pub facade_usage: bool,
    /// `(note id, reviewed date)` of every note that records a normalization review.
    pub reviews: BTreeSet<(String, String)>,
}

pub type Facts = BTreeMap<String, Fact>;
pub type Nodes = BTreeMap<String, Node>;

/// One fact and what kind of fact it is (which decides the change kinds it can make).
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub aspect: Aspect,
    pub value: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aspect {
    Version,
    /// Name, service, method, path, signature: what makes the vendor accept a request.
    RequestShape,
    Envelope,
    /// Text for people only: summaries, descriptions, where a mapping comes from.
    Doc,
    TimeZone,
    UsagePresence,
    /// What the usage question asks: category, app, variants, fixed parameters, facade.
    UsageQuery,
    BucketLayout,
    TimeFormat,
    Tiers,
    Rate,
    MaxDays,
    Enforce,
    SpanCounting,
    DataDelay,
    Region,
    DefaultRegion,
    Error,
    Note,
    Example,
    Source,
    Crate,
    EndpointEnv,
    Credential,
}

/// One schema node (a parameter or a member), reduced to what a client depends on.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Node {
    /// `string`, `integer`, `object`... (`string|integer` for a union).
    pub ty: String,
    pub format: Option<String>,
    pub required: bool,
    /// Closed `enum` or open `x-known-values`, sorted.
    pub values: BTreeSet<String>,
    /// Whether `values` is an open set (`x-known-values`).
    pub open: bool,
    pub unit: Option<String>,
    /// minimum, maximum, minLength, maxLength, minItems, maxItems, pattern, exclusive bounds.
    pub bounds: BTreeMap<String, Value>,
    pub secret: bool,
    /// Description, title and default, for people (and defaults).
    pub doc: Value,
    /// Parameters only: where it travels.
    pub location: Option<String>,
    /// Parameters only: `const VALUE` or `from CONTEXT`; none for a caller-set schema.
    pub fixed: Option<String>,
}

impl Node {
    /// Equal but for the words: a candidate for a rename.
    pub fn same_shape(&self, other: &Node) -> bool {
        Node {
            doc: Value::Null,
            ..self.clone()
        } == Node {
            doc: Value::Null,
            ..other.clone()
        }
    }
}

const BOUNDS: [&str; 9] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "pattern",
];

impl VendorModel {
    fn new(v: &VendorSpecs) -> Self {
        let spec = &v.vendor;
        let mut facts = Facts::new();
        let mut put = |key: String, aspect, value| {
            facts.insert(key, Fact { aspect, value });
        };
        put("crate".into(), Aspect::Crate, json!(spec.crate_name));
        put(
            "endpoint_env".into(),
            Aspect::EndpointEnv,
            json!(spec.endpoint_env),
        );
        put(
            "default_region".into(),
            Aspect::DefaultRegion,
            json!(spec.default_region),
        );
        for (key, text) in [
            ("display_name", &spec.display_name),
            ("description", &spec.description),
            ("credentials.source", &spec.credentials.source),
        ] {
            put(key.into(), Aspect::Doc, json!(text));
        }
        put("order".into(), Aspect::Doc, json!(spec.order));
        let c = &spec.credentials;
        for (what, names) in [
            ("access_key", &c.access_key),
            ("secret_key", &c.secret_key),
            ("session_token", &c.session_token),
            ("project_id", &c.project_id),
            ("region", &c.region),
        ] {
            for name in names {
                put(
                    format!("credentials.{what} {name}"),
                    Aspect::Credential,
                    json!(true),
                );
            }
        }
        for e in &spec.errors {
            put(format!("error {}", e.code), Aspect::Error, to_json(e));
        }
        Self {
            id: spec.vendor.clone(),
            crate_name: spec.crate_name.clone(),
            file: v.vendor_file.display().to_string(),
            version: spec.version.clone(),
            released: spec.released.clone(),
            facts,
            operations: v
                .operations
                .iter()
                .map(|op| {
                    (
                        module_name(&op.spec),
                        OperationModel::new(&op.spec, op.file.display().to_string()),
                    )
                })
                .collect(),
        }
    }
}

impl OperationModel {
    fn new(spec: &OperationSpec, file: String) -> Self {
        let mut facts = Facts::new();
        let mut put = |key: &str, aspect, value: Value| {
            if !value.is_null() {
                facts.insert(key.to_owned(), Fact { aspect, value });
            }
        };
        put("version", Aspect::Version, json!(spec.version));
        put("operation", Aspect::RequestShape, json!(spec.operation));
        put("service", Aspect::RequestShape, json!(spec.service));
        put(
            "http.method",
            Aspect::RequestShape,
            to_json(&spec.http.method),
        );
        put("http.path", Aspect::RequestShape, json!(spec.http.path));
        put(
            "auth.scheme",
            Aspect::RequestShape,
            to_json(&spec.auth.scheme),
        );
        put("envelope", Aspect::Envelope, to_json(&spec.envelope));
        put("summary", Aspect::Doc, json!(spec.summary));
        put("description", Aspect::Doc, json!(spec.description));
        put("day_offset", Aspect::TimeZone, json!(spec.day_offset));
        if let Value::Object(source) = to_json(&spec.source) {
            for (key, value) in source {
                put(&format!("source.{key}"), Aspect::Source, value);
            }
        }
        put(
            "endpoints.default_region",
            Aspect::DefaultRegion,
            json!(spec.endpoints.default_region),
        );
        for r in &spec.endpoints.regions {
            let value = json!({"url": r.url, "failover": r.failover});
            put(&format!("region {}", r.region), Aspect::Region, value);
        }
        for e in &spec.errors {
            put(&format!("error {}", e.code), Aspect::Error, to_json(e));
        }
        for n in &spec.notes {
            put(&format!("note {}", n.id), Aspect::Note, to_json(n));
        }
        for ex in &spec.examples {
            put(
                &format!("example {}", ex.name),
                Aspect::Example,
                to_json(ex),
            );
        }
        let limits = &spec.limits;
        if let Some(rate) = &limits.rate {
            let value = json!({"requests": rate.requests, "per_seconds": rate.per_seconds, "scope": to_json(&rate.scope)});
            put("limits.rate", Aspect::Rate, value);
            put("limits.rate.source", Aspect::Doc, json!(rate.source));
        }
        if let Some(span) = &limits.span {
            put(
                "limits.span.max_days",
                Aspect::MaxDays,
                json!(span.max_days),
            );
            put("limits.span.enforce", Aspect::Enforce, json!(span.enforce));
            let counting = json!({"start": span.start, "end": span.end, "counting": to_json(&span.counting), "end_inclusive": span.end_inclusive});
            put("limits.span.counting", Aspect::SpanCounting, counting);
            put("limits.span.source", Aspect::Doc, json!(span.source));
        }
        if let Some(lookback) = &limits.lookback {
            let max_days = json!(lookback.max_days);
            put("limits.lookback.max_days", Aspect::MaxDays, max_days);
            put(
                "limits.lookback.enforce",
                Aspect::Enforce,
                json!(lookback.enforce),
            );
            put(
                "limits.lookback.param",
                Aspect::SpanCounting,
                json!(lookback.param),
            );
            put(
                "limits.lookback.source",
                Aspect::Doc,
                json!(lookback.source),
            );
        }
        put(
            "limits.data_delay_hours",
            Aspect::DataDelay,
            json!(limits.data_delay_hours),
        );
        put(
            "limits.granularity",
            Aspect::BucketLayout,
            to_json(&limits.granularity),
        );
        if let Some(u) = &spec.usage {
            put("usage", Aspect::UsagePresence, json!(true));
            put("usage.category", Aspect::UsageQuery, to_json(&u.category));
            put("usage.app", Aspect::UsageQuery, to_json(&u.app));
            put("usage.variants", Aspect::UsageQuery, to_json(&u.variants));
            put(
                "usage.fixed",
                Aspect::UsageQuery,
                Value::Object(u.fixed.clone()),
            );
            put("usage.facade", Aspect::UsageQuery, json!(u.facade));
            put("usage.layout", Aspect::BucketLayout, to_json(&u.layout));
            put(
                "usage.time.format",
                Aspect::TimeFormat,
                to_json(&u.time.format),
            );
            put("usage.time.offset", Aspect::TimeZone, json!(u.time.offset));
            let tiers: Vec<String> = u
                .tiers
                .iter()
                .map(|t| format!("{}={}", t.name, to_json(&t.tier).as_str().unwrap_or("?")))
                .collect();
            put("usage.tiers", Aspect::Tiers, json!(tiers));
            put("usage.tiers_source", Aspect::Doc, json!(u.tiers_source));
        }
        let mut request = Nodes::new();
        for p in &spec.parameters {
            parameter(p, &spec.definitions, &mut request);
        }
        let mut response = Nodes::new();
        walk(
            &spec.response.schema,
            &spec.definitions,
            "",
            true,
            &mut response,
            0,
        );
        Self {
            // The name `rtc-usage api` takes: `NAME@VERSION` for a second version.
            name: match &spec.rust_module {
                Some(_) => format!("{}@{}", spec.operation, spec.version),
                None => spec.operation.clone(),
            },
            file,
            facts,
            request,
            response,
            facade_usage: spec.usage.as_ref().is_some_and(|u| u.facade),
            reviews: spec
                .notes
                .iter()
                .filter_map(|n| Some((n.id.clone(), n.reviewed.clone()?)))
                .collect(),
        }
    }
}

fn to_json(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn parameter(p: &Parameter, defs: &Map<String, Value>, out: &mut Nodes) {
    let fixed = match (&p.constant, &p.from) {
        (Some(c), _) => Some(format!("const {c}")),
        (None, Some(from)) => Some(format!("from {}", to_json(from).as_str().unwrap_or("?"))),
        (None, None) => None,
    };
    let schema = p.schema.clone().unwrap_or(json!({"type": "string"}));
    walk(&schema, defs, &p.name, p.required, out, 0);
    if let Some(node) = out.get_mut(&p.name) {
        node.location = Some(to_json(&p.location).as_str().unwrap_or("?").to_owned());
        node.fixed = fixed;
        if let Some(d) = &p.description {
            node.doc["parameter"] = json!(d);
        }
    }
}

/// Follows `$ref`s into the spec's definitions; the referring node's own description wins.
fn resolve<'a>(mut schema: &'a Value, defs: &'a Map<String, Value>) -> &'a Value {
    for _ in 0..16 {
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/definitions/"))
            .and_then(|name| defs.get(name))
        {
            Some(def) => schema = def,
            None => break,
        }
    }
    schema
}

/// Records `schema` at `path` (the root, `""`, is not a member) and its members below.
fn walk(
    schema: &Value,
    defs: &Map<String, Value>,
    path: &str,
    required: bool,
    out: &mut Nodes,
    depth: u8,
) {
    let resolved = resolve(schema, defs);
    if !path.is_empty() {
        out.insert(path.to_owned(), node(schema, resolved, required));
    }
    if depth > 24 {
        return;
    }
    let child = |name: &str| match path {
        "" => name.to_owned(),
        _ => format!("{path}.{name}"),
    };
    if let Some(props) = resolved.get("properties").and_then(Value::as_object) {
        let req: BTreeSet<&str> = resolved
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (name, member) in props {
            let required = req.contains(name.as_str());
            walk(member, defs, &child(name), required, out, depth + 1);
        }
    }
    if let Some(items) = resolved.get("items") {
        walk(items, defs, &format!("{path}[]"), true, out, depth + 1);
    }
    if let Some(extra) = resolved
        .get("additionalProperties")
        .filter(|v| v.is_object())
    {
        walk(extra, defs, &format!("{path}{{}}"), true, out, depth + 1);
    }
}

fn node(site: &Value, schema: &Value, required: bool) -> Node {
    let text = |key: &str| schema.get(key).and_then(Value::as_str).map(str::to_owned);
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("|"),
        _ if schema.get("properties").is_some() => "object".into(),
        _ => "any".into(),
    };
    let known = schema.get("x-known-values").and_then(Value::as_array);
    let values = known
        .or_else(|| schema.get("enum").and_then(Value::as_array))
        .map(|vs| {
            vs.iter()
                .map(|v| match v.get("value").unwrap_or(v) {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut doc = Map::new();
    for key in ["description", "title", "default"] {
        if let Some(v) = site.get(key).or_else(|| schema.get(key)) {
            doc.insert(key.to_owned(), v.clone());
        }
    }
    Node {
        ty,
        format: text("format"),
        required,
        values,
        open: known.is_some(),
        unit: text("x-unit"),
        bounds: BOUNDS
            .iter()
            .filter_map(|k| Some(((*k).to_owned(), schema.get(*k)?.clone())))
            .collect(),
        secret: schema.get("x-secret") == Some(&Value::Bool(true)),
        doc: Value::Object(doc),
        location: None,
        fixed: None,
    }
}
