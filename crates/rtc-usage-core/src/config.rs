//! Client configuration: credentials, region, endpoint, timeouts, retries, rate limits.
//!
//! Every setting has a finite default, so no call can hang forever:
//!
//! | setting | default | why |
//! |---|---|---|
//! | connect timeout | 5 s | a reachable API host connects in well under a second |
//! | per-attempt timeout | 30 s | the vendors answer these queries in seconds (Volcengine's SDK waits 10 s); a month of 5-minute buckets is still small |
//! | operation timeout | 120 s | 3 attempts of 30 s plus backoff fit inside |
//! | retries | [`RetryConfig::standard`] | 3 attempts, full-jitter backoff from 500 ms up to 20 s, a 500-token budget |
//! | rate limit | [`RateLimitPolicy::Spec`] | stay inside the documented rate instead of being throttled |
//! | max response bytes | 8 MiB | real answers are a few KiB (a 31-day, 5-minute Tencent answer is under 1 MiB); a bound protects memory |
//! | clock | [`SystemClock`] | |
//! | `User-Agent` | `rtc-usage/<version>` | plus an optional suffix naming the application |

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::{SharedClock, SystemClock};
use crate::credentials::{Credentials, CredentialsError};
use crate::descriptor::{OperationDescriptor, VendorInfo};
use crate::rate_limit::{RateLimiter, SlidingWindow};
use crate::retry::RetryConfig;

/// `rtc-usage/<version of this crate>`: the `User-Agent` (before any suffix).
pub const USER_AGENT: &str = concat!("rtc-usage/", env!("CARGO_PKG_VERSION"));

pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(120);
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// Makes the limiter for one operation; `None` means that operation is not limited.
pub type RateLimiterFactory =
    Arc<dyn Fn(&'static OperationDescriptor) -> Option<Arc<dyn RateLimiter>> + Send + Sync>;

/// How a client limits its own request rate, per operation.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum RateLimitPolicy {
    /// The spec's documented rate for each operation (a [`SlidingWindow`]); operations
    /// without a documented rate are not limited.
    #[default]
    Spec,
    /// The spec's rate multiplied by this factor (see [`SlidingWindow::from_limit_scaled`]);
    /// for load tests against an emulator.
    Scaled(f64),
    /// No client-side limit: the vendor's throttling (and retries) decide.
    Disabled,
    /// A limiter of the caller's making for each operation.
    Custom(RateLimiterFactory),
}

impl RateLimitPolicy {
    /// The limiter for `op`, or `None` when `op` is not limited.
    pub fn limiter_for(&self, op: &'static OperationDescriptor) -> Option<Arc<dyn RateLimiter>> {
        match self {
            Self::Spec => op
                .limits
                .rate
                .map(|r| Arc::new(SlidingWindow::from_limit(r)) as Arc<dyn RateLimiter>),
            Self::Scaled(factor) => op.limits.rate.map(|r| {
                Arc::new(SlidingWindow::from_limit_scaled(r, *factor)) as Arc<dyn RateLimiter>
            }),
            Self::Disabled => None,
            Self::Custom(factory) => factory(op),
        }
    }
}

impl fmt::Debug for RateLimitPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Spec => f.write_str("Spec"),
            Self::Scaled(factor) => f.debug_tuple("Scaled").field(factor).finish(),
            Self::Disabled => f.write_str("Disabled"),
            Self::Custom(_) => f.write_str("Custom(..)"),
        }
    }
}

/// A configuration that cannot work.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No credentials were given in code and none were found in the environment.
    #[error(
        "no {vendor} credentials: set {} or pass them with Config::builder().credentials(..)",
        .variables.join(" / ")
    )]
    MissingCredentials {
        vendor: &'static str,
        /// The environment variables that are read, access key ones first.
        variables: Vec<&'static str>,
    },
    /// The environment's credentials are incomplete.
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    /// The endpoint override is not an `http`/`https` URL with a host.
    #[error("invalid endpoint URL `{value}`{}: {reason}", source_suffix(.from))]
    InvalidEndpoint {
        value: String,
        reason: String,
        /// The environment variable it came from, if any.
        from: Option<&'static str>,
    },
    /// An environment variable the vendor's settings are read from holds a value no
    /// credential, project, region or URL can have (whitespace only, a trailing newline or
    /// CR LF from a `.env` written on Windows, control characters). The value is not shown.
    #[error("{variable}: {reason}; set it again without them")]
    DirtyVariable {
        variable: &'static str,
        reason: &'static str,
    },
    /// A setting out of its range.
    #[error("invalid setting `{setting}`: {reason}")]
    InvalidSetting {
        setting: &'static str,
        reason: String,
    },
    /// The HTTP client could not be built (e.g. no TLS backend could be initialized).
    #[error("could not build the HTTP client: {0}")]
    HttpClient(#[source] reqwest::Error),
}

