//! Which account asks for which app: `--app VENDOR:APP` (the vendor's only or default
//! account of the config file, else the environment's), `--app ACCOUNT:APP`, `--account NAME`
//! (repeatable; default: every account of the file), and, without `--app`, the apps each
//! selected account lists.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Args;
use rtc_usage::{ALL_APPS, AppRef, Vendor};

use crate::config::{self, Account, ConfigFile};
use crate::emulated::InProcess;
use crate::exit::ExitError;

/// `--config` and `--account`, shared by the commands that ask accounts.
#[derive(Debug, Args, Default)]
pub struct AccountArgs {
    /// The config file of accounts (default: RTC_USAGE_CONFIG, else
    /// ~/.config/rtc-usage/config.toml if it exists; see `rtc-usage accounts --help`).
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,

    /// Ask only this account of the config file (repeatable; default: every account).
    #[arg(long = "account", value_name = "NAME")]
    pub accounts: Vec<String>,
}

/// One `--app`, before the config file says what its prefix is.
#[derive(Debug, Clone)]
pub enum AppArg {
    /// `VENDOR:APP`.
    Vendor(AppRef),
    /// `ACCOUNT:APP`, the app checked once the account's vendor is known.
    Account { account: String, app: String },
}

/// `VENDOR:APP_ID` (checked now, for the vendor's kind of id) or `ACCOUNT:APP_ID`.
pub fn parse_app_arg(value: &str) -> Result<AppArg, String> {
    let prefix = value.split_once(':').map(|(p, _)| p);
    match prefix {
        Some(p) if Vendor::get(&p.to_ascii_lowercase()).is_none() && is_account_name(p) => {
            let (account, app) = value.split_once(':').unwrap_or_default();
            Ok(AppArg::Account {
                account: account.to_owned(),
                app: app.to_owned(),
            })
        }
        _ => value
            .parse::<AppRef>()
            .map(AppArg::Vendor)
            .map_err(|e| e.to_string()),
    }
}

/// Letters, digits, `-`, `_` and `.`: what an account may be named (and so what an
/// `--app` prefix that is not a vendor may be).
pub(crate) fn is_account_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The apps one usage client asks: an account of the config file, or (`None`) the
/// environment's one account per vendor.
#[derive(Debug)]
pub struct Group<'a> {
    pub account: Option<&'a Account>,
    pub apps: Vec<AppRef>,
}

/// The config file the command reads, if any: with `--emulator` (`emulator`), the
/// emulator's own demo accounts, never a file.
pub fn config_file(
    args: &AccountArgs,
    emulator: Option<&InProcess>,
) -> Result<Option<ConfigFile>, ExitError> {
    if let Some(emulator) = emulator {
        if args.config.is_some() {
            return Err(ExitError::bad_input(
                "--emulator asks the emulator's own demo accounts; drop --config (or write them to a file with `rtc-usage emulator --write-config FILE`)",
            ));
        }
        return emulator.config_file().map(Some);
    }
    match config::locate(args.config.as_deref())? {
        Some(path) => config::load(&path).map(Some),
        None if !args.accounts.is_empty() => Err(ExitError::bad_input(format!(
            "--account: there is no config file (--config, {}, or {}); create one with the accounts",
            config::CONFIG_ENV,
            config::default_path().map_or_else(
                || "the config directory".into(),
                |p| p.display().to_string()
            )
        ))),
        None => Ok(None),
    }
}

/// The selected accounts of `file`: `--account` names (each must exist), else all.
pub fn selected<'a>(file: &'a ConfigFile, names: &[String]) -> Result<Vec<&'a Account>, ExitError> {
    if names.is_empty() {
        return Ok(file.accounts.iter().collect());
    }
    names
        .iter()
        .map(|name| {
            file.accounts
                .iter()
                .find(|a| &a.name == name)
                .ok_or_else(|| {
                    ExitError::bad_input(format!(
                        "--account {name}: {} has no such account (it has: {})",
                        file.path.display(),
                        list(file.accounts.iter().map(|a| a.name.as_str()))
                    ))
                })
        })
        .collect()
}

/// Groups the apps asked by the account that asks them.
pub fn groups<'a>(
    file: Option<&'a ConfigFile>,
    names: &[String],
    apps: Vec<AppArg>,
) -> Result<Vec<Group<'a>>, ExitError> {
    let accounts = match file {
        Some(file) => selected(file, names)?,
        None => Vec::new(),
    };
    let mut by_account: BTreeMap<Option<&str>, (Option<&Account>, Vec<AppRef>)> = BTreeMap::new();
    let mut add = |account: Option<&'a Account>, app: AppRef| {
        by_account
            .entry(account.map(|a| a.name.as_str()))
            .or_insert((account, Vec::new()))
            .1
            .push(app);
    };
    let asked_apps = !apps.is_empty();
    for arg in apps {
        match arg {
            AppArg::Account { account, app } => {
                let found = file.and_then(|f| f.accounts.iter().find(|a| a.name == account));
                let Some(found) = found else {
                    let known = Vendor::all().map(Vendor::id);
                    return Err(ExitError::bad_input(format!(
                        "--app {account}:{app}: unknown vendor `{account}` (expected {}), and {}",
                        list(known),
                        match file {
                            Some(f) => format!("no account `{account}` in {}", f.path.display()),
                            None => "no config file names accounts".to_owned(),
                        }
                    )));
                };
                let parsed = if app == ALL_APPS {
                    AppRef::all(found.vendor)
                } else {
                    AppRef::new(found.vendor, app.clone())
                };
                add(
                    Some(found),
                    parsed
                        .map_err(|e| ExitError::bad_input(format!("--app {account}:{app}: {e}")))?,
                );
            }
            AppArg::Vendor(app) => {
                let vendor = app.vendor();
                let of_vendor: Vec<&Account> = accounts
                    .iter()
                    .copied()
                    .filter(|a| a.vendor == vendor)
                    .collect();
                let account = match of_vendor.as_slice() {
                    [] => None,
                    [only] => Some(*only),
                    many => match many.iter().find(|a| a.default) {
                        Some(default) => Some(*default),
                        None => {
                            return Err(ExitError::bad_input(format!(
                                "--app {app}: {vendor} has several accounts ({}); name one as ACCOUNT:APP, or mark one `default = true`",
                                list(many.iter().map(|a| a.name.as_str()))
                            )));
                        }
                    },
                };
                add(account, app);
            }
        }
    }
    if !asked_apps {
        for account in &accounts {
            if account.apps.is_empty() {
                if names.contains(&account.name) {
                    return Err(ExitError::bad_input(format!(
                        "--account {}: it lists no apps ({}); add `apps = [...]` or pass --app {}:APP",
                        account.name, account.at, account.name
                    )));
                }
                eprintln!(
                    "warning: account `{}` lists no apps ({}); not asked",
                    account.name, account.at
                );
                continue;
            }
            for app in &account.apps {
                add(Some(account), app.clone());
            }
        }
    }
    if by_account.is_empty() {
        return Err(ExitError::bad_input(
            "no apps asked: pass --app VENDOR:APP_ID (or ACCOUNT:APP_ID), or list `apps` in the config file's accounts",
        ));
    }
    Ok(by_account
        .into_values()
        .map(|(account, apps)| Group { account, apps })
        .collect())
}

fn list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}
