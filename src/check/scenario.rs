//! The tests kept beside the rules: facts given with the right types, expectations that can
//! hold for the kind of rule they name. A test with a table of cases (`examples`) becomes one test
//! per row: the row's cells added to what the test gives and expects for every case.

use std::cell::OnceCell;
use std::collections::BTreeMap;

use super::Checker;
use super::expr::{Resolved, compatible};
use crate::diagnostics::{Code, Context, Diagnostic};
use crate::model::{GivenEvidence, GivenFact, ItemId, ModuleId, Test, Type};
use crate::source::Span;
use crate::syntax::ast::{self, Cell, ClauseKind, Column, Given, ItemKind, Outcome, Table};

/// What a column of a table of cases stands for, once its heading is resolved.
enum Heading {
    AsOf,
    Fact(ast::Ident),
    Evidence(ItemId),
    Rule(ast::Ident),
    /// A heading already reported as wrong: its cells are not checked.
    Broken,
}

impl Checker<'_> {
    /// Checks every test and adds it to the policy.
    pub(super) fn scenarios(&mut self) {
        let asts = std::rc::Rc::clone(&self.asts);
        for (mi, ast) in asts.iter().enumerate() {
            let Some(&m) = self.ast_module.get(mi) else { continue };
            for t in ast.items.iter().filter(|i| i.kind == ItemKind::Test) {
                self.current = Some((
                    None,
                    OnceCell::from(Some(Context { kind: "test".into(), id: t.name.name.clone(), cite: None })),
                ));
                let base = self.scenario(m, t);
                let table = t.clauses.iter().find_map(|c| match &c.kind {
                    ClauseKind::Examples(table) => Some(table),
                    _ => None,
                });
                match table {
                    Some(table) => {
                        let cases = self.cases(m, &base, table);
                        self.policy.tests.extend(cases);
                    }
                    None => self.policy.tests.push(base),
                }
            }
        }
        self.current = None;
    }

    fn scenario(&mut self, m: ModuleId, t: &ast::Item) -> Test {
        let mut test = Test {
            module: m,
            name: t.name.name.clone(),
            case: None,
            as_of: None,
            facts: Vec::new(),
            evidence: Vec::new(),
            expects: Vec::new(),
            span: t.name.span,
        };
        let mut given: BTreeMap<String, Span> = BTreeMap::new();
        for c in &t.clauses {
            match &c.kind {
                ClauseKind::AsOf(d) => test.as_of = Some(d.date),
                ClauseKind::Given(Given::Fact { path, value }) => {
                    if let Some(first) = given.insert(path.name.clone(), path.span) {
                        self.given_twice(path, first);
                        continue;
                    }
                    if let Some(g) = self.given_fact(m, path, value) {
                        test.facts.push(g);
                    }
                }
                ClauseKind::Given(Given::Evidence { name, dated, expires, reference }) => {
                    if let Some(item) = self.evidence_ref(m, name) {
                        test.evidence.push(GivenEvidence {
                            item,
                            dated: dated.map(|d| d.date),
                            expires: expires.map(|d| d.date),
                            reference: reference.as_ref().map(|r| r.value.clone()),
                        });
                    }
                }
                ClauseKind::Expect { target, outcome, outcome_span } => {
                    let Some(id) = self.expectation(m, target, *outcome, *outcome_span) else { continue };
                    self.expect(&mut test, target, id, *outcome, *outcome_span, c.span);
                }
                _ => {}
            }
        }
        test
    }

    fn given_twice(&mut self, path: &ast::Ident, first: Span) {
        let d = Diagnostic::error(Code::BadGiven, path.span, format!("`{}` is given twice", path.name))
            .label("second value")
            .related(first, "first value")
            .help("give each fact one value per test")
            .in_context(self.ctx());
        self.push(d);
    }

    /// Adds an expectation to `test` unless it contradicts one it has.
    fn expect(&mut self, test: &mut Test, target: &ast::Ident, id: ItemId, outcome: Outcome, at: Span, clause: Span) {
        let earlier = test.expects.iter().find(|(e, o, _)| *e == id && !consistent(*o, outcome));
        if let Some(&(_, first, first_span)) = earlier {
            let d = Diagnostic::error(
                Code::BadExpectation,
                at,
                format!("`{}` cannot be both `{}` and `{}`", target.name, first.words(), outcome.words()),
            )
            .label("contradicts an earlier expectation")
            .related(first_span, "the earlier expectation")
            .help("a norm that applies can also be `met`, `not met` or `unknown`; other outcomes exclude each other")
            .in_context(self.ctx());
            self.push(d);
            return;
        }
        test.expects.push((id, outcome, clause));
    }

    /// One test per row of `table`, each starting from `base`.
    fn cases(&mut self, m: ModuleId, base: &Test, table: &Table) -> Vec<Test> {
        let headings = self.headings(m, base, table);
        let mut cases = Vec::new();
        for (index, row) in table.rows.iter().enumerate() {
            if row.cells.len() != headings.len() {
                let d = Diagnostic::error(
                    Code::BadTable,
                    row.span,
                    format!("this case has {} cells, but the table has {} columns", row.cells.len(), headings.len()),
                )
                .label("cells do not match the header")
                .help("give one cell per column; write `-` for a cell with nothing to give or expect")
                .in_context(self.ctx());
                self.push(d);
                continue;
            }
            let mut case = base.clone();
            case.case = Some(index + 1);
            case.span = row.span;
            for (heading, cell) in headings.iter().zip(&row.cells) {
                self.cell(m, &mut case, heading, cell);
            }
            // A date cell that is not a date is reported as such, not again as a missing date.
            let bad_date = headings
                .iter()
                .zip(&row.cells)
                .any(|(h, c)| matches!(h, Heading::AsOf) && !matches!(c, Cell::Blank(_)));
            if case.as_of.is_none() && !bad_date {
                let d = Diagnostic::error(Code::BadTable, row.span, "this case has no assessment date")
                    .label("no `as_of`")
                    .help("give the date in the `as_of` column, or once for every case with `as_of DATE` in the test")
                    .in_context(self.ctx());
                self.push(d);
            }
            cases.push(case);
        }
        if table.rows.is_empty() {
            let span = match table.columns.first() {
                Some(Column::AsOf(s)) => *s,
                Some(Column::Name(i) | Column::Evidence(i)) => i.span,
                None => base.span,
            };
            let d = Diagnostic::error(Code::BadTable, span, "this table of cases has a header but no cases")
                .label("no rows below")
                .help("add one row per case below the header, e.g. `| 2026-08-02 | true | applies |`")
                .in_context(self.ctx());
            self.push(d);
        }
        cases
    }

    /// Resolves the column headings of a table once, reporting each wrong one once.
    fn headings(&mut self, m: ModuleId, base: &Test, table: &Table) -> Vec<Heading> {
        let mut seen: BTreeMap<String, Span> = BTreeMap::new();
        let mut out = Vec::new();
        for column in &table.columns {
            let (key, span) = match column {
                Column::AsOf(s) => ("as_of".to_string(), *s),
                Column::Name(i) => (i.name.clone(), i.span),
                Column::Evidence(i) => (format!("evidence {}", i.name), i.span),
            };
            if let Some(first) = seen.insert(key.clone(), span) {
                let d = Diagnostic::error(Code::BadTable, span, format!("the table has two `{key}` columns"))
                    .label("second column")
                    .related(first, "first column")
                    .help("keep one column per fact, evidence or rule")
                    .in_context(self.ctx());
                self.push(d);
                out.push(Heading::Broken);
                continue;
            }
            let heading = match column {
                Column::AsOf(span) => {
                    if base.as_of.is_some() {
                        let d = Diagnostic::error(
                            Code::BadTable,
                            *span,
                            "the test gives `as_of` once for every case and again in the table",
                        )
                        .label("second assessment date")
                        .help("remove the `as_of` clause or the `as_of` column")
                        .in_context(self.ctx());
                        self.push(d);
                        Heading::Broken
                    } else {
                        Heading::AsOf
                    }
                }
                Column::Evidence(name) => self.evidence_ref(m, name).map_or(Heading::Broken, Heading::Evidence),
                Column::Name(name) => match self.resolve(m, &name.name) {
                    Resolved::Fact(f) if base.facts.iter().any(|g| g.fact == f) => {
                        let d = Diagnostic::error(
                            Code::BadGiven,
                            name.span,
                            format!("`{}` is given for every case and again in the table", name.name),
                        )
                        .label("given twice")
                        .help("remove the `given` clause or the column")
                        .in_context(self.ctx());
                        self.push(d);
                        Heading::Broken
                    }
                    Resolved::Fact(_) => Heading::Fact(name.clone()),
                    Resolved::Item(_) => Heading::Rule(name.clone()),
                    Resolved::Hidden(_) | Resolved::Unknown => {
                        self.unknown_name(m, name, "fact or rule", None);
                        Heading::Broken
                    }
                },
            };
            out.push(heading);
        }
        out
    }

    /// Adds what one cell gives or expects to its case.
    fn cell(&mut self, m: ModuleId, case: &mut Test, heading: &Heading, cell: &Cell) {
        let nothing = matches!(cell, Cell::Blank(_) | Cell::Outcome(Outcome::Unknown, _));
        match (heading, cell) {
            (Heading::Broken, _) => {}
            (Heading::AsOf, Cell::Value(ast::Expr { kind: ast::ExprKind::Date(d), .. })) => case.as_of = Some(*d),
            (Heading::AsOf, Cell::Blank(_)) => {}
            (Heading::AsOf, _) => self.bad_cell(cell, "the assessment date", "write a date such as `2026-08-02`"),
            (Heading::Fact(_), _) if nothing => {}
            (Heading::Fact(path), Cell::Outcome(o @ (Outcome::True | Outcome::False), span)) => {
                let value = ast::Expr { kind: ast::ExprKind::Bool(*o == Outcome::True), span: *span };
                if let Some(g) = self.given_fact(m, path, &value) {
                    case.facts.push(g);
                }
            }
            (Heading::Fact(path), Cell::Value(value)) => {
                if let Some(g) = self.given_fact(m, &ast::Ident { name: path.name.clone(), span: value.span }, value) {
                    case.facts.push(g);
                }
            }
            (Heading::Fact(path), _) => self.bad_cell(
                cell,
                &format!("a value of `{}`", path.name),
                "facts take values (`true`, `false`, a value of the fact, a date, an amount); `-` gives none",
            ),
            (Heading::Evidence(_), _) if nothing => {}
            (Heading::Evidence(item), Cell::Value(ast::Expr { kind: ast::ExprKind::Date(d), .. })) => {
                case.evidence.push(GivenEvidence { item: *item, dated: Some(*d), expires: None, reference: None });
            }
            (Heading::Evidence(item), Cell::Outcome(Outcome::False, _)) => {
                case.evidence.push(GivenEvidence { item: *item, dated: None, expires: None, reference: None });
            }
            (Heading::Evidence(_), _) => self.bad_cell(
                cell,
                "the date of the evidence",
                "write the date it was produced, `false` when it is not held, or `-`",
            ),
            (Heading::Rule(_), Cell::Blank(_)) => {}
            (Heading::Rule(target), Cell::Outcome(outcome, span)) => {
                if let Some(id) = self.expectation(m, target, *outcome, *span) {
                    self.expect(case, target, id, *outcome, *span, *span);
                }
            }
            (Heading::Rule(target), Cell::Value(_)) => self.bad_cell(
                cell,
                &format!("an outcome of `{}`", target.name),
                "write an outcome (`true`, `false`, `applies`, `not applicable`, `met`, `not met`, `not in force`, `unknown`) or `-`",
            ),
        }
    }

    fn bad_cell(&mut self, cell: &Cell, wanted: &str, help: &str) {
        let d = Diagnostic::error(Code::BadTable, cell.span(), format!("this cell should hold {wanted}"))
            .label("does not fit its column")
            .help(help)
            .in_context(self.ctx());
        self.push(d);
    }

    fn given_fact(&mut self, m: ModuleId, path: &ast::Ident, value: &ast::Expr) -> Option<GivenFact> {
        let fid = match self.resolve(m, &path.name) {
            Resolved::Fact(f) => f,
            Resolved::Hidden(_) | Resolved::Item(_) | Resolved::Unknown => {
                let candidates: Vec<String> = self
                    .policy
                    .facts
                    .iter()
                    .filter(|f| f.module == m || self.policy.module(m).is_some_and(|md| md.uses.contains(&f.module)))
                    .map(|f| f.name.clone())
                    .collect();
                let help = crate::diagnostics::did_you_mean_help(&path.name, candidates.iter().map(String::as_str))
                    .unwrap_or_else(|| {
                        "a test gives values to facts declared in this module or in a module it uses".into()
                    });
                let d =
                    Diagnostic::error(Code::UnknownName, path.span, format!("there is no fact called `{}`", path.name))
                        .label("unknown fact")
                        .help(help)
                        .in_context(self.ctx());
                self.push(d);
                return None;
            }
        };
        let want = self.policy.fact(fid).map_or(Type::Any, |f| f.ty.clone());
        let v = self.expr(m, value, Some(&want));
        if !compatible(&v.ty, &want) {
            let help = match &want {
                Type::Set(_) => "give a set of values in braces, e.g. `{a, b}`",
                Type::Duration => "give a length of time, e.g. `6 months`",
                Type::Date => "give a date as YYYY-MM-DD",
                Type::Number(Some(_)) => "give an amount in the fact's unit",
                _ => "give a value of the fact's type",
            };
            let d = Diagnostic::error(
                Code::BadGiven,
                v.span,
                format!("`{}` is {}, but the test gives {}", path.name, self.describe(&want), self.describe(&v.ty)),
            )
            .label("wrong type")
            .help(help)
            .in_context(self.ctx());
            self.push(d);
            return None;
        }
        Some(GivenFact { fact: fid, value: v })
    }

    fn expectation(&mut self, m: ModuleId, target: &ast::Ident, outcome: Outcome, span: Span) -> Option<ItemId> {
        let Resolved::Item(id) = self.resolve(m, &target.name) else {
            self.unknown_name(
                m,
                target,
                "rule",
                Some(&[
                    ItemKind::Define,
                    ItemKind::Obligation,
                    ItemKind::Prohibition,
                    ItemKind::Exception,
                    ItemKind::Exemption,
                    ItemKind::Derogation,
                    ItemKind::Role,
                ]),
            );
            return None;
        };
        let kind = self.policy.item(id).map_or(ItemKind::Define, |i| i.kind);
        let fits = match kind {
            ItemKind::Obligation | ItemKind::Prohibition => !matches!(outcome, Outcome::True | Outcome::False),
            ItemKind::Evidence | ItemKind::Family | ItemKind::Event => false,
            _ => matches!(outcome, Outcome::True | Outcome::False | Outcome::Unknown),
        };
        if !fits {
            let help = if kind.is_norm() {
                "a norm is expected to be `applies`, `not applicable`, `met`, `not met`, `not in force` or `unknown`"
            } else {
                "a definition, exception or role is expected to be `true`, `false` or `unknown`"
            };
            let d = Diagnostic::error(
                Code::BadExpectation,
                span,
                format!(
                    "`{}` is {} {}; it cannot be `{}`",
                    target.name,
                    super::expr::article(kind),
                    kind.noun(),
                    outcome.words()
                ),
            )
            .label("not an outcome of this kind of rule")
            .help(help)
            .in_context(self.ctx());
            self.push(d);
            return None;
        }
        Some(id)
    }
}

/// Whether two expectations for one rule can both hold: a norm that applies is also met, not met
/// or undecided; every other pair (and the same outcome twice) is a contradiction or a repeat.
fn consistent(a: Outcome, b: Outcome) -> bool {
    use Outcome::*;
    matches!((a, b), (Applies, Met | NotMet | Unknown) | (Met | NotMet | Unknown, Applies))
}
