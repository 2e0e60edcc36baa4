//! Characters that could make a policy file read differently from what it says: control
//! characters (NUL, escape sequences that garble a terminal), bidirectional controls that reorder
//! the text on screen ("Trojan Source"), and names that mix Latin with look-alike Cyrillic or
//! Greek letters (`tell_pеople` with a Cyrillic `е` is another rule than `tell_people`). Each is
//! an error at its place, found before the grammar runs.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// Most findings reported for one file; a file full of them gets the first few.
const MAX_FINDINGS: usize = 20;

/// The first control character (other than tab and line breaks) or bidirectional control in
/// `text`, with its offset and what it is: for facts files and forms, whose texts reach reports.
pub fn first_hidden(text: &str) -> Option<(usize, char, &'static str)> {
    text.char_indices().find_map(|(i, c)| {
        if control(c) {
            Some((i, c, "control character"))
        } else if bidi(c) {
            Some((i, c, "bidirectional control character"))
        } else {
            None
        }
    })
}

/// The bidirectional controls: marks, embeddings, overrides and isolates.
fn bidi(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take no room: zero-width space, word joiner, a byte-order mark inside the text.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// Control characters other than tab, line feed and carriage return.
fn control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// The script of a letter, for the letters that look alike across scripts.
fn script(c: char) -> Option<&'static str> {
    match c {
        'a'..='z' | 'A'..='Z' | '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' => Some("Latin"),
        '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' => Some("Greek"),
        '\u{0400}'..='\u{052F}' | '\u{1C80}'..='\u{1C8F}' | '\u{2DE0}'..='\u{2DFF}' | '\u{A640}'..='\u{A69F}' => {
            Some("Cyrillic")
        }
        _ => None,
    }
}

/// Every finding in `text`, at most [`MAX_FINDINGS`]. Runs of plain ASCII are skipped byte by
/// byte; only quotes, backslashes, slashes, line breaks, control bytes and characters beyond ASCII
/// are looked at. A name is read whole when it holds a letter beyond ASCII (only those can mix
/// scripts).
pub fn check(file: FileId, text: &str) -> Vec<Diagnostic> {
    let bytes = text.as_bytes();
    let mut diags = Vec::new();
    let (mut in_string, mut in_comment) = (false, false);
    let mut i = 0;
    loop {
        while bytes.get(i).is_some_and(|&b| PLAIN.get(usize::from(b)).copied().unwrap_or(false)) {
            i += 1;
        }
        let Some(&b) = bytes.get(i) else { break };
        if diags.len() >= MAX_FINDINGS {
            break;
        }
        let next = bytes.get(i + 1).copied();
        match b {
            b'"' => {
                in_string ^= !in_comment;
                i += 1;
            }
            // An escaped quote or backslash does not end the string (any other escaped character
            // is looked at as usual).
            b'\\' if in_string && matches!(next, Some(b'"' | b'\\')) => i += 2,
            b'/' => {
                in_comment |= !in_string && next == Some(b'/');
                i += 1;
            }
            b'\n' => {
                in_comment = false;
                i += 1;
            }
            b'\\' | b'\t' => i += 1,
            _ if b.is_ascii() => {
                diags.extend(hidden(Span::new(file, i, i + 1), char::from(b), b == b'\r' && next != Some(b'\n')));
                i += 1;
            }
            // In a string or comment, a character whose first byte starts none of the hidden
            // ones (C1 controls, U+061C, U+200B to U+206F, U+FEFF) is skipped undecoded.
            0xC3..=0xD7 | 0xD9..=0xE1 | 0xE3..=0xEE | 0xF0..=0xF4 if in_string || in_comment => {
                i += if b >= 0xF0 {
                    4
                } else if b >= 0xE0 {
                    3
                } else {
                    2
                };
            }
            _ => {
                let c = text.get(i..).and_then(|t| t.chars().next()).unwrap_or('\u{FFFD}');
                diags.extend(hidden(Span::new(file, i, i + c.len_utf8()), c, false));
                if !in_string && !in_comment && c.is_alphanumeric() {
                    let (start, end) = name_around(text, i);
                    diags.extend(mixed_scripts(file, text, start, end));
                    i = end.max(i + c.len_utf8());
                } else {
                    i += c.len_utf8();
                }
            }
        }
    }
    diags.truncate(MAX_FINDINGS);
    diags
}

