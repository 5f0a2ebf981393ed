//! Splitting a range of billing days into the windows one call may cover.

use chrono::{Days, NaiveDate};
use rtc_usage_core::descriptor::{FineGranularity, SpanCounting, SpanLimit};

/// An inclusive range of billing days, in the vendor's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DayWindow {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl DayWindow {
    pub fn new(first: NaiveDate, last: NaiveDate) -> Self {
        Self { first, last }
    }

    /// Days covered, both ends included.
    pub fn days(&self) -> u32 {
        u32::try_from((self.last - self.first).num_days() + 1).unwrap_or(0)
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.first <= day && day <= self.last
    }
}

impl std::fmt::Display for DayWindow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..={}", self.first, self.last)
    }
}

/// How many whole billing days one call may cover under `span`, given how the facade asks:
/// date ranges send the last day itself (or the day after, when the spec reads the end as
/// exclusive); instant ranges send the first day's 00:00 to the last day's 23:59:59.
pub fn max_days_per_call(span: Option<&SpanLimit>) -> Option<u32> {
    span.map(|s| match s.counting {
        SpanCounting::InclusiveDays if !s.end_inclusive => s.max_days.saturating_sub(1).max(1),
        // n days as 00:00 of the first to 23:59:59 of the last elapse (n-1) days + 86399 s.
        SpanCounting::InclusiveDays | SpanCounting::Elapsed => s.max_days.max(1),
    })
}

/// Splits `range` into contiguous windows of at most `max_days` days: no gap, no overlap.
///
/// When the vendor answers short ranges in finer buckets (Tencent: 5-minute buckets for one
/// day) and the whole range is longer than that, the last window borrows days from the one
/// before it, so every window of a long range gets the same, daily, buckets.
pub fn split(
    range: DayWindow,
    max_days: Option<u32>,
    fine: Option<FineGranularity>,
) -> Vec<DayWindow> {
    let total = range.days();
    let max = max_days.unwrap_or(total).max(1);
    let mut windows = Vec::with_capacity(total.div_ceil(max) as usize);
    let mut first = range.first;
    while first <= range.last {
        let last = add_days(first, max - 1).min(range.last);
        windows.push(DayWindow::new(first, last));
        match last.succ_opt() {
            Some(next) => first = next,
            None => break,
        }
    }
    if let (Some(fine), [.., before, tail]) = (fine, windows.as_mut_slice()) {
        let wanted = fine.max_days + 1;
        if total > fine.max_days && tail.days() < wanted && before.days() > wanted {
            let moved = wanted - tail.days();
            before.last = sub_days(before.last, moved);
            tail.first = sub_days(tail.first, moved);
        }
    }
    windows
}

fn add_days(day: NaiveDate, n: u32) -> NaiveDate {
    day.checked_add_days(Days::new(n.into()))
        .unwrap_or(NaiveDate::MAX)
}

fn sub_days(day: NaiveDate, n: u32) -> NaiveDate {
    day.checked_sub_days(Days::new(n.into()))
        .unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn assert_partition(range: DayWindow, windows: &[DayWindow], max: u32) {
        assert_eq!(windows.first().unwrap().first, range.first);
        assert_eq!(windows.last().unwrap().last, range.last);
        for pair in windows.windows(2) {
            assert_eq!(pair[0].last.succ_opt().unwrap(), pair[1].first, "{pair:?}");
        }
        assert!(windows.iter().all(|w| w.days() >= 1 && w.days() <= max));
        assert_eq!(
            windows.iter().map(DayWindow::days).sum::<u32>(),
            range.days()
        );
    }

    #[test]
    fn ninety_five_days_split_at_each_limit() {
        let range = DayWindow::new(d("2026-01-01"), d("2026-04-05"));
        assert_eq!(range.days(), 95);
        for max in [30, 31, 7, 1, 95, 200] {
            let windows = split(range, Some(max), None);
            assert_partition(range, &windows, max);
            assert_eq!(windows.len() as u32, 95u32.div_ceil(max));
        }
        let thirty = split(range, Some(30), None);
        assert_eq!(
            thirty.iter().map(DayWindow::days).collect::<Vec<_>>(),
            [30, 30, 30, 5]
        );
    }

    #[test]
    fn a_single_day_tail_borrows_from_the_window_before() {
        let fine = FineGranularity {
            bucket: Duration::from_secs(300),
            max_days: 1,
        };
        let range = DayWindow::new(d("2026-01-01"), d("2026-03-04"));
        assert_eq!(range.days(), 63);
        let windows = split(range, Some(31), Some(fine));
        assert_partition(range, &windows, 31);
        assert_eq!(
            windows.iter().map(DayWindow::days).collect::<Vec<_>>(),
            [31, 30, 2]
        );
        // One day asked is one day sent: the vendor's fine buckets are what the caller wants.
        let one = DayWindow::new(d("2026-01-01"), d("2026-01-01"));
        assert_eq!(split(one, Some(31), Some(fine)), [one]);
    }

    #[test]
    fn exclusive_date_ends_leave_room_for_the_day_after() {
        let span = |counting, end_inclusive| SpanLimit {
            start_param: "s",
            end_param: "e",
            max_days: 31,
            counting,
            end_inclusive,
            enforcement: rtc_usage_core::descriptor::Enforcement::Enforced,
        };
        assert_eq!(
            max_days_per_call(Some(&span(SpanCounting::InclusiveDays, true))),
            Some(31)
        );
        assert_eq!(
            max_days_per_call(Some(&span(SpanCounting::InclusiveDays, false))),
            Some(30)
        );
        assert_eq!(
            max_days_per_call(Some(&span(SpanCounting::Elapsed, true))),
            Some(31)
        );
        assert_eq!(max_days_per_call(None), None);
    }

    #[test]
    fn ranges_at_the_ends_of_the_calendar_do_not_panic() {
        let range = DayWindow::new(NaiveDate::MAX.pred_opt().unwrap(), NaiveDate::MAX);
        assert_eq!(split(range, Some(1), None).len(), 2);
    }
}
