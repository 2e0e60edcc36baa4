//! `norma diff`: what changed between two assessments of one system, for people (Markdown) and
//! tools (JSON); exits 1 when something regressed, for CI. Also reads the earlier assessment that
//! `norma assess --previous` compares with.

use std::path::Path;

use clap::ValueEnum;

use norma::diff::{MAX_ASSESSMENT_BYTES, Snapshot};

use super::assess::{Lang, emit, usage};
use super::{FINDINGS, OK};

/// Output format of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// The comparison in Markdown.
    Md,
    /// The `norma.diff/v1` document.
    Json,
}

/// Reads a `norma.assessment/v1` document, within the size limit; any problem is a usage error
/// naming the file.
pub(super) fn read_assessment(path: &Path) -> Result<Snapshot, u8> {
    let name = path.display();
    let meta = std::fs::metadata(path).map_err(|e| usage(format!("cannot read `{name}`: {e}")))?;
    if meta.len() > MAX_ASSESSMENT_BYTES as u64 {
        return Err(usage(format!(
            "`{name}` is {} bytes; assessments are limited to {MAX_ASSESSMENT_BYTES} bytes",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| usage(format!("cannot read `{name}`: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| usage(format!("`{name}` is not UTF-8 text")))?;
    Snapshot::from_json(&text).map_err(|e| usage(format!("`{name}` cannot be compared: {e}")))
}

/// `norma diff`.
pub fn run(old: &Path, new: &Path, format: DiffFormat, lang: Lang, out_file: Option<&Path>) -> u8 {
    let before = match read_assessment(old) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let after = match read_assessment(new) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let diff = norma::diff::compare(&before, &after, lang.code());
    let text = match format {
        DiffFormat::Json => serde_json::to_string_pretty(&diff).unwrap_or_default() + "\n",
        DiffFormat::Md => {
            match norma::report::render_diff(&diff, &norma::report::Templates::default().within(super::limits())) {
                Ok(t) => t,
                Err(e) => return usage(e.to_string()),
            }
        }
    };
    let code = emit(&text, out_file);
    if code != OK {
        return code;
    }
    if diff.regressed { FINDINGS } else { OK }
}
