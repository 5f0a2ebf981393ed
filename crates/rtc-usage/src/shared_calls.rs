//! What the calls of one account share, within one run and across runs: each operation's
//! gate, which bounds its calls in flight to the rate limit's burst (so the limiter, not a
//! queue, sets the pace), and the vendors that refused the account's credentials, to which no
//! further call is sent (each would fail the same way, and count towards a lockout).
//!
//! [`UsageClient::run`](crate::UsageClient::run) makes a fresh one per run; a caller that
//! runs one account's windows separately, as a sync does to write each window on its own,
//! shares one ([`UsageClient::shared_calls`](crate::UsageClient::shared_calls)) so that its
//! windows together behave like one run.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use crate::vendor::Vendor;

/// Shared by the runs of one [`UsageClient`](crate::UsageClient): cheap to clone, and every
/// clone is the same state. Made by the client whose calls it gates; a plan of another
/// client's operations runs ungated.
#[derive(Debug, Clone)]
pub struct SharedCalls {
    /// Per operation, by `(vendor id, operation name)`.
    gates: Arc<HashMap<(&'static str, &'static str), Arc<Semaphore>>>,
    refused: Arc<Mutex<HashSet<Vendor>>>,
}

impl SharedCalls {
    /// Gates of the given sizes, no vendor refused.
    pub(crate) fn new(
        gates: impl IntoIterator<Item = ((&'static str, &'static str), usize)>,
    ) -> Self {
        Self {
            gates: Arc::new(
                gates
                    .into_iter()
                    .map(|(op, permits)| (op, Arc::new(Semaphore::new(permits))))
                    .collect(),
            ),
            refused: Arc::default(),
        }
    }

    /// The gate of an operation, if this state knows it.
    pub(crate) fn gate(&self, vendor: &str, operation: &str) -> Option<Arc<Semaphore>> {
        self.gates.get(&(vendor, operation)).cloned()
    }

    /// Whether `vendor` refused the account's credentials on an earlier call.
    pub fn is_refused(&self, vendor: Vendor) -> bool {
        self.refused
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&vendor)
    }

    /// Marks `vendor` as having refused the account's credentials.
    pub(crate) fn refuse(&self, vendor: Vendor) {
        self.refused
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(vendor);
    }
}
