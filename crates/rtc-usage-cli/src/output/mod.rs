//! Where the data goes (stdout, or a file replaced atomically) and how it looks (table, CSV,
//! JSON). Only data goes to stdout; everything else goes to stderr.

pub mod atomic;
pub mod csv;
pub mod html;
pub mod json;
pub mod pivot;
pub mod table;

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use rtc_usage::{DistributionRecord, UsageRecord};
use serde::Serialize;

use crate::cli::Format;
use crate::exit::ExitError;
use atomic::AtomicFile;

/// A record kind the CLI prints: its JSON is its serde form, its CSV columns are the same
/// keys in the same order, and it has its own table layout.
pub trait Row: Serialize + Sized {
    const HEADERS: &'static [&'static str];
    /// The CSV cells, in `HEADERS` order.
    fn cells(&self) -> Vec<String>;
    /// The table layout of a list of these records.
    fn table(records: &[Self], out: &mut dyn Write) -> io::Result<()>;
    /// The HTML report of a list of these records; only usage records have one.
    fn html(_records: &[Self], _out: &mut dyn Write) -> io::Result<()> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "--format html is for usage records",
        ))
    }
    /// The JSON array of these records: their serde form, unless a kind adds to it.
    fn json(records: &[Self], out: &mut dyn Write) -> io::Result<()> {
        json::write(records, out)
    }
}

/// A usage record as the CLI's JSON writes it: its serde keys, with `minutes` (what vendors
/// bill in) after `seconds` and before `provisional`, the CSV's order.
#[derive(Serialize)]
pub struct WithMinutes<'a> {
    #[serde(flatten)]
    record: Figures<'a>,
    minutes: f64,
    provisional: bool,
}

/// The record's keys up to `seconds` (serialized through the record's own serde forms).
#[derive(Serialize)]
struct Figures<'a> {
    vendor: &'a rtc_usage::Vendor,
    account: &'a str,
    app: &'a str,
    start: String,
    granularity: &'a rtc_usage::Bucket,
    category: &'a rtc_usage::Category,
    tier: &'a rtc_usage::Tier,
    vendor_tier: &'a str,
    seconds: f64,
}

impl<'a> WithMinutes<'a> {
    pub fn new(record: &'a UsageRecord) -> Self {
        Self {
            record: Figures {
                vendor: &record.vendor,
                account: &record.account,
                app: &record.app,
                start: record
                    .start
                    .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false),
                granularity: &record.granularity,
                category: &record.category,
                tier: &record.tier,
                vendor_tier: &record.vendor_tier,
                seconds: record.seconds,
            },
            minutes: minutes(record.seconds),
            provisional: record.provisional,
        }
    }
}

/// Seconds as minutes, to the microminute (finer than the records' milliseconds).
pub fn minutes(seconds: f64) -> f64 {
    (seconds / 60.0 * 1e6).round() / 1e6
}

/// The width tables are fitted to: `$COLUMNS` when set to a number (a shell or a script
/// saying so), else the width of the terminal stdout is, else none (a pipe or a file: as
/// wide as the table takes).
pub fn terminal_width() -> Option<usize> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0)
        .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
}

impl Row for UsageRecord {
    const HEADERS: &'static [&'static str] = &[
        "vendor",
        "account",
        "app",
        "start",
        "granularity",
        "category",
        "tier",
        "vendor_tier",
        "seconds",
        "minutes",
        "provisional",
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.vendor.to_string(),
            self.account.clone(),
            self.app.clone(),
            self.start.to_rfc3339(),
            self.granularity.to_string(),
            self.category.to_string(),
            self.tier.to_string(),
            self.vendor_tier.clone(),
            self.seconds.to_string(),
            minutes(self.seconds).to_string(),
            self.provisional.to_string(),
        ]
    }

    fn table(records: &[Self], out: &mut dyn Write) -> io::Result<()> {
        table::usage(records, out)
    }

    fn json(records: &[Self], out: &mut dyn Write) -> io::Result<()> {
        let with: Vec<WithMinutes<'_>> = records.iter().map(WithMinutes::new).collect();
        json::write(&with, out)
    }

    fn html(records: &[Self], out: &mut dyn Write) -> io::Result<()> {
        html::usage(records, &html::Context::of_this_run(), out)
    }
}

