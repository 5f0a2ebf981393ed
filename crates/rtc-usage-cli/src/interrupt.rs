//! Ctrl-C: the work in progress is dropped (cancelling its calls, removing a temporary output
//! file) and the command ends with status 130, leaving any `--output` file as it was.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;

use crate::exit::ExitError;

/// Runs `work` to its end, or until Ctrl-C, whichever comes first (`None`: interrupted).
///
/// The handler is installed on the first poll, before `work` starts. If it cannot be
/// installed, `work` runs on without it.
pub async fn until_ctrl_c<F: Future>(work: F) -> Option<F::Output> {
    let mut ctrl_c = pin!(tokio::signal::ctrl_c());
    let mut listening = true;
    let mut work = pin!(work);
    poll_fn(|cx| {
        if listening {
            match ctrl_c.as_mut().poll(cx) {
                Poll::Ready(Ok(())) => return Poll::Ready(None),
                Poll::Ready(Err(e)) => {
                    tracing::warn!("Ctrl-C cannot be caught: {e}");
                    listening = false;
                }
                Poll::Pending => {}
            }
        }
        work.as_mut().poll(cx).map(Some)
    })
    .await
}

/// A command that ends with status 130 on Ctrl-C, after its work (and its temporary files)
/// has been dropped.
pub async fn unless_interrupted(
    work: impl Future<Output = Result<(), ExitError>>,
) -> Result<(), ExitError> {
    until_ctrl_c(work).await.unwrap_or_else(|| {
        Err(ExitError::interrupted(
            "interrupted: no data was written, and an --output file is as it was",
        ))
    })
}
