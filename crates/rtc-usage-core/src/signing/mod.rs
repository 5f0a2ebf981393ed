//! Request signing, byte for byte as each vendor's official SDK signs (see
//! `reference/signing.md`): Volcengine `HMAC-SHA256`, Tencent Cloud `TC3-HMAC-SHA256` and
//! Huawei Cloud `SDK-HMAC-SHA256`.
//!
//! [`sign`] is pure: the clock is [`SigningInput::timestamp`] and nothing is read from the
//! environment. It adds the scheme's headers to a [`HeaderList`] in the SDK's order and returns
//! the query string to send together with the strings that were signed. It never panics; a
//! request that cannot be sent as signed (a control character in a header value, a malformed
//! header name, an empty Huawei path...) is a [`SigningError`], and on error the header list is
//! left unchanged.
//!
//! Header lists are treated as maps: a name may appear once (compared case-insensitively), and
//! a header the scheme sets replaces an existing one of the same name (taking the scheme's
//! spelling of the name) instead of being added twice.

use std::cmp::Ordering;
use std::fmt;

use sha2::{Digest, Sha256};

use crate::credentials::Credentials;
use crate::descriptor::AuthScheme;

pub mod encode;
pub mod huawei;
pub mod tencent;
pub mod verify;
pub mod volcengine;

/// Request headers in the order they are sent, names spelled as sent on the wire.
pub type HeaderList = Vec<(String, String)>;

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
    /// Signing region: Volcengine's scope; Tencent's `X-TC-Region` (omitted if empty).
    pub region: &'a str,
    /// Signing service: `rtc`, `trtc`.
    pub service: &'a str,
    /// Tencent `X-TC-Action` (its first letter is uppercased, as the SDK does).
    pub action: &'a str,
    /// Tencent `X-TC-Version`.
    pub version: &'a str,
    /// Unix seconds; the clock is injected by the caller.
    pub timestamp: i64,
    /// Tencent `X-TC-RequestClient` value (the header is added only if `Some`).
    pub request_client: Option<&'a str>,
}

/// The outcome of [`sign`].
///
/// `Debug` leaves out the canonical request, which holds the session token when one is signed.
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    /// The exact encoded query string to put on the URL (no leading `?`, `""` when none); the
    /// server reads it as the very query that was signed:
    /// - Volcengine: the canonical query (sorted by raw key, `%20` for a space), so the bytes
    ///   sent are the bytes signed (the SDK sends its pairs in insertion order with `+`).
    /// - Tencent: `""` for POST; for GET the SDK's insertion-order `quote_plus` string, which is
    ///   also its canonical query.
    /// - Huawei: the SDK's sorted canonical query, which is also what the SDK sends.
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
            .field("authorization", &self.authorization)
            .finish()
    }
}

