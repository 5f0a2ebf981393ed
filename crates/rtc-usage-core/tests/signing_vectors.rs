//! The signing vectors of `reference/signing-vectors/` (requests signed by the vendors' official
//! Python SDKs), copied into `tests/vectors/`: every signer must reproduce them byte for byte.

use std::fmt;

use rtc_usage_core::AuthScheme;
use rtc_usage_core::credentials::Credentials;
use rtc_usage_core::signing::verify::decode_query;
use rtc_usage_core::signing::{self, HeaderList, SigningInput};
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};

/// A JSON object read in document order (serde_json's map may sort its keys).
#[derive(Debug, Default)]
struct Ordered(Vec<(String, String)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor;
        impl<'de> Visitor<'de> for OrderedVisitor {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, String>()? {
                    out.push(entry);
                }
                Ok(Ordered(out))
            }
        }
        deserializer.deserialize_map(OrderedVisitor)
    }
}

impl Ordered {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Deserialize)]
struct Vector {
    name: String,
    input: Input,
    expected: Expected,
}

#[derive(Debug, Deserialize)]
struct Input {
    vendor: String,
    method: String,
    host: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Ordered,
    body: String,
    ak: String,
    sk: String,
    timestamp: i64,
    region: String,
    service: String,
    action: String,
    version: String,
    token: Option<String>,
    /// The signature nonce (Alibaba's vectors).
    nonce: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Expected {
    set_headers: Ordered,
    headers_after_signing: Ordered,
    authorization: String,
    url: String,
    body: String,
    canonical_request: String,
    string_to_sign: String,
}

fn check(name: &str, json: &str) {
    let vector: Vector = serde_json::from_str(json).expect("vector parses");
    assert_eq!(vector.name, name);
    let input = &vector.input;
    let expected = &vector.expected;
    let scheme = match input.vendor.as_str() {
        // BytePlus signs with the Volcengine algorithm (signing-more.md).
        "volcengine" | "byteplus" => AuthScheme::VolcengineHmacSha256,
        "tencent" => AuthScheme::Tc3HmacSha256,
        "huawei" => AuthScheme::HuaweiSdkHmacSha256,
        // Agora's Console RESTful API: HTTP Basic, nothing signed (signing-more.md).
        "agora" => AuthScheme::HttpBasic,
        "alibaba" => AuthScheme::Acs3HmacSha256,
        other => panic!("unknown vendor {other}"),
    };
    let mut credentials = Credentials::new(input.ak.as_str(), input.sk.as_str());
    if let Some(token) = &input.token {
        credentials = credentials.with_session_token(token.as_str());
    }
    let signing_input = SigningInput {
        method: &input.method,
        host: &input.host,
        path: &input.path,
        query: &input.query,
        body: input.body.as_bytes(),
        region: &input.region,
        service: &input.service,
        action: &input.action,
        version: &input.version,
        timestamp: input.timestamp,
        request_client: expected.set_headers.get("X-TC-RequestClient"),
        nonce: input.nonce.as_deref(),
    };
    let mut headers: HeaderList = input.headers.0.clone();

    let signed = signing::sign(scheme, &signing_input, &mut headers, &credentials)
        .unwrap_or_else(|e| panic!("{name}: {e}"));

    assert_eq!(
        signed.canonical_request, expected.canonical_request,
        "{name}: canonical request"
    );
    assert_eq!(
        signed.string_to_sign, expected.string_to_sign,
        "{name}: string to sign"
    );
    assert_eq!(
        signed.authorization, expected.authorization,
        "{name}: authorization"
    );
    // Compared as an ordered list: the signers add headers in the SDK's order.
    assert_eq!(
        headers, expected.headers_after_signing.0,
        "{name}: headers after signing"
    );
    // The body is sent exactly as signed.
    assert_eq!(input.body, expected.body, "{name}: body");

    let mut url = format!("https://{}{}", input.host, input.path);
    if !signed.query_string.is_empty() {
        url.push('?');
        url.push_str(&signed.query_string);
    }
    if scheme == AuthScheme::HttpBasic {
        // Nothing is signed: no canonical request, no string to sign; the URL is the
        // vector's, the query in the caller's order.
        assert_eq!(signed.canonical_request, "", "{name}: canonical request");
        assert_eq!(signed.string_to_sign, "", "{name}: string to sign");
        assert_eq!(url, expected.url, "{name}: url");
        let mut again: HeaderList = input.headers.0.clone();
        let signed_again = signing::sign(scheme, &signing_input, &mut again, &credentials).unwrap();
        assert_eq!(signed_again, signed, "{name}: deterministic");
        return;
    }
    let canonical_query_line = signed.canonical_request.split('\n').nth(2).unwrap();
    if scheme == AuthScheme::Acs3HmacSha256 {
        // The Alibaba SDK sends `urlencode(query)` (`quote_plus`: a space as `+`) and signs
        // `quote` (`%20`); we send the canonical query itself. The server decodes both into
        // the same pairs, in the same (sorted) order for these vectors.
        assert_eq!(
            signed.query_string, canonical_query_line,
            "{name}: query string"
        );
        let (base, query) = expected.url.split_once('?').unwrap_or((&expected.url, ""));
        assert_eq!(url.split('?').next(), Some(base), "{name}: url");
        assert_eq!(
            decode_query(&signed.query_string),
            decode_query(query),
            "{name}: query pairs as the server reads them"
        );
    } else if scheme == AuthScheme::VolcengineHmacSha256 {
        // The Volcengine SDK sends `urlencode(query)` in insertion order with `quote_plus`,
        // which is not the string it signs; we send the canonical query itself, so that the
        // bytes sent are the bytes signed. So check that instead of the SDK's URL ...
        assert_eq!(
            signed.query_string, canonical_query_line,
            "{name}: query string"
        );
        // ... and that, apart from the order of the pairs, the URL is the SDK's (these vectors
        // have no space or other character that quote_plus and quote write differently).
        let (base, query) = expected.url.split_once('?').unwrap_or((&expected.url, ""));
        let mut sdk_pairs: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
        let mut our_pairs: Vec<&str> = signed
            .query_string
            .split('&')
            .filter(|p| !p.is_empty())
            .collect();
        sdk_pairs.sort_unstable();
        our_pairs.sort_unstable();
        assert_eq!(url.split('?').next(), Some(base), "{name}: url");
        assert_eq!(our_pairs, sdk_pairs, "{name}: query pairs");
    } else {
        // Tencent (POST: no query) and Huawei (the sorted canonical query) send what they sign.
        assert_eq!(url, expected.url, "{name}: url");
        assert_eq!(
            signed.query_string, canonical_query_line,
            "{name}: query string"
        );
    }

    // Signing again (the clock is the input's) gives the very same result.
    let mut again: HeaderList = input.headers.0.clone();
    let signed_again = signing::sign(scheme, &signing_input, &mut again, &credentials).unwrap();
    assert_eq!(signed_again, signed, "{name}: deterministic");
    assert_eq!(again, headers, "{name}: deterministic headers");
}

macro_rules! vector_tests {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                check($file, include_str!(concat!("vectors/", $file, ".json")));
            }
        )*
    };
}

