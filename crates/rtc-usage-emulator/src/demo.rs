//! The emulator's own demo credentials, and the environment that points the clients at it.
//!
//! They are fixed, public values: anything signed with them is accepted, anything else is
//! refused with the vendor's authentication error. Never use them against a real vendor.

use rtc_usage_core::Credentials;

use crate::vendors::Vendor;

pub const DEMO_VOLCENGINE_ACCESS_KEY: &str = "AKLTemulatorDemoVolcengine";
pub const DEMO_VOLCENGINE_SECRET_KEY: &str = "emulator-demo-volcengine-secret";
pub const DEMO_TENCENT_SECRET_ID: &str = "AKIDemulatorDemoTencentSecretId";
pub const DEMO_TENCENT_SECRET_KEY: &str = "emulator-demo-tencent-secret";
pub const DEMO_HUAWEI_ACCESS_KEY: &str = "EMULATORDEMOHUAWEIAK";
pub const DEMO_HUAWEI_SECRET_KEY: &str = "emulator-demo-huawei-secret";
/// The only project the Huawei emulator serves (path and `X-Project-Id`).
pub const DEMO_HUAWEI_PROJECT_ID: &str = "0e1d2c3b4a5968778695a4b3c2d1e0f0";

/// The demo credentials of `vendor` (`volcengine`, `tencent`, `huawei`); Huawei's carry the
/// project id.
pub fn demo_credentials(vendor: &str) -> Option<Credentials> {
    Vendor::from_id(vendor).map(credentials)
}

pub(crate) fn credentials(vendor: Vendor) -> Credentials {
    match vendor {
        Vendor::Volcengine => {
            Credentials::new(DEMO_VOLCENGINE_ACCESS_KEY, DEMO_VOLCENGINE_SECRET_KEY)
        }
        Vendor::Tencent => Credentials::new(DEMO_TENCENT_SECRET_ID, DEMO_TENCENT_SECRET_KEY),
        Vendor::Huawei => Credentials::new(DEMO_HUAWEI_ACCESS_KEY, DEMO_HUAWEI_SECRET_KEY)
            .with_project_id(DEMO_HUAWEI_PROJECT_ID),
    }
}

/// The environment variables that make `Client::from_env()` of every vendor call the
/// emulator at `endpoint_url` with the demo credentials: each vendor's first conventional
/// access key, secret key and project id variable (from the generated `VENDOR`), and its
/// endpoint override.
pub fn demo_env(endpoint_url: &str) -> Vec<(&'static str, String)> {
    let mut vars = Vec::new();
    for vendor in Vendor::ALL {
        let info = vendor.info();
        let env = &info.credential_env;
        let creds = credentials(vendor);
        let mut push = |names: &'static [&'static str], value: Option<&str>| {
            if let (Some(name), Some(value)) = (names.first(), value) {
                vars.push((*name, value.to_owned()));
            }
        };
        push(env.access_key, Some(creds.access_key_id()));
        push(
            env.secret_key,
            Some(creds.secret_access_key().expose_secret()),
        );
        push(env.project_id, creds.project_id());
        vars.push((info.endpoint_env, endpoint_url.to_owned()));
    }
    vars
}

/// [`demo_env`] as `export NAME=value` lines for a POSIX shell, values quoted where needed.
pub fn export_lines(endpoint_url: &str) -> String {
    demo_env(endpoint_url)
        .into_iter()
        .map(|(name, value)| format!("export {name}={}\n", shell_quote(&value)))
        .collect()
}

fn shell_quote(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:@%+=,".contains(&b));
    if plain {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vendor_has_credentials_and_exports() {
        for vendor in Vendor::ALL {
            assert!(demo_credentials(vendor.id()).is_some());
        }
        assert_eq!(
            demo_credentials("huawei").unwrap().project_id(),
            Some(DEMO_HUAWEI_PROJECT_ID)
        );
        assert!(demo_credentials("aws").is_none());
        let lines = export_lines("http://127.0.0.1:8080");
        for expected in [
            "export VOLC_ACCESSKEY=AKLTemulatorDemoVolcengine\n",
            "export TENCENTCLOUD_SECRET_KEY=emulator-demo-tencent-secret\n",
            "export HUAWEICLOUD_SDK_PROJECT_ID=0e1d2c3b4a5968778695a4b3c2d1e0f0\n",
            "export RTC_USAGE_ENDPOINT_HUAWEI=http://127.0.0.1:8080\n",
        ] {
            assert!(lines.contains(expected), "{lines}");
        }
        assert_eq!(lines.lines().count(), 10);
        assert_eq!(shell_quote("a b'c"), r"'a b'\''c'");
    }
}
