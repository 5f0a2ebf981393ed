//! Two models in, classified changes out. Each difference becomes one change of one kind
//! (rules.rs says what the kind means); an added or removed member hides its own members,
//! and a removed and an added sibling of the same shape are one rename.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

use super::model::{Aspect, Fact, Facts, Model, Node, Nodes, OperationModel, VendorModel};
use super::rules::{ChangeKind as K, Data, Wire};
use crate::version::Semver;

/// One classified change.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub vendor: String,
    /// The documented operation name; absent for a vendor-wide change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// The spec file the change is in (the head side's, or the base's for a removal).
    pub file: String,
    pub kind: K,
    /// What changed: `response UsageList[].TimeStampKey`, `limits.rate`, `note swapped`.
    pub subject: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub semver: Semver,
    pub wire: Wire,
    pub data: Data,
    pub why: &'static str,
}

/// Every change from `base` to `head`, vendor by vendor (sorted by id).
pub fn diff(base: &Model, head: &Model) -> Vec<Change> {
    let ids: BTreeSet<&String> = base.vendors.keys().chain(head.vendors.keys()).collect();
    ids.into_iter()
        .flat_map(|id| diff_vendor(id, base.vendors.get(id), head.vendors.get(id)))
        .collect()
}

/// The changes of one vendor (either side may be absent).
pub fn diff_vendor(
    id: &str,
    base: Option<&VendorModel>,
    head: Option<&VendorModel>,
) -> Vec<Change> {
    let mut out = Vec::new();
    let Some(file) = head.or(base).map(|v| v.file.as_str()) else {
        return out;
    };
    let vendor = Sink {
        vendor: id,
        operation: None,
        file,
    };
    let (b, h) = match (base, head) {
        (Some(b), Some(h)) => (b, h),
        (None, Some(h)) => {
            vendor.push(
                &mut out,
                K::VendorAdded,
                "crate",
                None,
                Some(h.crate_name.clone()),
            );
            return out;
        }
        (Some(b), _) => {
            vendor.push(
                &mut out,
                K::VendorRemoved,
                "crate",
                Some(b.crate_name.clone()),
                None,
            );
            return out;
        }
        (None, None) => return out,
    };
    facts(&vendor, &mut out, &b.facts, &h.facts);
    let modules: BTreeSet<&String> = b.operations.keys().chain(h.operations.keys()).collect();
    for module in modules {
        let (bo, ho) = (b.operations.get(module), h.operations.get(module));
        let Some(op) = ho.or(bo) else { continue };
        let sink = Sink {
            vendor: id,
            operation: Some(&op.name),
            file: &op.file,
        };
        match (bo, ho) {
            (Some(bo), Some(ho)) => operation(&sink, &mut out, bo, ho),
            (None, Some(_)) => sink.push(
                &mut out,
                K::OperationAdded,
                "operation",
                None,
                Some(module.clone()),
            ),
            (Some(bo), None) => {
                sink.push(
                    &mut out,
                    K::OperationRemoved,
                    "operation",
                    Some(module.clone()),
                    None,
                );
                if bo.facade_usage {
                    sink.push(
                        &mut out,
                        K::UsageRemoved,
                        "usage",
                        Some("read by the facade".into()),
                        None,
                    );
                }
            }
            (None, None) => {}
        }
    }
    out
}

/// Where changes are recorded from.
struct Sink<'a> {
    vendor: &'a str,
    operation: Option<&'a str>,
    file: &'a str,
}

impl Sink<'_> {
    fn push(
        &self,
        out: &mut Vec<Change>,
        kind: K,
        subject: &str,
        before: Option<String>,
        after: Option<String>,
    ) {
        let rule = kind.rule();
        out.push(Change {
            vendor: self.vendor.to_owned(),
            operation: self.operation.map(str::to_owned),
            file: self.file.to_owned(),
            kind,
            subject: subject.to_owned(),
            before,
            after,
            semver: rule.semver,
            wire: rule.wire,
            data: rule.data,
            why: rule.why,
        });
    }
}

