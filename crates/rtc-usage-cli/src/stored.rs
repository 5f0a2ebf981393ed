//! The history store behind `sync`, `history` and `usage --store`: where it is (the flag, or
//! the platform's data directory), opening it with its errors worded for the command line
//! (never a password: the store's errors carry redacted URLs), and reports answered from it
//! without any call.

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::NaiveDate;
use rtc_usage::{AppRef, Bucket, Category, Tier, UsageRecord, Vendor};
use rtc_usage_store::{Filter, Scope, Store, StoreError, StoredRecord};

use crate::accounts::AppArg;
use crate::cli::{GranularityArg, UsageArgs};
use crate::exit::ExitError;
use crate::output::{self, Destination};

/// The store's file under the platform's data directory (`~/.local/share` on Linux).
const DEFAULT_FILE: &str = "rtc-usage/history.db";

/// The default store: `dirs::data_dir()/rtc-usage/history.db`, its directory created.
fn default_location() -> Result<String, ExitError> {
    let path: PathBuf = dirs::data_dir()
        .map(|dir| dir.join(DEFAULT_FILE))
        .ok_or_else(|| {
            ExitError::bad_input(
                "--store: this system has no data directory ($HOME or $XDG_DATA_HOME); pass --store PATH",
            )
        })?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            ExitError::failed(format!(
                "--store: cannot create {} ({e}); pass --store PATH",
                dir.display()
            ))
        })?;
    }
    Ok(path.display().to_string())
}

/// Opens the store at `location` (`None`: the default one).
pub async fn open(location: Option<&str>) -> Result<Store, ExitError> {
    let location = match location {
        Some(location) => location.to_owned(),
        None => default_location()?,
    };
    Store::open(&location).await.map_err(error)
}

/// A store error as the command's: bad input where the flag is what needs fixing, else a
/// failure. Its text names the store by its path or its URL without the password.
pub fn error(e: StoreError) -> ExitError {
    let message = format!("--store: {e}");
    match e {
        StoreError::InvalidLocation { .. }
        | StoreError::NotAStore { .. }
        | StoreError::SchemaTooNew { .. }
        | StoreError::PostgresNotBuilt { .. } => ExitError::bad_input(message),
        _ => ExitError::failed(message),
    }
}

/// A stored figure as the facade's record; `None` for a vendor, category, tier or
/// granularity this build does not know (a history shared with a newer build).
pub fn record(stored: StoredRecord) -> Option<UsageRecord> {
    let vendor = Vendor::get(&stored.scope.vendor)?;
    let category: Category = stored.scope.category.parse().ok()?;
    let bucket: Bucket = stored.scope.granularity.parse().ok()?;
    let tier: Tier = stored.tier.parse().ok()?;
    let request_ids = stored.request_ids().map(str::to_owned).collect();
    Some(
        UsageRecord::new(
            vendor,
            stored.scope.app,
            stored.start,
            bucket,
            tier,
            stored.vendor_tier,
            stored.seconds,
        )
        .with_category(category)
        .with_account(stored.scope.account)
        .with_request_ids(request_ids),
    )
}

/// What `--app` names in a store: a vendor's app (any account), or an account's app.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Asked {
    vendor: Option<String>,
    account: Option<String>,
    app: String,
}

impl Asked {
    pub fn of(arg: &AppArg) -> Self {
        match arg {
            AppArg::Vendor(app) => Self::of_app(app),
            AppArg::Account { account, app } => Self {
                vendor: None,
                account: Some(account.clone()),
                app: app.clone(),
            },
        }
    }

    fn of_app(app: &AppRef) -> Self {
        Self {
            vendor: Some(app.vendor().id().to_owned()),
            account: None,
            app: app.app_label().to_owned(),
        }
    }

    pub fn matches(&self, scope: &Scope) -> bool {
        self.app == scope.app
            && self.vendor.as_ref().is_none_or(|v| *v == scope.vendor)
            && self.account.as_ref().is_none_or(|a| *a == scope.account)
    }
}

impl std::fmt::Display for Asked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let owner = self.vendor.as_ref().or(self.account.as_ref());
        write!(f, "{}:{}", owner.map_or("", String::as_str), self.app)
    }
}

/// What a command answered from the store selects: the `--app`s (every app when none) of the
/// `--account`s (every account when none). Accounts are named as the store holds them: no
/// config file is read.
#[derive(Debug, Default)]
pub struct Selection {
    pub asked: Vec<Asked>,
    pub accounts: Vec<String>,
}

