//! The cross-vendor usage client: plans windows, fetches them concurrently (each vendor paced
//! by its client's rate limiter), and merges the answers into one report.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use rtc_usage_core::OperationDescriptor;
use rtc_usage_core::clock::{SharedClock, SystemClock};
use rtc_usage_core::registry::DynClient;
use rtc_usage_core::{Error, ErrorKind};
use tokio::task::JoinSet;

use crate::app::{ALL_APPS, AppId, AppRef};
use crate::error::QueryError;
use crate::freshness::{DayFreshness, Freshness};
use crate::normalize::Normalized;
use crate::query::{Granularity, UsageQuery};
use crate::record::{Bucket, Category, DEFAULT_ACCOUNT, Millis, Tier, UsageRecord};
use crate::report::{Progress, UsageReport, VendorCalls, Warning, WindowFailure};
use crate::shared_calls::SharedCalls;
use crate::source::{Source, calendar, day_start};
use crate::vendor::Vendor;
use crate::window::{self, DayWindow};

/// Asks every configured vendor the same question and returns one normalized answer.
///
/// Cheap to clone. Calls go through the generated vendor clients given to the builder, so
/// their credentials, endpoints, retries and rate limiters apply; give each vendor one client
/// and share it, since the rate limiter lives in the client.
#[derive(Clone, Debug)]
pub struct UsageClient {
    sources: Arc<[Arc<Source>]>,
    pub(crate) clients: Arc<[Arc<dyn DynClient>]>,
    clock: SharedClock,
    account: Arc<str>,
}

/// Builds a [`UsageClient`] from the vendor clients to use.
#[derive(Debug, Default)]
pub struct UsageClientBuilder {
    clients: Vec<Arc<dyn DynClient>>,
    clock: Option<SharedClock>,
    account: Option<String>,
}

impl UsageClientBuilder {
    /// Asks the vendor of `client` (any generated crate's `Client`, HTTP or stub) through it;
    /// a second client of the same vendor replaces the first.
    pub fn client(self, client: impl DynClient + 'static) -> Self {
        self.shared_client(Arc::new(client))
    }

    /// [`UsageClientBuilder::client`] for a client already shared (the registry's `connect`).
    pub fn shared_client(mut self, client: Arc<dyn DynClient>) -> Self {
        let id = client.vendor().id;
        self.clients.retain(|c| c.vendor().id != id);
        self.clients.push(client);
        self
    }

    /// The name of the account the clients sign for, carried by every record
    /// ([`UsageRecord::account`]); [`DEFAULT_ACCOUNT`] if not given. Each account is its own
    /// `UsageClient`, with its own clients, limiters and retry budgets.
    pub fn account(mut self, name: impl Into<String>) -> Self {
        self.account = Some(name.into());
        self
    }

    /// The clock look-back rules are checked against; the system clock by default. Give it
    /// the clock the vendor clients were configured with.
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The client. A client of a vendor this build does not have is left out (its crate is
    /// not in the registry, so nothing could be asked of it).
    pub fn build(self) -> UsageClient {
        let mut sources = Vec::new();
        for client in &self.clients {
            if let Some(vendor) = Vendor::get(client.vendor().id) {
                sources.extend(crate::source::sources(vendor, Arc::clone(client)));
            }
        }
        UsageClient {
            sources: sources.into(),
            clients: self.clients.into(),
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            account: self
                .account
                .unwrap_or_else(|| DEFAULT_ACCOUNT.to_owned())
                .into(),
        }
    }
}

/// The calls a query makes, before any is made.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Plan {
    pub calls: Vec<PlannedCall>,
    /// Categories asked of a vendor that documents no operation for them.
    pub not_documented: Vec<(AppRef, Category)>,
    /// Days left out because the vendor no longer keeps them
    /// ([`UsageQuery::within_lookback`]).
    pub beyond_lookback: Vec<BeyondLookback>,
}

/// Days of one app and category that its vendor no longer serves.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BeyondLookback {
    pub app: AppRef,
    pub category: Category,
    pub days: DayWindow,
    /// The operation's documented look-back, in days.
    pub max_days: u32,
}

