//! [`EmulatorBuilder`]: every setting of an emulator, with defaults that behave like the
//! vendors (documented rates on, no faults, the system clock).

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rtc_usage::Vendor;
use rtc_usage_core::clock::{SharedClock, SystemClock};
use rtc_usage_core::signing::verify::DEFAULT_MAX_SKEW;
use rtc_usage_core::usage::AppKind;

use crate::accounts::{EmulatedAccount, MAX_ACCOUNTS_PER_VENDOR, account_apps};
use crate::data::default_apps;
use crate::faults::FaultRule;
use crate::server::Emulator;

/// The largest request body read; real requests are a few hundred bytes.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;

/// Builds and starts an [`Emulator`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    pub(crate) listen: SocketAddr,
    pub(crate) rate_scale: f64,
    pub(crate) rate_limits: bool,
    pub(crate) enforce_unconfirmed: bool,
    pub(crate) provisional_figures: bool,
    /// The demo account's apps of every vendor.
    pub(crate) apps: BTreeMap<Vendor, Vec<String>>,
    /// How many accounts of made apps every vendor has, its demo account included.
    pub(crate) per_vendor: usize,
    /// The accounts added with their own apps, in order.
    pub(crate) added: Vec<(Vendor, Vec<String>)>,
    pub(crate) clock: SharedClock,
    pub(crate) latency: Duration,
    pub(crate) server_error_rate: f64,
    pub(crate) throttle_rate: f64,
    pub(crate) seed: u64,
    pub(crate) faults: Vec<FaultRule>,
    pub(crate) max_body_bytes: usize,
    pub(crate) max_clock_skew: Duration,
    /// Settings refused on the way, reported by `start`.
    errors: Vec<String>,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            rate_scale: 1.0,
            rate_limits: true,
            enforce_unconfirmed: false,
            provisional_figures: false,
            apps: Vendor::all()
                .map(|v| {
                    (
                        v,
                        default_apps(v.id())
                            .iter()
                            .map(|a| (*a).to_owned())
                            .collect(),
                    )
                })
                .collect(),
            per_vendor: 1,
            added: Vec::new(),
            clock: Arc::new(SystemClock),
            latency: Duration::ZERO,
            server_error_rate: 0.0,
            throttle_rate: 0.0,
            seed: 0,
            faults: Vec::new(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_clock_skew: DEFAULT_MAX_SKEW,
            errors: Vec::new(),
        }
    }
}

impl EmulatorBuilder {
    /// The address to listen on; default `127.0.0.1:0` (a free port, see [`Emulator::addr`]).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Multiplies every documented rate (20.0: twenty times the documented requests per
    /// window), for benchmarks; pair it with the client's `rate_limit_scale` of the same
    /// factor. Default 1.
    pub fn rate_scale(mut self, factor: f64) -> Self {
        self.rate_scale = factor;
        self
    }

    /// Whether the documented rates are enforced (default `true`).
    pub fn rate_limits(mut self, on: bool) -> Self {
        self.rate_limits = on;
        self
    }

    /// Also enforce the limits no source confirms (`Enforcement::Advisory` in the specs:
    /// Volcengine ListUsages' 30-day look-back, Huawei's 31-day span and look-back), so a test
    /// can see the client handle the vendor's refusal. Default `false`.
    pub fn enforce_unconfirmed(mut self, on: bool) -> Self {
        self.enforce_unconfirmed = on;
        self
    }

    /// Answer a day still provisional by the emulator's [`clock`](Self::clock) (its end plus
    /// the spec's data delay not yet passed) with part of its final figures, growing by the
    /// hour, as vendors revise recent days ([`crate::truth_at`]); final days are
    /// [`crate::truth_for`] either way. Default `false`: every day answers its final figures.
    pub fn provisional_figures(mut self, on: bool) -> Self {
        self.provisional_figures = on;
        self
    }

    /// Replaces the apps of `vendor` (`volcengine`, `tencent`, `huawei`, ...); a vendor whose
    /// app parameter is an integer (Tencent's `SdkAppId`) needs integer ids. Defaults:
    /// [`crate::default_apps`].
    pub fn apps<I, S>(mut self, vendor: &str, apps: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        match Vendor::get(vendor) {
            Some(v) => {
                self.apps
                    .insert(v, apps.into_iter().map(Into::into).collect());
            }
            None => self.errors.push(format!("apps: unknown vendor `{vendor}`")),
        }
        self
    }

    /// Gives every vendor `n` accounts in all (default 1: the demo account, `VENDOR-1`; at most
    /// [`MAX_ACCOUNTS_PER_VENDOR`]): the further ones named `VENDOR-2`, `VENDOR-3`, ..., each
    /// with credentials and apps of its own ([`crate::EmulatedAccount`],
    /// [`crate::account_apps`]) and its own rate windows.
    pub fn accounts_per_vendor(mut self, n: usize) -> Self {
        self.per_vendor = n;
        self
    }

