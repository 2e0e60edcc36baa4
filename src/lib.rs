//! Norma: a policy-as-code engine for AI regulation.
//!
//! The pipeline runs one way: [`syntax`] (parse) → [`check`] (resolve and check) → evaluation →
//! reports. Each stage reports [`diagnostics::Diagnostic`]s with stable codes and spans into
//! [`source::Sources`]. The library never touches the terminal or the file system; the `norma`
//! binary does.

pub mod ask;
pub mod check;
pub mod diagnostics;
pub mod diff;
pub mod embedded;
mod engine;
pub mod eval;
pub mod facts;
pub mod format;
pub mod graph;
pub mod ledger;
pub mod limits;
pub mod model;
pub mod outcome;
pub mod portfolio;
mod prechecked;
pub mod procurement;
pub mod report;
pub mod source;
pub mod standards;
pub mod syntax;
pub mod testing;
pub mod value;

use diagnostics::Diagnostic;
use model::Policy;
use source::Sources;

/// Parses and checks every file in `sources` as one policy set. Returns the checked policy and
/// every diagnostic (syntax and checking), sorted by file and position.
pub fn check_sources(sources: &Sources) -> (Policy, Vec<Diagnostic>) {
    check_sources_with(sources, &limits::Limits::default())
}

/// [`check_sources`] within `limits`: file size, rules, evaluation steps and imports.
pub fn check_sources_with(sources: &Sources, limits: &limits::Limits) -> (Policy, Vec<Diagnostic>) {
    let mut modules = Vec::new();
    let mut diags = Vec::new();
    let mut broken = Vec::new();
    for (id, file) in sources.iter() {
        let parsed = syntax::parse_limited(id, &file.text, limits.file_bytes);
        modules.extend(parsed.module);
        diags.extend(parsed.diags);
        broken.extend(parsed.broken);
    }
    let (policy, more) = check::check(sources, modules, &broken);
    diags.extend(more);
    diags.extend(check::bounds::check(&policy, limits));
    diagnostics::sort(&mut diags);
    (policy, diagnostics::cap_per_file(diags, limits::MAX_DIAGNOSTICS_PER_FILE))
}

pub use engine::{AssessOptions, Engine, FactsFile};
