#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! The `norma` command line, run as a user runs it.

use std::fs;
use std::path::Path;

mod common;

use common::{norma, stderr, stdout};

#[test]
fn check_passes_on_the_shipped_policies() {
    let o = norma(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("no problems found"));
    let o = norma(&["check", "policies"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn a_new_pack_uses_the_shipped_vocabulary() {
    let o = norma(&["check", "examples/first_pack"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("checked 1 file (with 1 module of the shipped policies it uses)"), "{}", stdout(&o));
}

#[test]
fn a_misspelled_fact_is_located_with_a_suggestion() {
    let o = norma(&["check", "tests/check/bad/misspelled_fact.norma"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("tests/check/bad/misspelled_fact.norma:20:8: error[N0101]"), "{out}");
    assert!(out.contains("did you mean `system.profiles_natural_persons`?"), "{out}");
    assert!(out.contains("20 │   when system.profiles_natural_person"), "the excerpt is shown: {out}");
    assert!(out.contains("in obligation `profiling_notice` (Art. 1)"), "{out}");
    assert!(out.contains("1 error, 0 warnings"), "{out}");
}

#[test]
fn a_cycle_lists_all_its_members() {
    let o = norma(&["check", "tests/check/bad/cycle.norma"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    for m in ["provider_in_scope", "high_risk", "listed_use"] {
        assert!(out.contains(&format!("demo.cycle.{m}`")), "{m} missing: {out}");
    }
    assert!(!out.contains("derogation_applies`"), "not in the cycle: {out}");
}

#[test]
fn json_output_is_for_tools() {
    let o = norma(&["check", "--format", "json", "tests/check/bad/norm_structure.norma"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["format"], "norma.diagnostics/v1");
    assert!(v["errors"].as_u64().unwrap() >= 5);
    let first = &v["diagnostics"][0];
    assert_eq!(first["code"], "N0501");
    assert_eq!(first["location"]["line"], 17);
    assert_eq!(first["context"]["kind"], "obligation");
}

#[test]
fn unreadable_input_and_usage_errors_exit_2() {
    let o = norma(&["check", "no/such/file.norma"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("cannot read `no/such/file.norma`"), "{}", stdout(&o));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("latin1.norma");
    fs::write(&bad, [0x69, 0x6e, 0xff, 0xfe]).unwrap();
    let o = norma(&["check", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("not UTF-8"));

    let empty = tempfile::tempdir().unwrap();
    assert_eq!(norma(&["check", empty.path().to_str().unwrap()]).status.code(), Some(2));
    assert_eq!(norma(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(norma(&["check", "--format", "xml"]).status.code(), Some(2));
    assert_eq!(norma(&["--help"]).status.code(), Some(0));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let n = 100_000;
    let cases = [
        ("parens.norma", format!("instrument t\ndefine x\n  = {}a{}\n", "(".repeat(n), ")".repeat(n))),
        ("nots.norma", format!("instrument t\ndefine x\n  = {}a\n", "not ".repeat(n))),
    ];
    for (name, text) in cases {
        let path = dir.path().join(name);
        fs::write(&path, text).unwrap();
        let o = norma(&["check", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).contains("N0002"), "{name}: {}", stdout(&o));
    }
}

#[test]
fn oversized_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.norma");
    fs::write(&path, " ".repeat(norma::limits::MAX_FILE_BYTES + 1)).unwrap();
    let o = norma(&["check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("N0003"), "{}", stdout(&o));
}

#[cfg(unix)]
#[test]
fn links_out_of_the_policy_folder_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.norma"), "this is not a policy").unwrap();
    let root = tempfile::tempdir().unwrap();
    fs::copy("tests/check/good/shared.norma", root.path().join("shared.norma")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.path().join("escape")).unwrap();
    let o = norma(&["check", root.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("checked 1 file"), "{}", stdout(&o));
}

const MESSY: &str = "// A comment that must survive.\ninstrument   demo.fmt\n    title en \"Format me\"\n  title ko \"서식\"\n  jurisdiction EU\nrole r\n      title en \"R\"   // trailing\n  title ko \"R\"\nfact system.b : bool\n  question en \"?\"\n  question ko \"?\"\ndefine d\n  title en \"D\"\n  title ko \"D\"\n  =   system.b   and(system.b)\n";

#[test]
fn fmt_rewrites_files_and_keeps_comments() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("messy.norma");
    fs::write(&path, MESSY).unwrap();
    let p = path.to_str().unwrap();

    let o = norma(&["fmt", "--check", p]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("not formatted"));
    assert_eq!(fs::read_to_string(&path).unwrap(), MESSY, "--check changes nothing");

    let o = norma(&["fmt", p]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let once = fs::read_to_string(&path).unwrap();
    assert_ne!(once, MESSY);
    assert!(once.contains("// A comment that must survive."));
    assert!(once.contains("// trailing"));

    assert_eq!(norma(&["fmt", "--check", p]).status.code(), Some(0));
    assert_eq!(norma(&["fmt", p]).status.code(), Some(0));
    assert_eq!(fs::read_to_string(&path).unwrap(), once, "fmt of fmt output is unchanged");
    assert_eq!(norma(&["check", p]).status.code(), Some(0), "{}", stdout(&norma(&["check", p])));
}

#[test]
fn fmt_leaves_files_with_syntax_errors_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.norma");
    let text = "instrument t\ndefine x\n  = (a and\n";
    fs::write(&path, text).unwrap();
    let o = norma(&["fmt", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("N0001"), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
    // No temporary files are left behind.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn the_shipped_policies_are_formatted() {
    assert!(Path::new("policies").is_dir());
    let o = norma(&["fmt", "--check", "policies"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}
