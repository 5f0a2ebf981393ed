//! Tencent Cloud `TC3-HMAC-SHA256`, as tencentcloud-sdk-python-common 3.1.195
//! (`_build_req_with_tc3_signature`) signs.
//!
//! Headers set, in order: `Content-Type` (overwritten per method), `Host`, `X-TC-Action`,
//! `X-TC-RequestClient` (if given), `X-TC-Timestamp`, `X-TC-Version`, `X-TC-Region` (if
//! non-empty), `X-TC-Token` (with a session token), `Authorization`. No `X-TC-Language` is
//! sent. The signed headers are always `content-type;host`.
//!
//! The query string sent ([`Signed::query_string`]) is `""` for POST; for GET it is the SDK's
//! insertion-order `quote_plus` string, which is also its canonical query.

use std::borrow::Cow;

use super::encode;
use super::{
    DateFormat, HeaderList, SchemeFacts, Scope, ScopeDate, ScopePart, ScopeValues, Signed,
    SigningError, SigningInput, UtcTime, check_credentials, check_headers, check_host,
    check_method, check_parameter, check_value, push_sha256_hex, remove_header, set_header,
    value_problem,
};
use crate::credentials::{Credentials, SecretString};

/// The header of the signing time (unix seconds).
pub const DATE_HEADER: &str = "X-TC-Timestamp";
/// The header of the operation name.
pub const ACTION_HEADER: &str = "X-TC-Action";
/// The header of the API version.
pub const VERSION_HEADER: &str = "X-TC-Version";
/// The header of the region (sent only when non-empty).
pub const REGION_HEADER: &str = "X-TC-Region";
/// The header of the client's name.
pub const REQUEST_CLIENT_HEADER: &str = "X-TC-RequestClient";
/// The header of a session token.
pub const TOKEN_HEADER: &str = "X-TC-Token";

/// `date/service/tc3_request`, the date as `YYYY-MM-DD` (UTC).
const SCOPE: Scope = Scope {
    date: ScopeDate::Dashed,
    parts: &[ScopePart::Date, ScopePart::Service],
    terminator: "tc3_request",
};

/// The scheme's facts, read by the signer below and by [`super::verify`].
pub const SCHEME: SchemeFacts = SchemeFacts {
    algorithm: "TC3-HMAC-SHA256",
    credential_field: "Credential",
    date_header: DATE_HEADER,
    date_format: DateFormat::UnixSeconds,
    scope: Some(SCOPE),
    secret_prefix: "TC3",
    token_header: TOKEN_HEADER,
    region_header: Some(REGION_HEADER),
    action_header: Some(ACTION_HEADER),
    version_header: Some(VERSION_HEADER),
    request_client_header: Some(REQUEST_CLIENT_HEADER),
    sign,
};

pub const ALGORITHM: &str = SCHEME.algorithm;

/// The signed header names, always.
pub const SIGNED_HEADERS: &str = "content-type;host";

/// The `Content-Type` the SDK sends (and signs) for `method`, whatever the caller set.
pub fn content_type_for(method: &str) -> &'static str {
    match method {
        "POST" => "application/json",
        _ => "application/x-www-form-urlencoded",
    }
}

/// The action with its first letter uppercased (`action[0].upper() + action[1:]`).
pub fn normalize_action(action: &str) -> Cow<'_, str> {
    let mut chars = action.chars();
    match chars.next() {
        Some(first) if first.to_uppercase().ne(std::iter::once(first)) => {
            let mut out = String::with_capacity(action.len() + 2);
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
            Cow::Owned(out)
        }
        _ => Cow::Borrowed(action),
    }
}

/// The GET query as the SDK writes it: `urlencode(params)` in insertion order, with
/// `quote_plus` (a space is `+`, `/` is `%2F`, `*` is `%2A`, `~` is kept). It is both the
/// URL's query and the canonical query.
pub fn canonical_query(query: &[(String, String)]) -> String {
    let mut out = String::with_capacity(
        query
            .iter()
            .map(|(k, v)| k.len() + v.len() + 2)
            .sum::<usize>()
            + 16,
    );
    for (i, (k, v)) in query.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode::push_quoted_plus(&mut out, k);
        out.push('=');
        encode::push_quoted_plus(&mut out, v);
    }
    out
}