impl Row for DistributionRecord {
    const HEADERS: &'static [&'static str] = &[
        "vendor",
        "app",
        "from",
        "to",
        "dimension",
        "indicator",
        "name",
        "value",
        "proportion",
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.vendor.to_string(),
            self.app.clone(),
            self.from.to_string(),
            self.to.to_string(),
            self.dimension.clone(),
            self.indicator.clone(),
            // Absent in the answer (the vendor's model makes them optional): an empty cell.
            self.name.clone().unwrap_or_default(),
            self.value.map(|v| v.to_string()).unwrap_or_default(),
            self.proportion.map(|p| p.to_string()).unwrap_or_default(),
        ]
    }

    fn table(records: &[Self], out: &mut dyn Write) -> io::Result<()> {
        table::distribution(records, out)
    }
}

/// `--format`; else the extension of `--output FILE` (`.csv`, `.json`, `.html`, `.txt` for a
/// table; any other is bad input naming them); else, for stdout (no `--output`, or `-o -`), a
/// table for a person at a terminal and CSV for a pipe. A FIFO or a device (`/dev/null`)
/// has no format in its name: CSV, as for a pipe.
pub fn resolve_format(flag: Option<Format>, output: Option<&Path>) -> Result<Format, ExitError> {
    if let Some(format) = flag {
        return Ok(format);
    }
    let piped = || {
        if io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Csv
        }
    };
    let Some(path) = output.filter(|p| !is_stdout(p)) else {
        return Ok(piped());
    };
    if fs::metadata(path).is_ok_and(|m| special::kind(&m).is_some()) {
        return Ok(Format::Csv);
    }
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match extension.as_deref() {
        Some("csv") => Ok(Format::Csv),
        Some("json") => Ok(Format::Json),
        Some("html" | "htm") => Ok(Format::Html),
        Some("txt") => Ok(Format::Table),
        other => Err(ExitError::bad_input(format!(
            "--output {}: {}; name the file .csv, .json, .html or .txt (a table), or give --format",
            path.display(),
            match other {
                Some(ext) => format!(
                    "cannot tell the format from the extension .{}",
                    rtc_usage::core::error::printable(ext)
                ),
                None => "cannot tell the format: the file has no extension".to_owned(),
            }
        ))),
    }
}

/// `-o -`: stdout, as the shell convention has it.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// `records` in `format`.
pub fn render<T: Row>(format: Format, records: &[T], out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Table => T::table(records, out),
        Format::Csv => csv::write(records, out),
        Format::Json => T::json(records, out),
        Format::Html => T::html(records, out),
    }
}

/// Where the data goes, prepared before any call so an unusable `--output` is bad input.
#[derive(Debug)]
pub enum Destination {
    Stdout,
    /// A regular file (or one to create), replaced only by a complete new version.
    File(AtomicFile),
    /// A FIFO or a character device (`/dev/null`, a terminal): written to in place, as a
    /// shell's `>` would; never replaced by a regular file.
    InPlace(PathBuf),
}

/// What [`Destination::write_incomplete`] did with the records of a run that failed.
#[derive(Debug, PartialEq, Eq)]
pub enum Kept {
    /// Written where the complete output would have gone (stdout, a new file, a device).
    Written,
    /// The existing `--output` file is as it was; the records are in this file beside it.
    Beside(PathBuf),
    /// Nothing was fetched: no file was written, and an `--output` file is as it was.
    Nothing,
}

