//! Citations as the ledger reads them: one spelling per provision, the law's order (Art. 2 before
//! Art. 10, articles before annexes, the Act before its decree and addenda), and whether one
//! provision is part of another (Art. 5(1)(f) of Art. 5(1)).

use std::cmp::Ordering;

/// A citation with runs of white space made one space and the ends trimmed, so that
/// `"Art.  9"` and `"Art. 9"` are one provision.
pub fn normalize(cite: &str) -> String {
    cite.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `part` is `whole` or a subdivision of it: `Art. 5(1)(f)` is part of `Art. 5(1)` and
/// of `Art. 5`, `제2조제4호` of `제2조`, but `Art. 50` is not part of `Art. 5`, nor `Art. 4a` of
/// `Art. 4`.
pub fn is_part_of(part: &str, whole: &str) -> bool {
    match part.strip_prefix(whole) {
        Some(rest) => rest.chars().next().is_none_or(|c| !c.is_ascii_alphanumeric()),
        None => false,
    }
}

/// One piece of a citation for ordering: a number (Arabic, or a Roman annex number) or text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Piece {
    Number(u64),
    Text(String),
}

/// The place of a citation in the law's order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Order {
    /// Articles of the main text first, then annexes or the decree, then addenda, then anything
    /// else.
    document: u8,
    pieces: Vec<Piece>,
}

/// Which part of an instrument a citation points into, by its first word.
fn document(cite: &str) -> u8 {
    const DOCUMENTS: &[(&str, u8)] = &[
        ("Art.", 0),
        ("Article", 0),
        ("Arts", 0),
        ("제", 0),
        ("Annex", 1),
        ("시행령", 1),
        ("Decree", 1),
        ("부칙", 2),
        ("Recital", 3),
    ];
    DOCUMENTS.iter().find(|(prefix, _)| cite.starts_with(prefix)).map_or(9, |(_, rank)| *rank)
}

/// The value of a Roman numeral of at most 12 letters (`XIII` is 13), if `word` is one.
fn roman(word: &str) -> Option<u64> {
    if word.is_empty() || word.len() > 12 {
        return None;
    }
    let digit = |c: char| match c {
        'I' => Some(1u64),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        _ => None,
    };
    let values: Vec<u64> = word.chars().map(digit).collect::<Option<_>>()?;
    // A digit before a larger one is subtracted (IV is 4); the sum stays below 12 × 100.
    let (mut added, mut subtracted) = (0u64, 0u64);
    for (i, v) in values.iter().enumerate() {
        match values.get(i + 1) {
            Some(next) if next > v => subtracted += v,
            _ => added += v,
        }
    }
    added.checked_sub(subtracted)
}

/// The place of `cite` in the law's order.
pub fn order(cite: &str) -> Order {
    let cite = normalize(cite);
    let mut pieces = Vec::new();
    let mut rest = cite.as_str();
    // `Annex III`: the Roman number orders as a number.
    if let Some(after) = rest.strip_prefix("Annex ") {
        let word_end = after.find(|c: char| !c.is_ascii_uppercase()).unwrap_or(after.len());
        if let (Some(value), Some(tail)) = (after.get(..word_end).and_then(roman), after.get(word_end..)) {
            pieces.push(Piece::Text("annex ".into()));
            pieces.push(Piece::Number(value));
            rest = tail;
        }
    }
    let mut text = String::new();
    let mut digits = String::new();
    for c in rest.chars() {
        if c.is_ascii_digit() {
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            digits.push(c);
        } else {
            if !digits.is_empty() {
                pieces.push(Piece::Number(digits.parse().unwrap_or(u64::MAX)));
                digits.clear();
            }
            text.extend(c.to_lowercase());
        }
    }
    if !digits.is_empty() {
        pieces.push(Piece::Number(digits.parse().unwrap_or(u64::MAX)));
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Order { document: document(&cite), pieces }
}

/// Whether a heading starting at `start` can cover `cite`: both point into the same part of the
/// instrument (articles, annexes or decree, addenda) and `cite` does not come before `start`.
pub fn heading_covers(start: &str, cite: &str) -> bool {
    let (from, at) = (order(start), order(cite));
    from.document == at.document && from <= at
}

/// Compares two citations in the law's order; equal places fall back to the text.
pub fn compare(a: &str, b: &str) -> Ordering {
    order(a).cmp(&order(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(list: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = list.iter().map(|s| (*s).to_string()).collect();
        v.sort_by(|a, b| compare(a, b));
        v
    }

    #[test]
    fn articles_sort_by_number_then_subdivision() {
        assert_eq!(
            sorted(&["Art. 10", "Art. 2(1)", "Art. 5(1a)", "Art. 5(1)(f)", "Art. 5(1)", "Art. 2", "Art. 4a", "Art. 4"]),
            vec!["Art. 2", "Art. 2(1)", "Art. 4", "Art. 4a", "Art. 5(1)", "Art. 5(1)(f)", "Art. 5(1a)", "Art. 10"]
        );
        assert_eq!(
            sorted(&["Art. 5(1)(c)", "Art. 5(1)(ba)", "Art. 5(1)(b)"]),
            vec!["Art. 5(1)(b)", "Art. 5(1)(ba)", "Art. 5(1)(c)"]
        );
    }

    #[test]
    fn annexes_follow_articles_in_roman_order() {
        assert_eq!(
            sorted(&["Annex IV", "Annex III", "Art. 99", "Annex I", "Annex X"]),
            vec!["Art. 99", "Annex I", "Annex III", "Annex IV", "Annex X"]
        );
    }

    #[test]
    fn korean_citations_sort_by_article_decree_and_addenda() {
        assert_eq!(
            sorted(&[
                "부칙 제1조",
                "시행령 제23조",
                "제34조제1항제2호",
                "제4조제1항",
                "제34조",
                "제2조제10호",
                "제2조제4호"
            ]),
            vec![
                "제2조제4호",
                "제2조제10호",
                "제4조제1항",
                "제34조",
                "제34조제1항제2호",
                "시행령 제23조",
                "부칙 제1조"
            ]
        );
        assert_eq!(sorted(&["제2조제4호카목", "제2조제4호가목"]), vec!["제2조제4호가목", "제2조제4호카목"]);
    }

    #[test]
    fn parts_are_recognised() {
        assert!(is_part_of("Art. 5(1)(f)", "Art. 5(1)"));
        assert!(is_part_of("Art. 5(1)(f)", "Art. 5"));
        assert!(is_part_of("Art. 5", "Art. 5"));
        assert!(!is_part_of("Art. 50", "Art. 5"));
        assert!(!is_part_of("Art. 4a", "Art. 4"));
        assert!(is_part_of("제2조제4호", "제2조"));
        assert!(!is_part_of("제20조", "제2조"));
    }

    #[test]
    fn spacing_does_not_matter() {
        assert_eq!(normalize("  Art.   9 (2) "), "Art. 9 (2)");
        assert_eq!(roman("XIII"), Some(13));
        assert_eq!(roman("IV"), Some(4));
        assert_eq!(roman("Art"), None);
    }
}
