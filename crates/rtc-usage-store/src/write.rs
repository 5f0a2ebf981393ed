//! How a window becomes writes: compared with what its days hold now (read inside the same
//! locked transaction), it yields only the statements that change something, so a window
//! written twice changes nothing the second time.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::error::StoreError;
use crate::key::{DayState, NewRecord, Window, WriteReport};
use crate::sql::{self, Query, Reader, Row, Statement, Value};

/// The reads whose rows [`plan`] compares the window with: its days' records, then their
/// coverage.
pub(crate) fn reads(window: &Window) -> [Query; 2] {
    let (from, to) = span(window);
    [
        sql::window_records(&window.scope, from, to),
        sql::held_days(&window.scope, from, to),
    ]
}

fn span(window: &Window) -> (NaiveDate, NaiveDate) {
    let first = window.days.keys().next().copied();
    let last = window.days.keys().next_back().copied();
    // A checked window covers at least one day.
    let first = first.unwrap_or(NaiveDate::MIN);
    (first, last.unwrap_or(first))
}

/// A stored figure, as [`sql::window_records`] reads it.
struct Held {
    start_text: String,
    day: NaiveDate,
    tier: String,
    seconds: f64,
    fetched_at: String,
    request_id: Option<String>,
}

/// The statements that make the store hold `window`, and what they change. `rows` are the
/// answers to [`reads`].
pub(crate) fn plan(
    window: &Window,
    rows: &[Vec<Row>],
    location: &str,
) -> Result<(Vec<Statement>, WriteReport), StoreError> {
    let [records, coverage] = rows else {
        return Err(StoreError::Database {
            location: location.to_owned(),
            message: format!(
                "expected 2 answers to the window's reads, got {}",
                rows.len()
            ),
        });
    };
    let mut held = BTreeMap::new();
    for row in records {
        let r = Reader { row, location };
        let day = r.day(3)?;
        if !window.days.contains_key(&day) {
            continue; // between two of the window's days, but not one of them
        }
        held.insert(
            (r.int(0)?, r.text(1)?.to_owned()),
            Held {
                start_text: r.text(2)?.to_owned(),
                day,
                tier: r.text(4)?.to_owned(),
                seconds: r.real(5)?,
                fetched_at: r.text(6)?.to_owned(),
                request_id: r.opt_text(7)?.map(str::to_owned),
            },
        );
    }
    let mut states = BTreeMap::new();
    for row in coverage {
        let r = Reader { row, location };
        states.insert(r.day(0)?, r.state(1)?);
    }

    let fetched_at = sql::instant_text(&window.fetched_at);
    let mut writes = Vec::new();
    let mut report = WriteReport::default();
    for record in &window.records {
        let key = (record.start.timestamp(), record.vendor_tier.clone());
        let start_text = sql::start_text(&record.start);
        match held.remove(&key) {
            None => {
                writes.push(record_write(
                    sql::INSERT_RECORD,
                    window,
                    record,
                    &fetched_at,
                    None,
                ));
                report.inserted += 1;
            }
            Some(old) if old.seconds == record.seconds => {
                if old.tier == record.tier && old.start_text == start_text {
                    report.unchanged += 1;
                } else {
                    // Same figure under a new common tier name: no revision, the source
                    // (when fetched, request id) stays the figure's first.
                    let source = Some((old.fetched_at.as_str(), old.request_id.clone()));
                    writes.push(record_write(
                        sql::UPDATE_RECORD,
                        window,
                        record,
                        &fetched_at,
                        source,
                    ));
                    report.updated += 1;
                }
            }
            Some(old) => {
                writes.push(revision(window, &key, &old, Some(record), &states));
                writes.push(record_write(
                    sql::UPDATE_RECORD,
                    window,
                    record,
                    &fetched_at,
                    None,
                ));
                report.updated += 1;
            }
        }
    }
    for (key, old) in &held {
        writes.push(revision(window, key, old, None, &states));
        writes.push(Statement {
            sql: sql::DELETE_RECORD,
            params: sql::key_params(&window.scope, key.0, &key.1),
        });
        report.removed += 1;
    }
    for (day, state) in &window.days {
        if states.get(day) != Some(state) {
            let mut params = sql::scope_params(&window.scope);
            params.extend([
                Value::Text(sql::day_text(*day)),
                Value::Text(state.as_str().to_owned()),
                Value::Text(fetched_at.clone()),
            ]);
            writes.push(Statement {
                sql: sql::MARK_DAY,
                params,
            });
            report.days_marked += 1;
        }
    }
    Ok((writes, report))
}

/// [`sql::INSERT_RECORD`] or [`sql::UPDATE_RECORD`] (the same parameters) for `record`,
/// fetched now, or keeping `source` (the stored figure's when-fetched and request id).
fn record_write(
    sql: &'static str,
    window: &Window,
    record: &NewRecord,
    fetched_at: &str,
    source: Option<(&str, Option<String>)>,
) -> Statement {
    let (fetched_at, request_id) = source.unwrap_or((fetched_at, record.request_id.clone()));
    let mut params = sql::key_params(&window.scope, record.start.timestamp(), &record.vendor_tier);
    params.extend([
        Value::Text(sql::start_text(&record.start)),
        Value::Text(sql::day_text(record.day())),
        Value::Text(record.tier.clone()),
        Value::Real(record.seconds),
        Value::Text(fetched_at.to_owned()),
        Value::OptText(request_id),
    ]);
    Statement { sql, params }
}

/// The revision of `old` to `new` (`None`: removed).
fn revision(
    window: &Window,
    key: &(i64, String),
    old: &Held,
    new: Option<&NewRecord>,
    states: &BTreeMap<NaiveDate, DayState>,
) -> Statement {
    let mut params = sql::key_params(&window.scope, key.0, &key.1);
    let (start_text, tier) = match new {
        Some(r) => (sql::start_text(&r.start), r.tier.clone()),
        None => (old.start_text.clone(), old.tier.clone()),
    };
    params.extend([
        Value::Text(start_text),
        Value::Text(sql::day_text(old.day)),
        Value::Text(tier),
        Value::Real(old.seconds),
        Value::OptReal(new.map(|r| r.seconds)),
        Value::Text(old.fetched_at.clone()),
        Value::Text(sql::instant_text(&window.fetched_at)),
        Value::OptText(new.and_then(|r| r.request_id.clone())),
        Value::Int(i64::from(states.get(&old.day) == Some(&DayState::Final))),
    ]);
    Statement {
        sql: sql::INSERT_REVISION,
        params,
    }
}
