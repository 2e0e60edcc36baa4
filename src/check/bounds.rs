//! The size limits of a checked policy set ([`Limits`]): rules, expression steps, imports and
//! the depth of the import chain. Each excess is one error with the limit's name, so the user
//! knows which `--limit` to raise.

use crate::diagnostics::{Code, Diagnostic};
use crate::limits::Limits;
use crate::model::{Expr, ExprKind, Policy};

/// Errors for every limit the policy set exceeds.
pub fn check(policy: &Policy, limits: &Limits) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let at = policy.modules.first().map(|m| m.span);
    let mut exceeds = |what: String, name: &str| {
        let help = format!("if the policy set is meant to be this large, raise the limit: `--limit {name}=N`");
        diags.push(match at {
            Some(span) => Diagnostic::error(Code::TooLarge, span, what).label("in this policy set").help(help),
            None => Diagnostic::general(Code::TooLarge, what).help(help),
        });
    };
    let rules = policy.items.len() + policy.facts.len();
    if rules > limits.rules {
        exceeds(format!("the policy set declares {rules} rules and facts; the limit is {}", limits.rules), "rules");
    }
    let steps = steps(policy);
    if steps > limits.steps {
        exceeds(
            format!("assessing this policy set would take {steps} evaluation steps; the limit is {}", limits.steps),
            "steps",
        );
    }
    let imports: usize = policy.modules.iter().map(|m| m.uses.len()).sum();
    if imports > limits.imports {
        exceeds(format!("the policy set has {imports} imports (`use`); the limit is {}", limits.imports), "imports");
    }
    let depth = import_depth(policy);
    if depth > limits.import_depth {
        exceeds(
            format!(
                "imports are chained {depth} modules deep (`use` of a module that uses another …); the limit is {}",
                limits.import_depth
            ),
            "import-depth",
        );
    }
    diags
}

/// The expression nodes of every rule: each rule is evaluated once per assessment, so this is
/// the number of steps one assessment takes (counted without recursion).
pub fn steps(policy: &Policy) -> usize {
    let mut stack: Vec<&Expr> = Vec::new();
    for item in &policy.items {
        stack.extend(
            [&item.when, &item.unless, &item.value, &item.gives, &item.met, &item.valid_for].into_iter().flatten(),
        );
        stack.extend(item.deemed.iter().chain(&item.presumed).map(|c| &c.expr));
        stack.extend(item.from.iter().chain(&item.until).filter_map(|d| d.condition.as_ref()));
    }
    let mut count = 0usize;
    while let Some(e) = stack.pop() {
        count += 1;
        match &e.kind {
            ExprKind::Set(xs) | ExprKind::And(xs) | ExprKind::Or(xs) => stack.extend(xs),
            ExprKind::Evidence { max_age, .. } => stack.extend(max_age.as_deref()),
            ExprKind::Not(x) | ExprKind::Neg(x) | ExprKind::IsKnown(x) => stack.push(x),
            ExprKind::Binary(_, a, b) => stack.extend([a.as_ref(), b.as_ref()]),
            _ => {}
        }
    }
    count
}

/// The longest chain of imports, in modules (a module that imports nothing: 1). A cycle of
/// imports is counted once around. Computed without recursion.
pub fn import_depth(policy: &Policy) -> usize {
    let n = policy.modules.len();
    // 0: not visited, 1: on the path, 2: done.
    let mut state = vec![0u8; n];
    let mut depth = vec![1usize; n];
    for root in 0..n {
        if state.get(root) != Some(&0) {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        if let Some(s) = state.get_mut(root) {
            *s = 1;
        }
        while let Some((m, next)) = stack.pop() {
            let uses = policy.modules.get(m).map_or(&[][..], |module| module.uses.as_slice());
            if let Some(used) = uses.get(next) {
                stack.push((m, next + 1));
                let u = used.0 as usize;
                if state.get(u) == Some(&0) {
                    if let Some(s) = state.get_mut(u) {
                        *s = 1;
                    }
                    stack.push((u, 0));
                }
                continue;
            }
            let d = 1 + uses
                .iter()
                .filter(|u| state.get(u.0 as usize) == Some(&2))
                .filter_map(|u| depth.get(u.0 as usize))
                .max()
                .copied()
                .unwrap_or(0);
            if let Some(slot) = depth.get_mut(m) {
                *slot = d;
            }
            if let Some(s) = state.get_mut(m) {
                *s = 2;
            }
        }
    }
    depth.into_iter().max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use crate::limits::Limits;
    use crate::source::Sources;

    fn policy(files: &[&str]) -> crate::model::Policy {
        let mut sources = Sources::new();
        for (i, text) in files.iter().enumerate() {
            sources.add(format!("{i}.norma"), *text);
        }
        crate::check_sources(&sources).0
    }

    #[test]
    fn import_chains_are_measured_without_looping_on_cycles() {
        let chain = policy(&["vocabulary a\nuse b\n", "vocabulary b\nuse c\n", "vocabulary c\n"]);
        assert_eq!(super::import_depth(&chain), 3);
        let cycle = policy(&["vocabulary a\nuse b\n", "vocabulary b\nuse a\n"]);
        assert_eq!(super::import_depth(&cycle), 2);
        let limits = Limits { import_depth: 2, ..Limits::default() };
        let diags = super::check(&chain, &limits);
        assert!(diags.iter().any(|d| d.message.contains("chained 3 modules deep")), "{diags:?}");
    }

    #[test]
    fn steps_count_every_expression_node() {
        let p = policy(&["vocabulary a\n\nfact x : bool\n\ndefine d\n  = x and not x\n"]);
        assert_eq!(super::steps(&p), 4, "and, x, not, x");
        let limits = Limits { steps: 3, rules: 1, ..Limits::default() };
        let messages: Vec<String> = super::check(&p, &limits).into_iter().map(|d| d.message).collect();
        assert!(messages.iter().any(|m| m.contains("4 evaluation steps; the limit is 3")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("declares 2 rules and facts; the limit is 1")), "{messages:?}");
    }
}
