//! The config file: named accounts of every vendor, so that a company's many accounts are
//! asked in one run, each at its own rate, without typing their apps again.
//!
//! Found at `--config FILE`, else `RTC_USAGE_CONFIG`, else the platform's config directory
//! (`~/.config/rtc-usage/config.toml` on Linux). Without one, everything works from the
//! environment as before (one account per vendor, named `default`).
//!
//! ```toml
//! [accounts.video-cn]
//! vendor = "tencent"
//! region = "ap-guangzhou"                 # optional: the vendor's default region
//! endpoint = "https://example.internal"   # optional, like --endpoint
//! apps = ["1400000001", "1400000002"]     # or "*" where the vendor can answer for all apps
//! default = true                          # `--app tencent:APP` means this account
//! labels = { team = "video", cost_centre = "CC-1042" }
//! # exactly one credential source:
//! credentials = { env = { access_key = "VIDEO_CN_ID", secret_key = "VIDEO_CN_KEY" } }
//! # credentials = { file = "~/.config/rtc-usage/video-cn.toml" }   # access_key, secret_key, ...
//! # credentials = { command = ["vault", "read", "-field=json", "rtc/video-cn"] }  # prints JSON
//! # credentials = { access_key = "...", secret_key = "..." }  # only in a file only you can read
//! ```
//!
//! Every mistake is refused before any call with the file, the line and the fix (exit 2); no
//! secret is ever part of a message.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use rtc_usage::{AppRef, Credentials, Vendor};
use serde::Deserialize;

use crate::exit::ExitError;

/// The variable that names the config file when `--config` does not.
pub const CONFIG_ENV: &str = "RTC_USAGE_CONFIG";

/// A loaded, checked config file.
#[derive(Debug)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub accounts: Vec<Account>,
}

/// One named account.
#[derive(Debug)]
pub struct Account {
    pub name: String,
    pub vendor: Vendor,
    pub region: Option<String>,
    pub endpoint: Option<String>,
    /// Its apps (checked for the vendor's kind of app id); empty when it lists none.
    pub apps: Vec<AppRef>,
    pub default: bool,
    pub labels: BTreeMap<String, String>,
    pub credentials: CredentialSource,
    /// Where it is defined, for messages.
    pub at: String,
}

/// Where an account's credentials come from.
#[derive(Debug)]
pub enum CredentialSource {
    /// Named environment variables.
    Env(EnvNames),
    /// A TOML file of `access_key`, `secret_key` and optionally `session_token`, `project_id`.
    File(PathBuf),
    /// A program that prints them as JSON (like the AWS CLI's `credential_process`).
    Command(Vec<String>),
    /// Written in the config file itself (which only its owner can read).
    Inline(Credentials),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvNames {
    access_key: String,
    secret_key: String,
    session_token: Option<String>,
    project_id: Option<String>,
}

impl CredentialSource {
    /// Where the credentials come from, never what they are.
    pub fn describe(&self) -> String {
        match self {
            Self::Env(names) => {
                let mut vars = vec![names.access_key.as_str(), names.secret_key.as_str()];
                vars.extend(names.session_token.as_deref());
                vars.extend(names.project_id.as_deref());
                format!("env {}", vars.join(", "))
            }
            Self::File(path) => format!("file {}", path.display()),
            Self::Command(argv) => format!("command {}", argv.first().map_or("", String::as_str)),
            Self::Inline(_) => "inline (in the config file)".to_owned(),
        }
    }

