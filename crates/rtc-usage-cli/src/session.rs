//! What every data command sets up before its first call, in an order that refuses bad input
//! early: the output first (an unusable `--output` is found before anything starts), then the
//! emulator when asked for, then the vendor clients.

use std::collections::BTreeSet;

use rtc_usage::{UsageClient, Vendor};

use crate::cli::{Format, OutputArgs, SourceArgs};
use crate::clients;
use crate::emulated::{self, InProcess};
use crate::exit::ExitError;
use crate::output::{self, Destination};

/// A command's output, clients and emulator.
pub struct Session {
    pub format: Format,
    pub destination: Destination,
    pub client: UsageClient,
    emulator: Option<InProcess>,
}

impl Session {
    /// Clients for `vendors` only, pointed where `source` says (at `emulator` when it is
    /// already started for `--emulator`).
    pub async fn open(
        output: &OutputArgs,
        source: &SourceArgs,
        vendors: BTreeSet<Vendor>,
        emulator: Option<InProcess>,
    ) -> Result<Self, ExitError> {
        // Where first (a directory or a socket is refused for what it is), then how; a
        // refused format drops the temporary file prepared.
        let destination = Destination::prepare(output.output.as_deref())?;
        let format = output::resolve_format(output.format, output.output.as_deref())?;
        let (emulator, target) = emulated::open(
            source,
            emulator,
            |v| vendors.contains(&v),
            |v| format!("no {v} app is asked for"),
        )
        .await?;
        let client = clients::usage_client(vendors, &target)?;
        Ok(Self {
            format,
            destination,
            client,
            emulator,
        })
    }

    /// Stops the emulator, if one was started; the output is still to be written.
    pub async fn finish_calls(&mut self) {
        if let Some(emulator) = self.emulator.take() {
            emulator.shutdown().await;
        }
    }
}
