//! Building the vendor clients a command needs: one per vendor named in `--app`, from the
//! environment and `--endpoint`, or pointed at an emulator. Every way this can fail is bad
//! input (exit 2) found before any network call.

use std::collections::BTreeSet;

use rtc_usage::core::api::ApiOperation;
use rtc_usage::core::config::ConfigError;
use rtc_usage::core::descriptor::ContextValue;
use rtc_usage::core::{ConfigBuilder, OperationDescriptor, VendorInfo};
use rtc_usage::{Config, Credentials, UsageClient, Vendor};

use crate::cli::EndpointOverride;
use crate::config::Account;
use crate::exit::ExitError;

/// Multiplies every documented rate limit; for tests and benchmarks against a scaled emulator.
pub const RATE_LIMIT_SCALE_ENV: &str = "RTC_USAGE_RATE_LIMIT_SCALE";

/// Names this tool in the `User-Agent` after the library's own `rtc-usage/<version>`.
const USER_AGENT_SUFFIX: &str = concat!("rtc-usage-cli/", env!("CARGO_PKG_VERSION"));

/// Where the calls go.
pub enum Target<'a> {
    /// The vendors' APIs: credentials and endpoint variables from the environment,
    /// `--endpoint` overrides on top.
    Live { endpoints: &'a [EndpointOverride] },
    /// An emulator at `url`, with its public demo credentials.
    Emulated {
        url: String,
        credentials: Vec<(Vendor, Credentials)>,
    },
    /// One account of the config file: its credentials (resolved), region and endpoint.
    Account {
        credentials: Credentials,
        region: Option<String>,
        endpoint: Option<String>,
    },
}

/// The generated `API` table of `vendor`: every operation of its specs, callable with JSON.
pub fn api_table(vendor: Vendor) -> &'static [ApiOperation] {
    vendor.entry().api
}

/// A usage client with one generated client for each of `vendors`, and no other.
pub fn usage_client(
    vendors: impl IntoIterator<Item = Vendor>,
    target: &Target<'_>,
) -> Result<UsageClient, ExitError> {
    let scale = rate_limit_scale()?;
    let mut builder = UsageClient::builder();
    for vendor in vendors.into_iter().collect::<BTreeSet<_>>() {
        let config = config(vendor, target, scale)?;
        let client = (vendor.entry().connect)(config)
            .map_err(|e| config_error(vendor, &apps_in_flag(vendor), e))?;
        builder = builder.shared_client(client);
    }
    Ok(builder.build())
}

/// The usage client of one account of the config file: the account's name on its records,
/// its own vendor client (so its own limiter and retry budget).
pub fn account_client(account: &Account) -> Result<UsageClient, ExitError> {
    let target = Target::Account {
        credentials: account.credentials.resolve(account)?,
        region: account.region.clone(),
        endpoint: account.endpoint.clone(),
    };
    let vendor = account.vendor;
    let for_what = format!("account `{}` ({})", account.name, account.at);
    let config = config_for(
        vendor,
        &target,
        rate_limit_scale()?,
        &for_what,
        vendor.entry().operations,
    )?;
    let client =
        (vendor.entry().connect)(config).map_err(|e| config_error(vendor, &for_what, e))?;
    Ok(UsageClient::builder()
        .account(account.name.as_str())
        .shared_client(client)
        .build())
}

/// The runtime client of `vendor` for one operation, `op`, configured like the usage
/// clients; `for_what` names the command in messages (`rtc-usage api tencent`).
pub fn core_client(
    vendor: Vendor,
    op: &'static OperationDescriptor,
    target: &Target<'_>,
    for_what: &str,
) -> Result<rtc_usage::core::Client, ExitError> {
    let config = config_for(vendor, target, rate_limit_scale()?, for_what, &[op])?;
    rtc_usage::core::Client::new(vendor.entry().info, config)
        .map_err(|e| config_error(vendor, for_what, e))
}

/// `the tencent apps in --app`: what a usage client's configuration is for.
fn apps_in_flag(vendor: Vendor) -> String {
    format!("the {vendor} apps in --app")
}

/// The configuration of one vendor's client.
fn config(vendor: Vendor, target: &Target<'_>, scale: Option<f64>) -> Result<Config, ExitError> {
    config_for(
        vendor,
        target,
        scale,
        &apps_in_flag(vendor),
        vendor.entry().operations,
    )
}