fn operation(sink: &Sink<'_>, out: &mut Vec<Change>, base: &OperationModel, head: &OperationModel) {
    facts(sink, out, &base.facts, &head.facts);
    nodes(sink, out, Side::Request, &base.request, &head.request);
    nodes(sink, out, Side::Response, &base.response, &head.response);
}

/// A difference before suppression: the key, whether it adds or removes the key itself.
struct Raw {
    key: String,
    action: Action,
    kind: K,
    before: Option<String>,
    after: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Added,
    Removed,
    Renamed,
    Changed,
}

/// Drops what an added (removed) ancestor already says: the members of an added member, the
/// keys of an added `usage` block. A rename counts as both.
fn suppressed(raws: Vec<Raw>) -> Vec<Raw> {
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    for r in &raws {
        match r.action {
            Action::Added => added.push(r.key.clone()),
            Action::Removed => removed.push(r.key.clone()),
            Action::Renamed => {
                added.push(r.key.clone());
                removed.extend(r.before.clone());
            }
            Action::Changed => {}
        }
    }
    let under = |set: &[String], key: &str| set.iter().any(|a| is_ancestor(a, key));
    raws.into_iter()
        .filter(|r| match r.action {
            Action::Added => !under(&added, &r.key),
            Action::Removed => !under(&removed, &r.key),
            Action::Renamed | Action::Changed => true,
        })
        .collect()
}

fn is_ancestor(ancestor: &str, key: &str) -> bool {
    key.len() > ancestor.len()
        && key.starts_with(ancestor)
        && matches!(key.as_bytes()[ancestor.len()], b'.' | b'[' | b'{')
}

fn facts(sink: &Sink<'_>, out: &mut Vec<Change>, base: &Facts, head: &Facts) {
    let keys: BTreeSet<&String> = base.keys().chain(head.keys()).collect();
    let mut raws = Vec::new();
    for key in keys {
        let (b, h) = (base.get(key), head.get(key));
        if b == h {
            continue;
        }
        let Some(aspect) = h.or(b).map(|f| f.aspect) else {
            continue;
        };
        let value = |f: Option<&Fact>| f.map(|f| f.value.clone());
        let (bv, hv) = (value(b), value(h));
        raws.push(Raw {
            key: key.clone(),
            action: match (b, h) {
                (None, _) => Action::Added,
                (_, None) => Action::Removed,
                _ => Action::Changed,
            },
            kind: fact_kind(aspect, bv.as_ref(), hv.as_ref()),
            before: bv.as_ref().map(show),
            after: hv.as_ref().map(show),
        });
    }
    for r in suppressed(raws) {
        sink.push(out, r.kind, &r.key, r.before, r.after);
    }
}

/// The kind of change a fact makes, by what it is and which way it moved.
fn fact_kind(aspect: Aspect, before: Option<&Value>, after: Option<&Value>) -> K {
    let number = |v: Option<&Value>| v.and_then(Value::as_f64);
    let added = before.is_none();
    let removed = after.is_none();
    match aspect {
        Aspect::Version => K::OperationVersionChanged,
        Aspect::RequestShape => K::RequestShapeChanged,
        Aspect::Envelope => K::EnvelopeChanged,
        Aspect::Doc => K::DocChanged,
        Aspect::TimeZone => K::TimeZoneChanged,
        Aspect::UsagePresence if removed => K::UsageRemoved,
        Aspect::UsagePresence => K::UsageAdded,
        Aspect::UsageQuery => K::UsageQueryChanged,
        Aspect::BucketLayout => K::BucketLayoutChanged,
        Aspect::TimeFormat => K::TimeFormatChanged,
        Aspect::Tiers => K::TierMappingChanged,
        Aspect::SpanCounting => K::SpanCountingChanged,
        Aspect::Rate if rate_loosened(before, after) => K::LimitLoosened,
        Aspect::MaxDays if removed || number(after) > number(before) && !added => K::LimitLoosened,
        Aspect::Enforce if after == Some(&Value::Bool(false)) || removed => K::LimitLoosened,
        Aspect::Rate | Aspect::MaxDays | Aspect::Enforce => K::LimitTightened,
        Aspect::DataDelay if removed || number(after) < number(before) && !added => {
            K::DataDelayShortened
        }
        Aspect::DataDelay => K::DataDelayLengthened,
        Aspect::Region if added => K::RegionAdded,
        Aspect::Region if removed => K::RegionRemoved,
        Aspect::Region | Aspect::DefaultRegion => K::EndpointChanged,
        Aspect::Error if added => K::ErrorCodeAdded,
        Aspect::Error if removed => K::ErrorCodeRemoved,
        Aspect::Error => K::ErrorCodeChanged,
        Aspect::Note => K::NoteChanged,
        Aspect::Example => K::ExampleChanged,
        Aspect::Source => K::SourceChanged,
        Aspect::Crate => K::CrateRenamed,
        Aspect::EndpointEnv => K::EndpointOverrideChanged,
        Aspect::Credential if removed => K::CredentialVariableRemoved,
        Aspect::Credential => K::CredentialVariableAdded,
    }
}

