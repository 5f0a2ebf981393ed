//! The server side of [`super::sign`]: checks the `Authorization` of a received request by
//! signing again what arrived and comparing, for emulators, mock vendors and wire tests.
//!
//! What is signed again: the method, the raw path, the query pairs decoded from the raw query,
//! the headers named in `SignedHeaders` with their values as received, the body, and the time
//! of the scheme's date header ([`SchemeFacts::date_header`]). The region and service come from
//! the credential scope where the scheme has one; the region, action, version and request
//! client otherwise from the headers the scheme sends them in ([`SchemeFacts`]). Since
//! [`super::sign`] is byte for byte the official SDKs' signer, a request passes when it is what
//! such a signer sends; a vendor's server may accept more (another selection of signed
//! headers, another `Content-Type`).
//!
//! HTTP Basic signs nothing: its `Authorization` is `Basic <credential>` without fields
//! ([`SchemeFacts::credential_field`] is `""`) and it sends no time
//! ([`SchemeFacts::date_header`] is `""`), so the id is read from the credential, the clock is
//! not checked, and the credential must be the one of the credentials (the scheme name in any
//! case).
//!
//! Every scheme goes through the one path below, reading its [`SchemeFacts`]; [`recompute`]
//! also returns what it re-signed and can be [`Strict`], as the wire tests are.
//!
//! Nothing here panics on any input, and no error holds a secret or a header value (a signed
//! header may be a session token): errors name the part that does not match.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use super::{HeaderList, SchemeFacts, ScopePart, Signed, SigningError, SigningInput, encode};
use crate::credentials::Credentials;
use crate::descriptor::AuthScheme;

/// How far a request's time may be from the server's clock: 5 minutes, as the vendors' gateways
/// document for an expired signature (`AuthFailure.SignatureExpire`, for one).
pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(300);

/// A request as the server received it.
#[derive(Debug, Clone, Copy)]
pub struct ReceivedRequest<'a> {
    pub method: &'a str,
    /// The path as received (still percent-encoded).
    pub path: &'a str,
    /// The raw query string as received, without the `?` (`""` when there is none).
    pub query: &'a str,
    /// The headers as received, names in any case (HTTP servers lowercase them).
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

/// What the server expects besides the credentials.
#[derive(Debug, Clone, Copy)]
pub struct VerifyContext<'a> {
    /// The signing service the credential scope must name (`rtc`, `trtc`); a scheme without a
    /// scope signs with it unchecked.
    pub service: &'a str,
    /// The server's clock, in unix seconds.
    pub now: i64,
    /// The largest accepted distance between the request's time and `now`.
    pub max_skew: Duration,
}

impl<'a> VerifyContext<'a> {
    /// For `service` at `now`, with [`DEFAULT_MAX_SKEW`].
    pub fn new(service: &'a str, now: i64) -> Self {
        Self {
            service,
            now,
            max_skew: DEFAULT_MAX_SKEW,
        }
    }
}

/// Checks a vendor's server does not make, for tests of what a client sends.
#[derive(Debug, Clone, Copy, Default)]
pub struct Strict<'a> {
    /// The raw query must be exactly the query string the signer writes. A server only
    /// decodes the query into pairs, so another encoding of the same pairs (`+` for `%20`)
    /// passes [`verify`].
    pub exact_query: bool,
    /// Every received header must be signed, except these names (compared
    /// case-insensitively). `None` accepts unsigned headers, as servers do.
    pub unsigned_allowed: Option<&'a [&'a str]>,
}

/// What a verified request was signed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub access_key_id: String,
    /// The request's time, in unix seconds.
    pub timestamp: i64,
    /// The signing region: the credential scope's, or the region header's
    /// ([`SchemeFacts::region_header`]); `None` for a scheme that signs no region, or when the
    /// header is absent.
    pub region: Option<String>,
}

/// What [`recompute`] signed again, for callers that check more than the signature.
///
/// `Debug` shows header names only (a signed header may be a session token), and the
/// canonical request not at all.
#[derive(Clone, PartialEq, Eq)]
pub struct Recomputed {
    pub verified: Verified,
    /// The recomputed signature and the strings it signed.
    pub signed: Signed,
    /// The signed headers as received, after the signer set its own on them (SDK spelling,
    /// `Authorization` included): each of them arrived with this very value.
    pub headers: HeaderList,
    /// The signing service (the scope's, or the context's for a scheme without a scope).
    pub service: String,
    /// The action, version and request client read from the scheme's headers (`""` and
    /// `None` when the scheme sends none).
    pub action: String,
    pub version: String,
    pub request_client: Option<String>,
}