    /// Adds one more account of `vendor` holding `apps` (next to its demo account and those
    /// added before), named `VENDOR-N`.
    pub fn account<I, S>(mut self, vendor: &str, apps: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        match Vendor::get(vendor) {
            Some(v) => self
                .added
                .push((v, apps.into_iter().map(Into::into).collect())),
            None => self
                .errors
                .push(format!("account: unknown vendor `{vendor}`")),
        }
        self
    }

    /// Every account, in order: each vendor's demo account, then the added ones.
    pub(crate) fn accounts(&self) -> Vec<EmulatedAccount> {
        let mut accounts: Vec<EmulatedAccount> = Vendor::all()
            .map(|v| EmulatedAccount::new(v, 1, self.apps.get(&v).cloned().unwrap_or_default()))
            .collect();
        for vendor in Vendor::all() {
            for number in 2..=self.per_vendor.min(MAX_ACCOUNTS_PER_VENDOR) {
                accounts.push(EmulatedAccount::new(
                    vendor,
                    number,
                    account_apps(vendor, number),
                ));
            }
        }
        for (vendor, apps) in &self.added {
            let number = 1 + accounts.iter().filter(|a| a.vendor == *vendor).count();
            accounts.push(EmulatedAccount::new(*vendor, number, apps.clone()));
        }
        accounts
    }

    /// The emulator's clock, for signature times and look-back limits (default: the system
    /// clock). Rate windows use the real monotonic clock.
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// Extra time before every answer (default none).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// The share (0 to 1) of valid requests answered with the vendor's internal error and
    /// HTTP 500, drawn from [`seed`](Self::seed).
    pub fn server_error_rate(mut self, share: f64) -> Self {
        self.server_error_rate = share;
        self
    }

    /// The share (0 to 1) of valid requests answered with the vendor's throttling error.
    pub fn throttle_rate(mut self, share: f64) -> Self {
        self.throttle_rate = share;
        self
    }

    /// The seed of the fault shares: the n-th request's draw depends on it and n only.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Adds a targeted fault; rules apply in the order added.
    pub fn fault(mut self, rule: FaultRule) -> Self {
        self.faults.push(rule);
        self
    }

    /// The largest request body read (default 64 KiB); a larger one gets the vendor's
    /// invalid-request error.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// How far a request's signing time may be from the emulator's clock (default 5 min).
    pub fn max_clock_skew(mut self, skew: Duration) -> Self {
        self.max_clock_skew = skew;
        self
    }

    /// Checks the settings, binds the listener and starts serving in the background of the
    /// current tokio runtime.
    pub async fn start(self) -> io::Result<Emulator> {
        self.check()?;
        Emulator::launch(self).await
    }

    fn check(&self) -> io::Result<()> {
        let mut errors = self.errors.clone();
        if !(self.rate_scale.is_finite() && self.rate_scale > 0.0) {
            errors.push(format!(
                "rate_scale must be positive, not {}",
                self.rate_scale
            ));
        }
        let share = |s: f64| (0.0..=1.0).contains(&s);
        if !share(self.server_error_rate)
            || !share(self.throttle_rate)
            || self.server_error_rate + self.throttle_rate > 1.0
        {
            errors.push(format!(
                "server_error_rate ({}) and throttle_rate ({}) must be shares between 0 and 1 with a sum of at most 1",
                self.server_error_rate, self.throttle_rate
            ));
        }
        if !(1..=MAX_ACCOUNTS_PER_VENDOR).contains(&self.per_vendor) {
            errors.push(format!(
                "accounts_per_vendor must be from 1 to {MAX_ACCOUNTS_PER_VENDOR}, not {}",
                self.per_vendor
            ));
        }
        let accounts = self.accounts();
        for (i, account) in accounts.iter().enumerate() {
            let other = accounts[..i].iter().find(|a| {
                a.vendor == account.vendor && a.apps.iter().any(|app| account.apps.contains(app))
            });
            if let Some(other) = other {
                errors.push(format!(
                    "accounts {} and {} both hold an app; an app belongs to one account",
                    other.name, account.name
                ));
            }
        }
        for account in &accounts {
            let (vendor, apps) = (&account.vendor, &account.apps);
            let integer = vendor
                .entry()
                .operations
                .iter()
                .filter_map(|op| op.usage)
                .find(|usage| usage.app.kind == AppKind::Integer);
            let Some(usage) = integer else {
                continue;
            };
            for app in apps.iter().filter(|app| app.parse::<u64>().is_err()) {
                errors.push(format!(
                    "{} app ids ({}) are integers, not `{app}`",
                    vendor.display_name(),
                    usage.app.param
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                errors.join("; "),
            ))
        }
    }
}