/// One call: one app over one window of days.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlannedCall {
    pub app: AppRef,
    pub window: DayWindow,
    pub category: Category,
    /// The documented operation called.
    pub operation: &'static str,
    source: usize,
}

impl Plan {
    /// The plan's notes as warnings: days beyond a look-back (`skipped` says what became of
    /// them: "not fetched") and categories a vendor documents no operation for
    /// (`unreported`).
    pub fn warnings(&self, skipped: &str, unreported: &str) -> Vec<Warning> {
        let gaps = self.beyond_lookback.iter().map(|gap| {
            Warning::new(
                gap.app.vendor(),
                gap.app.app_label(),
                format!(
                    "{} keeps {} usage for {} days only: {} {skipped}",
                    gap.app.vendor(),
                    gap.category,
                    gap.max_days,
                    gap.days
                ),
            )
        });
        let undocumented = self.not_documented.iter().map(|(app, category)| {
            Warning::new(
                app.vendor(),
                app.app_label(),
                format!(
                    "{} documents no {category} usage operation; {unreported}",
                    app.vendor()
                ),
            )
        });
        gaps.chain(undocumented).collect()
    }

    /// Calls per vendor.
    pub fn calls_of(&self, vendor: Vendor) -> usize {
        self.calls
            .iter()
            .filter(|c| c.app.vendor() == vendor)
            .count()
    }
}

/// The first day of `days` a call of `source` may still ask by the operation's enforced
/// look-back at `now` (`None`: not one). Whether a day passes is monotonic in the day, so a
/// binary search over the days finds it.
fn first_kept_day(
    source: &Source,
    app: &AppId,
    days: DayWindow,
    now: DateTime<chrono::Utc>,
) -> Option<NaiveDate> {
    let all: Vec<NaiveDate> = days.first.iter_days().take(days.days() as usize).collect();
    let kept = |day: NaiveDate| source.check(app, DayWindow::new(day, day), now).is_ok();
    let index = all.partition_point(|day| !kept(*day));
    all.get(index).copied()
}

/// Key of a merged record: sorts by vendor, app, bucket start, tier.
type RecordKey = (
    Vendor,
    String,
    DateTime<FixedOffset>,
    Bucket,
    Category,
    Tier,
    String,
);

impl UsageClient {
    pub fn builder() -> UsageClientBuilder {
        UsageClientBuilder::default()
    }

    /// The account the client asks for.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The current time by the client's clock.
    pub fn now(&self) -> DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// The vendors this client has a client for.
    pub fn vendors(&self) -> Vec<Vendor> {
        let mut vendors: Vec<Vendor> = self
            .clients
            .iter()
            .filter_map(|c| Vendor::get(c.vendor().id))
            .collect();
        vendors.sort();
        vendors
    }

    /// The client of `vendor`, if the builder was given one.
    pub(crate) fn client_of(&self, vendor: Vendor) -> Option<&Arc<dyn DynClient>> {
        self.clients.iter().find(|c| c.vendor().id == vendor.id())
    }

    /// The operation `call` (of a plan this client made) calls.
    /// The source (operation and variant) `call` asks.
    pub(crate) fn source_of(&self, call: &PlannedCall) -> Option<&Source> {
        self.sources.get(call.source).map(|s| &**s)
    }

    /// Checks that `vendor` can be asked at all.
    fn check_vendor(&self, vendor: Vendor) -> Result<(), QueryError> {
        if self.client_of(vendor).is_some() {
            Ok(())
        } else {
            Err(QueryError::VendorNotConfigured(vendor))
        }
    }

