//! Alibaba Cloud `ACS3-HMAC-SHA256` (the V3 signature), as alibabacloud-tea-openapi 0.4.6
//! (`Client.do_request`, `Utils.get_authorization`) signs an RPC request.
//!
//! Headers set: `x-acs-version`, `x-acs-action`, `x-acs-date`, `x-acs-signature-nonce`,
//! `x-acs-content-sha256`, with a session token `x-acs-accesskey-id` and
//! `x-acs-security-token`, then `Authorization`; `Host` only if the list has none. Each is
//! placed where the SDK has it (its order: `host`, `x-acs-version`, `x-acs-action`,
//! `user-agent`, `x-acs-date`, `x-acs-signature-nonce`, `accept`, `x-acs-content-sha256`,
//! `x-acs-credentials-provider`, `x-acs-accesskey-id`, `x-acs-security-token`,
//! `Authorization`), so that a list holding the SDK's own headers comes out in the SDK's order.
//!
//! **Every header present is signed** (names lowercased and sorted, values as given). The SDK
//! signs `str(value).strip()`; a value that stripping would change is refused here, so that
//! the value signed is the value sent. `x-acs-credentials-provider` (the SDK's provider name)
//! is not set: a caller may send it, and it is then signed like any other header.
//!
//! The signature nonce is [`SigningInput::nonce`], else a `x-acs-signature-nonce` already in
//! the list (what a verifier passes); without either the request cannot be signed. The
//! clock is [`SigningInput::timestamp`], so signing stays pure and reproducible.
//!
//! The query string sent ([`Signed::query_string`]) is the canonical query: pairs sorted by
//! key, each value `quote(value, safe='~')` (a space is `%20`). The SDK sends `urlencode` of
//! its pairs in its own order (a space as `+`); the server decodes either into the same pairs.
//! Keys are signed unencoded, as in the SDK, so a key must consist of unreserved characters
//! (`A–Z a–z 0–9 - _ . ~`), and may occur once (the SDK's query is a dict).
//!
//! There is no credential scope: the string to sign is `ACS3-HMAC-SHA256\n` and the hex
//! SHA-256 of the canonical request, HMAC'd with the raw secret.

use super::encode;
use super::huawei::strip_value;
use super::{
    DateFormat, HeaderList, SchemeFacts, ScopeValues, Signed, SignedHeaderSet, SigningError,
    SigningInput, UtcTime, check_credentials, check_headers, check_host, check_method,
    check_parameter, check_value, find_header, header_value, push_sha256_hex, remove_header,
    set_header, sha256_hex, value_problem,
};
use crate::credentials::{Credentials, SecretString};

/// The header of the signing time (`YYYY-MM-DDTHH:MM:SSZ`).
pub const DATE_HEADER: &str = "x-acs-date";
/// The header of the signature nonce.
pub const NONCE_HEADER: &str = "x-acs-signature-nonce";
/// The header of the body's hash.
pub const CONTENT_HASH_HEADER: &str = "x-acs-content-sha256";
/// The header of the operation name.
pub const ACTION_HEADER: &str = "x-acs-action";
/// The header of the API version.
pub const VERSION_HEADER: &str = "x-acs-version";
/// The header of a session (STS) token.
pub const TOKEN_HEADER: &str = "x-acs-security-token";
/// The header that repeats the access key id beside a session token.
pub const ACCESS_KEY_HEADER: &str = "x-acs-accesskey-id";

/// The scheme's facts, read by the signer below and by [`super::verify`].
pub const SCHEME: SchemeFacts = SchemeFacts {
    algorithm: "ACS3-HMAC-SHA256",
    credential_field: "Credential",
    date_header: DATE_HEADER,
    date_format: DateFormat::Extended,
    scope: None,
    secret_prefix: "",
    token_header: TOKEN_HEADER,
    region_header: None,
    action_header: Some(ACTION_HEADER),
    version_header: Some(VERSION_HEADER),
    request_client_header: None,
    sign,
};

pub const ALGORITHM: &str = SCHEME.algorithm;

