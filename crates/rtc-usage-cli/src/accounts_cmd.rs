//! `rtc-usage accounts [--check]`: the accounts of the config file, where each credential
//! comes from (never the secret), and with `--check` whether each one's credentials work.

use chrono::Days;
use rtc_usage::{Category, UsageQuery};

use crate::accounts;
use crate::cli::AccountsArgs;
use crate::config::Account;
use crate::exit::ExitError;
use crate::output::table::Table;

pub async fn run(args: AccountsArgs) -> Result<(), ExitError> {
    let Some(file) = accounts::config_file(&args.accounts, None)? else {
        return Err(ExitError::bad_input(format!(
            "no config file: pass --config FILE, set {}, or create {} (see `rtc-usage accounts --help`)",
            crate::config::CONFIG_ENV,
            crate::config::default_path().map_or_else(|| "one".into(), |p| p.display().to_string())
        )));
    };
    let selected = accounts::selected(&file, &args.accounts.accounts)?;
    eprintln!("config: {}", file.path.display());
    let mut table = Table::new(&[
        ("account", false),
        ("vendor", false),
        ("region", false),
        ("apps", false),
        ("credentials", false),
        ("labels", false),
    ]);
    for account in &selected {
        let default_region = account.vendor.entry().info.default_region;
        let apps: Vec<&str> = account.apps.iter().map(|a| a.app_label()).collect();
        let labels: Vec<String> = account
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        table.push(vec![
            if account.default {
                format!("{} (default)", account.name)
            } else {
                account.name.clone()
            },
            account.vendor.to_string(),
            account
                .region
                .clone()
                .unwrap_or_else(|| format!("{default_region} (the vendor's default)")),
            if apps.is_empty() {
                "-".into()
            } else {
                apps.join(" ")
            },
            account.credentials.describe(),
            labels.join(" "),
        ]);
    }
    let mut out = std::io::stdout().lock();
    table
        .write(&mut out)
        .map_err(|e| ExitError::failed(format!("could not write to stdout: {e}")))?;
    drop(out);
    if !args.check {
        return Ok(());
    }
    let mut failed = 0;
    for account in &selected {
        match check(account).await {
            Ok(note) => eprintln!("ok: account `{}` ({}){note}", account.name, account.vendor),
            Err(why) => {
                failed += 1;
                eprintln!(
                    "failed: account `{}` ({}): {}",
                    account.name,
                    account.vendor,
                    rtc_usage::core::error::printable(&why)
                );
            }
        }
    }
    if failed == 0 {
        Ok(())
    } else {
        Err(ExitError::failed(format!(
            "{failed} of {} accounts failed the check",
            selected.len()
        )))
    }
}

/// One signed call: yesterday's call minutes of the account's first app.
async fn check(account: &Account) -> Result<&'static str, String> {
    let Some(app) = account.apps.first() else {
        return Err("it lists no apps to ask; add `apps = [...]` to check it".into());
    };
    let client = crate::clients::account_client(account).map_err(|e| e.message)?;
    let today = crate::days::today();
    let day = today.checked_sub_days(Days::new(1)).unwrap_or(today);
    let query = UsageQuery::new(day, day)
        .app(app.clone())
        .categories([Category::Call]);
    let report = client.usage(&query).await.map_err(|e| e.to_string())?;
    match report.failures.first() {
        None => Ok(""),
        Some(failure) => Err(failure.error.to_string()),
    }
}
