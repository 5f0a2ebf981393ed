//! The PostgreSQL backend (cargo feature `postgres`): the same schema and SQL as SQLite, in a
//! schema of its own if asked (`StoreOptions::schema`).
//!
//! On tokio-postgres: async on the CLI's tokio runtime (the `postgres` crate would run a
//! second runtime inside it), plain SQL text like the SQLite side (sqlx's checked queries
//! need a database at build time, and bring a much larger tree), maintained with the
//! rust-postgres family. TLS through rustls, with libpq's `sslmode` and `sslrootcert`
//! ([`crate::postgres_tls`]): a certificate is always verified when TLS is used.
//!
//! Writers take a transaction-level advisory lock, `pg_advisory_xact_lock(LOCK_CLASS,
//! hashtext(current_schema()))`, under `SET LOCAL lock_timeout` = the busy timeout: a second
//! writer of the same store waits, then fails as [`StoreError::Locked`]; the lock is released
//! by the commit, the rollback, or the server when a killed client's connection drops.

use std::time::Duration;

use chrono::Utc;
use tokio::sync::Mutex;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Config, GenericClient};

use crate::StoreOptions;
use crate::error::{Result, StoreError, redact, scrub, url_password};
use crate::postgres_tls;
use crate::schema;
use crate::sql::{self, Cell, Query, Row, Statement, Value};

/// The first key of the store's advisory lock ("rtcu" in ASCII); the second is the hash of
/// the store's schema, so stores in two schemas of one database never wait for each other.
pub const LOCK_CLASS: i32 = 0x7274_6375;

/// The first key of the sync lock, a session-level advisory lock held for a whole sync
/// ([`Postgres::lock_sync`]); the second is the schema's hash, as for [`LOCK_CLASS`].
pub const SYNC_LOCK_CLASS: i32 = LOCK_CLASS + 1;

const TRY_SYNC_LOCK: &str =
    "SELECT pg_try_advisory_lock($1, hashtext(COALESCE(current_schema(), '')))";

const SYNC_UNLOCK: &str = "SELECT pg_advisory_unlock($1, hashtext(COALESCE(current_schema(), '')))";

const LOCK: &str = "SELECT pg_advisory_xact_lock($1, hashtext(COALESCE(current_schema(), '')))";

const TABLES: &str = "SELECT tablename::text FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY tablename";

/// The connection's `application_name` unless the URL gives one.
const APPLICATION_NAME: &str = "rtc-usage-store";

/// How long to wait for the server to answer a connection, unless the URL says
/// (`connect_timeout=`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) struct Postgres {
    client: Mutex<Client>,
    location: String,
    /// The URL's password, scrubbed from every message the server or driver writes.
    secret: Option<String>,
    busy_timeout: Duration,
}

impl Postgres {
    pub async fn open(url: &str, options: &StoreOptions) -> Result<Self> {
        let location = redact(url);
        let invalid = |reason: String| StoreError::InvalidLocation {
            location: location.clone(),
            reason: scrub(&reason, url_password(url)),
        };
        let tls = postgres_tls::settings(url).map_err(invalid)?;
        let mut config: Config = tls
            .url
            .parse()
            .map_err(|e: tokio_postgres::Error| invalid(describe(&e)))?;
        let connector = postgres_tls::connector(tls.root_cert.as_ref()).map_err(invalid)?;
        let secret = config
            .get_password()
            .map(|p| String::from_utf8_lossy(p).into_owned());
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        // What a DBA sees in pg_stat_activity, unless the URL names it.
        if config.get_application_name().is_none() {
            config.application_name(APPLICATION_NAME);
        }
        let (client, connection) = config.connect(connector).await.map_err(|e| {
            let mut reason = describe(&e);
            if reason.contains("invalid peer certificate") {
                reason.push_str(
                    "; the server's certificate is not trusted: name its CA with sslrootcert=PATH in the URL (or sslmode=disable, on a network you trust)",
                );
            }
            StoreError::Open {
                location: location.clone(),
                reason: scrub(&reason, secret.as_deref()),
            }
        })?;
        // The connection's I/O; it ends when the client is dropped or the server goes away
        // (then every call fails with a "connection closed" error).
        tokio::spawn(async move {
            let _ = connection.await;
        });
        let store = Self {
            client: Mutex::new(client),
            location,
            secret,
            busy_timeout: options.busy_timeout,
        };
        if let Some(name) = &options.schema {
            store.use_schema(name).await?;
        }
        store.migrate().await?;
        Ok(store)
    }