/// More requests per second, or an account-wide window split per operation; no limit at all
/// after one is the loosest.
fn rate_loosened(before: Option<&Value>, after: Option<&Value>) -> bool {
    let rate = |v: &Value| {
        let n = |k: &str| v.get(k).and_then(Value::as_f64).unwrap_or(0.0);
        (
            n("requests") / n("per_seconds").max(1.0),
            v.get("scope").cloned(),
        )
    };
    match (before.map(rate), after.map(rate)) {
        (Some(_), None) => true,
        (Some((b, b_scope)), Some((a, a_scope))) => {
            a > b
                || (b_scope.as_ref().and_then(Value::as_str) == Some("account")
                    && a_scope != b_scope)
        }
        _ => false,
    }
}

/// Compact text for a value: strings bare, the rest as JSON.
fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

impl Side {
    fn subject(self, key: &str) -> String {
        match self {
            Self::Request => format!("parameter {key}"),
            Self::Response => format!("response {key}"),
        }
    }

    /// The request kind or the response kind.
    fn pick(self, request: K, response: K) -> K {
        match self {
            Self::Request => request,
            Self::Response => response,
        }
    }
}

fn nodes(sink: &Sink<'_>, out: &mut Vec<Change>, side: Side, base: &Nodes, head: &Nodes) {
    let removed: Vec<&String> = base.keys().filter(|k| !head.contains_key(*k)).collect();
    let added: Vec<&String> = head.keys().filter(|k| !base.contains_key(*k)).collect();
    let renames = renames(base, head, &removed, &added);
    let renamed_old: BTreeSet<&String> = renames.iter().map(|(o, _)| *o).collect();
    let renamed_new: BTreeSet<&String> = renames.iter().map(|(_, n)| *n).collect();
    let mut raws = Vec::new();
    for (old, new) in &renames {
        let kind = side.pick(K::ParameterRenamed, K::FieldRenamed);
        raws.push(raw(
            new,
            Action::Renamed,
            kind,
            Some((*old).clone()),
            Some((*new).clone()),
        ));
    }
    for key in removed.iter().filter(|k| !renamed_old.contains(*k)) {
        let kind = side.pick(K::ParameterRemoved, K::FieldRemoved);
        raws.push(raw(
            key,
            Action::Removed,
            kind,
            Some(describe(&base[*key])),
            None,
        ));
    }
    for key in added.iter().filter(|k| !renamed_new.contains(*k)) {
        let node = &head[*key];
        let kind = match (side, node.required && node.fixed.is_none()) {
            (Side::Request, true) => K::ParameterAddedRequired,
            (Side::Request, false) => K::ParameterAdded,
            (Side::Response, true) => K::FieldAddedRequired,
            (Side::Response, false) => K::FieldAdded,
        };
        raws.push(raw(key, Action::Added, kind, None, Some(describe(node))));
    }
    for (key, b) in base {
        if let Some(h) = head.get(key).filter(|h| *h != b) {
            for (kind, before, after) in node_changes(side, b, h) {
                raws.push(raw(key, Action::Changed, kind, before, after));
            }
        }
    }
    raws.sort_by(|a, b| a.key.cmp(&b.key));
    for r in suppressed(raws) {
        sink.push(out, r.kind, &side.subject(&r.key), r.before, r.after);
    }
}

