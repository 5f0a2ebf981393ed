//! Log output on stderr: quiet by default (errors only, since failures are reported by the
//! command itself), louder with `-v`/`-vv`/`-vvv` or `RTC_USAGE_LOG=LEVEL`.

use tracing::level_filters::LevelFilter;

use crate::exit::ExitError;

/// The log level variable; `-v` flags win over it.
pub const LOG_ENV: &str = "RTC_USAGE_LOG";

/// Installs the stderr logger at the level `-v` or `RTC_USAGE_LOG` asks for.
pub fn init(verbose: u8) -> Result<(), ExitError> {
    let env = std::env::var_os(LOG_ENV).map(|v| v.to_string_lossy().into_owned());
    let level = level(verbose, env.as_deref())?;
    // Fails only when a logger is already installed, which then keeps logging.
    let _ = tracing_subscriber::fmt()
        // Through the progress bar: a line is printed above it, never glued to it.
        .with_writer(crate::progress::LogWriter::make)
        .with_max_level(level)
        .with_target(false)
        .try_init();
    Ok(())
}

fn level(verbose: u8, env: Option<&str>) -> Result<LevelFilter, ExitError> {
    Ok(match (verbose, env) {
        (1, _) => LevelFilter::INFO,
        (2, _) => LevelFilter::DEBUG,
        (3.., _) => LevelFilter::TRACE,
        (0, None) => LevelFilter::ERROR,
        (0, Some(value)) => match value.trim().to_ascii_lowercase().as_str() {
            "" | "error" => LevelFilter::ERROR,
            "off" => LevelFilter::OFF,
            "warn" => LevelFilter::WARN,
            "info" => LevelFilter::INFO,
            "debug" => LevelFilter::DEBUG,
            "trace" => LevelFilter::TRACE,
            _ => {
                return Err(ExitError::bad_input(format!(
                    "{LOG_ENV}={value}: expected off, error, warn, info, debug or trace"
                )));
            }
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_variable() {
        assert_eq!(level(0, None).unwrap(), LevelFilter::ERROR);
        assert_eq!(level(0, Some("Debug")).unwrap(), LevelFilter::DEBUG);
        assert_eq!(level(1, Some("off")).unwrap(), LevelFilter::INFO);
        assert_eq!(level(5, None).unwrap(), LevelFilter::TRACE);
        let err = level(0, Some("loud")).unwrap_err();
        assert_eq!(err.code, crate::exit::BAD_INPUT);
        assert!(err.message.contains(LOG_ENV));
    }
}