    /// Splits the query into calls no longer than each vendor's documented span, and checks
    /// every call against the spec's enforced rules. Nothing is sent.
    pub fn plan(&self, query: &UsageQuery) -> Result<Plan, QueryError> {
        let days = query.days()?;
        let now = self.clock.now();
        let mut plan = Plan {
            calls: Vec::new(),
            not_documented: Vec::new(),
            beyond_lookback: Vec::new(),
        };
        for app in query.app_refs() {
            self.check_vendor(app.vendor())?;
            for category in query.get_categories() {
                let mut documented = false;
                for (index, source) in self.sources.iter().enumerate() {
                    if source.vendor != app.vendor() || source.category != category {
                        continue;
                    }
                    documented = true;
                    let op = source.op;
                    if *app.app() == AppId::All && !source.usage.app.all_when_omitted {
                        return Err(QueryError::InvalidApp {
                            vendor: app.vendor(),
                            app: ALL_APPS.to_owned(),
                            reason: format!(
                                "{} ({category} usage) needs an app id in {}; name the apps to report {category} usage",
                                op.name, source.usage.app.param
                            ),
                        });
                    }
                    let max_days = window::max_days_per_call(op.limits.span.as_ref());
                    let fine = op.limits.granularity.and_then(|g| g.fine);
                    let mut days = days;
                    if query.get_within_lookback()
                        && let Some(lookback) = op.limits.lookback
                    {
                        let first = first_kept_day(source, app.app(), days, now);
                        if first != Some(days.first) {
                            let last = first.and_then(|d| d.pred_opt()).unwrap_or(days.last);
                            plan.beyond_lookback.push(BeyondLookback {
                                app: app.clone(),
                                category,
                                days: DayWindow::new(days.first, last),
                                max_days: lookback.max_days,
                            });
                        }
                        match first {
                            Some(first) => days = DayWindow::new(first, days.last),
                            None => continue,
                        }
                    }
                    for window in window::split(days, max_days, fine) {
                        source.check(app.app(), window, now).map_err(|source| {
                            QueryError::OutOfRange {
                                vendor: app.vendor(),
                                source,
                            }
                        })?;
                        if plan.calls.len() >= query.get_max_calls() {
                            return Err(QueryError::PlanTooLarge {
                                calls: planned_calls(query, &self.sources),
                                max: query.get_max_calls(),
                            });
                        }
                        plan.calls.push(PlannedCall {
                            app: app.clone(),
                            window,
                            category,
                            operation: op.name,
                            source: index,
                        });
                    }
                }
                if !documented {
                    plan.not_documented.push((app.clone(), category));
                }
            }
        }
        Ok(plan)
    }

    /// Fetches the query's usage. Fails only when the query is refused before any call;
    /// a call that fails after retries is listed in the report's `failures`, beside every
    /// record the other calls fetched.
    pub async fn usage(&self, query: &UsageQuery) -> Result<UsageReport, QueryError> {
        self.usage_with_progress(query, |_| {}).await
    }

    /// [`UsageClient::usage`], calling `on_progress` after each call ends.
    pub async fn usage_with_progress(
        &self,
        query: &UsageQuery,
        on_progress: impl Fn(Progress) + Send + Sync,
    ) -> Result<UsageReport, QueryError> {
        let plan = self.plan(query)?;
        Ok(self.run(&plan, query.get_granularity(), on_progress).await)
    }

    /// Makes the calls of `plan`: every vendor and app at once, each vendor's calls paced by
    /// its client's rate limiter and bounded in flight to the limit's burst; after a vendor
    /// refuses the account's credentials, no further call to it is sent.
    pub async fn run(
        &self,
        plan: &Plan,
        granularity: Granularity,
        on_progress: impl Fn(Progress) + Send + Sync,
    ) -> UsageReport {
        self.run_sharing(plan, granularity, &self.shared_calls(), on_progress)
            .await
    }

    /// A fresh [`SharedCalls`] for this client's operations: one gate per operation, as each
    /// has its own documented rate limit, and no vendor refused yet.
    pub fn shared_calls(&self) -> SharedCalls {
        SharedCalls::new(
            self.sources
                .iter()
                .map(|s| ((s.op.vendor, s.op.name), in_flight(s.op))),
        )
    }

