//! The secret key and the session token never show: not in `Debug` of anything that holds
//! them, not in any error of any fault of the fault matrix, and not in the logs (captured at
//! TRACE level, spans included) of all those failing calls. They do reach the wire, where
//! they belong.

mod faults;

use std::io;
use std::sync::{Arc, Mutex, OnceLock};

use faults::*;
use rtc_usage_core::{Config, Credentials, Error, SecretString};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET_KEY: &str = "sk-DO-NOT-LOG-4f1c2a9e77";
const SESSION_TOKEN: &str = "st-DO-NOT-LOG-b7d03e5160";
/// What both secrets share: a text showing any part of one of them around it shows this.
const MARK: &str = "do-not-log";

fn secret_credentials() -> Credentials {
    Credentials::new("AKIDSECRETSTEST", SECRET_KEY)
        .with_session_token(SESSION_TOKEN)
        .with_project_id("0123456789abcdef0123456789abcdef")
}

/// Fails when `text` shows either secret, in any case.
#[track_caller]
fn assert_clean(what: &str, text: &str) {
    let lower = text.to_ascii_lowercase();
    for secret in [SECRET_KEY, SESSION_TOKEN, MARK] {
        assert!(
            !lower.contains(&secret.to_ascii_lowercase()),
            "{what} shows a secret: {text}"
        );
    }
}

// ---- logs -----------------------------------------------------------------------------------

/// Everything every test of this binary logs, at TRACE level.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("not poisoned")).into_owned()
    }
}

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Installs the capturing subscriber for the whole process (once) and returns its buffer.
fn logs() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(FmtSpan::FULL)
            .with_ansi(false)
            .with_writer(captured.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("the only global subscriber of this test binary");
        captured
    })
}

// ---- tests ----------------------------------------------------------------------------------

fn config(endpoint: &str) -> Config {
    faults::config(endpoint, &secret_credentials(), LONG_ATTEMPT)
}

#[test]
fn debug_output_hides_the_secrets() {
    let credentials = secret_credentials();
    let config = config("http://127.0.0.1:9");
    let volcengine = volcengine_client(config.clone());
    let tencent = tencent_client(config.clone());
    let huawei = huawei_client(config.clone());
    let core = rtc_usage_core::Client::new(&rtc_usage_volcengine::VENDOR, config.clone())
        .expect("the client builds");
    let debug: Vec<(&str, String)> = vec![
        ("Credentials", format!("{credentials:?}")),
        (
            "SecretString",
            format!("{:?}", SecretString::new(SECRET_KEY)),
        ),
        (
            "SecretString (Display)",
            SecretString::new(SECRET_KEY).to_string(),
        ),
        (
            "secret key",
            format!("{:?}", credentials.secret_access_key()),
        ),
        (
            "session token",
            format!("{:?}", credentials.session_token()),
        ),
        ("Config", format!("{config:?}")),
        ("ConfigBuilder", format!("{:?}", config.to_builder())),
        ("core Client", format!("{core:?}")),
        ("Volcengine Client", format!("{volcengine:?}")),
        ("Tencent Client", format!("{tencent:?}")),
        ("Huawei Client", format!("{huawei:?}")),
        (
            "ListUsages builder",
            format!("{:?}", volcengine.list_usages()),
        ),
        (
            "ListOperationDistribution builder",
            format!("{:?}", volcengine.list_operation_distribution()),
        ),
        (
            "DescribeTrtcUsage builder",
            format!("{:?}", tencent.describe_trtc_usage()),
        ),
        (
            "ListRtcHistoryUsage builder",
            format!("{:?}", huawei.list_rtc_history_usage()),
        ),
    ];
    for (what, text) in &debug {
        assert_clean(what, text);
        // Not vacuous: the secret's holder is printed, as `***`.
        if what.starts_with("Secret") || what.starts_with("Credentials") {
            assert!(text.contains("***"), "{what}: {text}");
        }
    }
    // Pretty Debug too.
    assert_clean("Credentials {:#?}", &format!("{credentials:#?}"));
    assert_clean("Config {:#?}", &format!("{config:#?}"));
    assert_clean("core Client {:#?}", &format!("{core:#?}"));
}

/// Every error text an error offers: Display, Debug (plain and pretty), and the same for each
/// source in its chain.
fn error_texts(error: &Error) -> Vec<String> {
    let mut texts = vec![
        error.to_string(),
        format!("{error:?}"),
        format!("{error:#?}"),
        error.message().to_owned(),
        format!("{:?}", error.hint()),
    ];
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        texts.push(cause.to_string());
        texts.push(format!("{cause:?}"));
        source = cause.source();
    }
    texts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_fault_shows_a_secret_in_its_error_or_the_logs() {
    let logs = logs();
    let credentials = secret_credentials();
    let mut errors = 0;
    for case in CASES {
        for cell in run_row(case, &credentials).await {
            match &cell.result {
                Some(Err(error)) => {
                    errors += 1;
                    for text in error_texts(error) {
                        assert_clean(&cell.label(), &text);
                    }
                }
                Some(Ok(out)) => assert_clean(&cell.label(), &out.to_string()),
                None => {}
            }
        }
    }
    assert!(errors > CASES.len() * 2, "most cells fail: {errors} errors");

    let text = logs.text();
    assert_clean("the logs", &text);
    // Not vacuous: the failing calls were logged at every level, spans and retries included.
    for needle in [
        "rtc_usage.call",
        "sending",
        "retrying",
        "giving up",
        "not retryable",
        "TRACE",
        "DEBUG",
        "WARN",
    ] {
        assert!(text.contains(needle), "the logs lack {needle:?}:\n{text}");
    }
}

