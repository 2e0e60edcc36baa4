//! A lexical pre-pass over a policy file, before the grammar runs: it finds `//` comments (kept
//! for the formatter), rejects nesting deeper than the limit (so the parser never recurses
//! deeply), and cuts the file into chunks, one per declaration starting in column 1, so that a
//! syntax error in one declaration does not hide the next.

use crate::limits::MAX_NESTING;

/// A `//` comment found by the scan (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawComment {
    /// Offset of `//`.
    pub start: usize,
    /// Offset of the end of the line.
    pub end: usize,
    /// Whether code precedes it on its line.
    pub trailing: bool,
}

/// What the scan found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// Plain comments.
    pub comments: Vec<RawComment>,
    /// Offsets of brackets that open deeper than [`MAX_NESTING`].
    pub too_deep: Vec<usize>,
    /// Chunk start offsets; the first chunk (the header) starts at 0.
    pub chunks: Vec<usize>,
}

/// The keywords that start a declaration.
pub(super) const ITEM_KEYWORDS: &[&str] = &[
    "fact",
    "define",
    "role",
    "evidence",
    "family",
    "event",
    "obligation",
    "prohibition",
    "exception",
    "exemption",
    "derogation",
    "crosswalk",
    "test",
    "provision",
    "heading",
    "item",
];

/// The bytes the scan stops at within a line: quotes, slashes, brackets and line ends.
static STOPS: [bool; 256] = super::byte_set(b"\"/(){}\n");

/// Whether the line starting at `line` (the rest of the text) starts with a declaration keyword
/// as a whole word.
fn starts_item(line: &str) -> bool {
    let bytes = line.as_bytes();
    let len = bytes.iter().position(|&b| !(b.is_ascii_alphanumeric() || b == b'_')).unwrap_or(bytes.len());
    let (Some(word), Some(after)) = (line.get(..len), line.get(len..)) else { return false };
    ITEM_KEYWORDS.contains(&word) && after.chars().next().is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
}

/// The end of the line that `at` is on, before its line break (`\n`, and any `\r` before it).
fn line_end(bytes: &[u8], at: usize) -> usize {
    let rest = bytes.get(at..).unwrap_or_default();
    let end = at + rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    let content = bytes.get(..end).unwrap_or_default();
    content.iter().rposition(|&b| b != b'\r').map_or(0, |k| k + 1).max(at)
}

