//! Huawei Cloud `SDK-HMAC-SHA256`, as huaweicloudsdkcore 3.1.219 signs
//! (`BasicCredentials.sign_request` then `Signer.sign`).
//!
//! Headers set, in order: `X-Project-Id` (when the credentials carry a project id),
//! `X-Security-Token` (with a session token), `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` (for a
//! `Content-Type` that is not JSON or BSON), `X-Sdk-Date` (unless present), `Host` (unless
//! present), `Authorization`. Every header whose name has no `_` is signed, and every value is
//! stripped of surrounding whitespace, on the wire too.
//!
//! The query string sent ([`Signed::query_string`]) is the SDK's sorted canonical query, which
//! is also what the SDK sends. The scheme has no credential scope: the string to sign is HMAC'd
//! with the raw secret.

use super::encode;
use super::{
    DateFormat, EMPTY_SHA256, HeaderList, SchemeFacts, ScopeValues, Signed, SignedHeaderSet,
    SigningError, SigningInput, UtcTime, check_credentials, check_headers, check_host,
    check_method, check_value, find_header, header_value, push_sha256_hex, remove_header,
    set_header, value_problem,
};
use crate::credentials::{Credentials, SecretString};

/// The header of the signing time.
pub const DATE_HEADER: &str = "X-Sdk-Date";
/// The header of a session token.
pub const TOKEN_HEADER: &str = "X-Security-Token";
/// The header of the project id the credentials carry.
pub const PROJECT_HEADER: &str = "X-Project-Id";
/// The header that replaces the body's hash.
pub const CONTENT_HASH_HEADER: &str = "X-Sdk-Content-Sha256";

/// The scheme's facts, read by the signer below and by [`super::verify`].
pub const SCHEME: SchemeFacts = SchemeFacts {
    algorithm: "SDK-HMAC-SHA256",
    credential_field: "Access",
    date_header: DATE_HEADER,
    date_format: DateFormat::Basic,
    scope: None,
    secret_prefix: "",
    token_header: TOKEN_HEADER,
    region_header: None,
    action_header: None,
    version_header: None,
    request_client_header: None,
    sign,
};

pub const ALGORITHM: &str = SCHEME.algorithm;

/// The `X-Sdk-Content-Sha256` value that asks the server not to hash the body.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Python's `str.isspace`: Unicode `Zs`, or bidirectional class `WS`, `B` or `S` (this adds
/// U+001C..U+001F to Rust's `char::is_whitespace`).
pub fn is_python_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\u{1c}'..=' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// `str(value).strip()`: the value as signed and as sent.
pub fn strip_value(value: &str) -> &str {
    value.trim_matches(is_python_whitespace)
}

fn strip_in_place(value: &mut String) {
    let end = value.trim_end_matches(is_python_whitespace).len();
    value.truncate(end);
    let start = value.len() - value.trim_start_matches(is_python_whitespace).len();
    value.drain(..start);
}

/// Whether the SDK sets `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`: a non-empty `Content-Type`
/// (exact key) that starts with neither `application/json` nor `application/bson`.
pub fn wants_unsigned_payload(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        !ct.is_empty() && !ct.starts_with("application/json") && !ct.starts_with("application/bson")
    })
}

/// Appends the canonical URI: the path percent-decoded, each `/`-separated segment quoted
/// (only `A–Z a–z 0–9 - _ . ~` kept), joined with `/`, with a `/` appended unless it already
/// ends with one. An empty path is an error (the SDK fails on it).
pub fn push_canonical_uri(out: &mut String, path: &str) -> Result<(), SigningError> {
    if path.is_empty() {
        return Err(SigningError::EmptyPath);
    }
    let decoded = encode::percent_decode_lossy(path);
    // Quoting each segment and joining with '/' is quoting with '/' kept.
    encode::push_quoted_path(out, &decoded);
    if !decoded.ends_with('/') {
        out.push('/');
    }
    Ok(())
}

