//! `rtc-usage sync`: the asked apps' days into the history store, fetching only the days it
//! lacks and those still provisional, every account at once, with a progress bar; what
//! failed is named and left for the next run.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use chrono::{Days, NaiveDate};
use rtc_usage::{AppRef, UsageClient, UsageQuery, Vendor};
use rtc_usage_store::sync::{self, SyncProgress};

use crate::accounts::{self, Group};
use crate::cli::{BACKFILL_DEFAULT_DAYS, OutputArgs, SyncArgs};
use crate::days;
use crate::emulated::InProcess;
use crate::exit::{self, ExitError};
use crate::progress::Bar;
use crate::session::Session;
use crate::stored;
use crate::usage_cmd::counted_once;

pub async fn run(args: SyncArgs) -> Result<(), ExitError> {
    // Synthetic figures never go into the default store, the one that keeps real history.
    if args.source.emulator && args.store.store.is_none() {
        return Err(ExitError::bad_input(
            "--emulator: its figures are synthetic; name a store of their own with --store PATH (the default store keeps real history)",
        ));
    }
    let today = days::today();
    let range = if args.backfill {
        None
    } else {
        Some(days::resolve(args.days.asked(), today)?)
    };
    let emulator = InProcess::start_if(&args.source).await?;
    let file = accounts::config_file(&args.accounts, emulator.as_ref())?;
    let groups = accounts::groups(file.as_ref(), &args.accounts.accounts, args.apps)?;
    let store = stored::open(args.store.store.as_deref()).await?;
    let env_vendors: BTreeSet<_> = groups
        .iter()
        .filter(|g| g.account.is_none())
        .flat_map(|g| g.apps.iter().map(AppRef::vendor))
        .collect();
    let no_output = OutputArgs {
        format: None,
        output: None,
    };
    let mut session = Session::open(&no_output, &args.source, env_vendors, emulator).await?;
    let mut selections: Vec<(UsageClient, UsageQuery)> = Vec::new();
    for Group { account, apps } in groups {
        let client = match account {
            Some(account) => crate::clients::account_client(account)?,
            None => session.client.clone(),
        };
        for (from, to, apps) in ranges(counted_once(apps), range, today) {
            let query = UsageQuery::new(from, to)
                .apps(apps)
                .categories(args.category.0.iter().copied());
            client
                .plan(&query.clone().within_lookback(true))
                .map_err(|e| {
                    let refused = exit::refused(e);
                    match account {
                        Some(account) => ExitError::bad_input(format!(
                            "account `{}`: {}",
                            account.name, refused.message
                        )),
                        None => refused,
                    }
                })?;
            selections.push((client.clone(), query));
        }
    }

    let bar: Mutex<Option<Bar>> = Mutex::new(None);
    let result = sync::sync_all(&selections, &store, |p: SyncProgress| {
        let mut bar = bar.lock().unwrap_or_else(|e| e.into_inner());
        if p.done == 0 {
            *bar = Bar::for_calls(p.total);
        } else if let Some(bar) = bar.as_ref() {
            bar.show(p.done, p.failed);
        }
    })
    .await;
    if let Some(bar) = bar.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
        bar.finish();
    }
    session.finish_calls().await;
    let report = result.map_err(|e| match e {
        sync::SyncError::Store(e) => stored::error(e),
        sync::SyncError::Refused(e) => exit::refused(e),
        other => ExitError::failed(other.to_string()),
    })?;
    for warning in &report.warnings {
        eprintln!(
            "warning: {}",
            rtc_usage::core::error::printable(&warning.to_string())
        );
    }
    let w = report.written;
    if report.planned == 0 {
        eprintln!(
            "nothing to sync: {} holds as final every asked day the vendors still keep",
            store.location()
        );
        return Ok(());
    }
    eprintln!(
        "synced {} of {} windows into {}: {} records new, {} revised, {} removed, {} unchanged; {} days marked",
        report.windows,
        report.planned,
        store.location(),
        w.inserted,
        w.updated,
        w.removed,
        w.unchanged,
        w.days_marked
    );
    if report.failures.is_empty() {
        return Ok(());
    }
    crate::usage_cmd::report_failures(&report.failures);
    Err(ExitError::failed(format!(
        "{} of {} windows failed; the others are in the store, and the next sync fetches what is missing",
        report.failed, report.planned
    )))
}

/// The days to ask each app: `range` for all, or with `--backfill` (`None`) per vendor as
/// far back as its call-minutes operation's look-back allows (else
/// [`BACKFILL_DEFAULT_DAYS`]), up to today.
fn ranges(
    apps: Vec<AppRef>,
    range: Option<(NaiveDate, NaiveDate)>,
    today: NaiveDate,
) -> Vec<(NaiveDate, NaiveDate, Vec<AppRef>)> {
    if let Some((from, to)) = range {
        return vec![(from, to, apps)];
    }
    let mut by_vendor: BTreeMap<Vendor, Vec<AppRef>> = BTreeMap::new();
    for app in apps {
        by_vendor.entry(app.vendor()).or_default().push(app);
    }
    by_vendor
        .into_iter()
        .map(|(vendor, apps)| (backfill_from(vendor, today), today, apps))
        .collect()
}

/// The first day `--backfill` asks of `vendor`.
pub fn backfill_from(vendor: Vendor, today: NaiveDate) -> NaiveDate {
    let days = vendor
        .call_operation()
        .and_then(|(op, _)| op.limits.lookback)
        .map_or(BACKFILL_DEFAULT_DAYS, |l| l.max_days);
    today
        .checked_sub_days(Days::new(u64::from(days)))
        .unwrap_or(today)
        .max(rtc_usage::EARLIEST_DAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backfill_reaches_each_vendors_look_back_or_a_year() {
        let today: NaiveDate = "2026-12-01".parse().unwrap();
        for vendor in Vendor::all() {
            let lookback = vendor
                .call_operation()
                .and_then(|(op, _)| op.limits.lookback)
                .map(|l| l.max_days);
            let days = (today - backfill_from(vendor, today)).num_days();
            assert_eq!(
                days,
                i64::from(lookback.unwrap_or(BACKFILL_DEFAULT_DAYS)),
                "{vendor}"
            );
        }
        let apps: Vec<AppRef> = Vendor::all()
            .map(|v| AppRef::all(v).or_else(|_| AppRef::new(v, "1")).unwrap())
            .collect();
        let per_vendor = ranges(apps.clone(), None, today);
        assert_eq!(per_vendor.len(), apps.len());
        assert!(
            per_vendor
                .iter()
                .all(|(_, to, apps)| *to == today && apps.len() == 1)
        );
        let one = ranges(apps, Some((today, today)), today);
        assert_eq!(one.len(), 1);
    }
}