impl fmt::Debug for Recomputed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("Recomputed")
            .field("verified", &self.verified)
            .field("signed", &self.signed)
            .field("headers", &names)
            .field("service", &self.service)
            .field("action", &self.action)
            .field("version", &self.version)
            .field("request_client", &self.request_client)
            .finish()
    }
}

/// Why a received request's signature is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    #[error("the request has no Authorization header")]
    MissingAuthorization,
    #[error("the Authorization header is malformed: {0}")]
    MalformedAuthorization(&'static str),
    #[error("the Authorization uses algorithm `{found}`; expected `{expected}`")]
    WrongAlgorithm {
        expected: &'static str,
        found: String,
    },
    /// The access key id is not the one of the credentials (ids are not secret).
    #[error("unknown access key id `{0}`")]
    UnknownAccessKey(String),
    #[error("the credential scope names {part} `{found}`; expected `{expected}`")]
    ScopeMismatch {
        part: &'static str,
        expected: String,
        found: String,
    },
    /// The scheme's timestamp header is absent.
    #[error("the request has no `{0}` header (its signing time)")]
    MissingTimestamp(&'static str),
    #[error("the `{0}` header is not a valid signing time")]
    MalformedTimestamp(&'static str),
    /// The request's time is too far from the server's clock.
    #[error(
        "the request was signed at {timestamp}, {skew_seconds} s from the server's clock ({now}); at most {max_skew_seconds} s are accepted"
    )]
    Expired {
        timestamp: i64,
        now: i64,
        /// `timestamp - now`: negative for a request signed in the past.
        skew_seconds: i64,
        max_skew_seconds: u64,
    },
    /// A header named in `SignedHeaders` is absent or was received more than once.
    #[error("header `{0}` is signed but was not received exactly once")]
    MissingSignedHeader(String),
    /// A header the signer sets (body hash, project id, content type...) differs from what
    /// was received, or is absent.
    #[error("header `{0}` was not received as the signer sets it")]
    HeaderMismatch(String),
    /// The received request is not something the signer can sign (bad header value, a query
    /// where the scheme signs none...).
    #[error("the request cannot be signed as received: {0}")]
    Unsignable(#[from] SigningError),
    /// Everything parsed, but the recomputed signature differs: a wrong secret, or a part of
    /// the request changed after signing. The string to sign holds only hashes and scope.
    #[error("the signature does not match; the server's string to sign is {string_to_sign:?}")]
    SignatureMismatch { string_to_sign: String },
    /// [`Strict::exact_query`]: the raw query is not the string the signer writes.
    #[error("the query string received is not the one the signer writes and signs")]
    QueryMismatch,
    /// [`Strict::unsigned_allowed`]: a header arrived that the signature does not cover.
    #[error("header `{0}` arrived unsigned")]
    UnsignedHeader(String),
}

/// Checks `request`'s `Authorization` for `scheme` against `credentials`.
pub fn verify(
    scheme: AuthScheme,
    request: &ReceivedRequest<'_>,
    credentials: &Credentials,
    context: &VerifyContext<'_>,
) -> Result<Verified, VerifyError> {
    recompute(scheme, request, credentials, context, &Strict::default()).map(|r| r.verified)
}

/// [`verify`], with the [`Strict`] checks on top, returning what was signed again.
pub fn recompute(
    scheme: AuthScheme,
    request: &ReceivedRequest<'_>,
    credentials: &Credentials,
    context: &VerifyContext<'_>,
    strict: &Strict<'_>,
) -> Result<Recomputed, VerifyError> {
    let facts = super::scheme(scheme);
    let authorization =
        received_once(request.headers, "authorization").ok_or(VerifyError::MissingAuthorization)?;
    let parsed = Authorization::parse(facts, authorization)?;
    if parsed.access_key_id != credentials.access_key_id() {
        return Err(VerifyError::UnknownAccessKey(
            parsed.access_key_id.into_owned(),
        ));
    }
    if let Some(service) = parsed.service {
        expect_scope("service", context.service, service)?;
    }
    // A scheme that sends no time (HTTP Basic) is at the server's clock.
    let timestamp = if facts.date_header.is_empty() {
        context.now
    } else {
        signing_time(facts, request.headers)?
    };
    let skew_seconds = timestamp.saturating_sub(context.now);
    if skew_seconds.unsigned_abs() > context.max_skew.as_secs() {
        return Err(VerifyError::Expired {
            timestamp,
            now: context.now,
            skew_seconds,
            max_skew_seconds: context.max_skew.as_secs(),
        });
    }
    if let (Some(date), Some(scope)) = (parsed.date, &facts.scope) {
        expect_scope("date", &scope.date_of(timestamp)?, date)?;
    }

    let mut headers: HeaderList = Vec::new();
    // A scheme without `key=value` fields (HTTP Basic) signs no header.
    let signed_names = parsed.signed_headers.split(';').filter(|_| parsed.fields);
    for name in signed_names {
        if name.is_empty() {
            return Err(VerifyError::MalformedAuthorization(
                "SignedHeaders has an empty name",
            ));
        }
        let value = received_once(request.headers, name)
            .ok_or_else(|| VerifyError::MissingSignedHeader(name.to_owned()))?;
        headers.push((sdk_spelling(name), value.to_owned()));
    }
    let from_header = |name: Option<&str>| name.and_then(|n| received_once(request.headers, n));
    let region = parsed
        .region
        .or_else(|| from_header(facts.region_header))
        .unwrap_or_default();
    let action = from_header(facts.action_header).unwrap_or_default();
    let version = from_header(facts.version_header).unwrap_or_default();
    let request_client = from_header(facts.request_client_header);
    let service = parsed.service.unwrap_or(context.service);
    let query = decode_query(request.query);
    let input = SigningInput {
        method: request.method,
        host: received_once(request.headers, "host").unwrap_or_default(),
        path: request.path,
        query: &query,
        body: request.body,
        region,
        service,
        action,
        version,
        timestamp,
        request_client,
        // A scheme that signs a nonce reads it from its (signed) header in `headers`.
        nonce: None,
    };
    let signed = (facts.sign)(&input, &mut headers, credentials)?;
    for (name, value) in &headers {
        if name.eq_ignore_ascii_case("authorization") {
            continue;
        }
        if received_once(request.headers, name) != Some(value.as_str()) {
            return Err(VerifyError::HeaderMismatch(name.clone()));
        }
    }
    let same = if parsed.fields {
        constant_time_eq(signed.authorization.as_bytes(), authorization.as_bytes())
    } else {
        // `ALGORITHM <credential>`: the scheme name is case-insensitive (RFC 7617).
        let credential = |value: &'_ str| value.split_once(' ').map(|(_, c)| c.to_owned());
        let (expected, found) = (credential(&signed.authorization), credential(authorization));
        expected.is_some()
            && constant_time_eq(
                expected.unwrap_or_default().as_bytes(),
                found.unwrap_or_default().as_bytes(),
            )
    };
    if !same {
        return Err(VerifyError::SignatureMismatch {
            string_to_sign: signed.string_to_sign,
        });
    }
    if strict.exact_query && request.query != signed.query_string {
        return Err(VerifyError::QueryMismatch);
    }
    if let Some(allowed) = strict.unsigned_allowed {
        let covered = |name: &str| {
            parsed
                .signed_headers
                .split(';')
                .chain(allowed.iter().copied())
                .any(|n| n.eq_ignore_ascii_case(name))
        };
        if let Some((name, _)) = request.headers.iter().find(|(name, _)| !covered(name)) {
            return Err(VerifyError::UnsignedHeader(name.to_ascii_lowercase()));
        }
    }
    Ok(Recomputed {
        verified: Verified {
            access_key_id: parsed.access_key_id.into_owned(),
            timestamp,
            region: (!region.is_empty()).then(|| region.to_owned()),
        },
        signed,
        headers,
        service: service.to_owned(),
        action: action.to_owned(),
        version: version.to_owned(),
        request_client: request_client.map(str::to_owned),
    })
}

/// A header name as the official SDKs spell it (`x-content-sha256` → `X-Content-Sha256`).
/// Servers see names lowercased, while some signers pick headers by their spelling (only
/// `X-…` and exact `Content-Type`, for one).
pub fn sdk_spelling(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut word_start = true;
    for c in name.chars() {
        out.push(if word_start {
            c.to_ascii_uppercase()
        } else {
            c
        });
        word_start = c == '-';
    }
    out
}

/// Query pairs of a raw query string, decoded as a server does (`+` is a space, `%XX` a
/// byte), in the order received.
pub fn decode_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_component(k), decode_component(v))
        })
        .collect()
}

