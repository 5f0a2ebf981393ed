//! rtc-usage-store: the history behind `rtc-usage sync`: normalized usage records, the days
//! each scope holds (provisional or final, with or without records), and every revision of
//! a figure; in a SQLite file, or on a PostgreSQL server shared by a team (cargo feature
//! `postgres`).
//!
//! A sync asks [`Store::coverage`] which days it still needs, fetches them, and writes each
//! fetched window with [`Store::write_window`], in one transaction with the days it covered:
//! a killed sync loses no committed window, and the next run fetches only what is missing
//! or provisional. The same figures written again change nothing; a different figure
//! replaces the current one and is kept in [`Store::revisions`].
//!
//! ```no_run
//! # async fn run() -> Result<(), rtc_usage_store::StoreError> {
//! use chrono::{DateTime, NaiveDate, Utc};
//! use rtc_usage_store::{DayState, Filter, NewRecord, Scope, Store, Window};
//!
//! let store = Store::open("usage.db").await?; // or "postgres://me@db.example/usage"
//! let scope = Scope::new("volcengine", "AKLT-account", "65f1a2b3c4d5e6f708192a3b", "call", "day");
//! let (from, to) = (NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(), NaiveDate::from_ymd_opt(2026, 11, 7).unwrap());
//! let coverage = store.coverage(&scope, from, to).await?;
//! println!("to fetch: {:?} and {:?}", coverage.missing_days, coverage.provisional_days);
//!
//! // One fetched window: 1–5 November final, 6–7 provisional (the vendor's data delay).
//! let start = DateTime::parse_from_rfc3339("2026-11-01T00:00:00+08:00").unwrap();
//! let window = Window::new(scope, Utc::now())
//!     .days(from, NaiveDate::from_ymd_opt(2026, 11, 5).unwrap(), DayState::Final)
//!     .days(NaiveDate::from_ymd_opt(2026, 11, 6).unwrap(), to, DayState::Provisional)
//!     .record(NewRecord::new(start, "audio", "Audio", 5_400.0).request_id("req-1"));
//! let report = store.write_window(&window).await?;
//! assert_eq!(store.write_window(&window).await?.changed(), 0); // idempotent
//! # let _ = report;
//! for record in store.records(&Filter::new().vendor("volcengine").days(from, to)).await? {
//!     println!("{} {} {} {}s", record.scope.app, record.start, record.vendor_tier, record.seconds);
//! }
//! # Ok(()) }
//! ```
//!
//! Keys are vendor, account, app, category, granularity (a [`Scope`]), bucket start and the
//! *vendor's* tier name: several vendor tiers can share one common tier (every unmapped one
//! is `other`; a recording's `single/` and `mix/` variants), so the common tier is a column
//! and the vendor tier the key. See the README for the schema and the choices behind it.

mod error;
mod key;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "postgres")]
mod postgres_tls;
mod read;
mod schema;
mod sql;
mod sqlite;
pub mod sync;
mod write;

use std::path::Path;
use std::time::Duration;

use chrono::NaiveDate;

pub use error::{Result, StoreError, redact};
pub use key::{
    Coverage, DayState, Filter, NewRecord, REQUEST_ID_SEPARATOR, Revision, Scope, StoredRecord,
    Window, WriteReport,
};
#[cfg(feature = "postgres")]
pub use postgres::{LOCK_CLASS, SYNC_LOCK_CLASS};
pub use schema::LATEST_VERSION;

use sql::{Query, Row, Statement};

/// How to open a store.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoreOptions {
    /// How long a write waits for another writer of the same store before
    /// [`StoreError::Locked`]. A writer holds the lock for one window's transaction
    /// (milliseconds), so the default, 30 s, is only reached when something is wrong.
    pub busy_timeout: Duration,
    /// PostgreSQL only: the schema to keep the tables in (created if absent); the
    /// connection's `search_path` otherwise. Letters, digits and `_`.
    pub schema: Option<String>,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            busy_timeout: Duration::from_secs(30),
            schema: None,
        }
    }
}

impl StoreOptions {
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }
}

/// A store's sync lock, from [`Store::lock_sync`].
#[derive(Debug)]
#[must_use = "the lock is released when dropped"]
pub struct SyncLock {
    /// SQLite: the connection holding the lock file's exclusive transaction.
    _sqlite: Option<rusqlite::Connection>,
}

/// Which database a store is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreKind {
    Sqlite,
    Postgres,
}

/// An open, migrated store: SQLite or PostgreSQL behind one API. Calls from several tasks
/// are serialized on the store's one connection; open the store twice for two connections.
pub struct Store {
    backend: Backend,
}

enum Backend {
    Sqlite(sqlite::Sqlite),
    #[cfg(feature = "postgres")]
    Postgres(Box<postgres::Postgres>),
}

