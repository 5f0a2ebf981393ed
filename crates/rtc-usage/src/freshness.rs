//! Whether a billing day's figures are still provisional: a vendor keeps revising a day for
//! a while after it ends (the spec's `data_delay_hours`: Volcengine 8 h), and one that
//! documents no delay still counts the current day as it happens (Tencent's "today may be
//! inaccurate"), so a day is final once its end in the operation's own calendar
//! (`day_offset`) plus the data delay has passed.
//!
//! ```
//! use chrono::{NaiveDate, TimeZone, Utc};
//! use rtc_usage::freshness::{DayFreshness, Freshness};
//!
//! let volcengine = rtc_usage::Vendor::get("volcengine").unwrap();
//! let (op, _) = volcengine.call_operation().unwrap();
//! let freshness = Freshness::of(op); // Beijing days, final 8 h after they end
//! let day = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
//! // 1 November ends at 16:00 UTC (midnight in Beijing); final 8 h later.
//! let settled = Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap();
//! assert_eq!(freshness.final_at(day), settled);
//! let before = Utc.with_ymd_and_hms(2026, 11, 1, 23, 59, 59).unwrap();
//! assert_eq!(freshness.of_day(day, before), DayFreshness::Provisional);
//! assert_eq!(freshness.of_day(day, settled), DayFreshness::Final);
//! ```

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Offset, Utc};
use rtc_usage_core::OperationDescriptor;

use crate::fetch::PlannedCall;
use crate::record::UsageRecord;
use crate::source::day_start;
use crate::vendor::Vendor;
use crate::window::DayWindow;

/// Whether a day's figures can still change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DayFreshness {
    /// The day has not ended, or the vendor's data delay after its end has not passed.
    Provisional,
    /// Settled: the vendor documents no further change.
    Final,
}

/// When the days of one operation become final: its calendar and its data delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    offset: FixedOffset,
    delay: Duration,
}

impl Freshness {
    /// The days of `op`: its `day_offset` and `data_delay` (none: final when the day ends).
    pub fn of(op: &OperationDescriptor) -> Self {
        let utc = FixedOffset::east_opt(0).unwrap_or_else(|| Utc.fix());
        Self {
            offset: FixedOffset::east_opt(op.limits.day_offset_seconds).unwrap_or(utc),
            delay: op
                .limits
                .data_delay
                .and_then(|d| Duration::from_std(d).ok())
                .unwrap_or(Duration::zero()),
        }
    }

    /// The operation a planned call asks.
    pub fn of_call(call: &PlannedCall) -> Option<Self> {
        operation(call.app.vendor(), call.operation).map(Self::of)
    }

    /// The operation the facade asks for the record's vendor and category (the first usage
    /// operation of that category: the one a query plans).
    pub fn of_record(record: &UsageRecord) -> Option<Self> {
        record
            .vendor
            .usage_operations()
            .find(|(_, usage)| usage.calls().iter().any(|(_, c)| *c == record.category))
            .map(|(op, _)| Self::of(op))
    }

    /// The instant `day` becomes final: its end in the operation's calendar plus the delay.
    pub fn final_at(&self, day: NaiveDate) -> DateTime<Utc> {
        let end = day.succ_opt().map_or(DateTime::<Utc>::MAX_UTC, |next| {
            day_start(next, self.offset).with_timezone(&Utc)
        });
        end.checked_add_signed(self.delay)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// The documented data delay after a day's end; zero when the spec documents none.
    pub fn delay(&self) -> std::time::Duration {
        self.delay.to_std().unwrap_or_default()
    }

    /// The instant `day` begins, in the operation's calendar.
    pub fn starts_at(&self, day: NaiveDate) -> DateTime<Utc> {
        day_start(day, self.offset).with_timezone(&Utc)
    }

    /// Whether `day` is final at `now`.
    pub fn of_day(&self, day: NaiveDate, now: DateTime<Utc>) -> DayFreshness {
        if now >= self.final_at(day) {
            DayFreshness::Final
        } else {
            DayFreshness::Provisional
        }
    }

    /// The days of `days` still provisional at `now`, in order: the last few (finality is
    /// monotonic in the day), often none.
    pub fn provisional_days(&self, days: DayWindow, now: DateTime<Utc>) -> Vec<NaiveDate> {
        days.first
            .iter_days()
            .take(days.days() as usize)
            .filter(|day| self.of_day(*day, now) == DayFreshness::Provisional)
            .collect()
    }
}

impl UsageRecord {
    /// Whether the record's day (in its vendor's calendar) is final at `now`; a record of an
    /// operation this build does not know is provisional.
    pub fn freshness(&self, now: DateTime<Utc>) -> DayFreshness {
        match Freshness::of_record(self) {
            Some(f) => f.of_day(f.day_of(self.start), now),
            None => DayFreshness::Provisional,
        }
    }
}

impl Freshness {
    /// The billing day of an instant, in the operation's calendar.
    pub fn day_of(&self, instant: DateTime<FixedOffset>) -> NaiveDate {
        instant.with_timezone(&self.offset).date_naive()
    }
}

/// The usage operation of `vendor` named `name`.
fn operation(vendor: Vendor, name: &str) -> Option<&'static OperationDescriptor> {
    vendor
        .usage_operations()
        .map(|(op, _)| op)
        .find(|op| op.name == name)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Every vendor's call days: final exactly at their end plus the spec's delay.
    #[test]
    fn days_turn_final_at_their_end_plus_the_data_delay() {
        for vendor in Vendor::all() {
            let (op, _) = vendor.call_operation().unwrap();
            let f = Freshness::of(op);
            let day = d("2026-11-01");
            let end = Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap()
                - Duration::seconds(i64::from(op.limits.day_offset_seconds));
            let delay = op.limits.data_delay.map_or(0, |d| d.as_secs() as i64);
            assert_eq!(f.final_at(day), end + Duration::seconds(delay), "{vendor}");
            let just_before = f.final_at(day) - Duration::seconds(1);
            assert_eq!(f.of_day(day, just_before), DayFreshness::Provisional);
            assert_eq!(f.of_day(day, f.final_at(day)), DayFreshness::Final);
            let week = DayWindow::new(d("2026-10-27"), day);
            assert_eq!(f.provisional_days(week, just_before), [day]);
            assert!(f.provisional_days(week, f.final_at(day)).is_empty());
        }
        let volcengine = Freshness::of(
            Vendor::get("volcengine")
                .unwrap()
                .call_operation()
                .unwrap()
                .0,
        );
        // Beijing days, 8 h: 1 November is final at 08:00 Beijing on 2 November.
        assert_eq!(
            volcengine.final_at(d("2026-11-01")),
            Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap()
        );
    }
}
