//! An answer of any usage operation as normalized records, read through its spec's `usage:`
//! block: the layout says where the buckets are, the unit what a figure is worth, the time
//! format and zone where a bucket starts, the tier table what each vendor tier is.

use chrono::{DateTime, FixedOffset, Timelike};
use rtc_usage_core::usage::{Layout, UsageSpec, member};
use rtc_usage_core::{Error, ErrorKind, OperationDescriptor};
use serde_json::Value;

use crate::record::{Bucket, Millis, UsageRecord};
use crate::report::Warning;
use crate::vendor::Vendor;

/// What one answer gave: records at the vendor's native buckets, and what did not add up.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Normalized {
    pub records: Vec<UsageRecord>,
    pub warnings: Vec<Warning>,
}

/// The records of `payload`, the answer of `op` (a usage operation of `vendor`) inside its
/// envelope, for the app labelled `app`. `bucket` is what the request was answered in (a
/// day, or the fine bucket of a short range); `variant` the value of the spec's variant
/// parameter the call was made with. A figure that is not a number, a bucket time that cannot
/// be read, or keys and values that do not line up are decode errors: never a guess.
pub fn normalize(
    op: &'static OperationDescriptor,
    app: &str,
    payload: &Value,
    bucket: Bucket,
    variant: Option<&str>,
) -> Result<Normalized, Error> {
    let usage = op
        .usage
        .ok_or_else(|| Error::invalid_input(op, format!("{} is not a usage operation", op.name)))?;
    let vendor = Vendor::get(op.vendor).ok_or_else(|| {
        Error::invalid_input(op, format!("{} is not a vendor of this build", op.vendor))
    })?;
    let reader = Reader {
        vendor,
        op,
        usage,
        app,
        bucket,
        prefix: variant.filter(|_| usage.tier_prefix),
        calendar: FixedOffset::east_opt(op.limits.day_offset_seconds)
            .unwrap_or(usage.time_offset()),
    };
    let mut out = Normalized::default();
    match usage.layout {
        Layout::Fields { rows, time, total } => {
            for (index, row) in reader.rows(payload, rows)?.iter().enumerate() {
                let start = reader.start(row, rows, index, time, None)?;
                let mut sum = Millis::default();
                for tier in usage.tiers {
                    let Some(value) = member(row, tier.name) else {
                        continue;
                    };
                    let amount = reader.amount(value, rows, index, tier.name)?;
                    sum += amount;
                    out.records.push(reader.record(start, tier.name, amount));
                }
                if let Some(total) = total
                    && let Some(value) = member(row, total)
                {
                    let expected = reader.amount(value, rows, index, total)?;
                    if expected != sum {
                        out.warnings.push(Warning {
                            vendor,
                            app: app.to_owned(),
                            message: format!(
                                "{}: {total} is {} but its tiers add up to {}; the tiers are reported as sent",
                                text(member(row, time)),
                                seconds_text(expected),
                                seconds_text(sum),
                            ),
                        });
                    }
                }
            }
        }
        Layout::KeyValue {
            keys,
            rows,
            time,
            time_epoch,
            values,
        } => {
            let keys: Vec<&str> = match member(payload, keys) {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|k| {
                        k.as_str()
                            .ok_or_else(|| reader.error(format!("{keys} holds a non-string key")))
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => return Err(reader.error(format!("{keys} is not an array"))),
            };
            for (index, row) in reader.rows(payload, rows)?.iter().enumerate() {
                let figures = match member(row, values) {
                    Some(Value::Array(v)) => v.as_slice(),
                    None | Some(Value::Null) => &[],
                    Some(_) => {
                        return Err(
                            reader.error(format!("{rows}[{index}].{values} is not an array"))
                        );
                    }
                };
                if figures.len() != keys.len() {
                    return Err(reader.error(format!(
                        "{rows}[{index}] ({time} {}) has {} values for {} {} entries; refusing to guess which value is which",
                        text(member(row, time)),
                        figures.len(),
                        keys.len(),
                        keys_name(usage),
                    )));
                }
                let start = reader.start(row, rows, index, time, time_epoch)?;
                for (key, value) in keys.iter().zip(figures) {
                    let amount = reader.amount(value, rows, index, key)?;
                    out.records.push(reader.record(start, key, amount));
                }
            }
        }
        Layout::Rows {
            rows,
            time,
            tier,
            value,
        } => {
            for (index, row) in reader.rows(payload, rows)?.iter().enumerate() {
                let start = reader.start(row, rows, index, time, None)?;
                let name = match member(row, tier) {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => {
                        return Err(
                            reader.error(format!("{rows}[{index}].{tier} is not a tier name"))
                        );
                    }
                };
                let figure = member(row, value)
                    .ok_or_else(|| reader.error(format!("{rows}[{index}] has no {value}")))?;
                let amount = reader.amount(figure, rows, index, &name)?;
                out.records.push(reader.record(start, &name, amount));
            }
        }
    }
    Ok(out)
}

/// [`normalize`] for a typed answer of a generated client (`client.list_usages()...send()`).
pub fn typed<T: serde::Serialize>(
    op: &'static OperationDescriptor,
    app: &str,
    answer: &T,
    bucket: Bucket,
    variant: Option<&str>,
) -> Result<Normalized, Error> {
    let payload = rtc_usage_core::registry::json_output(op, answer)?;
    normalize(op, app, &payload, bucket, variant)
}

/// `4 s`, `4.5 s`.
fn seconds_text(amount: Millis) -> String {
    let seconds = amount.seconds();
    if seconds.fract() == 0.0 {
        format!("{} s", seconds as i64)
    } else {
        format!("{seconds} s")
    }
}

/// The name of the key list in messages (`UsageKey`).
fn keys_name(usage: &UsageSpec) -> &'static str {
    match usage.layout {
        Layout::KeyValue { keys, .. } => keys,
        _ => "key",
    }
}

