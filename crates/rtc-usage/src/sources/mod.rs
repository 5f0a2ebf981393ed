//! One usage source per vendor: how a window becomes that vendor's request, and how its answer
//! becomes normalized records. The orchestration in `fetch` never names a vendor.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use rtc_usage_core::{BoxFuture, Error, ErrorKind, Operation, OperationDescriptor};

use crate::app::AppId;
use crate::record::{Bucket, Category, UsageRecord};
use crate::report::Warning;
use crate::vendor::Vendor;
use crate::window::DayWindow;

#[cfg(feature = "huawei")]
pub(crate) mod huawei;
#[cfg(feature = "tencent")]
pub(crate) mod tencent;
#[cfg(feature = "volcengine")]
pub(crate) mod volcengine;

/// What one call gave: records at the vendor's native buckets, and what did not add up.
#[derive(Debug, Default)]
pub(crate) struct Fetched {
    pub records: Vec<UsageRecord>,
    pub warnings: Vec<Warning>,
}

/// What differs between vendors' usage operations: the request a window becomes, the call
/// through the generated client, and the records an answer becomes. [`Source`] does the rest.
pub(crate) trait UsageOperation: 'static {
    type Op: Operation;
    type Client: Clone + Send + Sync + fmt::Debug + 'static;
    const VENDOR: Vendor;
    const CATEGORY: Category;

    fn request(app: &AppId, window: DayWindow) -> Result<<Self::Op as Operation>::Input, Error>;

    fn send(
        client: Self::Client,
        input: <Self::Op as Operation>::Input,
    ) -> BoxFuture<'static, Result<<Self::Op as Operation>::Output, Error>>;

    fn records(
        app: &AppId,
        window: DayWindow,
        output: &<Self::Op as Operation>::Output,
    ) -> Result<Fetched, Error>;
}

/// A vendor's usage operation behind its generated client.
pub(crate) struct Source<U: UsageOperation>(pub U::Client);

impl<U: UsageOperation> fmt::Debug for Source<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Source").field(&self.0).finish()
    }
}

impl<U: UsageOperation> UsageSource for Source<U> {
    fn vendor(&self) -> Vendor {
        U::VENDOR
    }

    fn category(&self) -> Category {
        U::CATEGORY
    }

    fn descriptor(&self) -> &'static OperationDescriptor {
        U::Op::descriptor()
    }

    fn check(&self, app: &AppId, window: DayWindow, now: DateTime<Utc>) -> Result<(), Error> {
        let input = U::request(app, window)?;
        rtc_usage_core::validate::check(U::Op::descriptor(), &U::Op::time_range(&input), now)
    }

    fn fetch(&self, app: AppId, window: DayWindow) -> BoxFuture<'static, Result<Fetched, Error>> {
        let client = self.0.clone();
        Box::pin(async move {
            let output = U::send(client, U::request(&app, window)?).await?;
            let mut fetched = U::records(&app, window, &output)?;
            for record in &mut fetched.records {
                record.category = U::CATEGORY;
            }
            Ok(fetched)
        })
    }
}

/// The calls the orchestration makes, whatever the vendor.
pub(crate) trait UsageSource: Send + Sync + fmt::Debug {
    fn vendor(&self) -> Vendor;
    fn category(&self) -> Category;
    fn descriptor(&self) -> &'static OperationDescriptor;
    /// The spec's enforced rules for this window's request, checked before any call.
    fn check(&self, app: &AppId, window: DayWindow, now: DateTime<Utc>) -> Result<(), Error>;
    fn fetch(&self, app: AppId, window: DayWindow) -> BoxFuture<'static, Result<Fetched, Error>>;
}

/// The usage operation of `vendor`, when its feature is on.
pub(crate) fn usage_descriptor(vendor: Vendor) -> Option<&'static OperationDescriptor> {
    match vendor {
        #[cfg(feature = "volcengine")]
        Vendor::Volcengine => Some(&rtc_usage_volcengine::list_usages::DESCRIPTOR),
        #[cfg(feature = "tencent")]
        Vendor::Tencent => Some(&rtc_usage_tencent::describe_trtc_usage::DESCRIPTOR),
        #[cfg(feature = "huawei")]
        Vendor::Huawei => Some(&rtc_usage_huawei::list_rtc_history_usage::DESCRIPTOR),
        #[allow(unreachable_patterns)]
        _ => None,
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

/// The app id of a vendor whose usage operation needs one.
pub(crate) fn app_id<'a>(op: &OperationDescriptor, app: &'a AppId) -> Result<&'a str, Error> {
    match app {
        AppId::Id(id) => Ok(id),
        AppId::All => Err(Error::invalid_input(
            op,
            format!("{} needs an app id", op.name),
        )),
    }
}

/// A request the generated builder refused (a field the facade always sets; kept typed).
pub(crate) fn build_error(op: &OperationDescriptor, e: impl fmt::Display) -> Error {
    Error::invalid_input(op, e.to_string())
}

/// An answer that decoded but cannot be normalized.
pub(crate) fn decode_error(op: &OperationDescriptor, message: String) -> Error {
    Error::service(op, ErrorKind::Decode, None, message)
}
