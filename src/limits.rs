//! Limits that keep hostile or broken input from exhausting the stack, memory or time.
//! Each is reported with a clear error (code `N0002` or `N0003`) instead of a crash.

/// Largest policy file read, in bytes.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// Deepest nesting of brackets `( … )` and `{ … }` in a file.
pub const MAX_NESTING: usize = 32;

/// Deepest expression tree (operators, `not`, brackets) in one condition.
pub const MAX_EXPR_DEPTH: usize = 64;

/// Most grammar rule calls for one declaration: a bound on backtracking (pest's call limit).
pub const MAX_PARSER_CALLS: usize = 50_000_000;

/// Most policy files in one run.
pub const MAX_FILES: usize = 10_000;

/// Most facts files in one portfolio run (`norma assess DIR`).
pub const MAX_FACTS_FILES: usize = 100_000;

/// Most diagnostics reported for one file; the rest are counted, not listed.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 200;
