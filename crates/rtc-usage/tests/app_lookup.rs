//! An app parameter that takes another key than the app id a user names (Agora's project id
//! for an App ID, `usage.app.lookup`): the facade lists the account's apps once per run, shared
//! by every window, variant and app, sends each app's key, labels records with the App ID, and
//! names an App ID the account does not have.

use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rtc_usage::agora::stub::AgoraStub;
use rtc_usage::agora::{self, GetUsageRequest, GetUsageResponse, ListProjectsResponse};
use rtc_usage::{AppRef, Category, UsageClient, UsageQuery};
use rtc_usage_core::{BoxFuture, Error, ErrorKind};
use serde_json::json;

const APPS: [(&str, &str); 3] = [
    ("5b7c1e9f2d3a4c6e8f0a1b2c3d4e5f67", "rproject01"),
    ("5b7c1e9f2d3a4c6e8f0a1b2c3d4e5f68", "rproject02"),
    ("5b7c1e9f2d3a4c6e8f0a1b2c3d4e5f69", "rproject03"),
];
const SECRET: &str = "sign-key-SECRET-0123";

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// What the usage calls asked: (project id, business, from, to).
type Asked = Arc<Mutex<Vec<(String, String, NaiveDate, NaiveDate)>>>;

/// Counts the listings, records the usage calls, answers each day with its day-of-month.
#[derive(Debug, Default)]
struct Agora {
    listings: Arc<Mutex<u32>>,
    asked: Asked,
    failing_listing: bool,
}

impl AgoraStub for Agora {
    fn list_projects(
        &self,
        _input: agora::ListProjectsRequest,
    ) -> BoxFuture<'_, Result<ListProjectsResponse, Error>> {
        *self.listings.lock().unwrap() += 1;
        if self.failing_listing {
            let e = Error::service(
                &agora::list_projects::DESCRIPTOR,
                ErrorKind::Auth,
                Some("401".into()),
                "Invalid authentication credentials",
            );
            return Box::pin(async move { Err(e) });
        }
        let projects: Vec<_> = APPS
            .iter()
            .map(|(app, id)| json!({"id": id, "vendor_key": app, "sign_key": SECRET}))
            .collect();
        let out = serde_json::from_value(json!({ "projects": projects })).unwrap();
        Box::pin(async move { Ok(out) })
    }

    fn get_usage(&self, input: GetUsageRequest) -> BoxFuture<'_, Result<GetUsageResponse, Error>> {
        self.asked.lock().unwrap().push((
            input.project_id.clone(),
            input.business.to_string(),
            input.from_date,
            input.to_date,
        ));
        // Every day asked, the end included (the facade drops what it does not need).
        let usages: Vec<_> = input
            .from_date
            .iter_days()
            .take_while(|d| *d <= input.to_date)
            .map(|d| {
                json!({
                    "date": format!("{d}T00:00:00.000Z"),
                    "usage": {"durationAudioAll": chrono::Datelike::day(&d), "durationVideoHd": 1},
                })
            })
            .collect();
        let out = serde_json::from_value(json!({ "usages": usages })).unwrap();
        Box::pin(async move { Ok(out) })
    }
}

fn app(id: &str) -> AppRef {
    format!("agora:{id}").parse().unwrap()
}

