//! The documented limits of each operation, read from its descriptor so a spec change moves
//! the emulator too: the request rate, start before end, the span, the look-back, and which
//! billing days a range covers.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Offset, Utc};
use rtc_usage_core::OperationDescriptor;
use rtc_usage_core::descriptor::{Enforcement, Limits, RateScope};
use rtc_usage_core::validate::{self, TimePoint, TimeRange};

use crate::problem::Problem;

/// The most billing days one answer covers, whatever the limits say (Huawei's span is not
/// enforced by default); a guard against answers of millions of days.
pub(crate) const MAX_DAYS_PER_ANSWER: usize = 3_660;

/// A rate window's key: the account (its index), then the descriptor's vendor, operation
/// and version.
type WindowKey = (usize, &'static str, &'static str, &'static str);

/// Exactly `requests` requests of an operation in any window of `per / rate_scale`, counted
/// by arrival as a vendor's gateway counts them: each account and descriptor (vendor,
/// operation and version) with its own window, except that the operations of an account-scoped limit share
/// the vendor's one window. No allowance for jitter: a client must pace itself so that its
/// requests *arrive* within the limit.
#[derive(Debug)]
pub(crate) struct RateWindows {
    enabled: bool,
    scale: f64,
    admitted: Mutex<HashMap<WindowKey, VecDeque<Instant>>>,
}

impl RateWindows {
    pub fn new(enabled: bool, scale: f64) -> Self {
        Self {
            enabled,
            scale,
            admitted: Mutex::new(HashMap::new()),
        }
    }

    /// Whether one more request of `op` from the account numbered `account`, arriving now, may
    /// be served; an admitted request
    /// counts from now on, a refused one not at all (as a vendor's window counts what it
    /// served). A refusal says how long until a request would be admitted.
    pub fn admit(&self, account: usize, op: &'static OperationDescriptor) -> Result<(), Duration> {
        let Some(rate) = op.limits.rate.filter(|_| self.enabled) else {
            return Ok(());
        };
        let window = rate.per.div_f64(self.scale);
        let now = Instant::now();
        let mut admitted = self
            .admitted
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // An account-scoped limit is one window for the vendor's account.
        let key = match rate.scope {
            RateScope::Account => (account, op.vendor, "", ""),
            RateScope::Operation => (account, op.vendor, op.name, op.version),
        };
        let times = admitted.entry(key).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            times.pop_front();
        }
        if times.len() >= rate.requests.max(1) as usize {
            let oldest = times.front().copied().unwrap_or(now);
            return Err((oldest + window).saturating_duration_since(now));
        }
        times.push_back(now);
        Ok(())
    }
}

/// The UTC offset of `op`'s calendar days.
pub(crate) fn day_offset(op: &OperationDescriptor) -> FixedOffset {
    FixedOffset::east_opt(op.limits.day_offset_seconds).unwrap_or_else(|| Utc.fix())
}

/// `time` on the clock of `offset`; an error (not chrono's panic) where that is out of range.
pub(crate) fn local(
    time: DateTime<FixedOffset>,
    offset: FixedOffset,
) -> Result<NaiveDateTime, Problem> {
    time.naive_utc()
        .checked_add_offset(offset)
        .ok_or_else(|| Problem::InvalidParameter(format!("{} is out of range", time.to_rfc3339())))
}

/// Checks `range` as the vendor does: start before end, then the span, then the look-back.
/// Advisory limits (no source confirms them) count only with `enforce_unconfirmed`.
///
/// The rules themselves are `rtc_usage_core::validate::check`'s (the client's own checks),
/// applied to one limit at a time so the failing one is known.
pub(crate) fn check_range(
    op: &OperationDescriptor,
    range: &TimeRange,
    now: DateTime<Utc>,
    enforce_unconfirmed: bool,
) -> Result<(), Problem> {
    let with_limits = |span, lookback| OperationDescriptor {
        limits: Limits {
            span,
            lookback,
            ..op.limits
        },
        ..*op
    };
    let applies = |e: Enforcement| e == Enforcement::Enforced || enforce_unconfirmed;
    if validate::check(&with_limits(None, None), range, now).is_err() {
        let (start, end) = op
            .limits
            .span
            .map_or(("start", "end"), |s| (s.start_param, s.end_param));
        return Err(Problem::StartAfterEnd { start, end });
    }
    if let Some(span) = op.limits.span.filter(|s| applies(s.enforcement)) {
        let enforced = rtc_usage_core::descriptor::SpanLimit {
            enforcement: Enforcement::Enforced,
            ..span
        };
        if validate::check(&with_limits(Some(enforced), None), range, now).is_err() {
            return Err(Problem::SpanTooLong(span));
        }
    }
    if let Some(lookback) = op.limits.lookback.filter(|l| applies(l.enforcement)) {
        let enforced = rtc_usage_core::descriptor::LookbackLimit {
            enforcement: Enforcement::Enforced,
            ..lookback
        };
        if validate::check(&with_limits(None, Some(enforced)), range, now).is_err() {
            return Err(Problem::TooFarBack(lookback));
        }
    }
    Ok(())
}

