//! `rtc-usage history`: what the store holds, per app (days final, provisional and missing
//! between the first and the last held), or with `--revisions` every figure that changed:
//! the old value, the new one and when, in the usual output formats.

use std::io::{self, Write};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rtc_usage_store::{Filter, Revision, Scope};
use serde::Serialize;

use crate::cli::HistoryArgs;
use crate::days;
use crate::exit::{self, ExitError};
use crate::output::table::Table;
use crate::output::{self, Destination, Row};
use crate::stored::{self, Selection};

pub async fn run(args: HistoryArgs) -> Result<(), ExitError> {
    let from = args.from.unwrap_or(rtc_usage::EARLIEST_DAY);
    let to = args.to.unwrap_or_else(days::today);
    exit::check_order(from, to)?;
    let destination = Destination::prepare(args.output.output.as_deref())?;
    let format = output::resolve_format(args.output.format, args.output.output.as_deref())?;
    let store = stored::open(args.store.store.as_deref()).await?;
    let selection = Selection::new(&args.apps, &args.accounts);
    let mut filter = Filter::new().days(from, to);
    for category in args.category.iter().flat_map(|c| &c.0) {
        filter = filter.category(category.to_string());
    }
    let scopes: Vec<_> = store
        .scopes(&filter)
        .await
        .map_err(stored::error)?
        .into_iter()
        .filter(|s| selection.selects(s))
        .collect();
    selection.warn_absent_accounts(&scopes, from, to);
    if args.revisions {
        let rows: Vec<RevisionRow> = store
            .revisions(&filter)
            .await
            .map_err(stored::error)?
            .into_iter()
            .filter(|r| selection.selects(&r.scope))
            .map(RevisionRow::from)
            .collect();
        return destination.write(format, &rows);
    }
    let mut rows = Vec::new();
    for scope in scopes {
        let coverage = store
            .coverage(&scope, from, to)
            .await
            .map_err(stored::error)?;
        let held = coverage.final_days.iter().chain(&coverage.provisional_days);
        let (Some(first), Some(last)) = (held.clone().min(), held.max()) else {
            continue;
        };
        let (first, last) = (*first, *last);
        rows.push(ScopeRow {
            missing_days: coverage
                .missing_days
                .iter()
                .filter(|d| first <= **d && **d <= last)
                .count(),
            first_day: first,
            last_day: last,
            final_days: coverage.final_days.len(),
            provisional_days: coverage.provisional_days.len(),
            scope: ScopeKey::from(scope),
        });
    }
    destination.write(format, &rows)
}

/// A scope's columns, flattened into each row.
#[derive(Debug, Serialize)]
struct ScopeKey {
    vendor: String,
    account: String,
    app: String,
    category: String,
    granularity: String,
}

impl From<Scope> for ScopeKey {
    fn from(s: Scope) -> Self {
        Self {
            vendor: s.vendor,
            account: s.account,
            app: s.app,
            category: s.category,
            granularity: s.granularity,
        }
    }
}

impl ScopeKey {
    fn cells(&self) -> [String; 5] {
        [
            self.vendor.clone(),
            self.account.clone(),
            self.app.clone(),
            self.category.clone(),
            self.granularity.clone(),
        ]
    }
}

const SCOPE_HEADERS: [&str; 5] = ["vendor", "account", "app", "category", "granularity"];

/// What the store holds of one scope.
#[derive(Debug, Serialize)]
struct ScopeRow {
    #[serde(flatten)]
    scope: ScopeKey,
    first_day: NaiveDate,
    last_day: NaiveDate,
    final_days: usize,
    provisional_days: usize,
    /// Days between the first and the last held that the store lacks.
    missing_days: usize,
}

impl Row for ScopeRow {
    const HEADERS: &'static [&'static str] = &[
        SCOPE_HEADERS[0],
        SCOPE_HEADERS[1],
        SCOPE_HEADERS[2],
        SCOPE_HEADERS[3],
        SCOPE_HEADERS[4],
        "first_day",
        "last_day",
        "final_days",
        "provisional_days",
        "missing_days",
    ];

    fn cells(&self) -> Vec<String> {
        let mut cells = self.scope.cells().to_vec();
        cells.extend([
            self.first_day.to_string(),
            self.last_day.to_string(),
            self.final_days.to_string(),
            self.provisional_days.to_string(),
            self.missing_days.to_string(),
        ]);
        cells
    }

    fn table(rows: &[Self], out: &mut dyn Write) -> io::Result<()> {
        if rows.is_empty() {
            return writeln!(out, "The store holds no days of these apps.");
        }
        write_table(rows, &[5, 6, 7, 8, 9], out)
    }
}

/// One revision of a stored figure.
#[derive(Debug, Serialize)]
struct RevisionRow {
    #[serde(flatten)]
    scope: ScopeKey,
    start: String,
    day: NaiveDate,
    tier: String,
    vendor_tier: String,
    old_seconds: f64,
    /// `None`: the record was removed.
    new_seconds: Option<f64>,
    old_fetched_at: String,
    revised_at: String,
    was_final: bool,
    request_id: Option<String>,
}

fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl From<Revision> for RevisionRow {
    fn from(r: Revision) -> Self {
        Self {
            scope: ScopeKey::from(r.scope),
            start: r.start.to_rfc3339(),
            day: r.day,
            tier: r.tier,
            vendor_tier: r.vendor_tier,
            old_seconds: r.old_seconds,
            new_seconds: r.new_seconds,
            old_fetched_at: instant(r.old_fetched_at),
            revised_at: instant(r.revised_at),
            was_final: r.was_final,
            request_id: r.request_id,
        }
    }
}

impl Row for RevisionRow {
    const HEADERS: &'static [&'static str] = &[
        SCOPE_HEADERS[0],
        SCOPE_HEADERS[1],
        SCOPE_HEADERS[2],
        SCOPE_HEADERS[3],
        SCOPE_HEADERS[4],
        "start",
        "day",
        "tier",
        "vendor_tier",
        "old_seconds",
        "new_seconds",
        "old_fetched_at",
        "revised_at",
        "was_final",
        "request_id",
    ];

    fn cells(&self) -> Vec<String> {
        let mut cells = self.scope.cells().to_vec();
        cells.extend([
            self.start.clone(),
            self.day.to_string(),
            self.tier.clone(),
            self.vendor_tier.clone(),
            self.old_seconds.to_string(),
            self.new_seconds.map(|s| s.to_string()).unwrap_or_default(),
            self.old_fetched_at.clone(),
            self.revised_at.clone(),
            self.was_final.to_string(),
            self.request_id.clone().unwrap_or_default(),
        ]);
        cells
    }

    fn table(rows: &[Self], out: &mut dyn Write) -> io::Result<()> {
        if rows.is_empty() {
            return writeln!(out, "No figure of these apps has changed.");
        }
        write_table(rows, &[9, 10], out)
    }
}

/// Every column of `rows` (the CSV cells), `numeric` ones right-aligned.
fn write_table<T: Row>(rows: &[T], numeric: &[usize], out: &mut dyn Write) -> io::Result<()> {
    let columns: Vec<(&'static str, bool)> = T::HEADERS
        .iter()
        .enumerate()
        .map(|(i, h)| (*h, numeric.contains(&i)))
        .collect();
    let mut table = Table::new(&columns);
    for row in rows {
        table.push(row.cells());
    }
    table.write(out)
}
