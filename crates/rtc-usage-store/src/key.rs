//! What the store holds, by key: scopes, the records of a window, the days they cover, the
//! revisions of a figure, and the filters that read them back.
//!
//! Vendors, categories, tiers and granularities are kept as the facade's names (`volcengine`,
//! `call`, `hd`, `day`, `5min`), not its types: a history shared by a team is readable by a
//! build that lacks one of its vendors, and the store never depends on the vendor crates.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// What one window is fetched for: one vendor account's app, category and granularity.
/// Coverage (which days are held) is kept per scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope {
    /// The vendor id (`volcengine`, `tencent`, ...).
    pub vendor: String,
    /// The vendor account the figures belong to (an access key id, a customer id...): two
    /// accounts may have apps of the same id.
    pub account: String,
    /// The app id, or `*` for all apps of the account.
    pub app: String,
    /// `call`, `recording`, `transcoding`.
    pub category: String,
    /// `day` or `<N>min`.
    pub granularity: String,
}

impl Scope {
    pub fn new(
        vendor: impl Into<String>,
        account: impl Into<String>,
        app: impl Into<String>,
        category: impl Into<String>,
        granularity: impl Into<String>,
    ) -> Self {
        Self {
            vendor: vendor.into(),
            account: account.into(),
            app: app.into(),
            category: category.into(),
            granularity: granularity.into(),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{} (account {}, {}, {})",
            self.vendor, self.app, self.account, self.category, self.granularity
        )
    }
}

/// Whether a held day's figures can still change. The caller decides, from the vendor's
/// documented data delay; a later write of the day may change it either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DayState {
    /// Fetched, but the vendor may still revise it: a sync fetches it again.
    Provisional,
    /// Settled: a sync need not fetch it again.
    Final,
}

impl DayState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Provisional => "provisional",
            Self::Final => "final",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        [Self::Provisional, Self::Final]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// One figure of a window: the bucket, the tier and the seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRecord {
    /// Start of the bucket, in the vendor's calendar; its date in that offset is its day.
    pub start: DateTime<FixedOffset>,
    /// The common tier name (`audio`, `hd`, `other`...).
    pub tier: String,
    /// The vendor's own tier name (`single/VideoSD`); part of the key, since several vendor
    /// tiers can share one common tier (`other`, or a recording's single and mix variants).
    pub vendor_tier: String,
    pub seconds: f64,
    /// The vendor's request id of the answer, when it gave one; several, separated by
    /// [`REQUEST_ID_SEPARATOR`], when the figure was summed from several answers.
    pub request_id: Option<String>,
}

/// Between the request ids of a figure summed from several answers, in one `request_id`.
pub const REQUEST_ID_SEPARATOR: char = ',';

impl NewRecord {
    pub fn new(
        start: DateTime<FixedOffset>,
        tier: impl Into<String>,
        vendor_tier: impl Into<String>,
        seconds: f64,
    ) -> Self {
        Self {
            start,
            tier: tier.into(),
            vendor_tier: vendor_tier.into(),
            seconds,
            request_id: None,
        }
    }

    pub fn request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(id.into());
        self
    }

    /// The request ids of the answers the figure was summed from (none: no id kept).
    pub fn request_ids<S: AsRef<str>>(mut self, ids: impl IntoIterator<Item = S>) -> Self {
        let mut joined = String::new();
        for id in ids {
            if !joined.is_empty() {
                joined.push(REQUEST_ID_SEPARATOR);
            }
            joined.push_str(id.as_ref());
        }
        self.request_id = (!joined.is_empty()).then_some(joined);
        self
    }

    /// The record's day: the date of its start in its own offset.
    pub fn day(&self) -> NaiveDate {
        self.start.date_naive()
    }
}

/// Everything one fetch learned about a scope: the days it covered (each provisional or
/// final, held even with no record: zero usage) and their records. Written in one
/// transaction by [`crate::Store::write_window`].
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub scope: Scope,
    /// When the figures were fetched: stored with new figures and revisions.
    pub fetched_at: DateTime<Utc>,
    pub days: BTreeMap<NaiveDate, DayState>,
    pub records: Vec<NewRecord>,
}

impl Window {
    pub fn new(scope: Scope, fetched_at: DateTime<Utc>) -> Self {
        Self {
            scope,
            fetched_at,
            days: BTreeMap::new(),
            records: Vec::new(),
        }
    }

    /// Covers `day`, marked `state`.
    pub fn day(mut self, day: NaiveDate, state: DayState) -> Self {
        self.days.insert(day, state);
        self
    }

    /// Covers every day of `from..=to`, marked `state`.
    pub fn days(mut self, from: NaiveDate, to: NaiveDate, state: DayState) -> Self {
        for day in from.iter_days().take_while(|d| *d <= to) {
            self.days.insert(day, state);
        }
        self
    }

    pub fn record(mut self, record: NewRecord) -> Self {
        self.records.push(record);
        self
    }

