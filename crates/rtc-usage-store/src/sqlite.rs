//! The SQLite backend: one file, in WAL mode with `synchronous = FULL` (a commit is on disk
//! when it returns; readers never wait for a writer), written in `BEGIN IMMEDIATE`
//! transactions that wait up to the busy timeout for another writer.
//!
//! rusqlite is synchronous; every call runs on tokio's blocking pool (`spawn_blocking`), so a
//! write waiting out the busy timeout never stalls the runtime threads that are fetching
//! vendors meanwhile. Outside a runtime the call runs on the caller's thread.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::Utc;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, ErrorCode, OpenFlags, ToSql, TransactionBehavior, params_from_iter};

use crate::StoreOptions;
use crate::error::{Result, StoreError};
use crate::schema;
use crate::sql::{self, Cell, Query, Row, Statement, Value};

pub(crate) struct Sqlite {
    conn: Arc<Mutex<Connection>>,
    location: String,
    busy_timeout: Duration,
}

impl Sqlite {
    /// Opens (creating it if absent) and migrates the store at `path`.
    pub async fn open(path: &Path, options: &StoreOptions) -> Result<Self> {
        let location = path.display().to_string();
        let busy_timeout = options.busy_timeout;
        let path = path.to_owned();
        let at = location.clone();
        let opened = blocking(&location, move || {
            open_and_migrate(&path, &at, busy_timeout)
        })
        .await?;
        Ok(Self {
            conn: Arc::new(Mutex::new(opened)),
            location,
            busy_timeout,
        })
    }

    pub fn location(&self) -> &str {
        &self.location
    }

    /// Takes the sync lock: an exclusive transaction on `PATH.sync-lock`, a small SQLite
    /// file beside the store, held by the returned connection (dropping it releases the
    /// lock, and so does the system when the process dies). Refused at once, not waited for.
    pub async fn lock_sync(&self) -> Result<Connection> {
        let path = format!("{}.sync-lock", self.location);
        let location = self.location.clone();
        blocking(&self.location, move || {
            let busy = |e: rusqlite::Error| match e.sqlite_error_code() {
                Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                    StoreError::SyncRunning {
                        location: location.clone(),
                    }
                }
                _ => error(&path, Duration::ZERO, e),
            };
            let conn = Connection::open(&path).map_err(busy)?;
            conn.busy_timeout(Duration::ZERO).map_err(busy)?;
            conn.execute_batch("CREATE TABLE IF NOT EXISTS sync_lock (held INTEGER)")
                .map_err(busy)?;
            conn.execute_batch("BEGIN EXCLUSIVE").map_err(busy)?;
            Ok(conn)
        })
        .await
    }

    pub async fn query(&self, query: Query) -> Result<Vec<Row>> {
        let (conn, location, busy) = self.parts();
        blocking(&self.location, move || {
            let conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            rows(&conn, &query).map_err(|e| error(&location, busy, e))
        })
        .await
    }

    /// Reads `reads` and writes what `plan` makes of their rows, in one `BEGIN IMMEDIATE`
    /// transaction.
    pub async fn write<T, F>(&self, reads: Vec<Query>, plan: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&[Vec<Row>]) -> Result<(Vec<Statement>, T)> + Send + 'static,
    {
        let (conn, location, busy) = self.parts();
        blocking(&self.location, move || {
            let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            let fail = |e| error(&location, busy, e);
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(fail)?;
            let answers = reads
                .iter()
                .map(|q| rows(&tx, q))
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(fail)?;
            let (writes, out) = plan(&answers)?;
            for write in &writes {
                execute(&tx, write.sql, &write.params).map_err(fail)?;
            }
            tx.commit().map_err(fail)?;
            Ok(out)
        })
        .await
    }

    fn parts(&self) -> (Arc<Mutex<Connection>>, String, Duration) {
        (
            Arc::clone(&self.conn),
            self.location.clone(),
            self.busy_timeout,
        )
    }
}

/// Runs `job` on the blocking pool when there is a runtime, else here.
async fn blocking<T, F>(location: &str, job: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T> + Send + 'static,
{
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => runtime
            .spawn_blocking(job)
            .await
            .map_err(|e| StoreError::Database {
                location: location.to_owned(),
                message: format!("the store's worker thread failed: {e}"),
            })?,
        Err(_) => job(),
    }
}

