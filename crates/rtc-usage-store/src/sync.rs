//! The sync engine behind `rtc-usage sync`: for each asked app and category (a [`Scope`] of
//! the client's account), the days of the selection the store lacks or holds as provisional
//! are fetched through the facade (its planning splits them into the calls each vendor
//! allows; its clients' limiters pace them), and each fetched window is written in one
//! transaction with its days marked provisional or final by [`Freshness`] at the time the
//! fetch began. A sync killed at any point keeps every window written before; the next one
//! fetches what is still missing. A second sync with nothing new fetches only provisional
//! days and changes nothing if their figures did not move.
//!
//! ```no_run
//! # async fn run(client: rtc_usage::UsageClient) -> Result<(), Box<dyn std::error::Error>> {
//! use rtc_usage::UsageQuery;
//! use rtc_usage_store::{Store, sync};
//!
//! let store = Store::open("history.db").await?;
//! let selection = UsageQuery::new("2026-01-01".parse()?, "2026-11-30".parse()?)
//!     .app("tencent:1400000001".parse()?);
//! let report = sync::sync(&client, &selection, &store, |p| eprintln!("{}/{}", p.done, p.total)).await?;
//! println!("{} windows, {} rows changed", report.windows, report.written.changed());
//! # Ok(()) }
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use rtc_usage::freshness::{DayFreshness, Freshness};
use rtc_usage::window::DayWindow;
use rtc_usage::{
    AppRef, Category, Granularity, Plan, QueryError, SharedCalls, UsageClient, UsageQuery,
    UsageRecord, Warning, WindowFailure,
};
use tokio::task::JoinSet;

use crate::{DayState, NewRecord, Scope, Store, StoreError, Window, WriteReport};

/// The granularity a sync keeps: one record per billing day and tier.
pub const GRANULARITY: &str = "day";

/// Why a sync did not run to its end.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// The selection was refused before any call (no apps, days swapped, a vendor without a
    /// client...).
    #[error("{0}")]
    Refused(#[from] QueryError),
    /// The store could not be read or written; windows written before are kept.
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// Where a sync is: windows ended (written or failed) of all planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyncProgress {
    pub done: usize,
    pub total: usize,
    pub failed: usize,
}

/// What a sync did.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct SyncReport {
    /// Windows fetched and written.
    pub windows: usize,
    /// Windows planned (fetched, failed or not).
    pub planned: usize,
    /// The store's changes, summed over the windows: 0 [`WriteReport::changed`] when nothing
    /// was new.
    pub written: WriteReport,
    /// Windows not written because a call of theirs failed: their days stay missing (or
    /// provisional) for the next sync.
    pub failed: usize,
    /// The calls that failed (a window of several variants may have more than one), each
    /// with its account.
    pub failures: Vec<WindowFailure>,
    /// The facade's warnings, and the days no vendor keeps any more (beyond its look-back).
    pub warnings: Vec<Warning>,
    /// Time spent writing windows to the store (their transactions), summed.
    pub write_time: Duration,
    /// From the start of the sync to the last answer: the fetching, which the writes overlap.
    pub fetch_time: Duration,
    /// Wall time of the whole sync, writes included.
    pub elapsed: Duration,
}

impl SyncReport {
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty()
    }
}

/// The days of one scope that `selection` asks and the store still needs: every day it does
/// not hold, and every day it holds as provisional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needed {
    pub scope: Scope,
    pub app: AppRef,
    pub category: Category,
    pub days: Vec<NaiveDate>,
}

/// The scope the store keeps `app`'s `category` under, for the account of `client`.
pub fn scope_of(client: &UsageClient, app: &AppRef, category: Category) -> Scope {
    Scope::new(
        app.vendor().id(),
        client.account(),
        app.app_label(),
        category.as_str(),
        GRANULARITY,
    )
}

