//! Request signing, byte for byte as each vendor's official SDK signs (see
//! `reference/signing.md`). One module per scheme holds the scheme's signer and its facts
//! ([`SchemeFacts`]: algorithm, date header and format, credential scope, `Authorization`
//! layout); [`scheme`] maps an [`AuthScheme`] to them, and [`verify`] checks a received
//! request through the same facts.
//!
//! [`sign`] is pure: the clock is [`SigningInput::timestamp`] and nothing is read from the
//! environment. It adds the scheme's headers to a [`HeaderList`] in the SDK's order and returns
//! the query string to send together with the strings that were signed. It never panics; a
//! request that cannot be sent as signed (a control character in a header value, a malformed
//! header name, an empty path where the scheme needs one...) is a [`SigningError`], and on
//! error the header list is left unchanged.
//!
//! Header lists are treated as maps: a name may appear once (compared case-insensitively), and
//! a header the scheme sets replaces an existing one of the same name (taking the scheme's
//! spelling of the name) instead of being added twice.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::credentials::Credentials;
use crate::descriptor::AuthScheme;

pub mod agora;
pub mod alibaba;
mod check;
pub mod encode;
mod facts;
mod headers;
pub mod huawei;
pub mod tencent;
mod time;
pub mod verify;
pub mod volcengine;

#[cfg(test)]
pub(crate) use check::is_token;
pub(crate) use check::{
    check_credentials, check_headers, check_host, check_method, check_parameter, check_value,
    value_problem, verbatim_value_problem,
};
#[cfg(test)]
pub(crate) use facts::TestRequest;
pub use facts::{DateFormat, SchemeFacts, Scope, ScopeDate, ScopePart, ScopeValues, SignFn};
pub use headers::HeaderList;
pub(crate) use headers::{SignedHeaderSet, find_header, header_value, remove_header, set_header};
pub use time::MAX_TIMESTAMP;
pub(crate) use time::UtcTime;

/// The facts of `auth`'s scheme (the one place that maps a scheme to its module).
pub fn scheme(auth: AuthScheme) -> &'static SchemeFacts {
    match auth {
        AuthScheme::VolcengineHmacSha256 => &volcengine::SCHEME,
        AuthScheme::Tc3HmacSha256 => &tencent::SCHEME,
        AuthScheme::HuaweiSdkHmacSha256 => &huawei::SCHEME,
        AuthScheme::HttpBasic => &agora::SCHEME,
        AuthScheme::Acs3HmacSha256 => &alibaba::SCHEME,
    }
}

/// What is signed: the request as it will be sent (except the headers, passed to [`sign`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct SigningInput<'a> {
    /// `GET`, `POST`...
    pub method: &'a str,
    /// The `Host` header value that will be sent: `host` or `host:port`.
    pub host: &'a str,
    /// The raw path exactly as it will be sent, e.g. `/` or `/v1/xyz/rtc/history/usage`.
    pub path: &'a str,
    /// Raw (not encoded) query pairs in the caller's order.
    pub query: &'a [(String, String)],
    pub body: &'a [u8],
    /// Signing region: in the credential scope, or in [`SchemeFacts::region_header`]
    /// (omitted if empty), where the scheme signs one.
    pub region: &'a str,
    /// Signing service: `rtc`, `trtc`.
    pub service: &'a str,
    /// The operation name, for schemes that send it ([`SchemeFacts::action_header`]).
    pub action: &'a str,
    /// The API version, for schemes that send it ([`SchemeFacts::version_header`]).
    pub version: &'a str,
    /// Unix seconds; the clock is injected by the caller.
    pub timestamp: i64,
    /// The client's name, for schemes that send it ([`SchemeFacts::request_client_header`]);
    /// the header is added only if `Some`.
    pub request_client: Option<&'a str>,
    /// A fresh unique string per request ([`new_nonce`]), for schemes that sign one (Alibaba's
    /// `x-acs-signature-nonce`); injected by the caller like the timestamp, so that signing
    /// stays pure. `None`: the nonce header already in the list, if any (what a verifier
    /// passes).
    pub nonce: Option<&'a str>,
}

