//! `rtc-usage usage`: plan every call of every account (refusing bad input before any is
//! made), make them with a progress bar, every account at once and each at its own rate,
//! write what was fetched, then report what was not.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use rtc_usage::{
    ALL_APPS, AppId, AppRef, Granularity, Plan, Progress, UsageClient, UsageQuery, UsageRecord,
    WindowFailure,
};

use crate::accounts::{self, Group};
use crate::cli::{Format, UsageArgs};
use crate::days;
use crate::emulated::InProcess;
use crate::exit::{self, ExitError};
use crate::output::Kept;
use crate::progress::Bar;
use crate::session::Session;

pub async fn run(args: UsageArgs) -> Result<(), ExitError> {
    let (from, to) = days::resolve(args.days.asked(), days::today())?;
    if let Some(location) = &args.store {
        return crate::stored::usage(location, &args, from, to).await;
    }
    let emulator = InProcess::start_if(&args.source).await?;
    let file = accounts::config_file(&args.accounts, emulator.as_ref())?;
    let groups = accounts::groups(file.as_ref(), &args.accounts.accounts, args.apps)?;
    // The environment's accounts share one client, as before; each account of the file has
    // its own.
    let env_vendors: BTreeSet<_> = groups
        .iter()
        .filter(|g| g.account.is_none())
        .flat_map(|g| g.apps.iter().map(AppRef::vendor))
        .collect();
    let mut session = Session::open(&args.output, &args.source, env_vendors, emulator).await?;
    if args.dry_run {
        crate::dry_run::check_format(session.format)?;
    }
    let granularity = Granularity::from(args.granularity);
    let mut runs: Vec<(UsageClient, Plan)> = Vec::new();
    for Group { account, apps } in groups {
        let client = match account {
            Some(account) => crate::clients::account_client(account)?,
            None => session.client.clone(),
        };
        let query = UsageQuery::new(from, to)
            .apps(counted_once(apps))
            .granularity(granularity)
            .categories(args.category.0.iter().copied())
            .max_calls(args.max_calls)
            .within_lookback(args.within_lookback);
        let plan = client.plan(&query).map_err(|e| {
            let refused = exit::refused(e);
            match account {
                Some(account) => {
                    ExitError::bad_input(format!("account `{}`: {}", account.name, refused.message))
                }
                None => refused,
            }
        })?;
        runs.push((client, plan));
    }
    let total: usize = runs.iter().map(|(_, plan)| plan.calls.len()).sum();
    tracing::info!(calls = total, accounts = runs.len(), "planned");
    if args.dry_run {
        session.finish_calls().await;
        let format = session.format;
        return session
            .destination
            .write_with(|out| crate::dry_run::write(&runs, format, out));
    }

    let bar = Bar::for_calls(total).map(Arc::new);
    let outcome = run_all(runs, granularity, bar.clone()).await;
    if let Some(bar) = &bar {
        bar.finish();
    }
    session.finish_calls().await;

    for warning in &outcome.warnings {
        eprintln!(
            "warning: {}",
            rtc_usage::core::error::printable(&warning.to_string())
        );
    }
    warn_provisional(&outcome.records);
    let (format, records, by) = (session.format, &outcome.records, args.by);
    let draw = |out: &mut dyn std::io::Write| draw(format, by, records, out);
    if outcome.failures.is_empty() {
        return session.destination.write_with(draw);
    }
    report_failures(&outcome.failures);
    let kept = session
        .destination
        .write_incomplete_with(records.is_empty(), draw)?;
    let failed = format!("{} of {total} calls failed", outcome.failures.len());
    Err(ExitError::failed(match kept {
        Kept::Written => format!("{failed}; the output holds only the records of the others"),
        Kept::Beside(path) => format!(
            "{failed}; --output is as it was, and the {} records fetched are in {}",
            outcome.records.len(),
            path.display()
        ),
        Kept::Nothing => format!("{failed}; nothing was fetched, and no output was written"),
    }))
}

/// What every account's run gave.
struct Outcome {
    records: Vec<UsageRecord>,
    failures: Vec<WindowFailure>,
    warnings: Vec<rtc_usage::Warning>,
}

