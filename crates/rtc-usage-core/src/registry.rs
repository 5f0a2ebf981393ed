//! A vendor as generic code sees it: its facts, its operations, and a client that takes and
//! returns JSON.
//!
//! Every generated vendor crate has a `pub static ENTRY: VendorEntry`, and its `Client`
//! implements [`DynClient`] by deserializing the typed request, calling through the typed
//! client (so a stub given to `Client::from_stub` answers), and serializing the typed answer.
//! The facade's generated vendor registry lists the entries of the crates it is built with.

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use crate::BoxFuture;
use crate::api::ApiOperation;
use crate::config::{Config, ConfigError};
use crate::descriptor::{OperationDescriptor, VendorInfo};
use crate::error::Error;

/// A vendor client behind a JSON interface.
pub trait DynClient: Send + Sync + fmt::Debug {
    /// The vendor-wide facts of the client's crate.
    fn vendor(&self) -> &'static VendorInfo;

    /// Calls `op` (one of the crate's descriptors) with `input`, a JSON object keyed by wire
    /// names, through the typed client; the typed answer as JSON (defaults filled in). An
    /// input the typed request refuses is [`crate::ErrorKind::InvalidInput`]; an operation of
    /// another crate is `Unimplemented`.
    fn call_json(
        &self,
        op: &'static OperationDescriptor,
        input: Value,
    ) -> BoxFuture<'_, Result<Value, Error>>;
}

/// One generated vendor crate, for generic code.
pub struct VendorEntry {
    pub info: &'static VendorInfo,
    /// Its operations, in spec order.
    pub operations: &'static [&'static OperationDescriptor],
    /// The same operations, callable with JSON through the runtime client.
    pub api: &'static [ApiOperation],
    /// A client calling the vendor over HTTP with `config`.
    pub connect: fn(Config) -> Result<Arc<dyn DynClient>, ConfigError>,
}

impl VendorEntry {
    /// The vendor id (`tencent`).
    pub fn id(&self) -> &'static str {
        self.info.id
    }

    /// The operations whose answers are usage the facade reads, in spec order.
    pub fn usage_operations(&self) -> impl Iterator<Item = &'static OperationDescriptor> + '_ {
        self.operations
            .iter()
            .copied()
            .filter(|op| op.usage.is_some_and(|u| u.facade))
    }
}

impl fmt::Debug for VendorEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VendorEntry")
            .field("id", &self.info.id)
            .field("operations", &self.operations.len())
            .finish_non_exhaustive()
    }
}

/// Deserializes a typed request from JSON for [`DynClient::call_json`]: a mismatch is bad
/// input naming the operation.
#[doc(hidden)]
pub fn typed_input<T: serde::de::DeserializeOwned>(
    op: &'static OperationDescriptor,
    input: Value,
) -> Result<T, Error> {
    crate::api::from_json(op, input)
}

/// Serializes a typed answer for [`DynClient::call_json`].
#[doc(hidden)]
pub fn json_output<T: serde::Serialize>(
    op: &'static OperationDescriptor,
    output: &T,
) -> Result<Value, Error> {
    serde_json::to_value(output).map_err(|e| {
        Error::service(
            op,
            crate::ErrorKind::Decode,
            None,
            format!("the typed answer does not serialize: {e}"),
        )
    })
}
