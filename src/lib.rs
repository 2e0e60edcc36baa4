//! Norma: a policy-as-code engine for AI regulation.
//!
//! The pipeline runs one way: [`syntax`] (parse) → [`check`] (resolve and check) → evaluation →
//! reports. Each stage reports [`diagnostics::Diagnostic`]s with stable codes and spans into
//! [`source::Sources`]. The library never touches the terminal or the file system; the `norma`
//! binary does.

pub mod diagnostics;
pub mod limits;
pub mod source;
pub mod syntax;
