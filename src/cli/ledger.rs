//! `norma ledger`: what each instrument's rules encode, provision by provision.

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use norma::diagnostics::did_you_mean_help;
use norma::model::ModuleId;

use super::assess::{Lang, emit, load_engine, usage};

/// Output format of `ledger`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LedgerFormat {
    /// Markdown, one document per instrument in turn.
    Md,
    /// The `norma.ledger/v1` document.
    Json,
}

/// `norma ledger`.
pub fn run(
    instrument: Option<&str>,
    format: LedgerFormat,
    lang: Lang,
    policies: &[PathBuf],
    out_file: Option<&Path>,
) -> u8 {
    let engine = match load_engine(policies) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let policy = engine.policy();
    let known = norma::ledger::instruments(policy);
    let chosen: Vec<ModuleId> = match instrument {
        None => known.iter().map(|(id, _)| *id).collect(),
        Some(name) => match known.iter().find(|(_, id)| *id == name) {
            Some((id, _)) => vec![*id],
            None => {
                let names: Vec<&str> = known.iter().map(|(_, n)| *n).collect();
                let hint = did_you_mean_help(name, names.iter().copied())
                    .unwrap_or_else(|| format!("the instruments loaded are: {}", names.join(", ")));
                return usage(format!("no instrument `{name}` is among the loaded policies; {hint}"));
            }
        },
    };
    let ledger = norma::ledger::ledger(policy, engine.sources(), &chosen, lang.code());
    let text = match format {
        LedgerFormat::Json => serde_json::to_string_pretty(&ledger).unwrap_or_default() + "\n",
        LedgerFormat::Md => {
            match norma::report::render_ledger(&ledger, &norma::report::Templates::default().within(super::limits())) {
                Ok(t) => t,
                Err(e) => return usage(e.to_string()),
            }
        }
    };
    emit(&text, out_file)
}
