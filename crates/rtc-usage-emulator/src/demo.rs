//! The emulator's own demo credentials, and the environment that points the clients at it.
//!
//! They are fixed, public values: anything signed with them is accepted, anything else is
//! refused with the vendor's authentication error. Never use them against a real vendor.

use rtc_usage::Vendor;
use rtc_usage_core::Credentials;
use rtc_usage_core::descriptor::ContextValue;

use crate::data::splitmix64;

pub const DEMO_VOLCENGINE_ACCESS_KEY: &str = "AKLTemulatorDemoVolcengine";
pub const DEMO_VOLCENGINE_SECRET_KEY: &str = "emulator-demo-volcengine-secret";
pub const DEMO_TENCENT_SECRET_ID: &str = "AKIDemulatorDemoTencentSecretId";
pub const DEMO_TENCENT_SECRET_KEY: &str = "emulator-demo-tencent-secret";
pub const DEMO_HUAWEI_ACCESS_KEY: &str = "EMULATORDEMOHUAWEIAK";
pub const DEMO_HUAWEI_SECRET_KEY: &str = "emulator-demo-huawei-secret";
/// The only project the Huawei emulator serves (path and `X-Project-Id`).
pub const DEMO_HUAWEI_PROJECT_ID: &str = "0e1d2c3b4a5968778695a4b3c2d1e0f0";
/// An AccessKey id in the shape of Alibaba Cloud's (`LTAI...`).
pub const DEMO_ALIBABA_ACCESS_KEY_ID: &str = "LTAI5tEmulatorDemoAlibaba";
pub const DEMO_ALIBABA_ACCESS_KEY_SECRET: &str = "emulator-demo-alibaba-secret";

/// The demo vendors' credentials: vendor id, access key, secret key, project id.
const DEMO: &[(&str, &str, &str, Option<&str>)] = &[
    (
        "volcengine",
        DEMO_VOLCENGINE_ACCESS_KEY,
        DEMO_VOLCENGINE_SECRET_KEY,
        None,
    ),
    (
        "tencent",
        DEMO_TENCENT_SECRET_ID,
        DEMO_TENCENT_SECRET_KEY,
        None,
    ),
    (
        "huawei",
        DEMO_HUAWEI_ACCESS_KEY,
        DEMO_HUAWEI_SECRET_KEY,
        Some(DEMO_HUAWEI_PROJECT_ID),
    ),
    (
        "alibaba",
        DEMO_ALIBABA_ACCESS_KEY_ID,
        DEMO_ALIBABA_ACCESS_KEY_SECRET,
        None,
    ),
];

/// The demo credentials of the vendor `id` (`volcengine`, `tencent`, `huawei`, or any other of
/// the registry); those of a vendor whose operations name a project carry one.
pub fn demo_credentials(id: &str) -> Option<Credentials> {
    Vendor::get(id).map(credentials)
}

/// A vendor's demo credentials: the listed ones, else made from its id (access key
/// `EMULATORDEMO<ID>AK`, secret `emulator-demo-<id>-secret`, and a project id of 32 hex digits
/// where an operation needs one), distinct for every vendor, so that vendors of one shape are
/// told apart by the access key a request is signed with.
pub(crate) fn credentials(vendor: Vendor) -> Credentials {
    let id = vendor.id();
    if let Some((_, access, secret, project)) = DEMO.iter().find(|(v, ..)| *v == id) {
        let credentials = Credentials::new(*access, *secret);
        return match project {
            Some(project) => credentials.with_project_id(*project),
            None => credentials,
        };
    }
    let access: String = id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let credentials = Credentials::new(
        format!("EMULATORDEMO{access}AK"),
        format!("emulator-demo-{id}-secret"),
    );
    let needs_project = vendor.entry().operations.iter().any(|op| {
        op.context_params
            .iter()
            .any(|p| p.value == ContextValue::ProjectId)
    });
    if needs_project {
        let seed = id.bytes().fold(0u64, |h, b| splitmix64(h ^ u64::from(b)));
        let project = format!("{:016x}{:016x}", splitmix64(seed), splitmix64(!seed));
        credentials.with_project_id(project)
    } else {
        credentials
    }
}

/// The key a looked-up app parameter takes for `app` of the vendor `vendor` (its id), where its
/// usage names apps by another key (`usage.app.lookup`: Agora's project id for an App ID): ten
/// lowercase letters and digits made from the vendor and the app, like Agora's project ids.
/// The emulator's listing operation answers each app with it, and its usage operation takes it.
pub fn demo_app_key(vendor: &str, app: &str) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut h = vendor
        .bytes()
        .chain([0xff])
        .chain(app.bytes())
        .fold(0x4b1d_u64, |h, b| splitmix64(h ^ u64::from(b)));
    (0..10)
        .map(|_| {
            h = splitmix64(h);
            char::from(DIGITS[(h % 36) as usize])
        })
        .collect()
}

/// The app of `apps` whose key ([`demo_app_key`]) is `key`.
pub(crate) fn app_of_key(vendor: Vendor, apps: &[String], key: &str) -> Option<String> {
    apps.iter()
        .find(|app| demo_app_key(vendor.id(), app) == key)
        .cloned()
}

/// The environment variables that make `Client::from_env()` of every vendor call the
/// emulator at `endpoint_url` with the demo credentials: each vendor's first conventional
/// access key, secret key and project id variable (from the generated `VENDOR`), and its
/// endpoint override.
pub fn demo_env(endpoint_url: &str) -> Vec<(&'static str, String)> {
    let mut vars = Vec::new();
    for vendor in Vendor::all() {
        let info = vendor.entry().info;
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
        let keys: Vec<String> = Vendor::all()
            .map(|v| demo_credentials(v.id()).unwrap().access_key_id().to_owned())
            .collect();
        for (i, key) in keys.iter().enumerate() {
            assert!(!keys[..i].contains(key), "{key} twice");
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
        // Per vendor: access key, secret key, the project where it has one, the endpoint
        // (10 lines for the three demo vendors).
        let expected: usize = Vendor::all()
            .map(|v| 3 + usize::from(credentials(v).project_id().is_some()))
            .sum();
        assert_eq!(lines.lines().count(), expected);
        let demo_vendors = ["volcengine", "tencent", "huawei"]
            .map(|id| 3 + usize::from(demo_credentials(id).unwrap().project_id().is_some()));
        assert_eq!(demo_vendors.iter().sum::<usize>(), 10);
        assert_eq!(shell_quote("a b'c"), r"'a b'\''c'");
        // App keys: ten characters, distinct per app and vendor, found back from the apps.
        let apps: Vec<String> = ["a1", "a2", "a3"].map(String::from).to_vec();
        let keys: Vec<String> = apps.iter().map(|a| demo_app_key("agora", a)).collect();
        assert!(keys.iter().all(|k| k.len() == 10), "{keys:?}");
        assert!(keys[0] != keys[1] && keys[1] != keys[2]);
        assert_ne!(demo_app_key("agora", "a1"), demo_app_key("other", "a1"));
        let agora = Vendor::get("agora").unwrap();
        assert_eq!(app_of_key(agora, &apps, &keys[2]).as_deref(), Some("a3"));
        assert_eq!(app_of_key(agora, &apps, "nope"), None);
    }
}