/// A request that cannot be signed as it would be sent. Messages never quote header values
/// (they may be secrets).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigningError {
    /// Huawei's SDK cannot sign an empty path (it needs at least `/`).
    #[error("the request path is empty; Huawei signing needs at least `/`")]
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
    /// The scheme signs no query for this method (Tencent signs a query only on GET).
    #[error("{scheme} signs no query string on {method} requests")]
    QueryNotSigned {
        scheme: &'static str,
        method: String,
    },
    /// The scheme signs no body for this method (Tencent sends no body on GET).
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
    scheme: AuthScheme,
    input: &SigningInput<'_>,
    headers: &mut HeaderList,
    credentials: &Credentials,
) -> Result<Signed, SigningError> {
    match scheme {
        AuthScheme::VolcengineHmacSha256 => volcengine::sign(input, headers, credentials),
        AuthScheme::Tc3HmacSha256 => tencent::sign(input, headers, credentials),
        AuthScheme::HuaweiSdkHmacSha256 => huawei::sign(input, headers, credentials),
    }
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

// ---------------------------------------------------------------------------------------------
// Header list helpers and checks shared by the schemes.

/// The index of the header named `name` (case-insensitively).
pub(crate) fn find_header(headers: &[(String, String)], name: &str) -> Option<usize> {
    headers
        .iter()
        .position(|(k, _)| k.eq_ignore_ascii_case(name))
}

/// The value of the header named `name` (case-insensitively).
pub(crate) fn header_value<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Sets `name: value`: an existing header of that name (case-insensitively) is replaced in
/// place, spelled `name`; otherwise the header is appended.
pub(crate) fn set_header(headers: &mut HeaderList, name: &str, value: &str) {
    match headers
        .iter_mut()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
    {
        Some((k, v)) => {
            if k != name {
                k.clear();
                k.push_str(name);
            }
            v.clear();
            v.push_str(value);
        }
        None => headers.push((name.to_owned(), value.to_owned())),
    }
}

/// Removes every header named `name` (case-insensitively).
pub(crate) fn remove_header(headers: &mut HeaderList, name: &str) {
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
}

/// Orders header names as their lowercase forms (names are ASCII tokens once checked).
pub(crate) fn cmp_lowercase(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// Appends `name` in lowercase.
pub(crate) fn push_lowercase(out: &mut String, name: &str) {
    out.extend(name.chars().map(|c| c.to_ascii_lowercase()));
}

/// The headers a V4-style scheme signs, sorted by lowercase name, with their `;`-joined
/// lowercase names (the `SignedHeaders` value). Volcengine and Huawei differ only in which
/// headers they keep and how they print a value.
pub(crate) struct SignedHeaderSet<'h> {
    entries: Vec<&'h (String, String)>,
    pub names: String,
}

impl<'h> SignedHeaderSet<'h> {
    /// Selects the headers `keep` accepts (names are unique case-insensitively once checked).
    pub(crate) fn select(headers: &'h [(String, String)], keep: impl Fn(&str) -> bool) -> Self {
        let mut entries: Vec<&(String, String)> = headers.iter().filter(|(k, _)| keep(k)).collect();
        entries.sort_by(|a, b| cmp_lowercase(&a.0, &b.0));
        let mut names = String::with_capacity(entries.iter().map(|(k, _)| k.len() + 1).sum());
        for (k, _) in &entries {
            if !names.is_empty() {
                names.push(';');
            }
            push_lowercase(&mut names, k);
        }
        Self { entries, names }
    }

    /// Bytes [`Self::push_canonical`] writes, for sizing the canonical request.
    pub(crate) fn canonical_len(&self) -> usize {
        self.entries
            .iter()
            .map(|(k, v)| k.len() + v.len() + 2)
            .sum::<usize>()
            + self.names.len()
            + 2
    }

    /// Appends `name:value\n` per header, an empty line, then the names and `\n`; `value`
    /// maps a header's (name, value) to the value as signed.
    pub(crate) fn push_canonical(
        &self,
        out: &mut String,
        value: impl Fn(&'h str, &'h str) -> &'h str,
    ) {
        for (k, v) in &self.entries {
            push_lowercase(out, k);
            out.push(':');
            out.push_str(value(k, v));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.names);
        out.push('\n');
    }
}

/// RFC 9110 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// An HTTP token (method or header name).
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_tchar)
}

pub(crate) fn check_method(method: &str) -> Result<(), SigningError> {
    if is_token(method) {
        Ok(())
    } else {
        Err(SigningError::InvalidMethod(method.to_owned()))
    }
}

/// Why `value` cannot be sent as a header value, if it cannot: a control character other
/// than a tab (this includes CR and LF), or DEL.
pub(crate) fn value_problem(value: &str) -> Option<&'static str> {
    if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        Some("contains a control character")
    } else {
        None
    }
}

/// Like [`value_problem`], and also refuses leading or trailing spaces or tabs, which a server
/// drops before it checks a value that is signed verbatim.
pub(crate) fn verbatim_value_problem(value: &str) -> Option<&'static str> {
    value_problem(value).or_else(|| {
        let trimmed = value.trim_matches([' ', '\t']);
        (trimmed.len() != value.len()).then_some("has leading or trailing whitespace")
    })
}

pub(crate) fn check_value(
    name: &str,
    value: &str,
    problem: fn(&str) -> Option<&'static str>,
) -> Result<(), SigningError> {
    match problem(value) {
        None => Ok(()),
        Some(reason) => Err(SigningError::InvalidHeaderValue {
            name: name.to_owned(),
            reason,
        }),
    }
}

