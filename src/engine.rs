//! The library's front door: load a policy set, load the facts of a system, assess, get the
//! outcome model. Usable without the command line.
//!
//! ```
//! let mut engine = norma::Engine::embedded().expect("the shipped policies check clean");
//! let facts = engine.load_facts("system.yaml", "system:\n  use_cases: [recruitment_selection]\n").expect("valid facts");
//! let options = norma::AssessOptions::new(jiff::civil::date(2026, 11, 26));
//! let assessment = engine.assess(&facts, &options);
//! assert_eq!(assessment.schema, "norma.assessment/v1");
//! ```

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use sha2::{Digest, Sha256};

use crate::diagnostics::{Diagnostic, Severity};
use crate::eval::{Evaluator, Options, Results};
use crate::facts::Facts;
use crate::limits::Limits;
use crate::model::Policy;
use crate::outcome::{self, Assessment, Context, InstrumentVersion, Provenance, pick};
use crate::source::Sources;
use crate::syntax::ast::ModuleKind;
use crate::value::Value;

/// A checked policy set, ready to assess systems.
pub struct Engine {
    sources: Sources,
    policy: Policy,
    policies_sha256: String,
    warnings: Vec<Diagnostic>,
    limits: Limits,
}

/// A facts file read and validated.
#[derive(Debug, Clone)]
pub struct FactsFile {
    /// The name it was loaded under.
    pub name: String,
    /// Its facts.
    pub facts: Facts,
    /// SHA-256 of its text.
    pub sha256: String,
    /// The filled response form whose evidence was added to the facts, if any.
    pub responses: Option<crate::outcome::ResponsesProvenance>,
}

/// How to assess.
#[derive(Debug, Clone)]
pub struct AssessOptions {
    /// The assessment date.
    pub as_of: Date,
    /// Report language (`en`, `ko`).
    pub lang: String,
    /// Jurisdiction codes to include (upper case); empty: all.
    pub jurisdictions: BTreeSet<String>,
    /// Role names to assess in; empty: decided by the facts.
    pub roles: BTreeSet<String>,
}

impl AssessOptions {
    /// English, every jurisdiction, roles from the facts.
    pub fn new(as_of: Date) -> Self {
        AssessOptions { as_of, lang: "en".into(), jurisdictions: BTreeSet::new(), roles: BTreeSet::new() }
    }
}

