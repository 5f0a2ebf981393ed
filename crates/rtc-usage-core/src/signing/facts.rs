//! A signing scheme as data: what its signer writes around the canonical request (algorithm,
//! date header and format, credential scope, key derivation, `Authorization` layout, the
//! headers that carry its signing parameters) and what the verifier reads back from a received
//! request.
//!
//! Each scheme module declares its own `pub const SCHEME: SchemeFacts`; the signer builds its
//! date, scope, string to sign, key and `Authorization` through these facts, and
//! [`super::verify`] parses and checks a received request through the very same facts, so the
//! two cannot drift apart. [`super::scheme`] is the one place that maps an
//! [`crate::AuthScheme`] to its facts.

use std::fmt;

use super::{
    HeaderList, Signed, SigningError, SigningInput, UtcTime, encode, hmac_sha256, push_sha256_hex,
};
use crate::credentials::Credentials;

/// A scheme's signer: see [`super::sign`].
pub type SignFn =
    fn(&SigningInput<'_>, &mut HeaderList, &Credentials) -> Result<Signed, SigningError>;

/// Everything about one signing scheme besides its canonical request.
#[non_exhaustive]
pub struct SchemeFacts {
    /// The algorithm that opens `Authorization` and the string to sign (`ALGORITHM key=...`).
    pub algorithm: &'static str,
    /// The `Authorization` field that holds the access key id, followed by the credential
    /// scope when the scheme has one (`Credential`, `Access`); `""` for a scheme whose
    /// `Authorization` is `ALGORITHM <credential>` without fields (HTTP Basic).
    pub credential_field: &'static str,
    /// The header that carries the signing time; its value is also the string to sign's
    /// second line. `""` for a scheme that sends no time (HTTP Basic).
    pub date_header: &'static str,
    /// How [`Self::date_header`] writes the time.
    pub date_format: DateFormat,
    /// The credential scope, for schemes that have one; `None` signs with the secret itself.
    pub scope: Option<Scope>,
    /// What the secret key is prefixed with before the key derivation (`""` for none).
    pub secret_prefix: &'static str,
    /// The header a session token is sent (and signed) in; `""` for a scheme without session
    /// tokens (HTTP Basic).
    pub token_header: &'static str,
    /// The header the signing region is sent in, for schemes that send it besides (or
    /// instead of) the scope.
    pub region_header: Option<&'static str>,
    /// The header the operation name is sent in, for schemes that send it.
    pub action_header: Option<&'static str>,
    /// The header the API version is sent in, for schemes that send it.
    pub version_header: Option<&'static str>,
    /// The header [`SigningInput::request_client`] is sent in, for schemes that send it.
    pub request_client_header: Option<&'static str>,
    /// The signer.
    pub sign: SignFn,
}

impl fmt::Debug for SchemeFacts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchemeFacts")
            .field("algorithm", &self.algorithm)
            .field("credential_field", &self.credential_field)
            .field("date_header", &self.date_header)
            .field("date_format", &self.date_format)
            .field("scope", &self.scope)
            .field("secret_prefix", &self.secret_prefix)
            .field("token_header", &self.token_header)
            .field("region_header", &self.region_header)
            .field("action_header", &self.action_header)
            .field("version_header", &self.version_header)
            .field("request_client_header", &self.request_client_header)
            .finish_non_exhaustive()
    }
}

/// How a scheme's date header writes the signing time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateFormat {
    /// `YYYYMMDDTHHMMSSZ`, UTC (`strftime("%Y%m%dT%H%M%SZ")`).
    Basic,
    /// Unix seconds in decimal (`str(int(time.time()))`).
    UnixSeconds,
    /// `YYYY-MM-DDTHH:MM:SSZ`, UTC (`strftime("%Y-%m-%dT%H:%M:%SZ")`).
    Extended,
}

impl DateFormat {
    /// The header value for `timestamp`; `time` is the same instant.
    pub(crate) fn write(self, timestamp: i64, time: &UtcTime) -> String {
        match self {
            Self::Basic => time.basic(),
            Self::UnixSeconds => timestamp.to_string(),
            Self::Extended => time.extended(),
        }
    }

    /// The unix seconds a header value stands for; `None` unless it is exactly what the
    /// format writes (a valid time of at most 9999-12-31 for [`DateFormat::Basic`], ASCII
    /// digits only for [`DateFormat::UnixSeconds`]).
    pub fn parse(self, value: &str) -> Option<i64> {
        match self {
            Self::Basic => UtcTime::parse_basic(value).and_then(|t| t.unix()),
            Self::Extended => UtcTime::parse_extended(value).and_then(|t| t.unix()),
            Self::UnixSeconds => {
                if value.bytes().all(|b| b.is_ascii_digit()) {
                    value.parse().ok()
                } else {
                    None
                }
            }
        }
    }
}

