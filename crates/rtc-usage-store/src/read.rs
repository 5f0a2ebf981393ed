//! Rows of [`crate::sql`]'s reads, decoded into the public types.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::error::StoreError;
use crate::key::{Coverage, DayState, Revision, Scope, StoredRecord};
use crate::sql::{Reader, Row};

pub(crate) fn records(rows: &[Row], location: &str) -> Result<Vec<StoredRecord>, StoreError> {
    rows.iter()
        .map(|row| {
            let r = Reader { row, location };
            Ok(StoredRecord {
                scope: r.scope()?,
                start: r.start(5)?,
                day: r.day(6)?,
                tier: r.text(7)?.to_owned(),
                vendor_tier: r.text(8)?.to_owned(),
                seconds: r.real(9)?,
                fetched_at: r.instant(10)?,
                request_id: r.opt_text(11)?.map(str::to_owned),
            })
        })
        .collect()
}

pub(crate) fn revisions(rows: &[Row], location: &str) -> Result<Vec<Revision>, StoreError> {
    rows.iter()
        .map(|row| {
            let r = Reader { row, location };
            Ok(Revision {
                scope: r.scope()?,
                start: r.start(5)?,
                day: r.day(6)?,
                tier: r.text(7)?.to_owned(),
                vendor_tier: r.text(8)?.to_owned(),
                old_seconds: r.real(9)?,
                new_seconds: r.opt_real(10)?,
                old_fetched_at: r.instant(11)?,
                revised_at: r.instant(12)?,
                request_id: r.opt_text(13)?.map(str::to_owned),
                was_final: r.int(14)? != 0,
            })
        })
        .collect()
}

pub(crate) fn scopes(rows: &[Row], location: &str) -> Result<Vec<Scope>, StoreError> {
    rows.iter()
        .map(|row| Reader { row, location }.scope())
        .collect()
}

/// Each day of `from..=to` sorted into final, provisional or missing, from the rows of
/// [`crate::sql::held_days`].
pub(crate) fn coverage(
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
    rows: &[Row],
    location: &str,
) -> Result<Coverage, StoreError> {
    let mut held = BTreeMap::new();
    for row in rows {
        let r = Reader { row, location };
        held.insert(r.day(0)?, r.state(1)?);
    }
    let mut coverage = Coverage {
        scope: scope.clone(),
        final_days: Vec::new(),
        provisional_days: Vec::new(),
        missing_days: Vec::new(),
    };
    for day in from.iter_days().take_while(|d| *d <= to) {
        match held.get(&day) {
            Some(DayState::Final) => coverage.final_days.push(day),
            Some(DayState::Provisional) => coverage.provisional_days.push(day),
            None => coverage.missing_days.push(day),
        }
    }
    Ok(coverage)
}
