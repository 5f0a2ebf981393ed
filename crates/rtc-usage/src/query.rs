//! The question a user asks: which apps, which billing days, at what granularity.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::app::AppRef;
use crate::error::QueryError;
use crate::record::Category;
use crate::window::DayWindow;

/// How records are bucketed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Granularity {
    /// One record per billing day (the vendor's own day), summing finer buckets.
    #[default]
    Day,
    /// The buckets the vendor answers with (Tencent: 5 minutes when one day is asked).
    Native,
    /// One record per billing month: the vendor's days summed by the calendar month they
    /// fall in, in the vendor's own time zone (a Beijing month begins 8 hours before a UTC
    /// one). Only the days asked are summed: a range that starts or ends inside a month
    /// gives that month's record for those days alone.
    Month,
}

impl std::str::FromStr for Granularity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "day" => Ok(Self::Day),
            "native" => Ok(Self::Native),
            "month" => Ok(Self::Month),
            other => Err(format!(
                "unknown granularity `{other}`: expected day, month or native"
            )),
        }
    }
}

/// Usage of some apps over an inclusive range of billing days.
///
/// Days are each vendor's own billing days (in the time zone of its spec's `day_offset`), so
/// one query asks every vendor about the days it bills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageQuery {
    apps: BTreeSet<AppRef>,
    from: NaiveDate,
    to: NaiveDate,
    granularity: Granularity,
    categories: BTreeSet<Category>,
    max_calls: usize,
    within_lookback: bool,
}

/// No vendor of RTC usage reports days before this one: a range starting earlier is a typo
/// (`0001-01-01`) that would plan tens of thousands of calls.
pub const EARLIEST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2010, 1, 1) {
    Some(day) => day,
    None => panic!("a valid date"),
};

/// The most calls a query plans unless [`UsageQuery::max_calls`] allows more.
pub const DEFAULT_MAX_CALLS: usize = 10_000;

impl UsageQuery {
    /// Days `from` to `to`, both included; add apps with [`UsageQuery::app`].
    pub fn new(from: NaiveDate, to: NaiveDate) -> Self {
        Self {
            apps: BTreeSet::new(),
            from,
            to,
            granularity: Granularity::Day,
            categories: BTreeSet::from([Category::Call]),
            max_calls: DEFAULT_MAX_CALLS,
            within_lookback: false,
        }
    }

    /// What to report: call minutes by default; recording and transcoding where the vendor
    /// documents them (a vendor that does not is noted in the report's warnings).
    pub fn categories(mut self, categories: impl IntoIterator<Item = Category>) -> Self {
        self.categories = categories.into_iter().collect();
        self
    }

    pub fn get_categories(&self) -> impl Iterator<Item = Category> + '_ {
        self.categories.iter().copied()
    }

    pub fn app(mut self, app: AppRef) -> Self {
        self.apps.insert(app);
        self
    }

    pub fn apps(mut self, apps: impl IntoIterator<Item = AppRef>) -> Self {
        self.apps.extend(apps);
        self
    }

    /// The most calls the query may plan (default [`DEFAULT_MAX_CALLS`]); a larger plan is
    /// refused before any call, naming its size.
    pub fn max_calls(mut self, max_calls: usize) -> Self {
        self.max_calls = max_calls;
        self
    }

    pub(crate) fn get_max_calls(&self) -> usize {
        self.max_calls
    }

    /// Ask each vendor only the days it still keeps: days before an operation's enforced
    /// look-back (Alibaba's 90 days) are left out of the plan and named in its
    /// [`Plan::beyond_lookback`](crate::Plan) and the report's warnings, instead of refusing
    /// the whole query (the default, so that no asked day goes missing unnoticed).
    pub fn within_lookback(mut self, on: bool) -> Self {
        self.within_lookback = on;
        self
    }

    pub fn get_within_lookback(&self) -> bool {
        self.within_lookback
    }

    pub fn granularity(mut self, granularity: Granularity) -> Self {
        self.granularity = granularity;
        self
    }

    pub fn app_refs(&self) -> impl Iterator<Item = &AppRef> {
        self.apps.iter()
    }

    pub fn from_day(&self) -> NaiveDate {
        self.from
    }

    pub fn to_day(&self) -> NaiveDate {
        self.to
    }

    pub fn get_granularity(&self) -> Granularity {
        self.granularity
    }

    /// The days asked, checked: some app, and `from` not after `to`.
    pub(crate) fn days(&self) -> Result<DayWindow, QueryError> {
        if self.apps.is_empty() {
            return Err(QueryError::NoApps);
        }
        if self.categories.is_empty() {
            return Err(QueryError::NoCategories);
        }
        if self.from > self.to {
            return Err(QueryError::DatesSwapped {
                from: self.from,
                to: self.to,
            });
        }
        if self.from < EARLIEST_DAY {
            return Err(QueryError::TooEarly {
                from: self.from,
                earliest: EARLIEST_DAY,
            });
        }
        Ok(DayWindow::new(self.from, self.to))
    }
}
