//! First pass: register modules, imports, facts, rules, roles and evidence, and check each
//! declaration's clause list.

use std::collections::BTreeMap;

use super::clauses::{Owner, check_clauses};
use super::{Checker, NameMap, context_of};
use crate::diagnostics::{Code, Diagnostic, did_you_mean_help};
use crate::model::{EnumDef, EnumId, Fact, FactId, Item, ItemId, Lifecycle, Localized, Module, ModuleId, Type};
use crate::syntax::ast::{self, ClauseKind, FactType, ItemHead, ItemKind, ModuleKind};

/// Units that make a number a duration.
pub(super) const TIME_UNITS: &[&str] =
    &["hour", "hours", "day", "days", "working_days", "week", "weeks", "month", "months", "year", "years"];

/// The level of a `verification` clause, if the declaration has one with a known word.
pub(super) fn verification(clauses: &[ast::Clause]) -> Option<crate::model::Verification> {
    clauses.iter().find_map(|c| match &c.kind {
        ClauseKind::Verification(word) => crate::model::Verification::from_word(&word.name),
        _ => None,
    })
}

pub(super) fn localized(l: &ast::Localized) -> Localized {
    Localized { lang: l.lang.name.clone(), text: l.text.value.clone(), under: l.under.as_ref().map(|u| u.name.clone()) }
}

fn cites(clauses: &[ast::Clause]) -> Vec<String> {
    clauses
        .iter()
        .filter_map(|c| match &c.kind {
            ClauseKind::Cite(list) => Some(list.iter().map(|t| t.value.clone())),
            _ => None,
        })
        .flatten()
        .collect()
}

pub(super) fn texts(clauses: &[ast::Clause], pick: fn(&ClauseKind) -> Option<&ast::Localized>) -> Vec<Localized> {
    clauses.iter().filter_map(|c| pick(&c.kind)).map(localized).collect()
}

