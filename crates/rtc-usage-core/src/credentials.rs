//! Access keys, with secrets that never show up in `Debug` or `Display` output.

use std::fmt;

use crate::descriptor::CredentialEnv;

/// A secret string: `Debug` and `Display` print `***`, never the value.
///
/// The value is not zeroed on drop; this type only keeps it out of logs and error messages.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    /// The secret itself; call only where it is actually used (signing).
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl From<String> for SecretString {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&str> for SecretString {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl fmt::Debug for SecretString {
    /// Prints `"***"` (quoted, like a string's `Debug`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

impl fmt::Display for SecretString {
    /// Prints `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// An access key pair, an optional session token and an optional project id.
///
/// `Debug` shows the access key id and the project id, and `***` for the secret and the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: SecretString,
    session_token: Option<SecretString>,
    project_id: Option<String>,
}

impl Credentials {
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: SecretString::new(secret_access_key),
            session_token: None,
            project_id: None,
        }
    }

    /// Adds a temporary (STS) session token.
    pub fn with_session_token(mut self, token: impl Into<String>) -> Self {
        self.session_token = Some(SecretString::new(token));
        self
    }

    /// Adds a project id (Huawei Cloud).
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    pub fn secret_access_key(&self) -> &SecretString {
        &self.secret_access_key
    }

    pub fn session_token(&self) -> Option<&SecretString> {
        self.session_token.as_ref()
    }

    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }

    /// Reads the vendor's conventional environment variables: for each value, the first
    /// variable of its list that is set and non-empty wins. The access key and secret key are
    /// required; the session token and project id are optional (a client that needs the
    /// project id checks it).
    pub fn from_env(env: &CredentialEnv) -> Result<Self, CredentialsError> {
        Self::from_lookup(env, |name| std::env::var(name).ok())
    }

    /// [`Credentials::from_env`] with an injectable variable lookup (for tests).
    pub fn from_lookup(
        env: &CredentialEnv,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, CredentialsError> {
        let first = |names: &'static [&'static str]| {
            names
                .iter()
                .find_map(|name| lookup(name).filter(|value| !value.is_empty()))
        };
        let access_key_id = first(env.access_key).ok_or_else(|| CredentialsError::Missing {
            what: "access key",
            variables: env.access_key.to_vec(),
        })?;
        let secret = first(env.secret_key).ok_or_else(|| CredentialsError::Missing {
            what: "secret key",
            variables: env.secret_key.to_vec(),
        })?;
        Ok(Self {
            access_key_id,
            secret_access_key: SecretString(secret),
            session_token: first(env.session_token).map(SecretString),
            project_id: first(env.project_id),
        })
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token)
            .field("project_id", &self.project_id)
            .finish()
    }
}

/// Credentials could not be read from the environment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialsError {
    /// None of the variables for a required value is set (empty counts as unset).
    #[error("missing {what}: {}", describe_variables(.variables))]
    Missing {
        /// `"access key"` or `"secret key"`.
        what: &'static str,
        /// The variables that were looked for, in order.
        variables: Vec<&'static str>,
    },
}

