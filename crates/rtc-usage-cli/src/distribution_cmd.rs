//! `rtc-usage distribution`: distinct users of one Volcengine app by province or country.
//! One call, never split (distinct users of two windows cannot be added), checked first.

use std::collections::BTreeSet;

use rtc_usage::{AppId, DistributionError, DistributionQuery};

use crate::cli::{DistributionArgs, Format};
use crate::exit::{self, ExitError};
use crate::output;
use crate::session::Session;

pub async fn run(args: DistributionArgs) -> Result<(), ExitError> {
    let vendor = DistributionQuery::vendor().map_err(exit::refused)?;
    let app = match (args.app.vendor(), args.app.app()) {
        (v, AppId::Id(id)) if v == vendor => id.clone(),
        _ => {
            return Err(ExitError::bad_input(format!(
                "--app {}: distribution is a {} operation; name the app as {vendor}:APP_ID",
                args.app,
                vendor.display_name()
            )));
        }
    };
    exit::check_order(args.from, args.to)?;
    // HTML is a usage report: refused here, before the call, not when writing its answer.
    if output::resolve_format(args.output.format, args.output.output.as_deref())? == Format::Html {
        return Err(ExitError::bad_input(
            "--format html (or an .html --output) is for usage reports; distribution writes a table, CSV or JSON",
        ));
    }
    let query = DistributionQuery::new(app, args.from, args.to)
        .dimension(args.dimension.as_str())
        .indicator(args.indicator.as_str());
    let mut session =
        Session::open(&args.output, &args.source, BTreeSet::from([vendor]), None).await?;
    session
        .client
        .check_distribution(&query)
        .map_err(exit::refused)?;
    let answer = session.client.distribution(&query).await;
    session.finish_calls().await;
    match answer {
        Ok(rows) => session.destination.write(session.format, &rows),
        Err(DistributionError::Query(e)) => Err(exit::refused(e)),
        Err(e) => Err(ExitError::failed(format!("not fetched: {e}"))),
    }
}