/// Checks the caller's headers: every name a token, no name twice (case-insensitively), and
/// every value acceptable to `problem`, which is given the name.
pub(crate) fn check_headers(
    headers: &[(String, String)],
    mut problem: impl FnMut(&str, &str) -> Option<&'static str>,
) -> Result<(), SigningError> {
    for (i, (name, value)) in headers.iter().enumerate() {
        if !is_token(name) {
            return Err(SigningError::InvalidHeaderName(name.clone()));
        }
        if headers[..i]
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
        {
            return Err(SigningError::DuplicateHeader(name.clone()));
        }
        if let Some(reason) = problem(name, value) {
            return Err(SigningError::InvalidHeaderValue {
                name: name.clone(),
                reason,
            });
        }
    }
    Ok(())
}

/// The access key id goes into `Authorization`; the secret key only needs to be non-empty.
pub(crate) fn check_credentials(credentials: &Credentials) -> Result<(), SigningError> {
    let ak = credentials.access_key_id();
    if ak.is_empty() {
        return Err(SigningError::InvalidCredentials(
            "the access key id is empty",
        ));
    }
    if verbatim_value_problem(ak).is_some() {
        return Err(SigningError::InvalidCredentials(
            "the access key id contains a control character or surrounding whitespace",
        ));
    }
    if credentials.secret_access_key().expose_secret().is_empty() {
        return Err(SigningError::InvalidCredentials(
            "the secret access key is empty",
        ));
    }
    Ok(())
}

pub(crate) fn check_host(host: &str) -> Result<(), SigningError> {
    if host.is_empty() {
        return Err(SigningError::EmptyHost);
    }
    check_value("Host", host, verbatim_value_problem)
}

/// A parameter that ends up in a header value or in `Authorization`.
pub(crate) fn check_parameter(what: &'static str, value: &str) -> Result<(), SigningError> {
    match verbatim_value_problem(value) {
        None => Ok(()),
        Some(reason) => Err(SigningError::InvalidParameter { what, reason }),
    }
}

// ---------------------------------------------------------------------------------------------
// UTC date and time, formatted by hand (years 1970..=9999 only, like Python's `datetime`).

/// The largest timestamp signed: 9999-12-31T23:59:59Z.
pub const MAX_TIMESTAMP: i64 = 253_402_300_799;

