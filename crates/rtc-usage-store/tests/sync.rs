//! The sync engine against the emulator, each test body on both backends: a year of daily
//! syncs under a manual clock shared by the clients and an emulator whose provisional days
//! answer part of their figures, equal to the ground truth at the end with the revisions of
//! every day that changed; a second sync that changes nothing; one sync at a time.

#[macro_use]
mod fixture;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rtc_usage::core::clock::{Clock, ManualClock, SharedClock};
use rtc_usage::freshness::{DayFreshness, Freshness};
use rtc_usage::{AppRef, Config, Credentials, UsageClient, UsageQuery, Vendor};
use rtc_usage_emulator::{Emulator, default_apps, demo_credentials, truth_at};
use rtc_usage_store::sync::{self, SyncProgress};
use rtc_usage_store::{Filter, Store, StoreError};

use fixture::Fixture;

on_both_backends!(
    a_year_of_daily_syncs_equals_the_ground_truth,
    a_second_sync_changes_nothing,
    one_sync_at_a_time,
    every_figure_keeps_the_request_id_of_its_answer,
    an_account_whose_credentials_are_refused_stops_at_once,
);

/// An emulator with provisional figures and clients of every vendor, all on `clock`.
async fn emulated(clock: &Arc<ManualClock>) -> (Emulator, UsageClient) {
    let shared: SharedClock = clock.clone();
    let emulator = Emulator::builder()
        .clock(Arc::clone(&shared))
        .rate_limits(false)
        .provisional_figures(true)
        .start()
        .await
        .expect("the emulator starts");
    let client = Vendor::all()
        .fold(UsageClient::builder(), |builder, vendor| {
            let config = Config::builder()
                .credentials(demo_credentials(vendor.id()).expect("demo credentials"))
                .endpoint_url(emulator.url())
                .clock(Arc::clone(&shared))
                .disable_rate_limit()
                .build()
                .expect("a configuration");
            builder.shared_client((vendor.entry().connect)(config).expect("a client"))
        })
        .clock(shared)
        .build();
    (emulator, client)
}

/// The first demo app of every vendor.
fn apps() -> Vec<AppRef> {
    Vendor::all()
        .map(|v| AppRef::new(v, default_apps(v.id())[0]).expect("a demo app"))
        .collect()
}

