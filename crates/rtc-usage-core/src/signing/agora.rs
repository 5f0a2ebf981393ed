//! HTTP Basic (RFC 7617) with Agora's Customer ID and Customer Secret, as Agora's Console
//! RESTful API authenticates (`reference/signing-more.md`, Agora; Agora ships no SDK for it,
//! so the vectors are `requests.auth.HTTPBasicAuth`'s, checked against the docs' recipe).
//!
//! Nothing is signed: there is no date, nonce, scope or body hash, and integrity rests on TLS.
//! Every request carries `Authorization: Basic base64("<customer id>:<customer secret>")`
//! (standard base64 with `=` padding over the UTF-8 bytes). The header is a secret as much as
//! the Customer Secret itself: the transport marks it sensitive, and this module never puts
//! it in an error.
//!
//! In [`SchemeFacts`] terms: the algorithm is `Basic`, the `Authorization` parameter is the
//! credential itself (no `key=value` fields: [`SchemeFacts::credential_field`] is `""`), and
//! no time is sent ([`SchemeFacts::date_header`] is `""`), so [`super::verify`] checks the
//! credential and skips the clock.
//!
//! The query string sent ([`Signed::query_string`]) is the caller's pairs in their order, each
//! `quote(k)=quote(v)` with only `A–Z a–z 0–9 - _ . ~` kept; nothing signs it, so any encoding
//! the server decodes would do. The canonical request and string to sign are empty.

use super::{
    DateFormat, HeaderList, SchemeFacts, Signed, SigningError, SigningInput, check_credentials,
    check_headers, check_method, encode, remove_header, set_header, value_problem,
};
use crate::credentials::Credentials;

/// The scheme's facts, read by the signer below and by [`super::verify`].
pub const SCHEME: SchemeFacts = SchemeFacts {
    algorithm: ALGORITHM,
    // `Basic <credential>`: no `key=value` fields.
    credential_field: "",
    // No signing time.
    date_header: "",
    date_format: DateFormat::UnixSeconds,
    scope: None,
    secret_prefix: "",
    // No session token: Agora's credentials have none.
    token_header: "",
    region_header: None,
    action_header: None,
    version_header: None,
    request_client_header: None,
    sign,
};

/// The `Authorization` scheme name, as the docs write it (RFC 7617 reads it
/// case-insensitively).
pub const ALGORITHM: &str = "Basic";

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 (RFC 4648 §4) with `=` padding.
pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(BASE64[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The bytes of standard, padded base64 (the only form [`base64`] writes); `None` for anything
/// else.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.len() % 4 != 0 {
        return None;
    }
    let value = |c: u8| BASE64.iter().position(|&b| b == c).map(|p| p as u32);
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (index, quad) in bytes.chunks(4).enumerate() {
        let last = index + 1 == bytes.len() / 4;
        let padding = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if padding > 2 || (padding > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for &c in &quad[..4 - padding] {
            n = n << 6 | value(c)?;
        }
        n <<= 6 * padding as u32;
        let decoded = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&decoded[..3 - padding]);
    }
    // Canonical only: the bits a padded quad leaves over are zero.
    (base64(&out) == text).then_some(out)
}

/// `Basic base64(id:secret)`: the `Authorization` value of `credentials`.
pub fn authorization(credentials: &Credentials) -> String {
    let id = credentials.access_key_id();
    let secret = credentials.secret_access_key().expose_secret();
    let mut pair = String::with_capacity(id.len() + secret.len() + 1);
    pair.push_str(id);
    pair.push(':');
    pair.push_str(secret);
    let mut out = String::with_capacity(ALGORITHM.len() + 1 + pair.len().div_ceil(3) * 4);
    out.push_str(ALGORITHM);
    out.push(' ');
    out.push_str(&base64(pair.as_bytes()));
    out
}

/// The Customer ID an `Authorization` credential (the base64 after `Basic `) names, if it is
/// `base64(id:secret)`; the secret is not returned.
pub fn credential_id(credential: &str) -> Option<String> {
    let decoded = base64_decode(credential)?;
    let text = String::from_utf8(decoded).ok()?;
    text.split_once(':').map(|(id, _)| id.to_owned())
}

