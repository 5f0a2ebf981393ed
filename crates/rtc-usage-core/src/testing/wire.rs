//! Checks on requests a mock vendor (wiremock on 127.0.0.1) received: what the wire tests of
//! every generated crate share. Enabled by the `test-util` feature.

use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::credentials::Credentials;
use crate::descriptor::AuthScheme;
use crate::error::{Error, ErrorKind};
use crate::signing::{self, HeaderList, SigningInput};

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
    params
        .split(", ")
        .find_map(|p| p.strip_prefix(key).and_then(|p| p.strip_prefix('=')))
        .unwrap_or_else(|| panic!("no `{key}=` in {authorization:?}"))
}

/// A header name as the official SDKs spell it (`x-content-sha256` → `X-Content-Sha256`); the
/// verifier's own, re-exported for wire tests.
pub use crate::signing::verify::sdk_spelling;

/// What the signature covers besides the received request itself.
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

/// Recomputes the signature from what the server received (the headers named in its
/// `SignedHeaders`, values as received, the method, path, raw query and body) and asserts:
/// it is the very `Authorization` that arrived; the query sent is the query signed; every
/// header the signer sets is the value that arrived; and no header arrived unsigned except
/// those in `unsigned_allowed`.
pub fn assert_signature_recomputes(
    request: &Request,
    context: SigningContext<'_>,
    unsigned_allowed: &[&str],
) {
    let authorization = header(request, "authorization");
    let signed_names: Vec<&str> = auth_part(authorization, "SignedHeaders")
        .split(';')
        .collect();
    let mut headers: HeaderList = signed_names
        .iter()
        .map(|name| (sdk_spelling(name), header(request, name).to_owned()))
        .collect();
    let query: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let input = SigningInput {
        method: request.method.as_str(),
        host: header(request, "host"),
        path: request.url.path(),
        query: &query,
        body: &request.body,
        region: context.region,
        service: context.service,
        action: context.action,
        version: context.version,
        timestamp: context.timestamp,
        request_client: context.request_client,
    };
    let signed = signing::sign(context.scheme, &input, &mut headers, context.credentials)
        .expect("the received request signs");
    assert_eq!(
        signed.authorization, authorization,
        "recomputed Authorization"
    );
    assert_eq!(
        signed.query_string,
        request.url.query().unwrap_or_default(),
        "the query sent is the query signed"
    );
    for (name, value) in &headers {
        assert_eq!(header(request, name), value, "header `{name}`");
    }
    let unsigned: Vec<&str> = request
        .headers
        .keys()
        .map(|name| name.as_str())
        .filter(|name| !signed_names.contains(name) && !unsigned_allowed.contains(name))
        .collect();
    assert!(
        unsigned.is_empty(),
        "headers arrived unsigned: {unsigned:?}"
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
