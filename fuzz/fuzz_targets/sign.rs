//! Every signer with any method, host, path, query, headers, body, parameters, timestamp and
//! credentials: it signs or refuses, never panics; it is deterministic; a refusal leaves the
//! headers as they were; a signed request is sendable and signs again to itself.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use rtc_usage_core::AuthScheme;
use rtc_usage_core::credentials::Credentials;
use rtc_usage_core::signing::{self, HeaderList, SigningInput};

#[derive(Arbitrary, Debug)]
struct Input {
    method: String,
    host: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    region: String,
    service: String,
    action: String,
    version: String,
    timestamp: i64,
    request_client: Option<String>,
    nonce: Option<String>,
    access_key: String,
    secret: String,
    token: Option<String>,
    project: Option<String>,
}

const SCHEMES: [AuthScheme; 5] = [
    AuthScheme::VolcengineHmacSha256,
    AuthScheme::Tc3HmacSha256,
    AuthScheme::HuaweiSdkHmacSha256,
    AuthScheme::Acs3HmacSha256,
    AuthScheme::HttpBasic,
];

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fuzz_target!(|input: Input| {
    let signing_input = SigningInput {
        method: &input.method,
        host: &input.host,
        path: &input.path,
        query: &input.query,
        body: &input.body,
        region: &input.region,
        service: &input.service,
        action: &input.action,
        version: &input.version,
        timestamp: input.timestamp,
        request_client: input.request_client.as_deref(),
        nonce: input.nonce.as_deref(),
    };
    let mut credentials = Credentials::new(&input.access_key, &input.secret);
    if let Some(token) = &input.token {
        credentials = credentials.with_session_token(token);
    }
    if let Some(project) = &input.project {
        credentials = credentials.with_project_id(project);
    }
    for scheme in SCHEMES {
        let mut headers: HeaderList = input.headers.clone();
        let mut again: HeaderList = input.headers.clone();
        let first = signing::sign(scheme, &signing_input, &mut headers, &credentials);
        let second = signing::sign(scheme, &signing_input, &mut again, &credentials);
        assert_eq!(first, second, "{scheme:?}: deterministic");
        assert_eq!(headers, again);
        let Ok(signed) = first else {
            assert_eq!(headers, input.headers, "{scheme:?}: unchanged on error");
            continue;
        };
        for (i, (name, value)) in headers.iter().enumerate() {
            assert!(is_token(name), "{scheme:?}: name {name:?}");
            assert!(
                !value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f),
                "{scheme:?}: {name}: {value:?}"
            );
            assert!(
                !headers[..i]
                    .iter()
                    .any(|(k, _)| k.eq_ignore_ascii_case(name)),
                "{scheme:?}: {name} twice"
            );
        }
        assert!(
            signed
                .query_string
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b'#'),
            "{scheme:?}: {:?}",
            signed.query_string
        );
        assert!(
            headers
                .iter()
                .any(|(k, v)| k == "Authorization" && *v == signed.authorization)
        );
        let mut resigned = headers.clone();
        let resign = signing::sign(scheme, &signing_input, &mut resigned, &credentials);
        assert_eq!(resign.as_ref(), Ok(&signed), "{scheme:?}: re-signing");
        assert_eq!(resigned, headers);
    }
});
