//! CSV in the RFC 4180 way: a header row, `,` between cells, `\n` line ends, and a cell
//! quoted (with `"` doubled) when it holds a comma, a quote, a line break or edge spaces, so
//! any app id or tier name reads back as written.

use std::io::{self, Write};

use super::Row;

/// The header row, then one row per record.
pub fn write<T: Row>(records: &[T], out: &mut dyn Write) -> io::Result<()> {
    write_row(out, T::HEADERS.iter().copied())?;
    for record in records {
        let cells = record.cells();
        write_row(out, cells.iter().map(String::as_str))?;
    }
    Ok(())
}

fn write_row<'a>(out: &mut dyn Write, cells: impl Iterator<Item = &'a str>) -> io::Result<()> {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        // Control characters a server sent (a terminal escape in a tier key) are escaped.
        out.write_all(quote(&rtc_usage::core::error::printable(cell)).as_bytes())?;
    }
    out.write_all(b"\n")
}

/// The cell as written in a CSV file.
pub fn quote(cell: &str) -> std::borrow::Cow<'_, str> {
    let needs_quotes = cell.contains([',', '"', '\n', '\r'])
        || cell.starts_with(char::is_whitespace)
        || cell.ends_with(char::is_whitespace);
    if needs_quotes {
        format!("\"{}\"", cell.replace('"', "\"\"")).into()
    } else {
        cell.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(quote("VideoSD"), "VideoSD");
        assert_eq!(quote(""), "");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("two\nlines"), "\"two\nlines\"");
        assert_eq!(quote("cr\r"), "\"cr\r\"");
        assert_eq!(quote(" padded"), "\" padded\"");
        assert_eq!(quote("上海"), "上海");
    }

    struct Pair(&'static str, &'static str);

    impl serde::Serialize for Pair {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            (self.0, self.1).serialize(s)
        }
    }

    impl Row for Pair {
        const HEADERS: &'static [&'static str] = &["a", "b"];
        fn cells(&self) -> Vec<String> {
            vec![self.0.to_owned(), self.1.to_owned()]
        }
        fn table(_: &[Self], _: &mut dyn Write) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn writes_a_header_and_one_line_per_record() {
        let mut out = Vec::new();
        write(&[Pair("x", "1,5"), Pair("\"q\"", "")], &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,b\nx,\"1,5\"\n\"\"\"q\"\"\",\n"
        );
    }
}
