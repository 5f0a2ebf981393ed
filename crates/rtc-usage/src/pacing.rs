//! How long a plan takes at the documented rate limits, before anything is sent (the CLI's
//! `--dry-run`).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use rtc_usage_core::OperationDescriptor;
use rtc_usage_core::descriptor::{RateLimit, RateScope};

use crate::app::AppId;
use crate::fetch::{Plan, UsageClient};
use crate::vendor::Vendor;
use crate::window::DayWindow;

/// The calls of a plan that share one rate-limit window: one operation (and version), or
/// every operation of a vendor whose limit is account-wide (Agora's).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pacing {
    pub vendor: Vendor,
    /// `DescribeTrtcUsage@2019-07-22`; operations sharing an account-wide limit are joined
    /// with `+`.
    pub operations: String,
    pub calls: usize,
    /// The first and last day any of the calls asks.
    pub days: Option<DayWindow>,
    /// The documented limit; `None` when the spec documents none.
    pub rate: Option<RateLimit>,
    /// The least time the calls take at that rate: after the first window's `requests`
    /// calls, each further `requests` wait a window (the client's limiter holds a slot a
    /// window after its call ended, so answers add to it). Zero without a documented rate.
    pub least: Duration,
}

impl UsageClient {
    /// The plan's calls grouped by the rate limit they share, with the least time each group
    /// takes. The groups of one client run at once, so the plan takes at least the longest.
    ///
    /// The listing an app id is looked up in (`usage.app.lookup` in the spec: Agora's
    /// project list) is counted once per operation with the usage calls of its rate window:
    /// the client makes it when a window first needs it.
    pub fn pacing(&self, plan: &Plan) -> Vec<Pacing> {
        let mut groups: BTreeMap<(Vendor, String), Pacing> = BTreeMap::new();
        let mut listings: BTreeSet<(Vendor, &'static str)> = BTreeSet::new();
        for call in &plan.calls {
            let Some(source) = self.source_of(call) else {
                continue;
            };
            let vendor = call.app.vendor();
            add(&mut groups, vendor, source.op, Some(call.window));
            if let (Some(lookup), AppId::Id(_)) = (source.usage.app.lookup, call.app.app()) {
                listings.insert((vendor, lookup.operation));
            }
        }
        for (vendor, name) in listings {
            let listing = vendor.entry().operations.iter().find(|op| op.name == name);
            if let Some(op) = listing {
                add(&mut groups, vendor, op, None);
            }
        }
        groups
            .into_values()
            .map(|mut group| {
                group.least = least_time(group.calls, group.rate);
                group
            })
            .collect()
    }
}

/// Counts one call of `op` (asking `window`, if it asks days) in the group of its rate
/// window: the operation's own, or the vendor's when the limit is account-wide.
fn add(
    groups: &mut BTreeMap<(Vendor, String), Pacing>,
    vendor: Vendor,
    op: &'static OperationDescriptor,
    window: Option<DayWindow>,
) {
    let name = format!("{}@{}", op.name, op.version);
    let shared = op
        .limits
        .rate
        .is_some_and(|r| r.scope == RateScope::Account);
    let key = (vendor, if shared { String::new() } else { name.clone() });
    let group = groups.entry(key).or_insert_with(|| Pacing {
        vendor,
        operations: String::new(),
        calls: 0,
        days: None,
        rate: op.limits.rate,
        least: Duration::ZERO,
    });
    if !group.operations.split('+').any(|o| o == name) {
        if !group.operations.is_empty() {
            group.operations.push('+');
        }
        group.operations.push_str(&name);
    }
    group.calls += 1;
    if let Some(window) = window {
        group.days = Some(match group.days {
            Some(days) => DayWindow::new(days.first.min(window.first), days.last.max(window.last)),
            None => window,
        });
    }
}

/// `calls` at `rate`: one window per `requests` calls after the first `requests`.
pub fn least_time(calls: usize, rate: Option<RateLimit>) -> Duration {
    let Some(rate) = rate.filter(|r| r.requests > 0) else {
        return Duration::ZERO;
    };
    let windows = calls.div_ceil(rate.requests as usize).saturating_sub(1);
    rate.per
        .saturating_mul(u32::try_from(windows).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_window_past_the_first_waits_a_period() {
        let rate = |requests, secs| {
            Some(RateLimit {
                requests,
                per: Duration::from_secs(secs),
                scope: RateScope::Operation,
            })
        };
        assert_eq!(least_time(0, rate(20, 1)), Duration::ZERO);
        assert_eq!(least_time(20, rate(20, 1)), Duration::ZERO);
        assert_eq!(least_time(21, rate(20, 1)), Duration::from_secs(1));
        assert_eq!(least_time(100, rate(10, 1)), Duration::from_secs(9));
        assert_eq!(least_time(5, rate(1, 60)), Duration::from_secs(240));
        assert_eq!(least_time(500, None), Duration::ZERO);
    }
}