/// Scans `text`.
pub fn scan(text: &str) -> Scan {
    let mut out = Scan { chunks: vec![0], ..Scan::default() };
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut reported_deep = false;
    let mut doc_block_start: Option<usize> = None;
    let mut line_start = 0;
    while line_start < bytes.len() {
        let line = text.get(line_start..).unwrap_or_default();
        // Chunk boundaries: a declaration keyword in column 1, with its doc block.
        if line.starts_with("///") {
            doc_block_start.get_or_insert(line_start);
        } else {
            if line_start > 0 && starts_item(line) {
                let start = doc_block_start.unwrap_or(line_start);
                if out.chunks.last().is_some_and(|&last| start > last) {
                    out.chunks.push(start);
                }
            }
            // The line without the white space before its text (`char::is_whitespace`).
            let indent = line.bytes().position(|b| !matches!(b, b' ' | b'\t' | b'\x0B' | b'\x0C' | b'\r'));
            let trimmed = match indent.map(|k| (k, line.as_bytes().get(k))) {
                Some((_, Some(&b))) if !b.is_ascii() => {
                    line.trim_start_matches(|c: char| c.is_whitespace() && c != '\n')
                }
                Some((k, _)) => line.get(k..).unwrap_or_default(),
                None => "",
            };
            let plain_comment = trimmed.starts_with("//") && !trimmed.starts_with("///");
            if !(trimmed.is_empty() || trimmed.starts_with('\n') || plain_comment) {
                doc_block_start = None;
            }
        }
        // Comments, strings and brackets within the line.
        let head = line_start;
        let mut i = head;
        line_start = bytes.len();
        while let Some(&b) = bytes.get(i) {
            if !STOPS.get(usize::from(b)).copied().unwrap_or(false) {
                i += 1;
                continue;
            }
            match b {
                b'\n' => {
                    line_start = i + 1;
                    break;
                }
                b'"' => {
                    // To the closing quote, or to the end of the line.
                    i += 1;
                    while let Some(&c) = bytes.get(i) {
                        match c {
                            b'\\' if bytes.get(i + 1) != Some(&b'\n') => i += 2,
                            b'\n' => break,
                            b'"' => {
                                i += 1;
                                break;
                            }
                            _ => i += 1,
                        }
                    }
                }
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    let end = line_end(bytes, i);
                    if bytes.get(i + 2) != Some(&b'/') {
                        let before = bytes.get(head..i).unwrap_or_default();
                        let trailing = before.iter().any(|c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n'));
                        out.comments.push(RawComment { start: i, end, trailing });
                    }
                    i = end;
                }
                b'(' | b'{' => {
                    depth += 1;
                    if depth > MAX_NESTING && !reported_deep {
                        out.too_deep.push(i);
                        reported_deep = true;
                    }
                    i += 1;
                }
                b')' | b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        reported_deep = false;
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn starts_item_ref(line: &str) -> bool {
        ITEM_KEYWORDS.iter().any(|k| {
            line.strip_prefix(k)
                .is_some_and(|rest| rest.chars().next().is_none_or(|c| !(c.is_alphanumeric() || c == '_')))
        })
    }

    /// The scan as it was written first, line by line: the oracle of the faster one.
    fn reference(text: &str) -> Scan {
        let mut out = Scan { chunks: vec![0], ..Scan::default() };
        let mut depth = 0usize;
        let mut reported_deep = false;
        let mut doc_block_start: Option<usize> = None;
        let mut offset = 0usize;
        for line in text.split_inclusive('\n') {
            let line_start = offset;
            offset += line.len();
            // Chunk boundaries: a declaration keyword in column 1, with its doc block.
            if line.starts_with("///") {
                doc_block_start.get_or_insert(line_start);
            } else {
                if line_start > 0 && starts_item_ref(line) {
                    let start = doc_block_start.unwrap_or(line_start);
                    if out.chunks.last().is_some_and(|&last| start > last) {
                        out.chunks.push(start);
                    }
                }
                let trimmed = line.trim_start();
                let plain_comment = trimmed.starts_with("//") && !trimmed.starts_with("///");
                if !trimmed.is_empty() && !plain_comment {
                    doc_block_start = None;
                }
            }
            // Comments, strings and brackets within the line.
            let bytes = line.as_bytes();
            let mut i = 0;
            let mut code_before = false;
            while let Some(&b) = bytes.get(i) {
                match b {
                    b'"' => {
                        code_before = true;
                        i += 1;
                        while let Some(&c) = bytes.get(i) {
                            i += 1;
                            match c {
                                b'\\' => i += 1,
                                b'"' | b'\n' => break,
                                _ => {}
                            }
                        }
                        continue;
                    }
                    b'/' if bytes.get(i + 1) == Some(&b'/') => {
                        if bytes.get(i + 2) != Some(&b'/') {
                            let end = line_start + line.trim_end_matches(['\n', '\r']).len();
                            out.comments.push(RawComment { start: line_start + i, end, trailing: code_before });
                        }
                        break;
                    }
                    b'(' | b'{' => {
                        depth += 1;
                        if depth > MAX_NESTING && !reported_deep {
                            out.too_deep.push(line_start + i);
                            reported_deep = true;
                        }
                    }
                    b')' | b'}' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            reported_deep = false;
                        }
                    }
                    _ => {}
                }
                if !matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
                    code_before = true;
                }
                i += 1;
            }
        }
        out
    }

    /// Pieces of lines, each a case of the scan.
    const PIECES: &[&str] = &[
        "fact",
        "facts",
        "fact\u{e9}",
        "define",
        "item_",
        "///",
        "//",
        "/",
        "\"",
        "\\",
        "(",
        ")",
        "{",
        "}",
        "\r",
        " ",
        "\t",
        "\x0B",
        "\x0C",
        "\u{a0}",
        "\u{85}",
        "\u{e9}",
        "x",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

        #[test]
        fn scans_as_line_by_line(
            lines in proptest::collection::vec(proptest::collection::vec(proptest::sample::select(PIECES), 0..4), 0..12)
        ) {
            let text = lines.iter().map(|l| l.concat()).collect::<Vec<_>>().join("\n");
            prop_assert_eq!(scan(&text), reference(&text));
        }
    }

    #[test]
    fn scans_the_corner_cases_as_line_by_line() {
        for text in [
            "x\n///\n\x0C\nfact x",
            "x\n///\n\u{a0}\u{85}\nfact x",
            "x\n///\n \u{a0}y\nfact x",
            "x\n///\n\t// c\r\r\nfact\u{a0}x\nfacts\nfact\u{e9}\nitem\n",
            "a \"x\\\n(\n)",
            "a \"b\\\"(\" { // c\r\r\n}",
            "(((\n// x\r",
            "\"\\",
        ] {
            assert_eq!(scan(text), reference(text), "{text:?}");
        }
    }

    #[test]
    fn scans_the_repositorys_policies_as_line_by_line() {
        let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies")];
        let mut seen = 0;
        while let Some(dir) = dirs.pop() {
            for path in std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()) {
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "norma") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    assert_eq!(scan(&text), reference(&text), "{}", path.display());
                    seen += 1;
                }
            }
        }
        assert!(seen > 0);
    }

    #[test]
    fn finds_comments_but_not_in_strings_or_docs() {
        let s = scan("a \"http://x\" // c1\n/// doc\n// c2\n");
        assert_eq!(s.comments.len(), 2);
        assert!(s.comments[0].trailing);
        assert!(!s.comments[1].trailing);
    }

    #[test]
    fn chunks_start_at_declarations_with_their_docs() {
        let text = "instrument x\n\n/// d\nfact a : bool\n  help en \"fact\"\ndefine b\n = true\n";
        let s = scan(text);
        assert_eq!(s.chunks, vec![0, text.find("/// d").unwrap(), text.find("define").unwrap()]);
    }

    #[test]
    fn a_comment_between_docs_and_their_declaration_keeps_them_together() {
        let text = "instrument x\n\n/// d\n// note\nfact a : bool\n";
        assert_eq!(scan(text).chunks, vec![0, text.find("/// d").unwrap()]);
    }

    #[test]
    fn deep_nesting_is_reported_once_per_run() {
        let deep = "(".repeat(MAX_NESTING + 5);
        let s = scan(&deep);
        assert_eq!(s.too_deep, vec![MAX_NESTING]);
    }
}
