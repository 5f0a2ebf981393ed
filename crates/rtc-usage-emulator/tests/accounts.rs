//! Several accounts of one vendor: each signs with its own key, holds its own apps (another
//! account's are unknown to it) and has its own rate windows, as the vendors count limits
//! per account.

mod common;

use common::*;
use rtc_usage::huawei::list_rtc_history_usage::Metric;
use rtc_usage_core::ErrorKind;
use rtc_usage_emulator::{EmulatedAccount, Emulator, account_apps, truth};

fn account<'a>(emu: &'a Emulator, name: &str) -> &'a EmulatedAccount {
    emu.accounts()
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no account {name}"))
}

#[tokio::test]
async fn each_account_answers_for_its_own_apps_only() {
    let emu = Emulator::builder()
        .accounts_per_vendor(3)
        .start()
        .await
        .unwrap();
    assert_eq!(emu.accounts().len(), 3 * rtc_usage::Vendor::all().count());
    let (first, third) = (account(&emu, "tencent-1"), account(&emu, "tencent-3"));
    assert!(first.is_demo() && !third.is_demo());
    let tencent_vendor = rtc_usage::Vendor::get("tencent").unwrap();
    assert_eq!(third.apps, account_apps(tencent_vendor, 3));
    let day = days_ago(2);
    let client = tencent(config("tencent", &emu).credentials(third.credentials.clone()));
    let own: u64 = third.apps[0].parse().unwrap();
    let answer = client
        .describe_trtc_usage()
        .sdk_app_id(own)
        .start_time(day)
        .end_time(day)
        .send()
        .await
        .expect("the account's own app");
    assert!(!answer.usage_list.is_empty());
    // The demo account's app is not this account's.
    let other: u64 = first.apps[0].parse().unwrap();
    let refused = client
        .describe_trtc_usage()
        .sdk_app_id(other)
        .start_time(day)
        .end_time(day)
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::NotFound, "{refused}");

    // Huawei: the account's own project; the demo project with this account's key is refused.
    let huawei_2 = account(&emu, "huawei-2");
    let hw = huawei(config("huawei", &emu).credentials(huawei_2.credentials.clone()));
    let answer = hw
        .list_rtc_history_usage()
        .app(huawei_2.apps[0].as_str())
        .metric(Metric::CommunicationDuration)
        .start_date(day)
        .end_date(day)
        .send()
        .await
        .expect("the account's own project and app");
    let total: u64 = truth("huawei", &huawei_2.apps[0], day)
        .iter()
        .map(|(_, s)| s)
        .sum();
    assert!(total > 0 && !answer.usage.is_empty());
    let demo_project = account(&emu, "huawei-1").credentials.project_id().unwrap();
    let mixed = huawei_2.credentials.clone();
    let mixed = rtc_usage_core::Credentials::new(
        mixed.access_key_id(),
        mixed.secret_access_key().expose_secret(),
    )
    .with_project_id(demo_project);
    let refused = huawei(config("huawei", &emu).credentials(mixed))
        .list_rtc_history_usage()
        .app(huawei_2.apps[0].as_str())
        .metric(Metric::CommunicationDuration)
        .start_date(day)
        .end_date(day)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused.kind(),
            ErrorKind::Auth | ErrorKind::InvalidParameter
        ),
        "{refused}"
    );
}

#[tokio::test]
async fn every_account_has_its_own_rate_window() {
    // Volcengine: 2 requests per second per operation and account; no client-side limiter
    // and no retries, so the emulator's windows show.
    let emu = Emulator::builder()
        .accounts_per_vendor(2)
        .start()
        .await
        .unwrap();
    let day = days_ago(2);
    let mut admitted = Vec::new();
    for name in ["volcengine-1", "volcengine-2"] {
        let account = account(&emu, name);
        let client = volcengine(
            config("volcengine", &emu)
                .credentials(account.credentials.clone())
                .disable_rate_limit()
                .retry_config(rtc_usage_core::RetryConfig::disabled()),
        );
        let mut ok = 0;
        for _ in 0..3 {
            let sent = client
                .list_usages()
                .app_id(account.apps[0].as_str())
                .start_time(midnight(day))
                .end_time(midnight(day))
                .send()
                .await;
            match sent {
                Ok(_) => ok += 1,
                Err(e) => assert_eq!(e.kind(), ErrorKind::Throttled, "{e}"),
            }
        }
        admitted.push(ok);
    }
    // Each account gets its own 2 of the 3 within the second.
    assert_eq!(admitted, [2, 2]);
    assert_eq!(emu.stats().throttled, 2);
}

#[tokio::test]
async fn bad_account_settings_are_refused() {
    for builder in [
        Emulator::builder().accounts_per_vendor(0),
        Emulator::builder().accounts_per_vendor(rtc_usage_emulator::MAX_ACCOUNTS_PER_VENDOR + 1),
        Emulator::builder().account("aws", ["x"]),
        // An app of the demo account given to another account too.
        Emulator::builder().account("tencent", ["1400000001"]),
        Emulator::builder().account("tencent", ["not-a-number"]),
    ] {
        let error = builder.start().await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{error}");
    }
    let emu = Emulator::builder()
        .account("tencent", ["1400009999"])
        .start()
        .await
        .unwrap();
    let added = account(&emu, "tencent-2");
    assert_eq!(added.apps, ["1400009999"]);
    assert_ne!(
        added.credentials.access_key_id(),
        account(&emu, "tencent-1").credentials.access_key_id()
    );
}
