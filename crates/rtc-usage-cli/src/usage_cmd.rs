//! `rtc-usage usage`: plan every call (refusing bad input before any is made), make them
//! with a progress bar, write what was fetched, then report what was not.

use std::collections::BTreeSet;

use rtc_usage::{ALL_APPS, AppId, AppRef, Granularity, UsageQuery};

use crate::cli::UsageArgs;
use crate::days;
use crate::exit::{self, ExitError};
use crate::output::Kept;
use crate::progress::Bar;
use crate::session::Session;

pub async fn run(args: UsageArgs) -> Result<(), ExitError> {
    let asked = days::Asked {
        from: args.from,
        to: args.to,
        last: args.last,
        month: args.month,
    };
    let (from, to) = days::resolve(asked, days::today())?;
    let vendors: BTreeSet<_> = args.apps.iter().map(AppRef::vendor).collect();
    let mut session = Session::open(&args.output, &args.source, vendors).await?;
    let granularity = Granularity::from(args.granularity);
    let query = UsageQuery::new(from, to)
        .apps(counted_once(args.apps))
        .granularity(granularity)
        .categories(args.category.0)
        .max_calls(args.max_calls)
        .within_lookback(args.within_lookback);
    let plan = session.client.plan(&query).map_err(exit::refused)?;
    tracing::info!(calls = plan.calls.len(), "planned");

    let bar = Bar::for_calls(plan.calls.len());
    let report = session
        .client
        .run(&plan, granularity, |progress| {
            if let Some(bar) = &bar {
                bar.update(progress);
            }
        })
        .await;
    if let Some(bar) = &bar {
        bar.finish();
    }
    session.finish_calls().await;

    for warning in &report.warnings {
        eprintln!(
            "warning: {}",
            rtc_usage::core::error::printable(&warning.to_string())
        );
    }
    if report.failures.is_empty() {
        return session.destination.write(session.format, &report.records);
    }
    for failure in &report.failures {
        eprintln!(
            "error: not fetched: {}",
            rtc_usage::core::error::printable(&failure.to_string())
        );
    }
    let kept = session
        .destination
        .write_incomplete(session.format, &report.records)?;
    let failed = format!(
        "{} of {} calls failed",
        report.failures.len(),
        plan.calls.len()
    );
    Err(ExitError::failed(match kept {
        Kept::Written => format!("{failed}; the output holds only the records of the others"),
        Kept::Beside(path) => format!(
            "{failed}; --output is as it was, and the {} records fetched are in {}",
            report.records.len(),
            path.display()
        ),
        Kept::Nothing => format!("{failed}; nothing was fetched, and no output was written"),
    }))
}

/// The apps asked, each counted once: an app named beside its vendor's `VENDOR:*` is already
/// in it (and would be counted twice in the totals), so it is dropped with a warning; the
/// same app named twice (in any spelling) is asked once.
fn counted_once(apps: Vec<AppRef>) -> Vec<AppRef> {
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