fn decode_component(s: &str) -> String {
    encode::percent_decode_lossy(&s.replace('+', " ")).into_owned()
}

/// The value of header `name` (case-insensitively) if it was received exactly once.
fn received_once<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    let mut values = headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str());
    let first = values.next()?;
    values.next().is_none().then_some(first)
}

fn expect_scope(part: &'static str, expected: &str, found: &str) -> Result<(), VerifyError> {
    if expected == found {
        Ok(())
    } else {
        Err(VerifyError::ScopeMismatch {
            part,
            expected: expected.to_owned(),
            found: found.to_owned(),
        })
    }
}

/// The parts of an `Authorization` value.
struct Authorization<'a> {
    /// Decoded from the credential for a scheme without fields (HTTP Basic).
    access_key_id: Cow<'a, str>,
    /// Whether the value is `ALGORITHM key=value, ...` (else `ALGORITHM <credential>`).
    fields: bool,
    /// The scope's date, region and service, those the scheme's scope has.
    date: Option<&'a str>,
    region: Option<&'a str>,
    service: Option<&'a str>,
    signed_headers: &'a str,
}

impl<'a> Authorization<'a> {
    fn parse(facts: &SchemeFacts, value: &'a str) -> Result<Self, VerifyError> {
        let (found, params) = value
            .split_once(' ')
            .ok_or(VerifyError::MalformedAuthorization(
                "expected `ALGORITHM key=value, ...`",
            ))?;
        let token = facts.credential_field.is_empty();
        if found != facts.algorithm && !(token && found.eq_ignore_ascii_case(facts.algorithm)) {
            return Err(VerifyError::WrongAlgorithm {
                expected: facts.algorithm,
                found: found.chars().take(40).collect(),
            });
        }
        if token {
            // `Basic base64(id:secret)`: the id is read; the secret is checked by signing again.
            let id = super::agora::credential_id(params).ok_or(
                VerifyError::MalformedAuthorization("the credential is not base64(id:secret)"),
            )?;
            return Ok(Self {
                access_key_id: Cow::Owned(id),
                fields: false,
                date: None,
                region: None,
                service: None,
                signed_headers: "",
            });
        }
        let field = |key: &str| {
            params
                .split(',')
                .filter_map(|p| p.trim().split_once('='))
                .find_map(|(k, v)| (k == key).then_some(v))
        };
        let credential = field(facts.credential_field).ok_or(
            VerifyError::MalformedAuthorization("no Credential (or Access) field"),
        )?;
        let signed_headers = field("SignedHeaders").ok_or(VerifyError::MalformedAuthorization(
            "no SignedHeaders field",
        ))?;
        field("Signature").ok_or(VerifyError::MalformedAuthorization("no Signature field"))?;
        let mut parsed = Self {
            access_key_id: Cow::Borrowed(credential),
            fields: true,
            date: None,
            region: None,
            service: None,
            signed_headers,
        };
        let Some(scope) = &facts.scope else {
            return Ok(parsed);
        };
        // `id/part/.../terminator`, split from the end so an id may hold `/`.
        let pieces = scope.parts.len() + 2;
        let mut parts: Vec<&str> = credential.rsplitn(pieces, '/').collect();
        if parts.len() != pieces || parts[0] != scope.terminator {
            return Err(VerifyError::MalformedAuthorization(
                "the credential scope is not `id/date/[region/]service/terminator`",
            ));
        }
        parts.reverse();
        parsed.access_key_id = Cow::Borrowed(parts[0]);
        for (part, value) in scope.parts.iter().zip(&parts[1..]) {
            let slot = match part {
                ScopePart::Date => &mut parsed.date,
                ScopePart::Region => &mut parsed.region,
                ScopePart::Service => &mut parsed.service,
            };
            *slot = Some(*value);
        }
        Ok(parsed)
    }
}