/// Whether `location` names a PostgreSQL server rather than a SQLite file.
pub fn is_postgres_url(location: &str) -> bool {
    let lower = location.get(..13).unwrap_or(location).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

impl Store {
    /// [`Store::open_with`] the default options.
    pub async fn open(location: &str) -> Result<Self> {
        Self::open_with(location, &StoreOptions::default()).await
    }

    /// Opens the store at `location`, a `postgres://` or `postgresql://` URL or else a SQLite
    /// file's path (created if absent), and migrates it to [`LATEST_VERSION`] in one
    /// transaction. Refuses a store of a newer schema, and a database that is not a store.
    pub async fn open_with(location: &str, options: &StoreOptions) -> Result<Self> {
        let backend = if is_postgres_url(location) {
            #[cfg(feature = "postgres")]
            {
                Backend::Postgres(Box::new(postgres::Postgres::open(location, options).await?))
            }
            #[cfg(not(feature = "postgres"))]
            {
                return Err(StoreError::PostgresNotBuilt {
                    location: redact(location),
                });
            }
        } else {
            Backend::Sqlite(sqlite::Sqlite::open(Path::new(location), options).await?)
        };
        Ok(Self { backend })
    }

    /// The path, or the URL without its password.
    pub fn location(&self) -> &str {
        match &self.backend {
            Backend::Sqlite(s) => s.location(),
            #[cfg(feature = "postgres")]
            Backend::Postgres(p) => p.location(),
        }
    }

    pub fn kind(&self) -> StoreKind {
        match &self.backend {
            Backend::Sqlite(_) => StoreKind::Sqlite,
            #[cfg(feature = "postgres")]
            Backend::Postgres(_) => StoreKind::Postgres,
        }
    }

    /// The schema version the store is at (after open: [`LATEST_VERSION`]).
    pub async fn schema_version(&self) -> Result<i64> {
        let rows = self
            .query(Query {
                sql: schema::CURRENT_VERSION.to_owned(),
                params: Vec::new(),
            })
            .await?;
        let row = rows.first().map(Vec::as_slice).unwrap_or_default();
        Ok(sql::Reader {
            row,
            location: self.location(),
        }
        .opt_int(0)?
        .unwrap_or(0))
    }

    /// Writes `window` in one transaction under the store's write lock: its records
    /// (inserted, updated with a revision, or removed with a revision when a covered day no
    /// longer has them) and its days' states. Only what differs is written: the same window
    /// twice reports [`WriteReport::changed`] 0 the second time. Nothing is written when the
    /// window is invalid ([`StoreError::InvalidWindow`]) or any statement fails.
    pub async fn write_window(&self, window: &Window) -> Result<WriteReport> {
        window.check().map_err(|reason| StoreError::InvalidWindow {
            scope: window.scope.to_string(),
            reason,
        })?;
        let reads = write::reads(window).to_vec();
        let window = window.clone();
        let location = self.location().to_owned();
        self.write(reads, move |rows| write::plan(&window, rows, &location))
            .await
    }

    /// Takes the store's sync lock, so that one sync at a time fetches for it: a second one
    /// is refused at once with [`StoreError::SyncRunning`] (waiting would fetch the same days
    /// twice). SQLite: an exclusive transaction on `PATH.sync-lock` beside the file;
    /// PostgreSQL: the session advisory lock `(SYNC_LOCK_CLASS, hashtext(schema))`. A killed
    /// process's lock is released by the system (its file locks, its connection). Release it
    /// with [`Store::unlock_sync`]; dropping the lock releases it on SQLite only
    /// (PostgreSQL: when the store is dropped).
    pub async fn lock_sync(&self) -> Result<SyncLock> {
        match &self.backend {
            Backend::Sqlite(s) => Ok(SyncLock {
                _sqlite: Some(s.lock_sync().await?),
            }),
            #[cfg(feature = "postgres")]
            Backend::Postgres(p) => {
                p.lock_sync().await?;
                Ok(SyncLock { _sqlite: None })
            }
        }
    }

    /// Releases a lock of [`Store::lock_sync`].
    pub async fn unlock_sync(&self, lock: SyncLock) -> Result<()> {
        drop(lock);
        match &self.backend {
            Backend::Sqlite(_) => Ok(()),
            #[cfg(feature = "postgres")]
            Backend::Postgres(p) => p.unlock_sync().await,
        }
    }

    /// Which days of `from..=to` (both included) `scope` holds as final, as provisional, or
    /// not at all.
    pub async fn coverage(
        &self,
        scope: &Scope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Coverage> {
        let rows = self.query(sql::held_days(scope, from, to)).await?;
        read::coverage(scope, from, to, &rows, self.location())
    }

    /// The scopes holding a day that matches `filter`.
    pub async fn scopes(&self, filter: &Filter) -> Result<Vec<Scope>> {
        let rows = self.query(sql::scopes(filter)).await?;
        read::scopes(&rows, self.location())
    }

    /// The current records matching `filter` (days in each record's own offset), by scope,
    /// then bucket start, then vendor tier.
    pub async fn records(&self, filter: &Filter) -> Result<Vec<StoredRecord>> {
        let rows = self.query(sql::records(filter)).await?;
        read::records(&rows, self.location())
    }

    /// The revisions of figures matching `filter` (by the revised bucket's day), oldest first.
    pub async fn revisions(&self, filter: &Filter) -> Result<Vec<Revision>> {
        let rows = self.query(sql::revisions(filter)).await?;
        read::revisions(&rows, self.location())
    }

    async fn query(&self, query: Query) -> Result<Vec<Row>> {
        match &self.backend {
            Backend::Sqlite(s) => s.query(query).await,
            #[cfg(feature = "postgres")]
            Backend::Postgres(p) => p.query(query).await,
        }
    }

    async fn write<T, F>(&self, reads: Vec<Query>, plan: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&[Vec<Row>]) -> Result<(Vec<Statement>, T)> + Send + 'static,
    {
        match &self.backend {
            Backend::Sqlite(s) => s.write(reads, plan).await,
            #[cfg(feature = "postgres")]
            Backend::Postgres(p) => p.write(reads, plan).await,
        }
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("kind", &self.kind())
            .field("location", &self.location())
            .finish()
    }
}