/// The range of `RateLimitPolicy::Scaled` factors accepted.
pub const MIN_RATE_SCALE: f64 = 1e-6;
pub const MAX_RATE_SCALE: f64 = 1e6;

/// Refuses, naming the variable, a set value of any variable the vendor's settings are read
/// from that is blank or has surrounding whitespace or control characters: such a value can
/// only fail later, at the vendor, with a less clear message (or be signed as sent).
fn check_variables(
    vendor: &'static VendorInfo,
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    let env = &vendor.credential_env;
    let names = env
        .access_key
        .iter()
        .chain(env.secret_key)
        .chain(env.session_token)
        .chain(env.project_id)
        .chain(env.region)
        .chain(std::iter::once(&vendor.endpoint_env).filter(|n| !n.is_empty()));
    for &variable in names {
        let Some(value) = lookup(variable) else {
            continue;
        };
        if value.is_empty() {
            continue; // empty counts as unset
        }
        let reason = dirty_reason(&value);
        if let Some(reason) = reason {
            return Err(ConfigError::DirtyVariable { variable, reason });
        }
    }
    Ok(())
}

/// Why a set credential or setting value cannot be what was meant (blank, a CR LF or newline
/// end, surrounding spaces, control characters), or `None`; never quotes the value. Also the
/// rule of the CLI's config file.
pub fn dirty_reason(value: &str) -> Option<&'static str> {
    if value.trim().is_empty() {
        Some("it is set but blank")
    } else if value.ends_with("\r\n") || value.ends_with('\r') {
        Some("it ends with a carriage return (a file saved with CR LF line ends)")
    } else if value.ends_with('\n') {
        Some("it ends with a newline")
    } else if value.trim() != value {
        Some("it has leading or trailing spaces")
    } else if value.chars().any(char::is_control) {
        Some("it holds control characters")
    } else {
        None
    }
}

fn source_suffix(from: &Option<&'static str>) -> String {
    from.map(|v| format!(" (from {v})")).unwrap_or_default()
}

/// Everything a [`crate::Client`] needs besides the vendor's facts. Cheap to clone.
#[derive(Clone)]
pub struct Config {
    credentials: Option<Credentials>,
    region: Option<String>,
    endpoint: Option<reqwest::Url>,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    operation_timeout: Duration,
    retry: RetryConfig,
    rate_limit: RateLimitPolicy,
    clock: SharedClock,
    user_agent_suffix: Option<String>,
    user_agent: String,
    http_client: Option<reqwest::Client>,
    max_response_bytes: usize,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            // `Credentials`' own `Debug` redacts the secrets.
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint.as_ref().map(|u| u.as_str()))
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("clock", &self.clock)
            .field("user_agent", &self.user_agent)
            .field("http_client", &self.http_client.as_ref().map(|_| ".."))
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

impl Default for Config {
    /// All defaults, no credentials (a client then refuses to start).
    fn default() -> Self {
        Self::builder()
            .build()
            .expect("the default configuration is valid")
    }
}

impl Config {
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The configuration from `vendor`'s conventional environment variables: credentials
    /// (from `vendor.credential_env`), region (the first set of `credential_env.region`) and
    /// endpoint override (`vendor.endpoint_env`, e.g. `RTC_USAGE_ENDPOINT_TENCENT`), with
    /// defaults for everything else. To set some values in code and take the rest from the
    /// environment, use [`ConfigBuilder::load_env`].
    pub fn from_env(vendor: &'static VendorInfo) -> Result<Self, ConfigError> {
        Self::builder().load_env(vendor).build()
    }

    /// A builder holding this configuration, to change a few settings.
    pub fn to_builder(&self) -> ConfigBuilder {
        ConfigBuilder {
            credentials: self.credentials.clone(),
            region: self.region.clone(),
            endpoint_url: self.endpoint.as_ref().map(|u| u.as_str().to_owned()),
            connect_timeout: Some(self.connect_timeout),
            attempt_timeout: Some(self.attempt_timeout),
            operation_timeout: Some(self.operation_timeout),
            retry: Some(self.retry),
            rate_limit: Some(self.rate_limit.clone()),
            clock: Some(self.clock.clone()),
            user_agent_suffix: self.user_agent_suffix.clone(),
            http_client: self.http_client.clone(),
            max_response_bytes: Some(self.max_response_bytes),
            env: None,
        }
    }