#[tokio::test]
async fn the_app_keys_are_listed_once_for_every_window_variant_and_app() {
    let stub = Agora::default();
    let (listings, asked) = (Arc::clone(&stub.listings), Arc::clone(&stub.asked));
    let usage = UsageClient::builder()
        .client(agora::Client::from_stub(stub))
        .build();
    let query = UsageQuery::new(day("2026-05-01"), day("2026-08-03"))
        .app(app(APPS[0].0))
        .app(app(APPS[2].0))
        .categories([Category::Call, Category::Recording, Category::Transcoding]);
    let report = usage.usage(&query).await.unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(*listings.lock().unwrap(), 1, "one listing per run");

    let asked = asked.lock().unwrap().clone();
    // 95 days in windows of 30 (31 inclusive days, the end sent as the day after), each
    // business asked, both apps: 4 × 3 × 2 calls, each with the app's project id.
    assert_eq!(asked.len(), 4 * 3 * 2);
    assert!(
        asked
            .iter()
            .all(|(id, ..)| id == APPS[0].1 || id == APPS[2].1)
    );
    let mut businesses: Vec<&str> = asked.iter().map(|(_, b, ..)| b.as_str()).collect();
    businesses.sort();
    businesses.dedup();
    assert_eq!(
        businesses,
        ["cloudRecording", "default", "transcodeDuration"]
    );
    assert!(
        asked
            .iter()
            .any(|(_, _, from, to)| (*from, *to) == (day("2026-05-01"), day("2026-05-31")))
    );

    // Records are labelled with the App ID, every day once per tier and category.
    assert!(
        report
            .records
            .iter()
            .all(|r| r.app == APPS[0].0 || r.app == APPS[2].0)
    );
    let audio_calls: Vec<_> = report
        .records
        .iter()
        .filter(|r| r.app == APPS[0].0 && r.category == Category::Call)
        .filter(|r| r.vendor_tier == "usage.durationAudioAll")
        .collect();
    assert_eq!(audio_calls.len(), 95);
    assert_eq!(audio_calls[0].seconds, 1.0);
    assert_eq!(audio_calls[94].seconds, 3.0);
    // The App Certificate of the listing shows nowhere.
    assert!(!format!("{report:?}").contains(SECRET));
}

#[tokio::test]
async fn an_unknown_app_id_is_named_with_the_accounts_app_count() {
    let stub = Agora::default();
    let (listings, asked) = (Arc::clone(&stub.listings), Arc::clone(&stub.asked));
    let usage = UsageClient::builder()
        .client(agora::Client::from_stub(stub))
        .build();
    let query = UsageQuery::new(day("2026-05-01"), day("2026-07-01"))
        .app(app("0000000000000000000000000000dead"))
        .app(app(APPS[1].0));
    let report = usage.usage(&query).await.unwrap();
    assert_eq!(*listings.lock().unwrap(), 1);
    // The known app is fetched; every window of the unknown one fails, naming it.
    assert!(asked.lock().unwrap().iter().all(|(id, ..)| id == APPS[1].1));
    assert!(!report.records.is_empty());
    assert_eq!(report.failures.len(), 3);
    for failure in &report.failures {
        let e = &failure.error;
        assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
        assert!(
            e.message().contains("0000000000000000000000000000dead"),
            "{e}"
        );
        assert!(e.message().contains("3 apps"), "{e}");
        assert!(!e.to_string().contains(SECRET));
    }
}

#[tokio::test]
async fn a_failed_listing_fails_every_window_without_calling_again() {
    let stub = Agora {
        failing_listing: true,
        ..Agora::default()
    };
    let (listings, asked) = (Arc::clone(&stub.listings), Arc::clone(&stub.asked));
    let usage = UsageClient::builder()
        .client(agora::Client::from_stub(stub))
        .build();
    let query = UsageQuery::new(day("2026-05-01"), day("2026-07-01")).app(app(APPS[0].0));
    let report = usage.usage(&query).await.unwrap();
    assert_eq!(*listings.lock().unwrap(), 1);
    assert!(asked.lock().unwrap().is_empty());
    assert_eq!(report.failures.len(), 3);
    assert!(
        report
            .failures
            .iter()
            .all(|f| f.error.kind() == ErrorKind::Auth)
    );
}

/// Checked before any call: the plan needs no listing (the App ID stands in for its key).
#[test]
fn planning_calls_nothing() {
    let stub = Agora::default();
    let listings = Arc::clone(&stub.listings);
    let usage = UsageClient::builder()
        .client(agora::Client::from_stub(stub))
        .build();
    let query = UsageQuery::new(day("2026-05-01"), day("2026-05-31")).app(app(APPS[0].0));
    let plan = usage.plan(&query).unwrap();
    assert_eq!(plan.calls.len(), 2, "{plan:?}");
    assert_eq!(*listings.lock().unwrap(), 0);
}
