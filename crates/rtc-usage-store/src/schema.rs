//! The schema, as an ordered list of migrations applied in one transaction on open, and the
//! rules for a store found on open: empty (migrated), ours (migrated to the latest), newer
//! than this build (refused) or someone else's (refused).
//!
//! The SQL is the common subset of SQLite and PostgreSQL (`TEXT`, `BIGINT`, `DOUBLE
//! PRECISION`; timestamps as fixed-width RFC 3339 text), so both backends run the same
//! scripts. A migration is never edited once released: a change is a new entry.

use crate::error::StoreError;

/// One step of the schema: applied once, recorded in `schema_version`.
#[derive(Debug)]
pub(crate) struct Migration {
    pub version: i64,
    pub sql: &'static str,
}

/// Created before the first migration of an empty store.
pub(crate) const VERSION_TABLE: &str =
    "CREATE TABLE schema_version (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)";

pub(crate) const RECORD_VERSION: &str =
    "INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)";

pub(crate) const CURRENT_VERSION: &str = "SELECT MAX(version) FROM schema_version";

pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    sql: r#"
-- The current figure of each key. The bucket start is kept as written (RFC 3339 with the
-- vendor's offset), as UTC epoch seconds (the key and the order) and as its own-offset date.
CREATE TABLE usage_records (
    vendor TEXT NOT NULL,
    account TEXT NOT NULL,
    app TEXT NOT NULL,
    category TEXT NOT NULL,
    granularity TEXT NOT NULL,
    start_epoch BIGINT NOT NULL,
    vendor_tier TEXT NOT NULL,
    start_text TEXT NOT NULL,
    day TEXT NOT NULL,
    tier TEXT NOT NULL,
    seconds DOUBLE PRECISION NOT NULL,
    fetched_at TEXT NOT NULL,
    request_id TEXT,
    PRIMARY KEY (vendor, account, app, category, granularity, start_epoch, vendor_tier)
);
CREATE INDEX usage_records_by_day
    ON usage_records (vendor, account, app, category, granularity, day);

-- The days a scope holds, with or without records (zero usage is held, not missing).
CREATE TABLE coverage (
    vendor TEXT NOT NULL,
    account TEXT NOT NULL,
    app TEXT NOT NULL,
    category TEXT NOT NULL,
    granularity TEXT NOT NULL,
    day TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('provisional', 'final')),
    marked_at TEXT NOT NULL,
    PRIMARY KEY (vendor, account, app, category, granularity, day)
);

-- Every change of a stored figure; seq orders them (assigned under the write lock).
CREATE TABLE revisions (
    seq BIGINT PRIMARY KEY,
    vendor TEXT NOT NULL,
    account TEXT NOT NULL,
    app TEXT NOT NULL,
    category TEXT NOT NULL,
    granularity TEXT NOT NULL,
    start_epoch BIGINT NOT NULL,
    vendor_tier TEXT NOT NULL,
    start_text TEXT NOT NULL,
    day TEXT NOT NULL,
    tier TEXT NOT NULL,
    old_seconds DOUBLE PRECISION NOT NULL,
    new_seconds DOUBLE PRECISION,
    old_fetched_at TEXT NOT NULL,
    revised_at TEXT NOT NULL,
    request_id TEXT,
    was_final BIGINT NOT NULL
);
CREATE INDEX revisions_by_day ON revisions (vendor, app, day);
"#,
}];

/// The schema version this build writes.
pub const LATEST_VERSION: i64 = match MIGRATIONS.last() {
    Some(m) => m.version,
    None => 0,
};

/// The migrations to apply to a store whose namespace has `tables` and, when it has a
/// `schema_version` table, `version`; or why it must not be touched.
pub(crate) fn pending(
    location: &str,
    tables: &[String],
    version: Option<i64>,
) -> Result<&'static [Migration], StoreError> {
    let has = |name: &str| tables.iter().any(|t| t == name);
    if !has("schema_version") {
        if tables.is_empty() {
            return Ok(MIGRATIONS);
        }
        return Err(StoreError::NotAStore {
            location: location.to_owned(),
            reason: format!(
                "it has tables ({}) but no schema_version table",
                tables.join(", ")
            ),
        });
    }
    let found = version.unwrap_or(0);
    if found > LATEST_VERSION {
        return Err(StoreError::SchemaTooNew {
            location: location.to_owned(),
            found,
            supported: LATEST_VERSION,
        });
    }
    if found >= 1 && !has("usage_records") {
        return Err(StoreError::NotAStore {
            location: location.to_owned(),
            reason: format!("its schema_version says {found}, but it has no usage_records table"),
        });
    }
    Ok(MIGRATIONS
        .iter()
        .position(|m| m.version > found)
        .map_or(&[][..], |i| &MIGRATIONS[i..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn an_empty_store_gets_every_migration_and_a_current_one_none() {
        assert_eq!(pending("x", &[], None).unwrap().len(), MIGRATIONS.len());
        let ours = names(&["schema_version", "usage_records", "coverage", "revisions"]);
        assert!(
            pending("x", &ours, Some(LATEST_VERSION))
                .unwrap()
                .is_empty()
        );
        assert!(
            MIGRATIONS.windows(2).all(|w| w[0].version < w[1].version),
            "migrations are ordered"
        );
    }

    #[test]
    fn foreign_and_newer_stores_are_refused() {
        let err = pending("x", &names(&["accounts"]), None).unwrap_err();
        assert!(matches!(err, StoreError::NotAStore { .. }), "{err}");
        let err = pending("x", &names(&["schema_version"]), Some(LATEST_VERSION + 1)).unwrap_err();
        assert!(
            matches!(err, StoreError::SchemaTooNew { found, .. } if found == LATEST_VERSION + 1),
            "{err}"
        );
        let err = pending("x", &names(&["schema_version"]), Some(1)).unwrap_err();
        assert!(matches!(err, StoreError::NotAStore { .. }), "{err}");
    }
}