fn open_and_migrate(path: &Path, location: &str, busy: Duration) -> Result<Connection> {
    let fail = |e| error(location, busy, e);
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::Open {
        location: location.to_owned(),
        reason: e.to_string(),
    })?;
    conn.busy_timeout(busy).map_err(fail)?;
    // The first statement that reads the file: a file that is not SQLite fails here.
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .map_err(fail)?;
    conn.execute_batch("PRAGMA synchronous = FULL")
        .map_err(fail)?;
    migrate(conn, location, busy)
}

fn migrate(mut conn: Connection, location: &str, busy: Duration) -> Result<Connection> {
    let fail = |e| error(location, busy, e);
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(fail)?;
    let tables = rows(
        &tx,
        &Query {
            sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name".to_owned(),
            params: Vec::new(),
        },
    )
    .map_err(fail)?;
    let tables = tables
        .iter()
        .map(|row| sql::Reader { row, location }.text(0).map(str::to_owned))
        .collect::<Result<Vec<_>>>()?;
    let has_versions = tables.iter().any(|t| t == "schema_version");
    let version = if has_versions {
        current_version(&tx, location, busy)?
    } else {
        None
    };
    let pending = schema::pending(location, &tables, version)?;
    if !has_versions {
        tx.execute_batch(schema::VERSION_TABLE).map_err(fail)?;
    }
    let now = sql::instant_text(&Utc::now());
    for migration in pending {
        tx.execute_batch(migration.sql).map_err(fail)?;
        let params = [Value::Int(migration.version), Value::Text(now.clone())];
        execute(&tx, schema::RECORD_VERSION, &params).map_err(fail)?;
    }
    tx.commit().map_err(fail)?;
    Ok(conn)
}

/// `MAX(version)` of `schema_version`; a table of that name that is not ours is not a store.
fn current_version(conn: &Connection, location: &str, busy: Duration) -> Result<Option<i64>> {
    let query = Query {
        sql: schema::CURRENT_VERSION.to_owned(),
        params: Vec::new(),
    };
    let answer = rows(conn, &query).map_err(|e| error(location, busy, e))?;
    let row = answer.first().map(Vec::as_slice).unwrap_or_default();
    sql::Reader { row, location }
        .opt_int(0)
        .map_err(|e| StoreError::NotAStore {
            location: location.to_owned(),
            reason: format!("its schema_version table is not rtc-usage's ({e})"),
        })
}

/// PostgreSQL's `$n` as SQLite's `?n`: the same numbered parameter.
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

fn rows(conn: &Connection, query: &Query) -> rusqlite::Result<Vec<Row>> {
    let mut statement = conn.prepare_cached(&numbered(&query.sql))?;
    let columns = statement.column_count();
    let rows = statement.query_map(params_from_iter(&query.params), |row| {
        (0..columns)
            .map(|i| row.get_ref(i).map(cell))
            .collect::<rusqlite::Result<Row>>()
    })?;
    rows.collect()
}

fn execute(conn: &Connection, sql: &str, params: &[Value]) -> rusqlite::Result<usize> {
    conn.prepare_cached(&numbered(sql))?
        .execute(params_from_iter(params))
}

fn cell(value: ValueRef<'_>) -> Cell {
    match value {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(i) => Cell::Int(i),
        ValueRef::Real(r) => Cell::Real(r),
        ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Cell::Blob(b.len()),
    }
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            Value::Text(t) => t.to_sql(),
            Value::Int(i) => i.to_sql(),
            Value::Real(r) => r.to_sql(),
            Value::OptText(t) => t.to_sql(),
            Value::OptReal(r) => r.to_sql(),
        }
    }
}

/// A rusqlite error as the store's: busy is [`StoreError::Locked`], a file that is not a
/// database is [`StoreError::NotAStore`].
fn error(location: &str, busy: Duration, e: rusqlite::Error) -> StoreError {
    let location = location.to_owned();
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Locked {
            location,
            waited: busy,
        },
        Some(ErrorCode::NotADatabase) => StoreError::NotAStore {
            location,
            reason: e.to_string(),
        },
        Some(ErrorCode::CannotOpen) => StoreError::Open {
            location,
            reason: e.to_string(),
        },
        _ => StoreError::Database {
            location,
            message: e.to_string(),
        },
    }
}
