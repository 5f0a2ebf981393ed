//! The accounts the emulator serves. A vendor's accounts are strangers to each other: each
//! has its own credentials (a request signed with one account's key is that account's), its
//! own apps (another account's app is unknown to it) and its own rate windows (the vendors
//! count their limits per account), so a client that runs several accounts at once can be
//! tried offline at every account's full rate.
//!
//! Every vendor has its demo account ([`crate::demo_credentials`]), named `VENDOR-1`;
//! [`crate::EmulatorBuilder::accounts_per_vendor`] and [`crate::EmulatorBuilder::account`] add
//! more, named `VENDOR-2`, `VENDOR-3`, ... with credentials and apps made from the demo ones.
//! (A config file may not name an account after a vendor, hence the number on the first.)

use rtc_usage::Vendor;
use rtc_usage_core::Credentials;
use rtc_usage_core::descriptor::ContextValue;
use rtc_usage_core::usage::AppKind;

use crate::data::splitmix64;
use crate::demo;

/// The most accounts one vendor may have: the made app ids vary in one hexadecimal digit.
pub const MAX_ACCOUNTS_PER_VENDOR: usize = 16;

/// One account of one vendor.
#[derive(Debug, Clone)]
pub struct EmulatedAccount {
    /// Unique in the emulator: `VENDOR-N` for the vendor's N-th account.
    pub name: String,
    pub vendor: Vendor,
    /// N: 1 for the demo account.
    pub number: usize,
    /// What its requests must be signed with (and, for Huawei, the project they name).
    pub credentials: Credentials,
    /// The apps it holds; any other app is unknown to it.
    pub apps: Vec<String>,
}

impl EmulatedAccount {
    /// The `number`-th account of `vendor` (1: the demo account) holding `apps`.
    pub(crate) fn new(vendor: Vendor, number: usize, apps: Vec<String>) -> Self {
        let number = number.max(1);
        Self {
            name: format!("{}-{number}", vendor.id()),
            vendor,
            number,
            credentials: credentials(vendor, number),
            apps,
        }
    }

    /// Whether this is its vendor's demo account (the one `VENDOR:APP` means).
    pub fn is_demo(&self) -> bool {
        self.number == 1
    }
}

/// The credentials of the `number`-th account of `vendor`: the demo ones for the first,
/// else the demo access key and secret with the number appended and a project id of their
/// own, so that every account of every vendor signs with a key of its own.
fn credentials(vendor: Vendor, number: usize) -> Credentials {
    let demo = demo::credentials(vendor);
    if number <= 1 {
        return demo;
    }
    let made = Credentials::new(
        format!("{}{number}", demo.access_key_id()),
        format!("{}-{number}", demo.secret_access_key().expose_secret()),
    );
    let needs_project = vendor.entry().operations.iter().any(|op| {
        op.context_params
            .iter()
            .any(|p| p.value == ContextValue::ProjectId)
    });
    if needs_project {
        let seed = splitmix64((number as u64) << 32);
        let seed = vendor
            .id()
            .bytes()
            .fold(seed, |h, b| splitmix64(h ^ u64::from(b)));
        made.with_project_id(format!(
            "{:016x}{:016x}",
            splitmix64(seed),
            splitmix64(!seed)
        ))
    } else {
        made
    }
}

/// The apps of the `number`-th account of `vendor`, made from its demo apps so that they have
/// the vendor's kind of id and no two accounts share one: an integer id moves by 100 per
/// account (`1400000001` → `1400000101`), another id changes its next-to-last hexadecimal
/// digit (`...0001` → `...0011`), else gains a `-N` suffix.
pub fn account_apps(vendor: Vendor, number: usize) -> Vec<String> {
    let step = number.saturating_sub(1);
    let integer = uses_integer_ids(vendor);
    crate::default_apps(vendor.id())
        .iter()
        .map(|app| shifted(app, step, integer))
        .collect()
}

/// `n` apps of `vendor` beyond its demo apps, for loads larger than them (the benchmarks),
/// numbered from `first`: shaped like its first demo app (the spec's kind of id), an
/// integer id counting up from the demo's + 100,000, another id with its last 8 characters
/// replaced by the number in hexadecimal (from `0x10000`, so never a demo or account app).
pub fn numbered_apps(vendor: Vendor, first: usize, n: usize) -> Vec<String> {
    let demo = crate::default_apps(vendor.id())
        .first()
        .copied()
        .unwrap_or("app-00000000");
    let integer = uses_integer_ids(vendor);
    (first..first.saturating_add(n))
        .map(|i| match demo.parse::<u64>() {
            Ok(id) if integer => id.saturating_add(100_000 + i as u64).to_string(),
            _ => {
                let keep = demo.len().saturating_sub(8);
                let stem = demo.get(..keep).unwrap_or_default();
                format!("{stem}{:08x}", 0x10000 + i)
            }
        })
        .collect()
}

