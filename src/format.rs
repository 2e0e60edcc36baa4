//! The canonical formatter: prints a parsed [`Module`] in the one layout every policy file is kept
//! in, keeping every `//` comment.
//!
//! The layout depends only on the syntax tree and on where the comments are, so formatting is
//! idempotent. The module is first rendered as a list of blocks (the header line, header clauses, `use` lines, item first
//! lines and item clauses); each comment is then attached to a block by its position: a comment on
//! its own line goes before the next block, a trailing comment at the end of the last line of the
//! block before it. The only other thing read from the source positions is whether a blank line
//! separated a column-1 comment block from what follows it.

use crate::syntax::ast::{
    BinaryOp, Cited, Clause, ClauseKind, Comment, Crosswalk, CrosswalkTarget, Dated, Expr, ExprKind, FactType, Given,
    Ident, Item, ItemHead, ItemKind, Localized, Module, Number, PostfixOp, UnaryOp, Variant,
};

/// Lines longer than this many columns are broken where the layout allows it.
const MAX_WIDTH: usize = 100;
/// Indentation of clauses under their item or header.
const CLAUSE_INDENT: usize = 2;
/// Extra indentation of continuation lines and of set elements laid out one per line.
const STEP: usize = 2;
/// Indentation of enumeration values laid out one per line.
const VARIANT_INDENT: usize = 4;

/// Formats a parsed module in the canonical layout, keeping every `//` comment.
pub fn format_module(module: &Module) -> String {
    let blocks = blocks(module);
    let placed = place_comments(&blocks, &module.comments);
    let mut lines = Vec::new();
    for (block, comments) in blocks.iter().zip(placed.per_block) {
        push_block(&mut lines, block, comments);
    }
    if !placed.at_end.is_empty() {
        lines.push(String::new());
        push_comments(&mut lines, &placed.at_end, 0, true);
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

// ---- Blocks and comments ----

/// One element of the layout that comments attach to, rendered.
struct Block {
    /// Where the element starts in the source (after its doc comments).
    start: usize,
    /// The column its lines start at.
    indent: usize,
    /// Whether one blank line separates it from what precedes it.
    blank_before: bool,
    /// Whether blank lines around the comment block before it are kept (header and items).
    spaced_comments: bool,
    /// Its doc comment lines.
    docs: Vec<String>,
    /// Its code lines.
    lines: Vec<String>,
}

/// The comments attached to one block.
#[derive(Default)]
struct Attached<'c> {
    /// Comments on their own lines, printed before the block.
    before: Vec<&'c Comment>,
    /// The comment printed at the end of the block's last line.
    trailing: Option<&'c Comment>,
}

/// Every comment of a module, attached.
struct Placement<'c> {
    /// One entry per block, in block order.
    per_block: Vec<Attached<'c>>,
    /// Comments after the last block.
    at_end: Vec<&'c Comment>,
}

/// Attaches each comment to the block it belongs to. A line can end in one comment only, so when
/// several trailing comments fall within one block, all but the last go before the block.
fn place_comments<'c>(blocks: &[Block], comments: &'c [Comment]) -> Placement<'c> {
    let starts: Vec<usize> = blocks.iter().map(|b| b.start).collect();
    let mut per_block: Vec<Attached<'c>> = blocks.iter().map(|_| Attached::default()).collect();
    let mut trailing: Vec<Vec<&'c Comment>> = blocks.iter().map(|_| Vec::new()).collect();
    let mut at_end = Vec::new();
    let mut sorted: Vec<&'c Comment> = comments.iter().collect();
    sorted.sort_by_key(|c| c.span.start);
    for comment in sorted {
        let started = starts.partition_point(|&s| s < comment.span.start);
        let owner = match started.checked_sub(1) {
            Some(previous) if comment.trailing => trailing.get_mut(previous),
            _ => per_block.get_mut(started).map(|a| &mut a.before),
        };
        match owner {
            Some(list) => list.push(comment),
            None => at_end.push(comment),
        }
    }
    for (attached, mut list) in per_block.iter_mut().zip(trailing) {
        attached.trailing = list.pop();
        attached.before.append(&mut list);
    }
    Placement { per_block, at_end }
}

/// Appends a block with its comments and doc comments.
fn push_block(lines: &mut Vec<String>, block: &Block, comments: Attached<'_>) {
    if block.blank_before {
        lines.push(String::new());
    }
    push_comments(lines, &comments.before, block.indent, block.spaced_comments);
    let doc_bytes: usize = block.docs.iter().map(|d| d.len() + 1).sum();
    if block.spaced_comments
        && comments.before.last().is_some_and(|last| separated(last, block.start.saturating_sub(doc_bytes)))
    {
        lines.push(String::new());
    }
    lines.extend(block.docs.iter().cloned());
    lines.extend(block.lines.iter().cloned());
    if let Some(comment) = comments.trailing
        && let Some(last) = lines.last_mut()
    {
        last.push(' ');
        last.push_str(comment.text.trim_end());
    }
}

/// Appends comments on their own lines; with `spaced`, keeps one blank line where the source had
/// at least one between two comments that were on their own lines there.
fn push_comments(lines: &mut Vec<String>, comments: &[&Comment], indent: usize, spaced: bool) {
    let mut previous: Option<&Comment> = None;
    for comment in comments {
        if spaced && !comment.trailing && previous.is_some_and(|p| separated(p, comment.span.start)) {
            lines.push(String::new());
        }
        lines.push(format!("{}{}", pad(indent), comment.text.trim_end()));
        previous = Some(comment);
    }
}

/// Whether the source had a blank line between a comment on its own line and a column-1 line
/// starting at `start`, judged from the byte distance alone: exact for the canonical layout (a
/// line break is one byte), but a `\r\n` line break or an indented line counts as a blank line.
fn separated(comment: &Comment, start: usize) -> bool {
    !comment.trailing && start.saturating_sub(comment.span.end) >= 2
}

