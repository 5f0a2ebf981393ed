//! The SQL both backends run, with PostgreSQL's `$n` placeholders (SQLite gets `?n`, the same
//! numbered parameters), the values bound to it, and the reading of the rows it returns.
//!
//! Backends only move [`Value`]s in and [`Cell`]s out; every statement, filter and decoding
//! is here, once.

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};

use crate::error::StoreError;
use crate::key::{DayState, Filter, Scope};

/// A parameter. Nullable columns have typed variants, since PostgreSQL checks a `NULL`'s
/// type against its column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(String),
    Int(i64),
    Real(f64),
    OptText(Option<String>),
    OptReal(Option<f64>),
}

/// A column of a row read back.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    /// A blob of this many bytes: never written by this crate.
    Blob(usize),
}

pub(crate) type Row = Vec<Cell>;

/// A write of a transaction: one statement and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Statement {
    pub sql: &'static str,
    pub params: Vec<Value>,
}

/// A read: SQL text (built for its filter) and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    pub sql: String,
    pub params: Vec<Value>,
}

const SCOPE_MATCH: &str =
    "vendor = $1 AND account = $2 AND app = $3 AND category = $4 AND granularity = $5";

/// The columns of a key, in the order of the statements' first seven parameters.
pub(crate) fn key_params(scope: &Scope, start_epoch: i64, vendor_tier: &str) -> Vec<Value> {
    let mut params = scope_params(scope);
    params.push(Value::Int(start_epoch));
    params.push(Value::Text(vendor_tier.to_owned()));
    params
}

pub(crate) fn scope_params(scope: &Scope) -> Vec<Value> {
    [
        &scope.vendor,
        &scope.account,
        &scope.app,
        &scope.category,
        &scope.granularity,
    ]
    .into_iter()
    .map(|s| Value::Text(s.clone()))
    .collect()
}

pub(crate) const INSERT_RECORD: &str = "INSERT INTO usage_records (vendor, account, app, category, granularity, start_epoch, vendor_tier, start_text, day, tier, seconds, fetched_at, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

pub(crate) const UPDATE_RECORD: &str = "UPDATE usage_records SET start_text = $8, day = $9, tier = $10, seconds = $11, fetched_at = $12, request_id = $13 WHERE vendor = $1 AND account = $2 AND app = $3 AND category = $4 AND granularity = $5 AND start_epoch = $6 AND vendor_tier = $7";

pub(crate) const DELETE_RECORD: &str = "DELETE FROM usage_records WHERE vendor = $1 AND account = $2 AND app = $3 AND category = $4 AND granularity = $5 AND start_epoch = $6 AND vendor_tier = $7";

pub(crate) const INSERT_REVISION: &str = "INSERT INTO revisions (seq, vendor, account, app, category, granularity, start_epoch, vendor_tier, start_text, day, tier, old_seconds, new_seconds, old_fetched_at, revised_at, request_id, was_final) VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM revisions), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";

pub(crate) const MARK_DAY: &str = "INSERT INTO coverage (vendor, account, app, category, granularity, day, state, marked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (vendor, account, app, category, granularity, day) DO UPDATE SET state = excluded.state, marked_at = excluded.marked_at";

/// The records a window's days hold now: columns start_epoch, vendor_tier, start_text, day,
/// tier, seconds, fetched_at, request_id.
pub(crate) fn window_records(scope: &Scope, from: NaiveDate, to: NaiveDate) -> Query {
    scoped(
        "SELECT start_epoch, vendor_tier, start_text, day, tier, seconds, fetched_at, request_id FROM usage_records",
        scope,
        from,
        to,
    )
}

/// The held days of a scope in `from..=to`: columns day, state.
pub(crate) fn held_days(scope: &Scope, from: NaiveDate, to: NaiveDate) -> Query {
    scoped("SELECT day, state FROM coverage", scope, from, to)
}

fn scoped(select: &str, scope: &Scope, from: NaiveDate, to: NaiveDate) -> Query {
    let mut params = scope_params(scope);
    params.push(Value::Text(day_text(from)));
    params.push(Value::Text(day_text(to)));
    Query {
        sql: format!("{select} WHERE {SCOPE_MATCH} AND day >= $6 AND day <= $7"),
        params,
    }
}

const RECORD_COLUMNS: &str = "vendor, account, app, category, granularity, start_text, day, tier, vendor_tier, seconds, fetched_at, request_id";
const REVISION_COLUMNS: &str = "vendor, account, app, category, granularity, start_text, day, tier, vendor_tier, old_seconds, new_seconds, old_fetched_at, revised_at, request_id, was_final";

/// Records matching `filter`, by scope, then bucket start (UTC), then vendor tier.
pub(crate) fn records(filter: &Filter) -> Query {
    filtered(
        &format!("SELECT {RECORD_COLUMNS} FROM usage_records"),
        filter,
        "vendor, account, app, category, granularity, start_epoch, vendor_tier",
    )
}

/// Revisions matching `filter` (by the revised record's day), in the order they were made.
pub(crate) fn revisions(filter: &Filter) -> Query {
    filtered(
        &format!("SELECT {REVISION_COLUMNS} FROM revisions"),
        filter,
        "seq",
    )
}

