//! Volcengine's operation distribution: distinct users of one app by province or country.
//!
//! Distinct-user counts of two windows cannot be added, so a range is never split: it must
//! fit the operation's documented 7-day span and 30-day look-back, checked before the call.

use std::sync::Arc;

use chrono::NaiveDate;
use rtc_usage_core::Operation;
use rtc_usage_core::registry::DynClient;
use rtc_usage_volcengine::list_operation_distribution::{DESCRIPTOR, Dimension, Indicator};
use rtc_usage_volcengine::{
    ListOperationDistribution, ListOperationDistributionRequest, ListOperationDistributionResponse,
};
use serde::Serialize;

use crate::error::QueryError;
use crate::fetch::UsageClient;
use crate::source::{calendar, day_last_second, day_start};
use crate::vendor::Vendor;

/// The vendor of the operation (this module exists only with its crate's feature).
fn vendor() -> Result<Vendor, QueryError> {
    Vendor::get(DESCRIPTOR.vendor)
        .ok_or_else(|| QueryError::UnknownVendor(crate::UnknownVendor(DESCRIPTOR.vendor.into())))
}

/// Distinct users of one Volcengine app over Beijing days `from` to `to` (both included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistributionQuery {
    app: String,
    from: NaiveDate,
    to: NaiveDate,
    dimension: Dimension,
    indicator: Indicator,
}

impl DistributionQuery {
    /// The vendor whose operation this is.
    pub fn vendor() -> Result<Vendor, QueryError> {
        vendor()
    }

    /// By province, counting `user_num` (the document's text; its example sends `user_count`).
    pub fn new(app: impl Into<String>, from: NaiveDate, to: NaiveDate) -> Self {
        Self {
            app: app.into(),
            from,
            to,
            dimension: Dimension::Province,
            indicator: Indicator::UserNum,
        }
    }

    pub fn dimension(mut self, dimension: impl Into<Dimension>) -> Self {
        self.dimension = dimension.into();
        self
    }

    pub fn indicator(mut self, indicator: impl Into<Indicator>) -> Self {
        self.indicator = indicator.into();
        self
    }

    fn request(&self) -> Result<ListOperationDistributionRequest, QueryError> {
        let vendor = vendor()?;
        let invalid = |reason: String| QueryError::InvalidApp {
            vendor,
            app: self.app.clone(),
            reason,
        };
        if self.app.trim().is_empty() {
            return Err(invalid("the app id is empty".into()));
        }
        if self.from > self.to {
            return Err(QueryError::DatesSwapped {
                from: self.from,
                to: self.to,
            });
        }
        let offset = calendar(&DESCRIPTOR);
        ListOperationDistributionRequest::builder()
            .app_id(self.app.as_str())
            .start_time(day_start(self.from, offset))
            .end_time(day_last_second(self.to, offset))
            .dimension(self.dimension.clone())
            .indicator(self.indicator.clone())
            .try_into()
            .map_err(
                |e: rtc_usage_volcengine::list_operation_distribution::error::ConversionError| {
                    invalid(e.to_string())
                },
            )
    }
}

/// One row of the answer, flat for CSV and JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DistributionRecord {
    pub vendor: Vendor,
    pub app: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub dimension: String,
    pub indicator: String,
    /// The province or country (optional in the vendor's model, like the figures).
    pub name: Option<String>,
    pub value: Option<f64>,
    pub proportion: Option<f64>,
}

/// A distribution call that was refused locally, or failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum DistributionError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Call(#[from] rtc_usage_core::Error),
}

impl UsageClient {
    /// Checks `query` against the documented span and look-back; nothing is sent.
    pub fn check_distribution(&self, query: &DistributionQuery) -> Result<(), QueryError> {
        self.distribution_call(query).map(drop)
    }

    /// The client and the checked request of `query`.
    fn distribution_call(
        &self,
        query: &DistributionQuery,
    ) -> Result<(Arc<dyn DynClient>, ListOperationDistributionRequest), QueryError> {
        let request = query.request()?;
        let vendor = vendor()?;
        let Some(client) = self.client_of(vendor) else {
            return Err(QueryError::VendorNotConfigured(vendor));
        };
        rtc_usage_core::validate::check(
            &DESCRIPTOR,
            &ListOperationDistribution::time_range(&request),
            self.now(),
        )
        .map_err(|source| QueryError::OutOfRange { vendor, source })?;
        Ok((Arc::clone(client), request))
    }

    /// The distribution rows of `query`, in the vendor's order.
    pub async fn distribution(
        &self,
        query: &DistributionQuery,
    ) -> Result<Vec<DistributionRecord>, DistributionError> {
        let (client, request) = self.distribution_call(query)?;
        let vendor = vendor()?;
        let input = rtc_usage_core::registry::json_output(&DESCRIPTOR, &request)?;
        let payload = client.call_json(&DESCRIPTOR, input).await?;
        let answer: ListOperationDistributionResponse =
            rtc_usage_core::registry::typed_input(&DESCRIPTOR, payload)?;
        // The answer names its dimension and indicator; where it leaves them out, they are
        // the ones asked for.
        let dimension = answer
            .dimension
            .map_or_else(|| query.dimension.to_string(), |d| d.to_string());
        let indicator = answer
            .name
            .map_or_else(|| query.indicator.to_string(), |n| n.to_string());
        Ok(answer
            .data
            .into_iter()
            .map(|row| DistributionRecord {
                vendor,
                app: query.app.clone(),
                from: query.from,
                to: query.to,
                dimension: dimension.clone(),
                indicator: indicator.clone(),
                name: row.distribution_name,
                value: row.value,
                proportion: row.proportion,
            })
            .collect())
    }
}
