//! The command line: clap types and the parsers that turn flag values into facade types, so
//! a malformed value is refused by clap (exit 2, naming the flag) before anything runs.

use std::net::SocketAddr;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use rtc_usage::{AppRef, Category, Vendor};

use crate::{accounts, days};

/// Where `rtc-usage emulator` listens unless told otherwise: fixed, so exported endpoint
/// variables stay valid across restarts.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8790";

#[derive(Debug, Parser)]
#[command(
    name = "rtc-usage",
    version,
    about = "RTC usage of your apps at every vendor of the specs, in seconds and common tiers.",
    long_about = "RTC usage of your apps at every vendor of the specs, in seconds and common tiers.\n\n\
        Asks each vendor's usage API about the apps you name, splits long ranges into the calls \
        each vendor allows, stays inside each vendor's documented rate limit, and prints one \
        table, CSV or JSON. Days are each vendor's billing days, in the time zone its spec \
        names (listed below with each vendor).",
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
    /// Keep the usage history in a store (SQLite file, or PostgreSQL): fetch only the days it
    /// lacks and those still provisional, keep every revision.
    #[command(after_help = SYNC_EXAMPLES)]
    Sync(SyncArgs),
    /// What a store holds: each app's days (final, provisional), or with --revisions every
    /// figure that changed (old value, new value, when).
    #[command(after_help = HISTORY_EXAMPLES)]
    History(HistoryArgs),
    /// Distinct users of one Volcengine app by province or country (at most 7 days, last 30 days).
    #[command(after_help = DISTRIBUTION_EXAMPLES)]
    Distribution(DistributionArgs),
    /// Run the local emulator of the three vendors' APIs until Ctrl-C (synthetic data).
    #[command(after_help = EMULATOR_EXAMPLES)]
    Emulator(EmulatorArgs),
    /// Call any operation of the specs and print the vendor's JSON answer (`--list`: every
    /// operation and its limits).
    #[command(after_help = API_EXAMPLES)]
    Api(ApiArgs),
    /// The accounts of the config file: vendor, region, apps and where each credential comes
    /// from (never the secret); `--check` makes one cheap signed call per account.
    #[command(after_help = ACCOUNTS_HELP)]
    Accounts(AccountsArgs),
    /// Print the shell completion script for SHELL (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Examples:\n  rtc-usage completions bash > ~/.local/share/bash-completion/completions/rtc-usage\n  rtc-usage completions zsh > ~/.zfunc/_rtc-usage"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `rtc-usage man > rtc-usage.1`.
    Man,
}

