//! Configuration: defaults, validation, and the environment (read through an injected lookup).

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::*;
use rtc_usage_core::config::{
    DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_OPERATION_TIMEOUT,
};
use rtc_usage_core::credentials::Credentials;
use rtc_usage_core::{Client, Config, ConfigError, RateLimitPolicy, RetryConfig};

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

#[test]
fn defaults() {
    let c = Config::builder().build().unwrap();
    assert!(c.credentials().is_none());
    assert_eq!(c.region(), None);
    assert!(c.endpoint_url().is_none());
    assert_eq!(c.connect_timeout(), DEFAULT_CONNECT_TIMEOUT);
    assert_eq!(c.connect_timeout(), Duration::from_secs(5));
    assert_eq!(c.attempt_timeout(), DEFAULT_ATTEMPT_TIMEOUT);
    assert_eq!(c.attempt_timeout(), Duration::from_secs(30));
    assert_eq!(c.operation_timeout(), DEFAULT_OPERATION_TIMEOUT);
    assert_eq!(c.operation_timeout(), Duration::from_secs(120));
    assert_eq!(c.max_response_bytes(), DEFAULT_MAX_RESPONSE_BYTES);
    assert_eq!(c.max_response_bytes(), 8 * 1024 * 1024);
    assert_eq!(*c.retry(), RetryConfig::standard());
    assert_eq!(c.retry().max_attempts(), 3);
    assert_eq!(c.retry().initial_backoff(), Duration::from_millis(500));
    assert_eq!(c.retry().max_backoff(), Duration::from_secs(20));
    assert!(matches!(c.rate_limit(), RateLimitPolicy::Spec));
    assert_eq!(
        c.user_agent(),
        format!("rtc-usage/{}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn user_agent_suffix() {
    let c = Config::builder()
        .user_agent_suffix("my-app/1.2")
        .build()
        .unwrap();
    assert_eq!(
        c.user_agent(),
        format!("rtc-usage/{} my-app/1.2", env!("CARGO_PKG_VERSION"))
    );
    let err = Config::builder()
        .user_agent_suffix("bad\nvalue")
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        ConfigError::InvalidSetting {
            setting: "user_agent_suffix",
            ..
        }
    ));
}

#[test]
fn endpoints_are_validated() {
    for ok in [
        "http://127.0.0.1:8080",
        "https://emulator.local/prefix",
        "http://[::1]:9/",
    ] {
        Config::builder().endpoint_url(ok).build().unwrap();
    }
    for bad in [
        "not a url",
        "ftp://example.com",
        "http://",
        "https://user:pw@example.com",
        "https://example.com/?a=b",
        "/relative/path",
    ] {
        let err = Config::builder().endpoint_url(bad).build().unwrap_err();
        // A password is never repeated back, even in the error about it.
        let shown = if bad.contains('@') {
            "https://***@example.com"
        } else {
            bad
        };
        match &err {
            ConfigError::InvalidEndpoint { value, .. } => assert_eq!(value, shown),
            other => panic!("{bad}: {other:?}"),
        }
        assert!(err.to_string().contains(shown), "{err}");
    }
}

#[test]
fn settings_out_of_range_are_refused() {
    let cases = [
        Config::builder().attempt_timeout(Duration::ZERO).build(),
        Config::builder().operation_timeout(Duration::ZERO).build(),
        Config::builder().connect_timeout(Duration::ZERO).build(),
        Config::builder().max_response_bytes(0).build(),
        Config::builder().rate_limit_scale(0.0).build(),
        Config::builder().rate_limit_scale(f64::NAN).build(),
        Config::builder().region(" cn-north-1").build(),
    ];
    for case in cases {
        assert!(
            matches!(case, Err(ConfigError::InvalidSetting { .. })),
            "{case:?}"
        );
    }
}

#[test]
fn environment_fills_what_code_does_not_set() {
    let lookup = env(&[
        ("TENCENTCLOUD_SECRET_ID", "env-ak"),
        ("TENCENTCLOUD_SECRET_KEY", "env-sk"),
        ("TENCENTCLOUD_REGION", "ap-singapore"),
        ("RTC_USAGE_ENDPOINT_TENCENT", "http://127.0.0.1:4566"),
    ]);
    let c = Config::builder()
        .load_env(&TENCENT)
        .build_with_lookup(&lookup)
        .unwrap();
    assert_eq!(c.credentials().unwrap().access_key_id(), "env-ak");
    assert_eq!(c.region(), Some("ap-singapore"));
    assert_eq!(c.endpoint_url().unwrap().as_str(), "http://127.0.0.1:4566/");

    // Code wins, whatever the order of the calls.
    let c = Config::builder()
        .load_env(&TENCENT)
        .credentials(Credentials::new("code-ak", "code-sk"))
        .region("ap-guangzhou")
        .endpoint_url("http://127.0.0.1:9999")
        .build_with_lookup(&lookup)
        .unwrap();
    assert_eq!(c.credentials().unwrap().access_key_id(), "code-ak");
    assert_eq!(c.region(), Some("ap-guangzhou"));
    assert_eq!(c.endpoint_url().unwrap().port(), Some(9999));
}

#[test]
fn environment_project_id_completes_code_credentials() {
    let lookup = env(&[("HUAWEICLOUD_SDK_PROJECT_ID", "p-from-env")]);
    let c = Config::builder()
        .credentials(Credentials::new("ak", "sk"))
        .load_env(&HUAWEI)
        .build_with_lookup(&lookup)
        .unwrap();
    assert_eq!(c.credentials().unwrap().project_id(), Some("p-from-env"));
}