/// Runs every account's plan at once (each client paced by its own limiters), one progress
/// bar for them all.
async fn run_all(
    runs: Vec<(UsageClient, Plan)>,
    granularity: Granularity,
    bar: Option<Arc<Bar>>,
) -> Outcome {
    let progress = Arc::new(Mutex::new(vec![(0usize, 0usize); runs.len()]));
    let mut tasks = tokio::task::JoinSet::new();
    for (index, (client, plan)) in runs.into_iter().enumerate() {
        let (progress, bar) = (Arc::clone(&progress), bar.clone());
        tasks.spawn(async move {
            client
                .run(&plan, granularity, move |p: Progress| {
                    let Some(bar) = &bar else { return };
                    let mut all = progress.lock().unwrap_or_else(|e| e.into_inner());
                    all[index] = (p.done, p.failed);
                    let (done, failed) = all.iter().fold((0, 0), |s, p| (s.0 + p.0, s.1 + p.1));
                    bar.show(done, failed);
                })
                .await
        });
    }
    let mut outcome = Outcome {
        records: Vec::new(),
        failures: Vec::new(),
        warnings: Vec::new(),
    };
    while let Some(joined) = tasks.join_next().await {
        let Ok(report) = joined else {
            continue; // A run's task cannot panic short of a bug; its calls are then missing.
        };
        outcome.records.extend(report.records);
        outcome.warnings.extend(report.warnings);
        outcome.failures.extend(report.failures);
    }
    sort(&mut outcome.records);
    outcome
}

/// Records in the order of the output: vendor, account, app, bucket, category, tier.
pub fn sort(records: &mut [UsageRecord]) {
    records.sort_by(|a, b| {
        (
            a.vendor,
            &a.account,
            &a.app,
            a.start,
            a.category,
            a.tier,
            &a.vendor_tier,
        )
            .cmp(&(
                b.vendor,
                &b.account,
                &b.app,
                b.start,
                b.category,
                b.tier,
                &b.vendor_tier,
            ))
    });
}

/// The records as asked: a pivot with `--by`, else one row per record.
pub fn draw(
    format: Format,
    by: Option<crate::output::pivot::By>,
    records: &[UsageRecord],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match by {
        Some(by) => crate::output::pivot::render(format, by, records, out),
        None => crate::output::render(format, records, out),
    }
}

/// One warning naming, per vendor, the days (bucket starts) whose figures were still
/// provisional when fetched: the vendor may revise them, so a reconciliation should ask again.
pub fn warn_provisional(records: &[UsageRecord]) {
    let mut days: BTreeMap<rtc_usage::Vendor, BTreeSet<chrono::NaiveDate>> = BTreeMap::new();
    for record in records.iter().filter(|r| r.provisional) {
        days.entry(record.vendor)
            .or_default()
            .insert(record.start.date_naive());
    }
    if days.is_empty() {
        return;
    }
    let listed: Vec<String> = days
        .iter()
        .map(|(vendor, days)| {
            let days: Vec<String> = days.iter().map(ToString::to_string).collect();
            format!("{vendor} {}", days.join(", "))
        })
        .collect();
    eprintln!(
        "warning: still provisional (inside the vendor's data delay; figures may still change): {}",
        listed.join("; ")
    );
}

/// Each failure once, except that an account whose credentials a vendor refused is one
/// error: the refusal, and how many of its calls were not fetched (the others were not sent).
pub fn report_failures(failures: &[WindowFailure]) {
    let mut refused: BTreeMap<&str, (&WindowFailure, usize)> = BTreeMap::new();
    for failure in failures {
        let account = failure.account.as_str();
        if failure.error.kind() == rtc_usage::core::ErrorKind::Auth {
            let entry = refused.entry(account).or_insert((failure, 0));
            if entry.0.not_sent() && !failure.not_sent() {
                entry.0 = failure;
            }
            entry.1 += 1;
            continue;
        }
        eprintln!(
            "error: not fetched: {}{}",
            whose(account),
            rtc_usage::core::error::printable(&failure.to_string())
        );
    }
    for (account, (first, n)) in refused {
        eprintln!(
            "error: {}the vendor refused the credentials: {}; {n} calls not fetched",
            whose(account),
            rtc_usage::core::error::printable(&first.error.to_string())
        );
    }
}

/// `account `NAME`: ` for an account of the config file; nothing for the environment's.
fn whose(account: &str) -> String {
    if account == rtc_usage::DEFAULT_ACCOUNT {
        String::new()
    } else {
        format!("account `{account}`: ")
    }
}

/// The apps asked, each counted once: an app named beside its vendor's `VENDOR:*` is already
/// in it (and would be counted twice in the totals), so it is dropped with a warning; the
/// same app named twice (in any spelling) is asked once.
pub fn counted_once(apps: Vec<AppRef>) -> Vec<AppRef> {
    let all: BTreeSet<_> = apps
        .iter()
        .filter(|app| *app.app() == AppId::All)
        .map(AppRef::vendor)
        .collect();
    let mut seen = BTreeSet::new();
    let mut kept = Vec::new();
    for app in apps {
        if *app.app() != AppId::All && all.contains(&app.vendor()) {
            eprintln!(
                "warning: --app {app} is already in --app {}:{ALL_APPS}; counted once",
                app.vendor()
            );
        } else if !seen.insert(app.clone()) {
            eprintln!("warning: --app {app} is named more than once; counted once");
        } else {
            kept.push(app);
        }
    }
    kept
}