const ACCOUNTS_HELP: &str = "The config file (TOML), at --config, RTC_USAGE_CONFIG or ~/.config/rtc-usage/config.toml:

  [accounts.video-cn]
  vendor = \"tencent\"
  region = \"ap-guangzhou\"                 # optional
  endpoint = \"https://example.internal\"   # optional, like --endpoint
  apps = [\"1400000001\", \"1400000002\"]     # or \"*\"
  default = true                          # what --app tencent:APP means
  labels = { team = \"video\", cost_centre = \"CC-1042\" }
  credentials = { env = { access_key = \"VIDEO_CN_ID\", secret_key = \"VIDEO_CN_KEY\" } }
  # or credentials = { file = \"~/.config/rtc-usage/video-cn.toml\" }
  # or credentials = { command = [\"vault\", \"read\", \"-field=json\", \"rtc/video-cn\"] }  (prints JSON)
  # or credentials = { access_key = \"...\", secret_key = \"...\" }  (only in a file only you can read)

Examples:
  rtc-usage accounts
  rtc-usage accounts --check
  rtc-usage usage --last 7d                       # every app of every account
  rtc-usage usage --last 7d --account video-cn --app video-cn:1400000003";

#[derive(Debug, Args)]
pub struct AccountsArgs {
    #[command(flatten)]
    pub accounts: accounts::AccountArgs,

    /// Make one cheap signed call per account (yesterday's usage of its first app) and say
    /// which work; exit 1 if any does not.
    #[arg(long)]
    pub check: bool,
}

const USAGE_EXAMPLES: &str = "Examples:
  rtc-usage usage --last 7d --app volcengine:661e4f8a2b3c4d5e6f708192
  rtc-usage usage --month 2026-11 --app 'alibaba:*' --app tencent:1400000001
  rtc-usage usage --from 2026-11-01 --to 2026-11-30 --app volcengine:661e4f8a2b3c4d5e6f708192
  rtc-usage usage --from 2026-08-01 --to 2026-11-03 --app 'tencent:*' --format csv --output usage.csv
  rtc-usage usage --emulator --from 2026-11-01 --to 2026-11-03 --app huawei:5fa682b34a974f7ad24d223b --format json";

const DISTRIBUTION_EXAMPLES: &str = "Examples:
  rtc-usage distribution --app volcengine:661e4f8a2b3c4d5e6f708192 --from 2026-11-01 --to 2026-11-07 --dimension province";

const EMULATOR_EXAMPLES: &str = "Examples:
  rtc-usage emulator                      # then paste the printed export lines into another shell
  rtc-usage emulator --listen 127.0.0.1:0 # any free port
  rtc-usage emulator --accounts 3 --write-config emu.toml   # then, in another shell:
  rtc-usage usage --config emu.toml --last 7d               # every account of every vendor";

/// The days asked: `--from`/`--to`, `--last` or `--month`.
#[derive(Debug, Args)]
pub struct DaysArgs {
    /// First billing day, included: YYYY-MM-DD, `yesterday` or `today`.
    #[arg(long, value_name = "DAY", value_parser = days::parse_day)]
    pub from: Option<days::Day>,

    /// Last billing day, included (default: today): YYYY-MM-DD, `yesterday` or `today`.
    #[arg(long, value_name = "DAY", value_parser = days::parse_day, requires = "from")]
    pub to: Option<days::Day>,

    /// The N complete days before today, e.g. `7d`.
    #[arg(long, value_name = "Nd", value_parser = days::parse_last, conflicts_with_all = ["from", "to", "month"])]
    pub last: Option<u32>,

    /// A calendar month, YYYY-MM (the current month: up to today).
    #[arg(long, value_name = "YYYY-MM", value_parser = days::parse_month, conflicts_with_all = ["from", "to"])]
    pub month: Option<days::Month>,
}

impl DaysArgs {
    pub fn asked(&self) -> days::Asked {
        days::Asked {
            from: self.from,
            to: self.to,
            last: self.last,
            month: self.month,
        }
    }
}

/// Where the history is kept.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// The store: a SQLite file's path (created if absent), or a postgres:// URL (a build with
    /// the cargo feature `postgres`) [default: the platform's data directory,
    /// ~/.local/share/rtc-usage/history.db on Linux].
    #[arg(long, value_name = "PATH|URL")]
    pub store: Option<String>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("days").required(true).args(["from", "last", "month"])))]
pub struct UsageArgs {
    #[command(flatten)]
    pub days: DaysArgs,

    /// Answer from the store `rtc-usage sync` keeps (a path or postgres:// URL), without any
    /// call; the asked days it lacks are named in a warning.
    #[arg(long, value_name = "PATH|URL", conflicts_with_all = ["emulator", "endpoints"])]
    pub store: Option<String>,

    /// An app as VENDOR:APP_ID (the vendors and their app ids are listed below) or
    /// ACCOUNT:APP_ID (an account of the config file); repeat for more apps. `VENDOR:*` is
    /// every app of the account, where the vendor's usage operation can answer for all apps.
    /// Without --app: the apps the config file's accounts list.
    #[arg(long = "app", value_name = "VENDOR:APP_ID", value_parser = accounts::parse_app_arg)]
    pub apps: Vec<accounts::AppArg>,

    #[command(flatten)]
    pub accounts: accounts::AccountArgs,

    /// `day`: one record per billing day; `month`: per billing month, each vendor's in its own
    /// time zone (the days asked of it, summed); `native`: the vendor's own buckets (Tencent
    /// answers a one-day window in 5-minute buckets).
    #[arg(long, value_enum, default_value_t = GranularityArg::Day)]
    pub granularity: GranularityArg,

    /// One wide table: a row per app, vendor, account, tier or category, a column per day
    /// (or month), totals per row and column (in table, CSV, JSON and HTML).
    #[arg(long, value_enum, value_name = "KEY")]
    pub by: Option<crate::output::pivot::By>,

    /// What to report, comma-separated: `call` (the default), `recording`, `transcoding`, or
    /// `all`. Recording and transcoding come from the vendors whose specs document them.
    #[arg(long, value_name = "CATEGORY[,..]", default_value = "call", value_parser = parse_categories)]
    pub category: Categories,

    /// The most calls the query may make; a larger plan is refused before any call (a range
    /// starting before 2010 is refused whatever this says).
    #[arg(long, value_name = "N", default_value_t = rtc_usage::DEFAULT_MAX_CALLS)]
    pub max_calls: usize,

    /// Print the plan (calls per account, vendor and operation, and the least time they take
    /// at the documented rate limits) and send nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Ask each vendor only the days it still keeps (its spec's look-back, listed by
    /// `rtc-usage --help`), with a warning naming the days left out; without it, such a
    /// range is refused before any call.
    #[arg(long)]
    pub within_lookback: bool,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub source: SourceArgs,
}

const SYNC_EXAMPLES: &str = "Examples:
  rtc-usage sync --backfill --app volcengine:661e4f8a2b3c4d5e6f708192 --app tencent:1400000001
  rtc-usage sync --last 7d                          # every app of every account of the config file
  rtc-usage sync --from 2026-01-01 --store postgres://me@db.example/usage --app 'alibaba:*'
  rtc-usage sync --emulator --last 30d --store /tmp/demo.db --app huawei:5fa682b34a974f7ad24d223b

Each window fetched is written in one transaction with its days, marked provisional (inside the
vendor's data delay: the next sync fetches them again) or final. A sync killed at any moment
loses nothing written; run it again to continue. A second sync of the same store at once is
refused. An account whose credentials a vendor refuses sends that vendor no further call and is
one error; the other accounts go on. A postgres:// store (a build with the feature postgres) is
reached over TLS whenever the server offers it, its certificate always verified: name a private
CA with ?sslrootcert=PATH. Exit status: 0 all fetched; 1 some windows failed (the others are
kept); 2 bad input.";

const HISTORY_EXAMPLES: &str = "Examples:
  rtc-usage history
  rtc-usage history --revisions --app tencent:1400000001 --from 2026-11-01 --to 2026-11-30
  rtc-usage history --revisions --format csv --output revisions.csv
  rtc-usage history --account team-eu --app team-eu:1400000001 --format json";

/// How far back `--backfill` asks a vendor whose spec documents no look-back.
pub const BACKFILL_DEFAULT_DAYS: u32 = 365;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("days").required(true).args(["from", "last", "month", "backfill"])))]
pub struct SyncArgs {
    #[command(flatten)]
    pub days: DaysArgs,

