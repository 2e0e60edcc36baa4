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

fn starts_item(line: &str) -> bool {
    ITEM_KEYWORDS.iter().any(|k| {
        line.strip_prefix(k).is_some_and(|rest| rest.chars().next().is_none_or(|c| !(c.is_alphanumeric() || c == '_')))
    })
}

/// Scans `text`.
pub fn scan(text: &str) -> Scan {
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
            if line_start > 0 && starts_item(line) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
