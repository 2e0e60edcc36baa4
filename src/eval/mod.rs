//! Evaluation: every rule of a checked policy, against the facts of one system, as of one date.
//!
//! Rules are evaluated once each, in the dependency order the checker computed, so a rule's
//! inputs are always ready. Logic is Kleene's three-valued logic: a missing fact is unknown, and
//! `unknown and false` is false. Each result keeps the inputs that decided it; traces, reasons
//! and decisive questions are read from those.

pub mod coverage;
mod expr;
mod program;
mod scenarios;

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

pub use expr::EvidenceState;
use expr::{and2, not, or2};
pub use program::Program;
pub use scenarios::{Failure, run_test, test_facts, test_options, unmet};

use crate::facts::Facts;
use crate::model::{Dated, FactId, Item, ItemId, ModuleId, Node, Policy};
use crate::syntax::ast::ItemKind;
use crate::value::Value;
use petgraph::visit::Dfs;

/// Something a result was decided by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Input {
    /// A fact's value (or its absence).
    Fact(FactId),
    /// Another rule's result.
    Rule(ItemId),
    /// The state of a piece of evidence, and the last day it counts (its expiry, validity or age
    /// limit, whichever comes first), when it is held and dated.
    Evidence(ItemId, EvidenceState, Option<Date>),
    /// The assessment date.
    AsOf,
}

/// The status of a norm on the assessment date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// A prohibition whose conditions hold.
    Violated,
    /// An obligation that applies and is met.
    Met,
    /// An obligation that applies and is not met.
    NotMet,
    /// The facts do not decide it.
    Unknown,
    /// It does not apply to this system (or no longer applies).
    NotApplicable,
    /// It applies from a later date.
    NotYetApplicable,
}

impl Status {
    /// The word used in the outcome model.
    pub fn word(self) -> &'static str {
        match self {
            Status::Violated => "violated",
            Status::Met => "met",
            Status::NotMet => "not_met",
            Status::Unknown => "unknown",
            Status::NotApplicable => "not_applicable",
            Status::NotYetApplicable => "not_yet_applicable",
        }
    }

    /// Every status, in report order.
    pub const ALL: [Status; 6] = [
        Status::Violated,
        Status::NotMet,
        Status::Unknown,
        Status::Met,
        Status::NotYetApplicable,
        Status::NotApplicable,
    ];
}

/// Why a norm has its status, in a form reports can word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// Its conditions hold, its date has come and its compliance is as the status says.
    Applies,
    /// Its condition (or the role it binds) does not hold.
    ConditionFalse,
    /// An exception, exemption or derogation sets it aside.
    Excepted(ItemId),
    /// It starts later.
    StartsLater,
    /// It stopped applying on `applies_until`.
    Ended,
    /// The version of the instrument in force does not contain it.
    NotInVersion,
    /// Facts are missing.
    Undecided,
}

/// The outcome of one norm.
#[derive(Debug, Clone, PartialEq)]
pub struct NormOutcome {
    /// Status on the assessment date.
    pub status: Status,
    /// Why.
    pub why: Why,
    /// The day it applies from, when known.
    pub applies_from: Option<Date>,
    /// The first day it no longer applies, when known and set.
    pub applies_until: Option<Date>,
    /// Whether it applies now (true, false or unknown).
    pub applies: Value,
    /// Whether it applies now and is met.
    pub met: Value,
    /// What decided the status.
    pub inputs: Vec<Input>,
}

/// Options of an evaluation.
#[derive(Debug, Clone)]
pub struct Options {
    /// The assessment date. The engine never reads the clock.
    pub as_of: Date,
    /// Roles the organisation is assessed in (by role name); empty: decided by the facts.
    pub roles: BTreeSet<String>,
    /// Whether to keep the inputs that decided each rule (the traces of reports, reasons and
    /// questions). Without them, no rule keeps its inputs ([`Evaluator::inputs`] is empty); each
    /// norm's outcome still says what decided its status.
    pub traces: bool,
}

