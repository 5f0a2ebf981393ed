//! `rtc-usage usage --dry-run`: the plan of every account, as the facade made it, and how
//! long its calls take at the documented rate limits ([`UsageClient::pacing`]); nothing is
//! sent.

use std::io::{self, Write};
use std::time::Duration;

use rtc_usage::{Pacing, Plan, UsageClient};
use serde::Serialize;

use crate::cli::Format;
use crate::exit::ExitError;
use crate::output::csv;
use crate::output::table::{Table, wrap};

/// One line of the plan: the calls of one account that share one rate limit.
#[derive(Debug, Serialize)]
struct Line {
    account: String,
    vendor: String,
    operations: String,
    calls: usize,
    from: Option<String>,
    to: Option<String>,
    /// `20 per 1 s`, or `not documented`.
    rate: String,
    least_seconds: f64,
}

const HEADERS: [&str; 8] = [
    "account",
    "vendor",
    "operations",
    "calls",
    "from",
    "to",
    "rate",
    "least_seconds",
];

impl Line {
    fn new(account: &str, pacing: &Pacing) -> Self {
        Self {
            account: account.to_owned(),
            vendor: pacing.vendor.to_string(),
            operations: pacing.operations.clone(),
            calls: pacing.calls,
            from: pacing.days.map(|d| d.first.to_string()),
            to: pacing.days.map(|d| d.last.to_string()),
            rate: pacing.rate.map_or_else(
                || "not documented".to_owned(),
                |r| format!("{} per {}", r.requests, duration(r.per)),
            ),
            least_seconds: pacing.least.as_secs_f64(),
        }
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.account.clone(),
            self.vendor.clone(),
            self.operations.clone(),
            self.calls.to_string(),
            self.from.clone().unwrap_or_default(),
            self.to.clone().unwrap_or_default(),
            self.rate.clone(),
            self.least_seconds.to_string(),
        ]
    }
}

/// The whole plan: its lines, the notes the facade made (days beyond a look-back, categories
/// not documented), and the least time of it all (accounts and vendors run at once).
#[derive(Debug, Serialize)]
struct Document {
    calls: usize,
    least_seconds: f64,
    sent: usize,
    groups: Vec<Line>,
    notes: Vec<String>,
}

fn document(runs: &[(UsageClient, Plan)]) -> Document {
    let mut groups = Vec::new();
    let mut notes = Vec::new();
    let mut least = Duration::ZERO;
    for (client, plan) in runs {
        for pacing in client.pacing(plan) {
            least = least.max(pacing.least);
            groups.push(Line::new(client.account(), &pacing));
        }
        for gap in &plan.beyond_lookback {
            notes.push(format!(
                "{} keeps {} usage for {} days only: {} would not be asked",
                gap.app, gap.category, gap.max_days, gap.days
            ));
        }
        for (app, category) in &plan.not_documented {
            notes.push(format!(
                "{app}: {} documents no {category} usage operation; not asked",
                app.vendor()
            ));
        }
    }
    Document {
        calls: groups.iter().map(|g| g.calls).sum(),
        least_seconds: least.as_secs_f64(),
        sent: 0,
        groups,
        notes,
    }
}

/// The plan in `format`: a table, CSV (one row per line) or JSON (the whole document).
pub fn write(runs: &[(UsageClient, Plan)], format: Format, out: &mut dyn Write) -> io::Result<()> {
    let doc = document(runs);
    match format {
        Format::Json => {
            serde_json::to_writer(&mut *out, &doc)?;
            out.write_all(b"\n")
        }
        Format::Csv => {
            writeln!(out, "{}", HEADERS.join(","))?;
            for line in &doc.groups {
                let cells: Vec<String> = line
                    .cells()
                    .iter()
                    .map(|c| csv::quote(c).into_owned())
                    .collect();
                writeln!(out, "{}", cells.join(","))?;
            }
            Ok(())
        }
        Format::Table | Format::Html => {
            let mut table = Table::new(&[
                ("account", false),
                ("vendor", false),
                ("operations", false),
                ("calls", true),
                ("days", false),
                ("rate", false),
                ("at least", true),
            ]);
            for line in &doc.groups {
                let days = match (&line.from, &line.to) {
                    (Some(from), Some(to)) => format!("{from}..{to}"),
                    _ => String::new(),
                };
                table.push(vec![
                    line.account.clone(),
                    line.vendor.clone(),
                    line.operations.clone(),
                    line.calls.to_string(),
                    days,
                    line.rate.clone(),
                    duration(Duration::from_secs_f64(line.least_seconds)),
                ]);
            }
            writeln!(out, "Dry run: nothing was sent.\n")?;
            let width = crate::output::terminal_width();
            table.write_fitted(out, width, 2)?;
            let summary = format!(
                "{} calls; at least {} with every account and vendor at once, at the documented \
                 rate limits (each answer adds its own time).",
                doc.calls,
                duration(Duration::from_secs_f64(doc.least_seconds))
            );
            writeln!(out, "\n{}", wrap(&summary, width))?;
            for note in &doc.notes {
                let note = format!("note: {}", rtc_usage::core::error::printable(note));
                writeln!(out, "{}", wrap(&note, width))?;
            }
            Ok(())
        }
    }
}

/// `--dry-run` prints the plan as a table, CSV or JSON; an HTML report of nothing is refused.
pub fn check_format(format: Format) -> Result<(), ExitError> {
    if format == Format::Html {
        return Err(ExitError::bad_input(
            "--dry-run prints the plan as a table, CSV or JSON: choose --format table, csv or json",
        ));
    }
    Ok(())
}

/// `0 s`, `1.5 s`, `4 min`, `2 h 5 min`.
fn duration(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0..=59 => {
            let s = d.as_secs_f64();
            if s.fract() == 0.0 {
                format!("{s} s")
            } else {
                format!("{s:.1} s")
            }
        }
        60..=3599 if secs % 60 == 0 => format!("{} min", secs / 60),
        60..=3599 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, (secs % 3600).div_ceil(60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_a_person_says_them() {
        assert_eq!(duration(Duration::ZERO), "0 s");
        assert_eq!(duration(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(duration(Duration::from_secs(240)), "4 min");
        assert_eq!(duration(Duration::from_secs(95)), "1 min 35 s");
        assert_eq!(duration(Duration::from_secs(7500)), "2 h 5 min");
    }
}
