//! Checks on requests a mock vendor (wiremock on 127.0.0.1) received: what the wire tests of
//! every generated crate share. Enabled by the `test-util` feature.

use std::time::Duration;

use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::credentials::Credentials;
use crate::descriptor::AuthScheme;
use crate::error::{Error, ErrorKind};
use crate::signing::HeaderList;
use crate::signing::verify::{self, ReceivedRequest, Strict, VerifyContext};

/// A mock server on 127.0.0.1 answering every request with `status` and the JSON `body`, plus
/// `headers`.
pub async fn answering(status: u16, body: &str, headers: &[(&str, &str)]) -> MockServer {
    let server = MockServer::start().await;
    let mut response =
        ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json");
    for (name, value) in headers {
        response = response.insert_header(*name, *value);
    }
    Mock::given(wiremock::matchers::any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// Every request the server received.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// The one request the server received.
pub async fn single_request(server: &MockServer) -> Request {
    let mut requests = received(server).await;
    assert_eq!(requests.len(), 1, "exactly one request reaches the server");
    requests.pop().expect("one request")
}

/// The one value of header `name` as received (it must arrive exactly once).
pub fn header<'r>(request: &'r Request, name: &str) -> &'r str {
    let values: Vec<_> = request.headers.get_all(name).iter().collect();
    assert_eq!(values.len(), 1, "header `{name}` arrives exactly once");
    values[0].to_str().expect("an ASCII header value")
}

/// The `key=` part of an `Authorization` value (`Credential`, `Access`, `SignedHeaders`...).
pub fn auth_part<'a>(authorization: &'a str, key: &str) -> &'a str {
    let (_, params) = authorization.split_once(' ').expect("`ALGORITHM params`");
    // `, ` between the parts, or `,` alone (ACS3).
    params
        .split(',')
        .map(str::trim_start)
        .find_map(|p| p.strip_prefix(key).and_then(|p| p.strip_prefix('=')))
        .unwrap_or_else(|| panic!("no `{key}=` in {authorization:?}"))
}

/// A header name as the official SDKs spell it (`x-content-sha256` → `X-Content-Sha256`); the
/// verifier's own, re-exported for wire tests.
pub use crate::signing::verify::sdk_spelling;

/// What the signature must have been made with, besides the received request itself: the
/// scheme, the credentials, the signing time, and the parameters the scheme signs (a scheme
/// that does not send the action, version or request client expects `""` and `None` there).
#[derive(Debug, Clone, Copy)]
pub struct SigningContext<'a> {
    pub scheme: AuthScheme,
    pub credentials: &'a Credentials,
    pub region: &'a str,
    pub service: &'a str,
    pub action: &'a str,
    pub version: &'a str,
    pub timestamp: i64,
    pub request_client: Option<&'a str>,
}

/// Recomputes the signature from what the server received, with [`verify::recompute`] (the
/// one verifier, which the emulator uses too) in its strict form, and asserts: it is the very
/// `Authorization` that arrived, signed at `context.timestamp` for `context.service` (and
/// `context.region`, where the scheme signs a region); the query sent is the query signed;
/// every header the signer sets is the value that arrived; and no header arrived unsigned
/// except those in `unsigned_allowed`.
pub fn assert_signature_recomputes(
    request: &Request,
    context: SigningContext<'_>,
    unsigned_allowed: &[&str],
) {
    let headers: HeaderList = request
        .headers
        .iter()
        .map(|(name, value)| {
            let value = value.to_str().expect("an ASCII header value");
            (name.as_str().to_owned(), value.to_owned())
        })
        .collect();
    let received = ReceivedRequest {
        method: request.method.as_str(),
        path: request.url.path(),
        query: request.url.query().unwrap_or_default(),
        headers: &headers,
        body: &request.body,
    };
    // Signed at exactly the test's time.
    let verify_context = VerifyContext {
        service: context.service,
        now: context.timestamp,
        max_skew: Duration::ZERO,
    };
    let strict = Strict {
        exact_query: true,
        unsigned_allowed: Some(unsigned_allowed),
    };
    let recomputed = verify::recompute(
        context.scheme,
        &received,
        context.credentials,
        &verify_context,
        &strict,
    )
    .unwrap_or_else(|e| panic!("the received request does not verify: {e}"));
    assert_eq!(
        recomputed.signed.authorization,
        header(request, "authorization"),
        "recomputed Authorization"
    );
    assert_eq!(
        recomputed.signed.query_string,
        request.url.query().unwrap_or_default(),
        "the query sent is the query signed"
    );
    for (name, value) in &recomputed.headers {
        assert_eq!(header(request, name), value, "header `{name}`");
    }
    assert_eq!(
        recomputed.verified.timestamp, context.timestamp,
        "signing time"
    );
    assert_eq!(recomputed.service, context.service, "signing service");
    if let Some(region) = &recomputed.verified.region {
        assert_eq!(region, context.region, "signing region");
    }
    assert_eq!(recomputed.action, context.action, "signed action");
    assert_eq!(recomputed.version, context.version, "signed version");
    assert_eq!(
        recomputed.request_client.as_deref(),
        context.request_client,
        "signed request client"
    );
}

/// A call refused locally: `InvalidInput`, no attempt, and a message containing `needles`.
pub fn assert_refused(err: &Error, needles: &[&str]) {
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert_eq!(err.attempts(), 0, "{err}");
    assert_eq!(err.http_status(), None, "{err}");
    for needle in needles {
        assert!(
            err.message().contains(needle),
            "{needle:?} not in {:?}",
            err.message()
        );
    }
}
