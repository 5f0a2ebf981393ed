//! A request's parameters, read the same way for every vendor: from the places the
//! operation's `API` entry says (body, query), checked by the generated request type (the
//! entry's `check`), and read as usage through the operation's `usage:` block (the app, the
//! range, the variant).

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use rtc_usage::Vendor;
use rtc_usage_core::OperationDescriptor;
use rtc_usage_core::api::{ApiOperation, ValueKind};
use rtc_usage_core::descriptor::Location;
use rtc_usage_core::usage::{AppKind, UsageSpec};
use rtc_usage_core::validate::{TimePoint, TimeRange};
use serde_json::{Map, Value};

use crate::bespoke::{self, Bespoke};
use crate::data::{self, Measure};
use crate::limits;
use crate::problem::Problem;
use crate::reply::RequestHead;

/// A parsed call: the operation, the app asked about, the queried range and what to answer.
pub(crate) struct Call {
    pub op: &'static OperationDescriptor,
    /// `None`: every app of the account (Tencent without `SdkAppId`).
    pub app: Option<String>,
    pub range: TimeRange,
    /// The request's parameters, keyed by wire name (of the generated request type).
    pub fields: Value,
    pub input: Input,
}

impl Call {
    /// The apps asked about: the app parameter's id, or each id of a comma-separated one
    /// (`AppKind::CommaSeparated`, Alibaba's `AppId` list); `None`: every app of the account.
    pub fn apps(&self) -> Option<Vec<&str>> {
        let app = self.app.as_deref()?;
        let listed = self
            .op
            .usage
            .is_some_and(|u| u.app.kind == AppKind::CommaSeparated);
        Some(if listed {
            app.split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .collect()
        } else {
            vec![app]
        })
    }
}

/// What a call asks for.
pub(crate) enum Input {
    /// A series of a usage operation, for [`Call::app`] (`None`: every app).
    Usage(Measure),
    /// An operation with its own answer.
    Bespoke(&'static Bespoke),
}

/// The `API` entry of `op` in `vendor`'s crate.
pub(crate) fn api_entry(vendor: Vendor, op: &OperationDescriptor) -> Option<&'static ApiOperation> {
    vendor
        .entry()
        .api
        .iter()
        .find(|api| (api.descriptor.name, api.descriptor.version) == (op.name, op.version))
}

/// Parses the request for `op` of `vendor`: its fields, checked as the generated request
/// type checks them, then read as the operation's usage (or its bespoke answer). An operation
/// neither usage nor bespoke is not emulated: an unknown action.
pub(crate) fn parse(
    vendor: Vendor,
    op: &'static OperationDescriptor,
    head: &RequestHead,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Call, Problem> {
    let unknown = || Problem::UnknownAction(op.name.to_owned());
    let api = api_entry(vendor, op).ok_or_else(unknown)?;
    let bespoke = bespoke::find(op);
    let usage = data::usage_spec(op);
    if bespoke.is_none() && usage.is_none() {
        return Err(unknown());
    }
    let fields = fields(api, head, body)?;
    let range = range(op, &fields);
    typed_check(api, &fields, &range, now)?;
    let app = app(vendor, api, usage, &fields);
    let input = match (bespoke, usage) {
        (Some(bespoke), _) => {
            (bespoke.check)(&fields)?;
            Input::Bespoke(bespoke)
        }
        (None, Some(spec)) => Input::Usage(measure(op, spec, &fields)?),
        (None, None) => return Err(unknown()),
    };
    Ok(Call {
        op,
        app,
        range,
        fields,
        input,
    })
}

/// The request's parameters as a JSON object keyed by wire name: the JSON body's members (an
/// operation with body parameters; an empty body is no members), then each query parameter
/// from its pairs (a list parameter from every pair of its name, any other from its first),
/// each value read by its parameter's type.
fn fields(api: &ApiOperation, head: &RequestHead, body: &[u8]) -> Result<Value, Problem> {
    let mut fields = if api.params.iter().any(|p| p.location == Location::Body) {
        json_fields(body)?
    } else {
        Map::new()
    };
    let pairs = head.query_pairs();
    for param in api.params.iter().filter(|p| p.location == Location::Query) {
        let mut values = pairs
            .iter()
            .filter(|(k, _)| k == param.name)
            .map(|(_, v)| v);
        let value = match param.kind {
            ValueKind::Array(items) => {
                let items: Vec<Value> = values.map(|v| from_text(*items, v)).collect();
                if items.is_empty() {
                    continue;
                }
                Value::Array(items)
            }
            kind => match values.next() {
                Some(v) => from_text(kind, v),
                None => continue,
            },
        };
        fields.insert(param.name.to_owned(), value);
    }
    Ok(Value::Object(fields))
}

/// A query value as its parameter's type reads it: a number or boolean from its text where it
/// spells one (else the text, for the request type to refuse), anything else as text.
fn from_text(kind: ValueKind, text: &str) -> Value {
    let json = || serde_json::from_str::<Value>(text.trim()).ok();
    match kind {
        ValueKind::Integer | ValueKind::Number => json()
            .filter(Value::is_number)
            .unwrap_or_else(|| Value::String(text.to_owned())),
        ValueKind::Boolean => json()
            .filter(Value::is_boolean)
            .unwrap_or_else(|| Value::String(text.to_owned())),
        _ => Value::String(text.to_owned()),
    }
}

/// A JSON body as an object of fields: an empty body is no fields; anything but an object
/// is an invalid parameter.
fn json_fields(body: &[u8]) -> Result<Map<String, Value>, Problem> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Problem::InvalidParameter(
            "the body is not a JSON object".to_owned(),
        )),
        Err(e) => Err(Problem::InvalidParameter(format!(
            "the body is not valid JSON: {e}"
        ))),
    }
}

