//! Agora on the emulator: HTTP Basic checked by the core verifier, the project list with its
//! secret App Certificates (redacted by the client), usage asked by project id (never the App
//! ID) equal to the ground truth of the App ID, 415 without the JSON Content-Type, and the
//! account's one rate window shared by both operations.

mod common;

use chrono::{Days, NaiveDate, Utc};
use common::config;
use rtc_usage::agora;
use rtc_usage::agora::get_usage::Business;
use rtc_usage_core::ErrorKind;
use rtc_usage_emulator::{Emulator, default_apps, demo_app_key, demo_credentials, truth_for};

fn client(emu: &Emulator) -> agora::Client {
    agora::Client::new(config("agora", emu).build().unwrap()).unwrap()
}

fn days() -> (NaiveDate, NaiveDate) {
    let today = Utc::now().date_naive();
    (today - Days::new(5), today - Days::new(2))
}

#[tokio::test]
async fn projects_list_every_app_with_its_key_and_the_client_never_shows_the_secret() {
    let emu = Emulator::builder().start().await.unwrap();
    let out = client(&emu).list_projects().send().await.unwrap();
    let apps = default_apps("agora");
    assert_eq!(out.projects.len(), apps.len());
    for (project, app) in out.projects.iter().zip(apps) {
        assert_eq!(project.vendor_key, *app);
        assert_eq!(project.id, demo_app_key("agora", app));
        assert_eq!(project.status, Some(1));
    }
    assert!(!format!("{out:?}").contains("5ec7e7"), "{out:?}");

    // The raw answer carries the App Certificates; the client's JSON shows them as ***.
    let core = rtc_usage_core::Client::new(&agora::VENDOR, config("agora", &emu).build().unwrap())
        .unwrap();
    let op = rtc_usage_core::api::find(agora::API, "ListProjects", None).unwrap();
    let raw = op.invoke(&core, serde_json::json!({})).await.unwrap();
    let text = raw.to_string();
    assert!(!text.contains("5ec7e7"), "{text}");
    assert_eq!(raw["projects"][0]["sign_key"], "***");
    assert_eq!(raw["projects"][0]["vendor_key"], apps[0]);
}

#[tokio::test]
async fn usage_by_project_id_is_the_truth_of_its_app_and_an_app_id_is_refused() {
    let emu = Emulator::builder().start().await.unwrap();
    let client = client(&emu);
    let app = default_apps("agora")[1];
    let (first, last) = days();
    for business in [
        Business::Default,
        Business::CloudRecording,
        Business::TranscodeDuration,
    ] {
        let out = client
            .get_usage()
            .project_id(demo_app_key("agora", app))
            .from_date(first)
            .to_date(last)
            .business(business.clone())
            .send()
            .await
            .unwrap();
        // The emulator answers every day from..=to; the facade drops what it did not ask.
        assert_eq!(out.usages.len(), 4, "{business}");
        for (day, usage) in first.iter_days().zip(&out.usages) {
            let truth = truth_for("agora", "GetUsage", app, day, Some(business.as_str()));
            let figures = &usage.usage;
            let got = [
                figures.duration_audio_all,
                figures.duration_video_hd,
                figures.duration_video_hdp,
                figures.duration_video1080_p,
                figures.duration_video2_k,
                figures.duration_video4_k,
            ];
            let expected: Vec<f64> = truth.iter().map(|(_, s)| *s as f64).collect();
            assert_eq!(got.to_vec(), expected, "{business} {day}");
        }
    }
    let err = client
        .get_usage()
        .project_id(app)
        .from_date(first)
        .to_date(last)
        .business(Business::Default)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameter, "{err}");
    assert_eq!(err.code(), Some("400"));
    assert!(err.message().contains(app), "{err}");
}