/// The bytes the scan skips: printable ASCII with no meaning for it (all but the quote, the
/// backslash and the slash), by byte: a table is cheaper than comparisons in the loop over every
/// byte.
static PLAIN: [bool; 256] =
    super::byte_set(b" !#$%&'()*+,-.0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

/// Where the name (a run of letters, digits and `_`) around offset `at` of `text` starts and ends.
fn name_around(text: &str, at: usize) -> (usize, usize) {
    let in_name = |c: char| c.is_alphanumeric() || c == '_';
    let before = text.get(..at).unwrap_or("");
    let after = text.get(at..).unwrap_or("");
    let start = before.char_indices().rev().take_while(|(_, c)| in_name(*c)).last().map_or(at, |(k, _)| k);
    let end = at + after.char_indices().find(|(_, c)| !in_name(*c)).map_or(after.len(), |(k, _)| k);
    (start, end)
}

/// The finding for character `c` at `span` when it is hidden: a control character, a carriage
/// return that stands alone (`lone_cr`), an invisible character or a bidirectional control.
fn hidden(span: Span, c: char, lone_cr: bool) -> Option<Diagnostic> {
    Some(if control(c) {
        Diagnostic::error(
            Code::HiddenCharacter,
            span,
            format!("the file contains a control character (U+{:04X})", c as u32),
        )
        .label("control character")
        .help("remove it: control characters are invisible and can garble a terminal; policy files are plain text")
    } else if lone_cr {
        Diagnostic::error(Code::HiddenCharacter, span, "a carriage return stands alone as a line break")
            .label("lone carriage return")
            .help("save the file with LF (or CRLF) line breaks")
    } else if invisible(c) {
        Diagnostic::error(
            Code::HiddenCharacter,
            span,
            format!("the file contains an invisible character (U+{:04X})", c as u32),
        )
        .label("invisible character")
        .help("remove it: an invisible character makes two names that look the same differ")
    } else if bidi(c) {
        Diagnostic::error(
            Code::HiddenCharacter,
            span,
            format!("the file contains a bidirectional control character (U+{:04X}), which can make the text read differently from how it runs", c as u32),
        )
        .label("bidirectional control")
        .help("remove it: write right-to-left text without direction controls")
    } else {
        return None;
    })
}

/// An error when the name at `start..end` mixes Latin, Greek and Cyrillic letters.
fn mixed_scripts(file: FileId, text: &str, start: usize, end: usize) -> Option<Diagnostic> {
    let word = text.get(start..end)?;
    let first = word.chars().find_map(script)?;
    let (offset, odd) = word.char_indices().find(|(_, c)| script(*c).is_some_and(|s| s != first))?;
    let other = script(odd)?;
    let at = start + offset;
    Some(
        Diagnostic::error(
            Code::HiddenCharacter,
            Span::new(file, at, at + odd.len_utf8()),
            format!("the name `{word}` mixes {first} and {other} letters: `{odd}` (U+{:04X}) is a {other} letter that looks like a {first} one", odd as u32),
        )
        .label(format!("{other} letter"))
        .help("write each name in one script, so that two names that look the same are the same"),
    )
}

#[cfg(test)]
mod tests {
    use super::check;
    use crate::source::FileId;

    #[test]
    fn plain_bytes_are_printable_ascii_but_quote_backslash_and_slash() {
        for b in 0..=u8::MAX {
            let plain = (b' '..=b'~').contains(&b) && !matches!(b, b'"' | b'\\' | b'/');
            assert_eq!(super::PLAIN.get(usize::from(b)).copied(), Some(plain), "byte {b:#04x}");
        }
    }

    #[test]
    fn finds_controls_bidi_and_mixed_scripts() {
        let f = FileId(0);
        assert!(check(f, "define tell_people\n  = true // ok 한국어\n  title ko \"알림\"\n").is_empty());
        assert!(check(f, "define тест\n").is_empty(), "a name in one script is fine");
        let mixed = check(f, "define tell_p\u{0435}ople\n");
        assert_eq!(mixed.len(), 1);
        assert!(mixed[0].message.contains("mixes Latin and Cyrillic"), "{}", mixed[0].message);
        assert!(check(f, "title en \"p\u{0435}ople\"\n").is_empty(), "strings are text, not names");
        assert!(check(f, "// \u{202E} hidden\n")[0].message.contains("bidirectional"));
        assert!(check(f, "title en \"a\u{0000}b\"\n")[0].message.contains("U+0000"));
        assert!(check(f, "a\u{1b}[31m\n")[0].message.contains("U+001B"));
        assert_eq!(check(f, &"\u{202E}".repeat(1000)).len(), 20);
        assert!(check(f, "title en \"a \\\" \u{0435}x\"\nx\n").is_empty(), "escaped quotes stay in the string");
        assert!(check(f, "a\r\nb\r\n").is_empty(), "CRLF is fine");
        assert!(check(f, "a\rb\n")[0].message.contains("carriage return"));
        assert!(check(f, "define tell\u{200B}_people\n")[0].message.contains("invisible"));
        assert!(check(f, "title en \"a\\\u{0}\"\n")[0].message.contains("U+0000"), "an escape hides nothing");
    }
}
