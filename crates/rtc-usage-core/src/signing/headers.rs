//! The header list a signer works on, and the signed-header selection the V4-style schemes
//! share.
//!
//! Header lists are treated as maps: a name may appear once (compared case-insensitively), and
//! a header the scheme sets replaces an existing one of the same name (taking the scheme's
//! spelling of the name) instead of being added twice.

use std::cmp::Ordering;

/// Request headers in the order they are sent, names spelled as sent on the wire.
pub type HeaderList = Vec<(String, String)>;

/// The index of the header named `name` (case-insensitively).
pub(crate) fn find_header(headers: &[(String, String)], name: &str) -> Option<usize> {
    headers
        .iter()
        .position(|(k, _)| k.eq_ignore_ascii_case(name))
}

/// The value of the header named `name` (case-insensitively).
pub(crate) fn header_value<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Sets `name: value`: an existing header of that name (case-insensitively) is replaced in
/// place, spelled `name`; otherwise the header is appended.
pub(crate) fn set_header(headers: &mut HeaderList, name: &str, value: &str) {
    match headers
        .iter_mut()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
    {
        Some((k, v)) => {
            if k != name {
                k.clear();
                k.push_str(name);
            }
            v.clear();
            v.push_str(value);
        }
        None => headers.push((name.to_owned(), value.to_owned())),
    }
}

/// Removes every header named `name` (case-insensitively).
pub(crate) fn remove_header(headers: &mut HeaderList, name: &str) {
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
}

/// Orders header names as their lowercase forms (names are ASCII tokens once checked).
pub(crate) fn cmp_lowercase(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// Appends `name` in lowercase.
pub(crate) fn push_lowercase(out: &mut String, name: &str) {
    out.extend(name.chars().map(|c| c.to_ascii_lowercase()));
}

/// The headers a V4-style scheme signs, sorted by lowercase name, with their `;`-joined
/// lowercase names (the `SignedHeaders` value). The schemes that use it differ only in which
/// headers they keep and how they print a value.
pub(crate) struct SignedHeaderSet<'h> {
    entries: Vec<&'h (String, String)>,
    pub names: String,
}

impl<'h> SignedHeaderSet<'h> {
    /// Selects the headers `keep` accepts (names are unique case-insensitively once checked).
    pub(crate) fn select(headers: &'h [(String, String)], keep: impl Fn(&str) -> bool) -> Self {
        let mut entries: Vec<&(String, String)> = headers.iter().filter(|(k, _)| keep(k)).collect();
        entries.sort_by(|a, b| cmp_lowercase(&a.0, &b.0));
        let mut names = String::with_capacity(entries.iter().map(|(k, _)| k.len() + 1).sum());
        for (k, _) in &entries {
            if !names.is_empty() {
                names.push(';');
            }
            push_lowercase(&mut names, k);
        }
        Self { entries, names }
    }

    /// Bytes [`Self::push_canonical`] writes, for sizing the canonical request.
    pub(crate) fn canonical_len(&self) -> usize {
        self.entries
            .iter()
            .map(|(k, v)| k.len() + v.len() + 2)
            .sum::<usize>()
            + self.names.len()
            + 2
    }

    /// Appends `name:value\n` per header, an empty line, then the names and `\n`; `value`
    /// maps a header's (name, value) to the value as signed.
    pub(crate) fn push_canonical(
        &self,
        out: &mut String,
        value: impl Fn(&'h str, &'h str) -> &'h str,
    ) {
        for (k, v) in &self.entries {
            push_lowercase(out, k);
            out.push(':');
            out.push_str(value(k, v));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.names);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_header_replaces_case_insensitively() {
        let mut headers: HeaderList =
            vec![("x-date".into(), "old".into()), ("Host".into(), "h".into())];
        set_header(&mut headers, "X-Date", "new");
        set_header(&mut headers, "X-Other", "o");
        assert_eq!(
            headers,
            vec![
                ("X-Date".to_owned(), "new".to_owned()),
                ("Host".to_owned(), "h".to_owned()),
                ("X-Other".to_owned(), "o".to_owned()),
            ]
        );
        remove_header(&mut headers, "x-DATE");
        assert_eq!(headers.len(), 2);
    }
}