/// The request's signing time from the scheme's date header, in unix seconds.
fn signing_time(facts: &SchemeFacts, headers: &[(String, String)]) -> Result<i64, VerifyError> {
    let name = facts.date_header;
    let value = received_once(headers, name).ok_or(VerifyError::MissingTimestamp(name))?;
    facts
        .date_format
        .parse(value)
        .ok_or(VerifyError::MalformedTimestamp(name))
}

/// Compares without stopping at the first difference, so timing tells nothing about how much
/// of a guessed signature was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::super::{TestRequest, huawei, sign, tencent, volcengine};
    use super::*;

    const NOW: i64 = 1_700_000_000;
    const SECRET: &str = "verify-test-secret-value";

    fn creds() -> Credentials {
        Credentials::new("AKTEST", SECRET).with_project_id("proj0123")
    }

    /// A request signed by `sign` for `scheme`, as a server receives it: names lowercased.
    struct Sent {
        method: &'static str,
        path: String,
        query: String,
        headers: HeaderList,
        body: Vec<u8>,
    }

    impl Sent {
        fn received(&self) -> ReceivedRequest<'_> {
            ReceivedRequest {
                method: self.method,
                path: &self.path,
                query: &self.query,
                headers: &self.headers,
                body: &self.body,
            }
        }

        fn set(&mut self, name: &str, value: &str) {
            for (k, v) in &mut self.headers {
                if k == name {
                    *v = value.to_owned();
                }
            }
        }
    }

    const SCHEMES: [(AuthScheme, &TestRequest); 3] = [
        (AuthScheme::VolcengineHmacSha256, &volcengine::TEST_REQUEST),
        (AuthScheme::Tc3HmacSha256, &tencent::TEST_REQUEST),
        (AuthScheme::HuaweiSdkHmacSha256, &huawei::TEST_REQUEST),
    ];

    fn test_request(scheme: AuthScheme) -> &'static TestRequest {
        SCHEMES.iter().find(|(s, _)| *s == scheme).unwrap().1
    }

    fn signed(scheme: AuthScheme, credentials: &Credentials, timestamp: i64) -> Sent {
        let t = test_request(scheme);
        let query: Vec<(String, String)> = t
            .query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let mut headers: HeaderList = vec![
            ("Host".into(), "127.0.0.1:8080".into()),
            ("Content-Type".into(), "application/json".into()),
            ("User-Agent".into(), "test".into()),
        ];
        headers.extend(
            t.headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        let input = SigningInput {
            method: t.method,
            host: "127.0.0.1:8080",
            path: t.path,
            query: &query,
            body: t.body,
            region: t.region,
            service: t.service,
            action: "DescribeTrtcUsage",
            version: "2019-07-22",
            timestamp,
            request_client: Some("client/1"),
            nonce: Some("0123456789abcdef0123456789abcdef"),
        };
        let out = sign(scheme, &input, &mut headers, credentials).unwrap();
        Sent {
            method: t.method,
            path: t.path.to_owned(),
            query: out.query_string,
            headers: headers
                .into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
            body: t.body.to_vec(),
        }
    }

    fn check(
        scheme: AuthScheme,
        sent: &Sent,
        credentials: &Credentials,
    ) -> Result<Verified, VerifyError> {
        verify(
            scheme,
            &sent.received(),
            credentials,
            &VerifyContext::new(test_request(scheme).service, NOW),
        )
    }

    #[test]
    fn a_signed_request_verifies_and_reports_its_scope() {
        for (scheme, t) in SCHEMES {
            let sent = signed(scheme, &creds(), NOW - 30);
            let verified =
                check(scheme, &sent, &creds()).unwrap_or_else(|e| panic!("{scheme:?}: {e}"));
            assert_eq!(verified.access_key_id, "AKTEST");
            assert_eq!(verified.timestamp, NOW - 30);
            let region = super::super::scheme(scheme)
                .signs_region()
                .then(|| t.region.to_owned());
            assert_eq!(verified.region, region, "{scheme:?}");
        }
        // Which schemes sign a region is a fact of each scheme.
        assert!(volcengine::SCHEME.signs_region() && tencent::SCHEME.signs_region());
        assert!(!huawei::SCHEME.signs_region());
    }

    #[test]
    fn a_wrong_secret_is_a_signature_mismatch_that_never_shows_a_secret() {
        let wrong = Credentials::new("AKTEST", "another-secret").with_project_id("proj0123");
        for (scheme, _) in SCHEMES {
            let sent = signed(scheme, &wrong, NOW);
            let err = check(scheme, &sent, &creds()).unwrap_err();
            assert!(
                matches!(err, VerifyError::SignatureMismatch { .. }),
                "{scheme:?}: {err}"
            );
            for text in [err.to_string(), format!("{err:?}")] {
                assert!(!text.contains(SECRET) && !text.contains("another-secret"));
            }
        }
    }

    #[test]
    fn unknown_key_missing_auth_and_expired_time_are_named() {
        for (scheme, _) in SCHEMES {
            let other = Credentials::new("AKOTHER", SECRET).with_project_id("proj0123");
            let sent = signed(scheme, &other, NOW);
            assert_eq!(
                check(scheme, &sent, &creds()),
                Err(VerifyError::UnknownAccessKey("AKOTHER".into()))
            );

            let mut sent = signed(scheme, &creds(), NOW);
            sent.headers.retain(|(k, _)| k != "authorization");
            assert_eq!(
                check(scheme, &sent, &creds()),
                Err(VerifyError::MissingAuthorization)
            );

            let sent = signed(scheme, &creds(), NOW - 301);
            assert!(
                matches!(
                    check(scheme, &sent, &creds()),
                    Err(VerifyError::Expired {
                        skew_seconds: -301,
                        max_skew_seconds: 300,
                        ..
                    })
                ),
                "{scheme:?}"
            );
            assert!(check(scheme, &signed(scheme, &creds(), NOW + 300), &creds()).is_ok());
        }
    }

    #[test]
    fn tampering_is_caught_and_named() {
        // A changed body: Volcengine's body-hash header no longer matches; Tencent's signature.
        let mut sent = signed(AuthScheme::VolcengineHmacSha256, &creds(), NOW);
        sent.body = br#"{"AppId":"y"}"#.to_vec();
        assert_eq!(
            check(AuthScheme::VolcengineHmacSha256, &sent, &creds()),
            Err(VerifyError::HeaderMismatch("X-Content-Sha256".into()))
        );
        let mut sent = signed(AuthScheme::Tc3HmacSha256, &creds(), NOW);
        sent.body.push(b' ');
        assert!(matches!(
            check(AuthScheme::Tc3HmacSha256, &sent, &creds()),
            Err(VerifyError::SignatureMismatch { .. })
        ));
        // A changed query value, and a project id that is not the credentials'.
        let mut sent = signed(AuthScheme::HuaweiSdkHmacSha256, &creds(), NOW);
        sent.query = sent.query.replace("2023-11-01", "2023-10-01");
        assert!(matches!(
            check(AuthScheme::HuaweiSdkHmacSha256, &sent, &creds()),
            Err(VerifyError::SignatureMismatch { .. })
        ));
        let mut sent = signed(AuthScheme::HuaweiSdkHmacSha256, &creds(), NOW);
        sent.set("x-project-id", "otherproject");
        assert_eq!(
            check(AuthScheme::HuaweiSdkHmacSha256, &sent, &creds()),
            Err(VerifyError::HeaderMismatch("X-Project-Id".into()))
        );
        // A signed header that did not arrive.
        let mut sent = signed(AuthScheme::HuaweiSdkHmacSha256, &creds(), NOW);
        sent.headers.retain(|(k, _)| k != "user-agent");
        assert_eq!(
            check(AuthScheme::HuaweiSdkHmacSha256, &sent, &creds()),
            Err(VerifyError::MissingSignedHeader("user-agent".into()))
        );
        // A scope for another service, and a scope date that is not the time's.
        let mut sent = signed(AuthScheme::Tc3HmacSha256, &creds(), NOW);
        let auth = sent
            .headers
            .iter()
            .find(|(k, _)| k == "authorization")
            .unwrap()
            .1
            .clone();
        sent.set("authorization", &auth.replace("/trtc/", "/cvm/"));
        assert!(matches!(
            check(AuthScheme::Tc3HmacSha256, &sent, &creds()),
            Err(VerifyError::ScopeMismatch {
                part: "service",
                ..
            })
        ));
        sent.set("authorization", &auth.replace("2023-11-14", "2023-11-15"));
        assert!(matches!(
            check(AuthScheme::Tc3HmacSha256, &sent, &creds()),
            Err(VerifyError::ScopeMismatch { part: "date", .. })
        ));
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        let garbage = [
            "",
            " ",
            "HMAC-SHA256",
            "HMAC-SHA256 ",
            "HMAC-SHA256 Credential=, SignedHeaders=, Signature=",
            "HMAC-SHA256 Credential=a/b/c/d/request, SignedHeaders=;;, Signature=x",
            "TC3-HMAC-SHA256 Credential=AKTEST/x/trtc/tc3_request, SignedHeaders=host, Signature=1",
            "SDK-HMAC-SHA256 Access=AKTEST, SignedHeaders=x-sdk-date, Signature=\u{0}",
            "SDK-HMAC-SHA256 Access=AKTEST SignedHeaders=host Signature=1",
        ];
        let timestamps = [
            "",
            "abc",
            "-5",
            "99999999999999999999",
            "20231114T221320Z",
            "1700000000",
        ];
        for (scheme, t) in SCHEMES {
            for auth in garbage {
                for ts in timestamps {
                    let headers: HeaderList = vec![
                        ("authorization".into(), auth.into()),
                        ("x-date".into(), ts.into()),
                        ("x-tc-timestamp".into(), ts.into()),
                        ("x-sdk-date".into(), ts.into()),
                        ("host".into(), "h".into()),
                    ];
                    let request = ReceivedRequest {
                        method: "P\nST",
                        path: "",
                        query: "%zz=&&=%E4&a=b=c",
                        headers: &headers,
                        body: b"\xff",
                    };
                    let result = verify(
                        scheme,
                        &request,
                        &creds(),
                        &VerifyContext::new(t.service, NOW),
                    );
                    assert!(result.is_err(), "{scheme:?} {auth:?} {ts:?}");
                }
            }
        }
    }

    /// Requests signed by the vendors' official SDKs (`tests/vectors/`) verify as received.
    #[test]
    fn official_sdk_requests_verify() {
        let vectors = [
            include_str!("../../tests/vectors/agora-get-projects.json"),
            include_str!("../../tests/vectors/agora-get-usage-cn.json"),
            include_str!("../../tests/vectors/agora-get-usage.json"),
            include_str!("../../tests/vectors/alibaba-describe-live-grtn-duration-app-list.json"),
            include_str!("../../tests/vectors/alibaba-describe-live-grtn-duration-escaping.json"),
            include_str!("../../tests/vectors/alibaba-describe-live-grtn-duration-minimal.json"),
            include_str!("../../tests/vectors/alibaba-describe-live-grtn-duration-sts.json"),
            include_str!("../../tests/vectors/alibaba-describe-live-grtn-duration-user-agent.json"),
            include_str!("../../tests/vectors/alibaba-describe-live-grtn-duration.json"),
            include_str!("../../tests/vectors/alibaba-describe-live-rtc-record-usage-data.json"),
            include_str!("../../tests/vectors/alibaba-doc-v3-runinstances-2.json"),
            include_str!("../../tests/vectors/alibaba-doc-v3-runinstances.json"),
            include_str!("../../tests/vectors/alibaba-signer-minimal-headers.json"),
            include_str!("../../tests/vectors/huawei-history-usage-token.json"),
            include_str!("../../tests/vectors/huawei-history-usage.json"),
            include_str!("../../tests/vectors/huawei-query-escaping.json"),
            include_str!("../../tests/vectors/tencent-describe-trtc-usage-no-app.json"),
            include_str!("../../tests/vectors/tencent-describe-trtc-usage-token.json"),
            include_str!("../../tests/vectors/tencent-describe-trtc-usage.json"),
            include_str!("../../tests/vectors/volcengine-get-empty-body.json"),
            include_str!("../../tests/vectors/volcengine-list-operation-distribution.json"),
            include_str!("../../tests/vectors/volcengine-list-usages-singapore.json"),
            include_str!("../../tests/vectors/volcengine-list-usages.json"),
        ];
        for text in vectors {
            let v: serde_json::Value = serde_json::from_str(text).unwrap();
            let (input, expected) = (&v["input"], &v["expected"]);
            let s = |value: &serde_json::Value| value.as_str().unwrap().to_owned();
            let scheme = match input["vendor"].as_str().unwrap() {
                "volcengine" => AuthScheme::VolcengineHmacSha256,
                "tencent" => AuthScheme::Tc3HmacSha256,
                "agora" => AuthScheme::HttpBasic,
                "alibaba" => AuthScheme::Acs3HmacSha256,
                _ => AuthScheme::HuaweiSdkHmacSha256,
            };
            let mut credentials = Credentials::new(s(&input["ak"]), s(&input["sk"]));
            if let Some(token) = input["token"].as_str() {
                credentials = credentials.with_session_token(token);
            }
            let headers: HeaderList = expected["headers_after_signing"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), s(v)))
                .collect();
            let url = s(&expected["url"]);
            let after_host = &url[url.find("://").unwrap() + 3..];
            let target = &after_host[after_host.find('/').unwrap()..];
            let (path, query) = target.split_once('?').unwrap_or((target, ""));
            let body = s(&expected["body"]);
            let request = ReceivedRequest {
                method: input["method"].as_str().unwrap(),
                path,
                query,
                headers: &headers,
                body: body.as_bytes(),
            };
            let context = VerifyContext::new(
                input["service"].as_str().unwrap(),
                input["timestamp"].as_i64().unwrap(),
            );
            let result = verify(scheme, &request, &credentials, &context);
            assert!(result.is_ok(), "{}: {result:?}", v["name"]);
        }
    }

    #[test]
    fn helpers() {
        assert_eq!(sdk_spelling("x-content-sha256"), "X-Content-Sha256");
        assert_eq!(sdk_spelling("content-type"), "Content-Type");
        assert_eq!(sdk_spelling("host"), "Host");
        assert_eq!(
            decode_query("a=1&b=x+y%2Bz&&c&d=%E4%B8%8A"),
            vec![
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), "x y+z".to_owned()),
                ("c".to_owned(), String::new()),
                ("d".to_owned(), "上".to_owned()),
            ]
        );
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn strict_checks_the_exact_query_and_unsigned_headers() {
        for (scheme, t) in SCHEMES {
            // What the request carries unsigned: the scheme's parameter headers (and its date
            // header, where the signature does not cover it), and two others.
            let facts = super::super::scheme(scheme);
            let mut allowed = vec!["authorization", "user-agent", "x-extra", facts.date_header];
            allowed.extend(
                [
                    facts.region_header,
                    facts.action_header,
                    facts.version_header,
                    facts.request_client_header,
                ]
                .into_iter()
                .flatten(),
            );
            let context = VerifyContext::new(t.service, NOW);
            let strict = Strict {
                exact_query: true,
                unsigned_allowed: Some(&allowed),
            };
            let sent = signed(scheme, &creds(), NOW);
            let recomputed = recompute(scheme, &sent.received(), &creds(), &context, &strict)
                .unwrap_or_else(|e| panic!("{scheme:?}: {e}"));
            assert_eq!(recomputed.signed.query_string, sent.query, "{scheme:?}");
            assert_eq!(recomputed.service, t.service, "{scheme:?}");
            let authorization = sent
                .headers
                .iter()
                .find(|(k, _)| k == "authorization")
                .map(|(_, v)| v.as_str());
            assert_eq!(
                Some(recomputed.signed.authorization.as_str()),
                authorization
            );
            for (name, value) in &recomputed.headers {
                assert_eq!(received_once(&sent.headers, name), Some(value.as_str()));
            }
            let debug = format!("{recomputed:?}");
            assert!(!debug.contains(SECRET), "{debug}");

            // An unsigned header that is not allowed.
            let mut extra = signed(scheme, &creds(), NOW);
            extra.headers.push(("x-unexpected".into(), "1".into()));
            assert!(check(scheme, &extra, &creds()).is_ok(), "{scheme:?}");
            assert_eq!(
                recompute(scheme, &extra.received(), &creds(), &context, &strict),
                Err(VerifyError::UnsignedHeader("x-unexpected".into())),
                "{scheme:?}"
            );
            extra.headers.retain(|(k, _)| k != "x-unexpected");
            extra.headers.push(("X-Extra".into(), "1".into()));
            assert!(
                recompute(scheme, &extra.received(), &creds(), &context, &strict).is_ok(),
                "{scheme:?}: allowed names compare case-insensitively"
            );
        }
        // The same pairs, encoded otherwise: a server accepts them, strict does not.
        let (scheme, t) = SCHEMES[2];
        let context = VerifyContext::new(t.service, NOW);
        let mut sent = signed(scheme, &creds(), NOW);
        assert!(sent.query.contains("a%20b"), "{}", sent.query);
        sent.query = sent.query.replace("a%20b", "a+b");
        assert!(check(scheme, &sent, &creds()).is_ok());
        let strict = Strict {
            exact_query: true,
            unsigned_allowed: None,
        };
        assert_eq!(
            recompute(scheme, &sent.received(), &creds(), &context, &strict),
            Err(VerifyError::QueryMismatch)
        );
    }

    #[test]
    fn recomputed_reads_the_parameters_from_the_schemes_headers() {
        for (scheme, t) in SCHEMES {
            let facts = super::super::scheme(scheme);
            let sent = signed(scheme, &creds(), NOW);
            let recomputed = recompute(
                scheme,
                &sent.received(),
                &creds(),
                &VerifyContext::new(t.service, NOW),
                &Strict::default(),
            )
            .unwrap();
            let expect = |header: Option<&str>, value: &str| {
                header.map_or(String::new(), |_| value.to_owned())
            };
            assert_eq!(
                recomputed.action,
                expect(facts.action_header, "DescribeTrtcUsage")
            );
            assert_eq!(
                recomputed.version,
                expect(facts.version_header, "2019-07-22")
            );
            assert_eq!(
                recomputed.request_client,
                facts.request_client_header.map(|_| "client/1".to_owned())
            );
        }
    }
}