    pub fn location(&self) -> &str {
        &self.location
    }

    /// Takes the sync lock, `pg_try_advisory_lock(SYNC_LOCK_CLASS, hashtext(schema))`, on
    /// the store's connection: held until [`Postgres::unlock_sync`] or the connection ends
    /// (a killed sync's lock goes with its connection). Refused at once, not waited for.
    pub async fn lock_sync(&self) -> Result<()> {
        let client = self.client.lock().await;
        let row = client
            .query_one(TRY_SYNC_LOCK, &[&SYNC_LOCK_CLASS])
            .await
            .map_err(|e| self.error(e))?;
        let taken: bool = row.try_get(0).map_err(|e| self.error(e))?;
        if taken {
            Ok(())
        } else {
            Err(StoreError::SyncRunning {
                location: self.location.clone(),
            })
        }
    }

    pub async fn unlock_sync(&self) -> Result<()> {
        let client = self.client.lock().await;
        client
            .query_one(SYNC_UNLOCK, &[&SYNC_LOCK_CLASS])
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Creates schema `name` if absent and makes it the connection's only one.
    async fn use_schema(&self, name: &str) -> Result<()> {
        let valid = !name.is_empty()
            && name.len() <= 63
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit());
        if !valid {
            return Err(StoreError::InvalidLocation {
                location: self.location.clone(),
                reason: format!(
                    "schema name {name:?}: expected up to 63 ASCII letters, digits and underscores, not starting with a digit"
                ),
            });
        }
        let client = self.client.lock().await;
        if let Err(e) = client
            .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS \"{name}\""))
            .await
        {
            // Two openers creating it at once: one of them is told it exists.
            if !matches!(
                e.code(),
                Some(&SqlState::UNIQUE_VIOLATION | &SqlState::DUPLICATE_SCHEMA)
            ) {
                return Err(self.error(e));
            }
        }
        client
            .batch_execute(&format!("SET search_path TO \"{name}\""))
            .await
            .map_err(|e| self.error(e))
    }

    async fn migrate(&self) -> Result<()> {
        let location = self.location.as_str();
        let mut client = self.client.lock().await;
        let tx = self.locked(&mut client).await?;
        let tables = self.rows(&tx, TABLES, &[]).await?;
        let tables = tables
            .iter()
            .map(|row| sql::Reader { row, location }.text(0).map(str::to_owned))
            .collect::<Result<Vec<_>>>()?;
        let has_versions = tables.iter().any(|t| t == "schema_version");
        let version = if has_versions {
            let answer = self.rows(&tx, schema::CURRENT_VERSION, &[]).await?;
            let row = answer.first().map(Vec::as_slice).unwrap_or_default();
            sql::Reader { row, location }
                .opt_int(0)
                .map_err(|e| StoreError::NotAStore {
                    location: location.to_owned(),
                    reason: format!("its schema_version table is not rtc-usage's ({e})"),
                })?
        } else {
            None
        };
        let pending = schema::pending(location, &tables, version)?;
        let fail = |e| self.error(e);
        if !has_versions {
            tx.batch_execute(schema::VERSION_TABLE)
                .await
                .map_err(fail)?;
        }
        let now = sql::instant_text(&Utc::now());
        for migration in pending {
            tx.batch_execute(migration.sql).await.map_err(fail)?;
            let params = [Value::Int(migration.version), Value::Text(now.clone())];
            self.execute(&tx, schema::RECORD_VERSION, &params).await?;
        }
        tx.commit().await.map_err(fail)
    }

    pub async fn query(&self, query: Query) -> Result<Vec<Row>> {
        let client = self.client.lock().await;
        self.rows(&*client, &query.sql, &query.params).await
    }

    /// Reads `reads` and writes what `plan` makes of their rows, in one transaction under
    /// the store's advisory lock.
    pub async fn write<T, F>(&self, reads: Vec<Query>, plan: F) -> Result<T>
    where
        F: FnOnce(&[Vec<Row>]) -> Result<(Vec<Statement>, T)>,
    {
        let mut client = self.client.lock().await;
        let tx = self.locked(&mut client).await?;
        let mut answers = Vec::with_capacity(reads.len());
        for read in &reads {
            answers.push(self.rows(&tx, &read.sql, &read.params).await?);
        }
        let (writes, out) = plan(&answers)?;
        for write in &writes {
            self.execute(&tx, write.sql, &write.params).await?;
        }
        tx.commit().await.map_err(|e| self.error(e))?;
        Ok(out)
    }

    /// A transaction holding the store's write lock, waiting at most the busy timeout.
    async fn locked<'c>(&self, client: &'c mut Client) -> Result<tokio_postgres::Transaction<'c>> {
        let tx = client.transaction().await.map_err(|e| self.error(e))?;
        let millis = self.busy_timeout.as_millis().max(1);
        tx.batch_execute(&format!("SET LOCAL lock_timeout = '{millis}ms'"))
            .await
            .map_err(|e| self.error(e))?;
        tx.execute(LOCK, &[&LOCK_CLASS])
            .await
            .map_err(|e| self.error(e))?;
        Ok(tx)
    }

    async fn rows(
        &self,
        client: &impl GenericClient,
        sql: &str,
        params: &[Value],
    ) -> Result<Vec<Row>> {
        let answer = client
            .query(sql, &bind(params))
            .await
            .map_err(|e| self.error(e))?;
        answer.iter().map(|row| self.cells(row)).collect()
    }

    async fn execute(
        &self,
        client: &impl GenericClient,
        sql: &str,
        params: &[Value],
    ) -> Result<u64> {
        client
            .execute(sql, &bind(params))
            .await
            .map_err(|e| self.error(e))
    }

    fn cells(&self, row: &tokio_postgres::Row) -> Result<Row> {
        let fail = |i: usize, e: &dyn std::fmt::Display| StoreError::Corrupt {
            location: self.location.clone(),
            what: format!("column {i}: {e}"),
        };
        (0..row.len())
            .map(|i| {
                let ty = row.columns()[i].type_();
                let cell = match *ty {
                    Type::TEXT | Type::VARCHAR | Type::NAME | Type::BPCHAR => row
                        .try_get::<_, Option<String>>(i)
                        .map(|v| v.map(Cell::Text)),
                    Type::INT8 => row.try_get::<_, Option<i64>>(i).map(|v| v.map(Cell::Int)),
                    Type::INT4 => row
                        .try_get::<_, Option<i32>>(i)
                        .map(|v| v.map(|n| Cell::Int(n.into()))),
                    Type::FLOAT8 => row.try_get::<_, Option<f64>>(i).map(|v| v.map(Cell::Real)),
                    _ => return Err(fail(i, &format!("unexpected type {ty}"))),
                };
                cell.map(|c| c.unwrap_or(Cell::Null))
                    .map_err(|e| fail(i, &e))
            })
            .collect()
    }

    /// A driver or server error as the store's, password scrubbed: a lock wait past the
    /// timeout is [`StoreError::Locked`].
    fn error(&self, e: tokio_postgres::Error) -> StoreError {
        let location = self.location.clone();
        if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) {
            return StoreError::Locked {
                location,
                waited: self.busy_timeout,
            };
        }
        StoreError::Database {
            location,
            message: scrub(&describe(&e), self.secret.as_deref()),
        }
    }
}

fn bind(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|v| -> &(dyn ToSql + Sync) {
            match v {
                Value::Text(t) => t,
                Value::Int(i) => i,
                Value::Real(r) => r,
                Value::OptText(t) => t,
                Value::OptReal(r) => r,
            }
        })
        .collect()
}

/// The server's own message when there is one (tokio-postgres's `Display` says only
/// "db error"), else the driver's message with its causes.
fn describe(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut text = format!("{} {}: {}", db.severity(), db.code().code(), db.message());
        if let Some(detail) = db.detail() {
            text.push_str(&format!(" ({detail})"));
        }
        return text;
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}
