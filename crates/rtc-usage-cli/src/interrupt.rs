//! Signals that end the process (Ctrl-C's SIGINT, and SIGTERM and SIGHUP from timeout(1),
//! `docker stop`, a CI cancel or a closed terminal): the work in progress is dropped
//! (cancelling its calls, removing a temporary output file) and the command ends with status
//! 128 + the signal's number, leaving any `--output` file as it was.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::{Context, Poll};

use crate::exit::ExitError;

/// A signal that ended the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signal {
    pub name: &'static str,
    pub number: u8,
}

impl Signal {
    /// What a shell reports for a process this signal ended.
    pub fn exit_code(self) -> u8 {
        128 + self.number
    }
}

/// Runs `work` to its end, or until a signal that ends the process, whichever comes first.
///
/// The handlers are installed before `work` starts; one that cannot be installed is warned
/// about, and `work` runs on without it.
pub async fn until_signal<F: Future>(work: F) -> Result<F::Output, Signal> {
    let mut listeners = Listeners::install();
    let mut work = pin!(work);
    poll_fn(|cx| {
        if let Some(signal) = listeners.poll(cx) {
            return Poll::Ready(Err(signal));
        }
        work.as_mut().poll(cx).map(Ok)
    })
    .await
}

/// A command that ends with 128 + the signal's number on a signal, after its work (and its
/// temporary files) has been dropped.
pub async fn unless_interrupted(
    work: impl Future<Output = Result<(), ExitError>>,
) -> Result<(), ExitError> {
    until_signal(work).await.unwrap_or_else(|signal| {
        Err(ExitError::signalled(
            signal,
            format!(
                "interrupted ({}): no data was written, and an --output file is as it was",
                signal.name
            ),
        ))
    })
}

#[cfg(unix)]
struct Listeners(Vec<(Signal, tokio::signal::unix::Signal)>);

#[cfg(unix)]
impl Listeners {
    fn install() -> Self {
        use tokio::signal::unix::{SignalKind, signal};
        let wanted = [
            (SignalKind::interrupt(), "SIGINT", 2),
            (SignalKind::terminate(), "SIGTERM", 15),
            (SignalKind::hangup(), "SIGHUP", 1),
        ];
        let listeners = wanted
            .into_iter()
            .filter_map(|(kind, name, number)| match signal(kind) {
                Ok(stream) => Some((Signal { name, number }, stream)),
                Err(e) => {
                    tracing::warn!("{name} cannot be caught: {e}");
                    None
                }
            })
            .collect();
        Self(listeners)
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Option<Signal> {
        self.0
            .iter_mut()
            .find_map(|(signal, stream)| match stream.poll_recv(cx) {
                Poll::Ready(_) => Some(*signal),
                Poll::Pending => None,
            })
    }
}

#[cfg(not(unix))]
struct Listeners(Option<std::pin::Pin<Box<dyn Future<Output = std::io::Result<()>> + Send>>>);

#[cfg(not(unix))]
impl Listeners {
    fn install() -> Self {
        Self(Some(Box::pin(tokio::signal::ctrl_c())))
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Option<Signal> {
        let ctrl_c = self.0.as_mut()?;
        match ctrl_c.as_mut().poll(cx) {
            Poll::Ready(Ok(())) => Some(Signal {
                name: "Ctrl-C",
                number: 2,
            }),
            Poll::Ready(Err(e)) => {
                tracing::warn!("Ctrl-C cannot be caught: {e}");
                self.0 = None;
                None
            }
            Poll::Pending => None,
        }
    }
}
