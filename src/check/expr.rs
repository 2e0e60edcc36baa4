//! Name resolution and typing of expressions.

use super::Checker;
use super::declare::TIME_UNITS;
use crate::diagnostics::{Code, Diagnostic, did_you_mean_help};
use crate::model::{EnumId, Expr, ExprKind, FactId, ItemId, ModuleId, Node, Type};
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp, ItemKind, PostfixOp, UnaryOp};

/// What a dotted name refers to from inside a module.
pub(super) enum Resolved {
    /// A rule, role or evidence kind.
    Item(ItemId),
    /// A fact visible in the module.
    Fact(FactId),
    /// A fact declared in a module that this module does not `use`.
    Hidden(FactId),
    /// Nothing.
    Unknown,
}

/// The largest amount of a time unit in a duration (a million days is about 2,700 years).
const MAX_DURATION: f64 = 1_000_000.0;

impl Checker<'_> {
    /// Resolves `name` as seen from module `m`.
    pub(super) fn resolve(&self, m: ModuleId, name: &str) -> Resolved {
        if !name.contains('.') {
            if let Some(id) = self.item_id(m, name) {
                return Resolved::Item(id);
            }
            if let Some(&fid) = self.fact_ids.get(name) {
                return self.fact_visibility(m, fid);
            }
            // Otherwise a name declared by exactly one imported module.
            let uses = self.policy.module(m).map(|md| md.uses.clone()).unwrap_or_default();
            let found: Vec<ItemId> = uses.iter().filter_map(|u| self.item_id(*u, name)).collect();
            return match found.as_slice() {
                [one] => Resolved::Item(*one),
                _ => Resolved::Unknown,
            };
        }
        if let Some(&fid) = self.fact_ids.get(name) {
            return self.fact_visibility(m, fid);
        }
        if let Some((prefix, last)) = name.rsplit_once('.')
            && let Some(&target) = self.qualifiers.get(m.0 as usize).and_then(|q| q.get(prefix))
            && let Some(id) = self.item_id(target, last)
        {
            return Resolved::Item(id);
        }
        Resolved::Unknown
    }

    /// The rule, role or evidence kind called `name` in module `m`.
    pub(super) fn item_id(&self, m: ModuleId, name: &str) -> Option<ItemId> {
        self.item_ids.get(m.0 as usize).and_then(|names| names.get(name)).copied()
    }

    /// Every (module, name, item) declared, by module and name.
    pub(super) fn item_names(&self) -> impl Iterator<Item = (ModuleId, &str, ItemId)> {
        let mut all: Vec<(ModuleId, &str, ItemId)> = self
            .item_ids
            .iter()
            .enumerate()
            .flat_map(|(m, names)| names.iter().map(move |(n, id)| (ModuleId(m as u32), n.as_ref(), *id)))
            .collect();
        all.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        all.into_iter()
    }

    fn fact_visibility(&self, m: ModuleId, fid: FactId) -> Resolved {
        let visible = self
            .policy
            .fact(fid)
            .is_some_and(|f| f.module == m || self.policy.module(m).is_some_and(|md| md.uses.contains(&f.module)));
        if visible { Resolved::Fact(fid) } else { Resolved::Hidden(fid) }
    }

    /// The imported modules that declare a rule called `name`, when more than one does.
    fn ambiguity(&self, m: ModuleId, name: &str) -> Vec<String> {
        if name.contains('.') {
            return Vec::new();
        }
        let uses = self.policy.module(m).map(|md| md.uses.clone()).unwrap_or_default();
        let found: Vec<String> = uses
            .iter()
            .filter(|u| self.item_id(**u, name).is_some())
            .filter_map(|u| self.policy.module(*u).map(|md| format!("{}.{name}", md.id)))
            .collect();
        if found.len() > 1 { found } else { Vec::new() }
    }

    /// Names a reference in module `m` could have meant: visible facts, local rules and the
    /// qualified rules of imported modules.
    pub(super) fn candidates(&self, m: ModuleId, kinds: Option<&[ItemKind]>) -> Vec<String> {
        let mut out = Vec::new();
        if kinds.is_none() {
            for f in &self.policy.facts {
                if f.module == m || self.policy.module(m).is_some_and(|md| md.uses.contains(&f.module)) {
                    out.push(f.name.clone());
                }
            }
        }
        let quals = self.qualifiers.get(m.0 as usize);
        for (im, name, id) in self.item_names() {
            let Some(item) = self.policy.item(id) else { continue };
            if kinds.is_some_and(|k| !k.contains(&item.kind)) {
                continue;
            }
            if im == m {
                out.push(name.to_string());
            } else if let Some(q) = quals {
                for (prefix, target) in q {
                    if *target == im {
                        out.push(format!("{prefix}.{name}"));
                    }
                }
            }
        }
        out
    }

    pub(super) fn depend(&mut self, node: Node) {
        if let Some((Some(item), _)) = &self.current {
            self.deps.push((*item, node));
            if let Node::Fact(f) = node {
                self.used_facts.insert(f.0);
            }
        }
    }

    fn err(&self, code: Code, span: Span, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::error(code, span, msg).in_context(self.ctx())
    }

    pub(super) fn unknown_name(&mut self, m: ModuleId, ident: &ast::Ident, what: &str, kinds: Option<&[ItemKind]>) {
        let ambiguous = self.ambiguity(m, &ident.name);
        if !ambiguous.is_empty() {
            let quoted: Vec<String> = ambiguous.iter().map(|a| format!("`{a}`")).collect();
            let d = self
                .err(Code::UnknownName, ident.span, format!("`{}` is declared by several imported modules", ident.name))
                .label("ambiguous")
                .help(format!("write the full name: {}", quoted.join(" or ")));
            self.push(d);
            return;
        }
        let mut d = self
            .err(Code::UnknownName, ident.span, format!("there is no {what} called `{}`", ident.name))
            .label("unknown name");
        let candidates = self.candidates(m, kinds);
        let help = did_you_mean_help(&ident.name, candidates.iter().map(String::as_str));
        d = match help {
            Some(h) => d.help(h),
            None if ident.name.contains('.') => {
                d.help("facts are written with their full name (e.g. `system.use_cases`); rules of another module with its name or alias (e.g. `eu.ai_act.high_risk`) after `use`")
            }
            None => d.help("declare it, or check its spelling"),
        };
        self.push(d);
    }

    fn hidden_fact(&mut self, fid: FactId, ident: &ast::Ident) {
        if self.duplicate_facts.contains(&ident.name) {
            return; // the duplicate declaration is reported; which one is visible is moot
        }
        let module =
            self.policy.fact(fid).and_then(|f| self.policy.module(f.module)).map(|m| m.id.clone()).unwrap_or_default();
        let d = self
            .err(
                Code::UnknownName,
                ident.span,
                format!("the fact `{}` is declared in `{module}`, which this module does not use", ident.name),
            )
            .label("not imported")
            .help(format!("add `use {module}` after the module's header"));
        self.push(d);
    }

    /// The enumeration a type draws values from.
    fn enum_of(ty: Option<&Type>) -> Option<EnumId> {
        match ty {
            Some(Type::Enum(e) | Type::Set(e)) => Some(*e),
            _ => None,
        }
    }

    /// A description of a type in plain words.
    pub(super) fn describe(&self, ty: &Type) -> String {
        let fact_of = |e: &EnumId| {
            self.policy
                .enums
                .get(e.0 as usize)
                .and_then(|d| self.policy.fact(d.fact))
                .map_or("an enumeration".to_string(), |f| format!("`{}`", f.name))
        };
        match ty {
            Type::Bool => "true or false".into(),
            Type::Number(None) => "a number".into(),
            Type::Number(Some(u)) => format!("an amount in {u}"),
            Type::Text => "a text".into(),
            Type::Date => "a date".into(),
            Type::Duration => "a length of time".into(),
            Type::Enum(e) => format!("one value of {}", fact_of(e)),
            Type::Set(e) => format!("a set of values of {}", fact_of(e)),
            Type::List(t) => format!("a list of {}", self.describe(t)),
            Type::Any => "anything".into(),
        }
    }

    fn text_of(&self, span: Span) -> String {
        let s = self.sources.slice(span);
        if s.chars().count() > 60 { format!("{}…", s.chars().take(59).collect::<String>()) } else { s.to_string() }
    }

    /// Reports unless `e` has type `want` (or a compatible one).
    pub(super) fn expect_type(&mut self, e: &Expr, want: &Type, role: &str) {
        if !compatible(&e.ty, want) {
            let d = self
                .err(
                    Code::TypeMismatch,
                    e.span,
                    format!(
                        "{role} must be {}, but `{}` is {}",
                        self.describe(want),
                        self.text_of(e.span),
                        self.describe(&e.ty)
                    ),
                )
                .label(format!("this is {}", self.describe(&e.ty)));
            let d = match (&e.ty, want) {
                (Type::Set(_), Type::Bool) => d.help("test a set with `includes VALUE` or `includes any of {…}`"),
                (Type::Enum(_), Type::Bool) => d.help("compare a value with `= VALUE` or `in {…}`"),
                (_, Type::Bool) => d.help("a condition is true or false: compare values (`=`, `<`, `in`, …) or use a true/false fact or definition"),
                _ => d.help(format!("give {} here", self.describe(want))),
            };
            self.push(d);
        }
    }

    /// Types an expression in module `m`; `hint` lets bare names resolve to enumeration values.
    pub(super) fn expr(&mut self, m: ModuleId, e: &ast::Expr, hint: Option<&Type>) -> Expr {
        let span = e.span;
        let mk = |kind, ty| Expr { kind, ty, span };
        match &e.kind {
            ast::ExprKind::Bool(b) => mk(ExprKind::Bool(*b), Type::Bool),
            ast::ExprKind::Unknown => mk(ExprKind::Unknown, Type::Any),
            ast::ExprKind::AsOf => mk(ExprKind::AsOf, Type::Date),
            ast::ExprKind::Date(d) => mk(ExprKind::Date(*d), Type::Date),
            ast::ExprKind::Text(t) => mk(ExprKind::Text(t.clone()), Type::Text),
            ast::ExprKind::Number(n) => {
                let unit = n.unit.as_ref().map(|u| u.name.clone());
                let ty = match &unit {
                    Some(u) if TIME_UNITS.contains(&u.as_str()) => Type::Duration,
                    _ => Type::Number(unit.clone()),
                };
                if ty == Type::Duration && n.value.abs() > MAX_DURATION {
                    self.diags.push(
                        Diagnostic::error(
                            Code::BadLiteral,
                            span,
                            format!("`{} {}` is too long a duration", n.raw, unit.as_deref().unwrap_or("")),
                        )
                        .label("out of range")
                        .help(format!("a duration counts at most {MAX_DURATION} of its unit")),
                    );
                }
                mk(ExprKind::Number { value: n.value, unit }, ty)
            }
            ast::ExprKind::Name(ident) => self.name(m, ident, hint),
            ast::ExprKind::Set(items) => self.set(m, items, hint, span),
            ast::ExprKind::Evidence { name, max_age } => {
                let item = self.evidence_ref(m, name);
                let max_age = max_age.as_ref().map(|a| {
                    let a = self.expr(m, a, None);
                    self.expect_type(&a, &Type::Duration, "the age limit of evidence");
                    Box::new(a)
                });
                match item {
                    Some(item) => mk(ExprKind::Evidence { item, max_age }, Type::Bool),
                    None => mk(ExprKind::Unknown, Type::Any),
                }
            }
            ast::ExprKind::Unary(UnaryOp::Not, inner) => {
                let x = self.expr(m, inner, None);
                self.expect_type(&x, &Type::Bool, "the operand of `not`");
                mk(ExprKind::Not(Box::new(x)), Type::Bool)
            }
            ast::ExprKind::Unary(UnaryOp::Neg, inner) => {
                let x = self.expr(m, inner, None);
                if !matches!(x.ty, Type::Number(_) | Type::Duration | Type::Any) {
                    self.expect_type(&x, &Type::Number(None), "the operand of `-`");
                }
                let ty = x.ty.clone();
                mk(ExprKind::Neg(Box::new(x)), ty)
            }
            ast::ExprKind::And(items) | ast::ExprKind::Or(items) => {
                let is_and = matches!(e.kind, ast::ExprKind::And(_));
                let word = if is_and { "each part of an `and`" } else { "each part of an `or`" };
                let xs: Vec<Expr> = items
                    .iter()
                    .map(|i| {
                        let x = self.expr(m, i, None);
                        self.expect_type(&x, &Type::Bool, word);
                        x
                    })
                    .collect();
                mk(if is_and { ExprKind::And(xs) } else { ExprKind::Or(xs) }, Type::Bool)
            }
            ast::ExprKind::Postfix(op, inner) => self.postfix(m, *op, inner, span),
            ast::ExprKind::Binary(op, l, r) => self.binary(m, *op, l, r, span),
        }
    }

    fn name(&mut self, m: ModuleId, ident: &ast::Ident, hint: Option<&Type>) -> Expr {
        let span = ident.span;
        if let Some(e) = Self::enum_of(hint)
            && !ident.name.contains('.')
            && let Some(ix) = self.policy.enums.get(e.0 as usize).and_then(|d| d.index(&ident.name))
        {
            return Expr { kind: ExprKind::Variant(e, ix), ty: Type::Enum(e), span };
        }
        let any = || Expr { kind: ExprKind::Unknown, ty: Type::Any, span };
        match self.resolve(m, &ident.name) {
            Resolved::Fact(f) => {
                self.depend(Node::Fact(f));
                let ty = self.policy.fact(f).map_or(Type::Any, |x| x.ty.clone());
                Expr { kind: ExprKind::Fact(f), ty, span }
            }
            Resolved::Item(id) => {
                let Some(item) = self.policy.item(id) else { return any() };
                let (kind, item_ty) = (item.kind, item.ty.clone());
                self.depend(Node::Item(id));
                let ty = match kind {
                    ItemKind::Define if self.typed.contains(id.0) => item_ty,
                    ItemKind::Define => Type::Any,
                    ItemKind::Obligation | ItemKind::Prohibition => {
                        let d = self
                            .err(
                                Code::WrongKind,
                                span,
                                format!("`{}` is {} {}, not a condition", ident.name, article(kind), kind.noun()),
                            )
                            .label("a norm")
                            .help(format!("write `{0} applies` or `{0} is met`", ident.name));
                        self.push(d);
                        Type::Any
                    }
                    ItemKind::Family | ItemKind::Event => {
                        let (what, help) = if kind == ItemKind::Family {
                            (
                                "an obligation family",
                                "a family groups norms for the reader; it has no value a condition could test",
                            )
                        } else {
                            (
                                "an event",
                                "an event triggers duties (`on EVENT`); whether it happened is not a fact a condition could test",
                            )
                        };
                        let d = self
                            .err(Code::WrongKind, span, format!("`{}` is {what}, not a condition", ident.name))
                            .label(what.trim_start_matches("an ").trim_start_matches("obligation "))
                            .help(help);
                        self.push(d);
                        Type::Any
                    }
                    ItemKind::Evidence => {
                        let d = self
                            .err(Code::WrongKind, span, format!("`{}` is a kind of evidence", ident.name))
                            .label("evidence")
                            .help(format!(
                                "write `evidence {0}` (or `evidence {0} no older than 12 months`)",
                                ident.name
                            ));
                        self.push(d);
                        Type::Any
                    }
                    _ => Type::Bool,
                };
                Expr { kind: ExprKind::Item(id), ty, span }
            }
            Resolved::Hidden(f) => {
                self.hidden_fact(f, ident);
                any()
            }
            Resolved::Unknown => {
                if hint == Some(&Type::Any) && !ident.name.contains('.') {
                    return any(); // the other side already has an error; this is likely one of its values
                }
                if let Some(e) = Self::enum_of(hint)
                    && !ident.name.contains('.')
                {
                    self.unknown_value(e, ident);
                } else {
                    self.unknown_name(m, ident, "fact, rule or value", None);
                }
                any()
            }
        }
    }

    fn unknown_value(&mut self, e: EnumId, ident: &ast::Ident) {
        let Some(def) = self.policy.enums.get(e.0 as usize) else { return };
        let fact = self.policy.fact(def.fact).map(|f| f.name.clone()).unwrap_or_default();
        let names: Vec<&str> = def.variants.iter().map(|(n, _)| n.as_str()).collect();
        let mut d = self
            .err(Code::UnknownValue, ident.span, format!("`{}` is not a value of `{fact}`", ident.name))
            .label("not an allowed value");
        let listed = if names.len() > 12 {
            format!("{}, … ({} values)", names.iter().take(12).copied().collect::<Vec<_>>().join(", "), names.len())
        } else {
            names.join(", ")
        };
        d = match did_you_mean_help(&ident.name, names.iter().copied()) {
            Some(h) => d.help(format!("{h} The allowed values are: {listed}")),
            None => d.help(format!("the allowed values are: {listed}")),
        };
        self.push(d);
    }

    fn set(&mut self, m: ModuleId, items: &[ast::Expr], hint: Option<&Type>, span: Span) -> Expr {
        if let Some(e) = Self::enum_of(hint) {
            let want = Type::Enum(e);
            let xs: Vec<Expr> = items
                .iter()
                .map(|i| {
                    let x = self.expr(m, i, Some(&want));
                    self.expect_type(&x, &want, "each element of this set");
                    x
                })
                .collect();
            return Expr { kind: ExprKind::Set(xs), ty: Type::Set(e), span };
        }
        let xs: Vec<Expr> = items.iter().map(|i| self.expr(m, i, None)).collect();
        let elem = xs.iter().map(|x| x.ty.clone()).find(|t| *t != Type::Any).unwrap_or(Type::Any);
        for x in &xs {
            self.expect_type(x, &elem, "each element of a set");
        }
        Expr { kind: ExprKind::Set(xs), ty: Type::List(Box::new(elem)), span }
    }

    pub(super) fn evidence_ref(&mut self, m: ModuleId, name: &ast::Ident) -> Option<ItemId> {
        match self.resolve(m, &name.name) {
            Resolved::Item(id) if self.policy.item(id).is_some_and(|i| i.kind == ItemKind::Evidence) => {
                self.depend(Node::Item(id));
                Some(id)
            }
            _ => {
                let candidates = self.candidates(m, Some(&[ItemKind::Evidence]));
                let mut d = self
                    .err(Code::UnknownEvidence, name.span, format!("there is no evidence called `{}`", name.name))
                    .label("unknown evidence");
                d = d.help(did_you_mean_help(&name.name, candidates.iter().map(String::as_str)).unwrap_or_else(|| {
                    "declare it with `evidence NAME` (in this module or an imported vocabulary)".into()
                }));
                self.push(d);
                None
            }
        }
    }

    fn postfix(&mut self, m: ModuleId, op: PostfixOp, inner: &ast::Expr, span: Span) -> Expr {
        if op == PostfixOp::IsKnown {
            let x = self.expr(m, inner, None);
            return Expr { kind: ExprKind::IsKnown(Box::new(x)), ty: Type::Bool, span };
        }
        let words = if op == PostfixOp::IsMet { "is met" } else { "applies" };
        let any = Expr { kind: ExprKind::Unknown, ty: Type::Any, span };
        let ast::ExprKind::Name(ident) = &inner.kind else {
            let d = self
                .err(Code::WrongKind, inner.span, format!("`{words}` follows the name of a norm"))
                .label("not a norm's name")
                .help(format!("write e.g. `risk_management_system {words}`"));
            self.push(d);
            return any;
        };
        match self.resolve(m, &ident.name) {
            Resolved::Item(id) => {
                let kind = self.policy.item(id).map(|i| i.kind);
                if kind.is_some_and(ItemKind::is_norm) {
                    self.depend(Node::Item(id));
                    let k = if op == PostfixOp::IsMet { ExprKind::IsMet(id) } else { ExprKind::Applies(id) };
                    Expr { kind: k, ty: Type::Bool, span }
                } else {
                    let kind = kind.unwrap_or(ItemKind::Define);
                    let d = self
                        .err(
                            Code::WrongKind,
                            ident.span,
                            format!("`{}` is {} {}, not a norm", ident.name, article(kind), kind.noun()),
                        )
                        .label(format!("`{words}` needs a norm"))
                        .help(format!("refer to {} by its name alone: `{}`", kind.keyword(), ident.name));
                    self.push(d);
                    any
                }
            }
            Resolved::Fact(_) | Resolved::Hidden(_) => {
                let d = self
                    .err(Code::WrongKind, ident.span, format!("`{}` is a fact, not a norm", ident.name))
                    .label(format!("`{words}` needs a norm"))
                    .help(format!("use the fact's value directly (e.g. `{0}` or `{0} = …`)", ident.name));
                self.push(d);
                any
            }
            Resolved::Unknown => {
                self.unknown_name(m, ident, "norm", Some(&[ItemKind::Obligation, ItemKind::Prohibition]));
                any
            }
        }
    }

    fn binary(&mut self, m: ModuleId, op: BinaryOp, l: &ast::Expr, r: &ast::Expr, span: Span) -> Expr {
        let lhs = self.expr(m, l, None);
        let rhs_hint = match (op, &lhs.ty) {
            (BinaryOp::In | BinaryOp::NotIn, Type::Enum(e)) => Some(Type::Set(*e)),
            (BinaryOp::Includes, Type::Set(e)) => Some(Type::Enum(*e)),
            (BinaryOp::IncludesAny | BinaryOp::IncludesAll, Type::Set(e)) => Some(Type::Set(*e)),
            (_, t) => Some(t.clone()),
        };
        let rhs = self.expr(m, r, rhs_hint.as_ref());
        let ty = self.binary_type(op, &lhs, &rhs, span);
        Expr { kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), ty, span }
    }

    fn binary_type(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, span: Span) -> Type {
        use Type::*;
        let (lt, rt) = (&lhs.ty, &rhs.ty);
        if *lt == Any || *rt == Any {
            return if op.is_comparison() {
                Bool
            } else if *lt == Any {
                rt.clone()
            } else {
                lt.clone()
            };
        }
        let ok: Option<Type> = match op {
            BinaryOp::Eq | BinaryOp::Ne => compatible(lt, rt).then_some(Bool),
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                (compatible(lt, rt) && matches!(lt, Number(_) | Date | Duration)).then_some(Bool)
            }
            BinaryOp::In | BinaryOp::NotIn => match (lt, rt) {
                (Enum(a), Set(b)) if a == b => Some(Bool),
                (t, List(e)) if compatible(t, e) => Some(Bool),
                _ => None,
            },
            BinaryOp::Includes => match (lt, rt) {
                (Set(a), Enum(b)) if a == b => Some(Bool),
                _ => None,
            },
            BinaryOp::IncludesAny | BinaryOp::IncludesAll => match (lt, rt) {
                (Set(a), Set(b)) if a == b => Some(Bool),
                _ => None,
            },
            BinaryOp::Add | BinaryOp::Sub => match (lt, rt) {
                (Number(_), Number(_)) if compatible(lt, rt) => Some(unit_of(lt, rt)),
                (Date, Duration) => Some(Date),
                (Duration, Duration) => Some(Duration),
                (Date, Date) if op == BinaryOp::Sub => Some(Duration),
                (Duration, Date) if op == BinaryOp::Add => Some(Date),
                _ => None,
            },
            BinaryOp::Mul => match (lt, rt) {
                (Number(None), Number(_)) => Some(rt.clone()),
                (Number(_), Number(None)) => Some(lt.clone()),
                (Duration, Number(None)) | (Number(None), Duration) => Some(Duration),
                _ => None,
            },
            BinaryOp::Div => match (lt, rt) {
                (Number(_), Number(None)) => Some(lt.clone()),
                (Number(Some(a)), Number(Some(b))) if a == b => Some(Number(None)),
                (Duration, Number(None)) => Some(Duration),
                _ => None,
            },
        };
        match ok {
            Some(t) => t,
            None => {
                let d = self
                    .err(
                        Code::TypeMismatch,
                        span,
                        format!("`{}` cannot combine {} with {}", op.symbol(), self.describe(lt), self.describe(rt)),
                    )
                    .label("types do not fit")
                    .help(op_help(op, lt));
                self.push(d);
                if op.is_comparison() { Bool } else { Any }
            }
        }
    }
}

