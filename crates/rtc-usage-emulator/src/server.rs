//! The listener: one HTTP/1 server on 127.0.0.1 for every vendor, its shared state,
//! and the [`Emulator`] handle that stops it.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use rtc_usage::Vendor;
use rtc_usage_core::clock::SharedClock;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::accounts::EmulatedAccount;
use crate::builder::EmulatorBuilder;
use crate::data::splitmix64;
use crate::dispatch;
use crate::faults::Faults;
use crate::limits::RateWindows;
use crate::stats::{Counters, Stats};

/// What every request handler shares.
#[derive(Debug)]
pub(crate) struct State {
    /// Every account served; a request's account is its index here.
    pub accounts: Vec<EmulatedAccount>,
    pub clock: SharedClock,
    pub latency: Duration,
    pub enforce_unconfirmed: bool,
    /// Answer provisional days with part of their figures ([`crate::truth_at`]).
    pub provisional_figures: bool,
    pub max_body_bytes: usize,
    pub max_clock_skew: Duration,
    pub rates: RateWindows,
    pub faults: Faults,
    pub stats: Counters,
    request_ids: AtomicU64,
}

impl State {
    fn new(settings: EmulatorBuilder) -> Self {
        let accounts = settings.accounts();
        Self {
            rates: RateWindows::new(settings.rate_limits, settings.rate_scale),
            faults: Faults::new(
                settings.faults,
                settings.server_error_rate,
                settings.throttle_rate,
                settings.seed,
            ),
            accounts,
            clock: settings.clock,
            latency: settings.latency,
            enforce_unconfirmed: settings.enforce_unconfirmed,
            provisional_figures: settings.provisional_figures,
            max_body_bytes: settings.max_body_bytes,
            max_clock_skew: settings.max_clock_skew,
            stats: Counters::default(),
            request_ids: AtomicU64::new(0),
        }
    }

    /// The apps of `vendor`'s demo account.
    pub fn apps(&self, vendor: Vendor) -> &[String] {
        self.accounts
            .iter()
            .find(|a| a.vendor == vendor && a.is_demo())
            .map(|a| a.apps.as_slice())
            .unwrap_or_default()
    }

    /// A fresh request id, shaped like a UUID (as Tencent's and Huawei's are).
    pub fn next_request_id(&self) -> String {
        let n = self.request_ids.fetch_add(1, Ordering::Relaxed);
        let (hi, lo) = (splitmix64(n), splitmix64(!n));
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            hi >> 32,
            (hi >> 16) & 0xffff,
            hi & 0xffff,
            lo >> 48,
            lo & 0xffff_ffff_ffff
        )
    }
}

/// A running emulator. Dropping it stops the server (as [`Emulator::shutdown`] does, without
/// waiting).
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// let emu = rtc_usage_emulator::Emulator::builder().start().await?;
/// println!("listening on {}", emu.url());
/// print!("{}", emu.env_exports());
/// // In the foreground until Ctrl-C (or until `stop` is called from elsewhere):
/// tokio::select! {
///     _ = emu.wait() => {}
///     _ = tokio::signal::ctrl_c() => {}
/// }
/// emu.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    state: Arc<State>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// An emulator with every default, on a free port of 127.0.0.1.
    pub async fn start() -> io::Result<Self> {
        Self::builder().start().await
    }

    pub(crate) async fn launch(settings: EmulatorBuilder) -> io::Result<Self> {
        let listener = TcpListener::bind(settings.listen).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::new(settings));
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, state.clone(), stopped));
        tracing::info!(%addr, "rtc-usage emulator listening");
        Ok(Self {
            addr,
            state,
            stop,
            task: Some(task),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: the endpoint URL for the clients.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.state.stats.snapshot()
    }

    /// Every request received so far.
    pub fn requests(&self) -> u64 {
        self.state.stats.requests()
    }

    /// Zeroes the counters (rate windows and fault rules keep their state).
    pub fn reset_stats(&self) {
        self.state.stats.reset();
    }

    /// Every account served: each vendor's demo account first, then the others
    /// ([`EmulatorBuilder::accounts_per_vendor`]).
    pub fn accounts(&self) -> &[EmulatedAccount] {
        &self.state.accounts
    }

    /// The apps `vendor`'s demo account serves (empty for an unknown vendor).
    pub fn apps(&self, vendor: &str) -> Vec<String> {
        Vendor::get(vendor)
            .map(|v| self.state.apps(v).to_vec())
            .unwrap_or_default()
    }

    /// `export NAME=value` lines pointing every vendor's client at this emulator with the
    /// demo credentials ([`crate::export_lines`]).
    pub fn env_exports(&self) -> String {
        crate::demo::export_lines(&self.url())
    }

    /// Every account as an rtc-usage config file (TOML) pointing at this emulator, the
    /// secrets inline: what `rtc-usage emulator --write-config` writes.
    pub fn config_toml(&self) -> String {
        crate::config_file::render(&self.state.accounts, &self.url())
    }

    /// Writes [`config_toml`](Self::config_toml) to `path`, readable by its owner only
    /// (mode 0600, as the CLI demands of a file with inline secrets), replacing any file
    /// there at once.
    pub fn write_config(&self, path: &std::path::Path) -> io::Result<()> {
        crate::config_file::write(path, &self.config_toml())
    }

    /// Stops accepting and closes every connection; [`wait`](Self::wait) then resolves.
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// Resolves once the emulator is stopped ([`stop`](Self::stop)); until then it serves:
    /// the way to run it in the foreground.
    pub async fn wait(&self) {
        wait_stopped(&mut self.stop.subscribe()).await;
    }

    /// Stops and waits until the listener and every connection are closed.
    pub async fn shutdown(mut self) {
        self.stop();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Accepts connections until stopped, each served on its own task; stopping aborts them.
async fn accept_loop(listener: TcpListener, state: Arc<State>, mut stopped: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = wait_stopped(&mut stopped) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, state.clone()));
                }
                Err(e) => {
                    // Out of file descriptors, say: back off instead of spinning.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

/// Resolves once the flag is set (or its sender is gone, which also means stopped).
async fn wait_stopped(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stopped| *stopped).await;
}

async fn serve_connection(stream: TcpStream, state: Arc<State>) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |request| dispatch::handle(state.clone(), request));
    let served = http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service)
        .await;
    if let Err(e) = served {
        tracing::debug!(error = %e, "connection ended with an error");
    }
}