/// The scopes with a held day matching `filter`.
pub(crate) fn scopes(filter: &Filter) -> Query {
    filtered(
        "SELECT DISTINCT vendor, account, app, category, granularity FROM coverage",
        filter,
        "vendor, account, app, category, granularity",
    )
}

/// `select` restricted to `filter` (every table has the scope columns and `day`).
fn filtered(select: &str, filter: &Filter, order: &str) -> Query {
    let mut params = Vec::new();
    let mut clauses = Vec::new();
    for (column, values) in [
        ("vendor", &filter.vendors),
        ("account", &filter.accounts),
        ("app", &filter.apps),
        ("category", &filter.categories),
        ("granularity", &filter.granularities),
    ] {
        if values.is_empty() {
            continue;
        }
        let placeholders: Vec<String> = values
            .iter()
            .map(|v| {
                params.push(Value::Text(v.clone()));
                format!("${}", params.len())
            })
            .collect();
        clauses.push(format!("{column} IN ({})", placeholders.join(", ")));
    }
    for (op, day) in [(">=", filter.from), ("<=", filter.to)] {
        if let Some(day) = day {
            params.push(Value::Text(day_text(day)));
            clauses.push(format!("day {op} ${}", params.len()));
        }
    }
    let condition = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    Query {
        sql: format!("{select}{condition} ORDER BY {order}"),
        params,
    }
}

/// `YYYY-MM-DD`: sorts like the dates.
pub(crate) fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// RFC 3339 with the offset written out (`+00:00`, never `Z`), as the facade writes starts.
pub(crate) fn start_text(start: &DateTime<FixedOffset>) -> String {
    start.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

/// Fixed-width UTC RFC 3339 (nanoseconds, `Z`): lossless, and sorts like the instants.
pub(crate) fn instant_text(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// Typed reads of one row; a cell of the wrong type or text that does not parse is
/// [`StoreError::Corrupt`], never a panic.
pub(crate) struct Reader<'a> {
    pub row: &'a [Cell],
    pub location: &'a str,
}

impl Reader<'_> {
    fn corrupt(&self, index: usize, expected: &str) -> StoreError {
        let found = match self.row.get(index) {
            None => "no such column".to_owned(),
            Some(Cell::Null) => "NULL".to_owned(),
            Some(Cell::Int(i)) => format!("the integer {i}"),
            Some(Cell::Real(r)) => format!("the number {r}"),
            Some(Cell::Text(t)) => format!("the text {t:?}"),
            Some(Cell::Blob(n)) => format!("a blob of {n} bytes"),
        };
        StoreError::Corrupt {
            location: self.location.to_owned(),
            what: format!("column {index} should be {expected}, found {found}"),
        }
    }

    pub fn opt_text(&self, index: usize) -> Result<Option<&str>, StoreError> {
        match self.row.get(index) {
            Some(Cell::Text(t)) => Ok(Some(t)),
            Some(Cell::Null) => Ok(None),
            _ => Err(self.corrupt(index, "text")),
        }
    }

    pub fn text(&self, index: usize) -> Result<&str, StoreError> {
        self.opt_text(index)?
            .ok_or_else(|| self.corrupt(index, "text"))
    }

    pub fn opt_int(&self, index: usize) -> Result<Option<i64>, StoreError> {
        match self.row.get(index) {
            Some(Cell::Int(i)) => Ok(Some(*i)),
            Some(Cell::Null) => Ok(None),
            _ => Err(self.corrupt(index, "an integer")),
        }
    }

    pub fn int(&self, index: usize) -> Result<i64, StoreError> {
        self.opt_int(index)?
            .ok_or_else(|| self.corrupt(index, "an integer"))
    }

    pub fn opt_real(&self, index: usize) -> Result<Option<f64>, StoreError> {
        match self.row.get(index) {
            Some(Cell::Real(r)) => Ok(Some(*r)),
            Some(Cell::Int(i)) => Ok(Some(*i as f64)),
            Some(Cell::Null) => Ok(None),
            _ => Err(self.corrupt(index, "a number")),
        }
    }

    pub fn real(&self, index: usize) -> Result<f64, StoreError> {
        self.opt_real(index)?
            .ok_or_else(|| self.corrupt(index, "a number"))
    }

    pub fn day(&self, index: usize) -> Result<NaiveDate, StoreError> {
        NaiveDate::parse_from_str(self.text(index)?, "%Y-%m-%d")
            .map_err(|_| self.corrupt(index, "a YYYY-MM-DD date"))
    }

    pub fn start(&self, index: usize) -> Result<DateTime<FixedOffset>, StoreError> {
        DateTime::parse_from_rfc3339(self.text(index)?)
            .map_err(|_| self.corrupt(index, "an RFC 3339 time"))
    }

    pub fn instant(&self, index: usize) -> Result<DateTime<Utc>, StoreError> {
        Ok(self.start(index)?.with_timezone(&Utc))
    }

    pub fn state(&self, index: usize) -> Result<DayState, StoreError> {
        DayState::parse(self.text(index)?)
            .ok_or_else(|| self.corrupt(index, "provisional or final"))
    }

    /// The scope of a row whose first five columns are the scope's.
    pub fn scope(&self) -> Result<Scope, StoreError> {
        Ok(Scope::new(
            self.text(0)?,
            self.text(1)?,
            self.text(2)?,
            self.text(3)?,
            self.text(4)?,
        ))
    }
}
