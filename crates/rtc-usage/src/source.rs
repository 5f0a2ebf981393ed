//! One usage source per usage operation and variant of a vendor: how a window becomes the
//! operation's request (as JSON keyed by wire names, from its `usage:` block and span), and
//! how its answer becomes normalized records ([`crate::normalize`]). Nothing here names a
//! vendor: everything comes from the generated descriptors.
//!
//! An app parameter that takes another key than the app id a user names (Agora's project id
//! for an App ID, the usage block's `app.lookup`) is filled from the vendor's listing
//! operation, called once per client and run ([`AppKeys`]) and shared by every window.

use std::fmt;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use rtc_usage_core::api::ApiOperation;
use rtc_usage_core::registry::DynClient;
use rtc_usage_core::request_id;
use rtc_usage_core::usage::{AppKind, AppLookup, TimeFormat, UsageSpec};
use rtc_usage_core::{BoxFuture, Error, ErrorKind, OperationDescriptor};
use serde_json::{Map, Value};

use crate::app::{ALL_APPS, AppId};
use crate::normalize::{Normalized, normalize};
use crate::record::{Bucket, Category};
use crate::vendor::Vendor;
use crate::window::DayWindow;

/// One usage operation of a vendor, asked with one value of its variant parameter, through
/// the vendor's client.
pub(crate) struct Source {
    pub vendor: Vendor,
    pub op: &'static OperationDescriptor,
    api: &'static ApiOperation,
    pub(crate) usage: &'static UsageSpec,
    variant: Option<&'static str>,
    pub category: Category,
    client: Arc<dyn DynClient>,
    /// The looked-up app keys of the vendor's client, shared by all its sources.
    keys: Arc<AppKeys>,
}

/// The app id → key tables of one vendor client, one per lookup (`usage.app.lookup`), each
/// made by one call of its listing operation, when a window first needs it, and shared by
/// every window of the run. A failed listing is kept too: every window that needs it fails
/// with that error instead of calling again.
#[derive(Default)]
pub(crate) struct AppKeys {
    tables: Mutex<Vec<(AppLookup, Arc<KeyTable>)>>,
}

type KeyTable = tokio::sync::OnceCell<Result<Arc<[(String, String)]>, Error>>;

impl AppKeys {
    /// The key of app `id` by `lookup` (calling the listing through `client` if this is the
    /// first need of it); an app id the listing does not have is an error naming it and how
    /// many apps the account has.
    async fn key(
        &self,
        vendor: Vendor,
        usage_op: &'static OperationDescriptor,
        lookup: AppLookup,
        client: &dyn DynClient,
        id: &str,
    ) -> Result<String, Error> {
        let cell = {
            let mut tables = self
                .tables
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match tables.iter().find(|(l, _)| *l == lookup) {
                Some((_, cell)) => Arc::clone(cell),
                None => {
                    let cell = Arc::new(KeyTable::new());
                    tables.push((lookup, Arc::clone(&cell)));
                    cell
                }
            }
        };
        let table = cell
            .get_or_init(|| list(vendor, usage_op, lookup, client))
            .await
            .clone()?;
        table
            .iter()
            .find(|(app, _)| app == id)
            .map(|(_, key)| key.clone())
            .ok_or_else(|| {
                Error::service(
                    usage_op,
                    ErrorKind::NotFound,
                    None,
                    format!(
                        "the {} account has no app `{id}`: {} lists {} app{} (`{}`), none of them `{id}`",
                        vendor.display_name(),
                        lookup.operation,
                        table.len(),
                        if table.len() == 1 { "" } else { "s" },
                        lookup.key,
                    ),
                )
            })
    }
}