impl Destination {
    /// Stdout (also for `-o -`), or the temporary file beside `--output FILE` (created now: this is the check
    /// that the directory exists and is writable). A symbolic link stays a link: the file it
    /// points to is replaced.
    pub fn prepare(output: Option<&Path>) -> Result<Self, ExitError> {
        let Some(path) = output.filter(|p| !is_stdout(p)) else {
            return Ok(Self::Stdout);
        };
        let refuse =
            |why: String| ExitError::bad_input(format!("--output {}: {why}", path.display()));
        let mut target = path.to_owned();
        if let Ok(meta) = fs::metadata(path) {
            match special::kind(&meta) {
                Some(special::Kind::Writable) => return Ok(Self::InPlace(path.to_owned())),
                Some(special::Kind::Refused(what)) => {
                    return Err(refuse(format!(
                        "it is {what}, not a file; choose a regular file"
                    )));
                }
                None => {}
            }
            if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
                target = fs::canonicalize(path)
                    .map_err(|e| refuse(format!("cannot follow the link: {e}")))?;
            }
        }
        AtomicFile::create(&target).map(Self::File).map_err(|e| {
            let dir = atomic::directory_of(&target);
            refuse(match e.kind() {
                io::ErrorKind::NotFound if dir.is_dir() => format!(
                    "{} does not accept new files (a virtual file system such as /proc?); choose another directory",
                    dir.display()
                ),
                io::ErrorKind::NotFound => format!(
                    "the directory {} does not exist; create it or choose another path",
                    dir.display()
                ),
                io::ErrorKind::PermissionDenied => format!(
                    "cannot create files in {} ({e}); choose a writable directory",
                    dir.display()
                ),
                _ => format!("{e}; choose another path"),
            })
        })
    }

    /// Writes `records`, the complete output. A file is replaced only when complete; stdout
    /// is flushed. A reader that stopped reading (a closed pipe) is not an error.
    pub fn write<T: Row>(self, format: Format, records: &[T]) -> Result<(), ExitError> {
        self.write_with(|out| render(format, records, out))
    }

    /// [`Destination::write`] of what `draw` writes.
    pub fn write_with(
        self,
        draw: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), ExitError> {
        match self {
            Self::Stdout => {
                let mut out = io::BufWriter::new(io::stdout().lock());
                let written = draw(&mut out).and_then(|()| out.flush());
                match written {
                    Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                        Err(ExitError::failed(format!("could not write to stdout: {e}")))
                    }
                    _ => Ok(()),
                }
            }
            Self::File(file) => {
                let path = file.target().to_owned();
                file.commit_with(draw).map_err(|e| {
                    ExitError::failed(format!(
                        "could not write --output {}: {e}; the file is as it was",
                        path.display()
                    ))
                })
            }
            Self::InPlace(path) => {
                // No truncation (a device has no length) and no creation (it exists).
                let written = fs::OpenOptions::new()
                    .write(true)
                    .open(&path)
                    .and_then(|file| {
                        let mut out = io::BufWriter::new(file);
                        draw(&mut out)?;
                        out.flush()
                    });
                match written {
                    Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(ExitError::failed(
                        format!("could not write to --output {}: {e}", path.display()),
                    )),
                    _ => Ok(()),
                }
            }
        }
    }

    /// Writes what a run that failed did fetch (what `draw` writes; `nothing` when it fetched
    /// nothing), without losing what was there: an existing `--output` file is kept as it was
    /// and the records go to a file beside it (`usage.partial.csv` for `usage.csv`); a run
    /// that fetched nothing writes no file.
    pub fn write_incomplete_with(
        self,
        nothing: bool,
        draw: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<Kept, ExitError> {
        match self {
            // Stdout still gets its (empty) document: a pipeline reads valid CSV or JSON.
            Self::File(_) if nothing => Ok(Kept::Nothing),
            Self::File(file) if file.replaces_a_file() => {
                let beside = partial_path(file.target());
                drop(file);
                let partial = AtomicFile::create(&beside).map_err(|e| {
                    ExitError::failed(format!(
                        "could not create {} for the records fetched: {e}",
                        beside.display()
                    ))
                })?;
                Self::File(partial).write_with(draw)?;
                Ok(Kept::Beside(beside))
            }
            other => other.write_with(draw).map(|()| Kept::Written),
        }
    }
}