    /// The credentials themselves: read from the variables, the file or the command now,
    /// before any call. Messages name the source, never a value.
    pub fn resolve(&self, account: &Account) -> Result<Credentials, ExitError> {
        let refuse = |why: String| {
            ExitError::bad_input(format!("{}: account `{}`: {why}", account.at, account.name))
        };
        let fields = match self {
            Self::Inline(credentials) => return Ok(credentials.clone()),
            Self::Env(names) => {
                let var = |name: &str| {
                    let value = std::env::var(name).map_err(|_| {
                        refuse(format!(
                            "the variable {name} is not set; export it or change credentials.env"
                        ))
                    })?;
                    clean(&value).map_err(|why| refuse(format!("the variable {name}: {why}")))
                };
                let optional = |name: &Option<String>| name.as_deref().map(var).transpose();
                SecretFields {
                    access_key: var(&names.access_key)?,
                    secret_key: var(&names.secret_key)?,
                    session_token: optional(&names.session_token)?,
                    project_id: optional(&names.project_id)?,
                }
            }
            Self::File(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    refuse(format!(
                        "cannot read the credentials file {}: {e}",
                        path.display()
                    ))
                })?;
                toml::from_str::<SecretFields>(&text).map_err(|e| {
                    refuse(format!(
                        "the credentials file {} is not TOML with access_key and secret_key (line {})",
                        path.display(),
                        e.span().map_or(1, |s| line_of(&text, s.start))
                    ))
                })?
            }
            Self::Command(argv) => run_credential_command(argv).map_err(refuse)?,
        };
        fields.into_credentials().map_err(refuse)
    }
}

/// Credentials as a file or a command gives them (the AWS `credential_process` names too).
#[derive(Deserialize)]
struct SecretFields {
    #[serde(alias = "AccessKeyId")]
    access_key: String,
    #[serde(alias = "SecretAccessKey")]
    secret_key: String,
    #[serde(default, alias = "SessionToken")]
    session_token: Option<String>,
    #[serde(default)]
    project_id: Option<String>,
}

impl SecretFields {
    fn into_credentials(self) -> Result<Credentials, String> {
        let check = |what: &str, value: &str| clean(value).map_err(|why| format!("{what}: {why}"));
        let mut credentials = Credentials::new(
            check("access_key", &self.access_key)?,
            check("secret_key", &self.secret_key)?,
        );
        if let Some(token) = &self.session_token {
            credentials = credentials.with_session_token(check("session_token", token)?);
        }
        if let Some(project) = &self.project_id {
            credentials = credentials.with_project_id(check("project_id", project)?);
        }
        Ok(credentials)
    }
}

/// A credential value as given, refused when it is empty or the runtime's rule for dirty
/// values refuses it (a `.env` written on Windows ends in CR LF); never quoted back.
fn clean(value: &str) -> Result<String, &'static str> {
    if value.is_empty() {
        return Err("it is empty");
    }
    match rtc_usage::core::config::dirty_reason(value) {
        Some(reason) => Err(reason),
        None => Ok(value.to_owned()),
    }
}

/// Runs a credential command: its stdout is JSON credentials; its stderr goes to ours.
fn run_credential_command(argv: &[String]) -> Result<SecretFields, String> {
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| "credentials.command is empty".to_owned())?;
    let output = std::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("credentials.command `{program}` cannot be run: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "credentials.command `{program}` failed ({}); nothing it printed is shown",
            output.status
        ));
    }
    serde_json::from_slice(&output.stdout).map_err(|_| {
        format!(
            "credentials.command `{program}` did not print JSON with access_key and secret_key \
             (or AccessKeyId and SecretAccessKey); what it printed is not shown"
        )
    })
}

// ---- loading --------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    accounts: BTreeMap<String, toml::Spanned<RawAccount>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccount {
    vendor: toml::Spanned<String>,
    region: Option<toml::Spanned<String>>,
    endpoint: Option<toml::Spanned<String>>,
    apps: Option<toml::Spanned<RawApps>>,
    #[serde(default)]
    default: bool,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    credentials: toml::Spanned<RawCredentials>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawApps {
    List(Vec<String>),
    One(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCredentials {
    env: Option<EnvNames>,
    file: Option<String>,
    command: Option<Vec<String>>,
    access_key: Option<String>,
    secret_key: Option<String>,
    session_token: Option<String>,
    project_id: Option<String>,
}

/// The config file to read: `--config`, else `RTC_USAGE_CONFIG`, else the platform's default
/// if it exists. `None`: no config file (the environment is the one account per vendor).
pub fn locate(flag: Option<&Path>) -> Result<Option<PathBuf>, ExitError> {
    if let Some(path) = flag {
        return Ok(Some(path.to_owned()));
    }
    if let Some(value) = std::env::var_os(CONFIG_ENV) {
        if value.is_empty() {
            return Err(ExitError::bad_input(format!(
                "{CONFIG_ENV} is set but empty; unset it or name a config file"
            )));
        }
        return Ok(Some(PathBuf::from(value)));
    }
    Ok(default_path().filter(|p| p.is_file()))
}

/// `~/.config/rtc-usage/config.toml` on Linux (`$XDG_CONFIG_HOME` honoured), the platform's
/// config directory elsewhere.
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("rtc-usage").join("config.toml"))
}