fn d(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

/// Every vendor's stored figures over `from..=to`, by (vendor, day, vendor tier).
async fn stored(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
) -> BTreeMap<(String, NaiveDate, String), f64> {
    store
        .records(&Filter::new().days(from, to))
        .await
        .expect("records")
        .into_iter()
        .map(|r| ((r.scope.vendor, r.day, r.vendor_tier), r.seconds))
        .collect()
}

/// What the emulator answers at `now` for every vendor's app over `from..=to`.
fn answered(
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> BTreeMap<(String, NaiveDate, String), f64> {
    let mut out = BTreeMap::new();
    for app in apps() {
        let vendor = app.vendor();
        let (op, _) = vendor.call_operation().expect("call minutes");
        for day in from.iter_days().take_while(|d| *d <= to) {
            for (tier, seconds) in truth_at(vendor.id(), op.name, app.app_label(), day, None, now) {
                out.insert(
                    (vendor.id().to_owned(), day, tier.to_owned()),
                    seconds as f64,
                );
            }
        }
    }
    out
}

/// 365 daily syncs, each at another hour of the day, each asking every day since the first:
/// the store ends equal to what the emulator answers then (the ground truth for every final
/// day), every day is final but the last ones, and each day fetched while provisional whose
/// figure grew has revisions (old below new, none of a final day).
async fn a_year_of_daily_syncs_equals_the_ground_truth(fx: &Fixture) {
    let first = d("2025-11-01");
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2025, 11, 1, 5, 0, 0).unwrap(),
    ));
    let (emulator, client) = emulated(&clock).await;
    let store = fx.open().await;
    let mut fetched_windows = 0;
    for i in 0..365 {
        let now = clock.now();
        let today = now.date_naive();
        let selection = UsageQuery::new(first, today).apps(apps());
        let report = sync::sync(&client, &selection, &store, |_| {})
            .await
            .unwrap_or_else(|e| panic!("sync {i} at {now}: {e}"));
        assert!(report.is_complete(), "sync {i}: {:?}", report.failures);
        fetched_windows += report.windows;
        // 19 hours on: every sync at another hour of the day.
        clock.advance(Duration::hours(19));
        if clock.now().date_naive() == today {
            clock.advance(Duration::hours(24));
        }
    }
    let now = clock.now();
    let last = now.date_naive();
    // Most vendors ask little: a day or two per sync, not the whole year again.
    assert!(
        fetched_windows < 365 * 6 * 3,
        "{fetched_windows} windows fetched"
    );
    let selection = UsageQuery::new(first, last).apps(apps());
    sync::sync(&client, &selection, &store, |_| {})
        .await
        .expect("the last sync");
    let got = stored(&store, first, last).await;
    let expected = answered(first, last, now);
    assert_eq!(got.len(), expected.len(), "records");
    let differ: Vec<_> = expected
        .iter()
        .filter(|(k, v)| got.get(*k) != Some(*v))
        .take(5)
        .collect();
    assert!(
        differ.is_empty(),
        "stored differs from the emulator: {differ:?}"
    );

    for app in apps() {
        let vendor = app.vendor();
        let (op, _) = vendor.call_operation().expect("call minutes");
        let freshness = Freshness::of(op);
        let scope = sync::scope_of(&client, &app, rtc_usage::Category::Call);
        let coverage = store.coverage(&scope, first, last).await.expect("coverage");
        assert!(
            coverage.missing_days.is_empty(),
            "{vendor}: {:?}",
            coverage.missing_days
        );
        for day in &coverage.provisional_days {
            assert_eq!(
                freshness.of_day(*day, now),
                DayFreshness::Provisional,
                "{vendor} {day}"
            );
        }
        assert!(
            coverage.provisional_days.len() <= 3,
            "{vendor}: {:?}",
            coverage.provisional_days
        );
        assert!(coverage.final_days.len() >= 360, "{vendor}");
        // Final figures are the ground truth itself.
        let day = coverage.final_days[100];
        assert_eq!(
            truth_at(vendor.id(), op.name, app.app_label(), day, None, now),
            rtc_usage_emulator::truth_for(vendor.id(), op.name, app.app_label(), day, None)
        );

        let revisions = store
            .revisions(&Filter::new().vendor(vendor.id()))
            .await
            .expect("revisions");
        let revised_days: std::collections::BTreeSet<NaiveDate> =
            revisions.iter().map(|r| r.day).collect();
        assert!(
            revised_days.len() >= 150,
            "{vendor}: {} days revised",
            revised_days.len()
        );
        for revision in &revisions {
            assert!(
                !revision.was_final,
                "{vendor}: a final day revised: {revision:?}"
            );
            let new = revision.new_seconds.expect("figures grow, never vanish");
            assert!(new > revision.old_seconds, "{vendor}: {revision:?}");
            assert!(revision.revised_at > revision.old_fetched_at);
            // The old figure was fetched while its day was provisional.
            assert_eq!(
                freshness.of_day(revision.day, revision.old_fetched_at),
                DayFreshness::Provisional
            );
        }
    }
    emulator.shutdown().await;
}

