//! Typed errors that name the store (path or redacted URL) and the problem, and the redaction
//! of PostgreSQL passwords they rely on.

use std::time::Duration;

/// What went wrong with a store. `location` is the path, or the URL with its password
/// replaced by `***`: no message of this crate carries a password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The file or server could not be reached or opened.
    #[error("cannot open the store at {location}: {reason}")]
    Open { location: String, reason: String },

    /// The file or schema exists but is not an rtc-usage store (another program's database,
    /// or not a database at all); nothing was written to it.
    #[error("{location} is not an rtc-usage store: {reason}")]
    NotAStore { location: String, reason: String },

    /// The store was migrated by a newer rtc-usage: this build refuses to read or write it.
    #[error(
        "the store at {location} has schema version {found}, newer than the {supported} this build of rtc-usage knows; upgrade rtc-usage to use it"
    )]
    SchemaTooNew {
        location: String,
        found: i64,
        supported: i64,
    },

    /// Another writer (an `rtc-usage sync` elsewhere) held the store's write lock for longer
    /// than the busy timeout.
    #[error(
        "the store at {location} is locked by another sync (waited {waited:?}); try again when it has finished"
    )]
    Locked { location: String, waited: Duration },

    /// Another `rtc-usage sync` holds the store's sync lock ([`crate::Store::lock_sync`]);
    /// this one was refused before fetching anything.
    #[error(
        "another rtc-usage sync is running on the store at {location}; run this one again when it has finished"
    )]
    SyncRunning { location: String },

    /// A `postgres://` location in a build without the `postgres` cargo feature.
    #[error(
        "{location} is a PostgreSQL store, but this build has no PostgreSQL support (cargo feature `postgres` of rtc-usage-store)"
    )]
    PostgresNotBuilt { location: String },

    /// A location or option this crate cannot use (an invalid schema name...).
    #[error("invalid store location {location}: {reason}")]
    InvalidLocation { location: String, reason: String },

    /// A window that would store something untrue (a record outside its days, a negative or
    /// non-finite figure, the same key twice); nothing was written.
    #[error("invalid window for {scope}: {reason}")]
    InvalidWindow { scope: String, reason: String },

    /// A row this build cannot read (text that is not a date, an unknown day state...).
    #[error("the store at {location} holds a value this build cannot read: {what}")]
    Corrupt { location: String, what: String },

    /// Any other error of the database, with its message.
    #[error("database error on the store at {location}: {message}")]
    Database { location: String, message: String },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// `location` with any password removed: `postgres://user:***@host/db`, `password=***` in the
/// query string. Text that is not a URL is returned as it is.
pub fn redact(location: &str) -> String {
    let Some(scheme_end) = location.find("://") else {
        return location.to_owned();
    };
    let (scheme, rest) = location.split_at(scheme_end + 3);
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rfind('@') {
        Some(at) => {
            let (userinfo, host) = authority.split_at(at);
            match userinfo.split_once(':') {
                Some((user, _password)) => format!("{user}:***{host}"),
                None => authority.to_owned(),
            }
        }
        None => authority.to_owned(),
    };
    format!("{scheme}{authority}{}", redact_query(tail))
}

/// The password written in a URL's user info (`user:PASSWORD@`), as written.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) fn url_password(url: &str) -> Option<&str> {
    let rest = &url[url.find("://")? + 3..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let userinfo = &authority[..authority.rfind('@')?];
    userinfo.split_once(':').map(|(_, password)| password)
}

/// `password=...` parameters of a URL's path-and-query replaced by `password=***`.
fn redact_query(tail: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else {
        return tail.to_owned();
    };
    let params: Vec<String> = query
        .split('&')
        .map(|param| match param.split_once('=') {
            Some((name, _)) if name.eq_ignore_ascii_case("password") => format!("{name}=***"),
            _ => param.to_owned(),
        })
        .collect();
    format!("{path}?{}", params.join("&"))
}

/// `message` with every occurrence of `secret` replaced by `***`: for messages a server or
/// driver wrote, which could quote a connection string.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) fn scrub(message: &str, secret: Option<&str>) -> String {
    match secret {
        Some(secret) if !secret.is_empty() => message.replace(secret, "***"),
        _ => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_survive_redaction() {
        assert_eq!(
            redact("postgres://alice:s3cret@db.example:5432/usage"),
            "postgres://alice:***@db.example:5432/usage"
        );
        assert_eq!(
            redact("postgresql://alice:p%40ss@word@host/db?sslmode=disable&password=again"),
            "postgresql://alice:***@host/db?sslmode=disable&password=***"
        );
        assert_eq!(redact("postgres://bob@host/db"), "postgres://bob@host/db");
        assert_eq!(redact("postgres://host"), "postgres://host");
        assert_eq!(redact("/var/lib/usage.db"), "/var/lib/usage.db");
        assert_eq!(url_password("postgres://a:b@c@h/d?x=1"), Some("b@c"));
        assert_eq!(url_password("postgres://a@h/d"), None);
        assert_eq!(
            scrub("failed: x s3cret y", Some("s3cret")),
            "failed: x *** y"
        );
        assert_eq!(scrub("kept", Some("")), "kept");
    }
}
