//! One error type for every generated client: flat, matchable by [`ErrorKind`], and never
//! carrying a secret (messages are built from vendor answers and local checks only).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::descriptor::OperationDescriptor;

/// What went wrong, in terms a caller can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The call was refused locally, before any network traffic (missing field, span too long...).
    InvalidInput,
    /// The vendor throttled the call.
    Throttled,
    /// Credentials or signature were rejected.
    Auth,
    /// The signature was rejected because the local clock is off.
    ClockSkew,
    /// The vendor rejected a parameter.
    InvalidParameter,
    /// The app, action or resource does not exist.
    NotFound,
    /// The vendor failed (HTTP 5xx or an internal-error code).
    Server,
    /// The connection failed (refused, reset, DNS, TLS).
    Transport,
    /// The call did not finish in time.
    Timeout,
    /// The answer was not what the spec describes.
    Decode,
    /// A stub client has no implementation for the operation.
    Unimplemented,
    /// Any other vendor error.
    Other,
}

impl ErrorKind {
    /// Whether a retry may succeed where this attempt failed.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            Self::Throttled | Self::Server | Self::Transport | Self::Timeout
        )
    }

    fn describe(self) -> &'static str {
        match self {
            Self::InvalidInput => "invalid input",
            Self::Throttled => "throttled",
            Self::Auth => "authentication failed",
            Self::ClockSkew => "clock skew",
            Self::InvalidParameter => "invalid parameter",
            Self::NotFound => "not found",
            Self::Server => "server error",
            Self::Transport => "transport error",
            Self::Timeout => "timed out",
            Self::Decode => "unexpected response",
            Self::Unimplemented => "not implemented",
            Self::Other => "error",
        }
    }
}