    /// [`UsageClient::run`] with the gates and refusals of `shared`, so that several runs of
    /// this account (a sync's windows, each written on its own) together keep the bounds of
    /// one run: no more calls in flight per operation, and none sent to a vendor that has
    /// refused the credentials in any of them.
    pub async fn run_sharing(
        &self,
        plan: &Plan,
        granularity: Granularity,
        shared: &SharedCalls,
        on_progress: impl Fn(Progress) + Send + Sync,
    ) -> UsageReport {
        let started = Instant::now();
        let mut tasks = JoinSet::new();
        let mut task_calls = HashMap::with_capacity(plan.calls.len());
        for (index, call) in plan.calls.iter().enumerate() {
            let Some(source) = self.sources.get(call.source) else {
                continue; // `plan` made it, so the source exists.
            };
            let source = Arc::clone(source);
            let op = source.op;
            let gate = shared.gate(op.vendor, op.name);
            let (vendor, app, window) = (call.app.vendor(), call.app.app().clone(), call.window);
            let shared = shared.clone();
            let handle = tasks.spawn(async move {
                let _permit = match &gate {
                    Some(gate) => gate.acquire().await.ok(),
                    None => None,
                };
                if shared.is_refused(vendor) {
                    return Err(Error::service(
                        op,
                        ErrorKind::Auth,
                        None,
                        NOT_SENT_AFTER_AUTH,
                    ));
                }
                let result = source.fetch(app, window).await;
                if result.as_ref().is_err_and(|e| e.kind() == ErrorKind::Auth) {
                    shared.refuse(vendor);
                }
                result
            });
            task_calls.insert(handle.id(), (index, op));
        }

        let mut merged: BTreeMap<RecordKey, Merged> = BTreeMap::new();
        let mut report = UsageReport {
            warnings: plan.warnings("not fetched", "not reported"),
            ..UsageReport::default()
        };
        let mut stats: BTreeMap<Vendor, VendorCalls> = BTreeMap::new();
        let total = task_calls.len();
        let mut done = 0;
        while let Some(joined) = tasks.join_next_with_id().await {
            let (id, outcome) = match joined {
                Ok((id, result)) => (id, result),
                Err(e) => {
                    let Some(&(_, op)) = task_calls.get(&e.id()) else {
                        continue;
                    };
                    let error = Error::service(
                        op,
                        ErrorKind::Other,
                        None,
                        format!("the call's task failed: {e}"),
                    );
                    (e.id(), Err(error))
                }
            };
            let Some(call) = task_calls.get(&id).map(|(i, _)| &plan.calls[*i]) else {
                continue;
            };
            let vendor = call.app.vendor();
            let entry = stats.entry(vendor).or_insert(VendorCalls {
                vendor,
                windows: 0,
                failed: 0,
                elapsed: Duration::ZERO,
            });
            entry.windows += 1;
            entry.elapsed = started.elapsed();
            done += 1;
            match outcome {
                Ok(fetched) => {
                    // The calendar of the operation that answered (its spec's day offset).
                    let calendar = self.sources.get(call.source).map(|s| calendar(s.op));
                    if let Some(calendar) = calendar {
                        let merge = Merge {
                            merged: &mut merged,
                            warnings: &mut report.warnings,
                            granularity,
                            calendar,
                            freshness: Freshness::of_call(call),
                            now: self.clock.now(),
                        };
                        merge.call(call, fetched);
                    }
                }
                Err(error) => {
                    entry.failed += 1;
                    tracing::warn!(app = %call.app, window = %call.window, %error, "window failed");
                    report.failures.push(WindowFailure {
                        account: self.account.to_string(),
                        app: call.app.clone(),
                        window: call.window,
                        error,
                    });
                }
            }
            on_progress(Progress {
                done,
                total,
                failed: report.failures.len(),
            });
        }
        report
            .failures
            .sort_by(|a, b| (&a.app, a.window).cmp(&(&b.app, b.window)));
        report.records = merged
            .into_iter()
            .map(
                |((vendor, app, start, bucket, category, tier, vendor_tier), merged)| {
                    UsageRecord::new(
                        vendor,
                        app,
                        start,
                        bucket,
                        tier,
                        vendor_tier,
                        merged.amount.seconds(),
                    )
                    .with_category(category)
                    .with_account(&*self.account)
                    .with_provisional(merged.provisional)
                    .with_request_ids(merged.request_ids)
                },
            )
            .collect();
        report.calls = stats.into_values().collect();
        report
    }
}

/// The message of a call not sent because an earlier call of the same account and vendor was
/// refused authentication (in the same run, or one sharing its [`SharedCalls`]) ([`WindowFailure::not_sent`]).
pub(crate) const NOT_SENT_AFTER_AUTH: &str =
    "not sent: the vendor refused this account's credentials on an earlier call";

