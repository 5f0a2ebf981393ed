//! The HTTP layer: how the `reqwest::Client` is built, how a signed request becomes a
//! `reqwest::Request` of exactly the signed bytes, how an answer is read (bounded), and how
//! `reqwest`'s errors are classified.

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::descriptor::OperationDescriptor;
use crate::error::{Error, ErrorKind};

/// The HTTP client a [`crate::Client`] uses unless the configuration brings its own.
///
/// - TLS per this crate's features (`rustls` by default, or `native-tls`);
/// - `connect_timeout` for establishing a connection (the per-attempt and operation timeouts
///   are applied by the client around each attempt);
/// - redirects are not followed: the vendors' APIs never redirect, and a redirect would be
///   re-sent without a matching signature;
/// - no response compression (no `Accept-Encoding`), so the bytes read are the bytes the
///   vendor sent and the body bound means what it says.
pub fn build_http_client(connect_timeout: Duration) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_gzip()
        .no_brotli()
        .no_deflate()
        .no_zstd()
        .build()
}

/// A failure below HTTP, with the whole cause chain in its message and the `reqwest` error
/// (without its URL) as its source.
#[derive(Debug)]
pub struct TransportError {
    message: String,
    source: reqwest::Error,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl TransportError {
    /// Whether the connection could not be made (refused, unreachable, DNS, TLS handshake,
    /// connect timeout): nothing reached the server.
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// The kind of a `reqwest` failure: `Timeout` for timeouts (the connect timeout included),
/// `Transport` for everything else (refused, reset, DNS, TLS, a broken body).
pub fn kind_of(error: &reqwest::Error) -> ErrorKind {
    if error.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Transport
    }
}

/// Maps a `reqwest` error to the crate's error. The URL is dropped from it (it carries the
/// query), and the message spells out the cause chain ("error sending request: client error
/// (Connect): tcp connect error: Connection refused").
pub fn map_reqwest_error(op: &OperationDescriptor, error: reqwest::Error) -> Error {
    let kind = kind_of(&error);
    let error = error.without_url();
    let mut message = error.to_string();
    let mut cause = std::error::Error::source(&error);
    while let Some(c) = cause {
        let text = c.to_string();
        if !text.is_empty() && !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        cause = c.source();
    }
    Error::transport(
        op,
        kind,
        TransportError {
            message,
            source: error,
        },
    )
}

/// An attempt that did not finish within its time.
#[derive(Debug)]
pub(crate) struct TimeoutError(pub(crate) String);

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TimeoutError {}

/// An answer as read off the wire: status, `X-Request-Id`, the wait it asks for, and the
/// whole (bounded) body.
#[derive(Debug)]
pub(crate) struct RawAnswer {
    pub status: u16,
    pub request_id: Option<String>,
    /// `Retry-After` or the vendor's own header ([`crate::envelope::retry_after`]).
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
}

/// Sends `request` and reads at most `max_bytes` of the answer.
pub(crate) async fn exchange(
    op: &OperationDescriptor,
    http: &reqwest::Client,
    request: reqwest::Request,
    max_bytes: usize,
) -> Result<RawAnswer, Error> {
    let mut response = http
        .execute(request)
        .await
        .map_err(|e| map_reqwest_error(op, e))?;
    let status = response.status().as_u16();
    let request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let headers = response.headers();
    let retry_after = crate::envelope::retry_after(
        op.envelope,
        |name| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        },
        chrono::Utc::now(),
    );
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
        .map_err(|e| map_reqwest_error(op, e))?
    {
        if body.len() + chunk.len() > max_bytes {
            return Err(too_large(format!(
                "the answer has more than {} bytes",
                body.len() + chunk.len() - 1
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(RawAnswer {
        status,
        request_id,
        retry_after,
        body,
    })
}

/// The `reqwest` request made of exactly the signed header list, the signed query string and
/// the body bytes that were signed; `origin` is `scheme://host[:port]`, `path` percent-encoded.
pub(crate) fn build_request(
    op: &OperationDescriptor,
    origin: &str,
    path: &str,
    query: &str,
    headers: &[(String, String)],
    body: Option<&[u8]>,
) -> Result<reqwest::Request, Error> {
    let mut url = String::with_capacity(origin.len() + path.len() + query.len() + 1);
    url.push_str(origin);
    url.push_str(path);
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    let url = reqwest::Url::parse(&url)
        .map_err(|e| Error::invalid_input(op, format!("the request URL cannot be built: {e}")))?;
    // The signature covers these bytes; the URL parser must not have re-encoded them.
    if url.path() != path || url.query().unwrap_or_default() != query {
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
        if is_sensitive_header(op, name) {
            header_value.set_sensitive(true);
        }
        map.append(header_name, header_value);
    }
    let mut request = reqwest::Request::new(method, url);
    *request.headers_mut() = map;
    if let Some(body) = body {
        *request.body_mut() = Some(body.to_vec().into());
    }
    Ok(request)
}

/// Whether a header carries a secret: `Authorization` (a signature with the access key id),
/// the session token header of `op`'s signing scheme ([`SchemeFacts::token_header`]), and any
/// other `*-Token`.
///
/// [`SchemeFacts::token_header`]: crate::signing::SchemeFacts::token_header
fn is_sensitive_header(op: &OperationDescriptor, name: &str) -> bool {
    const TOKEN: &[u8] = b"-token";
    let bytes = name.as_bytes();
    bytes.eq_ignore_ascii_case(b"authorization")
        || {
            let token = crate::signing::scheme(op.auth).token_header;
            !token.is_empty() && name.eq_ignore_ascii_case(token)
        }
        || bytes.len() > TOKEN.len()
            && bytes[bytes.len() - TOKEN.len()..].eq_ignore_ascii_case(TOKEN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::HeaderList;

    #[test]
    fn secret_headers_are_sensitive_in_the_built_request() {
        use crate::retry::tests::TEST_OP as OP;
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
        let request =
            build_request(&OP, "http://127.0.0.1:9", "/", "", &headers, None).expect("builds");
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
            assert!(is_sensitive_header(&OP, name), "{name}");
        }
        for name in [
            "Host",
            "X-Date",
            "Token",
            "-token",
            "X-Tokens",
            "X-Content-Sha256",
        ] {
            assert!(!is_sensitive_header(&OP, name), "{name}");
        }
    }
}