/// Reads and checks the config file at `path`.
pub fn load(path: &Path) -> Result<ConfigFile, ExitError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        ExitError::bad_input(format!(
            "--config {shown}: cannot read it ({e}); check the path, or unset {CONFIG_ENV}"
        ))
    })?;
    parse(&text, path, readable_by_owner_only(path))
}

/// Checks `text` as the config file at `path`; `private`: whether only its owner can read
/// it (inline secrets are refused otherwise).
pub fn parse(text: &str, path: &Path, private: bool) -> Result<ConfigFile, ExitError> {
    let shown = path.display().to_string();
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        ExitError::bad_input(format!(
            "{shown}:{line}: {}; see `rtc-usage accounts --help` for the format",
            first_line(e.message())
        ))
    })?;
    let mut accounts = Vec::new();
    for (name, account) in raw.accounts {
        let at = |offset: usize| format!("{shown}:{}", line_of(text, offset));
        accounts.push(check_account(name, account, &at, private)?);
    }
    for vendor in Vendor::all() {
        let defaults: Vec<&str> = accounts
            .iter()
            .filter(|a| a.vendor == vendor && a.default)
            .map(|a| a.name.as_str())
            .collect();
        if defaults.len() > 1 {
            return Err(ExitError::bad_input(format!(
                "{shown}: {vendor} has more than one default account ({}); keep `default = true` on one",
                defaults.join(", ")
            )));
        }
    }
    Ok(ConfigFile {
        path: path.to_owned(),
        accounts,
    })
}

fn check_account(
    name: String,
    account: toml::Spanned<RawAccount>,
    at: &dyn Fn(usize) -> String,
    private: bool,
) -> Result<Account, ExitError> {
    let here = at(account.span().start);
    let raw = account.into_inner();
    let refuse =
        |at: String, why: String| ExitError::bad_input(format!("{at}: account `{name}`: {why}"));
    if !crate::accounts::is_account_name(&name) {
        return Err(refuse(
            here,
            "an account name is letters, digits, `-`, `_` and `.`; rename it".into(),
        ));
    }
    if Vendor::get(&name).is_some() {
        return Err(refuse(
            here,
            "is a vendor's name, which `--app VENDOR:APP` already means; rename the account (e.g. `tencent-main`)".into(),
        ));
    }
    let vendor: Vendor = raw
        .vendor
        .get_ref()
        .parse()
        .map_err(|e: rtc_usage::UnknownVendor| {
            refuse(at(raw.vendor.span().start), e.to_string())
        })?;
    let text = |value: Option<toml::Spanned<String>>, what: &str| {
        value
            .map(|v| {
                let line = at(v.span().start);
                let v = v.into_inner();
                if v.trim().is_empty() || v.trim() != v {
                    Err(refuse(
                        line,
                        format!("{what} is empty or has surrounding spaces"),
                    ))
                } else {
                    Ok(v)
                }
            })
            .transpose()
    };
    let region = text(raw.region, "region")?;
    let endpoint = text(raw.endpoint, "endpoint")?;
    if let Some(url) = &endpoint
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        return Err(refuse(
            here.clone(),
            "endpoint must be an http:// or https:// URL".into(),
        ));
    }
    let apps = match raw.apps {
        None => Vec::new(),
        Some(apps) => {
            let line = at(apps.span().start);
            let ids = match apps.into_inner() {
                RawApps::One(one) => vec![one],
                RawApps::List(list) => list,
            };
            let mut parsed = Vec::new();
            for id in ids {
                let app = if id == rtc_usage::ALL_APPS {
                    AppRef::all(vendor)
                } else {
                    AppRef::new(vendor, id)
                };
                parsed.push(app.map_err(|e| refuse(line.clone(), format!("apps: {e}")))?);
            }
            parsed
        }
    };
    let credentials_at = at(raw.credentials.span().start);
    let credentials = credential_source(raw.credentials.into_inner(), private)
        .map_err(|why| refuse(credentials_at, why))?;
    Ok(Account {
        name: name.clone(),
        vendor,
        region,
        endpoint,
        apps,
        default: raw.default,
        labels: raw.labels,
        credentials,
        at: here,
    })
}