/// All days final: a second sync fetches nothing. Days still provisional: a second sync at
/// the same hour fetches them again and changes no row.
async fn a_second_sync_changes_nothing(fx: &Fixture) {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap(),
    ));
    let (emulator, client) = emulated(&clock).await;
    let store = fx.open().await;
    let settled = UsageQuery::new(d("2026-01-01"), d("2026-02-20")).apps(apps());
    let first = sync::sync(&client, &settled, &store, |_| {})
        .await
        .expect("a sync");
    assert!(
        first.is_complete() && first.written.inserted > 0,
        "{first:?}"
    );
    let progress = std::sync::Mutex::new(Vec::new());
    let again = sync::sync(&client, &settled, &store, |p: SyncProgress| {
        progress.lock().unwrap().push(p)
    })
    .await
    .expect("a second sync");
    assert_eq!(
        (again.windows, again.written.changed()),
        (0, 0),
        "{again:?}"
    );
    assert_eq!(progress.lock().unwrap().last().map(|p| p.total), Some(0));

    let recent = UsageQuery::new(d("2026-02-20"), d("2026-03-01")).apps(apps());
    let first = sync::sync(&client, &recent, &store, |_| {})
        .await
        .expect("a sync");
    assert!(first.written.changed() > 0);
    let provisional = store
        .coverage(
            &sync::scope_of(&client, &apps()[0], rtc_usage::Category::Call),
            d("2026-02-20"),
            d("2026-03-01"),
        )
        .await
        .expect("coverage")
        .provisional_days;
    assert!(!provisional.is_empty(), "today is provisional");
    let again = sync::sync(&client, &recent, &store, |_| {})
        .await
        .expect("a second sync");
    assert!(again.windows > 0, "provisional days are fetched again");
    assert_eq!(again.written.changed(), 0, "{again:?}");
    assert!(
        store
            .revisions(&Filter::new())
            .await
            .expect("revisions")
            .is_empty()
    );
    emulator.shutdown().await;
}

/// A second sync of the same store (another connection, as another process) is refused
/// while the first holds the lock, and runs once it is released.
async fn one_sync_at_a_time(fx: &Fixture) {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap(),
    ));
    let (emulator, client) = emulated(&clock).await;
    let store = fx.open().await;
    let other = fx.open().await;
    let held = store.lock_sync().await.expect("the lock");
    let selection = UsageQuery::new(d("2026-02-01"), d("2026-02-03")).apps(apps());
    let refused = sync::sync(&client, &selection, &other, |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            sync::SyncError::Store(StoreError::SyncRunning { .. })
        ),
        "{refused}"
    );
    assert!(
        refused
            .to_string()
            .contains("another rtc-usage sync is running"),
        "{refused}"
    );
    assert!(
        other
            .records(&Filter::new())
            .await
            .expect("records")
            .is_empty()
    );
    store.unlock_sync(held).await.expect("released");
    let report = sync::sync(&client, &selection, &other, |_| {})
        .await
        .expect("then it runs");
    assert!(report.written.inserted > 0);
    let coverage = other
        .coverage(
            &sync::scope_of(&client, &apps()[0], rtc_usage::Category::Call),
            d("2026-02-01"),
            d("2026-02-03"),
        )
        .await
        .expect("coverage");
    assert_eq!(coverage.final_days.len(), 3);
    emulator.shutdown().await;
}

/// Every stored figure names the answer it came from: an id shaped like the emulator's, the
/// figures of one id all of one vendor and within one call's days. A figure revised by a
/// later sync names the later answer, in its record and in its revision.
async fn every_figure_keeps_the_request_id_of_its_answer(fx: &Fixture) {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap(),
    ));
    let (emulator, client) = emulated(&clock).await;
    let store = fx.open().await;
    let selection = UsageQuery::new(d("2026-01-01"), d("2026-03-01")).apps(apps());
    let report = sync::sync(&client, &selection, &store, |_| {})
        .await
        .expect("a sync");
    assert!(report.is_complete(), "{:?}", report.failures);
    let records = store.records(&Filter::new()).await.expect("records");
    let mut by_id: BTreeMap<String, Vec<&rtc_usage_store::StoredRecord>> = BTreeMap::new();
    for record in &records {
        let ids: Vec<&str> = record.request_ids().collect();
        assert_eq!(ids.len(), 1, "one answer per day figure: {record:?}");
        assert!(
            ids[0].len() == 36 && ids[0].matches('-').count() == 4,
            "{record:?}"
        );
        by_id.entry(ids[0].to_owned()).or_default().push(record);
    }
    assert!(by_id.len() as u64 <= emulator.requests());
    for (id, figures) in &by_id {
        let vendor = Vendor::get(&figures[0].scope.vendor).expect("a vendor");
        assert!(
            figures.iter().all(|r| r.scope.vendor == vendor.id()),
            "{id}"
        );
        let (op, _) = vendor.call_operation().expect("call minutes");
        let max_days = rtc_usage::window::max_days_per_call(op.limits.span.as_ref()).unwrap_or(1);
        let first = figures.iter().map(|r| r.day).min().expect("a day");
        let last = figures.iter().map(|r| r.day).max().expect("a day");
        assert!(
            (last - first).num_days() < i64::from(max_days),
            "{vendor}: {id} spans {first}..{last}"
        );
    }

    // Six hours on, the provisional days answer more: their new figures name the new answer.
    clock.advance(Duration::hours(6));
    sync::sync(&client, &selection, &store, |_| {})
        .await
        .expect("a second sync");
    let revisions = store.revisions(&Filter::new()).await.expect("revisions");
    assert!(!revisions.is_empty(), "provisional figures grew");
    let now: BTreeMap<_, _> = store
        .records(&Filter::new())
        .await
        .expect("records")
        .into_iter()
        .map(|r| {
            (
                (r.scope.clone(), r.start, r.vendor_tier.clone()),
                r.request_id,
            )
        })
        .collect();
    for revision in &revisions {
        let id = revision.request_id.clone().expect("the new answer's id");
        assert!(!by_id.contains_key(&id), "a new answer: {revision:?}");
        let key = (
            revision.scope.clone(),
            revision.start,
            revision.vendor_tier.clone(),
        );
        assert_eq!(now.get(&key), Some(&Some(id)), "{revision:?}");
    }
    emulator.shutdown().await;
}