fn sha256(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of the policy files in `sources`: their names and texts, in name order.
pub(crate) fn sources_sha256(sources: &Sources) -> String {
    let mut files: Vec<(&str, &str)> = sources.iter().map(|(_, f)| (f.name.as_str(), &*f.text)).collect();
    files.sort();
    let mut parts: Vec<&[u8]> = Vec::new();
    for (name, text) in &files {
        parts.extend([name.as_bytes(), b"\0", text.as_bytes(), b"\0"]);
    }
    sha256(&parts)
}

impl Engine {
    /// Checks the policy files in `sources`. Errors stop the engine (they are returned with the
    /// sources, to render them); warnings are kept.
    pub fn from_sources(sources: Sources) -> Result<Engine, (Sources, Vec<Diagnostic>)> {
        Engine::from_sources_with(sources, Limits::default())
    }

    /// [`Engine::from_sources`] within `limits`, which also bound the facts files it reads.
    pub fn from_sources_with(sources: Sources, limits: Limits) -> Result<Engine, (Sources, Vec<Diagnostic>)> {
        let (policy, diags) = crate::check_sources_with(&sources, &limits);
        if diags.iter().any(|d| d.severity == Severity::Error) {
            return Err((sources, diags));
        }
        let policies_sha256 = sources_sha256(&sources);
        Ok(Engine { sources, policy, policies_sha256, warnings: diags, limits })
    }

    /// The policy set shipped in the binary.
    pub fn embedded() -> Result<Engine, (Sources, Vec<Diagnostic>)> {
        Engine::embedded_with(Limits::default())
    }

    /// [`Engine::embedded`] within `limits`. With the default limits it starts from the policy
    /// checked ahead of time (`crate::prechecked`) when that matches the shipped files, which
    /// gives the same engine as checking them, faster.
    pub fn embedded_with(limits: Limits) -> Result<Engine, (Sources, Vec<Diagnostic>)> {
        let mut sources = Sources::new();
        crate::embedded::add_to(&mut sources);
        if limits == Limits::default() {
            let policies_sha256 = sources_sha256(&sources);
            if let Some(policy) = crate::prechecked::load(&policies_sha256) {
                return Ok(Engine { sources, policy, policies_sha256, warnings: Vec::new(), limits });
            }
        }
        Engine::from_sources_with(sources, limits)
    }

    /// The limits it runs within.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The checked policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The sources (policy files, then the facts files loaded), for rendering diagnostics.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// Warnings found while checking the policies.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Reads and validates a facts file.
    pub fn load_facts(&mut self, name: &str, text: &str) -> Result<FactsFile, Vec<Diagnostic>> {
        let file = self.sources.add(name, text);
        let facts = crate::facts::load_with(&self.sources, file, &self.policy, &[], &self.limits)?;
        Ok(FactsFile { name: name.to_string(), facts, sha256: sha256(&[text.as_bytes()]), responses: None })
    }

    /// Reads and validates a facts file without adding it to the engine's sources, so that many
    /// can be read at once from several threads. The sources returned hold that file alone: render
    /// its diagnostics with them.
    pub fn read_facts(&self, name: &str, text: &str) -> (Sources, Result<FactsFile, Vec<Diagnostic>>) {
        let mut sources = Sources::new();
        let file = sources.add(name, text);
        let facts = crate::facts::load_with(&sources, file, &self.policy, &[], &self.limits).map(|facts| FactsFile {
            name: name.to_string(),
            facts,
            sha256: sha256(&[text.as_bytes()]),
            responses: None,
        });
        (sources, facts)
    }

    /// SHA-256 of the policy sources (file names and texts, in name order).
    pub fn policies_sha256(&self) -> &str {
        &self.policies_sha256
    }

    /// Reads and validates a procurement profile: the facts about the system to buy, and the
    /// `procurement` section.
    pub fn load_profile(
        &mut self,
        name: &str,
        text: &str,
    ) -> Result<(FactsFile, crate::procurement::Profile), Vec<Diagnostic>> {
        let file = self.sources.add(name, text);
        let facts = crate::facts::load_with(
            &self.sources,
            file,
            &self.policy,
            &[crate::procurement::profile::SECTION],
            &self.limits,
        );
        let profile = crate::procurement::profile::load(&self.sources, file);
        match (facts, profile) {
            (Ok(facts), Ok(profile)) => Ok((
                FactsFile { name: name.to_string(), facts, sha256: sha256(&[text.as_bytes()]), responses: None },
                profile,
            )),
            (facts, profile) => {
                Err(facts.err().into_iter().flatten().chain(profile.err().into_iter().flatten()).collect())
            }
        }
    }

    /// Reads a filled supplier response form: an XLSX annex (recognised by its ZIP signature) or a
    /// `norma.response/v1` YAML form. Problems are reported with the file and row.
    pub fn load_responses(
        &mut self,
        name: &str,
        bytes: &[u8],
    ) -> Result<crate::procurement::response::Responses, Vec<Diagnostic>> {
        let hash = sha256(&[bytes]);
        let with_hash = |mut r: crate::procurement::response::Responses| {
            r.file = name.to_string();
            r.sha256.clone_from(&hash);
            r
        };
        if bytes.starts_with(b"PK\x03\x04") {
            return crate::procurement::response::read_xlsx(name, bytes, &self.policy).map(with_hash);
        }
        let text = std::str::from_utf8(bytes).map_err(|_| {
            vec![Diagnostic::general(
                crate::diagnostics::Code::ResponseForm,
                format!("`{name}` is neither an XLSX workbook nor UTF-8 text"),
            )]
        })?;
        let file = self.sources.add(name, text);
        crate::procurement::response::read_yaml(&self.sources, file, &self.policy).map(with_hash)
    }

    /// Evaluates every rule for `facts` (for explanations and tools).
    pub fn evaluate<'a>(&'a self, facts: &'a FactsFile, options: &AssessOptions) -> Evaluator<'a> {
        Evaluator::run(
            &self.policy,
            &facts.facts,
            &Options { as_of: options.as_of, roles: options.roles.clone(), traces: true },
        )
    }

    /// Evaluates every rule without traces: the same values and statuses as [`Engine::evaluate`],
    /// but no rule keeps a record of what decided it (a norm's outcome still does). For callers
    /// that need only the values (batch checks, benchmarks).
    pub fn evaluate_values<'a>(&'a self, facts: &'a FactsFile, options: &AssessOptions) -> Evaluator<'a> {
        Evaluator::run(
            &self.policy,
            &facts.facts,
            &Options { as_of: options.as_of, roles: options.roles.clone(), traces: false },
        )
    }

    /// Assesses a system and returns the outcome model.
    pub fn assess(&self, facts: &FactsFile, options: &AssessOptions) -> Assessment {
        self.assessment(&self.evaluate(facts, options), facts, options)
    }

    /// Assesses a system again after its facts changed from `before` to `after`, given the
    /// results kept from assessing `before` with the same options: only the rules the changed
    /// facts and evidence reach are evaluated again. Returns the outcome model and the results to
    /// keep for the next change. Results computed with other options are ignored (everything is
    /// evaluated).
    pub fn reassess(
        &self,
        before: &FactsFile,
        after: &FactsFile,
        options: &AssessOptions,
        kept: Results,
    ) -> (Assessment, Results) {
        let eval_options = Options { as_of: options.as_of, roles: options.roles.clone(), traces: true };
        let ev = if kept.computed_with(&eval_options) {
            Evaluator::rerun(&self.policy, &after.facts, kept, before.facts.differences(&after.facts))
        } else {
            Evaluator::run(&self.policy, &after.facts, &eval_options)
        };
        (self.assessment(&ev, after, options), ev.into_results())
    }

    /// Assesses a system and keeps the results, for [`Engine::reassess`].
    pub fn assess_keeping(&self, facts: &FactsFile, options: &AssessOptions) -> (Assessment, Results) {
        let ev = self.evaluate(facts, options);
        (self.assessment(&ev, facts, options), ev.into_results())
    }

    fn assessment(&self, ev: &Evaluator<'_>, facts: &FactsFile, options: &AssessOptions) -> Assessment {
        let system_name = self.policy.facts.iter().position(|f| f.name == "system.name").and_then(|i| {
            match facts.facts.get(crate::model::FactId(i as u32)) {
                Value::Text(t) => Some(t.clone()),
                _ => None,
            }
        });
        let context = Context {
            lang: options.lang.clone(),
            jurisdictions: options.jurisdictions.clone(),
            roles: options.roles.clone(),
            provenance: self.provenance(ev, facts, &options.lang),
        };
        outcome::build(ev, &context, system_name)
    }

    /// The norms of the guidance module `module` for `facts` (see [`outcome::guidance_norms`]).
    pub fn guidance_norms(&self, facts: &FactsFile, options: &AssessOptions, module: &str) -> Vec<outcome::Norm> {
        outcome::guidance_norms(&self.evaluate(facts, options), &options.lang, module)
    }

    fn provenance(&self, ev: &Evaluator<'_>, facts: &FactsFile, lang: &str) -> Provenance {
        let instruments = self
            .policy
            .modules
            .iter()
            .enumerate()
            .filter(|(_, m)| m.kind == ModuleKind::Instrument)
            .map(|(i, m)| {
                let version = ev.version(crate::model::ModuleId(i as u32)).map(str::to_string);
                let entry = m.versions.iter().find(|(n, _, _)| Some(n) == version.as_ref());
                InstrumentVersion {
                    id: m.id.clone(),
                    title: pick(&m.titles, lang, version.as_deref()),
                    jurisdiction: m.jurisdiction.clone(),
                    version_label: entry.map(|(_, l, _)| l.clone()),
                    in_force: entry.map(|(_, _, d)| d.to_string()),
                    version,
                    source: m.source.clone(),
                    notes: crate::outcome::pick_all(&m.notes, lang),
                    informative: m.informative,
                }
            })
            .collect();
        Provenance {
            engine: format!("norma {}", env!("CARGO_PKG_VERSION")),
            policies_sha256: self.policies_sha256.clone(),
            facts_sha256: facts.sha256.clone(),
            facts_file: facts.name.clone(),
            instruments,
            responses: facts.responses.as_ref().map(|r| {
                let mut r = r.clone();
                r.same_policies = r.policies_sha256.as_ref().map(|p| *p == self.policies_sha256);
                r
            }),
        }
    }

    /// Where the facts file gives each fact (`system.use_cases`) and piece of evidence
    /// (`evidence.NAME`): 1-based line and column of its key.
    pub fn fact_places(&self, facts: &FactsFile) -> BTreeMap<String, (usize, usize)> {
        let place = |span: &crate::source::Span| self.sources.get(span.file).map(|f| f.line_col(span.start));
        let facts_given = facts
            .facts
            .places
            .iter()
            .filter_map(|(fid, span)| Some((self.policy.fact(*fid)?.name.clone(), place(span)?)));
        let evidence_given = facts
            .facts
            .evidence_places
            .iter()
            .filter_map(|(item, span)| Some((format!("evidence.{}", self.policy.item(*item)?.name), place(span)?)));
        facts_given.chain(evidence_given).collect()
    }

    /// The jurisdiction codes of the instruments.
    pub fn jurisdictions(&self) -> BTreeSet<String> {
        self.policy.modules.iter().filter_map(|m| m.jurisdiction.clone()).collect()
    }

    /// The role names declared.
    pub fn roles(&self) -> BTreeSet<String> {
        self.policy
            .items
            .iter()
            .filter(|i| i.kind == crate::syntax::ast::ItemKind::Role)
            .map(|i| i.name.clone())
            .collect()
    }
}

// A portfolio run shares one engine between threads.
const _: () = {
    const fn shared<T: Send + Sync>() {}
    shared::<Engine>();
};