#[test]
fn missing_credentials_name_the_variables() {
    let err = Config::builder()
        .load_env(&HUAWEI)
        .build_with_lookup(env(&[]))
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("HUAWEICLOUD_SDK_AK"), "{text}");
    assert!(text.contains("HUAWEICLOUD_SDK_SK"), "{text}");

    // Half set: the missing half is named.
    let err = Config::builder()
        .load_env(&HUAWEI)
        .build_with_lookup(env(&[("HUAWEICLOUD_SDK_AK", "ak")]))
        .unwrap_err();
    assert!(err.to_string().contains("HUAWEICLOUD_SDK_SK"), "{err}");

    // A client without credentials.
    let err = Client::new(&VOLCENGINE, Config::builder().build().unwrap()).unwrap_err();
    assert!(matches!(
        err,
        ConfigError::MissingCredentials {
            vendor: "volcengine",
            ..
        }
    ));
    assert!(err.to_string().contains("VOLC_ACCESSKEY"), "{err}");
}

#[test]
fn an_invalid_endpoint_from_the_environment_names_the_variable() {
    let err = Config::builder()
        .load_env(&TENCENT)
        .build_with_lookup(env(&[
            ("TENCENTCLOUD_SECRET_ID", "a"),
            ("TENCENTCLOUD_SECRET_KEY", "b"),
            ("RTC_USAGE_ENDPOINT_TENCENT", "localhost:4566"),
        ]))
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("localhost:4566"), "{text}");
    assert!(text.contains("RTC_USAGE_ENDPOINT_TENCENT"), "{text}");
}

#[test]
fn debug_output_has_no_secrets() {
    let c = Config::builder()
        .credentials(Credentials::new("AKID", "very-secret-key").with_session_token("tok-secret"))
        .build()
        .unwrap();
    let shown = format!("{c:?}");
    assert!(!shown.contains("very-secret-key"), "{shown}");
    assert!(!shown.contains("tok-secret"), "{shown}");
    let client = Client::new(&VOLCENGINE, c).unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains("very-secret-key"), "{shown}");
}

#[test]
fn to_builder_round_trips() {
    let c = Config::builder()
        .region("ap-singapore-1")
        .attempt_timeout(Duration::from_secs(7))
        .rate_limit_scale(20.0)
        .build()
        .unwrap();
    let d = c.to_builder().max_response_bytes(1024).build().unwrap();
    assert_eq!(d.region(), Some("ap-singapore-1"));
    assert_eq!(d.attempt_timeout(), Duration::from_secs(7));
    assert!(matches!(d.rate_limit(), RateLimitPolicy::Scaled(f) if *f == 20.0));
    assert_eq!(d.max_response_bytes(), 1024);
}

/// Every variable a vendor's settings are read from is checked before anything uses it: a
/// blank value, a trailing newline or CR LF, surrounding spaces or control characters are
/// refused naming the variable, never the value.
#[test]
fn dirty_environment_values_are_refused_naming_the_variable() {
    let good = [
        ("HUAWEICLOUD_SDK_AK", "AK"),
        ("HUAWEICLOUD_SDK_SK", "secret-value"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", "p1"),
    ];
    for variable in [
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "HUAWEICLOUD_SDK_SECURITY_TOKEN",
        "HUAWEICLOUD_SDK_PROJECT_ID",
        "HUAWEICLOUD_SDK_REGION",
        "RTC_USAGE_ENDPOINT_HUAWEI",
    ] {
        for (dirty, needle) in [
            ("   ", "blank"),
            ("secret-value\n", "newline"),
            ("secret-value\r\n", "carriage return"),
            (" secret-value", "leading or trailing spaces"),
            ("secret\u{1b}[31m", "control characters"),
        ] {
            let mut pairs: Vec<(&str, &str)> = good
                .iter()
                .copied()
                .filter(|(k, _)| *k != variable)
                .collect();
            pairs.push((variable, dirty));
            let err = Config::builder()
                .load_env(&HUAWEI)
                .build_with_lookup(env(&pairs))
                .expect_err("a dirty value is refused");
            let text = err.to_string();
            assert!(
                matches!(err, ConfigError::DirtyVariable { variable: v, .. } if v == variable),
                "{variable} {dirty:?}: {text}"
            );
            assert!(
                text.starts_with(variable) && text.contains(needle),
                "{text}"
            );
            assert!(!text.contains("secret"), "the value is never shown: {text}");
        }
    }
    // Clean values still build.
    Config::builder()
        .load_env(&HUAWEI)
        .build_with_lookup(env(&good))
        .expect("clean values");
}

/// No scale factor makes the limiter compute an impossible window (1e-300 used to panic).
#[test]
fn rate_limit_scales_outside_a_sane_range_are_refused() {
    for factor in [
        1e-300,
        1e-7,
        1e7,
        1e300,
        f64::MIN_POSITIVE,
        0.0,
        -1.0,
        f64::NAN,
    ] {
        let err = Config::builder()
            .rate_limit_scale(factor)
            .build()
            .expect_err("refused");
        assert!(err.to_string().contains("rate_limit"), "{factor}: {err}");
    }
    for factor in [1e-6, 0.5, 1.0, 50.0, 1e6] {
        Config::builder()
            .rate_limit_scale(factor)
            .build()
            .unwrap_or_else(|e| panic!("{factor}: {e}"));
    }
}

#[test]
fn an_endpoint_error_never_shows_its_password() {
    for url in [
        "ftp://admin:hunter2@127.0.0.1:8790",
        "http://admin:hunter2@127.0.0.1:8790",
        "https://admin:hunter2@/path",
    ] {
        let err = Config::builder()
            .endpoint_url(url)
            .build()
            .expect_err("refused");
        let text = err.to_string();
        assert!(
            !text.contains("hunter2") && !text.contains("admin"),
            "{text}"
        );
        assert!(text.contains("***@"), "{text}");
    }
}
