//! The client that executes an [`Operation`], phase by phase (as smithy-rs's orchestrator):
//!
//! 1. **input**: the spec's local checks ([`crate::validate`]) and the operation's own wire
//!    parts ([`crate::operation::prepare`]: constants, then the call's parameters);
//! 2. **request preparation** ([`Client::prepare`]): endpoint, path, query, headers and body,
//!    everything but the signature;
//! 3. **the attempt loop** ([`retry::run`]): rate limit, attempts, retries within the policy,
//!    the budget and the operation timeout; it knows nothing of HTTP;
//! 4. **each attempt**: signed afresh ([`Client::sign`]), sent by the transport
//!    ([`transport`]), its envelope checked ([`envelope::check`]);
//! 5. **decoding** the payload ([`envelope::payload`]).

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use crate::config::{Config, ConfigError, USER_AGENT};
use crate::credentials::Credentials;
use crate::descriptor::{ContextValue, Location, OperationDescriptor, RateScope, VendorInfo};
use crate::envelope;
use crate::error::{Error, ErrorKind};
use crate::operation::{Operation, RequestParts};
use crate::rate_limit::RateLimiter;
use crate::retry::{self, Attempt, RetryBudget, RetryLoop};
use crate::signing::{self, HeaderList, SigningInput};
use crate::transport::{self, TimeoutError, TransportError};

/// Executes operations of one vendor. Cheap to clone: clones share the HTTP connection pool,
/// the rate limiters and the retry budget.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    vendor: &'static VendorInfo,
    config: Config,
    credentials: Credentials,
    http: reqwest::Client,
    budget: RetryBudget,
    /// One limiter per (vendor, operation), or per vendor for an account-scoped limit
    /// (keyed `(vendor, "")`), made on first use; `None` = not limited.
    limiters: Mutex<HashMap<(&'static str, &'static str), Limiter>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("vendor", &self.inner.vendor.id)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

type Limiter = Option<Arc<dyn RateLimiter>>;

/// A request ready for signing ([`Client::prepare`]): everything but the signature headers
/// and the query encoding, which every attempt makes afresh ([`Client::sign`]).
#[derive(Debug, Clone)]
pub struct PreparedRequest {
    op: &'static OperationDescriptor,
    /// `scheme://host[:port]`.
    origin: String,
    /// The `Host` header value: host, and the port when it is not the scheme's default.
    host: String,
    /// The percent-encoded path as sent.
    path: String,
    query: Vec<(String, String)>,
    headers: HeaderList,
    body: Option<Vec<u8>>,
    /// The signing region.
    region: String,
    /// The spec's fail-over hosts of the endpoint (none with an endpoint URL override), as
    /// `(origin, Host header)`: an attempt after a connection failure goes to the next.
    failover: Vec<(String, String)>,
}

impl PreparedRequest {
    pub fn operation(&self) -> &'static OperationDescriptor {
        self.op
    }

    /// The `Host` header value.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The percent-encoded path as sent.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query pairs (raw, not encoded), in the order written; the signer decides how they
    /// are encoded and ordered on the URL.
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    /// The headers before signing, in the order sent.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The body bytes, signed and sent as they are.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// The signing region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The `Host` header values of the fail-over hosts, in the order tried.
    pub fn failover_hosts(&self) -> impl Iterator<Item = &str> {
        self.failover.iter().map(|(_, host)| host.as_str())
    }
}

/// A successful answer whose envelope carries no error.
struct Answer {
    status: u16,
    request_id: Option<String>,
    body: Vec<u8>,
}