/// The error of every call made through a generated client.
#[derive(Clone)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Clone)]
struct Inner {
    kind: ErrorKind,
    vendor: &'static str,
    operation: &'static str,
    code: Option<String>,
    message: String,
    request_id: Option<String>,
    http_status: Option<u16>,
    /// How long the server asked the client to wait before trying again.
    retry_after: Option<Duration>,
    attempts: u32,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// Bodies quoted in decode errors are cut to this many bytes.
pub const BODY_EXCERPT_LIMIT: usize = 256;

/// Messages taken from an answer (a vendor's message, a parser's complaint) are cut to about
/// this many bytes, keeping their start and their end (where serde says the line and column).
pub const MESSAGE_LIMIT: usize = 512;

/// `text` cut to about `limit` bytes on character boundaries: its start, `...`, its end.
pub fn bounded(text: String, limit: usize) -> String {
    if text.len() <= limit {
        return text;
    }
    let head_end = (0..=limit * 3 / 4)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let tail_start = (text.len() - limit / 4..text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(text.len());
    format!(
        "{} ... ({} bytes cut) ... {}",
        &text[..head_end],
        tail_start - head_end,
        &text[tail_start..]
    )
}

/// Markers after which a server (or a user) may write a secret: a signature, a credential
/// scope, an HTTP Basic or bearer token, a session token. What follows one, up to a
/// delimiter, is replaced by `***`.
const SECRET_MARKERS: &[&str] = &[
    "Signature=",
    "signature=",
    "Credential=",
    "Access=",
    "Basic ",
    "Bearer ",
    "Token=",
    "Token\":\"",
    "Token: ",
    "token=",
];

/// Text a server sent (or that quotes one) made safe to show: anything after a
/// [`SECRET_MARKERS`] marker redacted, and every control character (a terminal escape, a
/// carriage return) written as `\u{..}` so it cannot drive the terminal it is printed on.
/// Every [`Error`] message, code and request id goes through it.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'outer: while !rest.is_empty() {
        for marker in SECRET_MARKERS {
            if let Some(after) = rest.strip_prefix(marker) {
                out.push_str(marker);
                let end = after
                    .find(|c: char| {
                        c.is_whitespace() || matches!(c, ',' | '"' | '\'' | ';' | '&' | '}' | ']')
                    })
                    .unwrap_or(after.len());
                if end > 0 {
                    out.push_str("***");
                }
                rest = &after[end..];
                continue 'outer;
            }
        }
        let mut chars = rest.chars();
        let c = chars.next().unwrap_or_default();
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

impl Error {
    fn new(op: &OperationDescriptor, kind: ErrorKind, message: String) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                vendor: op.vendor,
                operation: op.name,
                code: None,
                message: printable(&message),
                request_id: None,
                http_status: None,
                retry_after: None,
                attempts: 0,
                source: None,
            }),
        }
    }

    /// A call refused before any network traffic.
    pub fn invalid_input(op: &OperationDescriptor, message: impl Into<String>) -> Self {
        Self::new(op, ErrorKind::InvalidInput, message.into())
    }

    /// An error the vendor reported (its message bounded to [`MESSAGE_LIMIT`] bytes and a bit).
    pub fn service(
        op: &OperationDescriptor,
        kind: ErrorKind,
        code: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        let mut e = Self::new(op, kind, bounded(message.into(), 2 * MESSAGE_LIMIT));
        e.inner.code = code.map(|c| printable(&c));
        e
    }

    /// A body that is not what the spec describes; quotes a bounded excerpt of it. `what`
    /// (often serde's message, which may quote a whole mistyped string) is bounded too.
    pub fn decode(op: &OperationDescriptor, what: impl fmt::Display, body: &[u8]) -> Self {
        let excerpt = excerpt(body);
        let what = bounded(what.to_string(), MESSAGE_LIMIT);
        Self::new(
            op,
            ErrorKind::Decode,
            format!("{what}; body starts: {excerpt}"),
        )
    }

    /// A failure below HTTP (or a timeout), keeping the cause.
    pub fn transport(
        op: &OperationDescriptor,
        kind: ErrorKind,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        let mut e = Self::new(op, kind, source.to_string());
        e.inner.source = Some(Arc::new(source));
        e
    }

    /// A stub client that does not implement `op`.
    pub fn unimplemented(op: &OperationDescriptor) -> Self {
        Self::new(
            op,
            ErrorKind::Unimplemented,
            "the stub does not implement this operation".into(),
        )
    }

    pub fn with_request_id(mut self, id: Option<String>) -> Self {
        if let Some(id) = id {
            self.inner.request_id = Some(printable(&id));
        }
        self
    }

    pub fn with_http_status(mut self, status: u16) -> Self {
        self.inner.http_status = Some(status);
        self
    }

    /// The wait the server asked for (`Retry-After`, or the vendor's own header), if any.
    pub fn with_retry_after(mut self, wait: Option<Duration>) -> Self {
        if wait.is_some() {
            self.inner.retry_after = wait;
        }
        self
    }

    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }
    pub fn vendor(&self) -> &'static str {
        self.inner.vendor
    }
    pub fn operation(&self) -> &'static str {
        self.inner.operation
    }
    /// The vendor's error code, e.g. `RequestLimitExceeded`.
    pub fn code(&self) -> Option<&str> {
        self.inner.code.as_deref()
    }
    pub fn message(&self) -> &str {
        &self.inner.message
    }
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }
    pub fn http_status(&self) -> Option<u16> {
        self.inner.http_status
    }
    /// How long the server asked to wait before another attempt, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }
    /// How many attempts were made (0 when refused locally).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }
    pub fn is_retryable(&self) -> bool {
        self.inner.kind.is_retryable()
    }

    /// What the user can do about it, where something specific helps.
    pub fn hint(&self) -> Option<&'static str> {
        match self.inner.kind {
            ErrorKind::ClockSkew => Some(
                "the request timestamp was rejected: check that this machine's clock is synchronized (NTP)",
            ),
            ErrorKind::Auth => Some("check the access key, secret key and session token"),
            ErrorKind::Throttled => {
                Some("the vendor's rate limit was hit; keep the client-side rate limiter on")
            }
            _ => None,
        }
    }
}

