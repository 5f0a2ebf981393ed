//! The command line: clap types and the parsers that turn flag values into facade types, so
//! a malformed value is refused by clap (exit 2, naming the flag) before anything runs.

use std::net::SocketAddr;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use rtc_usage::{AppRef, Vendor};

/// Where `rtc-usage emulator` listens unless told otherwise: fixed, so exported endpoint
/// variables stay valid across restarts.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8790";

#[derive(Debug, Parser)]
#[command(
    name = "rtc-usage",
    version,
    about = "RTC usage of Volcengine, Tencent Cloud and Huawei Cloud apps, in seconds and common tiers.",
    long_about = "RTC usage of Volcengine, Tencent Cloud and Huawei Cloud apps, in seconds and common tiers.\n\n\
        Asks each vendor's usage API about the apps you name, splits long ranges into the calls \
        each vendor allows, stays inside each vendor's documented rate limit, and prints one \
        table, CSV or JSON. Days are each vendor's billing days: Beijing time for Volcengine \
        and Tencent, UTC for Huawei.",
    after_help = "Try it without an account: rtc-usage usage --emulator --from 2026-11-01 --to 2026-11-03 --app tencent:1400000001",
    after_long_help = environment_help(),
)]
pub struct Cli {
    /// More log output on stderr: -v info, -vv debug, -vvv trace (RTC_USAGE_LOG=LEVEL works too).
    #[arg(short, long, action = ArgAction::Count, global = true, display_order = 100)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Usage (call seconds per tier) of apps over a range of days.
    #[command(after_help = USAGE_EXAMPLES)]
    Usage(UsageArgs),
    /// Distinct users of one Volcengine app by province or country (at most 7 days, last 30 days).
    #[command(after_help = DISTRIBUTION_EXAMPLES)]
    Distribution(DistributionArgs),
    /// Run the local emulator of the three vendors' APIs until Ctrl-C (synthetic data).
    #[command(after_help = EMULATOR_EXAMPLES)]
    Emulator(EmulatorArgs),
}

const USAGE_EXAMPLES: &str = "Examples:
  rtc-usage usage --from 2026-11-01 --to 2026-11-30 --app volcengine:661e4f8a2b3c4d5e6f708192
  rtc-usage usage --from 2026-08-01 --to 2026-11-03 --app 'tencent:*' --format csv --output usage.csv
  rtc-usage usage --emulator --from 2026-11-01 --to 2026-11-03 --app huawei:5fa682b34a974f7ad24d223b --format json";

const DISTRIBUTION_EXAMPLES: &str = "Examples:
  rtc-usage distribution --app volcengine:661e4f8a2b3c4d5e6f708192 --from 2026-11-01 --to 2026-11-07 --dimension province";

const EMULATOR_EXAMPLES: &str = "Examples:
  rtc-usage emulator                      # then paste the printed export lines into another shell
  rtc-usage emulator --listen 127.0.0.1:0 # any free port";

#[derive(Debug, Args)]
pub struct UsageArgs {
    /// First billing day, included.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub from: NaiveDate,

    /// Last billing day, included.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub to: NaiveDate,

    /// An app as VENDOR:APP_ID (vendor: volcengine, tencent or huawei); repeat for more apps.
    /// `tencent:*` is every Tencent app of the account. Tencent app ids are SdkAppIds (integers).
    #[arg(long = "app", value_name = "VENDOR:APP_ID", required = true, value_parser = parse_app)]
    pub apps: Vec<AppRef>,

    /// `day`: one record per billing day; `native`: the vendor's own buckets (Tencent answers a
    /// one-day window in 5-minute buckets).
    #[arg(long, value_enum, default_value_t = GranularityArg::Day)]
    pub granularity: GranularityArg,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub source: SourceArgs,
}

#[derive(Debug, Args)]
pub struct DistributionArgs {
    /// The Volcengine app, as volcengine:APP_ID.
    #[arg(long, value_name = "volcengine:APP_ID", value_parser = parse_app)]
    pub app: AppRef,

    /// First Beijing day, included (at most 30 days back).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub from: NaiveDate,

    /// Last Beijing day, included (at most 7 days after --from).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub to: NaiveDate,

    /// Group users by province or by country.
    #[arg(long, value_enum)]
    pub dimension: DimensionArg,

    /// The metric: `user_num` as the vendor's text names it, `user_count` as its example does.
    #[arg(long, value_enum, default_value_t = IndicatorArg::UserNum)]
    pub indicator: IndicatorArg,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub source: SourceArgs,
}

#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, value_name = "ADDR:PORT", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,
}