fn describe_variables(variables: &[&'static str]) -> String {
    if variables.is_empty() {
        "no environment variable is configured for it".to_owned()
    } else {
        format!("set one of {}", variables.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const ENV: CredentialEnv = CredentialEnv {
        access_key: &["VOLC_ACCESSKEY", "VOLCENGINE_ACCESS_KEY"],
        secret_key: &["VOLC_SECRETKEY", "VOLCENGINE_SECRET_KEY"],
        session_token: &["VOLC_SESSION_TOKEN", "VOLCENGINE_SESSION_TOKEN"],
        project_id: &["VOLC_PROJECT_ID"],
        region: &["VOLC_REGION"],
    };

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn debug_never_shows_secret_or_token() {
        let creds = Credentials::new("AKLTexample", "verysecretvalue")
            .with_session_token("sessiontokenvalue")
            .with_project_id("proj1");
        let debug = format!("{creds:?}");
        assert_eq!(
            debug,
            r#"Credentials { access_key_id: "AKLTexample", secret_access_key: "***", session_token: Some("***"), project_id: Some("proj1") }"#
        );
        let pretty = format!("{creds:#?}");
        for text in [&debug, &pretty] {
            assert!(!text.contains("verysecretvalue"));
            assert!(!text.contains("sessiontokenvalue"));
        }
        let secret = SecretString::new("hunter2");
        assert_eq!(format!("{secret:?}"), "\"***\"");
        assert_eq!(format!("{secret}"), "***");
        assert_eq!(format!("{secret:#?}"), "\"***\"");
        assert_eq!(secret.expose_secret(), "hunter2");
        assert_eq!(
            format!("{:?}", Credentials::new("AK", "SK")),
            r#"Credentials { access_key_id: "AK", secret_access_key: "***", session_token: None, project_id: None }"#
        );
    }

    #[test]
    fn accessors_and_builders() {
        let creds = Credentials::new("AK", "SK")
            .with_session_token("TOK")
            .with_project_id("P");
        assert_eq!(creds.access_key_id(), "AK");
        assert_eq!(creds.secret_access_key().expose_secret(), "SK");
        assert_eq!(
            creds.session_token().map(SecretString::expose_secret),
            Some("TOK")
        );
        assert_eq!(creds.project_id(), Some("P"));
        assert_eq!(creds.clone(), creds);
    }

    #[test]
    fn lookup_takes_first_non_empty_variable() {
        let creds = Credentials::from_lookup(
            &ENV,
            lookup(&[
                ("VOLC_ACCESSKEY", ""),
                ("VOLCENGINE_ACCESS_KEY", "AK2"),
                ("VOLC_SECRETKEY", "SK1"),
                ("VOLCENGINE_SECRET_KEY", "SK2"),
                ("VOLCENGINE_SESSION_TOKEN", "TOK2"),
            ]),
        )
        .unwrap();
        assert_eq!(creds.access_key_id(), "AK2");
        assert_eq!(creds.secret_access_key().expose_secret(), "SK1");
        assert_eq!(
            creds.session_token().map(SecretString::expose_secret),
            Some("TOK2")
        );
        assert_eq!(creds.project_id(), None);
    }

    #[test]
    fn missing_error_names_the_variables() {
        let err = Credentials::from_lookup(
            &ENV,
            lookup(&[("VOLC_ACCESSKEY", "AK"), ("VOLC_SECRETKEY", "")]),
        )
        .unwrap_err();
        assert_eq!(
            err,
            CredentialsError::Missing {
                what: "secret key",
                variables: vec!["VOLC_SECRETKEY", "VOLCENGINE_SECRET_KEY"],
            }
        );
        assert_eq!(
            err.to_string(),
            "missing secret key: set one of VOLC_SECRETKEY, VOLCENGINE_SECRET_KEY"
        );
        let err = Credentials::from_lookup(&ENV, lookup(&[])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "missing access key: set one of VOLC_ACCESSKEY, VOLCENGINE_ACCESS_KEY"
        );
    }

    #[test]
    fn from_env_reads_the_process_environment() {
        // Variable names unique to this test, so no other test races on them.
        const UNSET: CredentialEnv = CredentialEnv {
            access_key: &["RTC_USAGE_CORE_TEST_SURELY_UNSET_AK_7f3a"],
            secret_key: &["RTC_USAGE_CORE_TEST_SURELY_UNSET_SK_7f3a"],
            session_token: &[],
            project_id: &[],
            region: &[],
        };
        let err = Credentials::from_env(&UNSET).unwrap_err();
        assert!(matches!(
            err,
            CredentialsError::Missing {
                what: "access key",
                ..
            }
        ));
    }
}