// ---- Rendering the module ----

/// Renders the module's elements in source order.
fn blocks(module: &Module) -> Vec<Block> {
    let header = &module.header;
    let mut out = vec![Block {
        start: header.span.start,
        indent: 0,
        blank_before: false,
        spaced_comments: true,
        docs: doc_lines(&module.docs, 0),
        lines: vec![format!("{} {}", header.kind.keyword(), header.id.name)],
    }];
    push_clauses(&mut out, &header.clauses);
    for (index, import) in module.uses.iter().enumerate() {
        let alias = import.alias.as_ref().map(|a| format!(" as {}", a.name)).unwrap_or_default();
        out.push(Block {
            start: import.module.span.start,
            indent: 0,
            blank_before: index == 0,
            spaced_comments: false,
            docs: doc_lines(&import.docs, 0),
            lines: vec![format!("use {}{alias}", import.module.name)],
        });
    }
    for item in &module.items {
        out.push(Block {
            start: item.span.start,
            indent: 0,
            blank_before: true,
            spaced_comments: true,
            docs: doc_lines(&item.docs, 0),
            lines: item_head(item),
        });
        push_clauses(&mut out, &item.clauses);
    }
    out
}

/// Renders clauses, one block each.
fn push_clauses(out: &mut Vec<Block>, clauses: &[Clause]) {
    out.extend(clauses.iter().map(|clause| Block {
        start: clause.span.start,
        indent: CLAUSE_INDENT,
        blank_before: false,
        spaced_comments: false,
        docs: doc_lines(&clause.docs, CLAUSE_INDENT),
        lines: clause_lines(&clause.kind, CLAUSE_INDENT),
    }));
}

/// `/// text` lines at `indent`.
fn doc_lines(docs: &[String], indent: usize) -> Vec<String> {
    docs.iter()
        .map(|d| if d.is_empty() { format!("{}///", pad(indent)) } else { format!("{}/// {d}", pad(indent)) })
        .collect()
}

/// An item's first line (several for a fact whose enumeration does not fit on one).
fn item_head(item: &Item) -> Vec<String> {
    let first = match item.kind {
        ItemKind::Test => format!("test {}", quote(&item.name.name)),
        kind => format!("{} {}", kind.keyword(), item.name.name),
    };
    match &item.head {
        ItemHead::None => vec![first],
        ItemHead::Fact(ty) => fact_head(first, ty),
        ItemHead::Targets(targets) => vec![format!("{first} to {}", names(targets.iter().map(|t| &t.name)))],
        ItemHead::Crosswalk(xw) => vec![format!("{first} to {}", crosswalk(xw))],
    }
}

/// `fact PATH : TYPE`.
fn fact_head(first: String, ty: &FactType) -> Vec<String> {
    let name = match ty {
        FactType::Bool => "bool".to_string(),
        FactType::Integer(unit) => format!("integer{}", unit_suffix(unit.as_ref())),
        FactType::Decimal(unit) => format!("decimal{}", unit_suffix(unit.as_ref())),
        FactType::Text => "text".to_string(),
        FactType::Date => "date".to_string(),
        FactType::Duration => "duration".to_string(),
        FactType::Enum(variants) => return enum_head(&first, "enum", variants),
        FactType::Set(variants) => return enum_head(&first, "set of enum", variants),
    };
    vec![format!("{first} : {name}")]
}

/// `fact PATH : enum {…}` (or `set of enum`), one value per line if it does not fit on one.
fn enum_head(first: &str, keyword: &str, variants: &[Variant]) -> Vec<String> {
    let values: Vec<String> = variants.iter().map(variant).collect();
    let flat = format!("{first} : {keyword} {{{}}}", values.join(", "));
    if width(&flat) <= MAX_WIDTH {
        return vec![flat];
    }
    let mut lines = vec![format!("{first} : {keyword} {{")];
    lines.extend(values.iter().map(|v| format!("{}{v},", pad(VARIANT_INDENT))));
    lines.push("}".to_string());
    lines
}

/// ` UNIT` after a numeric type, or nothing.
fn unit_suffix(unit: Option<&Ident>) -> String {
    unit.map(|u| format!(" {}", u.name)).unwrap_or_default()
}

/// `name en "…" ko "…"`.
fn variant(v: &Variant) -> String {
    let mut out = v.name.name.clone();
    for (lang, text) in &v.labels {
        out.push_str(&format!(" {} {}", lang.name, quote(&text.value)));
    }
    out
}

/// `TARGET relation REL [source "…"]`, shared by crosswalk items and clauses.
fn crosswalk(xw: &Crosswalk) -> String {
    let target = match &xw.target {
        CrosswalkTarget::Rule(rule) => rule.name.clone(),
        CrosswalkTarget::Standard { name, part } => {
            format!("standard {}{}", quote(&name.value), optional(" clause ", part.as_ref().map(|p| quote(&p.value))))
        }
    };
    let source = optional(" source ", xw.source.as_ref().map(|s| quote(&s.value)));
    format!("{target} relation {}{source}", xw.relation.name)
}

/// `prefix` and `value`, or nothing when there is no value.
fn optional(prefix: &str, value: Option<String>) -> String {
    value.map(|v| format!("{prefix}{v}")).unwrap_or_default()
}

/// Names separated by commas.
fn names<'a>(list: impl Iterator<Item = &'a String>) -> String {
    list.map(String::as_str).collect::<Vec<_>>().join(", ")
}

// ---- Clauses ----

/// A clause as the text before its expression, the expression (which may be broken over lines)
/// and the text after it.
struct Parts<'a> {
    head: String,
    expr: Option<&'a Expr>,
    tail: String,
}

impl<'a> Parts<'a> {
    /// A clause without an expression.
    fn text(head: String) -> Self {
        Parts { head, expr: None, tail: String::new() }
    }

