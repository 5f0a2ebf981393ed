//! Properties of the three signers' canonicalization, for any input proptest makes:
//!
//! - any method, host, path, query, headers, body and credentials sign or fail with a
//!   `SigningError`, never a panic; the outcome is deterministic; a failure leaves the headers
//!   as they were; a success is sendable and re-signs to itself;
//! - the canonical queries decode back to their pairs (so the encoding is injective and
//!   deterministic) and canonicalizing a canonical query again changes nothing;
//! - the schemes that sort the query (Volcengine, Huawei) sign the same pairs in any order
//!   alike; Tencent keeps the caller's order;
//! - the signature changes when any signed part changes: body, query key or value, path, host,
//!   a signed header, the timestamp, the secret, and the token or region where the scheme
//!   signs them.
//!
//! Case counts are modest so that `cargo test` stays fast.

use proptest::prelude::*;
use proptest::sample::Index;
use rtc_usage_core::AuthScheme;
use rtc_usage_core::credentials::Credentials;
use rtc_usage_core::signing::{
    self, HeaderList, Signed, SigningError, SigningInput, huawei, tencent, volcengine,
};

const SCHEMES: [AuthScheme; 3] = [
    AuthScheme::VolcengineHmacSha256,
    AuthScheme::Tc3HmacSha256,
    AuthScheme::HuaweiSdkHmacSha256,
];

/// 2022-01-02T00:00:00Z.
const T0: i64 = 1_641_081_600;

// ---- strategies -----------------------------------------------------------------------------

/// A piece of text that matters to the encoders: unreserved characters, valid and broken
/// escapes, separators and quotes, control characters, non-ASCII (whitespace, a
/// zero-width space, the replacement character, the largest code point).
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9._~-]{1,3}",
        "%[0-9A-Fa-f]{2}",
        "%[0-9A-Za-z]{0,2}",
        r#"[ /+*:=&?#;,"'\\]"#,
        r"[\t\n\r\x00\x1c\x7f]",
        r"[\x{85}\x{a0}\x{2028}\x{3000}\x{200b}é上海\x{FFFD}\x{10FFFF}]",
    ]
}

/// Any text: arbitrary chars, printable ASCII, or pieces joined.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter),
        "[ -~]{0,16}",
        proptest::collection::vec(piece(), 0..8).prop_map(|pieces| pieces.concat()),
    ]
}

/// Text that every scheme can sign as a value: `[a-z0-9]`.
fn plain() -> impl Strategy<Value = String> {
    "[a-z0-9]{1,12}"
}

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(
            &[
                "Host",
                "host",
                "Content-Type",
                "content-type",
                "X-Date",
                "x-date",
                "X-Sdk-Date",
                "X-Sdk-Content-Sha256",
                "X-Security-Token",
                "X-TC-Action",
                "X-Custom",
                "x-custom",
                "X_Under",
                "Authorization",
                "User-Agent",
            ][..]
        )
        .prop_map(str::to_owned),
        "[A-Za-z0-9-]{1,12}",
        text(),
    ]
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(&["GET", "POST"][..]).prop_map(str::to_owned),
        1 => "[A-Za-z]{0,7}",
        1 => text(),
    ]
}

fn timestamp() -> impl Strategy<Value = i64> {
    prop_oneof![
        8 => T0..T0 + (1 << 30),
        1 => any::<i64>(),
        1 => proptest::sample::select(&[0, -1, signing::MAX_TIMESTAMP, signing::MAX_TIMESTAMP + 1][..]),
    ]
}

/// An arbitrary request and credentials, owned.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    host: String,
    path: String,
    query: Vec<(String, String)>,
    headers: HeaderList,
    body: Vec<u8>,
    region: String,
    action: String,
    timestamp: i64,
    request_client: Option<String>,
    access_key: String,
    secret: String,
    token: Option<String>,
    project: Option<String>,
}

