//! Expressions: `expr` read as pest reads it (prefix operators, a primary, postfix operators,
//! then infix groups), into a flat list like pest's pairs, then folded by a Pratt parser with the
//! precedence table of `build.rs` (`PRATT`) and the builder's rules for nodes, spans and depth.

use super::Parser;
use crate::limits::{MAX_EXPR_DEPTH, MAX_NESTING};
use crate::source::Span;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, PostfixOp, UnaryOp};

/// One pair of an expression, as pest lists them.
pub(super) enum Tok {
    /// A primary, built, with its depth.
    Operand(Expr, usize),
    Prefix(UnaryOp, Span),
    Postfix(PostfixOp, Span),
    Infix(Infix),
}

#[derive(Clone, Copy)]
pub(super) enum Infix {
    Or,
    And,
    Binary(BinaryOp),
}

// Pest's precedences (`PRATT` in build.rs): each level one step above the one before.
const OR: u32 = 20;
const AND: u32 = 30;
const NOT: u32 = 40;
const COMPARE: u32 = 50;
const ADD: u32 = 60;
const MUL: u32 = 70;
const NEG: u32 = 80;
const POSTFIX: u32 = 90;

fn infix_prec(op: Infix) -> u32 {
    match op {
        Infix::Or => OR,
        Infix::And => AND,
        Infix::Binary(BinaryOp::Add | BinaryOp::Sub) => ADD,
        Infix::Binary(BinaryOp::Mul | BinaryOp::Div) => MUL,
        Infix::Binary(_) => COMPARE,
    }
}

