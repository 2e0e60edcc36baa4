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

/// Largest facts file, procurement profile or response form read, in bytes.
pub const MAX_FACTS_BYTES: usize = 2 * 1024 * 1024;

/// Most YAML values (mappings, lists and scalars) in one facts file or response form.
pub const MAX_FACT_VALUES: usize = 50_000;

/// Most rules (definitions, norms, exceptions, roles, evidence kinds and facts) in one policy set.
pub const MAX_RULES: usize = 100_000;

/// Most expression steps one assessment may take: every rule is evaluated once, so this bounds
/// the expression nodes of the whole policy set.
pub const MAX_EVAL_STEPS: usize = 5_000_000;

/// Most `use` imports in one policy set (across its files).
pub const MAX_IMPORTS: usize = 10_000;

/// Longest chain of imports (`a` uses `b` uses `c` …).
pub const MAX_IMPORT_DEPTH: usize = 64;

/// Fuel of one report template rendering (minijinja instructions).
pub const TEMPLATE_FUEL: u64 = 20_000_000;

/// Deepest template recursion (includes, macros, nested blocks).
pub const TEMPLATE_DEPTH: usize = 64;

/// The limits of one run. The library takes them as a value; the command line fills them from
/// `--limit NAME=VALUE` ([`Limits::set`]). The bounds on nesting ([`MAX_NESTING`],
/// [`MAX_EXPR_DEPTH`], the YAML depth) protect the stack and cannot be raised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// `file-bytes`: largest policy file, in bytes.
    pub file_bytes: usize,
    /// `facts-bytes`: largest facts file, profile or response form, in bytes.
    pub facts_bytes: usize,
    /// `files`: most policy files in one run.
    pub files: usize,
    /// `facts-files`: most facts files in one portfolio run.
    pub facts_files: usize,
    /// `rules`: most rules in one policy set.
    pub rules: usize,
    /// `facts`: most YAML values in one facts file or response form.
    pub facts: usize,
    /// `steps`: most expression steps in one assessment.
    pub steps: usize,
    /// `imports`: most `use` imports in one policy set.
    pub imports: usize,
    /// `import-depth`: longest chain of imports.
    pub import_depth: usize,
    /// `template-fuel`: fuel of one report rendering.
    pub template_fuel: u64,
    /// `template-depth`: deepest template recursion.
    pub template_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: MAX_FILE_BYTES,
            facts_bytes: MAX_FACTS_BYTES,
            files: MAX_FILES,
            facts_files: MAX_FACTS_FILES,
            rules: MAX_RULES,
            facts: MAX_FACT_VALUES,
            steps: MAX_EVAL_STEPS,
            imports: MAX_IMPORTS,
            import_depth: MAX_IMPORT_DEPTH,
            template_fuel: TEMPLATE_FUEL,
            template_depth: TEMPLATE_DEPTH,
        }
    }
}

/// The names `--limit` accepts, with what each bounds.
pub const NAMES: &[(&str, &str)] = &[
    ("file-bytes", "largest policy file, in bytes"),
    ("facts-bytes", "largest facts file, profile or response form, in bytes"),
    ("files", "most policy files in one run"),
    ("facts-files", "most facts files in one portfolio run"),
    ("rules", "most rules in one policy set"),
    ("facts", "most YAML values in one facts file or response form"),
    ("steps", "most expression steps in one assessment"),
    ("imports", "most `use` imports in one policy set"),
    ("import-depth", "longest chain of imports"),
    ("template-fuel", "fuel of one report rendering"),
    ("template-depth", "deepest template recursion"),
];

impl Limits {
    /// Sets one limit from `NAME=VALUE` (a positive whole number; `_` allowed between digits).
    pub fn set(&mut self, spec: &str) -> Result<(), String> {
        let names = || NAMES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
        let (name, value) =
            spec.split_once('=').ok_or_else(|| format!("`{spec}` is not NAME=VALUE; the limits are: {}", names()))?;
        let number: u64 = value
            .trim()
            .replace('_', "")
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("the limit `{name}` needs a positive whole number, not `{value}`"))?;
        let size = usize::try_from(number).unwrap_or(usize::MAX);
        match name.trim() {
            "file-bytes" => self.file_bytes = size,
            "facts-bytes" => self.facts_bytes = size,
            "files" => self.files = size,
            "facts-files" => self.facts_files = size,
            "rules" => self.rules = size,
            "facts" => self.facts = size,
            "steps" => self.steps = size,
            "imports" => self.imports = size,
            "import-depth" => self.import_depth = size,
            "template-fuel" => self.template_fuel = number,
            "template-depth" => self.template_depth = size,
            other => {
                let hint = crate::diagnostics::did_you_mean_help(other, NAMES.iter().map(|(n, _)| *n))
                    .unwrap_or_else(|| format!("the limits are: {}", names()));
                return Err(format!("there is no limit called `{other}`; {hint}"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Limits;

    #[test]
    fn limits_are_raised_by_name() {
        let mut l = Limits::default();
        assert!(l.set("rules=200_000").is_ok());
        assert_eq!(l.rules, 200_000);
        assert!(l.set("template-fuel=99").is_ok());
        assert_eq!(l.template_fuel, 99);
        assert!(l.set("rule=5").is_err_and(|e| e.contains("did you mean") || e.contains("rules")));
        assert!(l.set("rules=0").is_err());
        assert!(l.set("rules=-1").is_err());
        assert!(l.set("rules").is_err());
        assert_eq!(Limits::default().file_bytes, super::MAX_FILE_BYTES);
    }
}