    /// `KEYWORD EXPR`.
    fn expr(kind: &ClauseKind, expr: &'a Expr) -> Self {
        Parts { head: format!("{} ", kind.keyword()), expr: Some(expr), tail: String::new() }
    }
}

/// Splits a clause into [`Parts`].
fn parts(kind: &ClauseKind) -> Parts<'_> {
    let keyword = kind.keyword();
    match kind {
        ClauseKind::Cite(texts) => {
            Parts::text(format!("{keyword} {}", texts.iter().map(|t| quote(&t.value)).collect::<Vec<_>>().join(", ")))
        }
        ClauseKind::Binds(roles) => Parts::text(format!("{keyword} {}", names(roles.iter().map(|r| &r.name)))),
        ClauseKind::Title(l) | ClauseKind::Body(l) | ClauseKind::Penalty(l) => Parts::text(localized(keyword, l, true)),
        ClauseKind::Question(l) | ClauseKind::Help(l) | ClauseKind::Note(l) => {
            Parts::text(localized(keyword, l, false))
        }
        ClauseKind::When(e)
        | ClauseKind::Unless(e)
        | ClauseKind::Value(e)
        | ClauseKind::Gives(e)
        | ClauseKind::Met(e)
        | ClauseKind::ValidFor(e) => Parts::expr(kind, e),
        ClauseKind::From(d) | ClauseKind::Until(d) => dated(keyword, d),
        ClauseKind::Deemed(c) | ClauseKind::Presumed(c) => cited(kind, c),
        ClauseKind::Standard { name, part, relation } => Parts::text(format!(
            "{keyword} {}{}{}",
            quote(&name.value),
            optional(" clause ", part.as_ref().map(|p| quote(&p.value))),
            optional(" relation ", relation.as_ref().map(|r| r.name.clone())),
        )),
        ClauseKind::Crosswalk(xw) => Parts::text(format!("{keyword} {}", crosswalk(xw))),
        ClauseKind::Severity(name) | ClauseKind::Jurisdiction(name) => Parts::text(format!("{keyword} {}", name.name)),
        ClauseKind::Priority(n) => Parts::text(format!("{keyword} {n}")),
        ClauseKind::Version { name, label, in_force } => {
            Parts::text(format!("{keyword} {} {} in_force {}", name.name, quote(&label.value), date(in_force.date)))
        }
        ClauseKind::Source(text) => Parts::text(format!("{keyword} {}", quote(&text.value))),
        ClauseKind::AsOf(d) => Parts::text(format!("{keyword} {}", date(d.date))),
        ClauseKind::Given(Given::Fact { path, value }) => {
            Parts { head: format!("{keyword} {} = ", path.name), expr: Some(value), tail: String::new() }
        }
        ClauseKind::Given(Given::Evidence { name, dated, expires, reference }) => Parts::text(format!(
            "{keyword} evidence {}{}{}{}",
            name.name,
            optional(" dated ", dated.map(|d| date(d.date))),
            optional(" expires ", expires.map(|d| date(d.date))),
            optional(" ref ", reference.as_ref().map(|r| quote(&r.value))),
        )),
        ClauseKind::Expect { target, outcome, .. } => {
            Parts::text(format!("{keyword} {} {}", target.name, outcome.words()))
        }
    }
}

/// `KEYWORD LANG "…"`, with `under VERSION` where the grammar allows it.
fn localized(keyword: &str, l: &Localized, allows_under: bool) -> String {
    let under =
        if allows_under { optional(" under ", l.under.as_ref().map(|u| u.name.clone())) } else { String::new() };
    format!("{keyword} {} {}{under}", l.lang.name, quote(&l.text.value))
}

/// `from DATE [if EXPR] [under VERSION] [per "…"]` (or `until`).
fn dated<'a>(keyword: &str, d: &'a Dated) -> Parts<'a> {
    let tail = format!(
        "{}{}",
        optional(" under ", d.under.as_ref().map(|u| u.name.clone())),
        optional(" per ", d.per.as_ref().map(|p| quote(&p.value)))
    );
    let head = format!("{keyword} {}", date(d.date.date));
    match &d.condition {
        Some(condition) => Parts { head: format!("{head} if "), expr: Some(condition), tail },
        None => Parts::text(format!("{head}{tail}")),
    }
}

/// `deemed met when EXPR [per "…"]` (or `presumed`).
fn cited<'a>(kind: &ClauseKind, c: &'a Cited) -> Parts<'a> {
    Parts { tail: optional(" per ", c.per.as_ref().map(|p| quote(&p.value))), ..Parts::expr(kind, &c.expr) }
}

/// A clause's lines at `indent`: on one line if it fits; otherwise a top-level `or`/`and` chain
/// gets one operand per line, and sets on lines still too long one element per line.
fn clause_lines(kind: &ClauseKind, indent: usize) -> Vec<String> {
    let Parts { head, expr, tail } = parts(kind);
    let mut flat = Pieces::default();
    flat.text(&head);
    if let Some(e) = expr {
        write_expr(e, &mut flat);
    }
    flat.text(&tail);
    let mut lines = Vec::new();
    if indent + flat.width() <= MAX_WIDTH {
        lines.push(format!("{}{}", pad(indent), flat.flat()));
        return lines;
    }
    let chain = expr.and_then(|e| match &e.kind {
        ExprKind::Or(operands) => Some((operands, "or", OR)),
        ExprKind::And(operands) => Some((operands, "and", AND)),
        _ => None,
    });
    let Some((operands, word, prec)) = chain else {
        lay_out(indent, &flat, &mut lines);
        return lines;
    };
    let mut rows: Vec<(usize, Pieces)> = Vec::new();
    for (index, operand) in operands.iter().enumerate() {
        let mut row = Pieces::default();
        if index == 0 {
            row.text(&head);
        } else {
            row.text(&format!("{word} "));
        }
        write_chain_operand(operand, prec, index == 0, &mut row);
        rows.push((if index == 0 { indent } else { indent + STEP }, row));
    }
    if let Some((_, last)) = rows.last_mut() {
        last.text(&tail);
    }
    for (row_indent, row) in &rows {
        lay_out(*row_indent, row, &mut lines);
    }
    lines
}