/// A credential scope: `date/…/terminator`, which is also the path of the key derivation
/// (`HMAC(… HMAC(HMAC(prefix + secret, date), next part) …, terminator)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// How the scope writes the (UTC) date.
    pub date: ScopeDate,
    /// The parts before the terminator, in order.
    pub parts: &'static [ScopePart],
    /// The scope's last element, and the derivation's last step (`request`, `tc3_request`).
    pub terminator: &'static str,
}

/// How a credential scope writes its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScopeDate {
    /// `YYYYMMDD`.
    Compact,
    /// `YYYY-MM-DD`.
    Dashed,
}

/// One element of a credential scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScopePart {
    /// The UTC date of the signing time, as [`Scope::date`] writes it.
    Date,
    /// [`SigningInput::region`].
    Region,
    /// [`SigningInput::service`].
    Service,
}

/// The values a credential scope is made of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScopeValues<'a> {
    pub date: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

impl<'a> ScopeValues<'a> {
    fn get(&self, part: ScopePart) -> &'a str {
        match part {
            ScopePart::Date => self.date,
            ScopePart::Region => self.region,
            ScopePart::Service => self.service,
        }
    }
}

impl Scope {
    /// Whether the scope names `part`.
    pub fn has(&self, part: ScopePart) -> bool {
        self.parts.contains(&part)
    }

    /// Appends the scope's date of `time`.
    pub(crate) fn push_date(&self, out: &mut String, time: &UtcTime) {
        match self.date {
            ScopeDate::Compact => time.push_compact_date(out),
            ScopeDate::Dashed => time.push_dashed_date(out),
        }
    }

    /// The scope's date of `timestamp` (UTC).
    pub fn date_of(&self, timestamp: i64) -> Result<String, SigningError> {
        let time = UtcTime::from_unix(timestamp)?;
        let mut out = String::with_capacity(10);
        self.push_date(&mut out, &time);
        Ok(out)
    }

    /// `part/part/…/terminator`.
    pub fn write(&self, values: &ScopeValues<'_>) -> String {
        let len = self
            .parts
            .iter()
            .map(|p| values.get(*p).len() + 1)
            .sum::<usize>()
            + self.terminator.len();
        let mut out = String::with_capacity(len);
        for part in self.parts {
            out.push_str(values.get(*part));
            out.push('/');
        }
        out.push_str(self.terminator);
        out
    }

    /// The derived signing key: `prefix + secret` HMAC'd with each part's value in turn,
    /// then with the terminator.
    pub fn signing_key(&self, prefix: &str, secret: &str, values: &ScopeValues<'_>) -> [u8; 32] {
        let prefixed;
        let first: &[u8] = if prefix.is_empty() {
            secret.as_bytes()
        } else {
            let mut key = String::with_capacity(prefix.len() + secret.len());
            key.push_str(prefix);
            key.push_str(secret);
            prefixed = key;
            prefixed.as_bytes()
        };
        let mut parts = self.parts.iter();
        let mut key = match parts.next() {
            Some(part) => hmac_sha256(first, values.get(*part).as_bytes()),
            None => return hmac_sha256(first, self.terminator.as_bytes()),
        };
        for part in parts {
            key = hmac_sha256(&key, values.get(*part).as_bytes());
        }
        hmac_sha256(&key, self.terminator.as_bytes())
    }
}

impl SchemeFacts {
    /// The date header's value for `timestamp`; `time` is the same instant.
    pub(crate) fn date_value(&self, timestamp: i64, time: &UtcTime) -> String {
        self.date_format.write(timestamp, time)
    }

    /// `ALGORITHM\n{date}\n[{scope}\n]{hex(sha256(canonical_request))}`.
    pub(crate) fn string_to_sign(
        &self,
        date: &str,
        scope: Option<&str>,
        canonical_request: &str,
    ) -> String {
        let mut out = String::with_capacity(
            self.algorithm.len() + date.len() + scope.map_or(0, |s| s.len() + 1) + 66,
        );
        out.push_str(self.algorithm);
        out.push('\n');
        out.push_str(date);
        out.push('\n');
        if let Some(scope) = scope {
            out.push_str(scope);
            out.push('\n');
        }
        push_sha256_hex(&mut out, canonical_request.as_bytes());
        out
    }

