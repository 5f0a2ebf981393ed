//! `rtc-usage emulator`: the emulator in the foreground, for pointing other programs (or
//! this tool without `--emulator`) at it through the printed environment variables.

use std::io::Write;

use crate::cli::EmulatorArgs;
use crate::exit::ExitError;
use crate::{emulated, interrupt};

pub async fn run(args: EmulatorArgs) -> Result<(), ExitError> {
    let emulator = emulated::start(args.listen, usize::from(args.accounts), |e| {
        ExitError::bad_input(format!(
            "--listen {}: cannot listen there ({e}); choose another address, or port 0 for any free port",
            args.listen
        ))
    })
    .await?;
    if let Some(path) = &args.write_config {
        emulator.write_config(path).map_err(|e| {
            ExitError::bad_input(format!(
                "--write-config {}: cannot write it ({e}); check the directory",
                path.display()
            ))
        })?;
        eprintln!(
            "Wrote the {} accounts to {}: rtc-usage usage --config {} --last 7d",
            emulator.accounts().len(),
            path.display(),
            path.display()
        );
    }
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
    let names: Vec<&str> = emulator
        .accounts()
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    eprintln!(
        "Accounts: {} (the export lines are each vendor's first)",
        names.join(", ")
    );
    eprintln!(
        "Paste the export lines into another shell, then e.g.: rtc-usage usage --from DAY --to DAY --app tencent:1400000001"
    );
    // Ctrl-C (or SIGTERM) is how this command normally ends: status 0.
    let _ = interrupt::until_signal(emulator.wait()).await;
    eprintln!("stopping the emulator");
    emulator.shutdown().await;
    Ok(())
}
