//! A one-line progress bar on stderr, drawn only for a person watching a terminal and only
//! when there are enough calls for waiting to be noticeable (rate limits make long ranges slow).

use std::io::{IsTerminal, Write};

/// Fewer calls than this finish too fast for a bar to help.
const MIN_CALLS: usize = 5;
const WIDTH: usize = 30;

/// A bar for one run, or nothing when it would not be seen.
pub struct Bar {
    total: usize,
}

impl Bar {
    /// A bar for `total` calls, drawn empty at once, when stderr is a terminal and `total`
    /// is large enough.
    pub fn for_calls(total: usize) -> Option<Self> {
        let bar = (total >= MIN_CALLS && std::io::stderr().is_terminal()).then_some(Self { total });
        if let Some(bar) = &bar {
            bar.draw(0, 0);
        }
        bar
    }

    /// Redraws the line with `done` of the bar's calls ended, `failed` of them failed.
    pub fn show(&self, done: usize, failed: usize) {
        self.draw(done, failed);
    }

    fn draw(&self, done: usize, failed: usize) {
        let line = render(done, self.total, failed);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{line}");
        let _ = err.flush();
    }

    /// Erases the line, so what follows starts on a clean line.
    pub fn finish(&self) {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K");
        let _ = err.flush();
    }
}

/// `[#####-----] 12/40 calls, 1 failed`.
fn render(done: usize, total: usize, failed: usize) -> String {
    let filled = (done.min(total) * WIDTH)
        .checked_div(total)
        .unwrap_or(WIDTH);
    let mut line = format!(
        "[{}{}] {done}/{total} calls",
        "#".repeat(filled),
        "-".repeat(WIDTH - filled)
    );
    if failed > 0 {
        line.push_str(&format!(", {failed} failed"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_with_the_calls_done() {
        assert_eq!(
            render(0, 10, 0),
            format!("[{}] 0/10 calls", "-".repeat(WIDTH))
        );
        assert_eq!(
            render(5, 10, 1),
            format!(
                "[{}{}] 5/10 calls, 1 failed",
                "#".repeat(15),
                "-".repeat(15)
            )
        );
        assert_eq!(
            render(0, 0, 0),
            format!("[{}] 0/0 calls", "#".repeat(WIDTH))
        );
    }
}
