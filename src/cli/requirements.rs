//! `norma requirements`: tender requirements from a procurement profile.

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use norma::diagnostics;
use norma::procurement::response;
use norma::procurement::table::{self, Words};

use super::assess::{Lang, emit, load_engine, read_text, template_overrides, usage};
use super::files::write_atomic_bytes;
use super::{OK, USAGE, err};

/// Output format of `requirements`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReqFormat {
    /// The requirements annex in Markdown.
    Md,
    /// The requirements annex as one self-contained HTML page (prints on A4).
    Html,
    /// The `norma.requirements/v1` document.
    Json,
    /// The annex as an XLSX workbook with the response form (needs `--out`).
    Xlsx,
    /// One CSV row per requirement, the supplier's then the buyer's.
    Csv,
    /// The supplier's response form (`norma.response/v1` YAML) to fill in.
    Response,
}

/// `norma requirements`.
pub fn requirements(
    profile: &Path,
    format: ReqFormat,
    lang: Lang,
    out_file: Option<&Path>,
    policies: &[PathBuf],
    templates_dir: Option<&Path>,
) -> u8 {
    let mut engine = match load_engine(policies) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let templates = match template_overrides(templates_dir) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let text = match read_text(profile) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let (facts, profile) = match engine.load_profile(&profile.display().to_string(), &text) {
        Ok(x) => x,
        Err(diags) => {
            let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
            err(&diagnostics::render_human(engine.sources(), &diags, colour));
            return USAGE;
        }
    };
    let known = engine.jurisdictions();
    if let Some(j) = profile.jurisdictions.iter().find(|j| !known.iter().any(|k| k.eq_ignore_ascii_case(j))) {
        let list: Vec<&str> = known.iter().map(String::as_str).collect();
        return usage(format!("no policy covers the jurisdiction `{j}` of the profile; known: {}", list.join(", ")));
    }
    let pack = norma::procurement::HIGH_SAFETY_PACK;
    if profile.safety_level == "high-safety" && !engine.policy().modules.iter().any(|m| m.id == pack) {
        return usage(format!(
            "`safety_level: high-safety` needs the guidance `{pack}`, which the loaded policies lack"
        ));
    }
    let requirements = norma::procurement::derive(&engine, &facts, &profile, lang.code());
    // The same catalog the templates use, so that `--templates DIR` overrides both.
    let words = match templates.catalog(lang.code()) {
        Ok(c) => Words::new(c),
        Err(e) => return usage(e.to_string()),
    };
    let text = match format {
        ReqFormat::Json => serde_json::to_string_pretty(&requirements).unwrap_or_default() + "\n",
        ReqFormat::Md | ReqFormat::Html => {
            let annex =
                if format == ReqFormat::Md { norma::report::Format::Markdown } else { norma::report::Format::Html };
            match norma::report::render_requirements(&requirements, annex, &templates) {
                Ok(t) => t,
                Err(e) => return usage(e.to_string()),
            }
        }
        ReqFormat::Csv => match table::csv(&requirements, &words) {
            Ok(t) => t,
            Err(e) => return usage(e),
        },
        ReqFormat::Response => response::form(&requirements, &words),
        ReqFormat::Xlsx => {
            let Some(path) = out_file else {
                return usage(
                    "an XLSX workbook is binary and is not written to standard output; give `--out FILE.xlsx`".into(),
                );
            };
            let bytes = match norma::procurement::xlsx::xlsx(&requirements, &words) {
                Ok(b) => b,
                Err(e) => return usage(e),
            };
            return match write_atomic_bytes(path, &bytes) {
                Ok(()) => OK,
                Err(e) => usage(format!("cannot write `{}`: {e}", path.display())),
            };
        }
    };
    emit(&text, out_file)
}