impl Request {
    fn input(&self) -> SigningInput<'_> {
        SigningInput {
            method: &self.method,
            host: &self.host,
            path: &self.path,
            query: &self.query,
            body: &self.body,
            region: &self.region,
            service: "rtc",
            action: &self.action,
            version: "2020-12-01",
            timestamp: self.timestamp,
            request_client: self.request_client.as_deref(),
            nonce: Some("00112233445566778899aabbccddeeff"),
        }
    }

    fn credentials(&self) -> Credentials {
        let mut credentials = Credentials::new(&self.access_key, &self.secret);
        if let Some(token) = &self.token {
            credentials = credentials.with_session_token(token);
        }
        if let Some(project) = &self.project {
            credentials = credentials.with_project_id(project);
        }
        credentials
    }

    /// Signs with `scheme`: the outcome and the headers after it.
    fn sign(&self, scheme: AuthScheme) -> (Result<Signed, SigningError>, HeaderList) {
        let mut headers = self.headers.clone();
        let signed = signing::sign(scheme, &self.input(), &mut headers, &self.credentials());
        (signed, headers)
    }

    fn authorization(&self, scheme: AuthScheme) -> String {
        match self.sign(scheme).0 {
            Ok(signed) => signed.authorization,
            Err(e) => panic!("{scheme:?} refuses a plain request: {e}\n{self:#?}"),
        }
    }
}

/// Mostly plausible requests with arbitrary parts, so that both outcomes are common.
fn any_request() -> impl Strategy<Value = Request> {
    let parts = (
        method(),
        prop_oneof![3 => Just("example.com:443".to_owned()), 1 => text()],
        prop_oneof![1 => Just("/".to_owned()), 2 => text()],
        // Empty half of the time: Tencent signs a query only on GET and a body only otherwise.
        prop_oneof![
            Just(Vec::new()),
            proptest::collection::vec((text(), text()), 1..5)
        ],
        proptest::collection::vec((header_name(), prop_oneof![plain(), text()]), 0..5),
        prop_oneof![
            Just(Vec::new()),
            proptest::collection::vec(any::<u8>(), 1..48)
        ],
    );
    let context = (
        prop_oneof![3 => Just("cn-north-1".to_owned()), 1 => text()],
        prop_oneof![3 => Just("listUsages".to_owned()), 1 => text()],
        timestamp(),
        prop_oneof![
            3 => Just(None),
            1 => proptest::option::of(text())
        ],
        prop_oneof![5 => Just("AKID".to_owned()), 1 => text()],
        text(),
        proptest::option::of(prop_oneof![plain(), text()]),
        proptest::option::of(prop_oneof![plain(), text()]),
    );
    (parts, context).prop_map(
        |(
            (method, host, path, query, headers, body),
            (region, action, timestamp, request_client, access_key, secret, token, project),
        )| Request {
            method,
            host,
            path,
            query,
            headers,
            body,
            region,
            action,
            timestamp,
            request_client,
            access_key,
            secret: secret + "k",
            token,
            project,
        },
    )
}

/// A request every scheme signs: plain values, a path, a query and a body as `scheme` allows
/// them (Tencent signs a query only on GET and a body only otherwise).
fn plain_request(scheme: AuthScheme) -> impl Strategy<Value = Request> {
    let get = scheme == AuthScheme::Tc3HmacSha256;
    (
        proptest::collection::vec(plain(), 1..4),
        proptest::collection::btree_map(plain(), plain(), 1..5),
        plain(),
        proptest::collection::vec(any::<u8>(), 1..48),
        plain(),
        plain(),
        plain(),
    )
        .prop_map(
            move |(segments, query, custom, body, secret, token, host)| Request {
                method: if get { "GET" } else { "POST" }.to_owned(),
                host: format!("{host}.example.com"),
                path: format!("/{}", segments.join("/")),
                query: query.into_iter().collect(),
                headers: vec![
                    ("Content-Type".to_owned(), "application/json".to_owned()),
                    ("X-Custom".to_owned(), custom),
                ],
                body: if get { Vec::new() } else { body },
                region: "cn-north-1".to_owned(),
                action: "ListUsages".to_owned(),
                timestamp: T0,
                request_client: None,
                access_key: "AKID".to_owned(),
                secret,
                token: Some(token),
                project: Some("project".to_owned()),
            },
        )
}

