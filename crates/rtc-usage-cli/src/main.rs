//! `rtc-usage`: RTC usage of every vendor of the specs from the command line. This file only turns outcomes into exit statuses (see `exit`).

mod accounts;
mod accounts_cmd;
mod api_cmd;
mod api_input;
mod cli;
mod clients;
mod config;
mod days;
mod distribution_cmd;
mod docs;
mod dry_run;
mod emulated;
mod emulator_cmd;
mod exit;
mod history_cmd;
mod interrupt;
mod logging;
mod output;
mod progress;
mod run;
mod session;
mod stored;
mod sync_cmd;
mod usage_cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Usage errors exit 2 (clap's convention); --help and --version exit 0.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(exit::BAD_INPUT));
        }
    };
    match run::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.message.is_empty() {
                eprintln!(
                    "error: {}",
                    rtc_usage::core::error::printable(&e.to_string())
                );
            }
            ExitCode::from(e.code)
        }
    }
}