/// The generated request type's own checks (the `API` entry's `check`): a missing field is the
/// vendor's missing-parameter error, any other mismatch an invalid parameter. The entry also
/// checks the spec's enforced limits; a range those refuse is left to the emulator's own range
/// check (with its own error), which follows.
fn typed_check(
    api: &ApiOperation,
    fields: &Value,
    range: &TimeRange,
    now: DateTime<Utc>,
) -> Result<(), Problem> {
    let Err(error) = (api.check)(fields, now) else {
        return Ok(());
    };
    let message = error.message();
    if let Some(name) = missing_field(message) {
        return Err(Problem::MissingParameter(name.to_owned()));
    }
    if limits::check_range(api.descriptor, range, now, false).is_err() {
        return Ok(());
    }
    // The serde message after the entry's own words ("the parameters do not fit X V: ...").
    let reason = message
        .strip_prefix("the parameters do not fit ")
        .and_then(|rest| rest.split_once(": "))
        .map_or(message, |(_, reason)| reason);
    Err(Problem::InvalidParameter(reason.to_owned()))
}

/// The field serde names in "missing field `name`".
fn missing_field(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once("missing field `")?;
    rest.split_once('`').map(|(name, _)| name)
}

/// The queried range: the span's start and end parameters (a date, or a date-time with its
/// offset; absent or unreadable: no point).
fn range(op: &OperationDescriptor, fields: &Value) -> TimeRange {
    let point = |name: &str| match fields.get(name) {
        Some(Value::String(s)) => s
            .parse::<NaiveDate>()
            .map(TimePoint::Date)
            .or_else(|_| s.parse::<DateTime<FixedOffset>>().map(TimePoint::DateTime))
            .ok(),
        _ => None,
    };
    let (start, end) = match (op.limits.span, op.limits.lookback) {
        (Some(span), _) => (point(span.start_param), point(span.end_param)),
        (None, Some(lookback)) => (point(lookback.param), None),
        (None, None) => (None, None),
    };
    TimeRange { start, end }
}

/// The app asked about: the value of the spec's app parameter (or, for an operation without a
/// `usage:` block, of the vendor's app parameter where the operation has it); `None` when it
/// is absent, which means every app where the spec says so.
fn app(
    vendor: Vendor,
    api: &ApiOperation,
    usage: Option<&'static UsageSpec>,
    fields: &Value,
) -> Option<String> {
    let param = usage.map(|u| u.app.param).or_else(|| {
        vendor
            .entry()
            .operations
            .iter()
            .filter_map(|op| op.usage)
            .map(|u| u.app.param)
            .find(|name| api.param(name).is_some())
    })?;
    match fields.get(param)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(items) => items.first().map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
        _ => None,
    }
}

/// The series a usage request asks for: its variant parameter's value (an operation without
/// one ignores it), which must be one of the spec's.
fn measure(
    op: &'static OperationDescriptor,
    spec: &'static UsageSpec,
    fields: &Value,
) -> Result<Measure, Problem> {
    let Some(param) = spec.variant_param.filter(|_| !spec.variants.is_empty()) else {
        return Ok(Measure::new(op, spec, None));
    };
    let named = match fields.get(param) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    };
    match data::variant(spec, named.as_deref()) {
        Ok(variant) => Ok(Measure::new(op, spec, variant)),
        Err(()) if named.is_none() => Err(Problem::MissingParameter(param.to_owned())),
        Err(()) => Err(Problem::InvalidParameter(format!(
            "{param} `{}` is not supported ({})",
            named.unwrap_or_default(),
            spec.variants
                .iter()
                .map(|v| v.value)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_missing_field_names_the_field() {
        assert_eq!(
            missing_field("missing field `AppId` at line 1"),
            Some("AppId")
        );
        assert_eq!(
            missing_field("the parameters do not fit X 1: missing field `EndTime`"),
            Some("EndTime")
        );
        assert_eq!(missing_field("invalid type: integer"), None);
    }
}