/// Exactly one source; a source that cannot exist (a missing file, a program not found) is
/// refused now.
fn credential_source(raw: RawCredentials, private: bool) -> Result<CredentialSource, String> {
    let inline = raw.access_key.is_some() || raw.secret_key.is_some();
    let given = [
        raw.env.is_some(),
        raw.file.is_some(),
        raw.command.is_some(),
        inline,
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(
            "credentials needs exactly one of env, file, command, or access_key and secret_key"
                .into(),
        );
    }
    if !inline && (raw.session_token.is_some() || raw.project_id.is_some()) {
        return Err("session_token and project_id go with inline access_key and secret_key (or inside the env, file or command source)".into());
    }
    if let Some(env) = raw.env {
        return Ok(CredentialSource::Env(env));
    }
    if let Some(file) = raw.file {
        let path = expand_home(&file);
        if !path.is_file() {
            return Err(format!(
                "the credentials file {} does not exist; create it or fix credentials.file",
                path.display()
            ));
        }
        return Ok(CredentialSource::File(path));
    }
    if let Some(argv) = raw.command {
        let program = argv.first().ok_or("credentials.command is empty")?;
        if !program_exists(program) {
            return Err(format!(
                "credentials.command `{program}` is not found (not a file, not on PATH)"
            ));
        }
        return Ok(CredentialSource::Command(argv));
    }
    if !private {
        return Err("an inline secret is accepted only from a config file that only its owner can read; run `chmod 600` on it, or use credentials.env, file or command".into());
    }
    let (Some(access_key), Some(secret_key)) = (raw.access_key, raw.secret_key) else {
        return Err("inline credentials need both access_key and secret_key".into());
    };
    SecretFields {
        access_key,
        secret_key,
        session_token: raw.session_token,
        project_id: raw.project_id,
    }
    .into_credentials()
    .map(CredentialSource::Inline)
}

fn expand_home(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => dirs::home_dir().map_or_else(|| PathBuf::from(path), |h| h.join(rest)),
        None => PathBuf::from(path),
    }
}