impl Parser<'_> {
    /// `expr`.
    pub(super) fn expr(&mut self) -> Option<Expr> {
        self.expr_d().map(|(e, _)| e)
    }

    /// `expr` with the depth of its tree.
    fn expr_d(&mut self) -> Option<(Expr, usize)> {
        // Brackets are prescanned to MAX_NESTING; this guards the recursion all the same.
        if self.nesting > MAX_NESTING + 1 {
            self.gave_up = true;
            return None;
        }
        self.nesting += 1;
        let base = self.toks.len();
        let out = self.expr_tokens().and_then(|()| self.fold(base));
        self.toks.truncate(base);
        self.nesting -= 1;
        out
    }

    /// `prefix_op* ~ primary ~ postfix_op* ~ (infix_op ~ prefix_op* ~ primary ~ postfix_op*)*`,
    /// pushed on the pairs of the expressions being read (`self.toks`).
    fn expr_tokens(&mut self) -> Option<()> {
        self.operand()?;
        while !self.gave_up {
            let m = self.mark();
            let len = self.toks.len();
            self.skip();
            let group = self.infix().and_then(|op| {
                self.toks.push(Tok::Infix(op));
                self.skip();
                self.operand()
            });
            if group.is_none() {
                self.restore(m);
                self.toks.truncate(len);
                break;
            }
        }
        Some(())
    }

    /// `prefix_op* ~ primary ~ postfix_op*`.
    fn operand(&mut self) -> Option<()> {
        self.prefixes()?;
        self.skip();
        let (e, d) = self.primary()?;
        self.toks.push(Tok::Operand(e, d));
        self.postfixes();
        Some(())
    }

    /// `prefix_op*`. A run longer than `MAX_EXPR_DEPTH` is refused by the builder: give up.
    fn prefixes(&mut self) -> Option<()> {
        let mut run = 0usize;
        loop {
            let m = self.mark();
            if run > 0 {
                self.skip();
            }
            let start = self.pos;
            let op = if self.leaf_lit("-") {
                UnaryOp::Neg
            } else if self.kw("not") {
                UnaryOp::Not
            } else {
                self.restore(m);
                return Some(());
            };
            run += 1;
            if run > MAX_EXPR_DEPTH {
                self.gave_up = true;
                return None;
            }
            let span = self.span(start, self.pos);
            self.toks.push(Tok::Prefix(op, span));
        }
    }

    /// `postfix_op*`: `is met`, `is known`, `applies`.
    fn postfixes(&mut self) {
        loop {
            let m = self.mark();
            self.skip();
            let start = self.pos;
            let op = if self.kw("is") {
                self.skip();
                if self.kw("met") {
                    Some(PostfixOp::IsMet)
                } else if self.kw("known") {
                    Some(PostfixOp::IsKnown)
                } else {
                    None
                }
            } else if self.kw("applies") {
                Some(PostfixOp::Applies)
            } else {
                None
            };
            match op {
                Some(op) => {
                    let span = self.span(start, self.pos);
                    self.toks.push(Tok::Postfix(op, span));
                }
                None => {
                    self.restore(m);
                    return;
                }
            }
        }
    }

    /// `infix_op`, in the grammar's order of alternatives.
    fn infix(&mut self) -> Option<Infix> {
        let two = |p: &mut Self, s: &str| p.leaf_lit(s);
        let op = match self.at(self.pos)? {
            b'!' => two(self, "!=").then_some(BinaryOp::Ne)?,
            b'<' => {
                if two(self, "<=") {
                    BinaryOp::Le
                } else {
                    self.leaf_lit("<");
                    BinaryOp::Lt
                }
            }
            b'>' => {
                if two(self, ">=") {
                    BinaryOp::Ge
                } else {
                    self.leaf_lit(">");
                    BinaryOp::Gt
                }
            }
            b'=' | b'+' | b'-' | b'*' | b'/' => {
                let (s, op) = match self.at(self.pos) {
                    Some(b'=') => ("=", BinaryOp::Eq),
                    Some(b'+') => ("+", BinaryOp::Add),
                    Some(b'-') => ("-", BinaryOp::Sub),
                    Some(b'*') => ("*", BinaryOp::Mul),
                    _ => ("/", BinaryOp::Div),
                };
                self.leaf_lit(s);
                op
            }
            // The first letters of the words below.
            b'a' | b'i' | b'n' | b'o' => {
                let word = self.word();
                match word {
                    "or" => {
                        self.take_word(word);
                        return Some(Infix::Or);
                    }
                    "and" => {
                        self.take_word(word);
                        return Some(Infix::And);
                    }
                    "not" => {
                        return self.attempt(|p| {
                            p.kw("not");
                            p.skip();
                            p.kw("in").then_some(Infix::Binary(BinaryOp::NotIn))
                        });
                    }
                    "in" => {
                        self.take_word(word);
                        BinaryOp::In
                    }
                    "includes" => {
                        self.take_word(word);
                        let of = |p: &mut Self, which: &str| {
                            p.attempt(|p| {
                                p.skip();
                                p.kw_then(which)?;
                                p.kw("of").then_some(())
                            })
                        };
                        if of(self, "any").is_some() {
                            BinaryOp::IncludesAny
                        } else if of(self, "all").is_some() {
                            BinaryOp::IncludesAll
                        } else {
                            BinaryOp::Includes
                        }
                    }
                    _ => return None,
                }
            }
            _ => return None,
        };
        Some(Infix::Binary(op))
    }

    /// `primary`, built as the builder's `atom` builds it, with its depth.
    fn primary(&mut self) -> Option<(Expr, usize)> {
        let start = self.pos;
        match self.at(start)? {
            b'(' => {
                self.pos += 1;
                self.skip();
                let inner = self.expr_d()?;
                self.skip();
                self.lit(b')').then_some(inner)
            }
            b'{' => Some((self.set_lit()?, 2)),
            b'"' | b'0'..=b'9' => Some((self.value()?, 1)),
            // Not a digit: a quantity here starts with a currency (upper case).
            c => {
                if c == b'e'
                    && let Some(e) = self.attempt(Self::evidence)
                {
                    return Some((e, 2));
                }
                if c.is_ascii_uppercase()
                    && let Some((n, span)) = self.attempt(Self::quantity)
                {
                    return Some((Expr { kind: ExprKind::Number(n), span }, 1));
                }
                let word = self.word();
                let kind = match word {
                    "true" => ExprKind::Bool(true),
                    "false" => ExprKind::Bool(false),
                    "unknown" => ExprKind::Unknown,
                    "as_of" => ExprKind::AsOf,
                    _ => {
                        let name = self.path()?;
                        let span = name.span;
                        return Some((Expr { kind: ExprKind::Name(name), span }, 1));
                    }
                };
                self.take_word(word);
                Some((Expr { kind, span: self.span(start, self.pos) }, 1))
            }
        }
    }

    /// `evidence NAME [no older than QUANTITY]`. Without the age, pest's pair (and so the
    /// expression's span) takes in the whitespace after the name.
    fn evidence(&mut self) -> Option<Expr> {
        let start = self.pos;
        self.kw_then("evidence")?;
        let name = self.path()?;
        self.skip();
        let max_age = self.attempt(|p| {
            p.kw_then("no")?;
            p.kw_then("older")?;
            p.kw_then("than")?;
            let (n, span) = p.quantity()?;
            Some(Box::new(Expr { kind: ExprKind::Number(n), span }))
        });
        Some(Expr { kind: ExprKind::Evidence { name, max_age }, span: self.span(start, self.pos) })
    }

    /// `set_lit`: `{ [elem {, elem} [,]] }`.
    fn set_lit(&mut self) -> Option<Expr> {
        let start = self.pos;
        if !self.lit(b'{') {
            return None;
        }
        self.skip();
        let mut items = Vec::new();
        if let Some(first) = self.attempt(Self::set_elem) {
            items = self.comma_list(first, Self::set_elem);
            self.optional(|p| p.lit(b',').then_some(()));
        }
        self.skip();
        if !self.lit(b'}') {
            return None;
        }
        if items.is_empty() {
            // A set without elements is a pair without inner pairs: a leaf.
            self.leaf_end = self.pos;
        }
        Some(Expr { kind: ExprKind::Set(items), span: self.span(start, self.pos) })
    }

    /// `set_elem`: `date | quantity | number | string | bool_lit | path`.
    fn set_elem(&mut self) -> Option<Expr> {
        if self.at(self.pos) == Some(b'{') { None } else { self.value() }
    }

    /// `value`: `set_lit | date | quantity | number | string | bool_lit | path`, built as an atom.
    pub(super) fn value(&mut self) -> Option<Expr> {
        let start = self.pos;
        match self.at(start)? {
            b'{' => self.set_lit(),
            b'"' => {
                let t = self.string()?;
                Some(Expr { kind: ExprKind::Text(t.value), span: t.span })
            }
            b'0'..=b'9' => {
                if let Some(d) = self.date() {
                    return Some(Expr { kind: ExprKind::Date(d.date), span: d.span });
                }
                if let Some((n, span)) = self.attempt(Self::quantity) {
                    return Some(Expr { kind: ExprKind::Number(n), span });
                }
                let n = self.number()?;
                Some(Expr { kind: ExprKind::Number(n), span: self.span(start, self.pos) })
            }
            // Not a digit: a quantity here starts with a currency (upper case).
            c => {
                if c.is_ascii_uppercase()
                    && let Some((n, span)) = self.attempt(Self::quantity)
                {
                    return Some(Expr { kind: ExprKind::Number(n), span });
                }
                let word = self.word();
                if word == "true" || word == "false" {
                    self.take_word(word);
                    return Some(Expr { kind: ExprKind::Bool(word == "true"), span: self.span(start, self.pos) });
                }
                let name = self.path()?;
                let span = name.span;
                Some(Expr { kind: ExprKind::Name(name), span })
            }
        }
    }

    // ---- Folding: pest's Pratt parser over the pairs, with the builder's nodes ----

    /// Folds the pairs from `base` on, taking them off the list.
    fn fold(&mut self, base: usize) -> Option<(Expr, usize)> {
        let mut pratt = Pratt { toks: self.toks.drain(base..), calls: 0 };
        let out = pratt.expr(0);
        if out.is_none() || pratt.toks.next().is_some() {
            self.gave_up = true;
            return None;
        }
        out
    }
}