/// Lays out one line at `indent`; while the rest of the line does not fit, each set literal on it
/// goes one element per line.
fn lay_out(indent: usize, pieces: &Pieces, lines: &mut Vec<String>) {
    let mut line = pad(indent);
    let mut rest = pieces.width();
    for piece in &pieces.0 {
        match piece {
            Piece::Set(elements) if !elements.is_empty() && width(&line) + rest > MAX_WIDTH => {
                line.push('{');
                lines.push(line);
                lines.extend(elements.iter().map(|e| format!("{}{e},", pad(indent + STEP))));
                line = format!("{}}}", pad(indent));
            }
            _ => line.push_str(&piece.flat()),
        }
        rest = rest.saturating_sub(piece.width());
    }
    lines.push(line);
}

// ---- Expressions ----

// Binding strengths, from loosest to tightest, as the parser's Pratt table has them.
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const COMPARE: u8 = 4;
const SUM: u8 = 5;
const PRODUCT: u8 = 6;
const NEGATE: u8 = 7;
const POSTFIX: u8 = 8;
const ATOM: u8 = 9;

/// How tightly an expression binds.
fn prec(e: &Expr) -> u8 {
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
struct Pieces(Vec<Piece>);

/// Part of a rendered expression.
enum Piece {
    Text(String),
    /// A set literal's elements, each rendered.
    Set(Vec<String>),
}

impl Piece {
    fn flat(&self) -> String {
        match self {
            Piece::Text(t) => t.clone(),
            Piece::Set(elements) => format!("{{{}}}", elements.join(", ")),
        }
    }

    fn width(&self) -> usize {
        width(&self.flat())
    }
}

impl Pieces {
    fn text(&mut self, s: &str) {
        if let Some(Piece::Text(last)) = self.0.last_mut() {
            last.push_str(s);
        } else {
            self.0.push(Piece::Text(s.to_string()));
        }
    }

    fn flat(&self) -> String {
        self.0.iter().map(Piece::flat).collect()
    }

    fn width(&self) -> usize {
        self.0.iter().map(Piece::width).sum()
    }
}

/// An expression on one line.
fn flat_expr(e: &Expr) -> String {
    let mut pieces = Pieces::default();
    write_expr(e, &mut pieces);
    pieces.flat()
}

/// Writes an expression with the fewest parentheses its structure needs.
fn write_expr(e: &Expr, out: &mut Pieces) {
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
fn write_chain(operands: &[Expr], word: &str, own: u8, out: &mut Pieces) {
    for (index, operand) in operands.iter().enumerate() {
        if index > 0 {
            out.text(&format!(" {word} "));
        }
        write_chain_operand(operand, own, index == 0, out);
    }
}

/// An operand of an `or`/`and` chain: a nested chain is always in parentheses (an `and` inside an
/// `or` for readability), except a chain of the same kind first, as the parser nests them.
fn write_chain_operand(e: &Expr, own: u8, first: bool, out: &mut Pieces) {
    let nested_chain = matches!(e.kind, ExprKind::Or(_) | ExprKind::And(_));
    let parens = if nested_chain { !(first && prec(e) == own) } else { prec(e) < own };
    write_maybe_parenthesised(e, parens, out);
}

/// An operand that must bind at least as tightly as `min`.
fn write_operand(e: &Expr, min: u8, out: &mut Pieces) {
    write_maybe_parenthesised(e, prec(e) < min, out);
}

fn write_maybe_parenthesised(e: &Expr, parens: bool, out: &mut Pieces) {
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
fn number(n: &Number) -> String {
    match &n.unit {
        Some(unit) if is_currency(&unit.name) => format!("{} {}", unit.name, n.raw),
        Some(unit) => format!("{} {}", n.raw, unit.name),
        None => n.raw.clone(),
    }
}

fn is_currency(unit: &str) -> bool {
    unit.len() == 3 && unit.bytes().all(|b| b.is_ascii_uppercase())
}

/// `YYYY-MM-DD`.
fn date(d: jiff::civil::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// A text literal with `\\`, `"`, line breaks and tabs escaped.
fn quote(value: &str) -> String {
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
fn width(s: &str) -> usize {
    s.chars().count()
}

fn pad(indent: usize) -> String {
    " ".repeat(indent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;
    use crate::syntax::parse;
    use proptest::prelude::*;

    fn parse_ok(text: &str) -> Module {
        let parsed = parse(FileId(0), text);
        assert!(parsed.diags.is_empty(), "syntax errors in\n{text}\n{:?}", parsed.diags);
        parsed.module.expect("a module")
    }

    /// The tree without spans or comments, for comparison.
    fn shape(module: &Module) -> String {
        let mut bare = module.clone();
        bare.comments.clear();
        let debug = format!("{bare:?}");
        let mut out = String::with_capacity(debug.len());
        let mut rest = debug.as_str();
        while let Some(at) = rest.find("Span {") {
            out.push_str(&rest[..at]);
            let close = rest[at..].find('}').expect("closing brace of a span");
            rest = &rest[at + close + 1..];
        }
        out.push_str(rest);
        out
    }

    fn comment_texts(module: &Module) -> Vec<String> {
        let mut texts: Vec<String> = module.comments.iter().map(|c| c.text.trim_end().to_string()).collect();
        texts.sort();
        texts
    }

    /// Formats `text`, checking that the output reads back as the same tree with the same
    /// comments and formats to itself.
    fn fmt(text: &str) -> String {
        let original = parse_ok(text);
        let out = format_module(&original);
        let again = parse_ok(&out);
        assert_eq!(shape(&original), shape(&again), "the tree changed:\n{out}");
        assert_eq!(comment_texts(&original), comment_texts(&again), "comments changed:\n{out}");
        assert_eq!(format_module(&again), out, "not idempotent");
        out
    }

    /// Formats one item (after a vocabulary header) and returns its lines.
    fn fmt_item(item: &str) -> String {
        let out = fmt(&format!("vocabulary v\n\n{item}"));
        out.strip_prefix("vocabulary v\n\n").expect("the header").to_string()
    }

    /// Formats `define d` with `= EXPR` and returns the expression as printed.
    fn fmt_expr(expr: &str) -> String {
        let out = fmt_item(&format!("define d\n  = {expr}\n"));
        out.strip_prefix("define d\n  = ").and_then(|e| e.strip_suffix('\n')).expect("one clause").to_string()
    }

    // ---- Layout ----

    #[test]
    fn header_uses_and_items_are_laid_out_with_one_blank_line_between_sections() {
        let text = "/// The act.\n///\ninstrument   eu.x   title en \"X\"\n    jurisdiction EU\n\n\n\
                    /// Shared.\nuse common   use kr.y as   y\nrole a\n\n\n\nrole b   cite \"1\"\n";
        let expected = "/// The act.\n///\ninstrument eu.x\n  title en \"X\"\n  jurisdiction EU\n\n\
                        /// Shared.\nuse common\nuse kr.y as y\n\nrole a\n\nrole b\n  cite \"1\"\n";
        assert_eq!(fmt(text), expected);
    }

    #[test]
    fn a_module_without_uses_has_one_blank_line_before_its_items() {
        assert_eq!(fmt("vocabulary v\nrole a\n"), "vocabulary v\n\nrole a\n");
        assert_eq!(fmt("vocabulary v\n  title en \"V\"\n"), "vocabulary v\n  title en \"V\"\n");
    }

    #[test]
    fn item_first_lines() {
        let text = "fact a.b:bool\nfact c : integer\nfact d : integer users\nfact e : decimal KRW\n\
                    fact f : text\nfact g : date\nfact h : duration\nfact i : enum{x,y}\n\
                    fact j : set  of  enum { x en \"X\" ko \"엑스\" , y , }\ndefine k\nrole l\nevidence m\n\
                    obligation n\nprohibition o\nexception p to n\nexemption q to n,o\nderogation r to a.b , n\n\
                    crosswalk n to standard \"ISO/IEC 42001:2023\" clause \"6.1.2\" relation partial source \"s\"\n\
                    crosswalk o to kr.y.z relation equivalent\ntest \"A \\\"quoted\\\" title\"\n";
        let expected = "fact a.b : bool\n\nfact c : integer\n\nfact d : integer users\n\nfact e : decimal KRW\n\n\
                        fact f : text\n\nfact g : date\n\nfact h : duration\n\nfact i : enum {x, y}\n\n\
                        fact j : set of enum {x en \"X\" ko \"엑스\", y}\n\ndefine k\n\nrole l\n\nevidence m\n\n\
                        obligation n\n\nprohibition o\n\nexception p to n\n\nexemption q to n, o\n\n\
                        derogation r to a.b, n\n\n\
                        crosswalk n to standard \"ISO/IEC 42001:2023\" clause \"6.1.2\" relation partial source \"s\"\n\n\
                        crosswalk o to kr.y.z relation equivalent\n\ntest \"A \\\"quoted\\\" title\"\n";
        assert_eq!(fmt_item(text), expected);
    }

    #[test]
    fn an_enumeration_that_does_not_fit_goes_one_value_per_line() {
        let text = "fact system.purpose : enum {medical en \"Medical reasons\" ko \"의료 목적\", \
                    safety en \"Safety reasons\", other}\n  question en \"Why?\"\n";
        let expected = "fact system.purpose : enum {\n    medical en \"Medical reasons\" ko \"의료 목적\",\n    \
                        safety en \"Safety reasons\",\n    other,\n}\n  question en \"Why?\"\n";
        assert_eq!(fmt_item(text), expected);
        // One that fits goes back on one line.
        assert_eq!(fmt_item("fact s : set of enum {\n    a,\n    b,\n}\n"), "fact s : set of enum {a, b}\n");
    }

    #[test]
    fn every_clause_is_printed_as_the_grammar_has_it() {
        let text = "obligation o\n \
                    cite \"Art. 9\",\"Annex III\"\n binds provider,deployer\n \
                    title en \"T\" under amended\n text ko \"본문\"\n question en \"Q?\"\n help en \"H\"\n \
                    penalty en \"P\" under original\n note en \"N\"\n = c\n when a\n unless b\n gives d\n \
                    from 2026-08-02 if e under original per \"Art. 113\"\n from 2027-01-01\n \
                    until 2030-01-01 per \"x\"\n met when evidence f no older than 12 months\n \
                    deemed met when g per \"Art. 34(3)\"\n presumed met when h\n \
                    standard \"ISO/IEC 23894:2023\" clause \"5\" relation partial\n standard \"EN 1\"\n \
                    crosswalk kr.y.z relation partial source \"s\"\n crosswalk standard \"ISO 1\" relation related\n \
                    severity high\n priority 1_0\n valid for 12 months\n jurisdiction US-CO\n \
                    version v1 \"First\" in_force 2024-08-01\n source \"http://x\"\n as_of 2026-11-26\n \
                    given a.b = {x,y}\n given c = 2026-01-01\n given d = KRW 5\n given e = \"t\"\n given f = true\n \
                    given g = h\n given evidence i dated 2027-06-01 expires 2028-06-01 ref \"RM-1\"\n given evidence j\n \
                    expect a true\n expect b false\n expect c unknown\n expect d applies\n expect e met\n \
                    expect f not applicable\n expect g not met\n expect h not in force\n";
        let expected = "obligation o\n  cite \"Art. 9\", \"Annex III\"\n  binds provider, deployer\n  \
                        title en \"T\" under amended\n  text ko \"본문\"\n  question en \"Q?\"\n  help en \"H\"\n  \
                        penalty en \"P\" under original\n  note en \"N\"\n  = c\n  when a\n  unless b\n  gives d\n  \
                        from 2026-08-02 if e under original per \"Art. 113\"\n  from 2027-01-01\n  \
                        until 2030-01-01 per \"x\"\n  met when evidence f no older than 12 months\n  \
                        deemed met when g per \"Art. 34(3)\"\n  presumed met when h\n  \
                        standard \"ISO/IEC 23894:2023\" clause \"5\" relation partial\n  standard \"EN 1\"\n  \
                        crosswalk kr.y.z relation partial source \"s\"\n  crosswalk standard \"ISO 1\" relation related\n  \
                        severity high\n  priority 10\n  valid for 12 months\n  jurisdiction US-CO\n  \
                        version v1 \"First\" in_force 2024-08-01\n  source \"http://x\"\n  as_of 2026-11-26\n  \
                        given a.b = {x, y}\n  given c = 2026-01-01\n  given d = KRW 5\n  given e = \"t\"\n  \
                        given f = true\n  given g = h\n  \
                        given evidence i dated 2027-06-01 expires 2028-06-01 ref \"RM-1\"\n  given evidence j\n  \
                        expect a true\n  expect b false\n  expect c unknown\n  expect d applies\n  expect e met\n  \
                        expect f not applicable\n  expect g not met\n  expect h not in force\n";
        assert_eq!(fmt_item(text), expected);
    }

    #[test]
    fn doc_comments_go_above_their_element_at_its_indentation() {
        let text = "///Item.\n///\n///   indented\ndefine d\n    ///  Clause.\n = true\n";
        let expected = "/// Item.\n///\n///   indented\ndefine d\n  ///  Clause.\n  = true\n";
        assert_eq!(fmt_item(text), expected);
    }

    #[test]
    fn the_output_ends_with_exactly_one_newline() {
        assert_eq!(fmt("vocabulary v"), "vocabulary v\n");
        assert_eq!(fmt("vocabulary v\n\n\n\nrole r\n\n\n"), "vocabulary v\n\nrole r\n");
    }

    // ---- Long lines ----

    #[test]
    fn a_long_or_chain_gets_one_operand_per_line_with_the_operator_leading() {
        let text = "derogation art_6_3 to annex_iii\n  when system.narrow_procedural_task or \
                    system.improves_completed_human_activity or system.detects_decision_patterns or \
                    system.preparatory_task and x\n";
        let expected = "derogation art_6_3 to annex_iii\n  when system.narrow_procedural_task\n    \
                        or system.improves_completed_human_activity\n    or system.detects_decision_patterns\n    \
                        or (system.preparatory_task and x)\n";
        assert_eq!(fmt_item(text), expected);
    }

    #[test]
    fn a_long_and_chain_breaks_the_same_way_and_the_tail_stays_on_the_last_line() {
        let text = "obligation o\n  from 2026-08-02 if organisation.something_rather_long and \
                    system.another_fairly_long_condition under amended per \"Art. 113(c)\"\n";
        let expected = "obligation o\n  from 2026-08-02 if organisation.something_rather_long\n    \
                        and system.another_fairly_long_condition under amended per \"Art. 113(c)\"\n";
        assert_eq!(fmt_item(text), expected);
    }

    #[test]
    fn a_chain_that_fits_stays_on_one_line() {
        let text = "define d\n  = a\n    or b\n    or c\n";
        assert_eq!(fmt_item(text), "define d\n  = a or b or c\n");
    }

    #[test]
    fn a_long_set_goes_one_element_per_line() {
        let elements: Vec<String> = (0..12).map(|i| format!("use_case_number_{i}")).collect();
        let text = format!("define d\n  = system.use_cases includes any of {{{}}}\n", elements.join(", "));
        let mut expected = "define d\n  = system.use_cases includes any of {\n".to_string();
        for e in &elements {
            expected.push_str(&format!("    {e},\n"));
        }
        expected.push_str("  }\n");
        assert_eq!(fmt_item(&text), expected);
    }

    #[test]
    fn a_long_set_in_a_chain_opens_on_its_continuation_line() {
        let elements: Vec<String> = (0..8).map(|i| format!("high_impact_area_{i}")).collect();
        let text = format!(
            "define d\n  = system.kr_significant_impact and system.kr_areas includes any of {{{}}} and x\n",
            elements.join(", ")
        );
        let mut expected =
            "define d\n  = system.kr_significant_impact\n    and system.kr_areas includes any of {\n".to_string();
        for e in &elements {
            expected.push_str(&format!("      {e},\n"));
        }
        expected.push_str("    }\n    and x\n");
        assert_eq!(fmt_item(&text), expected);
    }

    #[test]
    fn text_after_an_opened_set_follows_its_closing_brace() {
        let elements: Vec<String> = (0..8).map(|i| format!("annex_iii_point_{i}")).collect();
        let text = format!("obligation o\n  from 2027-12-02 if x in {{{}}} per \"Art. 113\"\n", elements.join(", "));
        let mut expected = "obligation o\n  from 2027-12-02 if x in {\n".to_string();
        for e in &elements {
            expected.push_str(&format!("    {e},\n"));
        }
        expected.push_str("  } per \"Art. 113\"\n");
        assert_eq!(fmt_item(&text), expected);
    }

    #[test]
    fn a_long_text_is_never_broken() {
        let long = "word ".repeat(30);
        let text = format!("obligation o\n  text en \"{long}\"\n  when a or b\n");
        assert_eq!(fmt_item(&text), text);
    }

    // ---- Expressions ----

    #[test]
    fn parentheses_are_kept_only_where_precedence_needs_them() {
        assert_eq!(fmt_expr("not (a or b)"), "not (a or b)");
        assert_eq!(fmt_expr("(not a) or b"), "not a or b");
        assert_eq!(fmt_expr("((a)) or (b)"), "a or b");
        assert_eq!(fmt_expr("(a + b) * c"), "(a + b) * c");
        assert_eq!(fmt_expr("(a * b) + c"), "a * b + c");
        assert_eq!(fmt_expr("a - (b - c)"), "a - (b - c)");
        assert_eq!(fmt_expr("(a - b) - c"), "a - b - c");
        assert_eq!(fmt_expr("-(a - b)"), "-(a - b)");
        assert_eq!(fmt_expr("- -a"), "--a");
        assert_eq!(fmt_expr("a - -b"), "a - -b");
        assert_eq!(fmt_expr("(-a) * b"), "-a * b");
        assert_eq!(fmt_expr("(not a) = b"), "(not a) = b");
        assert_eq!(fmt_expr("not (a = b)"), "not a = b");
        assert_eq!(fmt_expr("not not a"), "not not a");
        assert_eq!(fmt_expr("(a = b) = c"), "a = b = c");
        assert_eq!(fmt_expr("a = (b = c)"), "a = (b = c)");
        assert_eq!(fmt_expr("(a + b) >= c * 2"), "a + b >= c * 2");
        assert_eq!(
            fmt_expr("(x is known) and (r applies) and not (s is met)"),
            "x is known and r applies and not s is met"
        );
        assert_eq!(fmt_expr("(a or b) is known"), "(a or b) is known");
        assert_eq!(fmt_expr("a not in {x, y} and s includes all of {x}"), "a not in {x, y} and s includes all of {x}");
        assert_eq!(fmt_expr("s includes any of {x} or s includes x"), "s includes any of {x} or s includes x");
    }

    #[test]
    fn an_and_inside_an_or_is_always_parenthesised() {
        assert_eq!(fmt_expr("a or b and c"), "a or (b and c)");
        assert_eq!(fmt_expr("a and b or c"), "(a and b) or c");
        assert_eq!(fmt_expr("(a or b) and c"), "(a or b) and c");
        assert_eq!(fmt_expr("a and (b and c)"), "a and (b and c)");
        assert_eq!(fmt_expr("(a and b) and c"), "a and b and c");
        assert_eq!(fmt_expr("a or (b or c)"), "a or (b or c)");
    }

    #[test]
    fn quantities_put_currencies_first_and_other_units_after() {
        assert_eq!(fmt_expr("x >= 35_000_000 EUR"), "x >= EUR 35_000_000");
        assert_eq!(fmt_expr("x >= KRW 1_000"), "x >= KRW 1_000");
        assert_eq!(fmt_expr("x > 1e25 FLOP"), "x > 1e25 FLOP");
        assert_eq!(fmt_expr("x < 7%"), "x < 7 %");
        assert_eq!(fmt_expr("x = 12 months"), "x = 12 months");
        assert_eq!(fmt_expr("x = 1_200_000 users"), "x = 1_200_000 users");
        assert_eq!(fmt_expr("x = 2.50"), "x = 2.50");
    }

    #[test]
    fn literals() {
        assert_eq!(fmt_expr("as_of >= 2026-08-02"), "as_of >= 2026-08-02");
        assert_eq!(fmt_expr("x = unknown or y = true or z = false"), "x = unknown or y = true or z = false");
        assert_eq!(fmt_expr("evidence e no older than 1 year"), "evidence e no older than 1 year");
        assert_eq!(fmt_expr("x in { }"), "x in {}");
    }

    #[test]
    fn texts_are_escaped() {
        let text = "note en \"a \\\\ b \\\" c \\n d \\t e\"";
        assert_eq!(fmt_item(&format!("define d\n  {text}\n")), format!("define d\n  {text}\n"));
        assert_eq!(quote("a\\b\"c\nd\te"), "\"a\\\\b\\\"c\\nd\\te\"");
        assert_eq!(fmt_expr("x = \"\\\"\""), "x = \"\\\"\"");
    }

    // ---- Comments ----

    #[test]
    fn a_comment_on_its_own_line_goes_before_the_next_element_at_its_indentation() {
        let text = "// top\n/// Doc.\nvocabulary v\n// before title\n      title en \"V\"\n\
                    // before use\nuse a\n  // before item\nrole r\n        // between clauses\n  cite \"1\"\n";
        let expected = "// top\n/// Doc.\nvocabulary v\n  // before title\n  title en \"V\"\n\n\
                        // before use\nuse a\n\n// before item\nrole r\n  // between clauses\n  cite \"1\"\n";
        assert_eq!(fmt(text), expected);
    }

    #[test]
    fn a_comment_before_an_item_goes_above_its_doc_comments() {
        let text = "vocabulary v\n\n// about r\n/// Doc.\nrole r\n  // about cite\n  /// Clause doc.\n  cite \"1\"\n";
        assert_eq!(fmt(text), text);
    }

    #[test]
    fn a_trailing_comment_stays_at_the_end_of_its_element() {
        let text = "vocabulary v // header\n  title en \"V\"   // title\n\nuse a as b // use\n\n\
                    fact f : enum {\n    x, y\n} // enum\n  question en \"Q?\" // question\n";
        let expected = "vocabulary v // header\n  title en \"V\" // title\n\nuse a as b // use\n\n\
                        fact f : enum {x, y} // enum\n  question en \"Q?\" // question\n";
        assert_eq!(fmt(text), expected);
    }

    #[test]
    fn a_trailing_comment_in_a_broken_chain_goes_to_its_last_line() {
        let text = "define d\n  = system.narrow_procedural_task // why\n    or system.improves_completed_human_activity \
                    or system.detects_decision_patterns\n  cite \"x\"\n";
        let expected = "define d\n  = system.narrow_procedural_task\n    or system.improves_completed_human_activity\n    \
                        or system.detects_decision_patterns // why\n  cite \"x\"\n";
        assert_eq!(fmt_item(text), expected);
    }

    #[test]
    fn several_trailing_comments_in_one_element_are_not_merged() {
        let text = "fact f : enum {\n    a, // first\n    b, // second\n} // third\n  question en \"Q?\"\n";
        let expected = "// first\n// second\nfact f : enum {a, b} // third\n  question en \"Q?\"\n";
        assert_eq!(fmt_item(text), expected);
    }

    #[test]
    fn comments_inside_an_item_go_before_the_next_clause() {
        let text = "define d\n  = a or // a reason\n    // the other reason\n    b\n  cite \"x\"\n";
        let expected = "define d\n  = a or b // a reason\n  // the other reason\n  cite \"x\"\n";
        assert_eq!(fmt_item(text), expected);
    }

    #[test]
    fn comments_after_the_last_element_go_at_the_end() {
        let text = "vocabulary v\n\nrole r\n  cite \"1\" // trailing\n  // last\n\n\n// very last\n";
        let expected = "vocabulary v\n\nrole r\n  cite \"1\" // trailing\n\n// last\n\n// very last\n";
        assert_eq!(fmt(text), expected);
        assert_eq!(fmt("vocabulary v\n// only\n"), "vocabulary v\n\n// only\n");
    }

    #[test]
    fn blank_lines_around_a_comment_block_between_items_are_kept_once() {
        let text = "vocabulary v\n\nrole a\n\n\n\n// ---- Section ----\n\n\n// Note.\n\n\n/// Doc.\nrole b\n\
                    // directly above\nrole c\n";
        let expected = "vocabulary v\n\nrole a\n\n// ---- Section ----\n\n// Note.\n\n/// Doc.\nrole b\n\n\
                        // directly above\nrole c\n";
        assert_eq!(fmt(text), expected);
        let licence = "// Licence.\n\n/// Doc.\nvocabulary v\n";
        assert_eq!(fmt(licence), licence);
    }

    #[test]
    fn blank_lines_inside_items_and_between_uses_are_dropped() {
        let text = "vocabulary v\n\nuse a\n\n// c\n\nuse b\n\nrole r\n\n  // c2\n\n  cite \"1\"\n\n  title en \"R\"\n";
        let expected = "vocabulary v\n\nuse a\n// c\nuse b\n\nrole r\n  // c2\n  cite \"1\"\n  title en \"R\"\n";
        assert_eq!(fmt(text), expected);
    }

    #[test]
    fn trailing_whitespace_after_a_comment_is_dropped() {
        assert_eq!(fmt("vocabulary v   // x   \n//y  \n"), "vocabulary v // x\n\n//y\n");
    }

    // ---- Round trip of any expression ----

    /// A random expression in full parentheses, within the parser's nesting limits.
    fn any_expr() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            "[a-e]".prop_map(String::from),
            Just("x.y".to_string()),
            Just("1_000".to_string()),
            Just("EUR 5".to_string()),
            Just("12 months".to_string()),
            Just("2026-08-02".to_string()),
            Just("\"t\"".to_string()),
            Just("true".to_string()),
            Just("unknown".to_string()),
            Just("as_of".to_string()),
            Just("{a, b}".to_string()),
            Just("evidence e no older than 1 year".to_string()),
        ];
        let binary = [
            "or",
            "and",
            "=",
            "!=",
            "<",
            "<=",
            ">",
            ">=",
            "in",
            "not in",
            "includes",
            "includes any of",
            "includes all of",
            "+",
            "-",
            "*",
            "/",
        ];
        leaf.prop_recursive(5, 40, 3, move |inner| {
            prop_oneof![
                (inner.clone(), proptest::sample::select(binary.to_vec()), inner.clone())
                    .prop_map(|(l, op, r)| format!("({l} {op} {r})")),
                (inner.clone(), inner.clone(), inner.clone()).prop_map(|(a, b, c)| format!("({a} and {b} and {c})")),
                inner.clone().prop_map(|e| format!("(not {e})")),
                inner.clone().prop_map(|e| format!("(-{e})")),
                (inner, proptest::sample::select(vec!["is met", "applies", "is known"]))
                    .prop_map(|(e, op)| format!("({e} {op})")),
            ]
        })
    }

    /// A module with every kind of line the layout has, to put comments between.
    const SAMPLE: &str = "/// Doc.\ninstrument x.y\n  title en \"X\"\n\nuse a\nuse b as c\n\n\
                          /// Fact doc.\nfact f : enum {\n    p en \"P\",\n    q,\n}\n  question en \"Q?\"\n\n\
                          define d\n  = a or b and c\n    or e in {\n      x,\n      y,\n    }\n\n\
                          obligation o\n  /// Clause doc.\n  when d\n  from 2026-01-01 if d under v per \"p\"\n";

    /// `SAMPLE` with, before or after each line, a comment or a blank line as `edits` say.
    fn with_comments(edits: &[(u8, usize)]) -> String {
        let mut text = String::new();
        for (n, (line, (edit, indent))) in SAMPLE.lines().zip(edits).enumerate() {
            match edit {
                1 => text.push_str(&format!("{}// before {n}\n", pad(*indent))),
                2 => text.push('\n'),
                _ => {}
            }
            text.push_str(line);
            if *edit == 3 && !line.trim_start().starts_with("///") {
                text.push_str(&format!(" // after {n}"));
            }
            text.push('\n');
        }
        text
    }

    proptest! {
        #[test]
        fn any_expression_reads_back_as_the_same_tree(expr in any_expr()) {
            fmt(&format!("vocabulary v\n\ndefine d\n  = {expr}\n  when {expr}\n"));
        }

        #[test]
        fn comments_anywhere_are_kept_once_and_stay_put(
            edits in proptest::collection::vec((0..4u8, 0..5usize), SAMPLE.lines().count())
        ) {
            let text = with_comments(&edits);
            // A comment between an item and its doc comment is a syntax error.
            prop_assume!(parse(FileId(0), &text).diags.is_empty());
            fmt(&text);
            fmt(&text.replace('\n', "\r\n"));
        }
    }
}
