//! Runs the parsed command: logging, a single-threaded runtime (the work waits on the
//! network, not the CPU), and Ctrl-C handling around the data commands.

use crate::cli::{Cli, Command};
use crate::exit::ExitError;
use crate::{
    accounts_cmd, api_cmd, distribution_cmd, emulator_cmd, history_cmd, interrupt, logging,
    sync_cmd, usage_cmd,
};

pub fn run(cli: Cli) -> Result<(), ExitError> {
    logging::init(cli.verbose)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ExitError::failed(format!("could not start the async runtime: {e}")))?;
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Usage(args) => interrupt::unless_interrupted(usage_cmd::run(args)).await,
            Command::Sync(args) => interrupt::unless_interrupted(sync_cmd::run(args)).await,
            Command::History(args) => interrupt::unless_interrupted(history_cmd::run(args)).await,
            Command::Distribution(args) => {
                interrupt::unless_interrupted(distribution_cmd::run(args)).await
            }
            Command::Emulator(args) => emulator_cmd::run(args).await,
            Command::Api(args) => interrupt::unless_interrupted(api_cmd::run(args)).await,
            Command::Accounts(args) => interrupt::unless_interrupted(accounts_cmd::run(args)).await,
            Command::Completions { shell } => crate::docs::completions(shell),
            Command::Man => crate::docs::man(),
        }
    });
    // Does not wait for blocking work left behind (a DNS lookup after Ctrl-C).
    runtime.shutdown_background();
    result
}
