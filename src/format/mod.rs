//! The canonical formatter: prints a parsed [`Module`] in the one layout every policy file is kept
//! in, keeping every `//` comment.
//!
//! The layout depends only on the syntax tree and on where the comments are, so formatting is
//! idempotent. The module is first rendered as a list of blocks (the header line, header clauses, `use` lines, item first
//! lines and item clauses); each comment is then attached to a block by its position: a comment on
//! its own line goes before the next block, a trailing comment at the end of the last line of the
//! block before it. The only other thing read from the source positions is whether a blank line
//! separated a column-1 comment block from what follows it. Expressions are laid out in
//! [`expr`].

mod expr;

use expr::*;

use crate::syntax::ast::{
    Cell, Cited, Clause, ClauseKind, Column, Comment, Crosswalk, CrosswalkTarget, Dated, Expr, ExprKind, FactType,
    Given, Ident, Item, ItemHead, ItemKind, Localized, Module, Table, Variant,
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
        ItemKind::Test | ItemKind::Provision | ItemKind::Heading | ItemKind::CatalogItem => {
            format!("{} {}", item.kind.keyword(), quote(&item.name.name))
        }
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

/// `TARGET relation REL [source "…"] [confidence C]`, shared by crosswalk items and clauses.
fn crosswalk(xw: &Crosswalk) -> String {
    let target = match &xw.target {
        CrosswalkTarget::Rule(rule) => rule.name.clone(),
        CrosswalkTarget::Standard { name, part } => {
            format!("standard {}{}", quote(&name.value), optional(" clause ", part.as_ref().map(|p| quote(&p.value))))
        }
    };
    let source = optional(" source ", xw.source.as_ref().map(|s| quote(&s.value)));
    let confidence = optional(" confidence ", xw.confidence.as_ref().map(|c| c.name.clone()));
    format!("{target} relation {}{source}{confidence}", xw.relation.name)
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
        ClauseKind::Standard(s) => Parts::text(format!(
            "{keyword} {}{}{}{}",
            quote(&s.name.value),
            optional(" clause ", s.part.as_ref().map(|p| quote(&p.value))),
            optional(" relation ", s.relation.as_ref().map(|r| r.name.clone())),
            optional(" confidence ", s.confidence.as_ref().map(|c| c.name.clone())),
        )),
        ClauseKind::Crosswalk(xw) => Parts::text(format!("{keyword} {}", crosswalk(xw))),
        ClauseKind::Severity(name)
        | ClauseKind::Jurisdiction(name)
        | ClauseKind::Status(name)
        | ClauseKind::Kind(name)
        | ClauseKind::Verification(name) => Parts::text(format!("{keyword} {}", name.name)),
        ClauseKind::Edition(text) => Parts::text(format!("{keyword} {}", quote(&text.value))),
        ClauseKind::Certifiable => Parts::text(keyword.to_string()),
        ClauseKind::Priority(n) => Parts::text(format!("{keyword} {n}")),
        ClauseKind::Label(l) => Parts::text(format!("{keyword} {}", l.name)),
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
        ClauseKind::Family { name, period: Some(period) } => {
            Parts { head: format!("{keyword} {} ", name.name), expr: Some(period), tail: String::new() }
        }
        ClauseKind::Family { name, period: None } => Parts::text(format!("{keyword} {}", name.name)),
        ClauseKind::Phase(phases) => Parts::text(format!("{keyword} {}", names(phases.iter().map(|p| &p.name)))),
        ClauseKind::Every(e) => Parts::expr(kind, e),
        ClauseKind::On { event, within: Some(period) } => {
            Parts { head: format!("{keyword} {} within ", event.name), expr: Some(period), tail: String::new() }
        }
        ClauseKind::On { event, within: None } => Parts::text(format!("{keyword} {}", event.name)),
        ClauseKind::Effort | ClauseKind::Informative => Parts::text(keyword.to_string()),
        ClauseKind::Metric(l) => Parts::text(localized(keyword, l, false)),
        ClauseKind::Expect { target, outcome, .. } => {
            Parts::text(format!("{keyword} {} {}", target.name, outcome.words()))
        }
        ClauseKind::Examples(_) => Parts::text(keyword.to_string()),
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
    if let ClauseKind::Examples(table) = kind {
        return table_lines(table, indent);
    }
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

/// `examples` and its table, one row per line below it, the columns aligned (to the width of their
/// widest cell, counted in characters as displayed).
fn table_lines(table: &Table, indent: usize) -> Vec<String> {
    let header = table.columns.iter().map(|c| match c {
        Column::AsOf(_) => "as_of".to_string(),
        Column::Name(name) => name.name.clone(),
        Column::Evidence(name) => format!("evidence {}", name.name),
    });
    let cell = |c: &Cell| match c {
        Cell::Blank(_) => "-".to_string(),
        Cell::Outcome(o, _) => o.words().to_string(),
        Cell::Value(e) => flat_expr(e),
    };
    let rows: Vec<Vec<String>> = std::iter::once(header.collect())
        .chain(table.rows.iter().map(|r| r.cells.iter().map(cell).collect()))
        .collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let shown = |c: &str| unicode_width::UnicodeWidthStr::width(c);
    let widths: Vec<usize> =
        (0..columns).map(|i| rows.iter().filter_map(|r| r.get(i)).map(|c| shown(c)).max().unwrap_or(0)).collect();
    let mut lines = vec![format!("{}examples", pad(indent))];
    for row in &rows {
        let cells: Vec<String> =
            row.iter().zip(&widths).map(|(c, w)| format!("{c}{}", pad(w.saturating_sub(shown(c))))).collect();
        lines.push(format!("{}| {} |", pad(indent + STEP), cells.join(" | ")));
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

#[cfg(test)]
mod tests;
