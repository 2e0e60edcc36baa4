//! `norma graph`: the dependency graph of facts and rules, as Graphviz DOT or Mermaid, optionally
//! coloured by the outcomes for one system.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::assess::{EvalOptions, Lang, emit, load_engine, read_facts, setup, usage};
use super::err;

/// The arguments of `norma graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Draw only this instrument's rules (e.g. `eu.ai_act`, all its part files included), with
    /// the facts and the rules of other modules they use (drawn dashed, as lying outside).
    #[arg(long, value_name = "ID")]
    instrument: Option<String>,
    /// `dot` (Graphviz: `dot -Tsvg graph.dot > graph.svg`) or `mermaid` (a flowchart for
    /// Markdown pages).
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    format: GraphFormat,
    /// A facts file (YAML): colour each node by its outcome for that system.
    #[arg(long, value_name = "FILE")]
    facts: Option<PathBuf>,
    /// With `--facts`: the assessment date (YYYY-MM-DD); default: today (UTC).
    #[arg(long, value_name = "DATE", requires = "facts")]
    as_of: Option<String>,
    /// Language of the legend and of the titles shown as tooltips.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    lang: Lang,
    /// Policy files or folders to use instead of the shipped ones.
    #[arg(long, value_name = "DIR")]
    policies: Vec<PathBuf>,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Output format of `norma graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
}

/// Runs `norma graph`.
pub fn run(args: &GraphArgs) -> u8 {
    let format = match args.format {
        GraphFormat::Dot => norma::graph::Format::Dot,
        GraphFormat::Mermaid => norma::graph::Format::Mermaid,
    };
    let options = norma::graph::Options { format, module: args.instrument.as_deref(), lang: args.lang.code() };
    let drawn = match &args.facts {
        None => match load_engine(&args.policies) {
            Ok(engine) => norma::graph::render(engine.policy(), engine.sources(), None, &options),
            Err(code) => return code,
        },
        Some(path) => {
            let eval_options = EvalOptions {
                as_of: args.as_of.clone(),
                jurisdiction: vec!["all".into()],
                role: Vec::new(),
                lang: args.lang,
                policies: args.policies.clone(),
            };
            let (mut engine, assess_options) = match setup(&eval_options) {
                Ok(ready) => ready,
                Err(code) => return code,
            };
            let facts = match read_facts(&mut engine, path) {
                Ok(facts) => facts,
                Err(code) => return code,
            };
            let ev = engine.evaluate(&facts, &assess_options);
            norma::graph::render(engine.policy(), engine.sources(), Some(&ev), &options)
        }
    };
    let drawing = match drawn {
        Ok(d) => d,
        Err(e) => return usage(format!("{e}")),
    };
    if format == norma::graph::Format::Mermaid && drawing.edges > norma::graph::MERMAID_MAX_EDGES {
        err(&format!(
            "note: this graph has {} arrows; Mermaid draws at most {} unless its `maxEdges` setting is raised. \
             Draw one instrument (`--instrument ID`) or use `--format dot`.\n",
            drawing.edges,
            norma::graph::MERMAID_MAX_EDGES
        ));
    }
    emit(&drawing.text, args.out.as_deref())
}
