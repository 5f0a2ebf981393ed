//! Faults to test clients against: a seeded share of server errors and throttling, and
//! targeted rules ("the first 3 calls for this app and day fail with 500").

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use chrono::NaiveDate;
use rtc_usage::Vendor;

use crate::data::{splitmix64, unit_interval};

/// What a fault does to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// The vendor's internal-error answer, with this HTTP status (500, 502, 503...).
    ServerError(u16),
    /// The vendor's throttling answer.
    Throttle,
    /// Waits this long, then answers normally.
    Latency(Duration),
    /// Closes the connection without answering (a transport error for the client).
    Disconnect,
    /// Answers 200 with a body that is not the vendor's JSON.
    MalformedBody,
}

/// A targeted fault: applies to the requests it matches (every `None` matches anything).
///
/// Rules are tried in the order they were added; a `Latency` rule delays and lets later rules
/// apply, any other fault ends the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// The vendor of the registry the request is for (`Vendor::get("tencent")`).
    pub vendor: Option<Vendor>,
    /// The app the request asks about (a Tencent request without `SdkAppId` asks about every
    /// app of the account, so it matches any app rule).
    pub app: Option<String>,
    /// Matches requests whose range covers this billing day.
    pub day: Option<NaiveDate>,
    pub fault: Fault,
    /// Only the first N matching requests; `None` for all.
    pub times: Option<u32>,
}

impl FaultRule {
    /// A rule applying `fault` to every request; narrow it with the setters.
    pub fn new(fault: Fault) -> Self {
        Self {
            vendor: None,
            app: None,
            day: None,
            fault,
            times: None,
        }
    }

    /// Only requests for `vendor` (a registry vendor: `"tencent".parse()?`).
    pub fn vendor(mut self, vendor: Vendor) -> Self {
        self.vendor = Some(vendor);
        self
    }

    pub fn app(mut self, app: impl Into<String>) -> Self {
        self.app = Some(app.into());
        self
    }

    pub fn day(mut self, day: NaiveDate) -> Self {
        self.day = Some(day);
        self
    }

    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }

    fn matches(&self, request: &Target<'_>) -> bool {
        self.vendor.is_none_or(|v| v == request.vendor)
            && self
                .app
                .as_deref()
                .is_none_or(|app| request.app.is_none_or(|a| a == app))
            && self.day.is_none_or(|day| request.days.contains(&day))
    }
}

/// What a request is about, for matching rules.
pub(crate) struct Target<'a> {
    pub vendor: Vendor,
    /// `None`: every app of the account.
    pub app: Option<&'a str>,
    pub days: &'a [NaiveDate],
}

/// What to do to one request.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Decision {
    pub delay: Duration,
    /// A fault that replaces the answer (never `Latency`).
    pub fault: Option<Fault>,
}

/// The configured faults and their state.
#[derive(Debug)]
pub(crate) struct Faults {
    rules: Vec<(FaultRule, AtomicU32)>,
    server_error_rate: f64,
    throttle_rate: f64,
    seed: u64,
    /// Requests that rolled the dice so far: the n-th roll is a function of (seed, n) only.
    rolls: AtomicU64,
}

impl Faults {
    pub fn new(
        rules: Vec<FaultRule>,
        server_error_rate: f64,
        throttle_rate: f64,
        seed: u64,
    ) -> Self {
        Self {
            rules: rules.into_iter().map(|r| (r, AtomicU32::new(0))).collect(),
            server_error_rate,
            throttle_rate,
            seed,
            rolls: AtomicU64::new(0),
        }
    }

    /// The faults for one request: the matching rules first, then the seeded shares.
    pub fn decide(&self, target: &Target<'_>) -> Decision {
        let mut decision = Decision::default();
        for (rule, used) in &self.rules {
            if !rule.matches(target) || !take_one(used, rule.times) {
                continue;
            }
            match &rule.fault {
                Fault::Latency(d) => decision.delay += *d,
                other => {
                    decision.fault = Some(other.clone());
                    return decision;
                }
            }
        }
        if self.server_error_rate > 0.0 || self.throttle_rate > 0.0 {
            let n = self.rolls.fetch_add(1, Ordering::Relaxed);
            let roll = unit_interval(splitmix64(self.seed ^ splitmix64(n)));
            if roll < self.server_error_rate {
                decision.fault = Some(Fault::ServerError(500));
            } else if roll < self.server_error_rate + self.throttle_rate {
                decision.fault = Some(Fault::Throttle);
            }
        }
        decision
    }
}

/// Uses one of `limit` uses (all of them when `None`); `false` once they are spent.
fn take_one(used: &AtomicU32, limit: Option<u32>) -> bool {
    match limit {
        None => true,
        Some(limit) => used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < limit).then_some(n + 1)
            })
            .is_ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn vendor(id: &str) -> Vendor {
        Vendor::get(id).unwrap()
    }

    #[test]
    fn rules_match_vendor_app_and_day_and_run_out() {
        let day = d("2026-11-02");
        let faults = Faults::new(
            vec![
                FaultRule::new(Fault::Latency(Duration::from_millis(5))).vendor(vendor("tencent")),
                FaultRule::new(Fault::ServerError(503))
                    .app("a")
                    .day(day)
                    .times(2),
            ],
            0.0,
            0.0,
            1,
        );
        let days = [d("2026-11-01"), day];
        let hit = Target {
            vendor: vendor("tencent"),
            app: Some("a"),
            days: &days,
        };
        let other_app = Target {
            vendor: vendor("tencent"),
            app: Some("b"),
            days: &days,
        };
        let all_apps = Target {
            vendor: vendor("huawei"),
            app: None,
            days: &days[1..],
        };
        let other_day = Target {
            vendor: vendor("huawei"),
            app: Some("a"),
            days: &days[..1],
        };
        assert_eq!(
            faults.decide(&hit),
            Decision {
                delay: Duration::from_millis(5),
                fault: Some(Fault::ServerError(503))
            }
        );
        assert_eq!(faults.decide(&other_app).fault, None);
        assert_eq!(faults.decide(&other_day), Decision::default());
        assert_eq!(
            faults.decide(&all_apps).fault,
            Some(Fault::ServerError(503))
        );
        assert_eq!(faults.decide(&hit).fault, None, "used up");
    }

    #[test]
    fn shares_are_seeded() {
        let days = [d("2026-11-01")];
        let target = Target {
            vendor: vendor("volcengine"),
            app: Some("a"),
            days: &days,
        };
        let run = |seed| {
            let faults = Faults::new(Vec::new(), 0.2, 0.1, seed);
            (0..1000)
                .map(|_| faults.decide(&target).fault)
                .collect::<Vec<_>>()
        };
        let a = run(7);
        assert_eq!(a, run(7));
        assert_ne!(a, run(8));
        let errors = a
            .iter()
            .filter(|f| **f == Some(Fault::ServerError(500)))
            .count();
        let throttles = a.iter().filter(|f| **f == Some(Fault::Throttle)).count();
        assert!((150..250).contains(&errors), "{errors}");
        assert!((60..140).contains(&throttles), "{throttles}");
    }
}
