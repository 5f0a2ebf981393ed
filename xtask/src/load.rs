//! Reading `specs/` and checking what serde cannot: cross-references inside a spec.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::spec::{Location, OperationSpec, Source, VendorSpec};
use crate::version::Version;

/// A spec that cannot be used, with the file and the key at fault.
#[derive(Debug)]
pub struct SpecError {
    pub file: PathBuf,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

impl std::error::Error for SpecError {}

/// One vendor's folder: its vendor.yaml and its operations, sorted by file name.
#[derive(Debug)]
pub struct VendorSpecs {
    pub vendor: VendorSpec,
    pub vendor_file: PathBuf,
    pub operations: Vec<LoadedOperation>,
}

#[derive(Debug)]
pub struct LoadedOperation {
    pub spec: OperationSpec,
    /// Path relative to the workspace root, as named in generated headers.
    pub file: PathBuf,
}

const VENDOR_FILE: &str = "vendor.yaml";

/// Loads every vendor folder under `specs_dir` (paths reported relative to `root`).
pub fn load_all(root: &Path, specs_dir: &Path) -> Result<Vec<VendorSpecs>, SpecError> {
    let mut vendors = Vec::new();
    for dir in sorted_entries(specs_dir)? {
        if dir.is_dir() {
            vendors.push(load_vendor(root, &dir)?);
        }
    }
    Ok(vendors)
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, SpecError> {
    let read = std::fs::read_dir(dir).map_err(|e| SpecError {
        file: dir.to_owned(),
        message: format!("cannot read: {e}"),
    })?;
    let mut paths: Vec<PathBuf> = read.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    Ok(paths)
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_owned()
}

fn parse<T: serde::de::DeserializeOwned>(root: &Path, path: &Path) -> Result<T, SpecError> {
    let file = relative(root, path);
    let text = std::fs::read_to_string(path).map_err(|e| SpecError {
        file: file.clone(),
        message: format!("cannot read: {e}"),
    })?;
    serde_yaml_ng::from_str(&text).map_err(|e| SpecError {
        file,
        message: e.to_string(),
    })
}

/// Loads one vendor folder.
pub fn load_vendor(root: &Path, dir: &Path) -> Result<VendorSpecs, SpecError> {
    let vendor_path = dir.join(VENDOR_FILE);
    let vendor_file = relative(root, &vendor_path);
    let vendor: VendorSpec = parse(root, &vendor_path)?;
    let folder = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if vendor.vendor != folder {
        return Err(SpecError {
            file: vendor_file,
            message: format!(
                "key `vendor` is `{}` but the folder is `{folder}`",
                vendor.vendor
            ),
        });
    }
    check_vendor(&vendor).map_err(|message| SpecError {
        file: vendor_file.clone(),
        message,
    })?;
    let mut operations = Vec::new();
    for path in sorted_entries(dir)? {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name == VENDOR_FILE || !(name.ends_with(".yaml") || name.ends_with(".yml")) {
            continue;
        }
        let mut spec: OperationSpec = parse(root, &path)?;
        let file = relative(root, &path);
        resolve_shared(&mut spec, &vendor).map_err(|message| SpecError {
            file: file.clone(),
            message,
        })?;
        // The schemas first: a typo there (`fromat`) explains the cross-reference errors.
        crate::schema_check::check_operation(&spec)
            .and_then(|()| check_operation(&spec, &vendor))
            .and_then(|()| crate::prose_check::check_operation(&spec))
            .map_err(|message| SpecError {
                file: file.clone(),
                message,
            })?;
        operations.push(LoadedOperation { spec, file });
    }
    let (mut modules, mut types) = (BTreeSet::new(), BTreeSet::new());
    for op in &operations {
        let (module, ty) = (module_name(&op.spec), type_base(&op.spec));
        if !modules.insert(module.clone()) || !types.insert(ty.clone()) {
            return Err(SpecError {
                file: op.file.clone(),
                message: format!(
                    "module `{module}` or type `{ty}` is used by another spec; set key `rust_module`"
                ),
            });
        }
    }
    for op in &operations {
        check_lookup(&op.spec, &operations).map_err(|message| SpecError {
            file: op.file.clone(),
            message,
        })?;
    }
    Ok(VendorSpecs {
        vendor,
        vendor_file,
        operations,
    })
}

/// The release keys of vendor.yaml: versions that parse, a full commit id.
fn check_vendor(vendor: &VendorSpec) -> Result<(), String> {
    if let Some(version) = &vendor.version {
        Version::parse(version).map_err(|e| format!("key `version`: {e}"))?;
    }
    if let Some(released) = &vendor.released {
        Version::parse(&released.version).map_err(|e| format!("key `released.version`: {e}"))?;
        if released.rev.len() != 40 || !released.rev.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "key `released.rev`: `{}` is not a full git commit id (40 hex digits)",
                released.rev
            ));
        }
    }
    Ok(())
}

