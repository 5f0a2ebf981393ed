//! `rtc-usage emulator`: the emulator in the foreground, for pointing other programs (or
//! this tool without `--emulator`) at it through the printed environment variables.

use std::io::Write;

use crate::cli::EmulatorArgs;
use crate::exit::ExitError;
use crate::{emulated, interrupt};

pub async fn run(args: EmulatorArgs) -> Result<(), ExitError> {
    let emulator = emulated::start(args.listen, |e| {
        ExitError::bad_input(format!(
            "--listen {}: cannot listen there ({e}); choose another address, or port 0 for any free port",
            args.listen
        ))
    })
    .await?;
    // Address and variables go to stdout, ready for `eval`; the rest goes to stderr.
    let mut out = std::io::stdout().lock();
    let written = writeln!(
        out,
        "# rtc-usage emulator listening on {} (synthetic data; Ctrl-C stops it)",
        emulator.url()
    )
    .and_then(|()| out.write_all(emulator.env_exports().as_bytes()))
    .and_then(|()| out.flush());
    drop(out);
    if let Err(e) = written {
        tracing::warn!("could not print the emulator's address: {e}");
    }
    eprintln!("Demo apps: {}", emulated::demo_apps(&emulator));
    eprintln!(
        "Paste the export lines into another shell, then e.g.: rtc-usage usage --from DAY --to DAY --app tencent:1400000001"
    );
    // Ctrl-C (or SIGTERM) is how this command normally ends: status 0.
    let _ = interrupt::until_signal(emulator.wait()).await;
    eprintln!("stopping the emulator");
    emulator.shutdown().await;
    Ok(())
}