vector_tests! {
    volcengine_list_usages => "volcengine-list-usages",
    volcengine_list_usages_singapore => "volcengine-list-usages-singapore",
    volcengine_list_operation_distribution => "volcengine-list-operation-distribution",
    volcengine_get_empty_body => "volcengine-get-empty-body",
    tencent_describe_trtc_usage => "tencent-describe-trtc-usage",
    tencent_describe_trtc_usage_no_app => "tencent-describe-trtc-usage-no-app",
    tencent_describe_trtc_usage_token => "tencent-describe-trtc-usage-token",
    huawei_history_usage => "huawei-history-usage",
    huawei_history_usage_token => "huawei-history-usage-token",
    huawei_query_escaping => "huawei-query-escaping",
    byteplus_list_usages => "byteplus-list-usages",
    byteplus_list_usages_sdk_json => "byteplus-list-usages-sdk-json",
    byteplus_list_usages_token => "byteplus-list-usages-token",
    byteplus_doc_get_record_task => "byteplus-doc-get-record-task",
    agora_get_usage => "agora-get-usage",
    agora_get_usage_cn => "agora-get-usage-cn",
    agora_get_projects => "agora-get-projects",
    alibaba_describe_live_grtn_duration => "alibaba-describe-live-grtn-duration",
    alibaba_describe_live_grtn_duration_minimal => "alibaba-describe-live-grtn-duration-minimal",
    alibaba_describe_live_grtn_duration_app_list => "alibaba-describe-live-grtn-duration-app-list",
    alibaba_describe_live_grtn_duration_escaping => "alibaba-describe-live-grtn-duration-escaping",
    alibaba_describe_live_grtn_duration_sts => "alibaba-describe-live-grtn-duration-sts",
    alibaba_describe_live_grtn_duration_user_agent => "alibaba-describe-live-grtn-duration-user-agent",
    alibaba_describe_live_rtc_record_usage_data => "alibaba-describe-live-rtc-record-usage-data",
    alibaba_signer_minimal_headers => "alibaba-signer-minimal-headers",
    alibaba_doc_v3_runinstances => "alibaba-doc-v3-runinstances",
    alibaba_doc_v3_runinstances_2 => "alibaba-doc-v3-runinstances-2",
}

/// Every vector file in `tests/vectors/` has a test above.
#[test]
fn every_vector_file_is_tested() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "agora-get-projects.json",
            "agora-get-usage-cn.json",
            "agora-get-usage.json",
            "alibaba-describe-live-grtn-duration-app-list.json",
            "alibaba-describe-live-grtn-duration-escaping.json",
            "alibaba-describe-live-grtn-duration-minimal.json",
            "alibaba-describe-live-grtn-duration-sts.json",
            "alibaba-describe-live-grtn-duration-user-agent.json",
            "alibaba-describe-live-grtn-duration.json",
            "alibaba-describe-live-rtc-record-usage-data.json",
            "alibaba-doc-v3-runinstances-2.json",
            "alibaba-doc-v3-runinstances.json",
            "alibaba-signer-minimal-headers.json",
            "byteplus-doc-get-record-task.json",
            "byteplus-list-usages-sdk-json.json",
            "byteplus-list-usages-token.json",
            "byteplus-list-usages.json",
            "huawei-history-usage-token.json",
            "huawei-history-usage.json",
            "huawei-query-escaping.json",
            "tencent-describe-trtc-usage-no-app.json",
            "tencent-describe-trtc-usage-token.json",
            "tencent-describe-trtc-usage.json",
            "volcengine-get-empty-body.json",
            "volcengine-list-operation-distribution.json",
            "volcengine-list-usages-singapore.json",
            "volcengine-list-usages.json",
        ]
    );
}
