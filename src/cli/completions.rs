//! `norma completions SHELL`: a completion script for the shell, generated from the command-line
//! definition itself.

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, OK, out};

/// Writes the completion script for `shell` to standard output.
pub fn run(shell: Shell) -> u8 {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "norma", &mut script);
    out(&String::from_utf8_lossy(&script));
    OK
}
