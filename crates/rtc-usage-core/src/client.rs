//! The client that executes an [`Operation`]: validation, endpoint, signing, sending, decoding,
//! retries and rate limits.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tracing::Instrument;

use crate::config::{Config, ConfigError, USER_AGENT};
use crate::credentials::Credentials;
use crate::descriptor::{ContextValue, Envelope, Location, OperationDescriptor, VendorInfo};
use crate::envelope;
use crate::error::{Error, ErrorKind};
use crate::operation::{Operation, RequestParts};
use crate::rate_limit::RateLimiter;
use crate::retry::RetryBudget;
use crate::signing::{self, HeaderList, SigningInput};
use crate::transport::{self, TimeoutError};

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
    /// One limiter per (vendor, operation), made on first use; `None` = not limited.
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

/// A request ready for signing: everything but the signature headers and the query encoding.
struct Prepared {
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
}

/// A successful answer whose envelope carries no error.
struct Answer {
    status: u16,
    request_id: Option<String>,
    body: Vec<u8>,
    attempts: u32,
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
        self.check_vendor(op)?;
        crate::validate::check(op, &Op::time_range(input), self.now())?;
        let parts = crate::operation::prepare::<Op>(input)
            .map_err(|e| Error::invalid_input(op, e.to_string()))?;
        let prepared = self.prepare(op, parts)?;
        let answer = self.send(op, &prepared).await?;
        envelope::payload::<T>(op, &answer.body).map_err(|e| {
            e.with_request_id(answer.request_id)
                .with_http_status(answer.status)
                .with_attempts(answer.attempts)
        })
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
    fn prepare(
        &self,
        op: &'static OperationDescriptor,
        parts: RequestParts,
    ) -> Result<Prepared, Error> {
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

        let mut headers: HeaderList = Vec::with_capacity(6 + parts.headers.len());
        headers.push(("Host".to_owned(), host.clone()));
        if parts.body.is_some() || op.envelope == Envelope::HuaweiPlain {
            headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        headers.push(("Accept".to_owned(), "application/json".to_owned()));
        headers.push(("User-Agent".to_owned(), config.user_agent().to_owned()));
        // The spec's constant headers, then the call's own.
        headers.extend(parts.headers);
        headers.extend(
            context
                .iter()
                .filter(|(_, l, _)| *l == Location::Header)
                .map(|(n, _, v)| ((*n).to_owned(), v.clone())),
        );

        Ok(Prepared {
            origin,
            host,
            path,
            query,
            headers,
            body: parts.body,
            region,
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
        limiters
            .entry((op.vendor, op.name))
            .or_insert_with(|| self.inner.config.rate_limit().limiter_for(op))
            .clone()
    }

    /// The attempt loop: rate limit, attempt, and retry within policy, budget and deadline.
    async fn send(
        &self,
        op: &'static OperationDescriptor,
        prepared: &Prepared,
    ) -> Result<Answer, Error> {
        let config = &self.inner.config;
        let budget = &self.inner.budget;
        let limiter = self.limiter(op);
        let operation_timeout = config.operation_timeout();
        let mut deadline = None;
        let mut last_retry_cost = None;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            if let Some(limiter) = &limiter {
                match deadline {
                    // The first permit may take long when many calls queue; it does not count
                    // against the operation timeout.
                    None => limiter.acquire().await,
                    Some(deadline) => {
                        if tokio::time::timeout_at(deadline, limiter.acquire())
                            .await
                            .is_err()
                        {
                            return Err(operation_timeout_error(
                                op,
                                operation_timeout,
                                "waiting for the rate limiter",
                            )
                            .with_attempts(attempt - 1));
                        }
                    }
                }
            }
            let now = tokio::time::Instant::now();
            let deadline = *deadline.get_or_insert(now + operation_timeout);
            let remaining = deadline.saturating_duration_since(now);
            if remaining.is_zero() {
                return Err(
                    operation_timeout_error(op, operation_timeout, "before the attempt")
                        .with_attempts(attempt - 1),
                );
            }
            let span = tracing::info_span!(
                "rtc_usage.call",
                vendor = op.vendor,
                operation = op.name,
                attempt,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
            );
            let result = self
                .attempt(op, prepared, remaining)
                .instrument(span.clone())
                .await;
            let error = match result {
                Ok(mut answer) => {
                    budget.on_success(last_retry_cost);
                    answer.attempts = attempt;
                    return Ok(answer);
                }
                Err(e) => e.with_attempts(attempt),
            };
            let Some((backoff, cost)) =
                span.in_scope(|| self.plan_retry(&error, attempt, deadline))
            else {
                return Err(error);
            };
            last_retry_cost = Some(cost);
            tokio::time::sleep(backoff).await;
        }
    }

    /// After a failed attempt: the wait before the next one and the budget tokens it took, or
    /// `None` when the error is final (not retryable, no attempts left, no time left for the
    /// wait, or the retry budget is exhausted).
    fn plan_retry(
        &self,
        error: &Error,
        attempt: u32,
        deadline: tokio::time::Instant,
    ) -> Option<(Duration, u32)> {
        let retry = self.inner.config.retry();
        if !retry.should_retry(error.kind(), attempt) {
            if error.is_retryable() {
                tracing::warn!(error = %error, "giving up: no attempts left");
            } else {
                tracing::debug!(error = %error, "not retryable");
            }
            return None;
        }
        let backoff = retry.backoff(attempt);
        if tokio::time::Instant::now() + backoff >= deadline {
            tracing::warn!(error = %error, "giving up: the operation timeout would pass before the next attempt");
            return None;
        }
        let Some(cost) = self.inner.budget.try_acquire(error.kind()) else {
            tracing::warn!(error = %error, "giving up: the retry budget is exhausted");
            return None;
        };
        tracing::info!(error = %error, backoff_ms = backoff.as_millis() as u64, "retrying");
        Some((backoff, cost))
    }

    /// One attempt: sign with a fresh timestamp, send, read the bounded body, check the
    /// envelope. `remaining` is what is left of the operation timeout.
    async fn attempt(
        &self,
        op: &'static OperationDescriptor,
        prepared: &Prepared,
        remaining: Duration,
    ) -> Result<Answer, Error> {
        let inner = &*self.inner;
        let config = &inner.config;
        let mut headers = prepared.headers.clone();
        let body: &[u8] = prepared.body.as_deref().unwrap_or_default();
        let input = SigningInput {
            method: op.method,
            host: &prepared.host,
            path: &prepared.path,
            query: &prepared.query,
            body,
            region: &prepared.region,
            service: op.service,
            action: op.name,
            version: op.version,
            timestamp: config.clock().now().timestamp(),
            request_client: Some(USER_AGENT),
        };
        let signed = signing::sign(op.auth, &input, &mut headers, &inner.credentials)
            .map_err(|e| Error::transport(op, ErrorKind::InvalidInput, e))?;
        let request = build_request(op, prepared, &signed.query_string, &headers)?;

        let per_attempt = config.attempt_timeout();
        let (limit, what) = if remaining < per_attempt {
            (
                remaining,
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
        let exchange = exchange(op, &inner.http, request, config.max_response_bytes());
        let (status, header_id, body) = match tokio::time::timeout(limit, exchange).await {
            Ok(result) => result?,
            Err(_) => return Err(Error::transport(op, ErrorKind::Timeout, TimeoutError(what))),
        };
        let span = tracing::Span::current();
        span.record("status", status);
        let checked = envelope::check(op, status, header_id.as_deref(), &body);
        let request_id = match &checked {
            Ok(id) => id.as_deref(),
            Err(e) => e.request_id(),
        };
        if let Some(id) = request_id {
            span.record("request_id", id);
        }
        let request_id = checked?;
        Ok(Answer {
            status,
            request_id,
            body,
            attempts: 0,
        })
    }
}

/// Sends `request` and reads at most `max_bytes` of the answer.
async fn exchange(
    op: &'static OperationDescriptor,
    http: &reqwest::Client,
    request: reqwest::Request,
    max_bytes: usize,
) -> Result<(u16, Option<String>, Vec<u8>), Error> {
    let mut response = http
        .execute(request)
        .await
        .map_err(|e| transport::map_reqwest_error(op, e))?;
    let status = response.status().as_u16();
    let request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let too_large = |what: String| {
        Error::service(
            op,
            ErrorKind::Decode,
            None,
            format!("{what}, more than the bound of {max_bytes} bytes (Config::max_response_bytes); not read"),
        )
        .with_http_status(status)
        .with_request_id(request_id.clone())
    };
    if let Some(length) = response.content_length() {
        if length > max_bytes as u64 {
            return Err(too_large(format!("the answer announces {length} bytes")));
        }
    }
    let capacity = response.content_length().map_or(16 * 1024, |l| l as usize);
    let mut body = Vec::with_capacity(capacity.min(max_bytes));
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport::map_reqwest_error(op, e))?
    {
        if body.len() + chunk.len() > max_bytes {
            return Err(too_large(format!(
                "the answer has more than {} bytes",
                body.len() + chunk.len() - 1
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, request_id, body))
}

/// The `reqwest` request made of exactly the signed header list, the signed query string and
/// the body bytes that were signed.
fn build_request(
    op: &'static OperationDescriptor,
    prepared: &Prepared,
    query: &str,
    headers: &HeaderList,
) -> Result<reqwest::Request, Error> {
    let mut url =
        String::with_capacity(prepared.origin.len() + prepared.path.len() + query.len() + 1);
    url.push_str(&prepared.origin);
    url.push_str(&prepared.path);
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    let url = reqwest::Url::parse(&url)
        .map_err(|e| Error::invalid_input(op, format!("the request URL cannot be built: {e}")))?;
    // The signature covers these bytes; the URL parser must not have re-encoded them.
    if url.path() != prepared.path || url.query().unwrap_or_default() != query {
        return Err(Error::invalid_input(
            op,
            "the signed path or query cannot be sent verbatim (the URL parser would re-encode it)",
        ));
    }
    let method = reqwest::Method::from_bytes(op.method.as_bytes())
        .map_err(|_| Error::invalid_input(op, format!("`{}` is not an HTTP method", op.method)))?;
    let mut map = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            Error::invalid_input(op, format!("`{name}` is not a valid header name"))
        })?;
        // The value is not quoted: it may be a secret.
        let mut header_value = HeaderValue::from_str(value).map_err(|_| {
            Error::invalid_input(
                op,
                format!("the value of header `{name}` is not valid in HTTP"),
            )
        })?;
        // Marked sensitive, `Debug` of the request shows `Sensitive` instead of the value.
        if is_sensitive_header(name) {
            header_value.set_sensitive(true);
        }
        map.append(header_name, header_value);
    }
    let mut request = reqwest::Request::new(method, url);
    *request.headers_mut() = map;
    if let Some(body) = &prepared.body {
        *request.body_mut() = Some(body.clone().into());
    }
    Ok(request)
}

/// Whether a header carries a secret: `Authorization` (a signature with the access key id),
/// and the session token headers the signers add (`X-Security-Token`, `X-TC-Token`, and any
/// other `*-Token`).
fn is_sensitive_header(name: &str) -> bool {
    const TOKEN: &[u8] = b"-token";
    let name = name.as_bytes();
    name.eq_ignore_ascii_case(b"authorization")
        || name.len() > TOKEN.len() && name[name.len() - TOKEN.len()..].eq_ignore_ascii_case(TOKEN)
}

fn operation_timeout_error(
    op: &'static OperationDescriptor,
    timeout: Duration,
    when: &str,
) -> Error {
    Error::transport(
        op,
        ErrorKind::Timeout,
        TimeoutError(format!(
            "the operation timeout of {timeout:?} ran out {when}"
        )),
    )
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

    #[test]
    fn secret_headers_are_sensitive_in_the_built_request() {
        use crate::descriptor::{AuthScheme, Envelope, Limits};
        static OP: OperationDescriptor = OperationDescriptor {
            vendor: "test",
            service: "svc",
            name: "Op",
            version: "v1",
            method: "GET",
            path: "/",
            auth: AuthScheme::Tc3HmacSha256,
            envelope: Envelope::TencentResponse,
            endpoints: &[],
            default_region: "r",
            constants: &[],
            context_params: &[],
            limits: Limits {
                rate: None,
                span: None,
                lookback: None,
                data_delay: None,
                day_offset_seconds: 0,
                granularity: None,
            },
            error_codes: &[],
            vendor_error_codes: &[],
        };
        let prepared = Prepared {
            origin: "http://127.0.0.1:9".into(),
            host: "127.0.0.1:9".into(),
            path: "/".into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            region: "r".into(),
        };
        let headers: HeaderList = [
            ("Host", "127.0.0.1:9"),
            (
                "Authorization",
                "ALGO Credential=AK/scope, Signature=sig-SECRET-1",
            ),
            ("X-Security-Token", "token-SECRET-2"),
            ("X-TC-Token", "token-SECRET-3"),
            ("x-amz-security-token", "token-SECRET-4"),
            ("X-Date", "20220102T000000Z"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let request = build_request(&OP, &prepared, "", &headers).expect("builds");
        let debug = format!("{request:?}");
        assert!(!debug.contains("SECRET"), "{debug}");
        assert!(debug.contains("Sensitive"), "{debug}");
        assert!(
            debug.contains("20220102T000000Z"),
            "other headers still show: {debug}"
        );
        for (name, value) in &headers {
            let sent = &request.headers()[name.as_str()];
            assert_eq!(sent.to_str().unwrap(), value, "the value sent is unchanged");
            assert_eq!(sent.is_sensitive(), value.contains("SECRET"), "{name}");
        }
        for name in [
            "authorization",
            "AUTHORIZATION",
            "X-Auth-Token",
            "x-tc-token",
        ] {
            assert!(is_sensitive_header(name), "{name}");
        }
        for name in [
            "Host",
            "X-Date",
            "Token",
            "-token",
            "X-Tokens",
            "X-Content-Sha256",
        ] {
            assert!(!is_sensitive_header(name), "{name}");
        }
    }
}