fn op_help(op: BinaryOp, lt: &Type) -> &'static str {
    match (op, lt) {
        (BinaryOp::Eq | BinaryOp::Ne, Type::Set(_)) => {
            "a set of values is tested with `includes VALUE`, `includes any of {…}` or `includes all of {…}`"
        }
        (BinaryOp::In | BinaryOp::NotIn, Type::Set(_)) => {
            "a set of values is tested with `includes any of {…}`, not `in`"
        }
        (BinaryOp::In | BinaryOp::NotIn, _) => {
            "`in` tests one value against a set of values of the same fact, e.g. `x in {a, b}`"
        }
        (BinaryOp::Includes | BinaryOp::IncludesAny | BinaryOp::IncludesAll, _) => {
            "`includes` tests a fact declared as `set of enum {…}` against its own values"
        }
        (BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge, _) => {
            "only numbers with the same unit, dates, or lengths of time can be compared"
        }
        _ => {
            "amounts must have the same unit; a date moves by a length of time (e.g. `system.placed_on_market + 12 months`)"
        }
    }
}

fn unit_of(a: &Type, b: &Type) -> Type {
    match (a, b) {
        (Type::Number(Some(u)), _) | (_, Type::Number(Some(u))) => Type::Number(Some(u.clone())),
        _ => Type::Number(None),
    }
}

/// Whether a value of type `a` may stand where `b` is expected (and vice versa).
pub(super) fn compatible(a: &Type, b: &Type) -> bool {
    match (a, b) {
        (Type::Any, _) | (_, Type::Any) => true,
        (Type::Number(x), Type::Number(y)) => x.is_none() || y.is_none() || x == y,
        (Type::List(x), Type::List(y)) => compatible(x, y),
        (Type::Set(e), Type::List(t)) | (Type::List(t), Type::Set(e)) => compatible(t, &Type::Enum(*e)),
        _ => a == b,
    }
}

pub(super) fn article(kind: ItemKind) -> &'static str {
    match kind.noun().chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}
