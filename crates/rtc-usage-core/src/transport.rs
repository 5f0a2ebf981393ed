//! The HTTP layer: how the `reqwest::Client` is built and how its errors are classified.

use std::fmt;
use std::time::Duration;

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