/// Whether `vendor`'s usage operations take the app as an integer (Tencent's SdkAppId).
fn uses_integer_ids(vendor: Vendor) -> bool {
    vendor
        .entry()
        .operations
        .iter()
        .filter_map(|op| op.usage)
        .any(|usage| usage.app.kind == AppKind::Integer)
}

fn shifted(app: &str, step: usize, integer: bool) -> String {
    if step == 0 {
        return app.to_owned();
    }
    if integer && let Ok(n) = app.parse::<u64>() {
        return n.saturating_add(100 * step as u64).to_string();
    }
    let chars: Vec<char> = app.chars().collect();
    let position = chars.len().checked_sub(2);
    let digit = position.and_then(|p| chars[p].to_digit(16).map(|d| (p, d)));
    match digit {
        Some((p, d)) => {
            let mut shifted = chars.clone();
            let c = char::from_digit((d + step as u32) % 16, 16).unwrap_or('0');
            shifted[p] = if chars[p].is_ascii_uppercase() {
                c.to_ascii_uppercase()
            } else {
                c
            };
            shifted.into_iter().collect()
        }
        None => format!("{app}-{}", step + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_apps_have_the_vendors_kind_of_id_and_never_repeat() {
        for vendor in Vendor::all() {
            let demo = crate::default_apps(vendor.id())[0];
            let apps = numbered_apps(vendor, 0, 30);
            let later = numbered_apps(vendor, 10_000, 30);
            let all: std::collections::BTreeSet<&String> = apps.iter().chain(&later).collect();
            assert_eq!(all.len(), 60, "{vendor}: {apps:?}");
            for app in all {
                assert_eq!(app.len(), demo.len(), "{vendor}: {app} shaped like {demo}");
                assert!(!crate::default_apps(vendor.id()).contains(&app.as_str()));
                if uses_integer_ids(vendor) {
                    assert!(app.parse::<u64>().is_ok(), "{vendor}: {app}");
                }
            }
        }
    }

    #[test]
    fn every_account_has_its_own_key_and_apps() {
        for vendor in Vendor::all() {
            let accounts: Vec<EmulatedAccount> = (1..=MAX_ACCOUNTS_PER_VENDOR)
                .map(|n| EmulatedAccount::new(vendor, n, account_apps(vendor, n)))
                .collect();
            assert!(accounts[0].is_demo() && !accounts[1].is_demo());
            assert_eq!(accounts[1].name, format!("{}-2", vendor.id()));
            assert_eq!(
                accounts[0].credentials.access_key_id(),
                demo::credentials(vendor).access_key_id()
            );
            let mut keys: Vec<&str> = accounts
                .iter()
                .map(|a| a.credentials.access_key_id())
                .collect();
            let mut apps: Vec<&String> = accounts.iter().flat_map(|a| &a.apps).collect();
            let all_apps = apps.len();
            keys.sort_unstable();
            keys.dedup();
            apps.sort_unstable();
            apps.dedup();
            assert_eq!(keys.len(), accounts.len(), "{vendor}: a key twice");
            assert_eq!(apps.len(), all_apps, "{vendor}: an app twice");
            // Every made app is a valid app id of the vendor.
            for app in &apps {
                rtc_usage::AppRef::new(vendor, app.as_str())
                    .unwrap_or_else(|e| panic!("{vendor} {app}: {e}"));
            }
            let projects: Vec<Option<&str>> = accounts
                .iter()
                .map(|a| a.credentials.project_id())
                .collect();
            if projects[0].is_some() {
                assert!(projects.iter().all(|p| p.is_some_and(|p| p.len() == 32)));
                assert_ne!(projects[0], projects[1]);
            }
        }
        assert_eq!(shifted("1400000001", 2, true), "1400000201");
        assert_eq!(
            shifted("65f1a2b3c4d5e6f708192a3b", 1, false),
            "65f1a2b3c4d5e6f708192a4b"
        );
        assert_eq!(shifted("ABCF", 1, false), "ABDF");
        assert_eq!(shifted("Your_AppId", 1, false), "Your_AppId-2");
        assert_eq!(shifted("x", 1, false), "x-2");
    }
}