    /// Every day each vendor still keeps, up to today: the look-back of its spec (listed by
    /// `rtc-usage api --list`), or 365 days where the spec documents none.
    #[arg(long, conflicts_with_all = ["from", "to", "last", "month"])]
    pub backfill: bool,

    #[command(flatten)]
    pub store: StoreArgs,

    /// An app as VENDOR:APP_ID or ACCOUNT:APP_ID (repeatable), as for `usage`; without
    /// --app: the apps the config file's accounts list.
    #[arg(long = "app", value_name = "VENDOR:APP_ID", value_parser = accounts::parse_app_arg)]
    pub apps: Vec<accounts::AppArg>,

    #[command(flatten)]
    pub accounts: accounts::AccountArgs,

    /// What to keep, comma-separated: `call` (the default), `recording`, `transcoding`, or `all`.
    #[arg(long, value_name = "CATEGORY[,..]", default_value = "call", value_parser = parse_categories)]
    pub category: Categories,

    #[command(flatten)]
    pub source: SourceArgs,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub store: StoreArgs,

    /// Every revision: the old figure, the new one, when each was fetched, and whether the day
    /// had been final.
    #[arg(long)]
    pub revisions: bool,

    /// Only this app, as VENDOR:APP_ID (any account's) or ACCOUNT:APP_ID (`VENDOR:*`: the
    /// figures asked for all of the vendor's apps); repeatable.
    #[arg(long = "app", value_name = "VENDOR:APP_ID", value_parser = accounts::parse_app_arg)]
    pub apps: Vec<accounts::AppArg>,