    pub fn credentials(&self) -> Option<&Credentials> {
        self.credentials.as_ref()
    }

    /// The region; `None` means each operation's default region.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The endpoint override, which replaces every operation's endpoint.
    pub fn endpoint_url(&self) -> Option<&reqwest::Url> {
        self.endpoint.as_ref()
    }

    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The time one attempt (sending, waiting, reading the body) may take.
    pub fn attempt_timeout(&self) -> Duration {
        self.attempt_timeout
    }

    /// The time a whole call may take, retries and backoff included, counted from the first
    /// attempt (waiting for the first rate-limit permit does not count).
    pub fn operation_timeout(&self) -> Duration {
        self.operation_timeout
    }

    pub fn retry(&self) -> &RetryConfig {
        &self.retry
    }

    pub fn rate_limit(&self) -> &RateLimitPolicy {
        &self.rate_limit
    }

    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    /// The `User-Agent` header value: `rtc-usage/<version>` and the suffix, if any.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// The caller's HTTP client, if one was given.
    pub fn http_client(&self) -> Option<&reqwest::Client> {
        self.http_client.as_ref()
    }

    /// The largest response body read; a larger one fails with `ErrorKind::Decode`.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }
}

/// Builds a [`Config`]; every setting is optional.
#[derive(Clone, Default)]
pub struct ConfigBuilder {
    credentials: Option<Credentials>,
    region: Option<String>,
    endpoint_url: Option<String>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    retry: Option<RetryConfig>,
    rate_limit: Option<RateLimitPolicy>,
    clock: Option<SharedClock>,
    user_agent_suffix: Option<String>,
    http_client: Option<reqwest::Client>,
    max_response_bytes: Option<usize>,
    env: Option<&'static VendorInfo>,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("endpoint_url", &self.endpoint_url)
            .field("env", &self.env.map(|v| v.id))
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sends every operation to this `http`/`https` base URL (an emulator, a proxy, a test
    /// server) instead of the spec's endpoints. A path in it is put before each operation's path.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The time one attempt may take.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// The time a whole call may take, retries included.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    pub fn rate_limit(mut self, policy: RateLimitPolicy) -> Self {
        self.rate_limit = Some(policy);
        self
    }

    /// The spec's rates multiplied by `factor` (`RateLimitPolicy::Scaled`).
    pub fn rate_limit_scale(self, factor: f64) -> Self {
        self.rate_limit(RateLimitPolicy::Scaled(factor))
    }

    /// No client-side rate limit (`RateLimitPolicy::Disabled`).
    pub fn disable_rate_limit(self) -> Self {
        self.rate_limit(RateLimitPolicy::Disabled)
    }