/// `usage.csv` → `usage.partial.csv`; `usage` → `usage.partial`.
fn partial_path(target: &Path) -> PathBuf {
    let stem = target.file_stem().unwrap_or_default().to_string_lossy();
    let name = match target.extension() {
        Some(ext) => format!("{stem}.partial.{}", ext.to_string_lossy()),
        None => format!("{stem}.partial"),
    };
    target.with_file_name(name)
}

/// Files that are not regular files.
mod special {
    /// What `--output` does with a file that is not a regular file.
    pub enum Kind {
        /// A FIFO or a character device: written to in place.
        Writable,
        /// Anything else (a socket, a block device): refused, with what it is.
        Refused(&'static str),
    }

    #[cfg(unix)]
    pub fn kind(meta: &std::fs::Metadata) -> Option<Kind> {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_file() || t.is_dir() {
            None
        } else if t.is_fifo() || t.is_char_device() {
            Some(Kind::Writable)
        } else if t.is_block_device() {
            Some(Kind::Refused("a block device"))
        } else if t.is_socket() {
            Some(Kind::Refused("a socket"))
        } else {
            Some(Kind::Refused("a special file"))
        }
    }

    #[cfg(not(unix))]
    pub fn kind(_meta: &std::fs::Metadata) -> Option<Kind> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CSV columns and JSON keys are the same names in the same order.
    #[test]
    fn csv_headers_follow_the_json_keys() {
        let record: UsageRecord = serde_json::from_str(
            r#"{"vendor":"tencent","account":"default","app":"1400000001","start":"2026-11-01T00:00:00+08:00","granularity":"day","category":"call","tier":"hd","vendor_tier":"HD","seconds":60.0}"#,
        )
        .unwrap();
        let json = serde_json::to_string(&WithMinutes::new(&record)).unwrap();
        assert!(
            json.ends_with(r#""seconds":60.0,"minutes":1.0,"provisional":false}"#),
            "{json}"
        );
        // The same keys and values as the record's own serde form, plus minutes.
        let mut own = serde_json::to_value(&record).unwrap();
        own["minutes"] = 1.0.into();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&json).unwrap(),
            own
        );
        let mut at = 0;
        for key in UsageRecord::HEADERS {
            let found = json[at..].find(&format!("\"{key}\":")).unwrap();
            at += found;
        }
        let mut out = Vec::new();
        csv::write(&[record], &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "vendor,account,app,start,granularity,category,tier,vendor_tier,seconds,minutes,provisional\n\
             tencent,default,1400000001,2026-11-01T00:00:00+08:00,day,call,hd,HD,60,1,false\n"
        );
    }

    #[test]
    fn the_extension_chooses_the_format_unless_told() {
        let format = |path: &str| resolve_format(None, Some(Path::new(path)));
        assert_eq!(format("a/usage.csv").unwrap(), Format::Csv);
        assert_eq!(format("usage.JSON").unwrap(), Format::Json);
        assert_eq!(format("report.html").unwrap(), Format::Html);
        assert_eq!(format("report.htm").unwrap(), Format::Html);
        assert_eq!(format("usage.txt").unwrap(), Format::Table);
        assert_eq!(format("/dev/null").unwrap(), Format::Csv);
        for bad in ["usage.xlsx", "usage", "archive.tar.gz"] {
            let err = format(bad).unwrap_err();
            assert_eq!(err.code, crate::exit::BAD_INPUT, "{bad}");
            assert!(err.message.contains("--format"), "{}", err.message);
            assert!(err.message.contains(bad), "{}", err.message);
        }
        assert_eq!(
            resolve_format(Some(Format::Json), Some(Path::new("usage.csv"))).unwrap(),
            Format::Json
        );
        assert!(is_stdout(Path::new("-")));
        assert!(!is_stdout(Path::new("./-")));
    }

    #[test]
    fn partial_files_sit_beside_the_output() {
        assert_eq!(
            partial_path(Path::new("/x/usage.csv")),
            Path::new("/x/usage.partial.csv")
        );
        assert_eq!(partial_path(Path::new("usage")), Path::new("usage.partial"));
        assert_eq!(
            partial_path(Path::new("a.b.json")),
            Path::new("a.b.partial.json")
        );
    }
}