impl Checker<'_> {
    pub(super) fn declare(&mut self, modules: Vec<ast::Module>) {
        let (parts, modules): (Vec<ast::Module>, Vec<ast::Module>) =
            modules.into_iter().partition(|m| m.header.kind == ModuleKind::Part);
        for m in modules {
            let id = m.header.id.name.clone();
            if let Some(first) = self.module_ids.get(&id).and_then(|&mid| self.policy.module(mid)) {
                let first_span = first.span;
                self.push(
                    Diagnostic::error(
                        Code::DuplicateModule,
                        m.header.id.span,
                        format!("the module `{id}` is declared twice"),
                    )
                    .label("second declaration")
                    .related(first_span, "first declared here")
                    .help("each file declares its own module; rename one of them"),
                );
                continue;
            }
            let mid = ModuleId(self.policy.modules.len() as u32);
            self.module_ids.insert(id.clone(), mid);
            let h = &m.header;
            check_clauses(Owner::Module(h.kind), &h.clauses, h.id.span, None, &mut self.diags);
            let mut versions: Vec<(String, String, jiff::civil::Date)> = Vec::new();
            for c in &h.clauses {
                if let ClauseKind::Version { name, label, in_force } = &c.kind {
                    if let Some((_, _, d)) = versions.iter().find(|(n, _, _)| *n == name.name) {
                        let d = *d;
                        self.push(
                            Diagnostic::error(
                                Code::Duplicate,
                                name.span,
                                format!("the version `{}` is declared twice", name.name),
                            )
                            .label("second declaration")
                            .help(format!("the first declaration says it is in force from {d}")),
                        );
                        continue;
                    }
                    if let Some((prev, _, d)) = versions.last()
                        && in_force.date <= *d
                    {
                        self.push(
                            Diagnostic::error(
                                Code::DateRange,
                                in_force.span,
                                format!(
                                    "version `{}` enters into force on {}, not after version `{prev}` ({d})",
                                    name.name, in_force.date
                                ),
                            )
                            .label("not after the previous version")
                            .help("list versions in the order they entered into force, each on a later day"),
                        );
                    }
                    versions.push((name.name.clone(), label.value.clone(), in_force.date));
                }
            }
            self.policy.modules.push(Module {
                id,
                kind: h.kind,
                titles: texts(&h.clauses, |k| if let ClauseKind::Title(l) = k { Some(l) } else { None }),
                jurisdiction: h.clauses.iter().find_map(|c| match &c.kind {
                    ClauseKind::Jurisdiction(j) => Some(j.name.clone()),
                    _ => None,
                }),
                versions,
                source: h.clauses.iter().find_map(|c| match &c.kind {
                    ClauseKind::Source(s) => Some(s.value.clone()),
                    _ => None,
                }),
                notes: texts(&h.clauses, |k| if let ClauseKind::Note(l) = k { Some(l) } else { None }),
                informative: h.clauses.iter().any(|c| matches!(c.kind, ClauseKind::Informative)),
                uses: Vec::new(),
                span: h.id.span,
            });
            if h.kind == ModuleKind::Catalog {
                self.declare_catalog(mid, h);
            }
            std::rc::Rc::make_mut(&mut self.asts).push(m);
            self.ast_module.push(mid);
        }
        for p in parts {
            self.declare_part(p);
        }
        self.imports();
        let declarations: usize = self.asts.iter().map(|m| m.items.len()).sum();
        self.policy.items.reserve(declarations);
        self.item_ast.reserve(declarations);
        for mi in 0..self.asts.len() {
            self.declare_items(mi);
        }
    }

    /// A file that continues a module declared elsewhere (`part of MODULE`).
    fn declare_part(&mut self, p: ast::Module) {
        let h = &p.header;
        check_clauses(Owner::Module(ModuleKind::Part), &h.clauses, h.id.span, None, &mut self.diags);
        match self.module_ids.get(&h.id.name) {
            Some(&owner) => {
                let notes = texts(&h.clauses, |k| if let ClauseKind::Note(l) = k { Some(l) } else { None });
                if let Some(m) = self.policy.modules.get_mut(owner.0 as usize) {
                    m.notes.extend(notes);
                }
                std::rc::Rc::make_mut(&mut self.asts).push(p);
                self.ast_module.push(owner);
            }
            None => {
                let known: Vec<&str> = self.module_ids.keys().map(String::as_str).collect();
                let help = did_you_mean_help(&h.id.name, known).unwrap_or_else(|| {
                    "load the file with the module's `instrument` or `vocabulary` line together with its parts".into()
                });
                self.incomplete.insert(h.id.span.file);
                self.push(
                    Diagnostic::error(
                        Code::UnknownModule,
                        h.id.span,
                        format!("this file is a part of `{}`, which is not among the loaded policies", h.id.name),
                    )
                    .label("no such module")
                    .help(help),
                );
            }
        }
    }

    fn imports(&mut self) {
        let known: Vec<String> = self.module_ids.keys().cloned().collect();
        self.qualifiers = self
            .policy
            .modules
            .iter()
            .enumerate()
            .map(|(i, m)| BTreeMap::from([(m.id.clone(), ModuleId(i as u32))]))
            .collect();
        for mi in 0..self.asts.len() {
            let Some(&mid) = self.ast_module.get(mi) else { continue };
            let mut q = BTreeMap::new();
            let uses = self.asts.get(mi).map(|m| m.uses.clone()).unwrap_or_default();
            for u in uses {
                match self.module_ids.get(&u.module.name) {
                    Some(&target) => {
                        q.insert(u.module.name.clone(), target);
                        if let Some(a) = &u.alias {
                            q.insert(a.name.clone(), target);
                        }
                        if let Some(m) = self.policy.modules.get_mut(mid.0 as usize)
                            && !m.uses.contains(&target)
                        {
                            m.uses.push(target);
                        }
                    }
                    None => {
                        self.incomplete.insert(u.module.span.file);
                        let mut d = Diagnostic::error(
                            Code::UnknownModule,
                            u.module.span,
                            format!("no module `{}` is among the loaded policies", u.module.name),
                        )
                        .label("not found");
                        d = d.help(did_you_mean_help(&u.module.name, known.iter().map(String::as_str)).unwrap_or_else(
                            || "load the file that declares it too, e.g. `norma check policies` rather than one file or folder of it".into(),
                        ));
                        self.push(d);
                    }
                }
            }
            if let Some(all) = self.qualifiers.get_mut(mid.0 as usize) {
                all.extend(q);
            }
        }
    }

    fn declare_items(&mut self, mi: usize) {
        let Some(&mid) = self.ast_module.get(mi) else { return };
        let module_name = self.policy.module(mid).map(|m| m.id.clone()).unwrap_or_default();
        let asts = std::rc::Rc::clone(&self.asts);
        let Some(ast) = asts.get(mi) else { return };
        let items = &ast.items;
        let mut test_names: BTreeMap<String, crate::source::Span> = BTreeMap::new();
        for (ii, item) in items.iter().enumerate() {
            let found = self.diags.len();
            check_clauses(Owner::Item(item.kind), &item.clauses, item.name.span, None, &mut self.diags);
            if self.diags.len() > found {
                let context = context_of(item);
                for d in self.diags.iter_mut().skip(found) {
                    d.context.get_or_insert_with(|| context.clone());
                }
            }
            match item.kind {
                ItemKind::Fact => self.declare_fact(mid, item),
                ItemKind::Test => {
                    if let Some(first) = test_names.get(&item.name.name) {
                        let first = *first;
                        self.push(
                            Diagnostic::error(
                                Code::Duplicate,
                                item.name.span,
                                format!("two tests are called \"{}\"", item.name.name),
                            )
                            .label("second test")
                            .related(first, "first test")
                            .help("give each test its own title"),
                        );
                    } else {
                        test_names.insert(item.name.name.clone(), item.name.span);
                    }
                }
                ItemKind::Crosswalk => {}
                ItemKind::Provision => self.declare_provision(mid, item),
                ItemKind::Heading => self.declare_heading(mid, item),
                ItemKind::CatalogItem => self.declare_catalog_item(mid, item),
                _ if self.policy.module(mid).is_some_and(|m| m.kind == ModuleKind::Catalog) => {
                    self.not_in_catalog(item);
                }
                _ => {
                    if let Some(first) = self.item_id(mid, &item.name.name) {
                        let first_span = self.policy.item(first).map(|i| i.span);
                        let mut d = Diagnostic::error(
                            Code::Duplicate,
                            item.name.span,
                            format!("`{}` is declared twice in `{module_name}`", item.name.name),
                        )
                        .label("second declaration")
                        .help("rules, roles and evidence of one module share one set of names; rename one")
                        .in_context(Some(&context_of(item)));
                        if let Some(s) = first_span {
                            d = d.related(s, "first declared here");
                        }
                        self.push(d);
                        continue;
                    }
                    let id = ItemId(self.policy.items.len() as u32);
                    let key = self.name_key(&item.name);
                    let at = mid.0 as usize;
                    if self.item_ids.len() <= at {
                        self.item_ids.resize_with(at + 1, NameMap::default);
                    }
                    if let Some(names) = self.item_ids.get_mut(at) {
                        names.insert(key, id);
                    }
                    self.item_ast.push((mi, ii));
                    self.policy.items.push(new_item(mid, &module_name, item));
                }
            }
        }
    }

    fn declare_fact(&mut self, mid: ModuleId, item: &ast::Item) {
        let name = &item.name.name;
        if let Some(&first) = self.fact_ids.get(name.as_str()) {
            self.duplicate_facts.insert(name.clone());
            let (first_span, first_module) = match self.policy.fact(first) {
                Some(f) => (f.span, self.policy.module(f.module).map(|m| m.id.clone()).unwrap_or_default()),
                None => return,
            };
            self.push(
                Diagnostic::error(Code::Duplicate, item.name.span, format!("the fact `{name}` is already declared in `{first_module}`"))
                    .label("second declaration")
                    .related(first_span, "first declared here")
                    .help("facts form one vocabulary shared by every module; use the existing fact (add `use` for its module) or choose another name"),
            );
            return;
        }
        let fid = FactId(self.policy.facts.len() as u32);
        let ty = match &item.head {
            ItemHead::Fact(t) => self.fact_type(fid, t),
            _ => Type::Any,
        };
        let key = self.name_key(&item.name);
        self.fact_ids.insert(key, fid);
        self.policy.facts.push(Fact {
            name: name.clone(),
            module: mid,
            ty,
            integer: matches!(item.head, ItemHead::Fact(FactType::Integer(_))),
            docs: item.docs.clone(),
            questions: texts(&item.clauses, |k| if let ClauseKind::Question(l) = k { Some(l) } else { None }),
            help: texts(&item.clauses, |k| if let ClauseKind::Help(l) = k { Some(l) } else { None }),
            span: item.name.span,
        });
    }

    fn fact_type(&mut self, fid: FactId, t: &FactType) -> Type {
        let unit = |u: &Option<ast::Ident>| u.as_ref().map(|u| u.name.clone());
        match t {
            FactType::Bool => Type::Bool,
            FactType::Integer(u) | FactType::Decimal(u) => {
                if let Some(u) = u
                    && TIME_UNITS.contains(&u.name.as_str())
                {
                    self.push(
                        Diagnostic::error(Code::TypeMismatch, u.span, format!("`{}` is a unit of time", u.name))
                            .label("use `duration`")
                            .help("declare lengths of time as `duration`; their values are written like `6 months`"),
                    );
                }
                Type::Number(unit(u))
            }
            FactType::Text => Type::Text,
            FactType::Date => Type::Date,
            FactType::Duration => Type::Duration,
            FactType::Enum(vs) => Type::Enum(self.enum_def(fid, vs)),
            FactType::Set(vs) => Type::Set(self.enum_def(fid, vs)),
        }
    }

    fn enum_def(&mut self, fid: FactId, vs: &[ast::Variant]) -> EnumId {
        let mut variants: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for v in vs {
            if variants.iter().any(|(n, _)| *n == v.name.name) {
                self.push(
                    Diagnostic::error(
                        Code::Duplicate,
                        v.name.span,
                        format!("the value `{}` is listed twice", v.name.name),
                    )
                    .label("listed again")
                    .help("remove the second one"),
                );
                continue;
            }
            let labels = v.labels.iter().map(|(l, t)| (l.name.clone(), t.value.clone())).collect();
            variants.push((v.name.name.clone(), labels));
        }
        let id = EnumId(self.policy.enums.len() as u32);
        self.policy.enums.push(EnumDef { fact: fid, variants });
        id
    }
}