/// A JSON value as short text for messages.
fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => format!("{s:?}"),
        Some(other) => rtc_usage_core::error::bounded(other.to_string(), 64),
        None => "(absent)".to_owned(),
    }
}

/// The largest figure kept: 2^53 ms (about 285,000 years), beyond which seconds are no longer
/// exact in the records' `f64`; no bucket of a real answer comes near it.
const MAX_EXACT_MILLIS: i64 = 1 << 53;

const TOO_LARGE: &str = "too large to be a usage figure (more than 2^53 ms)";

struct Reader<'a> {
    vendor: Vendor,
    op: &'static OperationDescriptor,
    usage: &'static UsageSpec,
    app: &'a str,
    bucket: Bucket,
    prefix: Option<&'a str>,
    calendar: FixedOffset,
}

impl Reader<'_> {
    fn error(&self, message: String) -> Error {
        Error::service(self.op, ErrorKind::Decode, None, message)
    }

    /// The bucket array at `path`; an absent or null member is no buckets.
    fn rows<'p>(&self, payload: &'p Value, path: &str) -> Result<&'p [Value], Error> {
        match member(payload, path) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(rows)) => Ok(rows),
            Some(_) => Err(self.error(format!("{path} is not an array"))),
        }
    }

    fn start(
        &self,
        row: &Value,
        rows: &str,
        index: usize,
        time: &str,
        epoch: Option<&str>,
    ) -> Result<DateTime<FixedOffset>, Error> {
        let value = member(row, time);
        value
            .and_then(|v| self.usage.parse_time(v))
            .or_else(|| {
                epoch
                    .and_then(|e| member(row, e))
                    .and_then(|v| v.as_i64())
                    .and_then(|s| DateTime::from_timestamp(s, 0))
                    .map(|t| t.fixed_offset())
            })
            .map(|t| t.with_timezone(&self.calendar))
            .ok_or_else(|| {
                let fallback = epoch
                    .map(|e| format!(" and there is no {e}"))
                    .unwrap_or_default();
                self.error(format!(
                    "{rows}[{index}]: {time} {} is not {}{fallback}",
                    text(value),
                    time_format_text(self.usage)
                ))
            })
            .and_then(|start| self.aligned(start, rows, index, time, value))
    }

    /// A bucket must start where the answer's buckets start: 00:00 of a day in the vendor's
    /// calendar for daily buckets, a multiple of the bucket from 00:00 for finer ones. A day
    /// stamped 08:00 beside one stamped 00:00, or 5-minute buckets in a daily answer, would
    /// otherwise become several records for one day.
    fn aligned(
        &self,
        start: DateTime<FixedOffset>,
        rows: &str,
        index: usize,
        time: &str,
        value: Option<&Value>,
    ) -> Result<DateTime<FixedOffset>, Error> {
        let since_midnight = i64::from(start.time().num_seconds_from_midnight());
        let step = match self.bucket {
            // No vendor answers in months; a month asked of a day's answer checks days.
            Bucket::Day | Bucket::Month => 86_400,
            Bucket::Minutes(m) => i64::from(m.max(1)) * 60,
        };
        if since_midnight % step == 0 {
            return Ok(start);
        }
        Err(self.error(format!(
            "{rows}[{index}]: {time} {} does not start a {} bucket of the answer (buckets start at 00:00 UTC{} and every {} minutes after); refusing to count it",
            text(value),
            self.bucket,
            self.calendar,
            step / 60
        )))
    }

    /// A figure in the spec's unit, as milliseconds.
    fn amount(&self, value: &Value, rows: &str, index: usize, what: &str) -> Result<Millis, Error> {
        let per = self.usage.unit.millis();
        let not_a_number = || {
            self.error(format!(
                "{rows}[{index}]: the value of {what} is not a number"
            ))
        };
        let Value::Number(n) = value else {
            return Err(not_a_number());
        };
        let refused = |why: &str| {
            self.error(format!(
                "{rows}[{index}]: the value of {what} is {}, {why}",
                text(Some(value))
            ))
        };
        if let Some(whole) = n.as_i64() {
            if whole < 0 {
                return Err(refused("a negative figure: usage cannot be negative"));
            }
            return whole
                .checked_mul(per)
                .filter(|ms| *ms <= MAX_EXACT_MILLIS)
                .map(Millis)
                .ok_or_else(|| refused(TOO_LARGE));
        }
        let float = n
            .as_f64()
            .filter(|f| f.is_finite())
            .ok_or_else(not_a_number)?;
        if float < 0.0 {
            return Err(refused("a negative figure: usage cannot be negative"));
        }
        if float * per as f64 > MAX_EXACT_MILLIS as f64 {
            return Err(refused(TOO_LARGE));
        }
        Ok(Millis::from_units(float, per))
    }

    fn record(
        &self,
        start: DateTime<FixedOffset>,
        vendor_tier: &str,
        amount: Millis,
    ) -> UsageRecord {
        let name = match self.prefix {
            Some(prefix) => format!("{prefix}/{vendor_tier}"),
            None => vendor_tier.to_owned(),
        };
        UsageRecord::new(
            self.vendor,
            self.app,
            start,
            self.bucket,
            self.usage.tier(vendor_tier),
            name,
            amount.seconds(),
        )
    }
}

fn time_format_text(usage: &UsageSpec) -> &'static str {
    use rtc_usage_core::usage::TimeFormat;
    match usage.time {
        TimeFormat::Rfc3339 => "an RFC 3339 time",
        TimeFormat::Date => "`YYYY-MM-DD`",
        TimeFormat::LocalDateTime => "`YYYY-MM-DD HH:MM:SS`",
        TimeFormat::EpochSeconds => "Unix seconds",
        _ => "a time",
    }
}
