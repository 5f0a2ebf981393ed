//! The days a usage query asks, as people say them: `--from 2026-11-01 --to 2026-11-30`,
//! `--from yesterday`, `--to today`, `--last 7d` (the 7 complete days before today) or
//! `--month 2026-11` (a calendar month; the current one up to today).
//!
//! "Today" is the local calendar's: the day the person typing it is in. Each vendor's
//! billing days are still its own (the facade asks each in its time zone). Days after today
//! are refused: no vendor has usage for them.

use chrono::{Days, NaiveDate};

use crate::exit::ExitError;

/// A day as `--from` and `--to` take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Day {
    Date(NaiveDate),
    Today,
    Yesterday,
}

impl Day {
    fn on(self, today: NaiveDate) -> NaiveDate {
        match self {
            Self::Date(day) => day,
            Self::Today => today,
            Self::Yesterday => today.pred_opt().unwrap_or(today),
        }
    }
}

/// `YYYY-MM-DD`, `today` or `yesterday`.
pub fn parse_day(value: &str) -> Result<Day, String> {
    match value.to_ascii_lowercase().as_str() {
        "today" => Ok(Day::Today),
        "yesterday" => Ok(Day::Yesterday),
        _ => crate::cli::parse_day(value)
            .map(Day::Date)
            .map_err(|e| format!("{e}, or today or yesterday")),
    }
}

/// `--last`: a number of days, `7d` or `7`; at most [`crate::days::MAX_LAST_DAYS`].
pub fn parse_last(value: &str) -> Result<u32, String> {
    let digits = value.strip_suffix(['d', 'D']).unwrap_or(value);
    match digits.parse::<u32>() {
        Ok(n @ 1..=MAX_LAST_DAYS) => Ok(n),
        _ => Err(format!(
            "expected a number of days from 1 to {MAX_LAST_DAYS}, such as 7d"
        )),
    }
}

/// The most days `--last` takes (about 16 years; `--max-calls` bounds the plan anyway).
pub const MAX_LAST_DAYS: u32 = 6_000;

/// A calendar month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    first: NaiveDate,
}

/// `--month YYYY-MM`.
pub fn parse_month(value: &str) -> Result<Month, String> {
    let shaped = value.len() == 7
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let first = shaped
        .then(|| NaiveDate::parse_from_str(&format!("{value}-01"), "%Y-%m-%d").ok())
        .flatten();
    first
        .map(|first| Month { first })
        .ok_or_else(|| "expected a month as YYYY-MM, for example 2026-11".into())
}

impl Month {
    fn last(self) -> NaiveDate {
        let next = self
            .first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(NaiveDate::MAX);
        next.pred_opt().unwrap_or(self.first)
    }
}

/// What the flags asked for, not yet resolved against today.
#[derive(Debug, Clone, Copy, Default)]
pub struct Asked {
    pub from: Option<Day>,
    pub to: Option<Day>,
    pub last: Option<u32>,
    pub month: Option<Month>,
}

/// The first and last day asked, both included, `today` being the local calendar's.
pub fn resolve(asked: Asked, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), ExitError> {
    let (from, to, flags) = match asked {
        Asked { last: Some(n), .. } => {
            let to = today.pred_opt().unwrap_or(today);
            let from = to
                .checked_sub_days(Days::new(u64::from(n) - 1))
                .unwrap_or(NaiveDate::MIN);
            (from, to, "--last")
        }
        Asked {
            month: Some(month), ..
        } => {
            if month.first > today {
                return Err(ExitError::bad_input(format!(
                    "--month {}: the month has not begun (today is {today}); no vendor has usage for it",
                    month.first.format("%Y-%m")
                )));
            }
            (month.first, month.last().min(today), "--month")
        }
        Asked {
            from: Some(from),
            to,
            ..
        } => (
            from.on(today),
            to.map_or(today, |t| t.on(today)),
            "--from/--to",
        ),
        _ => {
            return Err(ExitError::bad_input(
                "no days asked: pass --from DAY [--to DAY], --last 7d or --month YYYY-MM",
            ));
        }
    };
    crate::exit::check_order(from, to)?;
    if to > today {
        return Err(ExitError::bad_input(format!(
            "{flags}: {to} is in the future (today is {today}); no vendor has usage for it yet"
        )));
    }
    Ok((from, to))
}

/// Today in the local calendar.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const TODAY: &str = "2026-12-02";

    fn days(asked: Asked) -> Result<(String, String), String> {
        resolve(asked, d(TODAY))
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .map_err(|e| e.message)
    }

    #[test]
    fn words_and_dates() {
        assert_eq!(parse_day("Yesterday"), Ok(Day::Yesterday));
        assert_eq!(parse_day("today"), Ok(Day::Today));
        assert_eq!(parse_day("2026-11-01"), Ok(Day::Date(d("2026-11-01"))));
        assert!(
            parse_day("tomorrow")
                .unwrap_err()
                .contains("today or yesterday")
        );
        assert_eq!(parse_last("7d"), Ok(7));
        assert_eq!(parse_last("30"), Ok(30));
        for bad in ["0d", "-1d", "7w", "", "d", "99999999999d"] {
            assert!(parse_last(bad).is_err(), "{bad}");
        }
        assert!(parse_month("2026-11").is_ok());
        for bad in ["2026-13", "2026-1", "11-2026", "2026-11-01"] {
            assert!(parse_month(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ranges() {
        let from = |day| Asked {
            from: Some(day),
            ..Asked::default()
        };
        assert_eq!(
            days(Asked {
                last: Some(7),
                ..Asked::default()
            }),
            Ok(("2026-11-25".into(), "2026-12-01".into()))
        );
        assert_eq!(
            days(Asked {
                month: Some(parse_month("2026-11").unwrap()),
                ..Asked::default()
            }),
            Ok(("2026-11-01".into(), "2026-11-30".into()))
        );
        // February of a leap year, and the current month up to today.
        assert_eq!(
            days(Asked {
                month: Some(parse_month("2024-02").unwrap()),
                ..Asked::default()
            }),
            Ok(("2024-02-01".into(), "2024-02-29".into()))
        );
        assert_eq!(
            days(Asked {
                month: Some(parse_month("2026-12").unwrap()),
                ..Asked::default()
            }),
            Ok(("2026-12-01".into(), TODAY.into()))
        );
        assert_eq!(
            days(from(Day::Yesterday)),
            Ok(("2026-12-01".into(), TODAY.into()))
        );
        assert_eq!(
            days(Asked {
                from: Some(Day::Date(d("2026-11-30"))),
                to: Some(Day::Yesterday),
                ..Asked::default()
            }),
            Ok(("2026-11-30".into(), "2026-12-01".into()))
        );
    }

    #[test]
    fn the_future_and_swapped_days_are_refused() {
        let future = days(Asked {
            from: Some(Day::Date(d("2026-12-01"))),
            to: Some(Day::Date(d("2026-12-05"))),
            ..Asked::default()
        });
        assert!(future.unwrap_err().contains("in the future"));
        let month = days(Asked {
            month: Some(parse_month("2027-01").unwrap()),
            ..Asked::default()
        });
        assert!(month.unwrap_err().contains("has not begun"));
        let swapped = days(Asked {
            from: Some(Day::Today),
            to: Some(Day::Yesterday),
            ..Asked::default()
        });
        assert!(swapped.unwrap_err().contains("swap"));
        assert!(days(Asked::default()).unwrap_err().contains("--last"));
    }
}
