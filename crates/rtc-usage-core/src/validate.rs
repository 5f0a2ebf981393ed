//! The spec's locally checkable rules: start before end, maximum span, look-back.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};

use crate::descriptor::{Enforcement, OperationDescriptor, SpanCounting};
use crate::error::Error;

/// A start or end value of a queried range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimePoint {
    /// A calendar date in the operation's day calendar.
    Date(NaiveDate),
    DateTime(DateTime<FixedOffset>),
}

impl From<&NaiveDate> for TimePoint {
    fn from(d: &NaiveDate) -> Self {
        Self::Date(*d)
    }
}

impl From<&DateTime<FixedOffset>> for TimePoint {
    fn from(d: &DateTime<FixedOffset>) -> Self {
        Self::DateTime(*d)
    }
}

impl std::fmt::Display for TimePoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Date(d) => write!(f, "{d}"),
            Self::DateTime(d) => write!(f, "{}", d.to_rfc3339()),
        }
    }
}

/// The range a call asks about; either end may be absent when the spec makes it optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeRange {
    pub start: Option<TimePoint>,
    pub end: Option<TimePoint>,
}

impl TimePoint {
    /// The instant this point starts at, reading dates in the `offset` calendar.
    fn instant(self, offset: FixedOffset) -> DateTime<Utc> {
        match self {
            Self::Date(d) => d
                .and_hms_opt(0, 0, 0)
                .and_then(|t| t.and_local_timezone(offset).single())
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or(DateTime::<Utc>::MIN_UTC),
            Self::DateTime(d) => d.with_timezone(&Utc),
        }
    }
}

/// Checks `range` against the enforced limits of `op`, at `now`.
pub fn check(op: &OperationDescriptor, range: &TimeRange, now: DateTime<Utc>) -> Result<(), Error> {
    let offset = FixedOffset::east_opt(op.limits.day_offset_seconds)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"));
    let span = op.limits.span;
    if let (Some(start), Some(end)) = (range.start, range.end) {
        let (start_name, end_name) = span
            .map(|s| (s.start_param, s.end_param))
            .unwrap_or(("start", "end"));
        let (s, e) = (start.instant(offset), end.instant(offset));
        if s > e {
            return Err(Error::invalid_input(
                op,
                format!("{start_name} ({start}) is after {end_name} ({end}); swap them"),
            ));
        }
        if let Some(limit) = span.filter(|l| l.enforcement == Enforcement::Enforced) {
            let too_long = match (limit.counting, start, end) {
                (SpanCounting::InclusiveDays, TimePoint::Date(a), TimePoint::Date(b)) => {
                    (b - a).num_days() + 1 > i64::from(limit.max_days)
                }
                (SpanCounting::InclusiveDays, _, _) => {
                    e.with_timezone(&offset).date_naive() - s.with_timezone(&offset).date_naive()
                        >= Duration::days(i64::from(limit.max_days))
                }
                (SpanCounting::Elapsed, _, _) => e - s > Duration::days(i64::from(limit.max_days)),
            };
            if too_long {
                return Err(Error::invalid_input(
                    op,
                    format!(
                        "the range {start_name} {start} to {end_name} {end} is longer than the {} days {} allows per call; split it",
                        limit.max_days, op.name
                    ),
                ));
            }
        }
    }
    if let (Some(limit), Some(start)) = (op.limits.lookback, range.start) {
        if limit.enforcement == Enforcement::Enforced {
            let earliest = match start {
                TimePoint::Date(_) => {
                    let today = now.with_timezone(&offset).date_naive();
                    TimePoint::Date(today - Duration::days(i64::from(limit.max_days)))
                }
                TimePoint::DateTime(_) => TimePoint::DateTime(
                    (now - Duration::days(i64::from(limit.max_days))).with_timezone(&offset),
                ),
            };
            if start.instant(offset) < earliest.instant(offset) {
                return Err(Error::invalid_input(
                    op,
                    format!(
                        "{} ({start}) is more than {} days back; {} serves only the last {} days (earliest {earliest})",
                        limit.param, limit.max_days, op.name, limit.max_days
                    ),
                ));
            }
        }
    }
    Ok(())
}
