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

/// Every finding in `text`, at most [`MAX_FINDINGS`]. Reads the text byte by byte, decoding only
/// the characters beyond ASCII.
pub fn check(file: FileId, text: &str) -> Vec<Diagnostic> {
    let bytes = text.as_bytes();
    let mut diags = Vec::new();
    let (mut in_string, mut in_comment, mut escaped) = (false, false, false);
    let mut word_start: Option<usize> = None;
    // Whether the current name has a letter beyond ASCII (only those can mix scripts).
    let mut word_wide = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if diags.len() >= MAX_FINDINGS {
            break;
        }
        let c = if b.is_ascii() {
            char::from(b)
        } else {
            text.get(i..).and_then(|t| t.chars().next()).unwrap_or('\u{FFFD}')
        };
        let width = c.len_utf8();
        if !(b.is_ascii() && (b' '..0x7f).contains(&b)) {
            let lone_cr = c == '\r' && bytes.get(i + 1) != Some(&b'\n');
            diags.extend(hidden(Span::new(file, i, i + width), c, lone_cr));
        }
        // Names: runs of letters, digits and `_` outside strings and comments.
        let in_word = !in_string
            && !in_comment
            && if b.is_ascii() { b.is_ascii_alphanumeric() || b == b'_' } else { c.is_alphanumeric() };
        match (in_word, word_start) {
            (true, None) => {
                word_start = Some(i);
                word_wide = !b.is_ascii();
            }
            (true, Some(_)) => word_wide |= !b.is_ascii(),
            (false, Some(start)) => {
                if word_wide {
                    diags.extend(mixed_scripts(file, text, start, i));
                }
                word_start = None;
            }
            (false, None) => {}
        }
        if escaped {
            escaped = false;
        } else {
            match b {
                b'\n' => in_comment = false,
                b'"' if !in_comment => in_string = !in_string,
                b'\\' if in_string => escaped = true,
                b'/' if !in_string && !in_comment && bytes.get(i + 1) == Some(&b'/') => in_comment = true,
                _ => {}
            }
        }
        i += width;
    }
    if let Some(start) = word_start
        && word_wide
    {
        diags.extend(mixed_scripts(file, text, start, text.len()));
    }
    diags.truncate(MAX_FINDINGS);
    diags
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
