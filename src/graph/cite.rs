//! Where an item sits in its law: the article (or annex) of a citation, and an order of labels
//! that puts `Art. 9` before `Art. 10`.

/// The article or annex a citation belongs to: `Art. 9(2)(a)` → `Art. 9`, `Annex III, point 1`
/// → `Annex III`, `제31조제1항` → `제31조`, `시행령 제23조` → `시행령 제23조`. Words before the
/// article are kept (`EU AI Act Art. 3(49)` → `EU AI Act Art. 3`); a citation with no article
/// (`ISO/IEC 42001:2023`) is its own group.
pub(super) fn article(cite: &str) -> String {
    let cite = cite.trim();
    latin_article(cite).or_else(|| korean_article(cite)).unwrap_or_else(|| cite.to_string())
}

/// `Art. N`, `Article N` or `Annex N`, with what comes before it.
fn latin_article(cite: &str) -> Option<String> {
    let (at, word) =
        ["Art. ", "Article ", "Annex "].iter().filter_map(|w| cite.find(w).map(|i| (i, *w))).min_by_key(|(i, _)| *i)?;
    let number_at = at + word.len();
    let rest = cite.get(number_at..)?;
    let number: String = rest.chars().take_while(char::is_ascii_alphanumeric).collect();
    if number.is_empty() {
        return None;
    }
    Some(format!("{}{number}", cite.get(..number_at)?))
}

/// `제N조`, with what comes before it (`시행령 `, `부칙 `).
fn korean_article(cite: &str) -> Option<String> {
    for (at, _) in cite.match_indices('제') {
        let rest = cite.get(at + '제'.len_utf8()..)?;
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && rest.get(digits..)?.starts_with('조') {
            let end = at + '제'.len_utf8() + digits + '조'.len_utf8();
            return cite.get(..end).map(str::to_string);
        }
    }
    None
}

/// A piece of a label for ordering: text, or a run of digits compared as a number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Piece {
    /// Letters and punctuation.
    Text(String),
    /// A run of digits, by value (very long runs saturate).
    Number(u64),
}

/// The label cut into text and numbers, so that sorting by it puts `Art. 9` before `Art. 10`.
pub(super) fn natural(label: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut number: Option<u64> = None;
    for c in label.chars() {
        match (c.to_digit(10), number) {
            (Some(d), n) => {
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                number = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(u64::from(d)));
            }
            (None, Some(n)) => {
                pieces.push(Piece::Number(n));
                number = None;
                text.push(c);
            }
            (None, None) => text.push(c),
        }
    }
    if let Some(n) = number {
        pieces.push(Piece::Number(n));
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_of_the_shipped_citation_styles() {
        for (cite, art) in [
            ("Art. 9(2)(a)", "Art. 9"),
            ("Art. 9", "Art. 9"),
            ("Art. 26(10), first subparagraph", "Art. 26"),
            ("Annex III, point 1(a)", "Annex III"),
            ("Annex I, Section A", "Annex I"),
            ("EU AI Act Art. 3(49)", "EU AI Act Art. 3"),
            ("Article 5", "Article 5"),
            ("제31조제1항", "제31조"),
            ("제2조제4호가목", "제2조"),
            ("시행령 제23조", "시행령 제23조"),
            ("부칙 제1조 단서", "부칙 제1조"),
            ("인공지능기본법 제32조제1항제2호", "인공지능기본법 제32조"),
            ("ISO/IEC 42001:2023", "ISO/IEC 42001:2023"),
            ("MCC-AI (2025)", "MCC-AI (2025)"),
            ("Art. ", "Art."),
            ("제조", "제조"),
        ] {
            assert_eq!(article(cite), art, "{cite}");
        }
    }

    #[test]
    fn numbers_sort_by_value() {
        let mut labels = vec!["Art. 10", "Annex III", "Art. 9", "Art. 2", "제31조", "제4조"];
        labels.sort_by_key(|l| natural(l));
        assert_eq!(labels, ["Annex III", "Art. 2", "Art. 9", "Art. 10", "제4조", "제31조"]);
        assert_eq!(natural("99999999999999999999999"), vec![Piece::Number(u64::MAX)]);
    }
}
