//! `rtc-usage usage`: plan every call (refusing bad input before any is made), make them
//! with a progress bar, write what was fetched, then report what was not.

use std::collections::BTreeSet;

use rtc_usage::{AppRef, Granularity, UsageQuery};

use crate::cli::UsageArgs;
use crate::exit::{self, ExitError};
use crate::output::Kept;
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