/// An account whose secret is wrong, asked for many windows beside a good account: the sync
/// sends its calls only until the vendor refuses the credentials (at most the operation's
/// calls in flight, not one per window), fails every window of it with the account named,
/// and writes every window of the good account.
async fn an_account_whose_credentials_are_refused_stops_at_once(fx: &Fixture) {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap(),
    ));
    let (emulator, good) = emulated(&clock).await;
    let tencent = Vendor::get("tencent").expect("tencent in this build");
    let demo = demo_credentials("tencent").expect("demo credentials");
    let shared: SharedClock = clock.clone();
    let config = Config::builder()
        .credentials(Credentials::new(demo.access_key_id(), "a-wrong-secret"))
        .endpoint_url(emulator.url())
        .clock(Arc::clone(&shared))
        .disable_rate_limit()
        .build()
        .expect("a configuration");
    let bad = UsageClient::builder()
        .shared_client((tencent.entry().connect)(config).expect("a client"))
        .account("bad")
        .clock(shared)
        .build();
    let store = fx.open().await;
    let (from, to) = (d("2025-09-01"), d("2026-02-28"));
    let bad_apps: Vec<AppRef> = default_apps("tencent")
        .iter()
        .map(|app| AppRef::new(tencent, *app).expect("a demo app"))
        .collect();
    let bad_query = UsageQuery::new(from, to).apps(bad_apps);
    let bad_windows = bad
        .plan(&bad_query.clone().within_lookback(true))
        .expect("a plan")
        .calls
        .len();
    let good_query = UsageQuery::new(from, to).app(apps()[0].clone());
    let report = sync::sync_all(&[(good, good_query), (bad, bad_query)], &store, |_| {})
        .await
        .expect("the sync runs");

    let refusals = emulator.stats().vendor("tencent").signature_failures;
    // The calls in flight of its operation: the documented rate's burst.
    let in_flight = tencent
        .call_operation()
        .and_then(|(op, _)| op.limits.rate)
        .map(|rate| rate.requests as usize)
        .expect("a documented rate");
    assert!(bad_windows > 2 * in_flight, "{bad_windows} windows");
    assert!(
        (1..=in_flight as u64).contains(&refusals),
        "{refusals} calls sent after a refusal, of {bad_windows} windows"
    );
    assert_eq!(report.failed, bad_windows, "{:?}", report.failures);
    assert!(report.failures.iter().all(|f| f.account == "bad"));
    assert!(
        report
            .failures
            .iter()
            .all(|f| f.error.kind() == rtc_usage::ErrorKind::Auth)
    );
    assert_eq!(report.windows, report.planned - bad_windows);
    assert!(report.windows > 0 && report.written.inserted > 0);
    emulator.shutdown().await;
}