/// A signature nonce: 32 lowercase hex digits of 128 random bits (the shape of the MD5 hex
/// Alibaba's SDK sends). Every request attempt takes a new one.
pub fn new_nonce() -> String {
    encode::hex_lower(&fastrand::u128(..).to_be_bytes())
}

/// The outcome of [`sign`].
///
/// `Debug` leaves out the canonical request, which holds the session token when one is signed.
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    /// The exact encoded query string to put on the URL (no leading `?`, `""` when none); the
    /// server reads it as the very query that was signed (each scheme module says how its
    /// query is written).
    pub query_string: String,
    pub canonical_request: String,
    pub string_to_sign: String,
    /// The `Authorization` header value (also set on the header list).
    pub authorization: String,
}

impl fmt::Debug for Signed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signed")
            .field("query_string", &self.query_string)
            .field(
                "canonical_request",
                &format_args!("<{} bytes, not shown>", self.canonical_request.len()),
            )
            .field("string_to_sign", &self.string_to_sign)
            .field("authorization", &shown_authorization(&self.authorization))
            .finish()
    }
}

/// An `Authorization` value as `Debug` shows it: a signature as it is, but an HTTP Basic
/// credential (the secret itself, only base64-encoded) as `Basic ***`.
fn shown_authorization(value: &str) -> &str {
    match value.split_once(' ') {
        Some((name, _)) if name.eq_ignore_ascii_case(agora::ALGORITHM) => "Basic ***",
        _ => value,
    }
}

/// A request that cannot be signed as it would be sent. Messages never quote header values
/// (they may be secrets).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigningError {
    /// The scheme cannot sign an empty path (it needs at least `/`).
    #[error("the request path is empty; the signing scheme needs at least `/`")]
    EmptyPath,
    #[error("the host is empty")]
    EmptyHost,
    #[error("invalid HTTP method {0:?}")]
    InvalidMethod(String),
    #[error("invalid header name {0:?}")]
    InvalidHeaderName(String),
    /// A value that cannot be sent as it is signed (control character, newline, or leading or
    /// trailing whitespace where the value is signed verbatim).
    #[error("invalid value for header `{name}`: {reason}")]
    InvalidHeaderValue { name: String, reason: &'static str },
    /// Two headers with the same name (compared case-insensitively).
    #[error("header `{0}` is given more than once")]
    DuplicateHeader(String),
    /// A credential field that cannot be signed with (empty, or with a control character).
    #[error("invalid credentials: {0}")]
    InvalidCredentials(&'static str),
    /// Outside 1970-01-01T00:00:00Z..=9999-12-31T23:59:59Z.
    #[error("timestamp {0} is out of range")]
    TimestampOutOfRange(i64),
    /// A signing parameter (region, service, action, version...) that cannot be signed.
    #[error("invalid {what}: {reason}")]
    InvalidParameter {
        what: &'static str,
        reason: &'static str,
    },
    /// The scheme signs no query for this method.
    #[error("{scheme} signs no query string on {method} requests")]
    QueryNotSigned {
        scheme: &'static str,
        method: String,
    },
    /// The scheme signs no body for this method.
    #[error("{scheme} signs no body on {method} requests")]
    BodyNotSigned {
        scheme: &'static str,
        method: String,
    },
}

/// Signs in place: adds or sets the scheme's headers (and `Authorization`) on `headers`, in the
/// order the official SDK does, and returns the query string to send and the signed strings.
///
/// On error `headers` is left unchanged.
pub fn sign(
    auth: AuthScheme,
    input: &SigningInput<'_>,
    headers: &mut HeaderList,
    credentials: &Credentials,
) -> Result<Signed, SigningError> {
    (scheme(auth).sign)(input, headers, credentials)
}

/// Hex SHA-256 of the empty string.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    encode::hex_lower(&Sha256::digest(bytes))
}

/// Appends the lowercase hex SHA-256 of `bytes`.
pub(crate) fn push_sha256_hex(out: &mut String, bytes: &[u8]) {
    encode::push_hex_lower(out, &Sha256::digest(bytes));
}

