//! Expressions and literals as text: precedence, parentheses, units and escapes.

use crate::syntax::ast::{BinaryOp, Expr, ExprKind, Number, PostfixOp, UnaryOp};

// Binding strengths, from loosest to tightest, as the parser's Pratt table has them.
pub(super) const OR: u8 = 1;
pub(super) const AND: u8 = 2;
pub(super) const NOT: u8 = 3;
pub(super) const COMPARE: u8 = 4;
pub(super) const SUM: u8 = 5;
pub(super) const PRODUCT: u8 = 6;
pub(super) const NEGATE: u8 = 7;
pub(super) const POSTFIX: u8 = 8;
pub(super) const ATOM: u8 = 9;

/// How tightly an expression binds.
pub(super) fn prec(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Or(_) => OR,
        ExprKind::And(_) => AND,
        ExprKind::Unary(UnaryOp::Not, _) => NOT,
        ExprKind::Binary(op, ..) if op.is_comparison() => COMPARE,
        ExprKind::Binary(BinaryOp::Add | BinaryOp::Sub, ..) => SUM,
        ExprKind::Binary(..) => PRODUCT,
        ExprKind::Unary(UnaryOp::Neg, _) => NEGATE,
        ExprKind::Postfix(..) => POSTFIX,
        _ => ATOM,
    }
}

/// An expression rendered for layout: text with the set literals kept apart, so that a line
/// that does not fit can open them up.
#[derive(Default)]
pub(super) struct Pieces(pub(super) Vec<Piece>);

/// Part of a rendered expression.
pub(super) enum Piece {
    Text(String),
    /// A set literal's elements, each rendered.
    Set(Vec<String>),
}

impl Piece {
    pub(super) fn flat(&self) -> String {
        match self {
            Piece::Text(t) => t.clone(),
            Piece::Set(elements) => format!("{{{}}}", elements.join(", ")),
        }
    }

    pub(super) fn width(&self) -> usize {
        width(&self.flat())
    }
}

impl Pieces {
    pub(super) fn text(&mut self, s: &str) {
        if let Some(Piece::Text(last)) = self.0.last_mut() {
            last.push_str(s);
        } else {
            self.0.push(Piece::Text(s.to_string()));
        }
    }

    pub(super) fn flat(&self) -> String {
        self.0.iter().map(Piece::flat).collect()
    }

    pub(super) fn width(&self) -> usize {
        self.0.iter().map(Piece::width).sum()
    }
}

/// An expression on one line.
pub(super) fn flat_expr(e: &Expr) -> String {
    let mut pieces = Pieces::default();
    write_expr(e, &mut pieces);
    pieces.flat()
}

/// Writes an expression with the fewest parentheses its structure needs.
pub(super) fn write_expr(e: &Expr, out: &mut Pieces) {
    match &e.kind {
        ExprKind::Bool(b) => out.text(if *b { "true" } else { "false" }),
        ExprKind::Unknown => out.text("unknown"),
        ExprKind::AsOf => out.text("as_of"),
        ExprKind::Number(n) => out.text(&number(n)),
        ExprKind::Date(d) => out.text(&date(*d)),
        ExprKind::Text(t) => out.text(&quote(t)),
        ExprKind::Name(name) => out.text(&name.name),
        ExprKind::Set(elements) => out.0.push(Piece::Set(elements.iter().map(flat_expr).collect())),
        ExprKind::Evidence { name, max_age } => {
            out.text(&format!("evidence {}", name.name));
            if let Some(age) = max_age {
                out.text(" no older than ");
                write_operand(age, ATOM, out);
            }
        }
        ExprKind::Unary(UnaryOp::Not, operand) => {
            out.text("not ");
            write_operand(operand, NOT, out);
        }
        ExprKind::Unary(UnaryOp::Neg, operand) => {
            out.text("-");
            write_operand(operand, NEGATE, out);
        }
        ExprKind::Postfix(op, operand) => {
            write_operand(operand, POSTFIX, out);
            out.text(match op {
                PostfixOp::IsMet => " is met",
                PostfixOp::Applies => " applies",
                PostfixOp::IsKnown => " is known",
            });
        }
        ExprKind::Binary(op, left, right) => {
            let own = prec(e);
            write_operand(left, own, out);
            out.text(&format!(" {} ", op.symbol()));
            write_operand(right, own + 1, out);
        }
        ExprKind::Or(operands) => write_chain(operands, "or", OR, out),
        ExprKind::And(operands) => write_chain(operands, "and", AND, out),
    }
}

/// `A or B or …` (or `and`).
pub(super) fn write_chain(operands: &[Expr], word: &str, own: u8, out: &mut Pieces) {
    for (index, operand) in operands.iter().enumerate() {
        if index > 0 {
            out.text(&format!(" {word} "));
        }
        write_chain_operand(operand, own, index == 0, out);
    }
}

/// An operand of an `or`/`and` chain: a nested chain is always in parentheses (an `and` inside an
/// `or` for readability), except a chain of the same kind first, as the parser nests them.
pub(super) fn write_chain_operand(e: &Expr, own: u8, first: bool, out: &mut Pieces) {
    let nested_chain = matches!(e.kind, ExprKind::Or(_) | ExprKind::And(_));
    let parens = if nested_chain { !(first && prec(e) == own) } else { prec(e) < own };
    write_maybe_parenthesised(e, parens, out);
}

/// An operand that must bind at least as tightly as `min`.
pub(super) fn write_operand(e: &Expr, min: u8, out: &mut Pieces) {
    write_maybe_parenthesised(e, prec(e) < min, out);
}

pub(super) fn write_maybe_parenthesised(e: &Expr, parens: bool, out: &mut Pieces) {
    if parens {
        out.text("(");
        write_expr(e, out);
        out.text(")");
    } else {
        write_expr(e, out);
    }
}

// ---- Literals ----

/// A number with its unit: a currency (three capital letters) before it, any other unit after.
pub(super) fn number(n: &Number) -> String {
    match &n.unit {
        Some(unit) if is_currency(&unit.name) => format!("{} {}", unit.name, n.raw),
        Some(unit) => format!("{} {}", n.raw, unit.name),
        None => n.raw.clone(),
    }
}

pub(super) fn is_currency(unit: &str) -> bool {
    unit.len() == 3 && unit.bytes().all(|b| b.is_ascii_uppercase())
}

/// `YYYY-MM-DD`.
pub(super) fn date(d: jiff::civil::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// A text literal with `\\`, `"`, line breaks and tabs escaped.
pub(super) fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// Columns a line takes (one per character).
pub(super) fn width(s: &str) -> usize {
    s.chars().count()
}

pub(super) fn pad(indent: usize) -> String {
    " ".repeat(indent)
}
