//! `rtc-usage completions SHELL` and `rtc-usage man`: made from the clap command itself, so
//! they always list the flags this binary has.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::exit::ExitError;

/// The completion script for `shell`, on stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<(), ExitError> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "rtc-usage", &mut out);
    print(&out)
}

/// The manual page (roff), on stdout.
pub fn man() -> Result<(), ExitError> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| ExitError::failed(format!("could not render the manual page: {e}")))?;
    print(&out)
}

fn print(bytes: &[u8]) -> Result<(), ExitError> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(ExitError::failed(format!("could not write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}