/// The SDK's order of the headers it sends (lowercase names).
const SDK_ORDER: &[&str] = &[
    "host",
    VERSION_HEADER,
    ACTION_HEADER,
    "user-agent",
    DATE_HEADER,
    NONCE_HEADER,
    "accept",
    CONTENT_HASH_HEADER,
    "x-acs-credentials-provider",
    ACCESS_KEY_HEADER,
    TOKEN_HEADER,
    "authorization",
];

fn rank(name: &str) -> Option<usize> {
    SDK_ORDER.iter().position(|n| n.eq_ignore_ascii_case(name))
}

/// Sets `name: value` like [`set_header`], but a new header goes before the first header of
/// the list that comes later in the SDK's order (headers the SDK does not send are passed
/// over), else at the end.
fn place(headers: &mut HeaderList, name: &str, value: &str) {
    if find_header(headers, name).is_some() {
        set_header(headers, name, value);
        return;
    }
    let own = rank(name).unwrap_or(usize::MAX);
    let at = headers
        .iter()
        .position(|(k, _)| rank(k).is_some_and(|r| r > own))
        .unwrap_or(headers.len());
    headers.insert(at, (name.to_owned(), value.to_owned()));
}

/// Why `value` cannot be signed as sent: a control character, or surrounding whitespace
/// (Python's `str.strip()`, which the SDK applies before signing).
fn signed_value_problem(value: &str) -> Option<&'static str> {
    value_problem(value).or_else(|| {
        (strip_value(value).len() != value.len()).then_some("has leading or trailing whitespace")
    })
}

/// The canonical query, which is also the query sent: pairs sorted by key (code-point order),
/// each as `key=quote(value, safe='~')`, joined with `&`; `""` for none.
pub fn canonical_query(query: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = query.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::with_capacity(
        query
            .iter()
            .map(|(k, v)| k.len() + v.len() * 3 + 2)
            .sum::<usize>(),
    );
    for (k, v) in sorted {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        encode::push_quoted(&mut out, v);
    }
    out
}

/// The query keys can be signed as the SDK signs them: non-empty, unreserved characters only,
/// each once.
fn check_query(query: &[(String, String)]) -> Result<(), SigningError> {
    for (i, (key, _)) in query.iter().enumerate() {
        if key.is_empty() || !key.bytes().all(encode::is_unreserved) {
            return Err(SigningError::InvalidParameter {
                what: "query key",
                reason: "is empty or has a character other than A-Z a-z 0-9 - _ . ~ (ACS3 signs keys unencoded)",
            });
        }
        if query[..i].iter().any(|(k, _)| k == key) {
            return Err(SigningError::InvalidParameter {
                what: "query key",
                reason: "occurs twice (the SDK sends each parameter once)",
            });
        }
    }
    Ok(())
}

fn non_empty(what: &'static str, value: &str) -> Result<(), SigningError> {
    if value.is_empty() {
        return Err(SigningError::InvalidParameter {
            what,
            reason: "is empty",
        });
    }
    check_parameter(what, value)
}