/// The secrets are used where they belong: the session token arrives in its header and the
/// request is signed (so the checks above are not passing for want of a secret in play).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secrets_reach_the_wire_and_only_the_wire() {
    logs();
    for op in &OPS {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(body_bytes(op, Body::Full), "application/json"),
            )
            .mount(&server)
            .await;
        let out = (op.call)(config(&server.uri()))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", op.name));
        assert_clean(op.name, &out.to_string());
        let requests = server.received_requests().await.expect("recorded");
        let request = &requests[0];
        let token_header = match op.vendor.id {
            "tencent" => "x-tc-token",
            "alibaba" => rtc_usage_core::signing::alibaba::TOKEN_HEADER,
            _ => "x-security-token",
        };
        // A scheme without session tokens (HTTP Basic) sends none.
        let sends_tokens = !rtc_usage_core::signing::scheme(op.descriptor.auth)
            .token_header
            .is_empty();
        if sends_tokens {
            assert_eq!(
                request.headers.get(token_header).map(|v| v.as_bytes()),
                Some(SESSION_TOKEN.as_bytes()),
                "{}: the token is sent",
                op.name
            );
        }
        let authorization = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        // HTTP Basic names the id inside its base64 credential.
        let basic_id = authorization
            .strip_prefix("Basic ")
            .and_then(rtc_usage_core::signing::agora::credential_id);
        assert!(
            authorization.contains("AKIDSECRETSTEST")
                || basic_id.as_deref() == Some("AKIDSECRETSTEST"),
            "{}: signed",
            op.name
        );
        assert_clean("Authorization", authorization);
    }
}

/// A token the signer refuses (a newline in it) is named, never quoted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsendable_token_is_not_quoted() {
    logs();
    let credentials = Credentials::new("AKIDSECRETSTEST", SECRET_KEY)
        .with_session_token(format!("{SESSION_TOKEN}\nX-Injected: 1"))
        .with_project_id("0123456789abcdef0123456789abcdef");
    for op in &OPS {
        // A scheme without session tokens (HTTP Basic) sends none: nothing to refuse.
        if rtc_usage_core::signing::scheme(op.descriptor.auth)
            .token_header
            .is_empty()
        {
            continue;
        }
        let config = faults::config("http://127.0.0.1:9", &credentials, LONG_ATTEMPT);
        let error = (op.call)(config)
            .await
            .expect_err("a token with a newline cannot be sent");
        assert_eq!(
            error.kind(),
            rtc_usage_core::ErrorKind::InvalidInput,
            "{error}"
        );
        assert!(error.to_string().contains("Token"), "{error}");
        for text in error_texts(&error) {
            assert_clean(op.name, &text);
        }
    }
}

/// A server whose error message echoes the request's `Authorization` (signature included),
/// its session token, and terminal control sequences: the error a caller sees shows none of
/// them raw, for every operation of every vendor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_that_echoes_the_request_is_redacted_and_escaped() {
    use rtc_usage_core::ErrorKind;
    use rtc_usage_core::envelope::{AnswerMeta, ErrorAnswer, encode_error};
    use wiremock::{Request, Respond};

    struct Echo(&'static rtc_usage_core::OperationDescriptor);
    impl Respond for Echo {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let header = |name: &str| {
                request
                    .headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            };
            let message = format!(
                "\u{1b}[2J\u{1b}[31mdenied\r\nAuthorization: {} X-Security-Token: {} Token={}",
                header("authorization"),
                header("x-security-token"),
                header("x-tc-token"),
            );
            let encoded = encode_error(
                self.0.envelope,
                &ErrorAnswer {
                    kind: ErrorKind::Auth,
                    code: "AccessDenied",
                    code_n: None,
                    message: &message,
                },
                None,
                &AnswerMeta {
                    request_id: "req-\u{1b}]0;pwned\u{7}",
                    op: Some(self.0),
                    region: None,
                    service: None,
                },
            );
            let mut answer = ResponseTemplate::new(encoded.status)
                .set_body_raw(encoded.body, "application/json");
            for (name, value) in encoded.headers {
                answer = answer.insert_header(name, value.as_str());
            }
            answer
        }
    }

    logs();
    for op in &OPS {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(Echo(op.descriptor))
            .mount(&server)
            .await;
        let err = (op.call)(config(&server.uri()))
            .await
            .expect_err("the server refuses");
        let requests = server.received_requests().await.expect("recorded");
        let sent = requests[0]
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let signature = sent
            .rsplit("Signature=")
            .next()
            .filter(|s| s.len() >= 16)
            .expect("a signed request")
            .to_owned();
        for text in error_texts(&err) {
            assert_clean(op.name, &text);
            assert!(
                !text.contains(&signature),
                "{}: signature shown: {text}",
                op.name
            );
        }
        // What a terminal is shown: the error's text, with no control character left.
        let shown = err.to_string();
        assert!(
            !shown.chars().any(|c| c.is_control()),
            "{}: control characters reach the terminal: {shown:?}",
            op.name
        );
    }
}