/// The billing days a (checked) range covers, end included as the specs read it: every date
/// from start to end; for date-times, every day whose 00:00 (in `op`'s calendar) lies in
/// `[start, end]`.
pub(crate) fn days(op: &OperationDescriptor, range: &TimeRange) -> Result<Vec<NaiveDate>, Problem> {
    let offset = day_offset(op);
    let (first, last) = match (range.start, range.end) {
        (Some(TimePoint::Date(a)), Some(TimePoint::Date(b))) => (a, b),
        (Some(TimePoint::DateTime(s)), Some(TimePoint::DateTime(e))) => {
            let s = local(s, offset)?;
            let first = if s.time() == chrono::NaiveTime::MIN {
                s.date()
            } else {
                s.date().succ_opt().unwrap_or(s.date())
            };
            // An end the spec reads as exclusive leaves out the day that starts at it.
            let e = local(e, offset)?;
            let exclusive = op.limits.span.is_some_and(|span| !span.end_inclusive);
            let last = if exclusive && e.time() == chrono::NaiveTime::MIN {
                e.date().pred_opt().unwrap_or(e.date())
            } else {
                e.date()
            };
            (first, last)
        }
        _ => return Ok(Vec::new()),
    };
    let days: Vec<NaiveDate> = first
        .iter_days()
        .take_while(|d| *d <= last)
        .take(MAX_DAYS_PER_ANSWER + 1)
        .collect();
    if days.len() > MAX_DAYS_PER_ANSWER {
        return Err(Problem::InvalidParameter(format!(
            "the emulator answers at most {MAX_DAYS_PER_ANSWER} days per call"
        )));
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn dates(a: &str, b: &str) -> TimeRange {
        TimeRange {
            start: Some(TimePoint::Date(d(a))),
            end: Some(TimePoint::Date(d(b))),
        }
    }

    fn times(a: &str, b: &str) -> TimeRange {
        TimeRange {
            start: Some(TimePoint::DateTime(
                DateTime::parse_from_rfc3339(a).unwrap(),
            )),
            end: Some(TimePoint::DateTime(
                DateTime::parse_from_rfc3339(b).unwrap(),
            )),
        }
    }

    fn now() -> DateTime<Utc> {
        "2026-11-23T04:00:00Z".parse().unwrap()
    }

    #[test]
    fn window_admits_the_documented_number_then_refuses() {
        let op = &rtc_usage::tencent::describe_trtc_usage::DESCRIPTOR;
        let windows = RateWindows::new(true, 1.0);
        let admitted = (0..8).filter(|_| windows.admit(0, op).is_ok()).count();
        assert_eq!(admitted, 5);
        assert!(RateWindows::new(false, 1.0).admit(0, op).is_ok());
        // 20 times the rate: the window of 1 s is 50 ms, and a refusal says how long is left.
        let fast = RateWindows::new(true, 20.0);
        assert_eq!((0..8).filter(|_| fast.admit(0, op).is_ok()).count(), 5);
        let wait = fast.admit(0, op).unwrap_err();
        assert!(
            wait <= Duration::from_millis(50) && wait > Duration::from_millis(40),
            "{wait:?}"
        );
        std::thread::sleep(wait);
        assert!(fast.admit(0, op).is_ok());
    }

    #[test]
    fn each_version_has_its_own_window() {
        let old = &rtc_usage::volcengine::list_usages::DESCRIPTOR;
        let new = &rtc_usage::volcengine::list_usages_2023_11_01::DESCRIPTOR;
        let windows = RateWindows::new(true, 1.0);
        assert_eq!((0..4).filter(|_| windows.admit(0, old).is_ok()).count(), 2);
        assert_eq!((0..4).filter(|_| windows.admit(0, new).is_ok()).count(), 2);
    }

    #[test]
    fn account_scoped_operations_share_the_vendors_window() {
        let usage = &rtc_usage::agora::get_usage::DESCRIPTOR;
        let projects = &rtc_usage::agora::list_projects::DESCRIPTOR;
        let windows = RateWindows::new(true, 1.0);
        let admitted = (0..8).filter(|_| windows.admit(0, usage).is_ok()).count()
            + (0..8)
                .filter(|_| windows.admit(0, projects).is_ok())
                .count();
        assert_eq!(admitted, 10);
        // Another account of the vendor has its own window.
        assert_eq!(
            (0..12).filter(|_| windows.admit(1, usage).is_ok()).count(),
            10
        );
    }

    #[test]
    fn ranges_are_checked_with_the_descriptors_limits() {
        let tencent = &rtc_usage::tencent::describe_trtc_usage::DESCRIPTOR;
        assert!(check_range(tencent, &dates("2026-11-01", "2026-12-01"), now(), false).is_ok());
        assert!(matches!(
            check_range(tencent, &dates("2026-11-01", "2026-12-02"), now(), false),
            Err(Problem::SpanTooLong(l)) if l.max_days == 31
        ));
        assert!(matches!(
            check_range(tencent, &dates("2026-11-02", "2026-11-01"), now(), false),
            Err(Problem::StartAfterEnd {
                start: "StartTime",
                end: "EndTime"
            })
        ));
        let usages = &rtc_usage::volcengine::list_usages::DESCRIPTOR;
        let old = times("2026-10-10T00:00:00+08:00", "2026-10-11T00:00:00+08:00");
        assert!(check_range(usages, &old, now(), false).is_ok());
        assert!(matches!(
            check_range(usages, &old, now(), true),
            Err(Problem::TooFarBack(l)) if l.max_days == 30
        ));
        let huawei = &rtc_usage::huawei::list_rtc_history_usage::DESCRIPTOR;
        let long = dates("2026-10-01", "2026-11-20");
        assert!(check_range(huawei, &long, now(), false).is_ok());
        assert!(matches!(
            check_range(huawei, &long, now(), true),
            Err(Problem::SpanTooLong(_))
        ));
        // The scale's limits are enforced by default, and a missing end is not checked.
        let scale = &rtc_usage::huawei::list_rtc_history_scale::DESCRIPTOR;
        assert!(matches!(
            check_range(scale, &dates("2026-10-20", "2026-11-21"), now(), false),
            Err(Problem::SpanTooLong(l)) if l.max_days == 31
        ));
        let from = |start| TimeRange {
            start: Some(TimePoint::Date(d(start))),
            end: None,
        };
        assert!(check_range(scale, &from("2026-10-23"), now(), false).is_ok());
        assert!(matches!(
            check_range(scale, &from("2026-10-22"), now(), false),
            Err(Problem::TooFarBack(l)) if l.max_days == 31
        ));
    }

    #[test]
    fn days_follow_each_vendors_calendar() {
        let usages = &rtc_usage::volcengine::list_usages::DESCRIPTOR;
        let got = days(
            usages,
            &times("2021-07-24T08:00:00+08:00", "2021-07-28T08:00:00+08:00"),
        );
        assert_eq!(
            got.unwrap(),
            [
                d("2021-07-25"),
                d("2021-07-26"),
                d("2021-07-27"),
                d("2021-07-28")
            ]
        );
        let got = days(
            usages,
            &times("2021-07-23T16:00:00Z", "2021-07-24T00:00:00+08:00"),
        );
        assert_eq!(got.unwrap(), [d("2021-07-24")]);
        let tencent = &rtc_usage::tencent::describe_trtc_usage::DESCRIPTOR;
        assert_eq!(
            days(tencent, &dates("2022-01-01", "2022-01-02"))
                .unwrap()
                .len(),
            2
        );
        assert!(days(tencent, &dates("1900-01-01", "2100-01-01")).is_err());
    }
}