/// Pest's `PrattParserMap` over the pairs of one expression: `None` where the builder would
/// refuse the tree (deeper than `MAX_EXPR_DEPTH`), which also bounds the recursion.
struct Pratt<'t> {
    toks: std::vec::Drain<'t, Tok>,
    calls: usize,
}

fn checked(e: Expr, depth: usize) -> Option<(Expr, usize)> {
    (depth <= MAX_EXPR_DEPTH).then_some((e, depth))
}

impl Pratt<'_> {
    fn expr(&mut self, rbp: u32) -> Option<(Expr, usize)> {
        // Each level of recursion adds a level to the tree: past the limit the builder refuses it.
        self.calls += 1;
        if self.calls > MAX_EXPR_DEPTH + 2 {
            return None;
        }
        let mut lhs = self.nud()?;
        while rbp < self.lbp() {
            lhs = self.led(lhs)?;
        }
        self.calls -= 1;
        Some(lhs)
    }

    fn nud(&mut self) -> Option<(Expr, usize)> {
        match self.toks.next()? {
            Tok::Operand(e, d) => Some((e, d)),
            Tok::Prefix(op, span) => {
                let prec = if op == UnaryOp::Not { NOT } else { NEG };
                let (r, d) = self.expr(prec - 1)?;
                let span = span.to(r.span);
                checked(Expr { kind: ExprKind::Unary(op, Box::new(r)), span }, d + 1)
            }
            _ => None,
        }
    }

    fn lbp(&self) -> u32 {
        match self.toks.as_slice().first() {
            Some(Tok::Infix(op)) => infix_prec(*op),
            Some(Tok::Postfix(..)) => POSTFIX,
            _ => 0,
        }
    }

    /// How many more operands the chain of `op` (`and` or `or`) whose operator was just read
    /// takes: the operand after it and one after each further `op` at its level. `or` binds
    /// least, so every further `or` is at its level; every `and` before the next `or` is too.
    fn chain_len(&self, op: Infix) -> usize {
        let mut n = 1;
        for t in self.toks.as_slice() {
            match (t, op) {
                (Tok::Infix(Infix::Or), Infix::And) => break,
                (Tok::Infix(Infix::Or), Infix::Or) | (Tok::Infix(Infix::And), Infix::And) => n += 1,
                _ => {}
            }
        }
        n
    }

    fn led(&mut self, (l, dl): (Expr, usize)) -> Option<(Expr, usize)> {
        match self.toks.next()? {
            Tok::Postfix(op, span) => {
                let span = l.span.to(span);
                checked(Expr { kind: ExprKind::Postfix(op, Box::new(l)), span }, dl + 1)
            }
            Tok::Infix(Infix::Binary(op)) => {
                let (r, dr) = self.expr(infix_prec(Infix::Binary(op)))?;
                let span = l.span.to(r.span);
                checked(Expr { kind: ExprKind::Binary(op, Box::new(l), Box::new(r)), span }, dl.max(dr) + 1)
            }
            Tok::Infix(op) => {
                let is_and = matches!(op, Infix::And);
                // Room for the whole chain at its first operator (then it has it).
                let mut items = match l.kind {
                    ExprKind::And(v) if is_and => v,
                    ExprKind::Or(v) if !is_and => v,
                    other => {
                        let mut v = Vec::with_capacity(1 + self.chain_len(op));
                        v.push(Expr { kind: other, span: l.span });
                        v
                    }
                };
                if items.len() == items.capacity() {
                    items.reserve_exact(self.chain_len(op));
                }
                let (r, dr) = self.expr(infix_prec(op))?;
                let span = l.span.to(r.span);
                items.push(r);
                let kind = if is_and { ExprKind::And(items) } else { ExprKind::Or(items) };
                checked(Expr { kind, span }, dl.max(dr + 1))
            }
            _ => None,
        }
    }
}