/// HMAC-SHA256 (RFC 2104), written out so that it is infallible for any key length.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut ipad = [0x36u8; BLOCK];
    let mut opad = [0x5cu8; BLOCK];
    for ((i, o), k) in ipad.iter_mut().zip(opad.iter_mut()).zip(block) {
        *i ^= k;
        *o ^= k;
    }
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize()
        .into()
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, Mac};

    use super::*;

    #[test]
    fn hmac_matches_the_hmac_crate() {
        for key_len in [0usize, 1, 31, 32, 63, 64, 65, 100, 200] {
            let key: Vec<u8> = (0..key_len).map(|i| (i * 7 + 3) as u8).collect();
            for msg in [&b""[..], b"abc", &[0xAB; 200]] {
                let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
                mac.update(msg);
                let expected: [u8; 32] = mac.finalize().into_bytes().into();
                assert_eq!(hmac_sha256(&key, msg), expected, "key {key_len}");
            }
        }
    }

    #[test]
    fn sha256_of_empty() {
        assert_eq!(sha256_hex(b""), EMPTY_SHA256);
    }

    /// A tiny LCG, so the property test needs no extra crate and is reproducible.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
            items[self.below(items.len())]
        }
        /// A string of 0..12 pieces, mixing ASCII, escapes, whitespace of every kind, control
        /// characters and non-ASCII (including the largest code point).
        fn text(&mut self) -> String {
            const PIECES: &[&str] = &[
                "a",
                "Z",
                "0",
                "-",
                "_",
                ".",
                "~",
                "/",
                "//",
                "%",
                "%2F",
                "%zz",
                "%E4",
                "%B8%8A",
                "%FF",
                " ",
                "+",
                "*",
                ":",
                "=",
                "&",
                "?",
                "#",
                ",",
                ";",
                "\t",
                "\n",
                "\r",
                "\0",
                "\u{7f}",
                "\u{1c}",
                "\u{85}",
                "\u{a0}",
                "\u{3000}",
                "é",
                "上海",
                "\u{FFFD}",
                "\u{10FFFF}",
                "\u{200b}",
                "\"",
                "'",
                "\\",
                "ß",
                "application/json",
                "application/bson",
                "UNSIGNED-PAYLOAD",
                "20220102T000000Z",
            ];
            let n = self.below(12);
            (0..n).map(|_| self.pick(PIECES)).collect()
        }
    }

    #[test]
    fn any_input_signs_or_errors_without_panicking_and_deterministically() {
        const NAMES: &[&str] = &[
            "Host",
            "host",
            "HOST",
            "Content-Type",
            "content-type",
            "Content-Md5",
            "X-Foo",
            "x-foo",
            "X-Date",
            "x-date",
            "X-Sdk-Date",
            "x-sdk-date",
            "X-Sdk-Content-Sha256",
            "X-Security-Token",
            "X-Project-Id",
            "X_Under",
            "User-Agent",
            "Authorization",
            "X-TC-Region",
            "X-TC-Action",
            "Accept",
            "bad name",
            "",
            "Ünï",
            "a:b",
            "X-\n",
        ];
        const METHODS: &[&str] = &["GET", "POST", "PUT", "get", "", "P\nST", "DELETE"];
        const STAMPS: &[i64] = &[
            0,
            1_641_081_600,
            1_795_000_000,
            MAX_TIMESTAMP,
            MAX_TIMESTAMP + 1,
            -1,
            i64::MIN,
            i64::MAX,
        ];
        let schemes = [
            AuthScheme::VolcengineHmacSha256,
            AuthScheme::Tc3HmacSha256,
            AuthScheme::HuaweiSdkHmacSha256,
            AuthScheme::HttpBasic,
            AuthScheme::Acs3HmacSha256,
        ];
        let mut rng = Lcg(0x5eed);
        let (mut ok, mut err) = (0, 0);
        for round in 0..600 {
            // Mostly plausible requests, with one odd part at a time, so that both outcomes
            // are common.
            let method = if rng.below(4) == 0 {
                rng.pick(METHODS)
            } else {
                rng.pick(&["GET", "POST"])
            };
            let path = if rng.below(3) == 0 {
                "/".to_owned()
            } else {
                rng.text()
            };
            let query: Vec<(String, String)> = (0..rng.below(4))
                .map(|_| (rng.text(), rng.text()))
                .collect();
            let mut headers: HeaderList = Vec::new();
            for _ in 0..rng.below(4) {
                let name = rng.pick(NAMES).to_owned();
                let value = if rng.below(3) == 0 {
                    rng.text()
                } else {
                    "v".to_owned()
                };
                headers.push((name, value));
            }
            let body: Vec<u8> = if rng.below(2) == 0 {
                Vec::new()
            } else {
                (0..rng.below(40)).map(|_| rng.next() as u8).collect()
            };
            let host = if rng.below(8) == 0 {
                rng.text()
            } else {
                "example.com:443".to_owned()
            };
            let region = if rng.below(8) == 0 {
                rng.text()
            } else {
                "cn-north-1".to_owned()
            };
            let action = if rng.below(8) == 0 {
                rng.text()
            } else {
                "listUsages".to_owned()
            };
            let client = rng.text();
            let mut credentials = Credentials::new(
                if rng.below(8) == 0 {
                    rng.text()
                } else {
                    "AK".to_owned()
                },
                rng.text() + "k",
            );
            match rng.below(4) {
                0 => credentials = credentials.with_session_token(rng.text()),
                1 => credentials = credentials.with_session_token("token"),
                _ => {}
            }
            match rng.below(4) {
                0 => credentials = credentials.with_project_id(rng.text()),
                1 => credentials = credentials.with_project_id("project"),
                _ => {}
            }
            let input = SigningInput {
                method,
                host: &host,
                path: &path,
                query: &query,
                body: &body,
                region: &region,
                service: "rtc",
                action: &action,
                version: "2020-12-01",
                timestamp: if rng.below(4) == 0 {
                    STAMPS[rng.below(STAMPS.len())]
                } else {
                    1_641_081_600 + rng.below(1 << 20) as i64
                },
                request_client: (rng.below(2) == 0).then_some(client.as_str()),
                nonce: (rng.below(8) != 0).then_some("00112233445566778899aabbccddeeff"),
            };
            for scheme in schemes {
                let mut first = headers.clone();
                let mut second = headers.clone();
                let a = sign(scheme, &input, &mut first, &credentials);
                let b = sign(scheme, &input, &mut second, &credentials);
                assert_eq!(a, b, "round {round} {scheme:?}");
                assert_eq!(first, second, "round {round} {scheme:?}");
                match a {
                    Err(_) => {
                        err += 1;
                        assert_eq!(
                            first, headers,
                            "round {round} {scheme:?}: headers changed on error"
                        );
                    }
                    Ok(signed) => {
                        ok += 1;
                        // What is sent is sendable: token names, sendable values, no name twice,
                        // and a query string of URL-safe ASCII.
                        for (i, (k, v)) in first.iter().enumerate() {
                            assert!(is_token(k), "round {round}: name {k:?}");
                            assert_eq!(value_problem(v), None, "round {round}: {k}");
                            assert!(
                                find_header(&first[..i], k).is_none(),
                                "round {round}: {k} twice"
                            );
                        }
                        assert_eq!(
                            header_value(&first, "Authorization"),
                            Some(signed.authorization.as_str())
                        );
                        assert!(
                            signed
                                .query_string
                                .bytes()
                                .all(|c| c.is_ascii_graphic() && c != b'#'),
                            "round {round}: {:?}",
                            signed.query_string
                        );
                        // Signing the signed request again changes nothing.
                        let mut resigned = first.clone();
                        let again = sign(scheme, &input, &mut resigned, &credentials);
                        assert_eq!(
                            again.as_ref(),
                            Ok(&signed),
                            "round {round} {scheme:?}: re-sign"
                        );
                        assert_eq!(resigned, first, "round {round} {scheme:?}: re-sign headers");
                    }
                }
            }
        }
        // The generator reaches both outcomes often.
        assert!(ok > 200 && err > 200, "ok {ok}, err {err}");
    }

    #[test]
    fn signed_debug_hides_the_canonical_request() {
        let signed = Signed {
            query_string: String::new(),
            canonical_request: "x-security-token:secrettoken".into(),
            string_to_sign: "s".into(),
            authorization: "a".into(),
        };
        assert!(!format!("{signed:?}").contains("secrettoken"));
    }
}
