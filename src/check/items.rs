//! Second pass: the clauses of each rule, role and evidence kind, typed in dependency order.

use std::collections::BTreeMap;

use super::Checker;
use super::expr::{Resolved, article, compatible};
use crate::diagnostics::{Code, Diagnostic, did_you_mean_help};
use crate::model::{
    Cited, Crosswalk, Dated, EventRef, Expr, ExprKind, FamilyRef, ItemId, ModuleId, Node, Target, Type,
};
use crate::source::Span;
use crate::syntax::ast::{self, ClauseKind, CrosswalkTarget, ItemHead, ItemKind};
use crate::value::{Duration, TimeUnit};

impl Checker<'_> {
    /// The module and syntax of item `id`, in `asts` (the checker's, shared).
    fn ast_item<'t>(&self, asts: &'t [ast::Module], id: ItemId) -> Option<(ModuleId, &'t ast::Item)> {
        let &(mi, ii) = self.item_ast.get(id.0 as usize)?;
        Some((*self.ast_module.get(mi)?, asts.get(mi)?.items.get(ii)?))
    }

    /// Types every rule in `order` (dependencies first), then the exceptions' `gives`.
    pub(super) fn type_items(&mut self, order: &[ItemId]) {
        for &id in order {
            self.type_item(id);
        }
        for item in &mut self.policy.items {
            item.exceptions.sort();
        }
        for &id in order {
            self.check_gives(id);
        }
        self.current = None;
        self.deps = super::graph::by_rule(&self.deps, self.policy.items.len());
    }

    fn bool_expr(&mut self, m: ModuleId, e: &ast::Expr, role: &str) -> Expr {
        let x = self.expr(m, e, None);
        self.expect_type(&x, &Type::Bool, role);
        x
    }

    fn check_version(&mut self, m: ModuleId, under: Option<&ast::Ident>) -> Option<String> {
        let u = under?;
        let versions: Vec<String> =
            self.policy.module(m).map(|md| md.versions.iter().map(|(n, _, _)| n.clone()).collect()).unwrap_or_default();
        if !versions.contains(&u.name) {
            let help = if versions.is_empty() {
                "declare the instrument's versions in its header, e.g. `version amended \"…\" in_force 2026-07-27`"
                    .to_string()
            } else {
                did_you_mean_help(&u.name, versions.iter().map(String::as_str))
                    .unwrap_or_else(|| format!("the versions of this instrument are: {}", versions.join(", ")))
            };
            let d =
                Diagnostic::error(Code::UnknownVersion, u.span, format!("this instrument has no version `{}`", u.name))
                    .label("unknown version")
                    .help(help)
                    .in_context(self.ctx());
            self.push(d);
        }
        Some(u.name.clone())
    }

    fn dated(&mut self, m: ModuleId, d: &ast::Dated, span: crate::source::Span) -> Dated {
        Dated {
            date: d.date.date,
            condition: d.condition.as_ref().map(|c| self.bool_expr(m, c, "the condition of a date")),
            under: self.check_version(m, d.under.as_ref()),
            per: d.per.as_ref().map(|p| p.value.clone()),
            span,
        }
    }

    fn type_item(&mut self, id: ItemId) {
        let asts = std::rc::Rc::clone(&self.asts);
        let Some((m, item)) = self.ast_item(&asts, id) else { return };
        self.begin(id);
        let Some(kind) = self.policy.item(id).map(|i| i.kind) else { return };
        let mut out = Typed::default();
        if let ItemHead::Targets(targets) = &item.head {
            out.targets = self.targets(m, id, targets);
        }
        let mut seen_families: BTreeMap<ItemId, Span> = BTreeMap::new();
        for c in &item.clauses {
            match &c.kind {
                ClauseKind::Binds(roles) => out.binds = roles.iter().filter_map(|r| self.role(m, r)).collect(),
                ClauseKind::Family { name, period } if kind.is_norm() => {
                    if let Some(family) = self.family_ref(m, name, period.as_ref(), &mut seen_families) {
                        out.families.push(family);
                    }
                }
                ClauseKind::Every(e) if kind.is_norm() => out.every = self.period(m, e, "a cadence"),
                ClauseKind::On { event, within } if kind.is_norm() => {
                    let within = within.as_ref().and_then(|w| self.period(m, w, "a deadline"));
                    if let Some(event) = self.declared(m, event, ItemKind::Event, Code::UnknownEvent) {
                        out.on.push(EventRef { event, within });
                    }
                }
                ClauseKind::When(e) => out.when = Some(self.bool_expr(m, e, "a `when` condition")),
                ClauseKind::Unless(e) => out.unless = Some(self.bool_expr(m, e, "an `unless` condition")),
                ClauseKind::Met(e) => out.met = Some(self.bool_expr(m, e, "a `met when` condition")),
                ClauseKind::Value(e) => out.value = Some(self.expr(m, e, None)),
                ClauseKind::Deemed(x) => {
                    let expr = self.bool_expr(m, &x.expr, "a `deemed met when` condition");
                    out.deemed.push(Cited { expr, per: x.per.as_ref().map(|p| p.value.clone()) });
                }
                ClauseKind::Presumed(x) => {
                    let expr = self.bool_expr(m, &x.expr, "a `presumed met when` condition");
                    out.presumed.push(Cited { expr, per: x.per.as_ref().map(|p| p.value.clone()) });
                }
                ClauseKind::From(d) => out.from.push(self.dated(m, d, c.span)),
                ClauseKind::Until(d) => out.until.push(self.dated(m, d, c.span)),
                ClauseKind::ValidFor(e) => {
                    let v = self.expr(m, e, None);
                    self.expect_type(&v, &Type::Duration, "a validity period");
                    out.valid_for = Some(v);
                }
                ClauseKind::Title(l) | ClauseKind::Body(l) | ClauseKind::Penalty(l) => {
                    self.check_version(m, l.under.as_ref());
                }
                _ => {}
            }
        }
        // A definition has the type of its value; other rules are true or false.
        let ty = match (&out.value, kind) {
            (Some(v), _) => Some(v.ty.clone()),
            (None, ItemKind::Define) => Some(Type::Any),
            (None, _) => None,
        };
        if let Some(label) =
            item.clauses.iter().find_map(|c| if let ClauseKind::Label(l) = &c.kind { Some(l) } else { None })
        {
            let declared = self.policy.item(id).map_or(Type::Any, |i| i.ty.clone());
            self.check_label(m, id, label, ty.as_ref().unwrap_or(&declared));
        }
        if let Some(slot) = self.policy.items.get_mut(id.0 as usize) {
            out.store(slot);
            if let Some(ty) = ty {
                slot.ty = ty;
            }
        }
        self.typed.insert(id.0);
    }

    /// A classification label is a true/false definition, and names one label per module.
    fn check_label(&mut self, m: ModuleId, id: ItemId, label: &ast::Ident, ty: &Type) {
        if !matches!(ty, Type::Bool | Type::Any) {
            let d = Diagnostic::error(
                Code::TypeMismatch,
                label.span,
                format!("a classification label must be true or false, but this definition is {}", self.describe(ty)),
            )
            .label("not true/false")
            .help("put the label on a definition that says whether the system is in the class")
            .in_context(self.ctx());
            self.push(d);
        }
        let other = self.policy.items.iter().enumerate().find(|(i, x)| {
            *i != id.0 as usize
                && x.module == m
                && x.label.as_deref() == Some(label.name.as_str())
                && self.typed.contains(*i as u32)
        });
        if let Some((_, first)) = other {
            let d = Diagnostic::error(
                Code::Duplicate,
                label.span,
                format!("the label `{}` is already given to `{}`", label.name, first.name),
            )
            .label("second definition with this label")
            .related(first.span, "first definition with this label")
            .help("each classification label belongs to one definition of the instrument")
            .in_context(self.ctx());
            self.push(d);
        }
    }

    fn role(&mut self, m: ModuleId, r: &ast::Ident) -> Option<ItemId> {
        if let Resolved::Item(id) = self.resolve(m, &r.name)
            && self.policy.item(id).is_some_and(|i| i.kind == ItemKind::Role)
        {
            self.depend(Node::Item(id));
            return Some(id);
        }
        let candidates = self.candidates(m, Some(&[ItemKind::Role]));
        let help = did_you_mean_help(&r.name, candidates.iter().map(String::as_str)).unwrap_or_else(|| {
            if candidates.is_empty() {
                "declare the role with `role NAME` in this instrument".into()
            } else {
                format!("the roles known here are: {}", candidates.join(", "))
            }
        });
        let d = Diagnostic::error(Code::UnknownRole, r.span, format!("there is no role called `{}`", r.name))
            .label("unknown role")
            .help(help)
            .in_context(self.ctx());
        self.push(d);
        None
    }

    /// A `family` clause: the family must be declared (N0109), named once per norm (N0905), and
    /// its period must be a whole length of time (N0201).
    fn family_ref(
        &mut self,
        m: ModuleId,
        name: &ast::Ident,
        period: Option<&ast::Expr>,
        seen: &mut BTreeMap<ItemId, Span>,
    ) -> Option<FamilyRef> {
        let period = period.and_then(|p| self.period(m, p, "the period of a family"));
        let family = self.declared(m, name, ItemKind::Family, Code::UnknownFamily)?;
        if let Some(&first) = seen.get(&family) {
            let qualified = self.policy.item(family).map_or_else(String::new, |f| f.qualified.clone());
            let d = Diagnostic::error(
                Code::RepeatedFamily,
                name.span,
                format!("this norm already belongs to the family `{qualified}`"),
            )
            .label("named again")
            .related(first, "first named here")
            .help("name each family once; a norm that sets two periods for one subject is two norms")
            .in_context(self.ctx());
            self.push(d);
            return None;
        }
        seen.insert(family, name.span);
        Some(FamilyRef { family, period })
    }

    /// A family or event named in a clause: it must be declared, and be of that kind.
    fn declared(&mut self, m: ModuleId, name: &ast::Ident, kind: ItemKind, unknown: Code) -> Option<ItemId> {
        let (noun, example) = match kind {
            ItemKind::Event => ("an event", "`on c.serious_incident within 15 days`"),
            _ => ("an obligation family", "`family c.document_retention`"),
        };
        match self.resolve(m, &name.name) {
            Resolved::Item(id) if self.policy.item(id).is_some_and(|i| i.kind == kind) => Some(id),
            Resolved::Item(id) => {
                let found = self.policy.item(id).map_or(ItemKind::Define, |i| i.kind);
                let d = Diagnostic::error(
                    Code::WrongKind,
                    name.span,
                    format!("`{}` is {} {}, not {noun}", name.name, article(found), found.noun()),
                )
                .label(format!("not {noun}"))
                .help(format!("name {noun} declared with `{} NAME`, e.g. {example}", kind.keyword()))
                .in_context(self.ctx());
                self.push(d);
                None
            }
            _ => {
                let candidates = self.candidates(m, Some(&[kind]));
                let help = did_you_mean_help(&name.name, candidates.iter().map(String::as_str)).unwrap_or_else(|| {
                    if candidates.is_empty() {
                        format!(
                            "declare it with `{} NAME` (the common vocabulary declares the shared ones; `use` it)",
                            kind.keyword()
                        )
                    } else {
                        format!("the {}s known here are: {}", kind.noun(), candidates.join(", "))
                    }
                });
                let bare = noun.trim_start_matches("an ");
                let d = Diagnostic::error(unknown, name.span, format!("there is no {bare} called `{}`", name.name))
                    .label(format!("unknown {}", kind.noun().trim_start_matches("obligation ")))
                    .help(help)
                    .in_context(self.ctx());
                self.push(d);
                None
            }
        }
    }

    /// A length of time in a clause (`what`: "a cadence", "the period of a family").
    fn period(&mut self, m: ModuleId, e: &ast::Expr, what: &str) -> Option<Duration> {
        let typed = self.expr(m, e, None);
        if typed.ty != Type::Duration {
            self.expect_type(&typed, &Type::Duration, what);
            return None;
        }
        let ExprKind::Number { value, unit } = &typed.kind else { return None };
        let unit = unit.as_deref().and_then(TimeUnit::from_word)?;
        if value.fract() != 0.0 || value.abs() >= 1e15 {
            let d =
                Diagnostic::error(Code::TypeMismatch, e.span, format!("a period is a whole number of {}", unit.word()))
                    .label("not a whole number")
                    .help("write the period in a smaller unit, e.g. `18 months` for a year and a half")
                    .in_context(self.ctx());
            self.push(d);
            return None;
        }
        Some(Duration::of(*value as i64, unit))
    }

    fn targets(&mut self, m: ModuleId, id: ItemId, targets: &[ast::Ident]) -> Vec<ItemId> {
        let mut out = Vec::new();
        for t in targets {
            match self.resolve(m, &t.name) {
                Resolved::Item(tid) => {
                    let kind = self.policy.item(tid).map_or(ItemKind::Role, |i| i.kind);
                    if matches!(kind, ItemKind::Role | ItemKind::Evidence | ItemKind::Family | ItemKind::Event) {
                        let d = Diagnostic::error(
                            Code::WrongKind,
                            t.span,
                            format!(
                                "`{}` is {} {}; only definitions, norms and other exceptions can have exceptions",
                                t.name,
                                article(kind),
                                kind.noun()
                            ),
                        )
                        .help("point the exception at the definition or norm that uses this role, evidence, family or event")
                        .label("cannot be modified by an exception")
                        .in_context(self.ctx());
                        self.push(d);
                        continue;
                    }
                    out.push(tid);
                    if let Some(target) = self.policy.items.get_mut(tid.0 as usize) {
                        target.exceptions.push(id);
                    }
                }
                Resolved::Fact(_) | Resolved::Hidden(_) => {
                    let d = Diagnostic::error(
                        Code::WrongKind,
                        t.span,
                        format!("`{}` is a fact; facts cannot have exceptions", t.name),
                    )
                    .label("a fact")
                    .help("write the exception against the definition or norm that uses the fact")
                    .in_context(self.ctx());
                    self.push(d);
                }
                Resolved::Unknown => {
                    let kinds = [
                        ItemKind::Define,
                        ItemKind::Obligation,
                        ItemKind::Prohibition,
                        ItemKind::Exception,
                        ItemKind::Exemption,
                        ItemKind::Derogation,
                    ];
                    let candidates = self.candidates(m, Some(&kinds));
                    let help = did_you_mean_help(&t.name, candidates.iter().map(String::as_str)).unwrap_or_else(|| {
                        "an exception must name the rule it modifies; declare that rule first".into()
                    });
                    let d = Diagnostic::error(
                        Code::MissingTarget,
                        t.span,
                        format!("there is no rule `{}` for this exception to modify", t.name),
                    )
                    .label("no such rule")
                    .help(help)
                    .in_context(self.ctx());
                    self.push(d);
                }
            }
        }
        out
    }

    /// `gives` is for exceptions to definitions and must fit the definition's type; an
    /// exception to a definition that is not true/false needs it.
    fn check_gives(&mut self, id: ItemId) {
        let asts = std::rc::Rc::clone(&self.asts);
        let Some((m, item)) = self.ast_item(&asts, id) else { return };
        if !item.kind.is_exception() {
            return;
        }
        self.begin(id);
        let gives = item.clauses.iter().find_map(|c| if let ClauseKind::Gives(e) = &c.kind { Some(e) } else { None });
        let targets = self.policy.item(id).map(|i| i.targets.clone()).unwrap_or_default();
        let typed = gives.map(|g| {
            let hint = targets.first().and_then(|t| self.policy.item(*t)).map(|t| t.ty.clone());
            self.expr(m, g, hint.as_ref())
        });
        for t in targets {
            let Some(target) = self.policy.item(t) else { continue };
            let (tkind, tty, tname) = (target.kind, target.ty.clone(), target.name.clone());
            match (&typed, tkind) {
                (Some(g), ItemKind::Define) if !compatible(&g.ty, &tty) => {
                    let d = Diagnostic::error(
                        Code::TypeMismatch,
                        g.span,
                        format!(
                            "`{tname}` is {}, but this exception gives {}",
                            self.describe(&tty),
                            self.describe(&g.ty)
                        ),
                    )
                    .label("wrong type")
                    .help(format!("give {} here, like the definition's own value", self.describe(&tty)))
                    .in_context(self.ctx());
                    self.push(d);
                }
                (Some(_), ItemKind::Define) => {}
                (Some(g), _) => {
                    let d = Diagnostic::error(
                        Code::WrongKind,
                        g.span,
                        format!(
                            "`{tname}` is {} {}; an exception to it can only set it aside, not give it a value",
                            article(tkind),
                            tkind.keyword()
                        ),
                    )
                    .label("`gives` not allowed here")
                    .help("remove `gives`: when the exception holds, the rule does not apply")
                    .in_context(self.ctx());
                    self.push(d);
                }
                (None, ItemKind::Define) if !matches!(tty, Type::Bool | Type::Any) => {
                    let d = Diagnostic::error(
                        Code::ClauseMissing,
                        item.name.span,
                        format!(
                            "`{tname}` is {}, so this exception must say what it gives instead",
                            self.describe(&tty)
                        ),
                    )
                    .label("needs `gives`")
                    .help("add `gives VALUE`")
                    .in_context(self.ctx());
                    self.push(d);
                }
                _ => {}
            }
        }
        if let Some(slot) = self.policy.items.get_mut(id.0 as usize) {
            slot.gives = typed;
        }
    }

    /// Resolves crosswalks written as clauses of norms and as declarations of their own.
    pub(super) fn crosswalks(&mut self) {
        let asts = std::rc::Rc::clone(&self.asts);
        for (mi, ast) in asts.iter().enumerate() {
            let Some(&m) = self.ast_module.get(mi) else { continue };
            for item in &ast.items {
                let from = match item.kind {
                    ItemKind::Crosswalk => self.crosswalk_source(m, &item.name),
                    k if k.is_norm() => match self.resolve(m, &item.name.name) {
                        Resolved::Item(id) => Some(id),
                        _ => None,
                    },
                    _ => continue,
                };
                let Some(from) = from else { continue };
                let mut xws: Vec<&ast::Crosswalk> = item
                    .clauses
                    .iter()
                    .filter_map(|c| if let ClauseKind::Crosswalk(x) = &c.kind { Some(&**x) } else { None })
                    .collect();
                if let ItemHead::Crosswalk(x) = &item.head {
                    xws.push(x);
                }
                for x in xws {
                    let target = match &x.target {
                        CrosswalkTarget::Standard { name, part } => {
                            Target::Standard { name: name.value.clone(), part: part.as_ref().map(|p| p.value.clone()) }
                        }
                        CrosswalkTarget::Rule(r) => {
                            let item = self.crosswalk_target(r);
                            if item == Some(from) {
                                self.push(
                                    Diagnostic::error(Code::WrongKind, r.span, "a norm cannot correspond to itself")
                                        .label("the same norm")
                                        .help("a crosswalk points at a norm of another instrument, or at a standard"),
                                );
                            }
                            Target::Rule { name: r.name.clone(), item }
                        }
                    };
                    self.policy.crosswalks.push(Crosswalk {
                        from,
                        target,
                        relation: x.relation.name.clone(),
                        source: x.source.as_ref().map(|s| s.value.clone()),
                        confidence: x.confidence.as_ref().map(|c| c.name.clone()),
                    });
                }
            }
        }
    }

    fn crosswalk_source(&mut self, m: ModuleId, name: &ast::Ident) -> Option<ItemId> {
        if let Resolved::Item(id) = self.resolve(m, &name.name)
            && self.policy.item(id).is_some_and(|i| i.kind.is_norm())
        {
            return Some(id);
        }
        self.current = None;
        self.unknown_name(m, name, "norm", Some(&[ItemKind::Obligation, ItemKind::Prohibition]));
        None
    }

    /// A crosswalk may point at any loaded module by its full name, without `use`. A module that
    /// is not loaded cannot be checked and is left unresolved.
    fn crosswalk_target(&mut self, r: &ast::Ident) -> Option<ItemId> {
        let Some((module, name)) = r.name.rsplit_once('.') else {
            self.push(
                Diagnostic::error(Code::UnknownName, r.span, format!("`{}` is not the full name of a norm", r.name))
                    .label("module missing")
                    .help("a crosswalk names the norm with its module, e.g. `kr.ai_basic_act.risk_management_plan`"),
            );
            return None;
        };
        if self.module_ids.contains_key(&r.name) {
            return None; // the instrument as a whole (e.g. `relation none`: no counterpart in it)
        }
        let &mid = self.module_ids.get(module)?;
        if let Some(id) = self.item_id(mid, name)
            && self.policy.item(id).is_some_and(|i| i.kind.is_norm())
        {
            return Some(id);
        }
        let names: Vec<String> = self
            .item_names()
            .filter(|(im, _, id)| *im == mid && self.policy.item(*id).is_some_and(|i| i.kind.is_norm()))
            .map(|(_, n, _)| format!("{module}.{n}"))
            .collect();
        let d = Diagnostic::error(Code::UnknownName, r.span, format!("`{module}` has no norm called `{name}`"))
            .label("no such norm")
            .help(
                did_you_mean_help(&r.name, names.iter().map(String::as_str))
                    .unwrap_or_else(|| "check the norm's name".into()),
            );
        self.push(d);
        None
    }
}

/// What typing a rule's clauses gives it, written into the declared rule at the end (the rule
/// itself stays in place meanwhile, as references to it may look it up).
#[derive(Default)]
struct Typed {
    targets: Vec<ItemId>,
    binds: Vec<ItemId>,
    families: Vec<FamilyRef>,
    every: Option<Duration>,
    on: Vec<EventRef>,
    when: Option<Expr>,
    unless: Option<Expr>,
    met: Option<Expr>,
    value: Option<Expr>,
    deemed: Vec<Cited>,
    presumed: Vec<Cited>,
    from: Vec<Dated>,
    until: Vec<Dated>,
    valid_for: Option<Expr>,
}

impl Typed {
    fn store(self, item: &mut crate::model::Item) {
        item.targets = self.targets;
        item.binds = self.binds;
        item.families = self.families;
        item.lifecycle.every = self.every;
        item.lifecycle.on = self.on;
        item.when = self.when;
        item.unless = self.unless;
        item.met = self.met;
        item.value = self.value;
        item.deemed = self.deemed;
        item.presumed = self.presumed;
        item.from = self.from;
        item.until = self.until;
        item.valid_for = self.valid_for;
    }
}