#[tokio::test]
async fn wrong_credentials_and_content_type_are_the_vendors_errors() {
    let emu = Emulator::builder().start().await.unwrap();
    let demo = demo_credentials("agora").unwrap();
    let wrong = rtc_usage_core::Credentials::new(demo.access_key_id(), "not-the-secret");
    let client =
        agora::Client::new(config("agora", &emu).credentials(wrong).build().unwrap()).unwrap();
    let err = client.list_projects().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
    assert_eq!((err.code(), err.http_status()), (Some("401"), Some(401)));
    assert!(!err.to_string().contains("not-the-secret"));

    // A raw GET with the right Basic credential but no JSON Content-Type.
    let authorization = rtc_usage_core::signing::agora::authorization(&demo);
    let http = reqwest::Client::new();
    let answer = http
        .get(format!("{}/dev/v1/projects", emu.url()))
        .header("Authorization", &authorization)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 415);
    let body: serde_json::Value = serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("application/json")
    );
    // And an unknown path of the API is its 404.
    let answer = http
        .get(format!("{}/dev/v1/nothing", emu.url()))
        .header("Authorization", &authorization)
        .header("Content-Type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 404);
}

/// The facade over 95 days, every app and category: each App ID looked up once for the run,
/// every record the emulator's ground truth of that App ID, the documented limits kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facade_names_app_ids_and_reports_their_truth() {
    use rtc_usage::{AppRef, Category, UsageClient, UsageQuery};
    let emu = Emulator::builder().start().await.unwrap();
    let usage = UsageClient::builder().client(client(&emu)).build();
    let (from, to) = (
        Utc::now().date_naive() - Days::new(96),
        Utc::now().date_naive() - Days::new(2),
    );
    let apps = default_apps("agora");
    let query = UsageQuery::new(from, to)
        .apps(
            apps.iter()
                .map(|a| format!("agora:{a}").parse::<AppRef>().unwrap()),
        )
        .categories(Category::ALL);
    let report = usage.usage(&query).await.unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let variant = |c: Category| match c {
        Category::Call => "default",
        Category::Recording => "cloudRecording",
        _ => "transcodeDuration",
    };
    let mut expected = 0;
    for app in apps {
        for category in Category::ALL {
            for day in from.iter_days().take_while(|d| *d <= to) {
                for (tier, seconds) in
                    truth_for("agora", "GetUsage", app, day, Some(variant(category)))
                {
                    let got = report
                        .records
                        .iter()
                        .find(|r| {
                            r.app == *app
                                && r.category == category
                                && r.vendor_tier == tier
                                && r.start.date_naive() == day
                        })
                        .unwrap_or_else(|| panic!("{app} {category} {day} {tier}"));
                    assert_eq!(got.seconds, seconds as f64, "{app} {category} {day} {tier}");
                    expected += 1;
                }
            }
        }
    }
    assert_eq!(report.records.len(), expected);
    let stats = emu.stats();
    assert_eq!(stats.operation("agora", "ListProjects").ok, 1, "{stats:?}");
    // Four windows of 30 days, three businesses, three apps.
    let usage_calls = stats.operation("agora", "GetUsage");
    assert_eq!(usage_calls.ok, 4 * 3 * 3, "{usage_calls:?}");
    assert_eq!(usage_calls.requests, usage_calls.ok + usage_calls.throttled);
}

/// 10 requests per second per account: the two operations share the window.
#[tokio::test]
async fn both_operations_share_the_accounts_rate_window() {
    let emu = Emulator::builder().start().await.unwrap();
    let client = agora::Client::new(
        config("agora", &emu)
            .disable_rate_limit()
            .retry_config(rtc_usage_core::RetryConfig::disabled())
            .build()
            .unwrap(),
    )
    .unwrap();
    let app = default_apps("agora")[0];
    let (first, last) = days();
    // Twelve requests at once, half of each operation.
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..12 {
        let client = client.clone();
        let key = demo_app_key("agora", app);
        calls.spawn(async move {
            if i % 2 == 0 {
                client.list_projects().send().await.map(|_| ())
            } else {
                client
                    .get_usage()
                    .project_id(key)
                    .from_date(first)
                    .to_date(last)
                    .business(Business::Default)
                    .send()
                    .await
                    .map(|_| ())
            }
        });
    }
    let mut throttled = 0;
    while let Some(result) = calls.join_next().await {
        if let Err(e) = result.unwrap() {
            assert_eq!(e.kind(), ErrorKind::Throttled, "{e}");
            assert_eq!(e.code(), Some("429"));
            throttled += 1;
        }
    }
    assert_eq!(throttled, 2, "ten of twelve are admitted in one window");
    let stats = emu.stats();
    let ok = stats.operation("agora", "ListProjects").ok + stats.operation("agora", "GetUsage").ok;
    assert_eq!(ok + throttled, 12);
}