/// One call of `lookup`'s listing operation, read as app id → key pairs.
async fn list(
    vendor: Vendor,
    usage_op: &'static OperationDescriptor,
    lookup: AppLookup,
    client: &dyn DynClient,
) -> Result<Arc<[(String, String)]>, Error> {
    let listing = vendor
        .entry()
        .operations
        .iter()
        .copied()
        .find(|op| op.name == lookup.operation)
        .ok_or_else(|| {
            Error::invalid_input(
                usage_op,
                format!("{} has no operation {}", vendor.id(), lookup.operation),
            )
        })?;
    let payload = client.call_json(listing, Value::Object(Map::new())).await?;
    let table = lookup.table(&payload).ok_or_else(|| {
        Error::service(
            listing,
            ErrorKind::Decode,
            None,
            format!(
                "the answer of {} has no array `{}`",
                listing.name, lookup.rows
            ),
        )
    })?;
    tracing::debug!(
        vendor = vendor.id(),
        operation = listing.name,
        apps = table.len(),
        "app keys listed"
    );
    Ok(table.into())
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Source")
            .field("vendor", &self.vendor)
            .field("operation", &self.op.name)
            .field("variant", &self.variant)
            .field("category", &self.category)
            .finish_non_exhaustive()
    }
}

/// Every source of `vendor`: one per usage operation the facade asks and value of its
/// variant parameter, all through `client`.
pub(crate) fn sources(vendor: Vendor, client: Arc<dyn DynClient>) -> Vec<Arc<Source>> {
    let entry = vendor.entry();
    let keys = Arc::new(AppKeys::default());
    let mut out = Vec::new();
    for (op, usage) in vendor.usage_operations() {
        let Some(api) = entry.api.iter().find(|a| std::ptr::eq(a.descriptor, op)) else {
            continue;
        };
        for (variant, category) in usage.calls() {
            out.push(Arc::new(Source {
                vendor,
                op,
                api,
                usage,
                variant,
                category,
                client: Arc::clone(&client),
                keys: Arc::clone(&keys),
            }));
        }
    }
    out
}

impl Source {
    /// The request of one window: the app, the span's start and end, the variant and the
    /// usage block's fixed parameters, keyed by wire names. Where the app parameter is looked
    /// up (`usage.app.lookup`), the app id stands in for its key (same JSON type): enough for
    /// the checks before any call; [`Source::fetch`] sends the key.
    pub fn request(&self, app: &AppId, window: DayWindow) -> Result<Value, Error> {
        self.request_with_key(app, None, window)
    }

    /// [`Source::request`] with the looked-up `key` of the app, where there is one.
    fn request_with_key(
        &self,
        app: &AppId,
        key: Option<&str>,
        window: DayWindow,
    ) -> Result<Value, Error> {
        let op = self.op;
        let mut input = Map::new();
        let param = &self.usage.app;
        let app_value = match (app, param.kind) {
            (AppId::All, _) if param.all_when_omitted => None,
            (AppId::All, _) => {
                return Err(Error::invalid_input(
                    op,
                    format!("{} needs an app id", op.name),
                ));
            }
            (AppId::Id(id), AppKind::Integer) => {
                let id = key.unwrap_or(id.as_str());
                Some(Value::from(id.parse::<u64>().map_err(|_| {
                    Error::invalid_input(op, format!("{} `{id}` is not an integer", param.param))
                })?))
            }
            (AppId::Id(id), AppKind::List) => {
                Some(Value::Array(vec![Value::from(key.unwrap_or(id.as_str()))]))
            }
            (AppId::Id(id), _) => Some(Value::from(key.unwrap_or(id.as_str()))),
        };
        if let Some(value) = app_value {
            input.insert(param.param.to_owned(), value);
        }
        if let Some(span) = op.limits.span {
            let offset = calendar(op);
            let (start, end) = match self.usage.range {
                TimeFormat::Date => (
                    Value::from(window.first.to_string()),
                    Value::from(end_date(op, window).to_string()),
                ),
                _ => {
                    let end = if span.end_inclusive {
                        day_last_second(window.last, offset)
                    } else {
                        day_start(window.last.succ_opt().unwrap_or(window.last), offset)
                    };
                    (
                        Value::from(day_start(window.first, offset).to_rfc3339()),
                        Value::from(end.to_rfc3339()),
                    )
                }
            };
            input.insert(span.start_param.to_owned(), start);
            input.insert(span.end_param.to_owned(), end);
        }
        if let (Some(param), Some(variant)) = (self.usage.variant_param, self.variant) {
            input.insert(param.to_owned(), Value::from(variant));
        }
        for fixed in self.usage.fixed {
            let value = serde_json::from_str(fixed.json).unwrap_or(Value::Null);
            input.insert(fixed.name.to_owned(), value);
        }
        Ok(Value::Object(input))
    }