    /// Only this account, named as the store holds it (repeatable; default: every account).
    #[arg(long = "account", value_name = "NAME")]
    pub accounts: Vec<String>,

    /// Only days from DAY (YYYY-MM-DD), included.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub from: Option<NaiveDate>,

    /// Only days up to DAY (YYYY-MM-DD), included.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub to: Option<NaiveDate>,

    /// Only these categories, comma-separated (default: all).
    #[arg(long, value_name = "CATEGORY[,..]", value_parser = parse_categories)]
    pub category: Option<Categories>,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct DistributionArgs {
    /// The app, as VENDOR:APP_ID of the vendor that documents the distribution operation.
    #[arg(long, value_name = "VENDOR:APP_ID", value_parser = parse_app)]
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

const API_EXAMPLES: &str = "Examples:
  rtc-usage api --list
  rtc-usage api tencent DescribeTrtcUsage --param StartTime=2026-11-01 --param EndTime=2026-11-02 --param SdkAppId=1400000001
  rtc-usage api volcengine ListUsages@2023-11-01 --body '{\"AppId\": \"YOUR_APP_ID\", \"StartTime\": \"2026-11-01T00:00:00+08:00\", \"EndTime\": \"2026-11-08T00:00:00+08:00\"}'
  rtc-usage api huawei list_rtc_history_scale --param app=YOUR_APP_ID --param metric=UserCount --param metric=RoomCount
  rtc-usage api --emulator huawei ListRtcHistoryUsage --param app=5fa682b34a974f7ad24d223b --param metric=CommunicationDuration --param start_date=2026-11-01 --param end_date=2026-11-02

Parameters are named as on the wire (the vendor's own spelling). Each call is checked like the
typed clients (required parameters, types, documented limits) before anything is sent, then
signed, paced to the documented rate limit and retried; the printed JSON is the payload inside
the vendor's envelope, as the vendor sent it.";

/// `rtc-usage api`: one call of any operation in the specs, or the list of them.
#[derive(Debug, Args)]
pub struct ApiArgs {
    /// List every operation (or VENDOR's) with its request and limits, and call nothing.
    #[arg(long)]
    pub list: bool,

    /// The vendor (its id, as listed below).
    #[arg(value_name = "VENDOR", required_unless_present = "list", value_parser = parse_vendor)]
    pub vendor: Option<Vendor>,

    /// The operation: its documented name in any case (`ListUsages`) or its module name
    /// (`list_usages_2023_11_01`); `NAME@VERSION` (or --version) picks one of several versions.
    #[arg(value_name = "OPERATION", required_unless_present = "list")]
    pub operation: Option<String>,

    /// The API version, for an operation the specs have at several versions.
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,

    /// A parameter as WIRE_NAME=VALUE (repeatable). The value is taken as its parameter's JSON
    /// type says: text for strings and dates, JSON for numbers, booleans and objects; a list
    /// takes a JSON array or one element per --param.
    #[arg(long = "param", short = 'p', value_name = "KEY=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,

    /// The parameters as one JSON object keyed by wire names (or @FILE to read it from FILE);
    /// --param values are laid over it.
    #[arg(long, value_name = "JSON")]
    pub body: Option<String>,

    #[command(flatten)]
    pub source: SourceArgs,
}

#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, value_name = "ADDR:PORT", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,

    /// Accounts per vendor, each with its own credentials, apps and rate limits (VENDOR-1 is
    /// the one the printed export lines name).
    #[arg(long, value_name = "N", default_value_t = crate::emulated::DEFAULT_ACCOUNTS,
          value_parser = clap::value_parser!(u8).range(1..=rtc_usage_emulator::MAX_ACCOUNTS_PER_VENDOR as i64))]
    pub accounts: u8,