// ---- helpers --------------------------------------------------------------------------------

/// An HTTP token (what a header name must be).
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Percent-decodes a canonical query component (`+` is a space where `plus` says so).
fn decode(component: &str, plus: bool) -> String {
    let bytes = component.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII");
                out.push(u8::from_str_radix(hex, 16).expect("two hex digits"));
                i += 3;
            }
            b'+' if plus => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("the encoding of UTF-8 decodes to UTF-8")
}

/// The pairs of a canonical query.
fn decode_query(query: &str, plus: bool) -> Vec<(String, String)> {
    if query.is_empty() {
        return Vec::new();
    }
    query
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').expect("every pair has `=`");
            (decode(k, plus), decode(v, plus))
        })
        .collect()
}

/// `s` with the char at `at` replaced by another `[a-z0-9]` char.
fn mutate(s: &str, at: &Index) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    let i = at.index(chars.len());
    chars[i] = if chars[i] == 'a' { 'b' } else { 'a' };
    chars.into_iter().collect()
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

// ---- properties -----------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn any_request_signs_or_errors_without_panicking(request in any_request()) {
        // HTTP Basic too: it signs no part, so only here, not in the coverage properties.
        for scheme in SCHEMES.into_iter().chain([AuthScheme::HttpBasic]) {
            let (first, headers) = request.sign(scheme);
            let (second, again) = request.sign(scheme);
            prop_assert_eq!(&first, &second, "{:?} is deterministic", scheme);
            prop_assert_eq!(&headers, &again);
            match first {
                Err(_) => prop_assert_eq!(&headers, &request.headers, "{:?}: headers kept on error", scheme),
                Ok(signed) => {
                    for (i, (name, value)) in headers.iter().enumerate() {
                        prop_assert!(is_token(name), "{:?}: header name {:?}", scheme, name);
                        prop_assert!(
                            !value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f),
                            "{:?}: header {} = {:?}", scheme, name, value
                        );
                        prop_assert!(
                            !headers[..i].iter().any(|(k, _)| k.eq_ignore_ascii_case(name)),
                            "{:?}: {} twice", scheme, name
                        );
                    }
                    prop_assert!(
                        signed.query_string.bytes().all(|b| b.is_ascii_graphic() && b != b'#'),
                        "{:?}: query {:?}", scheme, signed.query_string
                    );
                    prop_assert!(headers.iter().any(|(k, v)| k == "Authorization" && *v == signed.authorization));
                    // The signed request, signed again, is the same request.
                    let mut resigned = headers.clone();
                    let resign = signing::sign(scheme, &request.input(), &mut resigned, &request.credentials());
                    prop_assert_eq!(resign.as_ref(), Ok(&signed), "{:?}: re-signing", scheme);
                    prop_assert_eq!(&resigned, &headers);
                }
            }
        }
    }

    #[test]
    fn canonical_queries_decode_back_to_their_pairs(
        query in proptest::collection::vec((text(), text()), 0..6),
    ) {
        // Volcengine: sorted by key, stable; quote with `%20`.
        let mut by_key = query.clone();
        by_key.sort_by(|a, b| a.0.cmp(&b.0));
        // Huawei: sorted by key, then value; quote with `%20`.
        let mut by_pair = query.clone();
        by_pair.sort();
        let cases = [
            ("volcengine", volcengine::canonical_query(&query), by_key, false, volcengine::canonical_query as fn(&[(String, String)]) -> String),
            ("huawei", huawei::canonical_query(&query), by_pair, false, huawei::canonical_query),
            // Tencent: the caller's order; quote_plus.
            ("tencent", tencent::canonical_query(&query), query.clone(), true, tencent::canonical_query),
        ];
        for (scheme, canonical, expected, plus, canonicalize) in cases {
            prop_assert!(
                canonical.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%&=+".contains(&b)),
                "{}: {:?}", scheme, canonical
            );
            if !plus {
                prop_assert!(!canonical.contains('+'), "{}: a space is %20: {:?}", scheme, canonical);
            }
            let decoded = decode_query(&canonical, plus);
            prop_assert_eq!(&decoded, &expected, "{} round trip", scheme);
            // Canonical once is canonical for good.
            prop_assert_eq!(canonicalize(&decoded), canonical.clone(), "{} idempotent", scheme);
            prop_assert_eq!(canonicalize(&query), canonical, "{} deterministic", scheme);
        }
    }

    #[test]
    fn sorting_schemes_sign_the_pairs_in_any_order_alike(
        (pairs, shuffled) in proptest::collection::btree_map(text(), text(), 0..6)
            .prop_flat_map(|map| {
                let pairs: Vec<(String, String)> = map.into_iter().collect();
                (Just(pairs.clone()), Just(pairs).prop_shuffle())
            }),
        (repeated, repeated_shuffled) in proptest::collection::vec(
            (proptest::sample::select(&["a", "b", "A", "a b", "上"][..]).prop_map(str::to_owned), text()),
            0..6,
        )
        .prop_flat_map(|pairs| (Just(pairs.clone()), Just(pairs).prop_shuffle())),
    ) {
        // Distinct keys: both sorting schemes ignore the order.
        for scheme in [AuthScheme::VolcengineHmacSha256, AuthScheme::HuaweiSdkHmacSha256] {
            let sign = |query: &Vec<(String, String)>| {
                let mut request = plain_base();
                request.query = query.clone();
                request.sign(scheme).0
            };
            prop_assert_eq!(sign(&pairs), sign(&shuffled), "{:?}", scheme);
        }
        prop_assert_eq!(
            volcengine::canonical_query(&pairs),
            volcengine::canonical_query(&shuffled)
        );
        // Repeated keys: Huawei sorts by value too, so any order is alike.
        prop_assert_eq!(
            huawei::canonical_query(&repeated),
            huawei::canonical_query(&repeated_shuffled)
        );
        // Volcengine keeps a repeated key's values in the caller's order (a stable sort).
        let values_of = |query: &[(String, String)], key: &str| -> Vec<String> {
            query.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect()
        };
        let sorted = decode_query(&volcengine::canonical_query(&repeated), false);
        for key in ["a", "b", "A", "a b", "上"] {
            prop_assert_eq!(values_of(&sorted, key), values_of(&repeated, key));
        }
        // Tencent sends and signs the caller's order.
        prop_assert_eq!(decode_query(&tencent::canonical_query(&shuffled), true), shuffled);
    }
}