/// `kSigning = HMAC(HMAC(HMAC("TC3" + SK, date), service), "tc3_request")`.
pub fn signing_key(secret: &str, date: &str, service: &str) -> [u8; 32] {
    let values = ScopeValues {
        date,
        region: "",
        service,
    };
    SCOPE.signing_key(SCHEME.secret_prefix, secret, &values)
}

/// Signs `input` as the SDK does; see [`super::sign`].
///
/// A GET signs its query and no body (a body is an error); any other method signs its body
/// and no query (a query is an error), as the SDK never sends either.
pub fn sign(
    input: &SigningInput<'_>,
    headers: &mut HeaderList,
    credentials: &Credentials,
) -> Result<Signed, SigningError> {
    check_method(input.method)?;
    check_credentials(credentials)?;
    let time = UtcTime::from_unix(input.timestamp)?;
    check_host(input.host)?;
    check_parameter("service", input.service)?;
    check_parameter("region", input.region)?;
    check_parameter("version", input.version)?;
    if input.action.is_empty() {
        return Err(SigningError::InvalidParameter {
            what: "action",
            reason: "is empty",
        });
    }
    let action = normalize_action(input.action);
    check_parameter("action", &action)?;
    if let Some(client) = input.request_client {
        check_parameter("request client", client)?;
    }
    let token = credentials.session_token().map(SecretString::expose_secret);
    if let Some(token) = token {
        check_value(TOKEN_HEADER, token, value_problem)?;
    }
    // Only Content-Type and Host are signed, and both are set below.
    check_headers(headers, |_, value| value_problem(value))?;
    let is_get = input.method == "GET";
    if is_get && !input.body.is_empty() {
        return Err(SigningError::BodyNotSigned {
            scheme: ALGORITHM,
            method: input.method.to_owned(),
        });
    }
    if !is_get && !input.query.is_empty() {
        return Err(SigningError::QueryNotSigned {
            scheme: ALGORITHM,
            method: input.method.to_owned(),
        });
    }

    let content_type = content_type_for(input.method);
    let timestamp = SCHEME.date_value(input.timestamp, &time);
    remove_header(headers, "Authorization");
    set_header(headers, "Content-Type", content_type);
    set_header(headers, "Host", input.host);
    set_header(headers, ACTION_HEADER, &action);
    if let Some(client) = input.request_client {
        set_header(headers, REQUEST_CLIENT_HEADER, client);
    }
    set_header(headers, DATE_HEADER, &timestamp);
    set_header(headers, VERSION_HEADER, input.version);
    if !input.region.is_empty() {
        set_header(headers, REGION_HEADER, input.region);
    }
    if let Some(token) = token {
        set_header(headers, TOKEN_HEADER, token);
    }

    let (query_string, payload) = if is_get {
        (canonical_query(input.query), &b""[..])
    } else {
        (String::new(), input.body)
    };

    let mut canonical_request = String::with_capacity(
        input.method.len() + query_string.len() + content_type.len() + input.host.len() + 120,
    );
    let cr = &mut canonical_request;
    cr.push_str(input.method);
    cr.push_str("\n/\n");
    cr.push_str(&query_string);
    cr.push_str("\ncontent-type:");
    cr.push_str(content_type);
    cr.push_str("\nhost:");
    cr.push_str(input.host);
    cr.push_str("\n\n");
    cr.push_str(SIGNED_HEADERS);
    cr.push('\n');
    push_sha256_hex(cr, payload);

    let mut date = String::with_capacity(10);
    SCOPE.push_date(&mut date, &time);
    let values = ScopeValues {
        date: &date,
        region: input.region,
        service: input.service,
    };
    let scope = SCOPE.write(&values);
    let string_to_sign = SCHEME.string_to_sign(&timestamp, Some(&scope), &canonical_request);
    let signature = SCHEME.signature(
        credentials.secret_access_key().expose_secret(),
        &values,
        &string_to_sign,
    );
    let authorization = SCHEME.authorization(
        credentials.access_key_id(),
        Some(&scope),
        SIGNED_HEADERS,
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
    query: &[],
    body: br#"{"StartTime":"2023-11-01"}"#,
    headers: &[],
    service: "trtc",
    region: "ap-guangzhou",
};

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials::new(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        )
    }

    fn input<'a>(
        method: &'a str,
        query: &'a [(String, String)],
        body: &'a [u8],
    ) -> SigningInput<'a> {
        SigningInput {
            method,
            host: "trtc.tencentcloudapi.com",
            path: "/",
            query,
            body,
            region: "ap-guangzhou",
            service: "trtc",
            action: "DescribeTrtcUsage",
            version: "2019-07-22",
            timestamp: 1_641_081_600,
            request_client: None,
            nonce: None,
        }
    }

    #[test]
    fn date_is_the_utc_date() {
        // 1641081600 is 2022-01-02T00:00:00Z (08:00 in Beijing, still 2022-01-02), and
        // 1641052800 is 2022-01-01T16:00:00Z, already 2022-01-02 in Beijing.
        let mut headers = HeaderList::new();
        let signed = sign(&input("POST", &[], b"{}"), &mut headers, &creds()).unwrap();
        assert!(
            signed
                .string_to_sign
                .contains("\n2022-01-02/trtc/tc3_request\n")
        );
        let mut late = input("POST", &[], b"{}");
        late.timestamp = 1_641_052_800;
        let signed = sign(&late, &mut HeaderList::new(), &creds()).unwrap();
        assert!(
            signed
                .authorization
                .contains("/2022-01-01/trtc/tc3_request,")
        );
    }

    #[test]
    fn content_type_is_overwritten_per_method() {
        let mut headers = vec![("content-type".to_owned(), "text/plain".to_owned())];
        sign(&input("POST", &[], b"{}"), &mut headers, &creds()).unwrap();
        assert_eq!(
            headers[0],
            ("Content-Type".to_owned(), "application/json".to_owned())
        );
        let q = vec![("Limit".to_owned(), "10".to_owned())];
        let mut headers = HeaderList::new();
        let signed = sign(&input("GET", &q, b""), &mut headers, &creds()).unwrap();
        assert_eq!(headers[0].1, "application/x-www-form-urlencoded");
        assert!(signed.canonical_request.starts_with(
            "GET\n/\nLimit=10\ncontent-type:application/x-www-form-urlencoded\nhost:trtc.tencentcloudapi.com\n\ncontent-type;host\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        ));
    }

    #[test]
    fn get_query_is_insertion_order_quote_plus() {
        let q = vec![
            ("b".to_owned(), "x y/z*~".to_owned()),
            ("a".to_owned(), "上".to_owned()),
        ];
        assert_eq!(canonical_query(&q), "b=x+y%2Fz%2A~&a=%E4%B8%8A");
        let signed = sign(&input("GET", &q, b""), &mut HeaderList::new(), &creds()).unwrap();
        assert_eq!(signed.query_string, "b=x+y%2Fz%2A~&a=%E4%B8%8A");
    }

    #[test]
    fn headers_in_sdk_order_without_language() {
        let mut headers = HeaderList::new();
        let mut req = input("POST", &[], b"{}");
        req.request_client = Some("SDK_PYTHON_3.1.195");
        sign(&req, &mut headers, &creds().with_session_token("tok")).unwrap();
        let names: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "Host",
                "X-TC-Action",
                "X-TC-RequestClient",
                "X-TC-Timestamp",
                "X-TC-Version",
                "X-TC-Region",
                "X-TC-Token",
                "Authorization"
            ]
        );
        let mut no_region = input("POST", &[], b"{}");
        no_region.region = "";
        let mut headers = HeaderList::new();
        sign(&no_region, &mut headers, &creds()).unwrap();
        assert!(
            !headers
                .iter()
                .any(|(k, _)| k == "X-TC-Region" || k == "X-TC-RequestClient")
        );
    }

    #[test]
    fn action_first_letter_is_uppercased() {
        assert_eq!(normalize_action("describeTrtcUsage"), "DescribeTrtcUsage");
        assert_eq!(normalize_action("DescribeTrtcUsage"), "DescribeTrtcUsage");
        assert_eq!(normalize_action("ßx"), "SSx");
        assert_eq!(normalize_action("1abc"), "1abc");
        let mut req = input("POST", &[], b"{}");
        req.action = "";
        assert!(sign(&req, &mut HeaderList::new(), &creds()).is_err());
    }

    #[test]
    fn unsent_parts_are_errors() {
        let q = vec![("a".to_owned(), "b".to_owned())];
        assert!(matches!(
            sign(&input("POST", &q, b"{}"), &mut HeaderList::new(), &creds()),
            Err(SigningError::QueryNotSigned { .. })
        ));
        assert!(matches!(
            sign(&input("GET", &[], b"{}"), &mut HeaderList::new(), &creds()),
            Err(SigningError::BodyNotSigned { .. })
        ));
    }
}