fn new_item(mid: ModuleId, module_name: &str, item: &ast::Item) -> Item {
    let c = &item.clauses;
    Item {
        kind: item.kind,
        module: mid,
        name: item.name.name.clone(),
        qualified: [module_name, ".", &item.name.name].concat(),
        docs: item.docs.clone(),
        cites: cites(c),
        titles: texts(c, |k| if let ClauseKind::Title(l) = k { Some(l) } else { None }),
        texts: texts(c, |k| if let ClauseKind::Body(l) = k { Some(l) } else { None }),
        notes: texts(c, |k| if let ClauseKind::Note(l) = k { Some(l) } else { None }),
        penalties: texts(c, |k| if let ClauseKind::Penalty(l) = k { Some(l) } else { None }),
        binds: Vec::new(),
        families: Vec::new(),
        lifecycle: Lifecycle {
            phases: crate::model::PHASES
                .iter()
                .filter(|p| {
                    c.iter().any(|x| matches!(&x.kind, ClauseKind::Phase(l) if l.iter().any(|i| i.name == **p)))
                })
                .map(|p| (*p).to_string())
                .collect(),
            every: None,
            on: Vec::new(),
            effort: c.iter().any(|x| matches!(x.kind, ClauseKind::Effort)),
            metrics: texts(c, |k| if let ClauseKind::Metric(l) = k { Some(l) } else { None }),
        },
        when: None,
        unless: None,
        value: None,
        gives: None,
        met: None,
        deemed: Vec::new(),
        presumed: Vec::new(),
        from: Vec::new(),
        until: Vec::new(),
        targets: Vec::new(),
        exceptions: Vec::new(),
        priority: c.iter().find_map(|x| if let ClauseKind::Priority(p) = x.kind { Some(p) } else { None }).unwrap_or(0),
        severity: c
            .iter()
            .find_map(|x| if let ClauseKind::Severity(s) = &x.kind { Some(s.name.clone()) } else { None }),
        standards: c
            .iter()
            .filter_map(|x| match &x.kind {
                ClauseKind::Standard(s) => Some(crate::model::StandardClause {
                    name: s.name.value.clone(),
                    part: s.part.as_ref().map(|p| p.value.clone()),
                    relation: s.relation.as_ref().map(|r| r.name.clone()),
                    confidence: s.confidence.as_ref().map(|c| c.name.clone()),
                }),
                _ => None,
            })
            .collect(),
        valid_for: None,
        ty: Type::Bool,
        label: c.iter().find_map(|x| if let ClauseKind::Label(l) = &x.kind { Some(l.name.clone()) } else { None }),
        verification: verification(c),
        span: item.name.span,
    }
}
