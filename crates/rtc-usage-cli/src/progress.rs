//! A one-line progress bar on stderr (indicatif), drawn only for a person watching a terminal
//! and only when there are enough calls for waiting to be noticeable (rate limits make long
//! ranges slow): calls done, failed, and the time left at the pace so far.
//!
//! Log lines go above the bar, never glued to it: the logger writes through [`above`], which
//! clears the bar, writes the line and draws the bar again under it.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Fewer calls than this finish too fast for a bar to help.
const MIN_CALLS: usize = 5;

/// `[#########-----] 12/40 calls, 1 failed, 0:42 left`.
const TEMPLATE: &str = "[{bar:30}] {pos}/{len} calls{msg}, {eta} left";

/// The bar being drawn, if any: where log lines must go around.
static CURRENT: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// A bar for one run, or nothing when it would not be seen.
pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    /// A bar for `total` calls, drawn empty at once, when stderr is a terminal and `total`
    /// is large enough.
    pub fn for_calls(total: usize) -> Option<Self> {
        if total < MIN_CALLS || !std::io::stderr().is_terminal() {
            return None;
        }
        Some(Self::drawn_to(total, ProgressDrawTarget::stderr()))
    }

    fn drawn_to(total: usize, target: ProgressDrawTarget) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total as u64), target);
        let style = ProgressStyle::with_template(TEMPLATE)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("#>-");
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(500));
        *CURRENT.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar.clone());
        bar.tick();
        Self { bar }
    }

    /// Redraws the line with `done` of the bar's calls ended, `failed` of them failed.
    pub fn show(&self, done: usize, failed: usize) {
        if failed > 0 {
            self.bar.set_message(format!(", {failed} failed"));
        }
        self.bar.set_position(done as u64);
    }

    /// Erases the line, so what follows starts on a clean line; logs go straight to stderr
    /// again.
    pub fn finish(&self) {
        CURRENT.lock().unwrap_or_else(|e| e.into_inner()).take();
        self.bar.finish_and_clear();
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Runs `write` (which prints to stderr) with the bar, if one is drawn, cleared for it and
/// drawn again below what it printed.
pub fn above<T>(write: impl FnOnce() -> T) -> T {
    let bar = CURRENT.lock().unwrap_or_else(|e| e.into_inner()).clone();
    match bar {
        Some(bar) => bar.suspend(write),
        None => write(),
    }
}

/// The logger's stderr: every event it writes goes above the bar ([`above`]).
pub struct LogWriter;

impl LogWriter {
    pub fn make() -> Self {
        Self
    }
}

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        above(|| std::io::stderr().lock().write_all(buf))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use indicatif::TermLike;

    use super::*;

    /// A terminal that records what is drawn on it, in order.
    #[derive(Debug, Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<String>>>);

    impl Recorder {
        fn push(&self, what: String) {
            self.0.lock().unwrap().push(what);
        }
        fn events(&self) -> Vec<String> {
            self.0.lock().unwrap().clone()
        }
    }

    impl TermLike for Recorder {
        fn width(&self) -> u16 {
            100
        }
        fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
            self.push(format!("up {n}"));
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.push(format!("line {s}"));
            Ok(())
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            self.push(format!("str {s}"));
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            self.push("clear".into());
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A log line printed while the bar is drawn: the bar is cleared first and drawn again
    /// after, with the calls done, the failures and the time left.
    #[test]
    fn logs_go_above_the_bar_which_shows_an_eta() {
        let term = Recorder::default();
        let bar = Bar::drawn_to(40, ProgressDrawTarget::term_like(Box::new(term.clone())));
        bar.show(12, 1);
        bar.bar.force_draw();
        let drawn = term.events();
        let last = drawn
            .iter()
            .rev()
            .find(|e| e.starts_with("str ["))
            .expect("the bar drawn");
        assert!(last.contains("12/40 calls, 1 failed, "), "{last}");
        assert!(last.ends_with(" left"), "{last}");
        let before = term.events().len();
        above(|| term.push("LOG".into()));
        let after = &term.events()[before..];
        let log = after.iter().position(|e| e == "LOG").expect("logged");
        assert!(
            after[..log].iter().any(|e| e == "clear"),
            "the bar is cleared before the log: {after:?}"
        );
        assert!(
            after[log..].iter().any(|e| e.starts_with("str [")),
            "and drawn again after it: {after:?}"
        );
        bar.finish();
        assert!(CURRENT.lock().unwrap().is_none());
        above(|| term.push("AFTER".into()));
        assert_eq!(term.events().last().map(String::as_str), Some("AFTER"));
    }
}