/// Signs `input` as the SDK does; see [`super::sign`] and the module documentation.
pub fn sign(
    input: &SigningInput<'_>,
    headers: &mut HeaderList,
    credentials: &Credentials,
) -> Result<Signed, SigningError> {
    // Checks first, so that the header list is untouched on error.
    check_method(input.method)?;
    check_credentials(credentials)?;
    let time = UtcTime::from_unix(input.timestamp)?;
    check_host(input.host)?;
    non_empty("action", input.action)?;
    non_empty("version", input.version)?;
    check_headers(headers, |_, value| signed_value_problem(value))?;
    let nonce = match input.nonce {
        Some(nonce) => nonce.to_owned(),
        None => header_value(headers, NONCE_HEADER)
            .map(str::to_owned)
            .ok_or(SigningError::InvalidParameter {
                what: "signature nonce",
                reason: "is missing (SigningInput::nonce)",
            })?,
    };
    non_empty("signature nonce", &nonce)?;
    let token = credentials.session_token().map(SecretString::expose_secret);
    if let Some(token) = token {
        // Named as the other schemes name theirs (`X-Security-Token`, `X-TC-Token`).
        check_value("X-Acs-Security-Token", token, signed_value_problem)?;
    }
    check_query(input.query)?;

    // Headers, each at its place in the SDK's order.
    remove_header(headers, "Authorization");
    if find_header(headers, "Host").is_none() {
        place(headers, "host", input.host);
    }
    place(headers, VERSION_HEADER, input.version);
    place(headers, ACTION_HEADER, input.action);
    let date = SCHEME.date_value(input.timestamp, &time);
    place(headers, DATE_HEADER, &date);
    place(headers, NONCE_HEADER, &nonce);
    let body_hash = sha256_hex(input.body);
    place(headers, CONTENT_HASH_HEADER, &body_hash);
    if let Some(token) = token {
        place(headers, ACCESS_KEY_HEADER, credentials.access_key_id());
        place(headers, TOKEN_HEADER, token);
    }

    let signed = SignedHeaderSet::select(headers, |_| true);
    let query_string = canonical_query(input.query);
    let path = if input.path.is_empty() {
        "/"
    } else {
        input.path
    };
    let mut canonical_request = String::with_capacity(
        input.method.len() + path.len() + query_string.len() + signed.canonical_len() + 72,
    );
    let cr = &mut canonical_request;
    cr.push_str(input.method);
    cr.push('\n');
    cr.push_str(path);
    cr.push('\n');
    cr.push_str(&query_string);
    cr.push('\n');
    signed.push_canonical(cr, |_, v| v);
    push_sha256_hex(cr, input.body);

    let mut string_to_sign = String::with_capacity(ALGORITHM.len() + 65);
    string_to_sign.push_str(ALGORITHM);
    string_to_sign.push('\n');
    push_sha256_hex(&mut string_to_sign, canonical_request.as_bytes());
    let signature = SCHEME.signature(
        credentials.secret_access_key().expose_secret(),
        &ScopeValues::default(),
        &string_to_sign,
    );
    // `ALGORITHM Credential=AK,SignedHeaders=...,Signature=...`: no space after the commas.
    let mut authorization = String::with_capacity(
        ALGORITHM.len() + credentials.access_key_id().len() + signed.names.len() + 110,
    );
    authorization.push_str(ALGORITHM);
    authorization.push_str(" Credential=");
    authorization.push_str(credentials.access_key_id());
    authorization.push_str(",SignedHeaders=");
    authorization.push_str(&signed.names);
    authorization.push_str(",Signature=");
    encode::push_hex_lower(&mut authorization, &signature);
    place(headers, "Authorization", &authorization);

    Ok(Signed {
        query_string,
        canonical_request,
        string_to_sign,
        authorization,
    })
}

#[cfg(test)]
mod tests {
    use super::super::verify::{self, ReceivedRequest, Strict, VerifyContext, VerifyError};
    use super::*;
    use crate::descriptor::AuthScheme;

    const NOW: i64 = 1_793_588_645; // 2026-11-02T03:04:05Z
    const NONCE: &str = "6a1f0e3c5b7d49a2b8c4d6e8f0a2c4e6";

