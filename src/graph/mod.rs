//! The rule graph drawn for people: facts, definitions, roles, exceptions, evidence kinds and
//! norms, with an arrow from each to the rules it helps decide, as Graphviz DOT or a Mermaid
//! flowchart.
//!
//! [`render`] chooses the nodes (every one, or one module's rules with the facts and rules of
//! other modules they use), groups them (module, part file and article; facts by the first segment
//! of their name), paints them by kind or, given an evaluation, by outcome, and writes the chosen
//! format with a legend. Everything is sorted, so the same policies and facts give the same bytes.

mod cite;
mod dot;
mod mermaid;
mod style;
mod view;

use crate::eval::Evaluator;
use crate::model::{ModuleId, Policy};
use crate::source::Sources;

/// Mermaid's default limit on the edges of one diagram (its `maxEdges` setting); larger
/// diagrams are refused by renderers that keep the default.
pub const MERMAID_MAX_EDGES: usize = 500;

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
    /// A Mermaid `flowchart`.
    Mermaid,
}

/// What to draw and how.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The format.
    pub format: Format,
    /// Draw only this module's rules (an instrument such as `eu.ai_act`, with all its parts, or
    /// a guidance or vocabulary module) with the facts and rules they use; `None`: everything.
    pub module: Option<&'a str>,
    /// The language of the legend and of the titles shown as tooltips (`en`, `ko`).
    pub lang: &'a str,
}

/// A drawing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawing {
    /// The DOT or Mermaid text.
    pub text: String,
    /// How many facts and rules it shows.
    pub nodes: usize,
    /// How many arrows it has.
    pub edges: usize,
}

/// The module asked for is not among the policies loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownModule {
    /// The id asked for.
    pub id: String,
    /// The ids of the modules loaded, sorted.
    pub known: Vec<String>,
}

impl std::fmt::Display for UnknownModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no policy loaded is called `{}`", self.id)?;
        match crate::diagnostics::did_you_mean_help(&self.id, self.known.iter().map(String::as_str)) {
            Some(hint) => write!(f, "; {hint}"),
            None => write!(f, "; the policies loaded are: {}", self.known.join(", ")),
        }
    }
}

impl std::error::Error for UnknownModule {}

/// Draws the rule graph of `policy` (whose files are in `sources`, for the part each rule is
/// declared in). With `evaluation`, nodes are coloured by outcome: norms by status, definitions,
/// roles and exceptions by whether they hold, facts and evidence by whether the facts give them.
pub fn render(
    policy: &Policy,
    sources: &Sources,
    evaluation: Option<&Evaluator<'_>>,
    options: &Options<'_>,
) -> Result<Drawing, UnknownModule> {
    let module = match options.module {
        None => None,
        Some(id) => Some(find_module(policy, id)?),
    };
    let words = style::Words::new(options.lang);
    let title = title(policy, module, evaluation, &words);
    let legend = words.legend();
    let scope = view::Scope { module, evaluation, words };
    let view = view::build(policy, sources, &scope);
    let text = match options.format {
        Format::Dot => dot::write(&view, &title, legend),
        Format::Mermaid => mermaid::write(&view, &title, legend),
    };
    Ok(Drawing { text, nodes: view.nodes, edges: view.edges.len() })
}

fn find_module(policy: &Policy, id: &str) -> Result<ModuleId, UnknownModule> {
    policy.modules.iter().position(|m| m.id == id).map(|i| ModuleId(i as u32)).ok_or_else(|| {
        let mut known: Vec<String> = policy.modules.iter().map(|m| m.id.clone()).collect();
        known.sort();
        UnknownModule { id: id.to_string(), known }
    })
}

/// `Rule graph: eu.ai_act — as of 2026-11-26`.
fn title(
    policy: &Policy,
    module: Option<ModuleId>,
    evaluation: Option<&Evaluator<'_>>,
    words: &style::Words,
) -> String {
    let mut title = words.title().to_string();
    if let Some(m) = module.and_then(|m| policy.module(m)) {
        title.push_str(&format!(": {}", m.id));
    }
    if let Some(ev) = evaluation {
        title.push_str(&words.as_of(&ev.as_of().to_string()));
    }
    title
}
