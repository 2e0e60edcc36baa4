//! The token rules of `grammar/norma.pest`, read directly from the bytes of a chunk. Each function
//! here mirrors one rule (named in its documentation) and, like a PEG rule, either matches at the
//! current position and moves past it, or fails and leaves the position where it was.

use super::Parser;
use crate::source::Span;
use crate::syntax::ast::{DateLit, Ident, Number, Text};

/// `XID_START`, as pest reads it.
pub(super) fn xid_start(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphabetic() } else { pest::unicode::XID_START(c) }
}

/// `XID_CONTINUE`, as pest reads it.
pub(super) fn xid_continue(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphanumeric() || c == '_' } else { pest::unicode::XID_CONTINUE(c) }
}

/// Which bytes are ASCII `XID_CONTINUE` characters (letters, digits and `_`), by byte: a table
/// is cheaper than the comparisons on the hottest loop of the lexer.
static ASCII_WORD: [bool; 256] =
    crate::syntax::byte_set(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz");

/// Whether byte `c` is an ASCII `XID_CONTINUE` character.
pub(super) fn ascii_word(c: u8) -> bool {
    ASCII_WORD.get(usize::from(c)).copied().unwrap_or(false)
}

/// For each letter `a` to `z`, the lengths of the reserved words that start with it (bit `n` for
/// length `n`, all below 16): most names are told apart from every reserved word by this alone.
static RESERVED_LENGTHS: [u16; 26] = {
    let mut table = [0u16; 26];
    let mut words = crate::syntax::RESERVED;
    while let [word, rest @ ..] = words {
        if let [first, ..] = word.as_bytes() {
            let mut slots: &mut [u16] = &mut table;
            let mut letter = b'a';
            while let [slot, more @ ..] = slots {
                if letter == *first {
                    *slot |= 1 << word.len();
                }
                slots = more;
                letter += 1;
            }
        }
        words = rest;
    }
    table
};

/// Whether `word` is one of the reserved words (the grammar's `keyword` rule and
/// [`crate::syntax::RESERVED`], which a test keeps equal).
pub(super) fn is_reserved(word: &str) -> bool {
    let lengths = word.bytes().next().and_then(|c| RESERVED_LENGTHS.get(usize::from(c.wrapping_sub(b'a'))));
    if !lengths.is_some_and(|&l| word.len() < 16 && l & (1 << word.len()) != 0) {
        return false;
    }
    matches!(
        word,
        "and"
            | "applies"
            | "as"
            | "as_of"
            | "binds"
            | "catalog"
            | "certifiable"
            | "cite"
            | "confidence"
            | "crosswalk"
            | "deemed"
            | "define"
            | "derogation"
            | "edition"
            | "effort"
            | "event"
            | "every"
            | "evidence"
            | "examples"
            | "exception"
            | "exemption"
            | "expect"
            | "fact"
            | "false"
            | "family"
            | "from"
            | "given"
            | "gives"
            | "guidance"
            | "heading"
            | "help"
            | "if"
            | "in"
            | "in_force"
            | "includes"
            | "informative"
            | "instrument"
            | "is"
            | "item"
            | "jurisdiction"
            | "kind"
            | "label"
            | "met"
            | "metric"
            | "not"
            | "note"
            | "obligation"
            | "on"
            | "or"
            | "penalty"
            | "per"
            | "phase"
            | "presumed"
            | "priority"
            | "prohibition"
            | "provision"
            | "question"
            | "relation"
            | "role"
            | "severity"
            | "source"
            | "standard"
            | "status"
            | "test"
            | "text"
            | "title"
            | "to"
            | "true"
            | "under"
            | "unknown"
            | "unless"
            | "until"
            | "use"
            | "valid"
            | "verification"
            | "version"
            | "vocabulary"
            | "when"
            | "within"
    )
}

/// A doc comment's line as the tree keeps it (`doc_lines` in build.rs).
fn doc_line(raw: &str) -> String {
    let t = raw.trim_start_matches("///");
    t.strip_prefix(' ').unwrap_or(t).trim_end().to_string()
}

/// The end of `digits` (`ASCII_DIGIT ~ ("_"? ~ ASCII_DIGIT)*`) starting at `i`.
fn digits_end(b: &[u8], i: usize) -> Option<usize> {
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let mut j = i + 1;
    loop {
        match b.get(j) {
            Some(c) if c.is_ascii_digit() => j += 1,
            Some(b'_') if b.get(j + 1).is_some_and(u8::is_ascii_digit) => j += 2,
            _ => return Some(j),
        }
    }
}

/// The end of `number_u` (digits, an optional fraction and an optional exponent) starting at `i`.
fn number_u_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = digits_end(b, i)?;
    if b.get(j) == Some(&b'.')
        && let Some(k) = digits_end(b, j + 1)
    {
        j = k;
    }
    if matches!(b.get(j), Some(b'e' | b'E')) {
        let mut k = j + 1;
        if matches!(b.get(k), Some(b'+' | b'-')) {
            k += 1;
        }
        if b.get(k).is_some_and(u8::is_ascii_digit) {
            while b.get(k).is_some_and(u8::is_ascii_digit) {
                k += 1;
            }
            j = k;
        }
    }
    Some(j)
}

