//! Volcengine `HMAC-SHA256`, as volc-sdk-python 1.0.229 `SignerV4.sign` signs.
//!
//! Headers added, in order: `Host` (only if the list has none; the SDK's client always sets
//! one), `Content-Type` (the default, only for a non-GET request without an exact `Content-Type`
//! key), `X-Date`, `X-Security-Token` (with a session token), `X-Content-Sha256`,
//! `Authorization`.
//!
//! The query string sent ([`Signed::query_string`]) is the canonical query (sorted by raw key,
//! `%20` for a space), so that the bytes sent are the bytes signed (the SDK sends its pairs in
//! insertion order with `+`).

use super::encode;
use super::{
    DateFormat, HeaderList, SchemeFacts, Scope, ScopeDate, ScopePart, ScopeValues, Signed,
    SignedHeaderSet, SigningError, SigningInput, UtcTime, check_credentials, check_headers,
    check_host, check_method, check_parameter, check_value, find_header, remove_header, set_header,
    sha256_hex, value_problem, verbatim_value_problem,
};
use crate::credentials::{Credentials, SecretString};

/// The header of the signing time.
pub const DATE_HEADER: &str = "X-Date";

/// The header of a session token.
pub const TOKEN_HEADER: &str = "X-Security-Token";

/// The header of the body's hash.
pub const BODY_HASH_HEADER: &str = "X-Content-Sha256";

/// `date/region/service/request`, the date as `YYYYMMDD`.
const SCOPE: Scope = Scope {
    date: ScopeDate::Compact,
    parts: &[ScopePart::Date, ScopePart::Region, ScopePart::Service],
    terminator: "request",
};

/// The scheme's facts, read by the signer below and by [`super::verify`].
pub const SCHEME: SchemeFacts = SchemeFacts {
    algorithm: "HMAC-SHA256",
    credential_field: "Credential",
    date_header: DATE_HEADER,
    date_format: DateFormat::Basic,
    scope: Some(SCOPE),
    secret_prefix: "",
    token_header: TOKEN_HEADER,
    region_header: None,
    action_header: None,
    version_header: None,
    request_client_header: None,
    sign,
};

pub const ALGORITHM: &str = SCHEME.algorithm;

/// The `Content-Type` the SDK sets on a non-GET request that has none.
pub const DEFAULT_CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// Whether a header key is signed. Case-sensitive, as in the SDK: exactly `Content-Type`,
/// `Content-Md5` or `Host`, or starting with `X-` (so `host` and `x-foo` are not signed).
pub fn is_signed_header(name: &str) -> bool {
    matches!(name, "Content-Type" | "Content-Md5" | "Host") || name.starts_with("X-")
}

/// The host value as signed: a port of `80` or `443` is dropped (`split(':')[1]`, as the SDK).
pub fn canonical_host(value: &str) -> &str {
    let mut parts = value.split(':');
    match (parts.next(), parts.next()) {
        (Some(host), Some("80" | "443")) => host,
        _ => value,
    }
}

/// Appends `quote(path)` (only unreserved characters and `/` are kept); `""` becomes `/`.
pub fn push_canonical_uri(out: &mut String, path: &str) {
    if path.is_empty() {
        out.push('/');
    } else {
        encode::push_quoted_path(out, path);
    }
}

/// `quote(path)` (only unreserved characters and `/` are kept); `""` becomes `/`.
pub fn canonical_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    push_canonical_uri(&mut out, path);
    out
}

/// The canonical query: pairs sorted by raw key (code-point order), a repeated key's values
/// in the given order, each as `quote(k)=quote(v)` with only `A–Z a–z 0–9 - _ . ~` kept.
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
    if query.is_sorted_by(|a, b| a.0 <= b.0) {
        for pair in query {
            push_pair(&mut out, pair);
        }
    } else {
        let mut sorted: Vec<&(String, String)> = query.iter().collect();
        // Stable: a repeated key keeps its values' order.
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        for pair in sorted {
            push_pair(&mut out, pair);
        }
    }
    out
}

/// `kSigning = HMAC(HMAC(HMAC(HMAC(SK, date), region), service), "request")`, raw SK.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let values = ScopeValues {
        date,
        region,
        service,
    };
    SCOPE.signing_key(SCHEME.secret_prefix, secret, &values)
}

