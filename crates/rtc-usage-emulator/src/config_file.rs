//! The emulator's accounts as an rtc-usage config file (TOML, the format `rtc-usage accounts
//! --help` documents), so that a multi-account run can be tried offline:
//! `rtc-usage emulator --write-config FILE`, then `rtc-usage usage --config FILE ...`.
//!
//! The secrets are written inline, which the CLI accepts only from a file others cannot
//! read: the file is created with mode 0600 (on Unix) beside its final name and renamed into
//! place, so an existing file is replaced whole or not at all.

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::Path;

use crate::accounts::EmulatedAccount;

/// `accounts` as a config file whose endpoints are `url`; each vendor's demo account is its
/// `default` (what `--app VENDOR:APP` means).
pub(crate) fn render(accounts: &[EmulatedAccount], url: &str) -> String {
    let mut text = format!(
        "# rtc-usage accounts of the emulator at {url}: synthetic data and public demo\n\
         # credentials, never a real account's. Written by `rtc-usage emulator --write-config`.\n"
    );
    for account in accounts {
        let credentials = &account.credentials;
        let apps: Vec<String> = account.apps.iter().map(|a| quoted(a)).collect();
        let _ = write!(
            text,
            "\n[accounts.{name}]\nvendor = {vendor}\nendpoint = {url}\napps = [{apps}]\n",
            name = account.name,
            vendor = quoted(account.vendor.id()),
            url = quoted(url),
            apps = apps.join(", "),
        );
        if account.is_demo() {
            text.push_str("default = true\n");
        }
        let _ = write!(
            text,
            "labels = {{ source = \"emulator\" }}\ncredentials = {{ access_key = {}, secret_key = {}",
            quoted(credentials.access_key_id()),
            quoted(credentials.secret_access_key().expose_secret()),
        );
        if let Some(project) = credentials.project_id() {
            let _ = write!(text, ", project_id = {}", quoted(project));
        }
        text.push_str(" }\n");
    }
    text
}

/// A TOML basic string: JSON's string escapes are TOML's.
fn quoted(value: &str) -> String {
    serde_json::Value::from(value).to_string()
}

/// Writes `text` to `path`, readable by its owner only, replacing any file there at once.
pub(crate) fn write(path: &Path, text: &str) -> io::Result<()> {
    let file_name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let mut temporary_name = std::ffi::OsString::from(".");
    temporary_name.push(file_name);
    temporary_name.push(format!(".{}.tmp", std::process::id()));
    let temporary = path.with_file_name(temporary_name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(&temporary).and_then(|mut file| {
        file.write_all(text.as_bytes())?;
        file.sync_all()
    });
    let renamed = written.and_then(|()| std::fs::rename(&temporary, path));
    if renamed.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    renamed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EmulatorBuilder;

    #[test]
    fn every_account_is_written_with_its_credentials_and_apps() {
        let accounts = EmulatorBuilder::default().accounts_per_vendor(2).accounts();
        let text = render(&accounts, "http://127.0.0.1:9");
        for account in &accounts {
            assert!(
                text.contains(&format!("[accounts.{}]\n", account.name)),
                "{text}"
            );
            assert!(text.contains(account.credentials.access_key_id()));
            for app in &account.apps {
                assert!(text.contains(&quoted(app)));
            }
        }
        assert_eq!(
            text.matches("default = true").count(),
            rtc_usage::Vendor::all().count()
        );
        assert!(text.contains("project_id = "));
        assert_eq!(quoted("a\"b\\c"), r#""a\"b\\c""#);
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private_and_replaced_whole() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("rtc-usage-emu-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(&path, "old").unwrap();
        write(&path, "new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "no temporary file left"
        );
        assert!(write(&dir.join("missing-dir").join("x.toml"), "x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
