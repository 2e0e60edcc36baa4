//! Embeds every `.norma` file under `policies/` into the binary, so that `norma check` and the
//! other commands work on the shipped policies with no files around.

use std::fs;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "norma") {
            out.push(p);
        }
    }
}

/// The files that define the types stored in `policies/checked.bin` (`src/prechecked.rs`): a
/// change to one of those types makes the stored policy unusable until it is written again.
const LAYOUT: &[&str] = &["src/model.rs", "src/source.rs", "src/value.rs", "src/syntax/ast.rs", "src/eval/program.rs"];

/// The definitions of the stored types in `text`: each item that derives `Deserialize`, from its
/// `#[derive(…)]` to its end (a `}` in the first column, or a one-line `struct …;`), without
/// comment lines, so that methods and comments around them can change freely.
fn stored_types(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let code = line.trim();
        if !inside && code.starts_with("#[derive(") && code.contains("Deserialize") {
            inside = true;
        }
        if !inside || code.starts_with("//") {
            continue;
        }
        out.push(code);
        let one_line = (code.starts_with("pub struct") || code.starts_with("struct")) && code.ends_with(';');
        if line.starts_with('}') || one_line {
            inside = false;
        }
    }
    out
}

/// FNV-1a, 64 bits, over the stored types' definitions: the same on every machine and toolchain.
fn fingerprint(root: &Path) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for f in LAYOUT {
        println!("cargo:rerun-if-changed={f}");
        let text = fs::read_to_string(root.join(f)).unwrap_or_default();
        let code = stored_types(&text);
        for b in f.bytes().chain([0]).chain(code.iter().flat_map(|l| l.bytes().chain([b'\n']))) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

fn main() {
    println!("cargo:rerun-if-changed=policies");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    println!("cargo:rustc-env=NORMA_LAYOUT={}", fingerprint(&root));
    let policies = root.join("policies");
    let mut files = Vec::new();
    collect(&policies, &mut files);
    let mut code = String::from(
        "/// Shipped policy files: (path under `policies/`, text).\npub static POLICIES: &[(&str, &str)] = &[\n",
    );
    for f in &files {
        let rel = f.strip_prefix(&policies).unwrap_or(f).to_string_lossy().replace('\\', "/");
        code.push_str(&format!("    ({rel:?}, include_str!({:?})),\n", f.to_string_lossy()));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("embedded_policies.rs");
    if let Err(e) = fs::write(&out, code) {
        println!("cargo:warning=could not write {}: {e}", out.display());
    }
}