fn program_exists(program: &str) -> bool {
    if program.contains('/') {
        return Path::new(program).is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Whether nobody but the owner can read `path` (always true where there are no modes).
fn readable_by_owner_only(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 == 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        true
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or(message).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str, mode: u32) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        #[cfg(not(unix))]
        let _ = mode;
        (dir, path)
    }

    fn refused(text: &str, mode: u32) -> String {
        let (_dir, path) = write(text, mode);
        load(&path).unwrap_err().message
    }

    const GOOD: &str = r#"
[accounts.video-cn]
vendor = "tencent"
apps = ["1400000001", "01400000002"]
labels = { team = "video" }
credentials = { env = { access_key = "A_ID", secret_key = "A_KEY" } }

[accounts.hw-eu]
vendor = "huawei"
region = "cn-north-4"
apps = "5fa682b34a974f7ad24d223b"
default = true
credentials = { access_key = "AK", secret_key = "SK", project_id = "p1" }
"#;

    #[test]
    fn a_good_file_loads_every_account() {
        let (_dir, path) = write(GOOD, 0o600);
        let file = load(&path).unwrap();
        let names: Vec<&str> = file.accounts.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["hw-eu", "video-cn"]);
        let video = &file.accounts[1];
        assert_eq!(video.apps[1].app_label(), "1400000002", "ids are canonical");
        assert_eq!(video.credentials.describe(), "env A_ID, A_KEY");
        assert_eq!(
            file.accounts[0].credentials.describe(),
            "inline (in the config file)"
        );
        assert!(file.accounts[0].default);
    }

    #[test]
    fn bad_files_name_the_line_and_the_fix() {
        let cases: [(&str, u32, &[&str]); 10] = [
            (
                "[accounts.a]\nvendor = \"aws\"\ncredentials = { env = { access_key = \"X\", secret_key = \"Y\" } }\n",
                0o600,
                &[":2:", "unknown vendor `aws`"],
            ),
            (
                "[accounts.a]\nvendor = \"tencent\"\ncolour = 1\ncredentials = { env = { access_key = \"X\", secret_key = \"Y\" } }\n",
                0o600,
                &[":3:", "unknown field `colour`"],
            ),
            (
                "[accounts.a]\nvendor = \"tencent\"\ncredentials = {}\n[accounts.a]\nvendor = \"huawei\"\n",
                0o600,
                &[":4:", "duplicate"],
            ),
            (
                "[accounts.tencent]\nvendor = \"tencent\"\ncredentials = { env = { access_key = \"X\", secret_key = \"Y\" } }\n",
                0o600,
                &[":1:", "vendor's name"],
            ),
            (
                "[accounts.a]\nvendor = \"tencent\"\napps = [\"abc\"]\ncredentials = { env = { access_key = \"X\", secret_key = \"Y\" } }\n",
                0o600,
                &[":3:", "positive integer"],
            ),
            (
                "[accounts.a]\nvendor = \"huawei\"\napps = \"*\"\ncredentials = { env = { access_key = \"X\", secret_key = \"Y\" } }\n",
                0o600,
                &[":3:", "only tencent"],
            ),
            (
                "[accounts.a]\nvendor = \"tencent\"\ncredentials = { access_key = \"X\", secret_key = \"Y\" }\n",
                0o644,
                &[":3:", "chmod 600"],
            ),
            (
                "[accounts.a]\nvendor = \"tencent\"\ncredentials = { file = \"/no/such/file\" }\n",
                0o600,
                &[":3:", "does not exist"],
            ),
            (
                "[accounts.a]\nvendor = \"tencent\"\ncredentials = { command = [\"no-such-program-rtc\"] }\n",
                0o600,
                &["not found"],
            ),
            (
                "[accounts.a]\nvendor = \"tencent\"\ncredentials = { env = { access_key = \"X\", secret_key = \"Y\" }, file = \"x\" }\n",
                0o600,
                &["exactly one"],
            ),
        ];
        for (text, mode, needles) in cases {
            let message = refused(text, mode);
            for needle in needles {
                assert!(message.contains(needle), "`{needle}` not in: {message}");
            }
            assert!(
                !message.contains("\"Y\"") && !message.contains(" Y "),
                "{message}"
            );
        }
    }

    #[test]
    fn credentials_come_from_their_source_and_secrets_stay_out_of_messages() {
        let (dir, path) = write(GOOD, 0o600);
        let creds = dir.path().join("creds.toml");
        std::fs::write(
            &creds,
            "access_key = \"FILE_AK\"\nsecret_key = \"file-secret\"\n",
        )
        .unwrap();
        let script = dir.path().join("print-creds");
        std::fs::write(
            &script,
            "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"CMD_AK\", \"SecretAccessKey\": \"cmd-secret\"}'\n",
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        let text = format!(
            "[accounts.f]\nvendor = \"tencent\"\ncredentials = {{ file = \"{}\" }}\n\
             [accounts.c]\nvendor = \"tencent\"\ncredentials = {{ command = [\"{}\"] }}\n",
            creds.display(),
            script.display()
        );
        std::fs::write(&path, text).unwrap();
        let file = load(&path).unwrap();
        let by_name = |n: &str| file.accounts.iter().find(|a| a.name == n).unwrap();
        let f = by_name("f");
        assert_eq!(f.credentials.resolve(f).unwrap().access_key_id(), "FILE_AK");
        #[cfg(unix)]
        {
            let c = by_name("c");
            assert_eq!(c.credentials.resolve(c).unwrap().access_key_id(), "CMD_AK");
            // A command printing something else: refused without echoing it.
            std::fs::write(&script, "#!/bin/sh\necho 'secret-ish garbage'\n").unwrap();
            let message = c.credentials.resolve(c).unwrap_err().message;
            assert!(message.contains("did not print JSON"), "{message}");
            assert!(!message.contains("garbage"), "{message}");
        }
        // A credentials file with a CR LF value is refused naming the field, not the value.
        std::fs::write(
            &creds,
            "access_key = \"FILE_AK\\r\\n\"\nsecret_key = \"s\"\n",
        )
        .unwrap();
        let message = f.credentials.resolve(f).unwrap_err().message;
        assert!(
            message.contains("access_key: it ends with a carriage return"),
            "{message}"
        );
    }
}