    pub fn records(mut self, records: impl IntoIterator<Item = NewRecord>) -> Self {
        self.records.extend(records);
        self
    }

    /// Why the window cannot be stored as it is, if it cannot.
    pub(crate) fn check(&self) -> Result<(), String> {
        let scope = &self.scope;
        for (what, value) in [
            ("vendor", &scope.vendor),
            ("account", &scope.account),
            ("app", &scope.app),
            ("category", &scope.category),
            ("granularity", &scope.granularity),
        ] {
            if value.is_empty() {
                return Err(format!("its {what} is empty"));
            }
        }
        if self.days.is_empty() {
            return Err("it covers no day".to_owned());
        }
        let mut keys = BTreeSet::new();
        for record in &self.records {
            let at = record.start.to_rfc3339();
            if !self.days.contains_key(&record.day()) {
                return Err(format!(
                    "the record at {at} ({}) is on {}, a day the window does not cover",
                    record.vendor_tier,
                    record.day()
                ));
            }
            if !record.seconds.is_finite() || record.seconds < 0.0 {
                return Err(format!(
                    "the record at {at} ({}) has {} seconds: usage is a finite, non-negative figure",
                    record.vendor_tier, record.seconds
                ));
            }
            if !keys.insert((record.start.timestamp(), record.vendor_tier.as_str())) {
                return Err(format!(
                    "two records at {at} for tier {}",
                    record.vendor_tier
                ));
            }
        }
        Ok(())
    }
}

/// A figure as stored: its scope and bucket, the current seconds, and where they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecord {
    pub scope: Scope,
    pub start: DateTime<FixedOffset>,
    /// The date of `start` in its own offset.
    pub day: NaiveDate,
    pub tier: String,
    pub vendor_tier: String,
    pub seconds: f64,
    /// When the current figure was first fetched (a later fetch of the same figure changes
    /// nothing).
    pub fetched_at: DateTime<Utc>,
    /// The request id (or ids, see [`NewRecord::request_id`]) of the answer it was fetched
    /// from.
    pub request_id: Option<String>,
}

impl StoredRecord {
    /// The request ids of the answers the figure came from, one by one.
    pub fn request_ids(&self) -> impl Iterator<Item = &str> {
        self.request_id
            .as_deref()
            .into_iter()
            .flat_map(|ids| ids.split(REQUEST_ID_SEPARATOR))
            .filter(|id| !id.is_empty())
    }
}

/// One change of a stored figure: the value before, the value after, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub scope: Scope,
    pub start: DateTime<FixedOffset>,
    pub day: NaiveDate,
    pub tier: String,
    pub vendor_tier: String,
    pub old_seconds: f64,
    /// `None`: the record was removed (a later answer for its day no longer had it).
    pub new_seconds: Option<f64>,
    /// When the old figure had been fetched.
    pub old_fetched_at: DateTime<Utc>,
    /// When the new figure was fetched (its window's `fetched_at`).
    pub revised_at: DateTime<Utc>,
    /// The request id of the answer with the new figure.
    pub request_id: Option<String>,
    /// Whether the day was held as final before: a vendor revising a settled day.
    pub was_final: bool,
}

/// What a write changed. Writing the same window twice changes nothing the second time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteReport {
    pub inserted: u64,
    /// Records whose figure (a revision is kept) or common tier changed.
    pub updated: u64,
    /// Records no longer in their day's answer (a revision to `None` is kept).
    pub removed: u64,
    pub unchanged: u64,
    /// Days newly held, or whose state changed.
    pub days_marked: u64,
}

impl WriteReport {
    /// Rows of the store the write changed (revisions aside).
    pub fn changed(&self) -> u64 {
        self.inserted + self.updated + self.removed + self.days_marked
    }
}

/// Which days of `from..=to` a scope holds, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub scope: Scope,
    pub final_days: Vec<NaiveDate>,
    pub provisional_days: Vec<NaiveDate>,
    /// Days the store does not hold: a sync must fetch them.
    pub missing_days: Vec<NaiveDate>,
}

/// Which rows to read. Every empty list matches everything; days are the records' own
/// (the date of a bucket's start in its offset), both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub vendors: Vec<String>,
    pub accounts: Vec<String>,
    pub apps: Vec<String>,
    pub categories: Vec<String>,
    pub granularities: Vec<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Filter {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn vendor(mut self, vendor: impl Into<String>) -> Self {
        self.vendors.push(vendor.into());
        self
    }

    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.accounts.push(account.into());
        self
    }

    pub fn app(mut self, app: impl Into<String>) -> Self {
        self.apps.push(app.into());
        self
    }

    pub fn category(mut self, category: impl Into<String>) -> Self {
        self.categories.push(category.into());
        self
    }

    pub fn granularity(mut self, granularity: impl Into<String>) -> Self {
        self.granularities.push(granularity.into());
        self
    }

    /// Days `from..=to`.
    pub fn days(mut self, from: NaiveDate, to: NaiveDate) -> Self {
        self.from = Some(from);
        self.to = Some(to);
        self
    }
}