/// `YYYY-MM-DD`, digits only (the calendar is not checked further).
fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// A usage block's `app.lookup` names an operation of the same vendor that a client can call
/// without parameters, whose answer has the array `rows` of objects with string `key` and
/// `value` members.
fn check_lookup(spec: &OperationSpec, operations: &[LoadedOperation]) -> Result<(), String> {
    let Some(lookup) = spec.usage.as_ref().and_then(|u| u.app.lookup.as_ref()) else {
        return Ok(());
    };
    let at = "key `usage.app.lookup";
    let listing = operations
        .iter()
        .map(|o| &o.spec)
        .find(|o| o.operation == lookup.operation)
        .ok_or_else(|| {
            format!(
                "{at}.operation`: the vendor has no operation `{}`",
                lookup.operation
            )
        })?;
    if let Some(p) = listing
        .parameters
        .iter()
        .find(|p| p.required && p.schema.is_some())
    {
        return Err(format!(
            "{at}.operation`: `{}` has the required parameter `{}`; a lookup is called without parameters",
            lookup.operation, p.name
        ));
    }
    let resolve = |schema: &'_ Value| -> Value {
        let mut schema = schema.clone();
        for _ in 0..16 {
            let Some(name) = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/definitions/"))
            else {
                break;
            };
            match listing.definitions.get(name) {
                Some(def) => schema = def.clone(),
                None => break,
            }
        }
        schema
    };
    let mut array = resolve(&listing.response.schema);
    for key in lookup.rows.split('.') {
        array = resolve(&array["properties"][key]);
    }
    if array.get("type").and_then(Value::as_str) != Some("array") {
        return Err(format!(
            "{at}.rows`: `{}` is not an array in the answer of `{}`",
            lookup.rows, lookup.operation
        ));
    }
    let row = resolve(&array["items"]);
    for (what, member) in [("key", &lookup.key), ("value", &lookup.value)] {
        let field = resolve(&row["properties"][member.as_str()]);
        if field.get("type").and_then(Value::as_str) != Some("string") {
            return Err(format!(
                "{at}.{what}`: the rows of `{}` have no string member `{member}`",
                lookup.rows
            ));
        }
        let required = row["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|n| n.as_str() == Some(member)));
        if !required {
            return Err(format!(
                "{at}.{what}`: `{member}` must be required in the rows of `{}`",
                lookup.rows
            ));
        }
    }
    Ok(())
}

/// What a `$ref` into vendor.yaml's shared definitions starts with.
pub const SHARED_REF: &str = "vendor.yaml#/definitions/";

/// Copies each shared definition of vendor.yaml that the spec references
/// (`$ref: "vendor.yaml#/definitions/Name"`, also from inside another shared definition) into
/// the spec's own `definitions` and points the reference there, so a type repeated by several
/// operations (Tencent's `TrtcUsage`) is written once and generated into each module as
/// before. A spec that defines the same name itself is refused: one name, one definition.
fn resolve_shared(spec: &mut OperationSpec, vendor: &VendorSpec) -> Result<(), String> {
    let mut wanted = Vec::new();
    rewrite_shared_refs(&mut spec.response.schema, &mut wanted);
    for p in &mut spec.parameters {
        if let Some(schema) = &mut p.schema {
            rewrite_shared_refs(schema, &mut wanted);
        }
    }
    for def in spec.definitions.values_mut() {
        rewrite_shared_refs(def, &mut wanted);
    }
    let mut copied = BTreeSet::new();
    while let Some(name) = wanted.pop() {
        if !copied.insert(name.clone()) {
            continue;
        }
        let mut def = vendor.definitions.get(&name).cloned().ok_or_else(|| {
            format!("`{SHARED_REF}{name}`: vendor.yaml has no shared definition `{name}`")
        })?;
        rewrite_shared_refs(&mut def, &mut wanted);
        if spec.definitions.insert(name.clone(), def).is_some() {
            return Err(format!(
                "key `definitions.{name}`: the spec defines `{name}` and also references vendor.yaml's; keep one"
            ));
        }
    }
    Ok(())
}