impl Client {
    /// A client for `vendor`'s operations. Fails when `config` has no credentials, or when the
    /// HTTP client cannot be built.
    pub fn new(vendor: &'static VendorInfo, config: Config) -> Result<Self, ConfigError> {
        let credentials =
            config
                .credentials()
                .cloned()
                .ok_or_else(|| ConfigError::MissingCredentials {
                    vendor: vendor.id,
                    variables: vendor
                        .credential_env
                        .access_key
                        .iter()
                        .chain(vendor.credential_env.secret_key)
                        .copied()
                        .collect(),
                })?;
        let http = match config.http_client() {
            Some(client) => client.clone(),
            None => transport::build_http_client(config.connect_timeout())
                .map_err(ConfigError::HttpClient)?,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                vendor,
                credentials,
                http,
                budget: RetryBudget::new(config.retry().budget_capacity()),
                limiters: Mutex::new(HashMap::new()),
                config,
            }),
        })
    }

    /// A client configured from `vendor`'s environment variables ([`Config::from_env`]).
    pub fn from_env(vendor: &'static VendorInfo) -> Result<Self, ConfigError> {
        Self::new(vendor, Config::from_env(vendor)?)
    }

    pub fn vendor(&self) -> &'static VendorInfo {
        self.inner.vendor
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The current time by the configured clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.config.clock().now()
    }

    /// The retry budget shared by all calls of this client (and its clones).
    pub fn retry_budget(&self) -> &RetryBudget {
        &self.inner.budget
    }

    /// Calls `Op` with `input`.
    ///
    /// The input is checked against the spec's enforced limits first (failing without any
    /// network traffic); then the request is built, rate-limited, signed afresh for every
    /// attempt, sent, and retried on throttling, server, transport and timeout errors within
    /// the retry policy, the retry budget and the operation timeout.
    pub async fn execute<Op: Operation>(&self, input: &Op::Input) -> Result<Op::Output, Error> {
        self.execute_as::<Op, Op::Output>(input).await
    }

    /// Calls `Op` with `input` exactly like [`Client::execute`] (checked, paced, signed,
    /// retried), but returns the payload inside the vendor's envelope as raw JSON, every
    /// field kept, instead of decoding it into `Op::Output`.
    pub async fn execute_json<Op: Operation>(
        &self,
        input: &Op::Input,
    ) -> Result<serde_json::Value, Error> {
        self.execute_as::<Op, serde_json::Value>(input).await
    }

    /// [`Client::execute`], with the payload decoded as `T`.
    async fn execute_as<Op: Operation, T: serde::de::DeserializeOwned>(
        &self,
        input: &Op::Input,
    ) -> Result<T, Error> {
        let op = Op::descriptor();
        let prepared = self.prepare::<Op>(input)?;
        let (answer, attempts) = self.send(&prepared).await?;
        // Secrets of the answer (`x-secret`) are redacted before anything reads or quotes it.
        let redacted;
        let body = if Op::SECRETS.is_empty() {
            &answer.body
        } else {
            redacted = crate::operation::redacted_body(&answer.body, Op::SECRETS);
            &redacted
        };
        let payload = envelope::payload::<T>(op, body).map_err(|e| {
            e.with_request_id(answer.request_id.clone())
                .with_http_status(answer.status)
                .with_attempts(attempts)
        })?;
        crate::request_id::note(answer.request_id.as_deref());
        Ok(payload)
    }

    /// Phases 1 and 2 of a call: checks `input` against the spec's enforced limits (without
    /// any network traffic), writes its parameters, and prepares the request: endpoint, path,
    /// query, headers and body. [`Client::execute`] then signs and sends it.
    pub fn prepare<Op: Operation>(&self, input: &Op::Input) -> Result<PreparedRequest, Error> {
        let op = Op::descriptor();
        self.check_vendor(op)?;
        crate::validate::check(op, &Op::time_range(input), self.now())?;
        let parts = crate::operation::prepare::<Op>(input)
            .map_err(|e| Error::invalid_input(op, e.to_string()))?;
        self.prepare_parts(op, parts)
    }

    fn check_vendor(&self, op: &'static OperationDescriptor) -> Result<(), Error> {
        if op.vendor == self.inner.vendor.id {
            Ok(())
        } else {
            Err(Error::invalid_input(
                op,
                format!(
                    "{} is a {} operation, but this client is for {}",
                    op.name, op.vendor, self.inner.vendor.id
                ),
            ))
        }
    }

    /// Endpoint, path, query, headers and body, before signing.
    fn prepare_parts(
        &self,
        op: &'static OperationDescriptor,
        parts: RequestParts,
    ) -> Result<PreparedRequest, Error> {
        let config = &self.inner.config;
        let region = config.region().unwrap_or(op.default_region).to_owned();
        let base = match config.endpoint_url() {
            Some(url) => url.clone(),
            None => {
                let Some(url) = op.endpoint(&region) else {
                    let known: Vec<&str> = op.endpoints.iter().map(|e| e.region).collect();
                    return Err(Error::invalid_input(
                        op,
                        format!(
                            "{} has no endpoint for region `{region}`; known regions: {} (set the region, or an endpoint URL)",
                            op.name,
                            if known.is_empty() {
                                "none".to_owned()
                            } else {
                                known.join(", ")
                            }
                        ),
                    ));
                };
                reqwest::Url::parse(url).map_err(|e| {
                    Error::invalid_input(
                        op,
                        format!("the spec's endpoint `{url}` is not a URL: {e}"),
                    )
                })?
            }
        };
        let host_name = base.host_str().ok_or_else(|| {
            Error::invalid_input(op, format!("the endpoint `{base}` has no host"))
        })?;
        // `Url` drops the port when it is the scheme's default.
        let host = match base.port() {
            Some(port) => format!("{host_name}:{port}"),
            None => host_name.to_owned(),
        };
        let origin = format!("{}://{host}", base.scheme());
        let failover = match config.endpoint_url() {
            Some(_) => Vec::new(),
            None => failover_origins(op, &region)?,
        };

        // Context values (the project id) as (name, location, value).
        let mut context = Vec::with_capacity(op.context_params.len());
        for param in op.context_params {
            let value = match param.value {
                ContextValue::ProjectId => self.project_id(op)?,
            };
            context.push((param.name, param.location, value));
        }

        // Path: the endpoint's own path, then the template with its placeholders filled.
        let mut path = base.path().trim_end_matches('/').to_owned();
        let mut rest = op.path;
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').map(|c| open + c).ok_or_else(|| {
                Error::invalid_input(
                    op,
                    format!("the path template `{}` has an unclosed `{{`", op.path),
                )
            })?;
            path.push_str(&rest[..open]);
            let name = &rest[open + 1..close];
            let value = parts
                .path_params
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
                .or_else(|| {
                    context
                        .iter()
                        .find(|(n, l, _)| *n == name && *l == Location::Path)
                        .map(|(_, _, v)| v.as_str())
                })
                .ok_or_else(|| {
                    Error::invalid_input(op, format!("no value for the path parameter `{name}`"))
                })?;
            if value.is_empty() {
                return Err(Error::invalid_input(
                    op,
                    format!("the path parameter `{name}` is empty"),
                ));
            }
            encode_path_segment(value, &mut path);
            rest = &rest[close + 1..];
        }
        path.push_str(rest);
        if path.is_empty() {
            path.push('/');
        }

        // Query: the spec's constants and the call's own (`operation::prepare` puts the
        // constants first), then context values.
        let mut query = parts.query;
        query.extend(
            context
                .iter()
                .filter(|(_, l, _)| *l == Location::Query)
                .map(|(n, _, v)| ((*n).to_owned(), v.clone())),
        );

        // Headers: Host; the spec's constant headers, then the call's own (as
        // `operation::prepare` writes them); the runtime's defaults for what neither set (a JSON
        // body's Content-Type, Accept, User-Agent); then context values.
        let mut headers: HeaderList = Vec::with_capacity(6 + parts.headers.len());
        headers.push(("Host".to_owned(), host.clone()));
        headers.extend(parts.headers);
        let defaults = [
            (parts.body.is_some()).then_some(("Content-Type", "application/json")),
            Some(("Accept", "application/json")),
            Some(("User-Agent", config.user_agent())),
        ];
        for (name, value) in defaults.into_iter().flatten() {
            if signing::header_value(&headers, name).is_none() {
                headers.push((name.to_owned(), value.to_owned()));
            }
        }
        headers.extend(
            context
                .iter()
                .filter(|(_, l, _)| *l == Location::Header)
                .map(|(n, _, v)| ((*n).to_owned(), v.clone())),
        );

        Ok(PreparedRequest {
            op,
            origin,
            host,
            path,
            query,
            headers,
            body: parts.body,
            region,
            failover,
        })
    }

    fn project_id(&self, op: &'static OperationDescriptor) -> Result<String, Error> {
        match self.inner.credentials.project_id() {
            Some(p) if !p.is_empty() => Ok(p.to_owned()),
            _ => {
                let vars = self.inner.vendor.credential_env.project_id;
                let env = if vars.is_empty() {
                    String::new()
                } else {
                    format!("set {} or ", vars.join(" / "))
                };
                Err(Error::invalid_input(
                    op,
                    format!(
                        "{} needs a project id: {env}use Credentials::with_project_id",
                        op.name
                    ),
                ))
            }
        }
    }

    /// The limiter of `op` for this client, made on first use.
    fn limiter(&self, op: &'static OperationDescriptor) -> Limiter {
        let mut limiters = self
            .inner
            .limiters
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = match op.limits.rate.map(|r| r.scope) {
            Some(RateScope::Account) => (op.vendor, ""),
            _ => (op.vendor, op.name),
        };
        limiters
            .entry(key)
            .or_insert_with(|| self.inner.config.rate_limit().limiter_for(op))
            .clone()
    }

    /// Phase 3, the attempt loop ([`retry::run`]) over [`Client::attempt`]: the answer, and
    /// the number of attempts it took.
    async fn send(&self, prepared: &PreparedRequest) -> Result<(Answer, u32), Error> {
        let op = prepared.op;
        let limiter = self.limiter(op);
        let setup = RetryLoop {
            op,
            retry: self.inner.config.retry(),
            budget: &self.inner.budget,
            limiter: limiter.as_deref(),
            operation_timeout: self.inner.config.operation_timeout(),
        };
        // 0: the endpoint; n: the n-th fail-over host.
        let host = AtomicUsize::new(0);
        retry::run(setup, |attempt| self.attempt(prepared, attempt, &host)).await
    }

    /// `prepared` signed at `timestamp` (unix seconds), as every attempt signs it: the
    /// `reqwest` request made of exactly the signed header list, the signed query string and
    /// the body bytes that were signed.
    pub fn sign(
        &self,
        prepared: &PreparedRequest,
        timestamp: i64,
    ) -> Result<reqwest::Request, Error> {
        self.sign_for(prepared, timestamp, 0)
    }

    /// [`Client::sign`] for the `host`-th host: 0 the endpoint, `n` its n-th fail-over host
    /// (the `Host` header set to it).
    fn sign_for(
        &self,
        prepared: &PreparedRequest,
        timestamp: i64,
        host: usize,
    ) -> Result<reqwest::Request, Error> {
        let op = prepared.op;
        let mut headers = prepared.headers.clone();
        let (origin, host) = match host.checked_sub(1).and_then(|i| prepared.failover.get(i)) {
            Some((origin, host)) => {
                signing::set_header(&mut headers, "Host", host);
                (origin.as_str(), host.as_str())
            }
            None => (prepared.origin.as_str(), prepared.host.as_str()),
        };
        // A scheme that signs a nonce takes a fresh one on every attempt.
        let nonce = signing::new_nonce();
        let input = SigningInput {
            method: op.method,
            host,
            path: &prepared.path,
            query: &prepared.query,
            body: prepared.body.as_deref().unwrap_or_default(),
            region: &prepared.region,
            service: op.service,
            action: op.name,
            version: op.version,
            timestamp,
            request_client: Some(USER_AGENT),
            nonce: Some(&nonce),
        };
        let signed = signing::sign(op.auth, &input, &mut headers, &self.inner.credentials)
            .map_err(|e| Error::transport(op, ErrorKind::InvalidInput, e))?;
        transport::build_request(
            op,
            origin,
            &prepared.path,
            &signed.query_string,
            &headers,
            prepared.body.as_deref(),
        )
    }

    /// Phase 4, one attempt: sign with a fresh timestamp, send, read the bounded body, check
    /// the envelope, all within what is left of the operation timeout.
    ///
    /// `host` is the host this attempt goes to (see [`Client::sign_for`]); a connection
    /// failure moves it to the next fail-over host for the attempts after it.
    async fn attempt(
        &self,
        prepared: &PreparedRequest,
        attempt: Attempt,
        host: &AtomicUsize,
    ) -> Result<Answer, Error> {
        let op = prepared.op;
        let config = &self.inner.config;
        let index = host.load(Ordering::Relaxed);
        let request = self.sign_for(prepared, config.clock().now().timestamp(), index)?;

        let per_attempt = config.attempt_timeout();
        let (limit, what) = if attempt.remaining < per_attempt {
            (
                attempt.remaining,
                format!(
                    "the operation timeout of {:?} ran out",
                    config.operation_timeout()
                ),
            )
        } else {
            (
                per_attempt,
                format!("no complete answer within the attempt timeout of {per_attempt:?}"),
            )
        };
        tracing::debug!(method = op.method, path = %prepared.path, "sending");
        let exchange =
            transport::exchange(op, &self.inner.http, request, config.max_response_bytes());
        let raw = match tokio::time::timeout(limit, exchange).await {
            Ok(result) => result.inspect_err(|e| {
                if is_connect_failure(e) && index < prepared.failover.len() {
                    let (_, next) = &prepared.failover[index];
                    tracing::debug!(next = %next, "connection failed; the next attempt goes to a fail-over host");
                    host.store(index + 1, Ordering::Relaxed);
                }
            })?,
            Err(_) => return Err(Error::transport(op, ErrorKind::Timeout, TimeoutError(what))),
        };
        let span = tracing::Span::current();
        span.record("status", raw.status);
        let checked = envelope::check(op, raw.status, raw.request_id.as_deref(), &raw.body)
            .map_err(|e| e.with_retry_after(raw.retry_after));
        let request_id = match &checked {
            Ok(id) => id.as_deref(),
            Err(e) => e.request_id(),
        };
        if let Some(id) = request_id {
            span.record("request_id", id);
        }
        let request_id = checked?;
        Ok(Answer {
            status: raw.status,
            request_id,
            body: raw.body,
        })
    }
}