/// The bounded (first [`BODY_EXCERPT_LIMIT`] bytes, lossy UTF-8) excerpt of a body that error
/// messages quote.
pub fn body_excerpt(body: &[u8]) -> String {
    excerpt(body)
}

fn excerpt(body: &[u8]) -> String {
    if body.is_empty() {
        return "<empty>".into();
    }
    let cut = body.len().min(BODY_EXCERPT_LIMIT);
    let mut text = String::from_utf8_lossy(&body[..cut]).into_owned();
    if body.len() > cut {
        text.push_str(&format!("... ({} bytes in all)", body.len()));
    }
    text
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        write!(f, "{} {}: {}", i.vendor, i.operation, i.kind.describe())?;
        if let Some(code) = &i.code {
            write!(f, " [{code}]")?;
        }
        write!(f, ": {}", i.message)?;
        let mut extra = Vec::new();
        if let Some(status) = i.http_status {
            extra.push(format!("HTTP {status}"));
        }
        if let Some(id) = &i.request_id {
            extra.push(format!("request id {id}"));
        }
        if i.attempts > 1 {
            extra.push(format!("after {} attempts", i.attempts));
        }
        if !extra.is_empty() {
            write!(f, " ({})", extra.join(", "))?;
        }
        if let Some(hint) = self.hint() {
            write!(f, "; hint: {hint}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Error")
            .field("kind", &i.kind)
            .field("vendor", &i.vendor)
            .field("operation", &i.operation)
            .field("code", &i.code)
            .field("message", &i.message)
            .field("request_id", &i.request_id)
            .field("http_status", &i.http_status)
            .field("retry_after", &i.retry_after)
            .field("attempts", &i.attempts)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::bounded;

    #[test]
    fn long_messages_keep_their_start_and_end_on_char_boundaries() {
        let long = format!(
            "invalid type: string \"{}\" at line 1 column 9000",
            "é".repeat(5000)
        );
        let cut = bounded(long, 512);
        assert!(cut.len() < 600, "{}", cut.len());
        assert!(cut.starts_with("invalid type: string \"é"));
        assert!(cut.ends_with("at line 1 column 9000"));
        assert!(cut.contains("bytes cut"));
        assert_eq!(bounded("short".into(), 512), "short");
    }
}

#[cfg(test)]
mod printable_tests {
    use super::printable;

    #[test]
    fn signatures_and_tokens_are_redacted() {
        for (text, secret) in [
            (
                "echo: Authorization: HMAC-SHA256 Credential=AKLT/20261101/cn-north-1/rtc/request, SignedHeaders=host, Signature=0123abcd",
                "0123abcd",
            ),
            (
                "TC3-HMAC-SHA256 Credential=AKID/2026-11-01/trtc/tc3_request, SignedHeaders=content-type;host, Signature=deadbeef",
                "deadbeef",
            ),
            (
                "SDK-HMAC-SHA256 Access=QTWAOY, SignedHeaders=host, Signature=c0ffee",
                "c0ffee",
            ),
            (
                "{\"auth\": \"Basic Y3VzdG9tZXI6c2VjcmV0\"}",
                "Y3VzdG9tZXI6c2VjcmV0",
            ),
            ("X-Security-Token: ST.abc sent", "ST.abc"),
        ] {
            let shown = printable(text);
            assert!(!shown.contains(secret), "{shown}");
            assert!(shown.contains("***"), "{shown}");
        }
        assert_eq!(
            printable("InvalidParameter: bad AppId"),
            "InvalidParameter: bad AppId"
        );
    }

    #[test]
    fn control_characters_cannot_reach_a_terminal() {
        assert_eq!(printable("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(printable("line\r\nnext"), "line\\u{d}\\u{a}next");
        assert_eq!(printable("\u{9b}2J"), "\\u{9b}2J");
        assert_eq!(printable("中文 ok"), "中文 ok");
    }
}