/// Points every `vendor.yaml#/definitions/Name` reference in `schema` at `#/definitions/Name`,
/// collecting the names.
fn rewrite_shared_refs(schema: &mut Value, wanted: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref")
                && let Some(name) = r.strip_prefix(SHARED_REF)
            {
                let name = name.to_owned();
                *r = format!("#/definitions/{name}");
                wanted.push(name);
            }
            for v in map.values_mut() {
                rewrite_shared_refs(v, wanted);
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| rewrite_shared_refs(v, wanted)),
        _ => {}
    }
}

/// The Rust module an operation is generated into.
pub fn module_name(spec: &OperationSpec) -> String {
    spec.rust_module
        .clone()
        .unwrap_or_else(|| heck::ToSnakeCase::to_snake_case(spec.operation.as_str()))
}

/// The name an operation's Rust types start with (`{base}`, `{base}Request`,
/// `{base}Response`): the operation's name, or with `rust_module` set (the same operation at
/// two versions), that module's name in `UpperCamelCase` (`ListUsages20231101`).
pub fn type_base(spec: &OperationSpec) -> String {
    match &spec.rust_module {
        Some(module) => heck::ToUpperCamelCase::to_upper_camel_case(module.as_str()),
        None => spec.operation.clone(),
    }
}

/// The cross-reference rules; the error names the key at fault.
fn check_operation(spec: &OperationSpec, vendor: &VendorSpec) -> Result<(), String> {
    if spec.vendor != vendor.vendor {
        return Err(format!(
            "key `vendor` is `{}` but the folder is `{}`",
            spec.vendor, vendor.vendor
        ));
    }
    if !spec
        .endpoints
        .regions
        .iter()
        .any(|r| r.region == spec.endpoints.default_region)
    {
        return Err(format!(
            "key `endpoints.default_region`: `{}` is not one of `endpoints.regions`",
            spec.endpoints.default_region
        ));
    }
    for r in &spec.endpoints.regions {
        if !(r.url.starts_with("https://") || r.url.starts_with("http://")) {
            return Err(format!(
                "key `endpoints.regions.url`: `{}` is not an http(s) URL",
                r.url
            ));
        }
        for url in &r.failover {
            if !(url.starts_with("https://") || url.starts_with("http://")) || url == &r.url {
                return Err(format!(
                    "key `endpoints.regions.failover`: `{url}` is not an http(s) URL other than the region's own"
                ));
            }
        }
    }
    parse_offset(&spec.day_offset).ok_or_else(|| {
        format!(
            "key `day_offset`: `{}` is not `+HH:MM` or `-HH:MM`",
            spec.day_offset
        )
    })?;
    let mut names = BTreeSet::new();
    for p in &spec.parameters {
        if !names.insert(p.name.as_str()) {
            return Err(format!("key `parameters`: `{}` appears twice", p.name));
        }
        let sources = usize::from(p.constant.is_some())
            + usize::from(p.from.is_some())
            + usize::from(p.schema.is_some());
        if sources != 1 {
            return Err(format!(
                "key `parameters.{}`: give exactly one of `const`, `from` and `schema`",
                p.name
            ));
        }
        if let Some(schema) = &p.schema {
            check_refs(schema, spec, &format!("parameters.{}.schema", p.name))?;
        }
    }
    let placeholders = path_placeholders(&spec.http.path);
    let path_params: BTreeSet<&str> = spec
        .parameters
        .iter()
        .filter(|p| p.location == Location::Path)
        .map(|p| p.name.as_str())
        .collect();
    if placeholders != path_params {
        return Err(format!(
            "key `http.path`: placeholders {placeholders:?} do not match the `in: path` parameters {path_params:?}"
        ));
    }
    check_refs(&spec.response.schema, spec, "response.schema")?;
    for (name, def) in &spec.definitions {
        check_refs(def, spec, &format!("definitions.{name}"))?;
    }
    if let Some(rate) = &spec.limits.rate
        && (rate.requests == 0 || rate.per_seconds == 0)
    {
        return Err("key `limits.rate`: `requests` and `per_seconds` must be positive".into());
    }
    if let Some(span) = &spec.limits.span {
        for (key, param) in [("start", &span.start), ("end", &span.end)] {
            time_param(spec, param).map_err(|e| format!("key `limits.span.{key}`: {e}"))?;
        }
        if span.max_days == 0 {
            return Err("key `limits.span.max_days` must be positive".into());
        }
    }
    if let Some(lookback) = &spec.limits.lookback {
        time_param(spec, &lookback.param)
            .map_err(|e| format!("key `limits.lookback.param`: {e}"))?;
    }
    let note_ids: BTreeSet<&str> = spec.notes.iter().map(|n| n.id.as_str()).collect();
    if note_ids.len() != spec.notes.len() {
        return Err("key `notes`: two notes share an id".into());
    }
    if let Some(n) = spec
        .notes
        .iter()
        .find(|n| n.reviewed.as_deref().is_some_and(|d| !is_date(d)))
    {
        return Err(format!(
            "key `notes.{}.reviewed`: `{}` is not a date YYYY-MM-DD",
            n.id,
            n.reviewed.as_deref().unwrap_or_default()
        ));
    }
    check_source(&spec.source)?;
    if spec.examples.is_empty() {
        return Err("key `examples`: a spec carries its document's examples".into());
    }
    for ex in &spec.examples {
        if let Some(c) = &ex.corrected
            && !note_ids.contains(c.note.as_str())
        {
            return Err(format!(
                "key `examples.{}.corrected.note`: no note has id `{}`",
                ex.name, c.note
            ));
        }
        for (key, body) in [
            ("request.body", ex.request.body.as_deref()),
            (
                "response.body",
                ex.response.as_ref().map(|r| r.body.as_str()),
            ),
            (
                "corrected.body",
                ex.corrected.as_ref().and_then(|c| c.body.as_deref()),
            ),
        ] {
            if let Some(body) = body {
                serde_json::from_str::<Value>(body)
                    .map_err(|e| format!("key `examples.{}.{key}` is not JSON: {e}", ex.name))?;
            }
        }
    }
    Ok(())
}