/// Where the data goes and how it looks.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format [default: table when stdout is a terminal, else csv].
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Write the data to FILE instead of stdout. FILE is replaced only by a complete file.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Which servers are asked.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// Send a vendor's calls to URL instead of its API, as VENDOR=URL (repeatable); same as
    /// RTC_USAGE_ENDPOINT_<VENDOR>=URL.
    #[arg(long = "endpoint", value_name = "VENDOR=URL", value_parser = parse_endpoint)]
    pub endpoints: Vec<EndpointOverride>,

    /// Ask an in-process emulator instead of the vendors: synthetic data, no account needed.
    #[arg(long, conflicts_with = "endpoints")]
    pub emulator: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns and totals per vendor and tier, for reading.
    Table,
    /// One row per record with a header row, for spreadsheets.
    Csv,
    /// One array of records, for programs.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GranularityArg {
    Day,
    Native,
}

impl From<GranularityArg> for rtc_usage::Granularity {
    fn from(value: GranularityArg) -> Self {
        match value {
            GranularityArg::Day => Self::Day,
            GranularityArg::Native => Self::Native,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DimensionArg {
    Province,
    Country,
}

impl DimensionArg {
    /// The value as the vendor spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::Country => "country",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IndicatorArg {
    #[value(name = "user_num")]
    UserNum,
    #[value(name = "user_count")]
    UserCount,
}

impl IndicatorArg {
    /// The value as the vendor spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UserNum => "user_num",
            Self::UserCount => "user_count",
        }
    }
}

/// `--endpoint VENDOR=URL`, with the URL already checked the way a client config checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointOverride {
    pub vendor: Vendor,
    pub url: String,
}

/// A calendar day written exactly as YYYY-MM-DD.
pub fn parse_day(value: &str) -> Result<NaiveDate, String> {
    let shaped = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Err("expected a day as YYYY-MM-DD, for example 2026-11-01".into());
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| format!("{value} is not a day of the calendar; expected YYYY-MM-DD"))
}

/// `VENDOR:APP_ID`, checked by the facade (vendor name, empty id, Tencent's integer ids).
pub fn parse_app(value: &str) -> Result<AppRef, String> {
    value.parse::<AppRef>().map_err(|e| e.to_string())
}

/// `VENDOR=URL`: a known vendor and an http(s) URL a client accepts.
pub fn parse_endpoint(value: &str) -> Result<EndpointOverride, String> {
    let Some((vendor, url)) = value.split_once('=') else {
        return Err("expected VENDOR=URL, for example tencent=http://127.0.0.1:8790".into());
    };
    let vendor: Vendor = vendor.parse().map_err(|e| format!("{e}"))?;
    rtc_usage::Config::builder()
        .endpoint_url(url)
        .build()
        .map_err(|e| e.to_string())?;
    Ok(EndpointOverride {
        vendor,
        url: url.to_owned(),
    })
}

/// The environment variables each vendor's credentials are read from, named by the vendor
/// crates themselves so the help never goes stale.
fn environment_help() -> String {
    let mut text = String::from("Credentials are read from the environment:\n");
    for info in crate::clients::vendor_infos() {
        text.push_str(&format!(
            "  {:<11} {}\n",
            info.id,
            crate::clients::credential_variables(info)
        ));
    }
    text.push_str(
        "  (none are needed with --emulator)\n\nOther variables:\n  \
         RTC_USAGE_ENDPOINT_<VENDOR>  send that vendor's calls to this URL (like --endpoint)\n  \
         RTC_USAGE_RATE_LIMIT_SCALE   multiply the documented rate limits (e.g. against a fast emulator)\n  \
         RTC_USAGE_LOG                log level on stderr: off, error, warn, info, debug or trace\n\n\
         Exit status: 0 success; 1 a vendor call failed (what was fetched is still written); \
         2 bad input, refused before any call; 130 interrupted.\n\n\
         Try it without an account: rtc-usage usage --emulator --from 2026-11-01 --to 2026-11-03 --app tencent:1400000001",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn days_must_be_exactly_yyyy_mm_dd() {
        assert_eq!(
            parse_day("2026-11-01"),
            Ok(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap())
        );
        for bad in [
            "2026-1-01",
            "20261101",
            "2026-11-01x",
            "2026-02-30",
            "",
            "2026-13-01",
        ] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn endpoints_name_a_vendor_and_a_usable_url() {
        let ok = parse_endpoint("Tencent=http://127.0.0.1:1").unwrap();
        assert_eq!(ok.vendor, Vendor::Tencent);
        assert!(
            parse_endpoint("aws=http://x")
                .unwrap_err()
                .contains("unknown vendor")
        );
        assert!(
            parse_endpoint("tencent=ftp://x")
                .unwrap_err()
                .contains("scheme")
        );
        assert!(
            parse_endpoint("tencent")
                .unwrap_err()
                .contains("VENDOR=URL")
        );
    }
}
