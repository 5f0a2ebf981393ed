//! `rtc-usage usage`: plan every call (refusing bad input before any is made), make them
//! with a progress bar, write what was fetched, then report what was not.

use std::collections::BTreeSet;

use rtc_usage::{AppRef, Granularity, UsageQuery};

use crate::cli::UsageArgs;
use crate::exit::{self, ExitError};
use crate::progress::Bar;
use crate::session::Session;

pub async fn run(args: UsageArgs) -> Result<(), ExitError> {
    exit::check_order(args.from, args.to)?;
    let vendors: BTreeSet<_> = args.apps.iter().map(AppRef::vendor).collect();
    let mut session = Session::open(&args.output, &args.source, vendors).await?;
    let granularity = Granularity::from(args.granularity);
    let query = UsageQuery::new(args.from, args.to)
        .apps(args.apps)
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
    session.destination.write(session.format, &report.records)?;
    if report.failures.is_empty() {
        return Ok(());
    }
    for failure in &report.failures {
        eprintln!(
            "error: not fetched: {}",
            rtc_usage::core::error::printable(&failure.to_string())
        );
    }
    Err(ExitError::failed(format!(
        "{} of {} calls failed; the output holds only the records of the others",
        report.failures.len(),
        plan.calls.len()
    )))
}