/// What a sync of `selection` would fetch: per scope, the days missing or provisional.
pub async fn needed(
    client: &UsageClient,
    selection: &UsageQuery,
    store: &Store,
) -> Result<Vec<Needed>, StoreError> {
    let (from, to) = (selection.from_day(), selection.to_day());
    let mut out = Vec::new();
    for app in selection.app_refs() {
        for category in selection.get_categories() {
            let scope = scope_of(client, app, category);
            let coverage = store.coverage(&scope, from, to).await?;
            let days: BTreeSet<NaiveDate> = coverage
                .missing_days
                .into_iter()
                .chain(coverage.provisional_days)
                .collect();
            if !days.is_empty() {
                out.push(Needed {
                    scope,
                    app: app.clone(),
                    category,
                    days: days.into_iter().collect(),
                });
            }
        }
    }
    Ok(out)
}

/// Syncs `selection` (its apps, categories and days; its granularity is ignored: the store
/// keeps days) from `client` into `store`, calling `on_progress` after each window. The
/// clock is the client's ([`UsageClient::now`]): days are provisional or final by it.
///
/// Takes the store's sync lock first ([`Store::lock_sync`]): a second sync of the same store
/// is refused with [`StoreError::SyncRunning`]. Days a vendor no longer keeps are left out
/// with a warning; a window whose call fails is reported and not written.
pub async fn sync(
    client: &UsageClient,
    selection: &UsageQuery,
    store: &Store,
    on_progress: impl Fn(SyncProgress),
) -> Result<SyncReport, SyncError> {
    sync_all(&[(client.clone(), selection.clone())], store, on_progress).await
}

/// [`sync`] of several selections at once, each with its client (one per account, or
/// several ranges of one account): one lock, one plan, one progress for them all, every
/// client paced by its own limiters.
pub async fn sync_all(
    selections: &[(UsageClient, UsageQuery)],
    store: &Store,
    on_progress: impl Fn(SyncProgress),
) -> Result<SyncReport, SyncError> {
    // Refuses a bad selection (no apps, swapped days, a vendor without a client) before
    // anything is read, locked or fetched.
    for (client, selection) in selections {
        client.plan(&selection.clone().within_lookback(true))?;
    }
    let lock = store.lock_sync().await?;
    let result = run(selections, store, on_progress).await;
    let unlocked = store.unlock_sync(lock).await;
    let report = result?;
    unlocked?;
    Ok(report)
}

async fn run(
    selections: &[(UsageClient, UsageQuery)],
    store: &Store,
    on_progress: impl Fn(SyncProgress),
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    let mut report = SyncReport::default();
    let mut units = Vec::new();
    for (client, selection) in selections {
        for needed in needed(client, selection, store).await? {
            for run in runs(&needed.days) {
                let query = UsageQuery::new(run.first, run.last)
                    .app(needed.app.clone())
                    .categories([needed.category])
                    .granularity(Granularity::Day)
                    .within_lookback(true);
                let plan = client.plan(&query)?;
                report
                    .warnings
                    .extend(plan.warnings("not synced", "not synced"));
                units.extend(split_units(&plan).into_iter().map(|plan| Unit {
                    client: client.clone(),
                    scope: needed.scope.clone(),
                    plan,
                }));
            }
        }
    }
    report.planned = units.len();
    let total = units.len();
    on_progress(SyncProgress {
        done: 0,
        total,
        failed: 0,
    });

    // Each window is a run of its own (written on its own), and an account's runs share one
    // SharedCalls: its calls in flight stay bounded per operation as in one run, and once a
    // vendor refuses the account's credentials, none of its windows sends another call.
    let mut shared: BTreeMap<String, SharedCalls> = BTreeMap::new();
    let mut tasks = JoinSet::new();
    for unit in units {
        let client = unit.client.clone();
        let calls = shared
            .entry(client.account().to_owned())
            .or_insert_with(|| client.shared_calls())
            .clone();
        tasks.spawn(async move {
            let began = client.now();
            let fetched = client
                .run_sharing(&unit.plan, Granularity::Day, &calls, |_| {})
                .await;
            (unit, began, fetched, Instant::now())
        });
    }
    let mut done = 0;
    while let Some(joined) = tasks.join_next().await {
        done += 1;
        // A task cannot panic short of a bug; its window is then left for the next sync.
        if let Ok((unit, began, fetched, answered)) = joined {
            report.fetch_time = report.fetch_time.max(answered - started);
            report.warnings.extend(fetched.warnings);
            if fetched.failures.is_empty() {
                let window = window_of(&unit, began, &fetched.records);
                let writing = Instant::now();
                let written = store.write_window(&window).await?;
                report.write_time += writing.elapsed();
                add(&mut report.written, written);
                report.windows += 1;
            } else {
                report.failed += 1;
                report.failures.extend(fetched.failures);
            }
        }
        on_progress(SyncProgress {
            done,
            total,
            failed: report.failed,
        });
    }
    report
        .failures
        .sort_by(|a, b| (&a.app, a.window).cmp(&(&b.app, b.window)));
    report.elapsed = started.elapsed();
    Ok(report)
}