    /// The spec's enforced rules for this window's request, checked before any call.
    pub fn check(&self, app: &AppId, window: DayWindow, now: DateTime<Utc>) -> Result<(), Error> {
        (self.api.check)(&self.request(app, window)?, now)
    }

    /// Calls the operation for one window and normalizes the answer.
    pub fn fetch(
        self: Arc<Self>,
        app: AppId,
        window: DayWindow,
    ) -> BoxFuture<'static, Result<Normalized, Error>> {
        Box::pin(async move {
            let key = match (self.usage.app.lookup, &app) {
                (Some(lookup), AppId::Id(id)) => Some(
                    self.keys
                        .key(self.vendor, self.op, lookup, self.client.as_ref(), id)
                        .await?,
                ),
                _ => None,
            };
            let input = self.request_with_key(&app, key.as_deref(), window)?;
            let (payload, request_ids) =
                request_id::capture(self.client.call_json(self.op, input)).await;
            let payload = payload?;
            let label = match &app {
                AppId::Id(id) => id.as_str(),
                AppId::All => ALL_APPS,
            };
            let mut normalized = normalize(
                self.op,
                label,
                &payload,
                native_bucket(self.op, window),
                self.variant,
            )?;
            for record in &mut normalized.records {
                record.category = self.category;
                record.request_ids.clone_from(&request_ids);
            }
            Ok(normalized)
        })
    }
}

/// The calendar of `op`'s days.
pub(crate) fn calendar(op: &OperationDescriptor) -> FixedOffset {
    FixedOffset::east_opt(op.limits.day_offset_seconds)
        .unwrap_or(FixedOffset::east_opt(0).expect("UTC"))
}

/// 00:00 of `day` in `offset`.
pub(crate) fn day_start(day: NaiveDate, offset: FixedOffset) -> DateTime<FixedOffset> {
    at(day, NaiveTime::MIN, offset)
}

/// 23:59:59 of `day` in `offset`: the last whole second of the day, whether the vendor reads
/// its end instant as included or not.
pub(crate) fn day_last_second(day: NaiveDate, offset: FixedOffset) -> DateTime<FixedOffset> {
    at(
        day,
        NaiveTime::from_hms_opt(23, 59, 59).expect("valid time"),
        offset,
    )
}

fn at(day: NaiveDate, time: NaiveTime, offset: FixedOffset) -> DateTime<FixedOffset> {
    // A fixed offset has no gaps or folds: every local time maps to one instant.
    day.and_time(time)
        .and_local_timezone(offset)
        .single()
        .unwrap_or_else(|| DateTime::<Utc>::MIN_UTC.fixed_offset())
}

/// The end date to send for a window's last day: itself when the spec reads the end as
/// included, else the day after.
pub(crate) fn end_date(op: &OperationDescriptor, window: DayWindow) -> NaiveDate {
    match op.limits.span {
        Some(span) if !span.end_inclusive => window.last.succ_opt().unwrap_or(window.last),
        _ => window.last,
    }
}

/// The bucket the vendor answers a window with: its fine bucket for short windows.
pub(crate) fn native_bucket(op: &OperationDescriptor, window: DayWindow) -> Bucket {
    let minutes = |d: std::time::Duration| Bucket::Minutes((d.as_secs() / 60) as u32);
    match op.limits.granularity {
        Some(g) => match g.fine {
            Some(fine) if window.days() <= fine.max_days => minutes(fine.bucket),
            _ if g.bucket.as_secs() == 86_400 => Bucket::Day,
            _ => minutes(g.bucket),
        },
        None => Bucket::Day,
    }
}