/// The canonical URI; see [`push_canonical_uri`].
pub fn canonical_uri(path: &str) -> Result<String, SigningError> {
    let mut out = String::with_capacity(path.len() + 8);
    push_canonical_uri(&mut out, path)?;
    Ok(out)
}

/// The canonical query, which the SDK also sends: pairs sorted by raw key and then raw value
/// (as strings, so `a=10` sorts before `a=2`), each as `quote(k)=quote(v)` with only
/// `A–Z a–z 0–9 - _ . ~` kept (a space is `%20`, `+` is `%2B`), joined with `&`.
pub fn canonical_query(query: &[(String, String)]) -> String {
    let mut out = String::with_capacity(
        query
            .iter()
            .map(|(k, v)| k.len() + v.len() + 2)
            .sum::<usize>()
            + 16,
    );
    let push_pair = |out: &mut String, (k, v): &(String, String)| {
        if !out.is_empty() {
            out.push('&');
        }
        encode::push_quoted(out, k);
        out.push('=');
        encode::push_quoted(out, v);
    };
    if query.is_sorted() {
        for pair in query {
            push_pair(&mut out, pair);
        }
    } else {
        let mut sorted: Vec<&(String, String)> = query.iter().collect();
        sorted.sort_unstable();
        for pair in sorted {
            push_pair(&mut out, pair);
        }
    }
    out
}

/// Signs `input` as the SDK does; see [`super::sign`].
///
/// A `X-Sdk-Date` header that is already present is used as the signing time (as in the SDK);
/// it must then be exactly `YYYYMMDDTHHMMSSZ`.
pub fn sign(
    input: &SigningInput<'_>,
    headers: &mut HeaderList,
    credentials: &Credentials,
) -> Result<Signed, SigningError> {
    check_method(input.method)?;
    check_credentials(credentials)?;
    if input.path.is_empty() {
        return Err(SigningError::EmptyPath);
    }
    check_host(input.host)?;
    // Values are sent stripped, so only the stripped value must be sendable.
    check_headers(headers, |_, value| value_problem(strip_value(value)))?;
    let token = credentials.session_token().map(SecretString::expose_secret);
    if let Some(token) = token {
        check_value(TOKEN_HEADER, strip_value(token), value_problem)?;
    }
    if let Some(project_id) = credentials.project_id() {
        check_value(PROJECT_HEADER, strip_value(project_id), value_problem)?;
    }
    let sdk_date = match header_value(headers, DATE_HEADER) {
        Some(given) => {
            if UtcTime::parse_basic(given).is_none() {
                return Err(SigningError::InvalidHeaderValue {
                    name: DATE_HEADER.to_owned(),
                    reason: "is not a valid YYYYMMDDTHHMMSSZ time",
                });
            }
            None
        }
        None => {
            let time = UtcTime::from_unix(input.timestamp)?;
            Some(SCHEME.date_value(input.timestamp, &time))
        }
    };

    remove_header(headers, "Authorization");
    if let Some(project_id) = credentials.project_id() {
        set_header(headers, PROJECT_HEADER, project_id);
    }
    if let Some(token) = token {
        set_header(headers, TOKEN_HEADER, token);
    }
    let content_type = headers
        .iter()
        .find(|(k, _)| k == "Content-Type")
        .map(|(_, v)| v.as_str());
    if wants_unsigned_payload(content_type) {
        set_header(headers, CONTENT_HASH_HEADER, UNSIGNED_PAYLOAD);
    }
    if let Some(date) = &sdk_date {
        set_header(headers, DATE_HEADER, date);
    }
    if find_header(headers, "Host").is_none() {
        set_header(headers, "Host", input.host);
    }
    for (_, value) in headers.iter_mut() {
        strip_in_place(value);
    }

    let signed = SignedHeaderSet::select(headers, |k| !k.contains('_'));

    let query_string = canonical_query(input.query);
    let mut canonical_request = String::with_capacity(
        input.method.len()
            + input.path.len() * 3
            + query_string.len()
            + signed.canonical_len()
            + 72,
    );
    let cr = &mut canonical_request;
    cr.extend(input.method.chars().map(|c| c.to_ascii_uppercase()));
    cr.push('\n');
    push_canonical_uri(cr, input.path)?;
    cr.push('\n');
    cr.push_str(&query_string);
    cr.push('\n');
    signed.push_canonical(cr, |_, v| v);
    // Payload hash: the empty hash for an empty body (even if UNSIGNED-PAYLOAD was set), else
    // a non-empty X-Sdk-Content-Sha256 value, else the body's hash.
    if input.body.is_empty() {
        cr.push_str(EMPTY_SHA256);
    } else {
        match header_value(headers, CONTENT_HASH_HEADER).filter(|v| !v.is_empty()) {
            Some(given) => cr.push_str(given),
            None => push_sha256_hex(cr, input.body),
        }
    }

    // The date signed is the date header's (set above, or the caller's, already checked).
    let date = header_value(headers, DATE_HEADER).unwrap_or_default();
    let string_to_sign = SCHEME.string_to_sign(date, None, &canonical_request);
    let signature = SCHEME.signature(
        credentials.secret_access_key().expose_secret(),
        &ScopeValues::default(),
        &string_to_sign,
    );
    let authorization =
        SCHEME.authorization(credentials.access_key_id(), None, &signed.names, &signature);
    set_header(headers, "Authorization", &authorization);

    Ok(Signed {
        query_string,
        canonical_request,
        string_to_sign,
        authorization,
    })
}