/// One window of one scope: the calls (one per operation and variant of the category) whose
/// answers together are what the store holds for its days.
struct Unit {
    client: UsageClient,
    scope: Scope,
    plan: Plan,
}

/// Contiguous runs of `days` (sorted).
fn runs(days: &[NaiveDate]) -> Vec<DayWindow> {
    let mut out: Vec<DayWindow> = Vec::new();
    for day in days {
        match out.last_mut() {
            Some(run) if run.last.succ_opt() == Some(*day) => run.last = *day,
            _ => out.push(DayWindow::new(*day, *day)),
        }
    }
    out
}

/// The plan's calls grouped into units whose windows do not overlap: calls of the same
/// window (a category's several variants) are one unit, written together, so that no write
/// removes the records of another call of the same days.
fn split_units(plan: &Plan) -> Vec<Plan> {
    let mut calls = plan.calls.clone();
    calls.sort_by_key(|c| (c.window.first, c.window.last));
    let mut groups: Vec<(DayWindow, Vec<_>)> = Vec::new();
    for call in calls {
        match groups.last_mut() {
            Some((span, members)) if call.window.first <= span.last => {
                span.last = span.last.max(call.window.last);
                members.push(call);
            }
            _ => groups.push((call.window, vec![call])),
        }
    }
    groups
        .into_iter()
        .map(|(_, members)| {
            let mut unit = plan.clone();
            unit.calls = members;
            unit.not_documented.clear();
            unit.beyond_lookback.clear();
            unit
        })
        .collect()
}

/// The store's window for a fetched unit: its days, each final if every operation of the
/// unit had settled it when the fetch began, and its records.
fn window_of(unit: &Unit, began: DateTime<Utc>, records: &[UsageRecord]) -> Window {
    let freshness: Vec<Freshness> = unit
        .plan
        .calls
        .iter()
        .filter_map(Freshness::of_call)
        .collect();
    let mut window = Window::new(unit.scope.clone(), began);
    for call in &unit.plan.calls {
        for day in call
            .window
            .first
            .iter_days()
            .take(call.window.days() as usize)
        {
            let settled = !freshness.is_empty()
                && freshness
                    .iter()
                    .all(|f| f.of_day(day, began) == DayFreshness::Final);
            let state = if settled {
                DayState::Final
            } else {
                DayState::Provisional
            };
            window = window.day(day, state);
        }
    }
    window.records(records.iter().map(|r| {
        NewRecord::new(
            r.start,
            r.tier.to_string(),
            r.vendor_tier.clone(),
            r.seconds,
        )
        .request_ids(&r.request_ids)
    }))
}

fn add(sum: &mut WriteReport, one: WriteReport) {
    sum.inserted += one.inserted;
    sum.updated += one.updated;
    sum.removed += one.removed;
    sum.unchanged += one.unchanged;
    sum.days_marked += one.days_marked;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn needed_days_become_contiguous_runs() {
        let days = [
            d("2026-01-01"),
            d("2026-01-02"),
            d("2026-01-05"),
            d("2026-01-06"),
            d("2026-01-07"),
            d("2026-02-01"),
        ];
        assert_eq!(
            runs(&days),
            [
                DayWindow::new(d("2026-01-01"), d("2026-01-02")),
                DayWindow::new(d("2026-01-05"), d("2026-01-07")),
                DayWindow::new(d("2026-02-01"), d("2026-02-01")),
            ]
        );
        assert!(runs(&[]).is_empty());
    }
}