/// The query as sent: the caller's pairs in their order, each part quoted.
pub fn query_string(query: &[(String, String)]) -> String {
    let mut out = String::new();
    for (k, v) in query {
        if !out.is_empty() {
            out.push('&');
        }
        encode::push_quoted(&mut out, k);
        out.push('=');
        encode::push_quoted(&mut out, v);
    }
    out
}

/// Sets `Authorization: Basic ...`; see [`super::sign`]. The request itself is only checked to
/// be sendable (a Customer ID holding `:` cannot be told from its secret, so it is refused).
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
    // The host is not used: the same credential goes to every Agora host.
    check_headers(headers, |_, value| value_problem(value))?;
    if credentials.access_key_id().contains(':') {
        return Err(SigningError::InvalidCredentials(
            "an HTTP Basic user id cannot contain `:`",
        ));
    }
    let authorization = authorization(credentials);
    remove_header(headers, "Authorization");
    set_header(headers, "Authorization", &authorization);
    Ok(Signed {
        query_string: query_string(input.query),
        canonical_request: String::new(),
        string_to_sign: String::new(),
        authorization,
    })
}

#[cfg(test)]
mod tests {
    use super::super::verify::{self, ReceivedRequest, Strict, VerifyContext, VerifyError};
    use super::*;
    use crate::descriptor::AuthScheme;

    const ID: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    const SECRET: &str = "f9e8d7c6b5a4938271605f4e3d2c1b0a";
    /// `reference/signing-vectors/agora-get-usage.json`, `expected.authorization`.
    const VECTOR: &str = "Basic MGExYjJjM2Q0ZTVmNjA3MTgyOTNhNGI1YzZkN2U4Zjk6ZjllOGQ3YzZiNWE0OTM4MjcxNjA1ZjRlM2QyYzFiMGE=";

    fn creds() -> Credentials {
        Credentials::new(ID, SECRET)
    }

