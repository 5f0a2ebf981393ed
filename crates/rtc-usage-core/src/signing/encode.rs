//! Percent-encoding and hex helpers that match what the vendors' Python SDKs produce.
//!
//! Every encoder writes into a caller's `String` so a signer can build its canonical request
//! in one buffer. Output is always ASCII; input may be any Unicode, encoded as UTF-8 with
//! uppercase `%XX` (Python's `urllib.parse.quote`).

use std::borrow::Cow;

const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// `A–Z a–z 0–9 - _ . ~`: the bytes Python's `quote` never escapes (RFC 3986 unreserved).
#[inline]
pub fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Appends the lowercase hex form of `bytes`.
pub fn push_hex_lower(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(HEX_LOWER[usize::from(b >> 4)]));
        out.push(char::from(HEX_LOWER[usize::from(b & 0x0f)]));
    }
}

/// The lowercase hex form of `bytes`.
pub fn hex_lower(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_hex_lower(&mut out, bytes);
    out
}

#[inline]
fn push_escaped(out: &mut String, b: u8) {
    out.push('%');
    out.push(char::from(HEX_UPPER[usize::from(b >> 4)]));
    out.push(char::from(HEX_UPPER[usize::from(b & 0x0f)]));
}

/// Python `quote(s, safe='')` (equivalently `safe='~'` or `safe='-_.~'`): only unreserved
/// bytes stay as they are; a space is `%20`, `/` is `%2F`, `+` is `%2B`.
pub fn push_quoted(out: &mut String, s: &str) {
    for &b in s.as_bytes() {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            push_escaped(out, b);
        }
    }
}

/// Python `quote(s)` with its default `safe='/'`: like [`push_quoted`] but `/` is kept.
pub fn push_quoted_path(out: &mut String, s: &str) {
    for &b in s.as_bytes() {
        if is_unreserved(b) || b == b'/' {
            out.push(char::from(b));
        } else {
            push_escaped(out, b);
        }
    }
}

/// Python `quote_plus(s)` (what `urlencode` uses): like [`push_quoted`] but a space is `+`.
pub fn push_quoted_plus(out: &mut String, s: &str) {
    for &b in s.as_bytes() {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else if b == b' ' {
            out.push('+');
        } else {
            push_escaped(out, b);
        }
    }
}

/// Python `quote(s, safe='')` as a new string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_quoted(&mut out, s);
    out
}

#[inline]
fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Python `urllib.parse.unquote(s)`: `%XX` sequences are decoded within each run of ASCII
/// characters and the resulting bytes read as UTF-8 with invalid sequences replaced by
/// U+FFFD; a `%` not followed by two hex digits stays as it is; non-ASCII text is kept.
pub fn percent_decode_lossy(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    if !bytes.contains(&b'%') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut run: Vec<u8> = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii() {
            run.clear();
            while i < bytes.len() && bytes[i].is_ascii() {
                let b = bytes[i];
                if b == b'%' {
                    let hi = bytes.get(i + 1).copied().and_then(hex_value);
                    let lo = bytes.get(i + 2).copied().and_then(hex_value);
                    if let (Some(hi), Some(lo)) = (hi, lo) {
                        run.push(hi << 4 | lo);
                        i += 3;
                        continue;
                    }
                }
                run.push(b);
                i += 1;
            }
            out.push_str(&String::from_utf8_lossy(&run));
        } else {
            let start = i;
            while i < bytes.len() && !bytes[i].is_ascii() {
                i += 1;
            }
            // Both ends sit next to ASCII bytes (or the string's ends), so they are char
            // boundaries; `get` keeps this panic-free regardless.
            out.push_str(s.get(start..i).unwrap_or_default());
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(hex_lower(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(hex_lower(&[]), "");
    }

    #[test]
    fn quote_matches_python() {
        // quote('a b+c/d*~-_.', safe='')
        assert_eq!(quote("a b+c/d*~-_."), "a%20b%2Bc%2Fd%2A~-_.");
        assert_eq!(quote("上海"), "%E4%B8%8A%E6%B5%B7");
        assert_eq!(quote("%41"), "%2541");
        let mut out = String::new();
        push_quoted_path(&mut out, "/a b/*~%/");
        assert_eq!(out, "/a%20b/%2A~%25/");
        out.clear();
        push_quoted_plus(&mut out, "a b/c*~+");
        assert_eq!(out, "a+b%2Fc%2A~%2B");
    }

    #[test]
    fn unquote_matches_python() {
        assert_eq!(percent_decode_lossy("/plain"), "/plain");
        assert!(matches!(percent_decode_lossy("/plain"), Cow::Borrowed(_)));
        assert_eq!(percent_decode_lossy("a%2Fb%20c"), "a/b c");
        assert_eq!(percent_decode_lossy("%E4%B8%8A"), "上");
        // Invalid escapes stay literal.
        assert_eq!(percent_decode_lossy("%zz%4%"), "%zz%4%");
        assert_eq!(percent_decode_lossy("%%41"), "%A");
        // Invalid UTF-8 becomes U+FFFD (one per maximal invalid subpart, like Python).
        assert_eq!(percent_decode_lossy("%FF"), "\u{FFFD}");
        assert_eq!(percent_decode_lossy("%E4%B8x"), "\u{FFFD}x");
        // Bytes of different ASCII runs are decoded separately.
        assert_eq!(
            percent_decode_lossy("%E4上%B8%8A"),
            "\u{FFFD}上\u{FFFD}\u{FFFD}"
        );
        assert_eq!(
            percent_decode_lossy("%F0%80%80"),
            "\u{FFFD}\u{FFFD}\u{FFFD}"
        );
        assert_eq!(percent_decode_lossy("é%41é"), "éAé");
    }
}