/// A UTC calendar date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UtcTime {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl UtcTime {
    pub(crate) fn from_unix(timestamp: i64) -> Result<Self, SigningError> {
        if !(0..=MAX_TIMESTAMP).contains(&timestamp) {
            return Err(SigningError::TimestampOutOfRange(timestamp));
        }
        let days = timestamp / 86_400;
        let secs = timestamp % 86_400;
        // Howard Hinnant's civil_from_days, for days >= 0.
        let z = days + 719_468;
        let era = z / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        // All values are in range by construction (timestamp <= MAX_TIMESTAMP).
        let small = |v: i64| u32::try_from(v).unwrap_or(0);
        Ok(Self {
            year: small(year),
            month: small(month),
            day: small(day),
            hour: small(secs / 3_600),
            minute: small(secs % 3_600 / 60),
            second: small(secs % 60),
        })
    }

    /// Parses exactly `YYYYMMDDTHHMMSSZ` (what `strftime("%Y%m%dT%H%M%SZ")` writes), with a
    /// valid date and time and a four-digit year of at least 1000.
    pub(crate) fn parse_basic(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return None;
        }
        let num = |range: std::ops::Range<usize>| -> Option<u32> {
            b.get(range)?.iter().try_fold(0u32, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
            })
        };
        let t = Self {
            year: num(0..4)?,
            month: num(4..6)?,
            day: num(6..8)?,
            hour: num(9..11)?,
            minute: num(11..13)?,
            second: num(13..15)?,
        };
        let valid = t.year >= 1000
            && (1..=12).contains(&t.month)
            && t.day >= 1
            && t.day <= days_in_month(t.year, t.month)
            && t.hour < 24
            && t.minute < 60
            && t.second < 60;
        valid.then_some(t)
    }

    /// `YYYYMMDD`.
    pub(crate) fn push_compact_date(&self, out: &mut String) {
        push_digits(out, self.year, 4);
        push_digits(out, self.month, 2);
        push_digits(out, self.day, 2);
    }

    /// `YYYY-MM-DD`.
    pub(crate) fn push_dashed_date(&self, out: &mut String) {
        push_digits(out, self.year, 4);
        out.push('-');
        push_digits(out, self.month, 2);
        out.push('-');
        push_digits(out, self.day, 2);
    }

    /// `YYYYMMDDTHHMMSSZ`.
    pub(crate) fn push_basic(&self, out: &mut String) {
        self.push_compact_date(out);
        out.push('T');
        push_digits(out, self.hour, 2);
        push_digits(out, self.minute, 2);
        push_digits(out, self.second, 2);
        out.push('Z');
    }

    pub(crate) fn basic(&self) -> String {
        let mut out = String::with_capacity(16);
        self.push_basic(&mut out);
        out
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Appends `value` in decimal, zero-padded to `width` digits (`value` has at most `width`).
fn push_digits(out: &mut String, value: u32, width: u32) {
    let mut div = 10u32.pow(width.saturating_sub(1));
    while div > 0 {
        let digit = (value / div % 10) as u8;
        out.push(char::from(b'0' + digit));
        div /= 10;
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Datelike, Timelike};
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

    #[test]
    fn utc_time_matches_chrono() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut stamps = vec![
            0,
            1,
            86_399,
            86_400,
            951_782_400,
            1_641_081_600,
            MAX_TIMESTAMP,
        ];
        for _ in 0..2_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            stamps.push(((x >> 11) % (MAX_TIMESTAMP as u64 + 1)) as i64);
        }
        for ts in stamps {
            let ours = UtcTime::from_unix(ts).unwrap();
            let dt = DateTime::from_timestamp(ts, 0).unwrap();
            let expected = UtcTime {
                year: dt.year() as u32,
                month: dt.month(),
                day: dt.day(),
                hour: dt.hour(),
                minute: dt.minute(),
                second: dt.second(),
            };
            assert_eq!(ours, expected, "{ts}");
            assert_eq!(ours.basic(), dt.format("%Y%m%dT%H%M%SZ").to_string());
            assert_eq!(UtcTime::parse_basic(&ours.basic()), Some(ours));
            let mut dashed = String::new();
            ours.push_dashed_date(&mut dashed);
            assert_eq!(dashed, dt.format("%Y-%m-%d").to_string());
        }
        assert_eq!(
            UtcTime::from_unix(-1),
            Err(SigningError::TimestampOutOfRange(-1))
        );
        assert!(UtcTime::from_unix(MAX_TIMESTAMP + 1).is_err());
        assert!(UtcTime::from_unix(i64::MIN).is_err());
    }

    #[test]
    fn parse_basic_rejects_malformed() {
        for bad in [
            "",
            "20220102T000000",
            "20220102 000000Z",
            "20221302T000000Z",
            "20220230T000000Z",
            "20220102T240000Z",
            "20220102T006000Z",
            "20220102T000060Z",
            "09990102T000000Z",
            "2022010２T00000Z",
            "+0220102T000000Z",
            " 20220102T000000Z",
        ] {
            assert_eq!(UtcTime::parse_basic(bad), None, "{bad:?}");
        }
        assert!(UtcTime::parse_basic("20240229T235959Z").is_some());
        assert!(UtcTime::parse_basic("20230229T000000Z").is_none());
    }

    #[test]
    fn set_header_replaces_case_insensitively() {
        let mut headers: HeaderList =
            vec![("x-date".into(), "old".into()), ("Host".into(), "h".into())];
        set_header(&mut headers, "X-Date", "new");
        set_header(&mut headers, "X-Other", "o");
        assert_eq!(
            headers,
            vec![
                ("X-Date".to_owned(), "new".to_owned()),
                ("Host".to_owned(), "h".to_owned()),
                ("X-Other".to_owned(), "o".to_owned()),
            ]
        );
        remove_header(&mut headers, "x-DATE");
        assert_eq!(headers.len(), 2);
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