    fn creds() -> Credentials {
        Credentials::new(
            "LTAI5tExampleAccessKeyId",
            "ExampleAccessKeySecret0000000000",
        )
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn input<'a>(query: &'a [(String, String)]) -> SigningInput<'a> {
        SigningInput {
            method: "POST",
            host: "live.aliyuncs.com",
            path: "/",
            query,
            service: "live",
            action: "DescribeLiveGrtnDuration",
            version: "2016-11-01",
            timestamp: NOW,
            nonce: Some(NONCE),
            ..SigningInput::default()
        }
    }

    #[test]
    fn canonical_query_sorts_by_key_and_quotes_values_only() {
        let q = pairs(&[
            ("StartTime", "2026-11-01T00:00:00Z"),
            ("AppId", "app 1+2/3*~é,x"),
            ("Area", ""),
        ]);
        assert_eq!(
            canonical_query(&q),
            "AppId=app%201%2B2%2F3%2A~%C3%A9%2Cx&Area=&StartTime=2026-11-01T00%3A00%3A00Z"
        );
        assert_eq!(canonical_query(&[]), "");
    }

    #[test]
    fn headers_come_in_the_sdks_order_and_are_all_signed() {
        // What the generic client sends: Host, Accept, User-Agent.
        let mut headers = pairs(&[
            ("Host", "live.aliyuncs.com"),
            ("Accept", "application/json"),
            ("User-Agent", "rtc-usage/0.1.0"),
        ]);
        let q = pairs(&[("EndTime", "2026-11-02T00:00:00Z")]);
        let signed = sign(&input(&q), &mut headers, &creds()).unwrap();
        let names: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "Host",
                "x-acs-version",
                "x-acs-action",
                "x-acs-date",
                "x-acs-signature-nonce",
                "Accept",
                "User-Agent",
                "x-acs-content-sha256",
                "Authorization"
            ]
        );
        assert!(signed.authorization.contains(
            ",SignedHeaders=accept;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature="
        ));
        assert!(
            signed
                .canonical_request
                .contains("\nx-acs-date:2026-11-02T03:04:05Z\n")
        );
        assert_eq!(
            signed.string_to_sign.len(),
            ALGORITHM.len() + 1 + 64,
            "no date and no scope in the string to sign"
        );
    }

    #[test]
    fn a_session_token_adds_the_key_and_token_headers() {
        let creds = creds().with_session_token("STS.token");
        let mut headers = pairs(&[("Host", "live.aliyuncs.com")]);
        let signed = sign(&input(&[]), &mut headers, &creds).unwrap();
        let tail: Vec<&str> = headers[headers.len() - 3..]
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(
            tail,
            [
                "x-acs-accesskey-id",
                "x-acs-security-token",
                "Authorization"
            ]
        );
        assert!(
            signed
                .canonical_request
                .contains("\nx-acs-security-token:STS.token\n")
        );
        assert!(!format!("{signed:?}").contains("STS.token"));
    }

    #[test]
    fn the_nonce_comes_from_the_input_or_the_list() {
        let q = pairs(&[("AppId", "a")]);
        let mut given = input(&q);
        given.nonce = None;
        let mut headers = HeaderList::new();
        assert!(matches!(
            sign(&given, &mut headers, &creds()),
            Err(SigningError::InvalidParameter {
                what: "signature nonce",
                ..
            })
        ));
        assert!(headers.is_empty(), "unchanged on error");
        let mut headers = pairs(&[("X-Acs-Signature-Nonce", NONCE)]);
        let from_list = sign(&given, &mut headers, &creds()).unwrap();
        let from_input = sign(&input(&q), &mut HeaderList::new(), &creds()).unwrap();
        assert_eq!(from_list.authorization, from_input.authorization);
    }

    #[test]
    fn unsignable_requests_are_refused_unchanged() {
        let bad_queries = [
            pairs(&[("a b", "x")]),
            pairs(&[("", "x")]),
            pairs(&[("a", "1"), ("a", "2")]),
        ];
        for q in &bad_queries {
            let mut headers = pairs(&[("Accept", "application/json")]);
            assert!(sign(&input(q), &mut headers, &creds()).is_err(), "{q:?}");
            assert_eq!(headers, pairs(&[("Accept", "application/json")]));
        }
        for value in [" padded", "padded\u{a0}", "a\nb"] {
            let mut headers = pairs(&[("User-Agent", value)]);
            assert!(
                sign(&input(&[]), &mut headers, &creds()).is_err(),
                "{value:?}"
            );
        }
        let mut no_action = input(&[]);
        no_action.action = "";
        assert!(sign(&no_action, &mut HeaderList::new(), &creds()).is_err());
    }

    /// What the signer sends, the verifier accepts (and recomputes strictly); a changed part
    /// is named.
    #[test]
    fn the_verifier_accepts_what_the_signer_sends() {
        for token in [None, Some("STS.token")] {
            let mut credentials = creds();
            if let Some(token) = token {
                credentials = credentials.with_session_token(token);
            }
            let q = pairs(&[("AppId", "a,b c"), ("StartTime", "2026-11-01T00:00:00Z")]);
            let mut headers = pairs(&[
                ("Host", "127.0.0.1:8080"),
                ("Accept", "application/json"),
                ("User-Agent", "rtc-usage"),
            ]);
            let mut sent = input(&q);
            sent.host = "127.0.0.1:8080";
            let signed = sign(&sent, &mut headers, &credentials).unwrap();
            let received: HeaderList = headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect();
            let request = ReceivedRequest {
                method: "POST",
                path: "/",
                query: &signed.query_string,
                headers: &received,
                body: b"",
            };
            let context = VerifyContext::new("live", NOW + 10);
            let strict = Strict {
                exact_query: true,
                unsigned_allowed: Some(&["authorization"]),
            };
            let recomputed = verify::recompute(
                AuthScheme::Acs3HmacSha256,
                &request,
                &credentials,
                &context,
                &strict,
            )
            .unwrap();
            assert_eq!(recomputed.signed.authorization, signed.authorization);
            assert_eq!(recomputed.action, "DescribeLiveGrtnDuration");
            assert_eq!(recomputed.version, "2016-11-01");
            assert_eq!(recomputed.verified.timestamp, NOW);
            assert_eq!(recomputed.verified.region, None);

            // The SDK's own URL encoding (`+` for a space) reads as the same pairs.
            let plus = signed.query_string.replace("%20", "+");
            let loose = ReceivedRequest {
                query: &plus,
                ..request
            };
            assert!(
                verify::verify(AuthScheme::Acs3HmacSha256, &loose, &credentials, &context).is_ok()
            );

            let tampered = signed.query_string.replace("a%2Cb", "a%2Cc");
            let changed = ReceivedRequest {
                query: &tampered,
                ..request
            };
            assert!(matches!(
                verify::verify(AuthScheme::Acs3HmacSha256, &changed, &credentials, &context),
                Err(VerifyError::SignatureMismatch { .. })
            ));
            let body = ReceivedRequest {
                body: b"x",
                ..request
            };
            assert_eq!(
                verify::verify(AuthScheme::Acs3HmacSha256, &body, &credentials, &context),
                Err(VerifyError::HeaderMismatch(CONTENT_HASH_HEADER.into()))
            );
            let late = VerifyContext::new("live", NOW + 301);
            assert!(matches!(
                verify::verify(AuthScheme::Acs3HmacSha256, &request, &credentials, &late),
                Err(VerifyError::Expired { .. })
            ));
            let wrong = Credentials::new("LTAI5tExampleAccessKeyId", "another");
            let err =
                verify::verify(AuthScheme::Acs3HmacSha256, &request, &wrong, &context).unwrap_err();
            assert!(matches!(err, VerifyError::SignatureMismatch { .. }));
            assert!(!err.to_string().contains("ExampleAccessKeySecret"));
        }
    }

    #[test]
    fn a_request_without_a_signed_nonce_does_not_verify() {
        let mut headers = pairs(&[("Host", "h")]);
        let signed = sign(&input(&[]), &mut headers, &creds()).unwrap();
        // The nonce left out of SignedHeaders.
        let received: HeaderList = headers
            .iter()
            .map(|(k, v)| {
                let k = k.to_ascii_lowercase();
                let v = if k == "authorization" {
                    v.replace(";x-acs-signature-nonce", "")
                } else {
                    v.clone()
                };
                (k, v)
            })
            .collect();
        let request = ReceivedRequest {
            method: "POST",
            path: "/",
            query: &signed.query_string,
            headers: &received,
            body: b"",
        };
        let result = verify::verify(
            AuthScheme::Acs3HmacSha256,
            &request,
            &creds(),
            &VerifyContext::new("live", NOW),
        );
        assert!(
            matches!(result, Err(VerifyError::Unsignable(_))),
            "{result:?}"
        );
    }
}