    /// Also write every account to FILE as a config file (mode 0600, secrets inline), for
    /// `rtc-usage usage --config FILE`.
    #[arg(long, value_name = "FILE")]
    pub write_config: Option<PathBuf>,
}

/// Where the data goes and how it looks.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format [default: from the extension of --output FILE (.csv, .json, .html, .txt
    /// for a table); else table when stdout is a terminal, csv when it is not].
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Write the data to FILE instead of stdout (`-` is stdout). FILE is replaced only by a
    /// complete file.
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
    /// One self-contained HTML page (usage only): charts per vendor and across vendors,
    /// tables per app with totals, provisional days marked; loads nothing from the network.
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GranularityArg {
    Day,
    Month,
    Native,
}

impl From<GranularityArg> for rtc_usage::Granularity {
    fn from(value: GranularityArg) -> Self {
        match value {
            GranularityArg::Day => Self::Day,
            GranularityArg::Month => Self::Month,
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
/// The categories of `--category`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Categories(pub Vec<Category>);

/// `call,recording`, or `all`.
pub fn parse_categories(value: &str) -> Result<Categories, String> {
    if value == "all" {
        return Ok(Categories(Category::ALL.to_vec()));
    }
    value
        .split(',')
        .map(|c| c.trim().parse::<Category>())
        .collect::<Result<Vec<_>, _>>()
        .map(Categories)
        .map_err(|e| format!("{e}, or all"))
}

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

/// A vendor name, in any case.
pub fn parse_vendor(value: &str) -> Result<Vendor, String> {
    value.parse::<Vendor>().map_err(|e| e.to_string())
}

/// `KEY=VALUE`: a non-empty key; the value may be empty or contain `=`.
pub fn parse_param(value: &str) -> Result<(String, String), String> {
    match value.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_owned(), value.to_owned()))
        }
        _ => Err("expected KEY=VALUE, for example StartTime=2026-11-01".into()),
    }
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
    let mut text = String::from("Vendors, their apps and where credentials are read from:\n");
    for vendor in rtc_usage::Vendor::all() {
        let info = vendor.entry().info;
        let app = vendor
            .call_operation()
            .map(|(_, usage)| {
                let all = if usage.app.all_when_omitted {
                    format!(" or {}:*", info.id)
                } else {
                    String::new()
                };
                format!(" (apps: {}:{}{all})", info.id, usage.app.example)
            })
            .unwrap_or_default();
        let mut days = vendor
            .day_offset()
            .map(|o| format!("; days in UTC{o}"))
            .unwrap_or_default();
        if let Some(lookback) = vendor
            .call_operation()
            .and_then(|(op, _)| op.limits.lookback)
        {
            days.push_str(&format!("; keeps {} days", lookback.max_days));
        }
        text.push_str(&format!(
            "  {:<11} {}{app}{days}\n",
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
         2 bad input, refused before any call; 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP (an --output file is then as it was).\n\n\
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
    fn params_are_key_equals_value() {
        assert_eq!(
            parse_param("Body={\"a\":\"b=c\"}"),
            Ok(("Body".to_owned(), "{\"a\":\"b=c\"}".to_owned()))
        );
        assert_eq!(parse_param("k="), Ok(("k".to_owned(), String::new())));
        assert!(parse_param("=v").is_err());
        assert!(parse_param("novalue").is_err());
    }

    #[test]
    fn endpoints_name_a_vendor_and_a_usable_url() {
        let ok = parse_endpoint("Tencent=http://127.0.0.1:1").unwrap();
        assert_eq!(ok.vendor.id(), "tencent");
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