/// How many calls `query` would plan: counted, not made, for the message of a plan too large.
fn planned_calls(query: &UsageQuery, sources: &[Arc<Source>]) -> usize {
    let Ok(days) = query.days() else {
        return 0;
    };
    let mut calls = 0;
    for app in query.app_refs() {
        for category in query.get_categories() {
            for source in sources
                .iter()
                .filter(|s| s.vendor == app.vendor() && s.category == category)
            {
                let op = source.op;
                let max_days = window::max_days_per_call(op.limits.span.as_ref());
                let fine = op.limits.granularity.and_then(|g| g.fine);
                calls += window::split(days, max_days, fine).len();
            }
        }
    }
    calls
}

/// How many calls of one vendor may be in flight: the rate limit's burst (at least 4), so the
/// limiter, not the queue, sets the pace, and retries do not wait behind hundreds of calls.
fn in_flight(op: &OperationDescriptor) -> usize {
    op.limits
        .rate
        .map_or(16, |r| r.requests as usize)
        .clamp(4, 64)
}

/// One output record's figure so far, and whether any day in it was provisional.
#[derive(Debug, Default)]
struct Merged {
    amount: Millis,
    provisional: bool,
    request_ids: Vec<String>,
}

/// Where one call's records are merged, and how: the query's granularity, in the calendar
/// of the operation that answered, each day judged provisional or final at `now` by the
/// operation's data delay.
struct Merge<'a> {
    merged: &'a mut BTreeMap<RecordKey, Merged>,
    warnings: &'a mut Vec<Warning>,
    granularity: Granularity,
    calendar: FixedOffset,
    freshness: Option<Freshness>,
    now: DateTime<Utc>,
}

impl Merge<'_> {
    /// Adds one call's records: those outside the call's own days are dropped (so the
    /// vendor's reading of the end does not matter and no bucket is counted twice), a bucket
    /// the vendor repeats is kept once (with a warning), and finer buckets are summed per day
    /// when the query wants days, days per month when it wants months (the month of each day
    /// in the calendar, starting at 00:00 of its first day there).
    fn call(self, call: &PlannedCall, fetched: Normalized) {
        self.warnings.extend(fetched.warnings);
        let vendor = call.app.vendor();
        let offset = self.calendar;
        let mut seen = std::collections::HashSet::with_capacity(fetched.records.len());
        let mut dropped = 0usize;
        for record in fetched.records {
            let day = record.start.with_timezone(&offset).date_naive();
            if !call.window.contains(day) {
                dropped += 1;
                continue;
            }
            if !seen.insert((
                record.start,
                record.granularity,
                record.category,
                record.vendor_tier.clone(),
            )) {
                self.warnings.push(Warning {
                    vendor,
                    app: record.app.clone(),
                    message: format!(
                        "{} {} appears twice in one answer; counted once",
                        record.start.to_rfc3339(),
                        record.vendor_tier
                    ),
                });
                continue;
            }
            let (start, bucket) = match self.granularity {
                Granularity::Month => (
                    day_start(day.with_day(1).unwrap_or(day), offset),
                    Bucket::Month,
                ),
                Granularity::Day if record.granularity != Bucket::Day => {
                    (day_start(day, offset), Bucket::Day)
                }
                _ => (record.start.with_timezone(&offset), record.granularity),
            };
            let amount = Millis((record.seconds * 1000.0).round() as i64);
            let provisional = self
                .freshness
                .is_none_or(|f| f.of_day(day, self.now) == DayFreshness::Provisional);
            let merged = self
                .merged
                .entry((
                    vendor,
                    record.app,
                    start,
                    bucket,
                    record.category,
                    record.tier,
                    record.vendor_tier,
                ))
                .or_default();
            merged.amount += amount;
            merged.provisional |= provisional;
            crate::record::add_request_ids(&mut merged.request_ids, &record.request_ids);
        }
        if dropped > 0 {
            tracing::debug!(app = %call.app, window = %call.window, dropped, "buckets outside the window dropped");
        }
    }
}