/// The `(origin, Host header)` of each fail-over host of `op`'s endpoint for `region`.
fn failover_origins(
    op: &'static OperationDescriptor,
    region: &str,
) -> Result<Vec<(String, String)>, Error> {
    let hosts = op
        .endpoints
        .iter()
        .find(|e| e.region == region)
        .map_or(&[][..], |e| e.failover);
    hosts
        .iter()
        .map(|url| {
            let parsed = reqwest::Url::parse(url).map_err(|e| {
                Error::invalid_input(
                    op,
                    format!("the spec's fail-over host `{url}` is not a URL: {e}"),
                )
            })?;
            let name = parsed.host_str().ok_or_else(|| {
                Error::invalid_input(op, format!("the fail-over host `{url}` has no host"))
            })?;
            let host = match parsed.port() {
                Some(port) => format!("{name}:{port}"),
                None => name.to_owned(),
            };
            Ok((format!("{}://{host}", parsed.scheme()), host))
        })
        .collect()
}

/// Whether `error` is a failure to connect (refused, unreachable, DNS, TLS handshake, connect
/// timeout), as opposed to an HTTP answer or a connection lost mid-exchange.
fn is_connect_failure(error: &Error) -> bool {
    matches!(error.kind(), ErrorKind::Transport | ErrorKind::Timeout)
        && std::error::Error::source(error)
            .and_then(|s| s.downcast_ref::<TransportError>())
            .is_some_and(TransportError::is_connect)
}