impl Selection {
    pub fn new(apps: &[AppArg], accounts: &[String]) -> Self {
        Self {
            asked: apps.iter().map(Asked::of).collect(),
            accounts: accounts.to_vec(),
        }
    }

    pub fn selects(&self, scope: &Scope) -> bool {
        (self.asked.is_empty() || self.asked.iter().any(|a| a.matches(scope)))
            && (self.accounts.is_empty() || self.accounts.contains(&scope.account))
    }

    /// Warns of each `--account` that none of `scopes` (those selected) holds.
    pub fn warn_absent_accounts(&self, scopes: &[Scope], from: NaiveDate, to: NaiveDate) {
        for account in &self.accounts {
            if !scopes.iter().any(|s| s.account == *account) {
                let account = rtc_usage::core::error::printable(account);
                eprintln!(
                    "warning: the store holds no usage of account {account} from {from} to {to}; run `rtc-usage sync --account {account}` for it"
                );
            }
        }
    }
}

/// `rtc-usage usage --store`: the records the store holds for the asked apps (and accounts,
/// `--account`), categories and days, in the same formats as a live query, without any call; a warning names, per app,
/// the asked days the store lacks.
pub async fn usage(
    location: &str,
    args: &UsageArgs,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(), ExitError> {
    if args.granularity == GranularityArg::Native {
        return Err(ExitError::bad_input(
            "--granularity native: the store keeps daily figures; ask for day or month, or ask the vendors without --store",
        ));
    }
    let destination = Destination::prepare(args.output.output.as_deref())?;
    let format = output::resolve_format(args.output.format, args.output.output.as_deref())?;
    let store = open(Some(location)).await?;
    let selection = Selection::new(&args.apps, &args.accounts.accounts);
    let categories: BTreeSet<String> = args.category.0.iter().map(|c| c.to_string()).collect();
    let mut filter = Filter::new()
        .days(from, to)
        .granularity(rtc_usage_store::sync::GRANULARITY);
    for category in &categories {
        filter = filter.category(category.clone());
    }
    let scopes: Vec<Scope> = store
        .scopes(&filter)
        .await
        .map_err(error)?
        .into_iter()
        .filter(|s| selection.selects(s))
        .collect();
    selection.warn_absent_accounts(&scopes, from, to);
    for a in &selection.asked {
        for category in &categories {
            if !scopes
                .iter()
                .any(|s| a.matches(s) && s.category == *category)
            {
                eprintln!(
                    "warning: the store holds no {category} usage of {a} from {from} to {to}; run `rtc-usage sync` for it"
                );
            }
        }
    }
    let mut records = Vec::new();
    for scope in &scopes {
        let coverage = store.coverage(scope, from, to).await.map_err(error)?;
        if !coverage.missing_days.is_empty() {
            eprintln!(
                "warning: the store lacks {} of the asked days of {}: {}; run `rtc-usage sync` for them",
                coverage.missing_days.len(),
                rtc_usage::core::error::printable(&scope.to_string()),
                ranges(&coverage.missing_days)
            );
        }
        let one = Filter::new()
            .vendor(scope.vendor.clone())
            .account(scope.account.clone())
            .app(scope.app.clone())
            .category(scope.category.clone())
            .granularity(scope.granularity.clone())
            .days(from, to);
        records.extend(
            store
                .records(&one)
                .await
                .map_err(error)?
                .into_iter()
                .filter_map(record)
                .map(|r| {
                    let provisional = coverage.provisional_days.contains(&r.start.date_naive());
                    r.with_provisional(provisional)
                }),
        );
    }
    if args.granularity == GranularityArg::Month {
        records = UsageRecord::monthly(&records);
    }
    crate::usage_cmd::sort(&mut records);
    crate::usage_cmd::warn_provisional(&records);
    destination.write_with(|out| crate::usage_cmd::draw(format, args.by, &records, out))
}

/// `2026-11-01..=2026-11-03, 2026-11-07`: days as runs.
pub fn ranges(days: &[NaiveDate]) -> String {
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for day in days {
        match runs.last_mut() {
            Some((_, last)) if last.succ_opt() == Some(*day) => *last = *day,
            _ => runs.push((*day, *day)),
        }
    }
    runs.iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}..={b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_days_read_as_runs() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            ranges(&[
                d("2026-11-01"),
                d("2026-11-02"),
                d("2026-11-03"),
                d("2026-11-07")
            ]),
            "2026-11-01..=2026-11-03, 2026-11-07"
        );
        assert_eq!(ranges(&[]), "");
    }
}
