//! A usage answer, written from the operation's `usage:` block alone: the buckets (a day
//! each, or the spec's fine buckets when the range is short enough), each bucket's figures
//! summed over the apps asked about, laid out as the spec's layout says (named fields per
//! tier, parallel keys and values, or a row per tier), its time as the spec writes it, its
//! figures in the spec's unit. The envelope around it is the envelope module's.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rtc_usage_core::usage::{Layout, set_member};
use serde_json::{Map, Value};

use crate::data::Measure;
use crate::limits::day_offset;
use crate::problem::Problem;

/// The payload of a usage answer of `measure` for `apps` over the billing `days`: the
/// final figures, or with `now` those of a day still provisional then ([`crate::truth_at`]).
pub(crate) fn usage(
    measure: &Measure,
    apps: &[&str],
    days: &[NaiveDate],
    now: Option<DateTime<Utc>>,
) -> Result<Value, Problem> {
    let rows = if measure.answers_fine(days.len()) {
        fine_rows(measure, apps, days, now)
    } else {
        daily_rows(measure, apps, days, now)
    };
    let spec = measure.spec;
    let keys = measure.keys();
    let offset = day_offset(measure.op);
    let mut payload = Value::Object(Map::new());
    let mut out = Vec::with_capacity(rows.len());
    for (start, values) in rows {
        let instant = start
            .and_local_timezone(offset)
            .single()
            .ok_or_else(|| Problem::Internal(format!("no instant for {start}")))?;
        let time = spec.format_time(instant);
        match spec.layout {
            Layout::Fields {
                time: at, total, ..
            } => {
                let mut row = Value::Object(Map::new());
                set_member(&mut row, at, time);
                for (key, seconds) in keys.iter().zip(&values) {
                    set_member(&mut row, key, measure.figure(*seconds));
                }
                if let Some(total) = total {
                    set_member(&mut row, total, measure.figure(values.iter().sum()));
                }
                out.push(row);
            }
            Layout::KeyValue {
                time: at,
                time_epoch,
                values: at_values,
                ..
            } => {
                let mut row = Value::Object(Map::new());
                set_member(&mut row, at, time);
                if let Some(epoch) = time_epoch.filter(|_| instant.timestamp() >= 0) {
                    set_member(&mut row, epoch, Value::from(instant.timestamp()));
                }
                let figures = values.iter().map(|s| measure.figure(*s)).collect();
                set_member(&mut row, at_values, Value::Array(figures));
                out.push(row);
            }
            Layout::Rows {
                time: at,
                tier,
                value,
                ..
            } => {
                for (key, seconds) in keys.iter().zip(&values) {
                    let mut row = Value::Object(Map::new());
                    set_member(&mut row, at, time.clone());
                    set_member(&mut row, tier, Value::String((*key).to_owned()));
                    set_member(&mut row, value, measure.figure(*seconds));
                    out.push(row);
                }
            }
        }
    }
    let rows_at = match spec.layout {
        Layout::Fields { rows, .. } | Layout::KeyValue { rows, .. } | Layout::Rows { rows, .. } => {
            rows
        }
    };
    if let Layout::KeyValue { keys: at_keys, .. } = spec.layout {
        let names = keys
            .iter()
            .map(|k| Value::String((*k).to_owned()))
            .collect();
        set_member(&mut payload, at_keys, Value::Array(names));
    }
    set_member(&mut payload, rows_at, Value::Array(out));
    Ok(payload)
}

/// One row per day: the day's figures per key, summed over `apps`.
fn daily_rows(
    measure: &Measure,
    apps: &[&str],
    days: &[NaiveDate],
    now: Option<DateTime<Utc>>,
) -> Vec<(NaiveDateTime, Vec<u64>)> {
    days.iter()
        .map(|day| {
            let mut sums = Vec::new();
            for app in apps {
                add(&mut sums, &measure.day_at(app, *day, now));
            }
            sums.resize(measure.keys().len(), 0);
            (day.and_time(chrono::NaiveTime::MIN), sums)
        })
        .collect()
}

/// One row per fine bucket of every day, summed over `apps`.
fn fine_rows(
    measure: &Measure,
    apps: &[&str],
    days: &[NaiveDate],
    now: Option<DateTime<Utc>>,
) -> Vec<(NaiveDateTime, Vec<u64>)> {
    let mut rows: Vec<(NaiveDateTime, Vec<u64>)> = Vec::new();
    for day in days {
        let first = rows.len();
        for app in apps {
            for (i, (start, values)) in measure.buckets_at(app, *day, now).into_iter().enumerate() {
                match rows.get_mut(first + i) {
                    Some((_, sums)) => add(sums, &values),
                    None => {
                        let mut sums = Vec::new();
                        add(&mut sums, &values);
                        rows.push((start, sums));
                    }
                }
            }
        }
    }
    rows
}

/// Adds `values`' seconds to `sums`, position by position.
fn add(sums: &mut Vec<u64>, values: &[(&'static str, u64)]) {
    sums.resize(sums.len().max(values.len()), 0);
    for (sum, (_, seconds)) in sums.iter_mut().zip(values) {
        *sum += seconds;
    }
}