/// Appends `value` percent-encoded as one path segment: only the unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`) stay as they are.
fn encode_path_segment(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_keep_only_unreserved() {
        let mut s = String::new();
        encode_path_segment("a-b_c.d~e/f g%h+ü", &mut s);
        assert_eq!(s, "a-b_c.d~e%2Ff%20g%25h%2B%C3%BC");
    }

    use crate::descriptor::{Endpoint, Limits};
    use crate::retry::tests::TEST_OP;

    static TEST_VENDOR: VendorInfo = VendorInfo {
        id: "test",
        display_name: "Test",
        credential_env: crate::descriptor::CredentialEnv {
            access_key: &[],
            secret_key: &[],
            session_token: &[],
            project_id: &[],
            region: &[],
        },
        endpoint_env: "RTC_USAGE_ENDPOINT_TEST",
        default_region: "r",
    };

    const fn limited(name: &'static str, scope: RateScope) -> OperationDescriptor {
        OperationDescriptor {
            name,
            limits: Limits {
                rate: Some(crate::descriptor::RateLimit {
                    requests: 1,
                    per: std::time::Duration::from_secs(1),
                    scope,
                }),
                ..TEST_OP.limits
            },
            ..TEST_OP
        }
    }

    static ACCOUNT_A: OperationDescriptor = limited("A", RateScope::Account);
    static ACCOUNT_B: OperationDescriptor = limited("B", RateScope::Account);
    static OWN_C: OperationDescriptor = limited("C", RateScope::Operation);
    static OWN_D: OperationDescriptor = limited("D", RateScope::Operation);

    fn client() -> Client {
        let config = Config::builder()
            .credentials(Credentials::new("AK", "SK"))
            .build()
            .unwrap();
        Client::new(&TEST_VENDOR, config).unwrap()
    }

    /// An account-scoped limit is one window for every operation of the vendor that has one:
    /// a call of B after a call of A waits for A's window; operation-scoped ones do not.
    #[tokio::test(start_paused = true)]
    async fn account_scoped_operations_share_one_window() {
        let client = client();
        let (a, b) = (client.limiter(&ACCOUNT_A), client.limiter(&ACCOUNT_B));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(Arc::ptr_eq(&a, &b), "one limiter for the account");
        let start = tokio::time::Instant::now();
        drop(a.acquire().await);
        drop(b.acquire().await);
        assert!(
            start.elapsed() >= std::time::Duration::from_secs(1),
            "B waited for A"
        );

        let (c, d) = (
            client.limiter(&OWN_C).unwrap(),
            client.limiter(&OWN_D).unwrap(),
        );
        assert!(!Arc::ptr_eq(&c, &d), "one limiter per operation");
        let start = tokio::time::Instant::now();
        drop(c.acquire().await);
        drop(d.acquire().await);
        assert!(start.elapsed() < std::time::Duration::from_millis(10));
    }

    static FAILOVER_OP: OperationDescriptor = OperationDescriptor {
        endpoints: &[Endpoint {
            region: "r",
            url: "https://primary.example",
            failover: &["https://second.example", "https://third.example:8443"],
        }],
        ..TEST_OP
    };

    /// The fail-over hosts are listed, and signing for the n-th goes to it with its `Host`.
    #[test]
    fn failover_hosts_are_listed_and_signed_for() {
        let client = client();
        let parts = RequestParts::default();
        let prepared = client.prepare_parts(&FAILOVER_OP, parts).unwrap();
        assert_eq!(prepared.host(), "primary.example");
        assert_eq!(
            prepared.failover_hosts().collect::<Vec<_>>(),
            ["second.example", "third.example:8443"]
        );
        for (index, url, host) in [
            (0, "https://primary.example/", "primary.example"),
            (1, "https://second.example/", "second.example"),
            (2, "https://third.example:8443/", "third.example:8443"),
            (3, "https://primary.example/", "primary.example"),
        ] {
            let request = client.sign_for(&prepared, 1_700_000_000, index).unwrap();
            assert_eq!(request.url().as_str(), url, "{index}");
            assert_eq!(request.headers()["host"], host, "{index}");
        }
        // With an endpoint override there is nothing to fail over to.
        let config = Config::builder()
            .credentials(Credentials::new("AK", "SK"))
            .endpoint_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        let overridden = Client::new(&TEST_VENDOR, config).unwrap();
        let prepared = overridden
            .prepare_parts(&FAILOVER_OP, RequestParts::default())
            .unwrap();
        assert_eq!(prepared.failover_hosts().count(), 0);
    }
}