    /// A limiter of the caller's making per operation (`RateLimitPolicy::Custom`).
    pub fn rate_limiter_factory(
        self,
        factory: impl Fn(&'static OperationDescriptor) -> Option<Arc<dyn RateLimiter>>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        self.rate_limit(RateLimitPolicy::Custom(Arc::new(factory)))
    }

    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Appended to the `User-Agent` after a space, e.g. `my-app/1.2`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Uses this HTTP client instead of building one. The connect timeout is then the
    /// client's own; it should not follow redirects nor decompress, and its default headers
    /// are added to every request (after the signature: keep them out of the signed set).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// At [`build`](Self::build), fills the credentials, region and endpoint that were not
    /// set in code from `vendor`'s environment variables. Values set in code win, whatever
    /// the order of the calls. Code-given credentials without a project id take the
    /// environment's project id, if there is one.
    pub fn load_env(mut self, vendor: &'static VendorInfo) -> Self {
        self.env = Some(vendor);
        self
    }

    /// Checks the settings and builds the configuration; environment variables (see
    /// [`load_env`](Self::load_env)) are read from the process environment.
    pub fn build(self) -> Result<Config, ConfigError> {
        self.build_with_lookup(|name| std::env::var(name).ok())
    }

    /// [`build`](Self::build), reading environment variables through `lookup` instead of the
    /// process environment (for tests and for callers with their own settings store).
    pub fn build_with_lookup(
        mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut endpoint_from = None;
        if let Some(vendor) = self.env {
            check_variables(vendor, &lookup)?;
            let lookup_set = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
            let env = &vendor.credential_env;
            match self.credentials.take() {
                Some(mut creds) => {
                    if creds.project_id().is_none() {
                        if let Some(p) = env.project_id.iter().find_map(|v| lookup_set(v)) {
                            creds = creds.with_project_id(p);
                        }
                    }
                    self.credentials = Some(creds);
                }
                None => {
                    let has_any = env
                        .access_key
                        .iter()
                        .chain(env.secret_key)
                        .any(|v| lookup_set(v).is_some());
                    if !has_any {
                        return Err(ConfigError::MissingCredentials {
                            vendor: vendor.id,
                            variables: env
                                .access_key
                                .iter()
                                .chain(env.secret_key)
                                .copied()
                                .collect(),
                        });
                    }
                    self.credentials = Some(Credentials::from_lookup(env, &lookup)?);
                }
            }
            if self.region.is_none() {
                self.region = env.region.iter().find_map(|v| lookup_set(v));
            }
            if self.endpoint_url.is_none() && !vendor.endpoint_env.is_empty() {
                if let Some(url) = lookup_set(vendor.endpoint_env) {
                    self.endpoint_url = Some(url);
                    endpoint_from = Some(vendor.endpoint_env);
                }
            }
        }

        let endpoint = self
            .endpoint_url
            .map(|value| parse_endpoint(&value, endpoint_from))
            .transpose()?;
        if let Some(region) = &self.region {
            if region.trim().is_empty() || region.trim() != region {
                return Err(ConfigError::InvalidSetting {
                    setting: "region",
                    reason: format!("`{region}` is empty or has surrounding spaces"),
                });
            }
        }
        let positive = |setting: &'static str, value: Option<Duration>, default: Duration| {
            let value = value.unwrap_or(default);
            if value.is_zero() {
                Err(ConfigError::InvalidSetting {
                    setting,
                    reason: "must be greater than zero".into(),
                })
            } else {
                Ok(value)
            }
        };
        let connect_timeout = positive(
            "connect_timeout",
            self.connect_timeout,
            DEFAULT_CONNECT_TIMEOUT,
        )?;
        let attempt_timeout = positive(
            "attempt_timeout",
            self.attempt_timeout,
            DEFAULT_ATTEMPT_TIMEOUT,
        )?;
        let operation_timeout = positive(
            "operation_timeout",
            self.operation_timeout,
            DEFAULT_OPERATION_TIMEOUT,
        )?;
        let rate_limit = self.rate_limit.unwrap_or_default();
        if let RateLimitPolicy::Scaled(factor) = rate_limit {
            // Outside this range a scaled window is shorter than a microsecond or longer than
            // a year: a typo, and a `Duration` computed from it could overflow.
            if !(factor.is_finite() && (MIN_RATE_SCALE..=MAX_RATE_SCALE).contains(&factor)) {
                return Err(ConfigError::InvalidSetting {
                    setting: "rate_limit",
                    reason: format!(
                        "the scale factor {factor} is not a number from {MIN_RATE_SCALE} to {MAX_RATE_SCALE}"
                    ),
                });
            }
        }
        let max_response_bytes = self
            .max_response_bytes
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        if max_response_bytes == 0 {
            return Err(ConfigError::InvalidSetting {
                setting: "max_response_bytes",
                reason: "must be greater than zero".into(),
            });
        }
        let user_agent = match &self.user_agent_suffix {
            Some(suffix) if !suffix.trim().is_empty() => {
                let suffix = suffix.trim();
                if !suffix.bytes().all(|b| (0x20..0x7f).contains(&b)) {
                    return Err(ConfigError::InvalidSetting {
                        setting: "user_agent_suffix",
                        reason: "only printable ASCII is allowed in a User-Agent".into(),
                    });
                }
                format!("{USER_AGENT} {suffix}")
            }
            _ => USER_AGENT.to_owned(),
        };
        Ok(Config {
            credentials: self.credentials,
            region: self.region,
            endpoint,
            connect_timeout,
            attempt_timeout,
            operation_timeout,
            retry: self.retry.unwrap_or_default(),
            rate_limit,
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            user_agent_suffix: self.user_agent_suffix,
            user_agent,
            http_client: self.http_client,
            max_response_bytes,
        })
    }
}

/// `value` with any `user:password@` before its host replaced by `***@`, so that an error
/// about the URL never shows the password.
fn without_userinfo(value: &str) -> String {
    let Some((scheme, rest)) = value.split_once("://") else {
        return crate::error::printable(value);
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let shown = match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => value.to_owned(),
    };
    crate::error::printable(&shown)
}

fn parse_endpoint(value: &str, from: Option<&'static str>) -> Result<reqwest::Url, ConfigError> {
    let invalid = |reason: String| ConfigError::InvalidEndpoint {
        value: without_userinfo(value),
        reason,
        from,
    };
    let url = reqwest::Url::parse(value.trim()).map_err(|e| invalid(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "the scheme must be http or https, not `{}`",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("it must not carry a user name or password".into()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or a fragment".into()));
    }
    Ok(url)
}