/// Signs `input` as `SignerV4.sign` does; see [`super::sign`].
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
    check_parameter("region", input.region)?;
    check_parameter("service", input.service)?;
    check_headers(headers, |name, value| {
        if is_signed_header(name) {
            verbatim_value_problem(value)
        } else {
            value_problem(value)
        }
    })?;
    let token = credentials.session_token().map(SecretString::expose_secret);
    if let Some(token) = token {
        check_value(TOKEN_HEADER, token, verbatim_value_problem)?;
    }

    // Headers, in the SDK's order.
    remove_header(headers, "Authorization");
    if find_header(headers, "Host").is_none() {
        set_header(headers, "Host", input.host);
    }
    if input.method != "GET" && !headers.iter().any(|(k, _)| k == "Content-Type") {
        set_header(headers, "Content-Type", DEFAULT_CONTENT_TYPE);
    }
    let x_date = SCHEME.date_value(input.timestamp, &time);
    set_header(headers, DATE_HEADER, &x_date);
    if let Some(token) = token {
        set_header(headers, TOKEN_HEADER, token);
    }
    let body_hash = sha256_hex(input.body);
    set_header(headers, BODY_HASH_HEADER, &body_hash);

    let signed = SignedHeaderSet::select(headers, is_signed_header);

    let query_string = canonical_query(input.query);
    let mut canonical_request = String::with_capacity(
        input.method.len()
            + input.path.len() * 3
            + query_string.len()
            + signed.canonical_len()
            + 72,
    );
    let cr = &mut canonical_request;
    cr.push_str(input.method);
    cr.push('\n');
    push_canonical_uri(cr, input.path);
    cr.push('\n');
    cr.push_str(&query_string);
    cr.push('\n');
    signed.push_canonical(cr, |k, v| {
        if k.eq_ignore_ascii_case("host") {
            canonical_host(v)
        } else {
            v
        }
    });
    cr.push_str(&body_hash);

    let mut date = String::with_capacity(8);
    SCOPE.push_date(&mut date, &time);
    let values = ScopeValues {
        date: &date,
        region: input.region,
        service: input.service,
    };
    let scope = SCOPE.write(&values);
    let string_to_sign = SCHEME.string_to_sign(&x_date, Some(&scope), &canonical_request);
    let signature = SCHEME.signature(
        credentials.secret_access_key().expose_secret(),
        &values,
        &string_to_sign,
    );
    let authorization = SCHEME.authorization(
        credentials.access_key_id(),
        Some(&scope),
        &signed.names,
        &signature,
    );
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
    method: "POST",
    path: "/",
    query: &[("Action", "ListUsages"), ("Version", "2020-12-01")],
    body: br#"{"AppId":"x"}"#,
    headers: &[],
    service: "rtc",
    region: "ap-singapore-1",
};

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials::new("AKLTexampleAccessKeyId", "exampleSecretAccessKey==")
    }

    fn input<'a>(query: &'a [(String, String)], body: &'a [u8]) -> SigningInput<'a> {
        SigningInput {
            method: "POST",
            host: "rtc.volcengineapi.com",
            path: "/",
            query,
            body,
            region: "cn-north-1",
            service: "rtc",
            timestamp: 1_627_315_200,
            ..SigningInput::default()
        }
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn lowercase_host_and_x_keys_are_not_signed() {
        let query = pairs(&[("Action", "ListUsages")]);
        let mut headers = pairs(&[
            ("host", "rtc.volcengineapi.com"),
            ("x-foo", "lower"),
            ("X-Bar", "upper"),
            ("content-type", "application/json"),
            ("Content-Md5", "abc"),
            ("Accept", "application/json"),
        ]);
        let signed = sign(&input(&query, b"{}"), &mut headers, &creds()).unwrap();
        // `content-type` written in lower case is not an exact `Content-Type` key, so the SDK
        // sets its default; here that replaces the lower-case header (renamed) instead of
        // sending two Content-Type headers.
        assert!(
            signed
                .authorization
                .contains("SignedHeaders=content-md5;content-type;x-bar;x-content-sha256;x-date,")
        );
        assert!(!signed.canonical_request.contains("x-foo"));
        assert!(!signed.canonical_request.contains("\nhost:"));
        assert!(
            signed
                .canonical_request
                .contains("content-type:application/x-www-form-urlencoded; charset=utf-8\n")
        );
        // The lower-case host stays, and no second Host is added.
        assert_eq!(
            headers
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case("host"))
                .count(),
            1
        );
        assert!(
            headers
                .iter()
                .any(|(k, v)| k == "Content-Type" && v == DEFAULT_CONTENT_TYPE)
        );
    }

    #[test]
    fn get_sets_no_content_type() {
        let query = pairs(&[("Action", "ListUsages")]);
        let mut headers = pairs(&[("Host", "rtc.volcengineapi.com")]);
        let mut get = input(&query, b"");
        get.method = "GET";
        let signed = sign(&get, &mut headers, &creds()).unwrap();
        assert!(
            signed
                .authorization
                .contains("SignedHeaders=host;x-content-sha256;x-date,")
        );
        assert!(
            !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        );
    }

    #[test]
    fn default_ports_are_dropped_in_the_canonical_host_only() {
        assert_eq!(
            canonical_host("rtc.volcengineapi.com:443"),
            "rtc.volcengineapi.com"
        );
        assert_eq!(
            canonical_host("rtc.volcengineapi.com:80"),
            "rtc.volcengineapi.com"
        );
        assert_eq!(
            canonical_host("rtc.volcengineapi.com:8443"),
            "rtc.volcengineapi.com:8443"
        );
        assert_eq!(
            canonical_host("rtc.volcengineapi.com"),
            "rtc.volcengineapi.com"
        );
        let query = pairs(&[]);
        let mut headers = pairs(&[("Host", "rtc.volcengineapi.com:443")]);
        let signed = sign(&input(&query, b""), &mut headers, &creds()).unwrap();
        assert!(
            signed
                .canonical_request
                .contains("\nhost:rtc.volcengineapi.com\n")
        );
        assert_eq!(headers[0].1, "rtc.volcengineapi.com:443");
    }

    #[test]
    fn uri_and_query_encoding() {
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/a b/~x*y%2F"), "/a%20b/~x%2Ay%252F");
        let q = pairs(&[
            ("b", "x y"),
            ("a", "2"),
            ("a", "1"),
            ("~k", "t~*+/:"),
            ("A", "上"),
        ]);
        assert_eq!(
            canonical_query(&q),
            "A=%E4%B8%8A&a=2&a=1&b=x%20y&~k=t~%2A%2B%2F%3A"
        );
        assert_eq!(canonical_query(&[]), "");
    }

    #[test]
    fn query_string_is_the_canonical_query() {
        let query = pairs(&[
            ("Version", "2020-12-01"),
            ("Action", "ListUsages"),
            ("q", "a b"),
        ]);
        let mut headers = pairs(&[("Host", "rtc.volcengineapi.com")]);
        let signed = sign(&input(&query, b""), &mut headers, &creds()).unwrap();
        assert_eq!(
            signed.query_string,
            "Action=ListUsages&Version=2020-12-01&q=a%20b"
        );
        assert_eq!(
            signed.canonical_request.split('\n').nth(2),
            Some(signed.query_string.as_str())
        );
    }

    #[test]
    fn host_is_added_when_missing() {
        let mut headers = HeaderList::new();
        let signed = sign(&input(&[], b""), &mut headers, &creds()).unwrap();
        assert_eq!(
            headers[0],
            ("Host".to_owned(), "rtc.volcengineapi.com".to_owned())
        );
        assert!(
            signed
                .canonical_request
                .contains("\nhost:rtc.volcengineapi.com\n")
        );
    }

    #[test]
    fn bad_values_are_errors_and_leave_headers_alone() {
        let creds = creds().with_session_token("tok\nen");
        let mut headers = pairs(&[("Host", "rtc.volcengineapi.com")]);
        let before = headers.clone();
        let err = sign(&input(&[], b""), &mut headers, &creds).unwrap_err();
        assert!(
            matches!(err, SigningError::InvalidHeaderValue { ref name, .. } if name == "X-Security-Token")
        );
        assert!(!err.to_string().contains("tok"));
        assert_eq!(headers, before);

        let mut headers = pairs(&[("Host", "rtc.volcengineapi.com"), ("X-Foo", " padded")]);
        assert!(sign(&input(&[], b""), &mut headers, &self::creds()).is_err());
        let mut headers = pairs(&[("Host", "a"), ("HOST", "b")]);
        assert_eq!(
            sign(&input(&[], b""), &mut headers, &self::creds()),
            Err(SigningError::DuplicateHeader("HOST".into()))
        );
    }
}
