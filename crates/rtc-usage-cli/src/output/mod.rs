//! Where the data goes (stdout, or a file replaced atomically) and how it looks (table, CSV,
//! JSON). Only data goes to stdout; everything else goes to stderr.

pub mod atomic;
pub mod csv;
pub mod json;
pub mod table;

use std::io::{self, IsTerminal, Write};
use std::path::Path;

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
}

impl Row for UsageRecord {
    const HEADERS: &'static [&'static str] = &[
        "vendor",
        "app",
        "start",
        "granularity",
        "category",
        "tier",
        "vendor_tier",
        "seconds",
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.vendor.to_string(),
            self.app.clone(),
            self.start.to_rfc3339(),
            self.granularity.to_string(),
            self.category.to_string(),
            self.tier.to_string(),
            self.vendor_tier.clone(),
            self.seconds.to_string(),
        ]
    }

    fn table(records: &[Self], out: &mut dyn Write) -> io::Result<()> {
        table::usage(records, out)
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

/// `--format`, or by default a table for a person at a terminal and CSV for anything else
/// (a pipe, a file, `--output`).
pub fn resolve_format(flag: Option<Format>, to_file: bool) -> Format {
    flag.unwrap_or(if !to_file && io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Csv
    })
}

/// `records` in `format`.
pub fn render<T: Row>(format: Format, records: &[T], out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Table => T::table(records, out),
        Format::Csv => csv::write(records, out),
        Format::Json => json::write(records, out),
    }
}

/// Where the data goes, prepared before any call so an unusable `--output` is bad input.
#[derive(Debug)]
pub enum Destination {
    Stdout,
    File(AtomicFile),
}

impl Destination {
    /// Stdout, or the temporary file beside `--output FILE` (created now: this is the check
    /// that the directory exists and is writable).
    pub fn prepare(output: Option<&Path>) -> Result<Self, ExitError> {
        let Some(path) = output else {
            return Ok(Self::Stdout);
        };
        AtomicFile::create(path).map(Self::File).map_err(|e| {
            let dir = atomic::directory_of(path);
            let why = match e.kind() {
                io::ErrorKind::NotFound => format!(
                    "the directory {} does not exist; create it or choose another path",
                    dir.display()
                ),
                io::ErrorKind::PermissionDenied => format!(
                    "cannot create files in {} ({e}); choose a writable directory",
                    dir.display()
                ),
                _ => format!("{e}; choose another path"),
            };
            ExitError::bad_input(format!("--output {}: {why}", path.display()))
        })
    }

    /// Writes `records`. A file is replaced only when complete; stdout is flushed. A reader
    /// that stopped reading (a closed pipe) is not an error.
    pub fn write<T: Row>(self, format: Format, records: &[T]) -> Result<(), ExitError> {
        match self {
            Self::Stdout => {
                let mut out = io::BufWriter::new(io::stdout().lock());
                let written = render(format, records, &mut out).and_then(|()| out.flush());
                match written {
                    Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                        Err(ExitError::failed(format!("could not write to stdout: {e}")))
                    }
                    _ => Ok(()),
                }
            }
            Self::File(file) => {
                let path = file.target().to_owned();
                file.commit_with(|out| render(format, records, out))
                    .map_err(|e| {
                        ExitError::failed(format!(
                            "could not write --output {}: {e}; the file is as it was",
                            path.display()
                        ))
                    })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CSV columns and JSON keys are the same names in the same order.
    #[test]
    fn csv_headers_follow_the_json_keys() {
        let record: UsageRecord = serde_json::from_str(
            r#"{"vendor":"tencent","app":"1400000001","start":"2026-11-01T00:00:00+08:00","granularity":"day","category":"call","tier":"hd","vendor_tier":"HD","seconds":60.0}"#,
        )
        .unwrap();
        let json = serde_json::to_string(&record).unwrap();
        let mut at = 0;
        for key in UsageRecord::HEADERS {
            let found = json[at..].find(&format!("\"{key}\":")).unwrap();
            at += found;
        }
        let mut out = Vec::new();
        csv::write(&[record], &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "vendor,app,start,granularity,category,tier,vendor_tier,seconds\n\
             tencent,1400000001,2026-11-01T00:00:00+08:00,day,call,hd,HD,60\n"
        );
    }
}