    #[test]
    fn base64_matches_rfc_4648() {
        // RFC 4648 §10.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
            assert_eq!(base64_decode(encoded).as_deref(), Some(plain.as_bytes()));
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x3e, 0x3f]), "//4+Pw==");
        for bad in [
            "Zg", "Zg=", "Z===", "Zm9v====", "Zg==Zg==", "Zh==", "Zm9*", "é123",
        ] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_header_is_the_vectors() {
        assert_eq!(authorization(&creds()), VECTOR);
        let mut headers: HeaderList = vec![
            ("Content-Type".into(), "application/json".into()),
            ("authorization".into(), "old".into()),
        ];
        let query = vec![("b".to_owned(), "x y".to_owned()), ("a".into(), "1".into())];
        let input = SigningInput {
            method: "GET",
            host: "api.agora.io",
            path: "/dev/v1/projects",
            query: &query,
            ..SigningInput::default()
        };
        let signed = sign(&input, &mut headers, &creds()).unwrap();
        assert_eq!(signed.authorization, VECTOR);
        assert_eq!(signed.query_string, "b=x%20y&a=1");
        assert!(signed.canonical_request.is_empty() && signed.string_to_sign.is_empty());
        assert_eq!(
            headers,
            [
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("Authorization".to_owned(), VECTOR.to_owned()),
            ]
        );
        assert_eq!(
            credential_id(&VECTOR["Basic ".len()..]).as_deref(),
            Some(ID)
        );
        // Debug never shows the credential, which is the secret base64-encoded.
        assert!(!format!("{signed:?}").contains(&VECTOR["Basic ".len()..]));
    }

    #[test]
    fn unsendable_requests_are_errors_and_leave_the_headers() {
        let input = SigningInput {
            method: "GET",
            host: "api.agora.io",
            path: "/",
            ..SigningInput::default()
        };
        let mut headers: HeaderList = vec![("X-Bad".into(), "a\nb".into())];
        let before = headers.clone();
        assert!(sign(&input, &mut headers, &creds()).is_err());
        assert_eq!(headers, before);
        let colon = Credentials::new("a:b", "s");
        assert!(matches!(
            sign(&input, &mut Vec::new(), &colon),
            Err(SigningError::InvalidCredentials(_))
        ));
        let empty_path = SigningInput { path: "", ..input };
        assert_eq!(
            sign(&empty_path, &mut Vec::new(), &creds()),
            Err(SigningError::EmptyPath)
        );
    }

    fn received(headers: &[(String, String)]) -> ReceivedRequest<'_> {
        ReceivedRequest {
            method: "GET",
            path: "/dev/v3/usage",
            query: "project_id=p&from_date=2026-11-01",
            headers,
            body: b"",
        }
    }

    fn check(headers: &[(String, String)]) -> Result<verify::Verified, VerifyError> {
        // Any clock: Basic carries no time.
        verify::verify(
            AuthScheme::HttpBasic,
            &received(headers),
            &creds(),
            &VerifyContext::new("console", 1_700_000_000),
        )
    }

    fn with_auth(value: &str) -> Vec<(String, String)> {
        vec![
            ("host".into(), "127.0.0.1:1".into()),
            ("content-type".into(), "application/json".into()),
            ("authorization".into(), value.into()),
        ]
    }

    #[test]
    fn the_verifier_accepts_the_credentials_and_names_what_is_wrong() {
        let verified = check(&with_auth(VECTOR)).unwrap();
        assert_eq!(verified.access_key_id, ID);
        assert_eq!(verified.timestamp, 1_700_000_000);
        assert_eq!(verified.region, None);
        // RFC 7617: the scheme name is case-insensitive.
        let lower = VECTOR.replacen("Basic", "basic", 1);
        assert!(check(&with_auth(&lower)).is_ok());

        let other = authorization(&Credentials::new("someone-else", SECRET));
        assert_eq!(
            check(&with_auth(&other)),
            Err(VerifyError::UnknownAccessKey("someone-else".into()))
        );
        let wrong = authorization(&Credentials::new(ID, "not-the-secret"));
        let err = check(&with_auth(&wrong)).unwrap_err();
        assert!(
            matches!(err, VerifyError::SignatureMismatch { .. }),
            "{err}"
        );
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains("not-the-secret") && !text.contains(SECRET));
        }
        assert!(matches!(
            check(&with_auth("Bearer abc")),
            Err(VerifyError::WrongAlgorithm { .. })
        ));
        for bad in ["Basic", "Basic ", "Basic !!!!", "Basic Zm9v", "Basic a b"] {
            assert!(
                matches!(
                    check(&with_auth(bad)),
                    Err(VerifyError::MalformedAuthorization(_))
                ),
                "{bad}"
            );
        }
        let none = vec![("host".to_owned(), "h".to_owned())];
        assert_eq!(check(&none), Err(VerifyError::MissingAuthorization));
    }

    #[test]
    fn strict_recompute_reports_the_query_and_unsigned_headers() {
        let headers = with_auth(VECTOR);
        let context = VerifyContext::new("console", 0);
        let allowed = ["authorization", "host", "content-type"];
        let strict = Strict {
            exact_query: true,
            unsigned_allowed: Some(&allowed),
        };
        let recomputed = verify::recompute(
            AuthScheme::HttpBasic,
            &received(&headers),
            &creds(),
            &context,
            &strict,
        )
        .unwrap();
        assert_eq!(recomputed.signed.authorization, VECTOR);
        assert_eq!(
            recomputed.signed.query_string,
            "project_id=p&from_date=2026-11-01"
        );
        assert_eq!(
            recomputed.headers,
            [("Authorization".to_owned(), VECTOR.to_owned())]
        );
        assert!(!format!("{recomputed:?}").contains(SECRET));
        let strict = Strict {
            exact_query: true,
            unsigned_allowed: Some(&["authorization"]),
        };
        assert_eq!(
            verify::recompute(
                AuthScheme::HttpBasic,
                &received(&headers),
                &creds(),
                &context,
                &strict
            ),
            Err(VerifyError::UnsignedHeader("host".into()))
        );
    }
}