/// A request of this scheme, for the verifier's tests.
#[cfg(test)]
pub(crate) const TEST_REQUEST: super::TestRequest = super::TestRequest {
    method: "GET",
    path: "/v1/proj0123/rtc/history/usage",
    query: &[("app", "a b+c"), ("start_date", "2023-11-01")],
    body: b"",
    headers: &[("X-Project-Id", "proj0123")],
    service: "rtc",
    region: "cn-north-4",
};

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials::new(
            "QTWAOYTTINDUT2QVKYUC",
            "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
        )
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn input<'a>(path: &'a str, query: &'a [(String, String)], body: &'a [u8]) -> SigningInput<'a> {
        SigningInput {
            method: "GET",
            host: "rtc-api.myhuaweicloud.com",
            path,
            query,
            body,
            region: "cn-north-4",
            service: "rtc",
            timestamp: 1_641_081_600,
            ..SigningInput::default()
        }
    }

    #[test]
    fn canonical_uri_appends_one_slash() {
        assert_eq!(
            canonical_uri("/v1/p/rtc/history/usage").unwrap(),
            "/v1/p/rtc/history/usage/"
        );
        assert_eq!(canonical_uri("/v1/p/usage/").unwrap(), "/v1/p/usage/");
        assert_eq!(canonical_uri("/").unwrap(), "/");
        assert_eq!(canonical_uri("").unwrap_err(), SigningError::EmptyPath);
        // Decoded first, then quoted per segment: %2F becomes a real '/', a space is %20.
        assert_eq!(
            canonical_uri("/a%2Fb/c d/%7E*").unwrap(),
            "/a/b/c%20d/~%2A/"
        );
        assert_eq!(canonical_uri("/x%2F").unwrap(), "/x/");
        assert_eq!(canonical_uri("/上").unwrap(), "/%E4%B8%8A/");
    }

    #[test]
    fn query_sorts_by_key_then_value_as_strings() {
        let q = pairs(&[
            ("metric", "m"),
            ("a", "2"),
            ("a", "10"),
            ("a", "a b+c/d*"),
            ("B", "x"),
        ]);
        assert_eq!(
            canonical_query(&q),
            "B=x&a=10&a=2&a=a%20b%2Bc%2Fd%2A&metric=m"
        );
        assert_eq!(canonical_query(&[]), "");
    }

    #[test]
    fn values_are_stripped_on_the_wire_too() {
        let mut headers = pairs(&[
            ("Content-Type", " application/json "),
            ("User-Agent", "\u{3000}ua\t"),
            ("X_Under", "  kept unsigned\u{1c}"),
        ]);
        let signed = sign(&input("/v1", &[], b""), &mut headers, &creds()).unwrap();
        assert_eq!(headers[0].1, "application/json");
        assert_eq!(headers[1].1, "ua");
        assert_eq!(headers[2].1, "kept unsigned");
        assert!(
            signed
                .canonical_request
                .contains("\ncontent-type:application/json\n")
        );
        assert!(signed.canonical_request.contains("\nuser-agent:ua\n"));
        assert!(!signed.canonical_request.contains("x_under"));
        assert!(signed.authorization.contains(
            "SignedHeaders=content-type;host;user-agent;x-sdk-content-sha256;x-sdk-date,"
        ));
        // " application/json" does not start with "application/json": UNSIGNED-PAYLOAD is set
        // (the raw value is checked, as in the SDK), but the empty body still hashes as empty.
        assert!(
            headers
                .iter()
                .any(|(k, v)| k == "X-Sdk-Content-Sha256" && v == UNSIGNED_PAYLOAD)
        );
        assert!(signed.canonical_request.ends_with(EMPTY_SHA256));
    }

    #[test]
    fn payload_hash_rules() {
        let mut headers = pairs(&[("Content-Type", "application/json")]);
        let mut post = input("/v1", &[], b"{}");
        post.method = "post";
        let signed = sign(&post, &mut headers, &creds()).unwrap();
        assert!(signed.canonical_request.starts_with("POST\n/v1/\n\n"));
        assert!(
            signed
                .canonical_request
                .ends_with(&super::super::sha256_hex(b"{}"))
        );

        let mut headers = pairs(&[("Content-Type", "text/plain")]);
        let signed = sign(&input("/v1", &[], b"hello"), &mut headers, &creds()).unwrap();
        assert!(signed.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
        assert!(
            signed
                .canonical_request
                .contains("\nx-sdk-content-sha256:UNSIGNED-PAYLOAD\n")
        );
    }

    #[test]
    fn given_sdk_date_is_used_and_checked() {
        let mut headers = pairs(&[("x-sdk-date", "20200101T000000Z")]);
        let signed = sign(&input("/v1", &[], b""), &mut headers, &creds()).unwrap();
        assert!(
            signed
                .string_to_sign
                .starts_with("SDK-HMAC-SHA256\n20200101T000000Z\n")
        );
        assert_eq!(
            headers[0],
            ("x-sdk-date".to_owned(), "20200101T000000Z".to_owned())
        );
        let mut headers = pairs(&[("X-Sdk-Date", "2020-01-01")]);
        let before = headers.clone();
        assert!(sign(&input("/v1", &[], b""), &mut headers, &creds()).is_err());
        assert_eq!(headers, before);
    }

    #[test]
    fn project_id_and_token_headers() {
        let creds = creds().with_project_id("pid").with_session_token("tok");
        let mut headers = pairs(&[
            ("Content-Type", "application/json"),
            ("x-project-id", "old"),
        ]);
        sign(&input("/v1", &[], b""), &mut headers, &creds).unwrap();
        let names: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "X-Project-Id",
                "X-Security-Token",
                "X-Sdk-Date",
                "Host",
                "Authorization"
            ]
        );
        assert_eq!(headers[1].1, "pid");
    }

    #[test]
    fn python_whitespace() {
        for c in [
            '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1c}', '\u{1f}', ' ', '\u{85}', '\u{a0}',
            '\u{2000}', '\u{3000}',
        ] {
            assert!(is_python_whitespace(c), "{c:?}");
        }
        for c in [
            '\u{0}', '\u{8}', '\u{e}', '\u{1b}', '!', '\u{180e}', '\u{200b}', '\u{feff}',
        ] {
            assert!(!is_python_whitespace(c), "{c:?}");
        }
    }
}