/// The evaluation of every rule of a policy.
pub struct Evaluator<'a> {
    policy: &'a Policy,
    facts: &'a Facts,
    /// The value of each fact, by fact id (unknown when not given).
    slots: Vec<&'a Value>,
    /// The value of each fact in the compact form the compiled steps read.
    cells: Vec<program::Cell>,
    /// Reused for the inputs of each definition while it is evaluated.
    scratch: Vec<Input>,
    traces: bool,
    /// The assessment date as a value, for comparisons.
    as_of_value: Value,
    state: Results,
}

/// The value of a fact that is not given.
static UNKNOWN: Value = Value::Unknown;

/// The value of each fact of `policy` in `facts`, by fact id.
fn slots<'a>(policy: &Policy, facts: &'a Facts) -> Vec<&'a Value> {
    let mut slots = vec![&UNKNOWN; policy.facts.len()];
    for (f, v) in &facts.values {
        if let Some(slot) = slots.get_mut(f.0 as usize) {
            *slot = v;
        }
    }
    slots
}

/// The results of an evaluation, detached from the facts they were computed from, so that they
/// can be kept and brought up to date when a few facts change ([`Evaluator::rerun`]).
#[derive(Debug, Clone)]
pub struct Results {
    as_of: Date,
    roles: BTreeSet<String>,
    /// Each rule's value when it is true, false or unknown (`None`: `others` holds it), then the
    /// truth values of the program's tests of the facts. The compiled conditions read and write
    /// only these.
    truths: Vec<Option<program::Truth>>,
    /// The values of the rules that are not true, false or unknown (numbers, dates, …), by rule.
    others: BTreeMap<usize, Value>,
    /// The inputs of every rule, one after another; `spans` says where each rule's are (empty
    /// without traces).
    arena: Vec<Input>,
    spans: Vec<(u32, u32)>,
    /// Boxed: most rules are not norms, and a slot is cheap to set up for every document.
    outcomes: Vec<Option<Box<NormOutcome>>>,
    versions: Vec<Option<String>>,
}

impl Results {
    /// Whether these results were computed with `options` (traces included: results kept
    /// without traces have no inputs for the rules a rerun would keep).
    pub fn computed_with(&self, options: &Options) -> bool {
        let traced = self.spans.len() == self.outcomes.len();
        self.as_of == options.as_of && self.roles == options.roles && (traced || !options.traces)
    }

    /// The value of rule number `i`.
    fn value(&self, i: usize) -> Value {
        match self.truths.get(i) {
            Some(Some(t)) => t.value(),
            _ => self.others.get(&i).cloned().unwrap_or(Value::Unknown),
        }
    }

    /// The inputs that decided rule number `i`.
    fn inputs(&self, i: usize) -> &[Input] {
        self.spans.get(i).and_then(|&(a, b)| self.arena.get(a as usize..b as usize)).unwrap_or(&[])
    }
}

/// Results are equal when they give the same values, inputs and outcomes (however their inputs
/// are laid out in memory).
impl PartialEq for Results {
    fn eq(&self, other: &Results) -> bool {
        self.as_of == other.as_of
            && self.roles == other.roles
            && self.outcomes == other.outcomes
            && (0..self.outcomes.len()).all(|i| self.value(i) == other.value(i))
            && self.versions == other.versions
            && self.spans.len() == other.spans.len()
            && (0..self.spans.len()).all(|i| self.inputs(i) == other.inputs(i))
    }
}