/// The configuration of one vendor's client for `operations`; `for_what` names its use in
/// messages.
fn config_for(
    vendor: Vendor,
    target: &Target<'_>,
    scale: Option<f64>,
    for_what: &str,
    operations: &[&'static OperationDescriptor],
) -> Result<Config, ExitError> {
    let info = vendor.entry().info;
    let mut builder = ConfigBuilder::default().user_agent_suffix(USER_AGENT_SUFFIX);
    match target {
        Target::Live { endpoints } => {
            builder = builder.load_env(info);
            // The last `--endpoint` of a vendor wins, like a repeated flag usually does.
            if let Some(endpoint) = endpoints.iter().rev().find(|e| e.vendor == vendor) {
                builder = builder.endpoint_url(endpoint.url.as_str());
            }
        }
        Target::Emulated { url, credentials } => {
            let Some((_, credentials)) = credentials.iter().find(|(v, _)| *v == vendor) else {
                return Err(ExitError::bad_input(format!(
                    "--emulator: the emulator has no demo credentials for {vendor}"
                )));
            };
            builder = builder
                .credentials(credentials.clone())
                .endpoint_url(url.as_str());
        }
        Target::Account {
            credentials,
            region,
            endpoint,
        } => {
            builder = builder.credentials(credentials.clone());
            if let Some(region) = region {
                builder = builder.region(region.as_str());
            }
            if let Some(endpoint) = endpoint {
                builder = builder.endpoint_url(endpoint.as_str());
            }
        }
    }
    if let Some(scale) = scale {
        builder = builder.rate_limit_scale(scale);
    }
    let config = builder
        .build()
        .map_err(|e| config_error(vendor, for_what, e))?;
    check_context(info, operations, &config, for_what)?;
    Ok(config)
}

/// Refuses now, rather than at the first call, credentials that lack a value an operation
/// needs (Huawei's project id).
fn check_context(
    info: &'static VendorInfo,
    operations: &[&'static OperationDescriptor],
    config: &Config,
    for_what: &str,
) -> Result<(), ExitError> {
    let needs_project = operations.iter().any(|op| {
        op.context_params
            .iter()
            .any(|p| matches!(p.value, ContextValue::ProjectId))
    });
    let has_project = config
        .credentials()
        .and_then(Credentials::project_id)
        .is_some_and(|p| !p.is_empty());
    if needs_project && !has_project {
        return Err(ExitError::bad_input(format!(
            "{} needs a project id for {for_what}: set {} in the environment",
            info.display_name,
            or_list(info.credential_env.project_id),
        )));
    }
    Ok(())
}

/// The configuration error as the user can fix it: which variable or flag, and what to set.
fn config_error(vendor: Vendor, for_what: &str, error: ConfigError) -> ExitError {
    let info = vendor.entry().info;
    let env = &info.credential_env;
    match error {
        ConfigError::MissingCredentials { .. } => ExitError::bad_input(format!(
            "no {vendor} credentials for {for_what}: set {} in the environment \
             (or pass --emulator to try synthetic data)",
            credential_variables(info),
        )),
        ConfigError::Credentials(e) => ExitError::bad_input(format!(
            "incomplete {vendor} credentials for {for_what}: {e}"
        )),
        ConfigError::InvalidEndpoint {
            value,
            reason,
            from,
        } => ExitError::bad_input(format!(
            "{}: `{value}` is not a usable endpoint URL: {reason}",
            from.unwrap_or("--endpoint"),
        )),
        ConfigError::InvalidSetting { setting, reason } => {
            let source = match setting {
                "region" => or_list(env.region),
                "rate_limit" => RATE_LIMIT_SCALE_ENV.to_owned(),
                other => other.to_owned(),
            };
            ExitError::bad_input(format!("{source}: {reason}"))
        }
        ConfigError::HttpClient(e) => {
            ExitError::failed(format!("could not start the HTTP client for {vendor}: {e}"))
        }
        other => ExitError::bad_input(format!("{vendor}: {other}")),
    }
}

/// The variables to set for `info`'s credentials: `AK and SK`, or `AK, SK and PROJECT`, with
/// the alternative names read too in parentheses.
pub fn credential_variables(info: &VendorInfo) -> String {
    let env = &info.credential_env;
    let lists = [env.access_key, env.secret_key, env.project_id];
    let firsts: Vec<&str> = lists.iter().filter_map(|l| l.first().copied()).collect();
    let others: Vec<&str> = lists
        .iter()
        .flat_map(|l| l.iter().skip(1).copied())
        .collect();
    let mut text = match firsts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => (*last).to_owned(),
        None => "(no variable is defined)".to_owned(),
    };
    if !others.is_empty() {
        text.push_str(&format!(" (also read: {})", others.join(", ")));
    }
    text
}

/// `A or B`, for messages naming environment variables.
fn or_list(names: &[&str]) -> String {
    if names.is_empty() {
        "(no variable is defined for it)".to_owned()
    } else {
        names.join(" or ")
    }
}

/// `RTC_USAGE_RATE_LIMIT_SCALE`, when set: a finite positive number.
pub fn rate_limit_scale() -> Result<Option<f64>, ExitError> {
    let Some(raw) = std::env::var_os(RATE_LIMIT_SCALE_ENV) else {
        return Ok(None);
    };
    let parsed = raw
        .to_str()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|f| {
            f.is_finite()
                && (rtc_usage::core::config::MIN_RATE_SCALE
                    ..=rtc_usage::core::config::MAX_RATE_SCALE)
                    .contains(f)
        });
    match parsed {
        Some(scale) => Ok(Some(scale)),
        None => Err(ExitError::bad_input(format!(
            "{RATE_LIMIT_SCALE_ENV}={}: expected a number from {} to {}, such as 10 or 0.5",
            raw.to_string_lossy(),
            rtc_usage::core::config::MIN_RATE_SCALE,
            rtc_usage::core::config::MAX_RATE_SCALE,
        ))),
    }
}