/// A fixed request every scheme signs.
fn plain_base() -> Request {
    Request {
        method: "GET".into(),
        host: "example.com".into(),
        path: "/".into(),
        query: Vec::new(),
        headers: Vec::new(),
        body: Vec::new(),
        region: "cn-north-1".into(),
        action: "ListUsages".into(),
        timestamp: T0,
        request_client: None,
        access_key: "AKID".into(),
        secret: "secret".into(),
        token: None,
        project: None,
    }
}

/// Checks that changing a part of a plain request changes `scheme`'s signature.
fn assert_covers(
    scheme: AuthScheme,
    request: &Request,
    what: &str,
    change: impl Fn(&mut Request),
) -> Result<(), TestCaseError> {
    let mut changed = request.clone();
    change(&mut changed);
    prop_assert_ne!(
        request.authorization(scheme),
        changed.authorization(scheme),
        "{:?}: changing the {} leaves the signature as it was",
        scheme,
        what
    );
    Ok(())
}

/// One `[a-z0-9]` char of every signed part changed in turn.
fn covers_every_signed_part(
    scheme: AuthScheme,
    request: &Request,
    at: &Index,
) -> Result<(), TestCaseError> {
    let volcengine = scheme == AuthScheme::VolcengineHmacSha256;
    let tencent = scheme == AuthScheme::Tc3HmacSha256;
    let pair = at.index(request.query.len());
    assert_covers(scheme, request, "query key", |r| {
        r.query[pair].0 = mutate(&r.query[pair].0, at);
        // A key may now sort elsewhere; what changes is the set of pairs.
        r.query.sort();
    })?;
    assert_covers(scheme, request, "query value", |r| {
        r.query[pair].1 = mutate(&r.query[pair].1, at);
    })?;
    assert_covers(scheme, request, "host", |r| r.host = mutate(&r.host, at))?;
    assert_covers(scheme, request, "timestamp", |r| r.timestamp += 1)?;
    assert_covers(scheme, request, "secret key", |r| {
        r.secret = mutate(&r.secret, at)
    })?;
    if !tencent {
        // Tencent signs no body on GET, and `/` for every path (as its SDK).
        assert_covers(scheme, request, "body", |r| {
            let i = at.index(r.body.len());
            r.body[i] ^= 0x01;
        })?;
        assert_covers(scheme, request, "path", |r| r.path = mutate(&r.path, at))?;
        // Tencent signs only content-type and host; the others sign X-* headers.
        assert_covers(scheme, request, "signed header", |r| {
            r.headers[1].1 = mutate(&r.headers[1].1, at)
        })?;
        assert_covers(scheme, request, "session token", |r| {
            r.token = r.token.as_deref().map(|t| mutate(t, at))
        })?;
    }
    if volcengine {
        // Only Volcengine's scope holds the region.
        assert_covers(scheme, request, "region", |r| {
            r.region = mutate(&r.region, at)
        })?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(192))]

    #[test]
    fn the_signature_covers_every_signed_part(
        (scheme, request) in proptest::sample::select(&SCHEMES[..])
            .prop_flat_map(|scheme| (Just(scheme), plain_request(scheme))),
        at in any::<Index>(),
    ) {
        covers_every_signed_part(scheme, &request, &at)?;
        if scheme == AuthScheme::Tc3HmacSha256 {
            // On POST, the body is what Tencent signs.
            let mut post = request.clone();
            post.method = "POST".into();
            post.query.clear();
            post.body = b"{\"SdkAppId\":1400000001}".to_vec();
            assert_covers(scheme, &post, "body", |r| {
                let i = at.index(r.body.len());
                r.body[i] ^= 0x01;
            })?;
            // The negative control: Tencent signs `/` whatever the path (as its SDK does), so
            // a changed path leaves the signature as it was.
            let mut other_path = request.clone();
            other_path.path = mutate(&request.path, &at);
            prop_assert_eq!(
                request.authorization(scheme),
                other_path.authorization(scheme)
            );
        }
    }
}

/// The request strategy reaches both outcomes often, for every scheme (so the first property
/// checks successes and failures alike).
#[test]
fn arbitrary_requests_both_sign_and_fail() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let strategy = any_request();
    let mut counts = [(0u32, 0u32); 3];
    for _ in 0..600 {
        let request = strategy.new_tree(&mut runner).expect("a request").current();
        for (scheme, (ok, err)) in SCHEMES.into_iter().zip(&mut counts) {
            match request.sign(scheme).0 {
                Ok(_) => *ok += 1,
                Err(_) => *err += 1,
            }
        }
    }
    for (scheme, (ok, err)) in SCHEMES.into_iter().zip(counts) {
        assert!(
            ok >= 40 && err >= 40,
            "{scheme:?}: {ok} signed, {err} refused"
        );
    }
}