impl<'a> Evaluator<'a> {
    /// Evaluates every rule of `policy` against `facts`.
    pub fn run(policy: &'a Policy, facts: &'a Facts, options: &Options) -> Evaluator<'a> {
        let n = policy.items.len();
        let versions = policy
            .modules
            .iter()
            .map(|m| m.versions.iter().rfind(|(_, _, d)| *d <= options.as_of).map(|(name, _, _)| name.clone()))
            .collect();
        let state = Results {
            as_of: options.as_of,
            roles: options.roles.clone(),
            truths: {
                // Room for the program's tests too, which `decide_tests` adds after the rules.
                let mut truths = Vec::with_capacity(n + policy.program.tests());
                truths.resize(n, Some(program::Truth::Unknown));
                truths
            },
            others: BTreeMap::new(),
            arena: Vec::with_capacity(if options.traces { 4 * n } else { 0 }),
            spans: if options.traces { vec![(0, 0); n] } else { Vec::new() },
            outcomes: vec![None; n],
            versions,
        };
        let mut ev = Evaluator::new(policy, facts, options.traces, state);
        ev.rules(policy.order.iter().copied());
        ev
    }

    /// Brings `previous` (results of `policy` for other facts) up to date for `facts`, where
    /// `changed` lists the facts and evidence that differ: only the rules that depend on them,
    /// directly or through other rules, are evaluated again; every other result is kept. The
    /// results are the same as those of [`Evaluator::run`] on `facts`.
    pub fn rerun(
        policy: &'a Policy,
        facts: &'a Facts,
        previous: Results,
        changed: impl IntoIterator<Item = Node>,
    ) -> Evaluator<'a> {
        let mut affected = vec![false; policy.items.len()];
        let mut dfs = Dfs::empty(&policy.graph);
        for node in changed {
            let Some(start) = policy.node(node) else { continue };
            dfs.move_to(start);
            while let Some(next) = dfs.next(&policy.graph) {
                if let Some(Node::Item(id)) = policy.graph.node_weight(next)
                    && let Some(flag) = affected.get_mut(id.0 as usize)
                {
                    *flag = true;
                }
            }
        }
        let mut ev = Evaluator::new(policy, facts, true, previous);
        ev.rules(policy.order.iter().copied().filter(|id| affected.get(id.0 as usize) == Some(&true)));
        ev
    }

    fn new(policy: &'a Policy, facts: &'a Facts, traces: bool, state: Results) -> Evaluator<'a> {
        let as_of_value = Value::Date(state.as_of);
        let slots = slots(policy, facts);
        let mut ev = Evaluator {
            policy,
            facts,
            cells: slots.iter().map(|v| program::Cell::of(v)).collect(),
            slots,
            scratch: Vec::new(),
            traces,
            as_of_value,
            state,
        };
        ev.decide_tests();
        ev
    }

    /// The results, without the policy and facts, to keep for [`Evaluator::rerun`].
    pub fn into_results(self) -> Results {
        self.state
    }

    /// The assessment date.
    pub fn as_of(&self) -> Date {
        self.state.as_of
    }

    /// The policy evaluated.
    pub fn policy(&self) -> &'a Policy {
        self.policy
    }

    /// The facts evaluated.
    pub fn facts(&self) -> &'a Facts {
        self.facts
    }

    /// The value of a fact (unknown when not given).
    pub fn fact(&self, id: FactId) -> &Value {
        self.slots.get(id.0 as usize).copied().unwrap_or(&UNKNOWN)
    }

    /// The value of a definition, or whether an exception or a role holds.
    pub fn value(&self, id: ItemId) -> Value {
        self.state.value(id.0 as usize)
    }

    /// What decided a rule's value or a norm's status.
    pub fn inputs(&self, id: ItemId) -> &[Input] {
        self.state.inputs(id.0 as usize)
    }

    /// The outcome of a norm.
    pub fn outcome(&self, id: ItemId) -> Option<&NormOutcome> {
        self.state.outcomes.get(id.0 as usize).and_then(Option::as_deref)
    }

    /// The name of the version of `module` in force on the assessment date.
    pub fn version(&self, module: ModuleId) -> Option<&str> {
        self.state.versions.get(module.0 as usize).and_then(|v| v.as_deref())
    }

    /// Records a rule's value and the inputs that decided it (each once, in the order first given).
    fn set(&mut self, id: ItemId, value: Value, inputs: &[Input]) {
        let i = id.0 as usize;
        let Some(t) = self.state.truths.get_mut(i) else { return };
        *t = program::Truth::kept(&value);
        if t.is_some() {
            self.state.others.remove(&i);
        } else {
            self.state.others.insert(i, value);
        }
        if !self.traces {
            return;
        }
        let arena = &mut self.state.arena;
        let start = arena.len();
        if inputs.len() <= 64 {
            for input in inputs {
                if !arena.get(start..).is_some_and(|kept| kept.contains(input)) {
                    arena.push(*input);
                }
            }
        } else {
            arena.extend(dedup(inputs.to_vec()));
        }
        if let Some(span) = self.state.spans.get_mut(i) {
            *span = (start as u32, arena.len() as u32);
        }
    }

    fn rule(&mut self, id: ItemId) {
        let Some(item) = self.policy.item(id) else { return };
        match item.kind {
            ItemKind::Define => {
                let mut inputs = std::mem::take(&mut self.scratch);
                inputs.clear();
                let base = item.value.as_ref().map_or(Value::Unknown, |v| self.eval_into(v, &mut inputs));
                let (value, more) = self.apply_exceptions(item, base);
                inputs.extend(more);
                self.set(id, value, &inputs);
                self.scratch = inputs;
            }
            ItemKind::Exception | ItemKind::Exemption | ItemKind::Derogation => {
                let (holds, inputs) = self.holds(item);
                self.set(id, holds, &inputs);
            }
            ItemKind::Role => {
                let assumed = self.state.roles.contains(&item.name);
                let (v, inputs) = match (&item.when, assumed) {
                    (_, true) => (Value::Bool(true), Vec::new()),
                    (Some(w), false) => self.eval(w),
                    (None, false) => (Value::Bool(true), Vec::new()),
                };
                self.set(id, v, &inputs);
            }
            ItemKind::Obligation | ItemKind::Prohibition => {
                let outcome = self.norm(item);
                self.set(id, outcome.applies.clone(), &outcome.inputs);
                if let Some(slot) = self.state.outcomes.get_mut(id.0 as usize) {
                    *slot = Some(Box::new(outcome));
                }
            }
            ItemKind::Evidence
            | ItemKind::Family
            | ItemKind::Event
            | ItemKind::Fact
            | ItemKind::Crosswalk
            | ItemKind::Test
            | ItemKind::Provision
            | ItemKind::Heading
            | ItemKind::CatalogItem => {}
        }
    }

    /// Whether any of the exceptions to `item` holds, and what decided it.
    fn excepted(&self, item: &Item) -> (Value, Vec<Input>, Option<ItemId>) {
        let mut v = Value::Bool(false);
        let mut inputs = Vec::new();
        let mut which = None;
        for &e in &item.exceptions {
            let ev = self.value(e);
            if ev == Value::Bool(true) && which.is_none() {
                which = Some(e);
            }
            if ev != Value::Bool(false) || v == Value::Bool(false) {
                inputs.push(Input::Rule(e));
            }
            v = or2(&v, &ev);
        }
        (v, inputs, which)
    }

    /// Whether an exception holds: its condition holds, its `unless` does not, no exception to it
    /// holds, and the date is within its period.
    fn holds(&self, item: &Item) -> (Value, Vec<Input>) {
        let (when, mut inputs) = item.when.as_ref().map_or((Value::Bool(true), Vec::new()), |w| self.eval(w));
        let (unless, ui) = item.unless.as_ref().map_or((Value::Bool(false), Vec::new()), |u| self.eval(u));
        let (excepted, ei, _) = self.excepted(item);
        let (in_period, pi) = self.in_period(item);
        let mut v = and2(&when, &not(&unless));
        v = and2(&v, &not(&excepted));
        v = and2(&v, &in_period);
        if unless != Value::Bool(false) {
            inputs.extend(ui);
        }
        inputs.extend(ei);
        inputs.extend(pi);
        (v, inputs)
    }

    /// Whether the assessment date is within an exception's `from`/`until` period.
    fn in_period(&self, item: &Item) -> (Value, Vec<Input>) {
        if item.from.is_empty() && item.until.is_empty() {
            return (Value::Bool(true), Vec::new());
        }
        let dates = self.dates(item);
        let started = match dates.start {
            Start::Live => Value::Bool(true),
            Start::Later(_) | Start::Never | Start::NotInVersion => Value::Bool(false),
            Start::Undecided => Value::Unknown,
        };
        (and2(&started, &Value::Bool(!dates.ended)), dates.inputs)
    }

    /// The value of a definition after its exceptions: the highest-priority exception that holds
    /// gives its value (`false`, or its `gives`); an undecided one leaves the value unknown unless
    /// both possibilities agree.
    fn apply_exceptions(&self, item: &Item, base: Value) -> (Value, Vec<Input>) {
        if item.exceptions.is_empty() {
            return (base, Vec::new());
        }
        let mut ids = item.exceptions.clone();
        ids.sort_by_key(|e| std::cmp::Reverse(self.policy.item(*e).map_or(0, |i| i.priority)));
        self.resolve_exceptions(&ids, base)
    }

    fn resolve_exceptions(&self, ids: &[ItemId], base: Value) -> (Value, Vec<Input>) {
        let Some((&first, rest)) = ids.split_first() else { return (base, Vec::new()) };
        let holds = self.value(first);
        let given = self
            .policy
            .item(first)
            .and_then(|e| e.gives.as_ref())
            .map_or_else(|| (Value::Bool(false), Vec::new()), |g| self.eval(g));
        match holds {
            Value::Bool(true) => {
                let mut inputs = vec![Input::Rule(first)];
                inputs.extend(given.1);
                (given.0, inputs)
            }
            Value::Bool(false) => {
                let (v, mut inputs) = self.resolve_exceptions(rest, base);
                inputs.push(Input::Rule(first));
                (v, inputs)
            }
            _ => {
                let (otherwise, mut inputs) = self.resolve_exceptions(rest, base);
                inputs.push(Input::Rule(first));
                inputs.extend(given.1);
                if given.0 == otherwise && otherwise.is_known() {
                    (otherwise, inputs)
                } else {
                    (Value::Unknown, inputs)
                }
            }
        }
    }

    /// Which `from`/`until` clauses count on the assessment date: those of the version in force
    /// and those that name no version.
    fn counts(&self, item: &Item, d: &Dated) -> bool {
        d.under.is_none() || d.under.as_deref() == self.version(item.module)
    }

    fn dates(&self, item: &Item) -> Dates {
        let mut inputs = Vec::new();
        let mut live = None::<Date>;
        let mut later = Vec::new();
        let mut undecided = Vec::new();
        let counting: Vec<&Dated> = item.from.iter().filter(|d| self.counts(item, d)).collect();
        for d in &counting {
            let (v, i) = d.condition.as_ref().map_or((Value::Bool(true), Vec::new()), |c| self.eval(c));
            match v {
                Value::Bool(true) => {
                    inputs.extend(i);
                    if d.date <= self.state.as_of {
                        live = Some(live.map_or(d.date, |l| l.min(d.date)));
                    } else {
                        later.push(d.date);
                    }
                }
                Value::Bool(false) => {}
                _ => {
                    inputs.extend(i);
                    undecided.push(d.date);
                }
            }
        }
        let start = if counting.is_empty() {
            // Only in a version not yet (or no longer) in force.
            let future: Vec<Date> = item
                .from
                .iter()
                .filter(|d| {
                    self.policy.module(item.module).is_some_and(|m| {
                        m.versions.iter().any(|(n, _, f)| Some(n) == d.under.as_ref() && *f > self.state.as_of)
                    })
                })
                .map(|d| d.date)
                .collect();
            match future.iter().min() {
                Some(d) => Start::Later(*d),
                None => Start::NotInVersion,
            }
        } else if live.is_some() {
            Start::Live
        } else if undecided.iter().any(|d| *d <= self.state.as_of) {
            Start::Undecided
        } else if let Some(first) = later.iter().chain(&undecided).min() {
            Start::Later(*first)
        } else {
            Start::Never
        };
        let from = match start {
            Start::Live => live,
            Start::Later(d) => Some(d),
            _ => None,
        };
        let mut ended = false;
        let mut until = None::<Date>;
        for d in item.until.iter().filter(|d| self.counts(item, d)) {
            let (v, i) = d.condition.as_ref().map_or((Value::Bool(true), Vec::new()), |c| self.eval(c));
            if v == Value::Bool(true) {
                until = Some(until.map_or(d.date, |u| u.min(d.date)));
                if d.date <= self.state.as_of {
                    ended = true;
                    inputs.extend(i);
                }
            }
        }
        if start != Start::Live || ended {
            inputs.push(Input::AsOf);
        }
        Dates { start, from, until, ended, inputs }
    }

    fn norm(&self, item: &Item) -> NormOutcome {
        let dates = self.dates(item);
        let mut inputs = dates.inputs.clone();
        // Applicability: condition, inline exception, exceptions, and a role the norm binds.
        let (when, wi) = item.when.as_ref().map_or((Value::Bool(true), Vec::new()), |w| self.eval(w));
        let (unless, ui) = item.unless.as_ref().map_or((Value::Bool(false), Vec::new()), |u| self.eval(u));
        let (excepted, ei, exception) = self.excepted(item);
        let role = if item.binds.is_empty() {
            Value::Bool(true)
        } else {
            item.binds.iter().fold(Value::Bool(false), |acc, r| or2(&acc, &self.value(*r)))
        };
        let applicable = and2(&and2(&when, &not(&unless)), &and2(&not(&excepted), &role));
        let decided_by = |v: &Value, part: Vec<Input>, neutral: bool, inputs: &mut Vec<Input>| {
            if *v != Value::Bool(neutral) || applicable != Value::Bool(false) {
                inputs.extend(part);
            }
        };
        decided_by(&when, wi, true, &mut inputs);
        decided_by(&unless, ui, false, &mut inputs);
        decided_by(&excepted, ei, false, &mut inputs);
        decided_by(&role, item.binds.iter().map(|r| Input::Rule(*r)).collect(), true, &mut inputs);
        let live = match dates.start {
            Start::Live if !dates.ended => Value::Bool(true),
            Start::Undecided if !dates.ended => Value::Unknown,
            _ => Value::Bool(false),
        };
        let applies = and2(&applicable, &live);
        let (compliance, ci) = self.compliance(item);
        let is_prohibition = item.kind == ItemKind::Prohibition;
        let met = if is_prohibition { Value::Bool(false) } else { and2(&applies, &compliance) };
        let (status, why) = if applicable == Value::Bool(false) {
            let why = match exception {
                Some(e) => Why::Excepted(e),
                None => Why::ConditionFalse,
            };
            (Status::NotApplicable, why)
        } else {
            match (dates.start, dates.ended) {
                (Start::NotInVersion | Start::Never, _) => (Status::NotApplicable, Why::NotInVersion),
                (_, true) => (Status::NotApplicable, Why::Ended),
                (Start::Later(_), _) => (Status::NotYetApplicable, Why::StartsLater),
                (Start::Undecided, _) => (Status::Unknown, Why::Undecided),
                (Start::Live, false) => match (&applicable, is_prohibition, &compliance) {
                    (Value::Bool(true), true, _) => (Status::Violated, Why::Applies),
                    (Value::Bool(true), false, Value::Bool(true)) => (Status::Met, Why::Applies),
                    (Value::Bool(true), false, Value::Bool(false)) => (Status::NotMet, Why::Applies),
                    _ => (Status::Unknown, Why::Undecided),
                },
            }
        };
        if matches!(status, Status::Met | Status::NotMet | Status::Unknown) && applicable != Value::Bool(false) {
            inputs.extend(ci);
        }
        NormOutcome {
            status,
            why,
            applies_from: dates.from,
            applies_until: dates.until,
            applies,
            met,
            inputs: dedup(inputs),
        }
    }

    /// Whether an obligation is met: its `met when`, or deemed, or presumed met.
    fn compliance(&self, item: &Item) -> (Value, Vec<Input>) {
        let mut parts: Vec<(Value, Vec<Input>)> = Vec::new();
        if let Some(m) = &item.met {
            parts.push(self.eval(m));
        }
        for c in item.deemed.iter().chain(&item.presumed) {
            parts.push(self.eval(&c.expr));
        }
        if parts.is_empty() {
            return (Value::Unknown, Vec::new());
        }
        let value = parts.iter().fold(Value::Bool(false), |acc, (v, _)| or2(&acc, v));
        let inputs = match &value {
            Value::Bool(true) => {
                parts.into_iter().find(|(v, _)| *v == Value::Bool(true)).map(|(_, i)| i).unwrap_or_default()
            }
            // Not met or undecided: every way it could have been met, so an explanation shows the
            // stale evidence beside the missing one.
            _ => parts.into_iter().flat_map(|(_, i)| i).collect(),
        };
        (value, inputs)
    }

    /// The unknown facts and missing evidence that would decide `id`'s unknown result, found by
    /// following undecided rules down to the facts (each rule visited once).
    pub fn open_questions(&self, id: ItemId) -> BTreeSet<Input> {
        let mut out = BTreeSet::new();
        let mut seen = BTreeSet::new();
        let mut stack = vec![id];
        while let Some(r) = stack.pop() {
            if !seen.insert(r) {
                continue;
            }
            for input in self.inputs(r) {
                match input {
                    Input::Fact(f) if !self.facts.get(*f).is_known() => {
                        out.insert(*input);
                    }
                    Input::Evidence(_, EvidenceState::Missing, _) => {
                        out.insert(*input);
                    }
                    Input::Rule(other) if self.undecided(*other) => stack.push(*other),
                    _ => {}
                }
            }
        }
        out
    }

    fn undecided(&self, id: ItemId) -> bool {
        match self.outcome(id) {
            Some(o) => o.status == Status::Unknown || !o.applies.is_known(),
            None => !self.value(id).is_known(),
        }
    }

    /// The rules a result depends on, the rule itself first, then in the order they were
    /// reached (each once).
    pub fn derivation(&self, id: ItemId) -> Vec<ItemId> {
        let mut order = Vec::new();
        let mut seen = BTreeSet::new();
        let mut queue = std::collections::VecDeque::from([id]);
        while let Some(r) = queue.pop_front() {
            if !seen.insert(r) {
                continue;
            }
            order.push(r);
            for input in self.inputs(r) {
                if let Input::Rule(other) = input {
                    queue.push_back(*other);
                }
            }
        }
        order
    }

    /// The known facts among the inputs of `id`'s derivation: the facts that decided it.
    pub fn deciding_facts(&self, id: ItemId) -> BTreeMap<FactId, Value> {
        let mut out = BTreeMap::new();
        for r in self.derivation(id) {
            for input in self.inputs(r) {
                if let Input::Fact(f) = input {
                    let v = self.facts.get(*f);
                    if v.is_known() {
                        out.insert(*f, v.clone());
                    }
                }
            }
        }
        out
    }
}

/// The inputs without repeats, in the order first given.
fn dedup(mut inputs: Vec<Input>) -> Vec<Input> {
    if inputs.len() <= 32 {
        let mut seen: Vec<Input> = Vec::with_capacity(inputs.len());
        inputs.retain(|i| {
            let new = !seen.contains(i);
            if new {
                seen.push(*i);
            }
            new
        });
    } else {
        let mut seen = BTreeSet::new();
        inputs.retain(|i| seen.insert(*i));
    }
    inputs
}

/// When a norm (or an exception) starts applying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    /// It has started.
    Live,
    /// It starts on a later date.
    Later(Date),
    /// The facts do not decide whether it has started.
    Undecided,
    /// None of its dates applies to this case.
    Never,
    /// The version in force does not contain it.
    NotInVersion,
}

struct Dates {
    start: Start,
    from: Option<Date>,
    until: Option<Date>,
    ended: bool,
    inputs: Vec<Input>,
}

#[cfg(test)]
mod tests;