fn raw(key: &str, action: Action, kind: K, before: Option<String>, after: Option<String>) -> Raw {
    Raw {
        key: key.to_owned(),
        action,
        kind,
        before,
        after,
    }
}

/// `a.b` → `a`, `a[]` → `a`, `a` → `` (the parameters, or the answer's root).
fn parent(key: &str) -> &str {
    if let Some(p) = key.strip_suffix("[]").or_else(|| key.strip_suffix("{}")) {
        return p;
    }
    key.rfind('.').map_or("", |i| &key[..i])
}

/// Members under `key`, by their path below it.
fn subtree<'a>(nodes: &'a Nodes, key: &str) -> Vec<(&'a str, &'a Node)> {
    nodes
        .iter()
        .filter(|(k, _)| is_ancestor(key, k))
        .map(|(k, n)| (&k[key.len()..], n))
        .collect()
}

/// A removed and an added sibling with the same shape (members included), each the other's
/// only candidate.
fn renames<'a>(
    base: &Nodes,
    head: &Nodes,
    removed: &[&'a String],
    added: &[&'a String],
) -> Vec<(&'a String, &'a String)> {
    let matches = |old: &str, new: &str| {
        parent(old) == parent(new) && base[old].same_shape(&head[new]) && {
            let (a, b) = (subtree(base, old), subtree(head, new));
            a.len() == b.len()
                && a.iter()
                    .zip(&b)
                    .all(|((ka, na), (kb, nb))| ka == kb && na.same_shape(nb))
        }
    };
    let mut pairs = Vec::new();
    for old in removed {
        let candidates: Vec<&&String> = added.iter().filter(|new| matches(old, new)).collect();
        if let [new] = candidates.as_slice()
            && removed.iter().filter(|o| matches(o, new)).count() == 1
        {
            pairs.push((*old, **new));
        }
    }
    pairs
}

/// `integer uint64`.
fn type_text(node: &Node) -> String {
    match &node.format {
        Some(f) => format!("{} {f}", node.ty),
        None => node.ty.clone(),
    }
}

/// `integer uint64, seconds, required`.
fn describe(node: &Node) -> String {
    let mut parts = vec![type_text(node)];
    parts.extend(node.unit.clone());
    if let Some(fixed) = &node.fixed {
        parts.push(fixed.clone());
    }
    parts.push(
        if node.required {
            "required"
        } else {
            "optional"
        }
        .into(),
    );
    parts.join(", ")
}

type NodeChange = (K, Option<String>, Option<String>);

/// The changes of a node present on both sides.
fn node_changes(side: Side, b: &Node, h: &Node) -> Vec<NodeChange> {
    let mut out: Vec<NodeChange> = Vec::new();
    let mut push =
        |kind, before: String, after: String| out.push((kind, Some(before), Some(after)));
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
    if b.location != h.location {
        push(
            K::ParameterLocationChanged,
            opt(&b.location),
            opt(&h.location),
        );
    }
    if b.fixed != h.fixed {
        let both_const = [&b.fixed, &h.fixed]
            .iter()
            .all(|f| f.as_deref().is_some_and(|f| f.starts_with("const ")));
        let kind = if both_const {
            K::ParameterConstChanged
        } else {
            K::ParameterTypeChanged
        };
        push(kind, opt(&b.fixed), opt(&h.fixed));
    }
    let ty = |n: &Node| {
        let set = match (n.values.is_empty(), n.open) {
            (true, _) => "",
            (false, true) => " (open set)",
            (false, false) => " (enum)",
        };
        format!("{}{set}", type_text(n))
    };
    if b.ty != h.ty
        || b.format != h.format
        || b.values.is_empty() != h.values.is_empty()
        || (b.open != h.open && !h.values.is_empty())
    {
        let kind = match (
            side,
            b.ty == h.ty && b.open == h.open,
            width(&b.format, &h.format),
        ) {
            (Side::Request, _, _) => K::ParameterTypeChanged,
            (Side::Response, true, Some(Ordering::Less)) => K::FieldWidened,
            (Side::Response, true, Some(Ordering::Greater)) => K::FieldNarrowed,
            (Side::Response, _, _) => K::FieldTypeChanged,
        };
        push(kind, ty(b), ty(h));
    }
    if b.required != h.required {
        let kind = match (side, h.required) {
            (Side::Request, true) => K::ParameterBecameRequired,
            (Side::Request, false) => K::ParameterBecameOptional,
            (Side::Response, true) => K::FieldBecameRequired,
            (Side::Response, false) => K::FieldBecameOptional,
        };
        push(kind, describe(b), describe(h));
    }
    let list = |values: Vec<&String>| {
        values
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let gone: Vec<&String> = b.values.difference(&h.values).collect();
    let new: Vec<&String> = h.values.difference(&b.values).collect();
    if !new.is_empty() && !b.values.is_empty() {
        out.push((
            side.pick(K::ParameterValueAdded, K::FieldValueAdded),
            None,
            Some(list(new)),
        ));
    }
    if !gone.is_empty() && !h.values.is_empty() {
        let kind = match (side, h.open) {
            (Side::Request, _) => K::ParameterValueRemoved,
            (Side::Response, true) => K::FieldKnownValueRemoved,
            (Side::Response, false) => K::FieldValueRemoved,
        };
        out.push((kind, Some(list(gone)), None));
    }
    let mut push =
        |kind, before: String, after: String| out.push((kind, Some(before), Some(after)));
    if b.unit != h.unit {
        push(K::UnitChanged, opt(&b.unit), opt(&h.unit));
    }
    let (loosened, tightened) = bounds_moved(b, h);
    let bounds = |n: &Node| show(&serde_json::to_value(&n.bounds).unwrap_or(Value::Null));
    if loosened {
        push(
            side.pick(K::ParameterBoundsLoosened, K::FieldBoundsLoosened),
            bounds(b),
            bounds(h),
        );
    }
    if tightened {
        push(
            side.pick(K::ParameterBoundsTightened, K::FieldBoundsTightened),
            bounds(b),
            bounds(h),
        );
    }
    if b.secret != h.secret {
        push(K::SecretChanged, b.secret.to_string(), h.secret.to_string());
    }
    if b.doc != h.doc {
        push(K::DocChanged, show(&b.doc), show(&h.doc));
    }
    out
}

/// Which way the bounds moved: (some loosened, some tightened). A changed pattern is both.
fn bounds_moved(b: &Node, h: &Node) -> (bool, bool) {
    let keys: BTreeSet<&String> = b.bounds.keys().chain(h.bounds.keys()).collect();
    let (mut loosened, mut tightened) = (false, false);
    for key in keys {
        let (old, new) = (b.bounds.get(key), h.bounds.get(key));
        if old == new {
            continue;
        }
        let is_max = key.starts_with("max") || key.starts_with("exclusiveMax");
        match (old.and_then(Value::as_f64), new.and_then(Value::as_f64)) {
            _ if new.is_none() => loosened = true,
            _ if old.is_none() => tightened = true,
            (Some(o), Some(n)) => {
                if (n > o) == is_max {
                    loosened = true;
                } else {
                    tightened = true;
                }
            }
            _ => (loosened, tightened) = (true, true),
        }
    }
    (loosened, tightened)
}

/// How the number format's width moved (`Less`: wider), within one family.
fn width(before: &Option<String>, after: &Option<String>) -> Option<Ordering> {
    let bits = |f: &Option<String>| -> Option<(u8, u16)> {
        let f = f.as_deref()?;
        let (family, digits) = if let Some(d) = f.strip_prefix("uint") {
            (1, d)
        } else if let Some(d) = f.strip_prefix("int") {
            (0, d)
        } else {
            return match f {
                "float" => Some((2, 32)),
                "double" => Some((2, 64)),
                _ => None,
            };
        };
        Some((family, digits.parse().ok()?))
    };
    match (bits(before)?, bits(after)?) {
        ((fb, b), (fa, a)) if fb == fa => Some(b.cmp(&a)),
        _ => None,
    }
}
