//! JSON: one array of the records as they serialize, for programs.

use std::io::{self, Write};

use serde::Serialize;

/// The records as one JSON array, then a newline.
pub fn write<T: Serialize>(records: &[T], out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer(&mut *out, records)?;
    out.write_all(b"\n")
}