    /// `HMAC(key, string_to_sign)`: the key derived along the scope from `values`, or the
    /// prefixed secret itself for a scheme without a scope (`values` is then not read).
    pub fn signature(
        &self,
        secret: &str,
        values: &ScopeValues<'_>,
        string_to_sign: &str,
    ) -> [u8; 32] {
        match &self.scope {
            Some(scope) => hmac_sha256(
                &scope.signing_key(self.secret_prefix, secret, values),
                string_to_sign.as_bytes(),
            ),
            None if self.secret_prefix.is_empty() => {
                hmac_sha256(secret.as_bytes(), string_to_sign.as_bytes())
            }
            None => {
                let key = [self.secret_prefix, secret].concat();
                hmac_sha256(key.as_bytes(), string_to_sign.as_bytes())
            }
        }
    }

    /// `ALGORITHM {credential_field}={access_key_id}[/{scope}], SignedHeaders={names},
    /// Signature={hex}`.
    pub(crate) fn authorization(
        &self,
        access_key_id: &str,
        scope: Option<&str>,
        signed_headers: &str,
        signature: &[u8; 32],
    ) -> String {
        let mut out = String::with_capacity(
            self.algorithm.len()
                + self.credential_field.len()
                + access_key_id.len()
                + scope.map_or(0, |s| s.len() + 1)
                + signed_headers.len()
                + 96,
        );
        out.push_str(self.algorithm);
        out.push(' ');
        out.push_str(self.credential_field);
        out.push('=');
        out.push_str(access_key_id);
        if let Some(scope) = scope {
            out.push('/');
            out.push_str(scope);
        }
        out.push_str(", SignedHeaders=");
        out.push_str(signed_headers);
        out.push_str(", Signature=");
        encode::push_hex_lower(&mut out, signature);
        out
    }

    /// Whether the signature covers the signing region (in the scope, or in a header the
    /// scheme sends).
    pub fn signs_region(&self) -> bool {
        self.region_header.is_some() || self.scope.is_some_and(|s| s.has(ScopePart::Region))
    }
}

/// A request every scheme signs, for the tests of the signers and the verifier.
#[cfg(test)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct TestRequest {
    pub method: &'static str,
    pub path: &'static str,
    pub query: &'static [(&'static str, &'static str)],
    pub body: &'static [u8],
    /// Headers besides `Host`, `Content-Type` and `User-Agent`.
    pub headers: &'static [(&'static str, &'static str)],
    pub service: &'static str,
    pub region: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_formats_round_trip() {
        let ts = 1_641_081_600;
        let time = UtcTime::from_unix(ts).unwrap();
        for format in [
            DateFormat::Basic,
            DateFormat::UnixSeconds,
            DateFormat::Extended,
        ] {
            assert_eq!(
                format.parse(&format.write(ts, &time)),
                Some(ts),
                "{format:?}"
            );
        }
        assert_eq!(DateFormat::Basic.write(ts, &time), "20220102T000000Z");
        assert_eq!(DateFormat::UnixSeconds.write(ts, &time), "1641081600");
        assert_eq!(
            DateFormat::Extended.write(ts, &time),
            "2022-01-02T00:00:00Z"
        );
        for bad in ["", "-5", "+5", " 5", "99999999999999999999", "1.5"] {
            assert_eq!(DateFormat::UnixSeconds.parse(bad), None, "{bad:?}");
        }
        assert_eq!(DateFormat::Basic.parse("1641081600"), None);
    }

    #[test]
    fn scope_writes_and_derives_along_its_parts() {
        const SCOPE: Scope = Scope {
            date: ScopeDate::Dashed,
            parts: &[ScopePart::Date, ScopePart::Region, ScopePart::Service],
            terminator: "end",
        };
        let values = ScopeValues {
            date: "2022-01-02",
            region: "r",
            service: "s",
        };
        assert_eq!(SCOPE.write(&values), "2022-01-02/r/s/end");
        assert_eq!(SCOPE.date_of(1_641_081_600).unwrap(), "2022-01-02");
        let expected = hmac_sha256(
            &hmac_sha256(
                &hmac_sha256(&hmac_sha256(b"PXsecret", b"2022-01-02"), b"r"),
                b"s",
            ),
            b"end",
        );
        assert_eq!(SCOPE.signing_key("PX", "secret", &values), expected);
        let bare = Scope {
            parts: &[],
            ..SCOPE
        };
        assert_eq!(bare.write(&values), "end");
        assert_eq!(
            bare.signing_key("", "secret", &values),
            hmac_sha256(b"secret", b"end")
        );
    }
}
