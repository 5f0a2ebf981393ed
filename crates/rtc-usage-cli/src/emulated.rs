//! The in-process emulator behind `--emulator`: synthetic data with no account, for trying
//! the tool and for tests. It serves [`DEMO_ACCOUNTS_PER_VENDOR`] accounts of every vendor,
//! which a usage run asks as if they were a config file's (`--account`, `ACCOUNT:APP`; each
//! vendor's first account is what `VENDOR:APP` means); the other commands use each vendor's
//! first account. stderr says the data is emulated so nobody mistakes it for a bill.

use std::net::SocketAddr;
use std::path::Path;

use rtc_usage::Vendor;
use rtc_usage_emulator::Emulator;

use crate::cli::SourceArgs;
use crate::clients::{self, Target};
use crate::config::{self, ConfigFile};
use crate::exit::ExitError;

/// The accounts of every vendor that `--emulator` and `rtc-usage emulator` serve unless told
/// otherwise: the demo account and one more, so that several accounts can be tried.
pub const DEMO_ACCOUNTS_PER_VENDOR: usize = 2;

/// [`DEMO_ACCOUNTS_PER_VENDOR`] as the default of `rtc-usage emulator --accounts`.
pub const DEFAULT_ACCOUNTS: u8 = DEMO_ACCOUNTS_PER_VENDOR as u8;

/// A running emulator.
pub struct InProcess {
    emulator: Emulator,
}

/// Starts an emulator of `accounts` accounts per vendor on `listen`, its documented rates
/// scaled like the clients' when `RTC_USAGE_RATE_LIMIT_SCALE` is set (so a scaled client is
/// not throttled by it); `refused` words the error when it cannot listen.
pub async fn start(
    listen: SocketAddr,
    accounts: usize,
    refused: impl FnOnce(std::io::Error) -> ExitError,
) -> Result<Emulator, ExitError> {
    let mut builder = Emulator::builder()
        .listen(listen)
        .accounts_per_vendor(accounts);
    if let Some(scale) = clients::rate_limit_scale()? {
        builder = builder.rate_scale(scale);
    }
    builder.start().await.map_err(refused)
}

/// The apps the emulator serves, as `VENDOR:APP` arguments.
pub fn demo_apps(emulator: &Emulator) -> String {
    let apps: Vec<String> = Vendor::all()
        .flat_map(|v| {
            emulator
                .apps(v.as_str())
                .into_iter()
                .map(move |app| format!("{v}:{app}"))
        })
        .collect();
    apps.join(" ")
}

impl InProcess {
    /// Starts the emulator on a free port of 127.0.0.1 and says so on stderr.
    pub async fn start() -> Result<Self, ExitError> {
        let emulator = start(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            DEMO_ACCOUNTS_PER_VENDOR,
            |e| ExitError::failed(format!("--emulator: could not start it: {e}")),
        )
        .await?;
        eprintln!(
            "note: --emulator: the data is synthetic, served by an emulator at {}; it is nobody's real usage",
            emulator.url()
        );
        eprintln!("note: the emulator's demo apps: {}", demo_apps(&emulator));
        Ok(Self { emulator })
    }

    /// The emulator `--emulator` asks for, started; `None` without the flag.
    pub async fn start_if(source: &SourceArgs) -> Result<Option<Self>, ExitError> {
        match source.emulator {
            true => Self::start().await.map(Some),
            false => Ok(None),
        }
    }

    /// The emulator's accounts as a config file: read by the same rules as a user's.
    pub fn config_file(&self) -> Result<ConfigFile, ExitError> {
        config::parse(
            &self.emulator.config_toml(),
            Path::new("--emulator's accounts"),
            true,
        )
    }

    /// Every vendor at the emulator, with its demo credentials.
    pub fn target(&self) -> Target<'static> {
        Target::Emulated {
            url: self.emulator.url(),
            credentials: Vendor::all()
                .filter_map(|v| rtc_usage_emulator::demo_credentials(v.as_str()).map(|c| (v, c)))
                .collect(),
        }
    }

    pub async fn shutdown(self) {
        self.emulator.shutdown().await;
    }
}

/// Where the calls go: the in-process emulator with `--emulator`, else the vendors' APIs
/// with `--endpoint` overrides, warning about each override for a vendor `uses` says is not
/// called (`unused` says why).
/// `started` is the emulator already started for `source`, if any.
pub async fn open<'a>(
    source: &'a SourceArgs,
    started: Option<InProcess>,
    uses: impl Fn(Vendor) -> bool,
    unused: impl Fn(Vendor) -> String,
) -> Result<(Option<InProcess>, Target<'a>), ExitError> {
    if source.emulator {
        let emulator = match started {
            Some(emulator) => emulator,
            None => InProcess::start().await?,
        };
        let target = emulator.target();
        return Ok((Some(emulator), target));
    }
    for endpoint in source.endpoints.iter().filter(|e| !uses(e.vendor)) {
        eprintln!(
            "warning: --endpoint {}={} is not used: {}",
            endpoint.vendor,
            endpoint.url,
            unused(endpoint.vendor)
        );
    }
    Ok((
        None,
        Target::Live {
            endpoints: &source.endpoints,
        },
    ))
}
