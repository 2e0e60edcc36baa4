//! The `norma` command line: the only part of Norma that touches the terminal, files and exit
//! codes.

mod check;
mod files;
mod fmt;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Policy-as-code for AI regulation: rules lawyers can read, checked and evaluated against facts
/// about an AI system.
#[derive(Debug, Parser)]
#[command(name = "norma", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check policy files for errors: unknown names, type errors, cycles, missing citations, …
    ///
    /// With no paths, checks the policy set shipped in the binary. Exit codes: 0 no findings,
    /// 1 errors or warnings found, 2 usage error or unreadable input.
    Check {
        /// Policy files or folders (folders are searched for `.norma` files).
        paths: Vec<PathBuf>,
        /// Output for people (`human`) or tools (`json`).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Colour in human output.
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
    /// Rewrite policy files in the canonical layout (comments are kept).
    ///
    /// With `--check`, only report files that are not formatted (exit 1). Exit 2 on unreadable
    /// input. Files are rewritten atomically.
    Fmt {
        /// Policy files or folders (default: the current folder).
        paths: Vec<PathBuf>,
        /// Report unformatted files instead of rewriting them.
        #[arg(long)]
        check: bool,
    },
}

/// Output format of diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source excerpts with the problem underlined.
    Human,
    /// A `norma.diagnostics/v1` JSON document.
    Json,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// When writing to a terminal.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl Color {
    fn enabled(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }
}

/// Writes to standard output. A closed pipe (`norma check | head`) is not an error worth a
/// panic: the rest of the output is dropped.
fn out(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Writes to standard error, ignoring a closed stream.
fn err(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Exit code: no findings.
const OK: u8 = 0;
/// Exit code: findings.
const FINDINGS: u8 = 1;
/// Exit code: usage error or unreadable input.
const USAGE: u8 = 2;

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { USAGE } else { OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = match cli.command {
        Command::Check { paths, format, color } => check::run(&paths, format, color.enabled()),
        Command::Fmt { paths, check } => fmt::run(&paths, check),
    };
    ExitCode::from(code)
}
