//! Helpers shared by the tests that run the `norma` binary as a user runs it.

use std::process::{Command, Output};

/// Runs `norma` with `args`, colour off, and waits for it.
pub fn norma(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_norma")).args(args).env("NO_COLOR", "1").output().expect("run norma")
}

/// The standard output of a finished run, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The standard error of a finished run, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