/// A pinned source: an http(s) URL, a SHA-256 of 64 lowercase hex digits.
fn check_source(source: &Source) -> Result<(), String> {
    if let Some(url) = &source.url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Err(format!("key `source.url`: `{url}` is not an http(s) URL"));
    }
    if let Some(sha) = &source.sha256
        && !(sha.len() == 64 && sha.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
    {
        return Err(format!(
            "key `source.sha256`: `{sha}` is not a SHA-256 in lowercase hex (64 digits)"
        ));
    }
    Ok(())
}

/// The format (`date` or `date-time`) of a time parameter.
pub fn time_param<'a>(spec: &'a OperationSpec, name: &str) -> Result<&'a str, String> {
    let p = spec
        .parameters
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| format!("no parameter named `{name}`"))?;
    let format = p
        .schema
        .as_ref()
        .and_then(|s| s.get("format"))
        .and_then(Value::as_str);
    match format {
        Some(f @ ("date" | "date-time")) => Ok(f),
        _ => Err(format!(
            "parameter `{name}` is not a string of format date or date-time"
        )),
    }
}

fn check_refs(schema: &Value, spec: &OperationSpec, at: &str) -> Result<(), String> {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                let name = r.strip_prefix("#/definitions/").ok_or_else(|| {
                    format!("key `{at}.$ref`: `{r}` must point into `#/definitions/`")
                })?;
                if !spec.definitions.contains_key(name) {
                    return Err(format!("key `{at}.$ref`: no definition named `{name}`"));
                }
            }
            for (k, v) in map {
                check_refs(v, spec, &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        Value::Array(items) => items.iter().try_for_each(|v| check_refs(v, spec, at)),
        _ => Ok(()),
    }
}

pub fn path_placeholders(path: &str) -> BTreeSet<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// `+08:00` → 28800.
pub fn parse_offset(text: &str) -> Option<i32> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
}