/// The value of a number as the builder computes it; `None` when it is out of range.
fn number_value(raw: &str) -> Option<f64> {
    // An integer of up to 15 digits is exact as a float: the float parser is not needed.
    if raw.len() <= 15
        && let Ok(n) = raw.parse::<u64>()
    {
        return Some(n as f64);
    }
    let parsed = if raw.contains('_') { raw.replace('_', "").parse() } else { raw.parse() };
    let value: f64 = parsed.unwrap_or(f64::INFINITY);
    value.is_finite().then_some(value)
}

impl<'a> Parser<'a> {
    pub(super) fn at(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.src.get(i..).and_then(|s| s.chars().next())
    }

    pub(super) fn slice(&self, start: usize, end: usize) -> &'a str {
        self.src.get(start..end).unwrap_or("")
    }

    pub(super) fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.base + start, self.base + end)
    }

    fn xid_continue_at(&self, i: usize) -> bool {
        match self.at(i) {
            Some(c) if c.is_ascii() => c.is_ascii_alphanumeric() || c == b'_',
            Some(_) => self.char_at(i).is_some_and(xid_continue),
            None => false,
        }
    }

    fn xid_start_at(&self, i: usize) -> bool {
        match self.at(i) {
            Some(c) if c.is_ascii() => c.is_ascii_alphabetic(),
            Some(_) => self.char_at(i).is_some_and(xid_start),
            None => false,
        }
    }

    /// The end of the run of `XID_CONTINUE` characters starting at `i`. A word is often asked for
    /// twice (its keywords are looked at before it is read as a name): the last one is kept.
    fn word_end(&self, i: usize) -> usize {
        let (start, end) = self.last_word.get();
        if start == i {
            return end;
        }
        let mut j = i;
        while let Some(c) = self.at(j) {
            if ascii_word(c) {
                j += 1;
            } else if c.is_ascii() {
                break;
            } else {
                match self.char_at(j) {
                    Some(c) if xid_continue(c) => j += c.len_utf8(),
                    _ => break,
                }
            }
        }
        self.last_word.set((i, j));
        j
    }

    /// The word at the position (a run of `XID_CONTINUE`), not consumed: keywords are whole words,
    /// so the keyword rules that can match here are those equal to it.
    pub(super) fn word(&self) -> &'a str {
        self.slice(self.pos, self.word_end(self.pos))
    }

    /// Implicit `WHITESPACE` and `COMMENT` between tokens (`//` but not `///`).
    pub(super) fn skip(&mut self) {
        loop {
            match self.at(self.pos) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                Some(b'/') if self.at(self.pos + 1) == Some(b'/') && self.at(self.pos + 2) != Some(b'/') => {
                    self.pos = self.line_end(self.pos);
                }
                _ => return,
            }
        }
    }

    fn line_end(&self, i: usize) -> usize {
        self.b.get(i..).and_then(|r| r.iter().position(|&c| c == b'\n')).map_or(self.b.len(), |k| i + k)
    }

    /// A literal that makes no pair of its own (`,`, `:`, `(`, `|`, …).
    pub(super) fn lit(&mut self, c: u8) -> bool {
        if self.at(self.pos) == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// A literal that is a whole pair of its own (`op_eq`, `ex_blank`, …): a leaf of the tree.
    pub(super) fn leaf_lit(&mut self, s: &str) -> bool {
        if self.b.get(self.pos..self.pos + s.len()) == Some(s.as_bytes()) {
            self.pos += s.len();
            self.leaf_end = self.pos;
            true
        } else {
            false
        }
    }

    /// A keyword rule where [`Self::word`] read the keyword: it is a whole word, consumed without
    /// looking at it again.
    pub(super) fn take_word(&mut self, word: &str) {
        self.pos += word.len();
        self.leaf_end = self.pos;
    }

    /// A keyword rule (`k_*`, `w_*`, `t_bool`, …): the word followed by no `XID_CONTINUE`.
    pub(super) fn kw(&mut self, word: &str) -> bool {
        let end = self.pos + word.len();
        // The first and last bytes tell most words apart, without a call to compare the rest.
        if self.at(self.pos) == word.as_bytes().first().copied()
            && self.at(end.wrapping_sub(1)) == word.as_bytes().last().copied()
            && self.b.get(self.pos..end) == Some(word.as_bytes())
            && !self.xid_continue_at(end)
        {
            self.pos = end;
            self.leaf_end = end;
            true
        } else {
            false
        }
    }

    /// `ident` and `segment`: `(XID_START | "_") ~ XID_CONTINUE*`. An `ident` that is a reserved
    /// word is counted: the pest path refuses it after parsing.
    fn name(&mut self, is_ident: bool) -> Option<(usize, usize)> {
        let start = self.pos;
        if !(self.at(start) == Some(b'_') || self.xid_start_at(start)) {
            return None;
        }
        let end = self.word_end(start);
        if is_ident && is_reserved(self.slice(start, end)) {
            self.reserved += 1;
        }
        self.pos = end;
        self.leaf_end = end;
        Some((start, end))
    }

    fn ident_of(&self, start: usize, end: usize) -> Ident {
        Ident { name: self.slice(start, end).to_string(), span: self.span(start, end) }
    }

    /// `ident`.
    pub(super) fn ident(&mut self) -> Option<Ident> {
        let (s, e) = self.name(true)?;
        Some(self.ident_of(s, e))
    }

    /// `path` (and `module_id`, the same rule): `ident ~ ("." ~ segment)*`, no space between.
    pub(super) fn path(&mut self) -> Option<Ident> {
        let (start, _) = self.name(true)?;
        while self.at(self.pos) == Some(b'.') {
            let dot = self.pos;
            self.pos += 1;
            if self.name(false).is_none() {
                self.pos = dot;
                break;
            }
        }
        Some(self.ident_of(start, self.pos))
    }

    /// `string`, unescaped as the builder does. Its last pair is `str_body`, which ends before the
    /// closing quote.
    pub(super) fn string(&mut self) -> Option<Text> {
        let start = self.pos;
        if self.at(start) != Some(b'"') {
            return None;
        }
        let mut value = String::new();
        let mut i = start + 1;
        let mut run = i;
        loop {
            match self.at(i) {
                Some(b'"') => break,
                Some(b'\\') => {
                    let c = match self.at(i + 1) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'n') => '\n',
                        Some(b't') => '\t',
                        _ => return None,
                    };
                    value.push_str(self.slice(run, i));
                    value.push(c);
                    i += 2;
                    run = i;
                }
                Some(b'\n' | b'\r') | None => return None,
                Some(_) => i += 1,
            }
        }
        value.push_str(self.slice(run, i));
        self.leaf_end = i;
        self.pos = i + 1;
        Some(Text { value, span: self.span(start, i + 1) })
    }

    /// `doc*`: the doc comments at the position, as the tree keeps them.
    pub(super) fn docs(&mut self) -> Vec<String> {
        if self.at(self.pos) != Some(b'/') {
            return Vec::new();
        }
        let mut out = Vec::new();
        loop {
            let m = self.mark();
            if !out.is_empty() {
                self.skip();
            }
            if self.b.get(self.pos..self.pos + 3) == Some(b"///") {
                let end = self.line_end(self.pos);
                out.push(doc_line(self.slice(self.pos, end)));
                self.pos = end;
                self.leaf_end = end;
            } else {
                self.restore(m);
                return out;
            }
        }
    }

    /// `date`, validated as the builder does (a date that is no calendar day is counted as bad).
    pub(super) fn date(&mut self) -> Option<DateLit> {
        let s = self.pos;
        let b = self.b;
        let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
        let shape = (s..s + 4).all(digit)
            && b.get(s + 4) == Some(&b'-')
            && digit(s + 5)
            && digit(s + 6)
            && b.get(s + 7) == Some(&b'-')
            && digit(s + 8)
            && digit(s + 9)
            && !self.xid_continue_at(s + 10);
        if !shape {
            return None;
        }
        let text = self.slice(s, s + 10);
        let parts: Vec<&str> = text.split('-').collect();
        let parsed = match parts.as_slice() {
            [y, m, d] => match (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>()) {
                (Ok(y), Ok(m), Ok(d)) => jiff::civil::Date::new(y, m, d).ok(),
                _ => None,
            },
            _ => None,
        };
        let date = parsed.unwrap_or_else(|| {
            self.bad += 1;
            jiff::civil::Date::MIN
        });
        self.pos = s + 10;
        self.leaf_end = self.pos;
        Some(DateLit { date, span: self.span(s, s + 10) })
    }

    /// `number`: not followed by `XID_START` (a number directly followed by a word is not one).
    pub(super) fn number(&mut self) -> Option<Number> {
        let start = self.pos;
        let end = number_u_end(self.b, start)?;
        if self.xid_start_at(end) {
            return None;
        }
        self.pos = end;
        self.leaf_end = end;
        Some(self.number_from(start, end, None))
    }

    /// The number written from `start` to `end` (out of range: counted as bad).
    fn number_from(&mut self, start: usize, end: usize, unit: Option<Ident>) -> Number {
        let raw = self.slice(start, end).to_string();
        let value = number_value(&raw).unwrap_or_else(|| {
            self.bad += 1;
            0.0
        });
        Number { raw, value, unit }
    }

    /// `quantity`: `currency ~ number | number_u ~ unit`, with its span.
    pub(super) fn quantity(&mut self) -> Option<(Number, Span)> {
        let start = self.pos;
        let m = self.mark();
        let b = self.b;
        let upper = |i: usize| b.get(i).is_some_and(u8::is_ascii_uppercase);
        if upper(start) && upper(start + 1) && upper(start + 2) && !self.xid_continue_at(start + 3) {
            let currency = self.ident_of(start, start + 3);
            self.pos = start + 3;
            self.skip();
            let at = self.pos;
            if let Some(end) = number_u_end(self.b, at)
                && !self.xid_start_at(end)
            {
                self.pos = end;
                self.leaf_end = end;
                let n = self.number_from(at, end, Some(currency));
                return Some((n, self.span(start, end)));
            }
            self.restore(m);
        }
        let end = number_u_end(self.b, start)?;
        self.pos = end;
        self.skip();
        let unit_start = self.pos;
        let unit_end = if self.at(unit_start) == Some(b'%') {
            unit_start + 1
        } else if self.at(unit_start) == Some(b'_') || self.xid_start_at(unit_start) {
            let e = self.word_end(unit_start);
            if is_reserved(self.slice(unit_start, e)) {
                self.restore(m);
                return None;
            }
            e
        } else {
            self.restore(m);
            return None;
        };
        let unit = self.ident_of(unit_start, unit_end);
        self.pos = unit_end;
        self.leaf_end = unit_end;
        let n = self.number_from(start, end, Some(unit));
        Some((n, self.span(start, unit_end)))
    }

    /// `unit` after `integer`/`decimal`: `"%"` or a word that is not a keyword.
    pub(super) fn unit(&mut self) -> Option<Ident> {
        let start = self.pos;
        let end = if self.at(start) == Some(b'%') {
            start + 1
        } else if self.at(start) == Some(b'_') || self.xid_start_at(start) {
            let e = self.word_end(start);
            if is_reserved(self.slice(start, e)) {
                return None;
            }
            e
        } else {
            return None;
        };
        self.pos = end;
        self.leaf_end = end;
        Some(self.ident_of(start, end))
    }

    /// `lang`: `ASCII_ALPHA_LOWER{2,3} ~ ("-" ~ ASCII_ALPHANUMERIC+)? ~ !XID_CONTINUE`.
    pub(super) fn lang(&mut self) -> Option<Ident> {
        let start = self.pos;
        let b = self.b;
        let mut i = start;
        while i < start + 3 && b.get(i).is_some_and(u8::is_ascii_lowercase) {
            i += 1;
        }
        if i < start + 2 {
            return None;
        }
        if b.get(i) == Some(&b'-') && b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric) {
            i += 1;
            while b.get(i).is_some_and(u8::is_ascii_alphanumeric) {
                i += 1;
            }
        }
        if self.xid_continue_at(i) {
            return None;
        }
        self.pos = i;
        self.leaf_end = i;
        Some(self.ident_of(start, i))
    }

    /// `jurisdiction_code`: `ASCII_ALPHA_UPPER{2} ~ ("-" ~ ASCII_ALPHANUMERIC+)* ~ !XID_CONTINUE`.
    pub(super) fn jurisdiction_code(&mut self) -> Option<Ident> {
        let start = self.pos;
        let b = self.b;
        if !(b.get(start).is_some_and(u8::is_ascii_uppercase) && b.get(start + 1).is_some_and(u8::is_ascii_uppercase)) {
            return None;
        }
        let mut i = start + 2;
        while b.get(i) == Some(&b'-') && b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric) {
            i += 1;
            while b.get(i).is_some_and(u8::is_ascii_alphanumeric) {
                i += 1;
            }
        }
        if self.xid_continue_at(i) {
            return None;
        }
        self.pos = i;
        self.leaf_end = i;
        Some(self.ident_of(start, i))
    }
}
