#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! Portfolio runs: `norma assess` over a folder or a list of facts files. The summary has golden
//! files in `tests/portfolio/` (review the diff, then `NORMA_BLESS=1 cargo test --test portfolio`).

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const EXAMPLES: &[&str] = &["cv-screening", "chatbot", "kr-hiring-screening"];

/// A facts file with a misspelled fact on line 3, column 3.
const BROKEN: &str = "system:\n  name: \"Broken\"\n  use_casez: [recruitment_selection]\n";

/// A temporary folder holding `systems/` with the three examples, and a broken file if asked.
fn folder(broken: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let systems = dir.path().join("systems");
    fs::create_dir(&systems).unwrap();
    for e in EXAMPLES {
        fs::copy(format!("examples/{e}.yaml"), systems.join(format!("{e}.yaml"))).unwrap();
    }
    fs::write(systems.join("README.md"), "not a facts file\n").unwrap();
    if broken {
        fs::write(systems.join("broken.yaml"), BROKEN).unwrap();
    }
    dir
}

/// Runs `norma` in `dir`, as of the golden files' date.
fn norma(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_norma"))
        .current_dir(dir)
        .args(args)
        .args(["--as-of", "2026-11-26"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The files of a folder, by name, with their contents.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_summary_matches_its_golden_files_and_the_broken_file_is_reported() {
    let bless = std::env::var_os("NORMA_BLESS").is_some();
    let dir = folder(true);
    let mut failures = Vec::new();
    for format in ["md", "json", "text", "html"] {
        for lang in ["en", "ko"] {
            let out = format!("out-{format}-{lang}");
            let o = norma(dir.path(), &["assess", "systems", "--out-dir", &out, "--format", format, "--lang", lang]);
            assert_eq!(o.status.code(), Some(2), "a facts file could not be assessed");
            let err = text(&o.stderr);
            assert!(err.contains("systems/broken.yaml:3:3: error[N2002]"), "{err}");
            assert!(err.contains("did you mean `system.use_cases`?"), "{err}");
            assert!(err.contains("1 of 4 facts files could not be assessed"), "{err}");
            assert!(!err.contains('\u{1b}') && !err.contains('\r'), "no progress bar when piped: {err:?}");
            let summary = text(&o.stdout);
            let golden = format!("tests/portfolio/summary.{lang}.{format}");
            if bless {
                fs::write(&golden, &summary).unwrap();
            } else if fs::read_to_string(&golden).unwrap_or_default() != summary {
                failures.push(golden);
            }
        }
    }
    assert!(failures.is_empty(), "differ (review, then NORMA_BLESS=1): {failures:?}");
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string("tests/portfolio/summary.en.json").unwrap()).unwrap();
    assert_eq!(json["schema"], "norma.portfolio/v1");
    assert_eq!(json["totals"]["systems"], 4);
    assert_eq!(json["totals"]["failed"], 1);
    let broken = &json["systems"][0];
    assert_eq!(broken["facts_file"], "systems/broken.yaml");
    assert_eq!(broken["outcome"], "failed");
    assert!(broken["error"].as_str().unwrap().starts_with("systems/broken.yaml:3:3: error[N2002]"));
    let cv = &json["systems"][2];
    assert_eq!(cv["report"], "cv-screening.json");
    let ids: Vec<&str> = cv["jurisdictions"].as_array().unwrap().iter().map(|j| j["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["CN", "EU", "JP", "KR", "US-CO", "US-NYC", "US-TX", "VN"],
        "jurisdictions in the order of their codes"
    );
    let md = fs::read_to_string("tests/portfolio/summary.en.md").unwrap();
    assert!(md.contains("| TalentSift CV screener 3.2 | cv-screening.md | EU | High-risk AI system |"), "{md}");
}

#[test]
fn each_report_is_the_report_of_a_single_file_run() {
    let dir = folder(true);
    for format in ["md", "json", "html", "text"] {
        let out = format!("out-{format}");
        let o = norma(dir.path(), &["assess", "systems", "--out-dir", &out, "--format", format]);
        assert_eq!(o.status.code(), Some(2));
        let ext = if format == "text" { "txt" } else { format };
        let written = files(&dir.path().join(&out));
        let mut expected: Vec<String> = EXAMPLES.iter().map(|e| format!("{e}.{ext}")).collect();
        expected.sort();
        assert_eq!(
            written.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
            expected,
            "no report for the broken file"
        );
        for (name, contents) in written {
            let stem = name.strip_suffix(&format!(".{ext}")).unwrap();
            let single = norma(dir.path(), &["assess", &format!("systems/{stem}.yaml"), "--format", format]);
            assert_eq!(single.status.code(), Some(0));
            assert_eq!(contents, text(&single.stdout), "{name} differs from the single-file run");
        }
    }
}

#[test]
fn without_the_broken_file_the_exit_code_follows_fail_on() {
    let dir = folder(false);
    let run = |extra: &[&str]| {
        let mut args = vec!["assess", "systems", "--out-dir", "out", "--format", "json"];
        args.extend(extra);
        norma(dir.path(), &args).status.code()
    };
    assert_eq!(run(&[]), Some(0));
    assert_eq!(run(&["--fail-on", "violated,not_met"]), Some(0), "no example violates or misses a norm");
    assert_eq!(run(&["--fail-on", "unknown"]), Some(1), "the chatbot has unknown norms");
}

#[test]
fn one_thread_or_two_give_the_same_output() {
    let dir = folder(true);
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = format!("out-{threads}");
        let o = norma(
            dir.path(),
            &["assess", "systems", "--out-dir", &out, "--format", "md", "--threads", threads, "--out", "summary.md"],
        );
        assert_eq!(o.status.code(), Some(2));
        assert!(o.stdout.is_empty(), "the summary went to --out");
        let summary = fs::read_to_string(dir.path().join("summary.md")).unwrap();
        outputs.push((summary, text(&o.stderr), files(&dir.path().join(&out))));
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn a_list_of_files_with_clashing_names_gets_numbered_reports() {
    let dir = folder(false);
    fs::create_dir(dir.path().join("other")).unwrap();
    fs::copy("examples/chatbot.yaml", dir.path().join("other/cv-screening.yml")).unwrap();
    let o = norma(
        dir.path(),
        &["assess", "systems/cv-screening.yaml", "other/cv-screening.yml", "systems/", "--out-dir", "out"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let names: Vec<String> = files(&dir.path().join("out")).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        ["chatbot.txt", "cv-screening-2.txt", "cv-screening-3.txt", "cv-screening.txt", "kr-hiring-screening.txt"]
    );
    let summary = text(&o.stdout);
    assert!(summary.contains("HelpDesk Assistant (other/cv-screening.yml → cv-screening-2.txt)"), "{summary}");
    assert!(summary.contains("(systems/cv-screening.yaml → cv-screening-3.txt)"), "the folder's copy: {summary}");
}

#[test]
fn a_missing_file_fails_alone() {
    let dir = folder(false);
    let o = norma(dir.path(), &["assess", "systems/nope.yaml", "systems/chatbot.yaml", "--out-dir", "out"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("cannot read `systems/nope.yaml`"), "{}", text(&o.stderr));
    assert!(dir.path().join("out/chatbot.txt").exists());
}

#[test]
fn usage_errors_exit_2() {
    let dir = folder(false);
    fs::create_dir(dir.path().join("empty")).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["assess", "systems"], "--out-dir"),
        (&["assess", "systems/chatbot.yaml", "systems/cv-screening.yaml"], "--out-dir"),
        (&["assess", "systems", "--out-dir", "out", "--format", "sarif"], "describe one system"),
        (&["assess", "systems", "--out-dir", "out", "--format", "junit"], "describe one system"),
        (&["assess", "systems", "--out-dir", "out", "--previous", "x.json"], "belong to one system"),
        (&["assess", "systems", "--out-dir", "out", "--threads", "0"], "--threads"),
        (&["assess", "empty", "--out-dir", "out"], "holds no facts files"),
    ];
    for (args, message) in cases {
        let o = norma(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(text(&o.stderr).contains(message), "{args:?}: {}", text(&o.stderr));
    }
    assert!(!dir.path().join("out").join("chatbot.txt").exists(), "nothing was assessed");
}

#[test]
fn the_json_schema_of_the_summary_is_committed_and_current() {
    let schema = schemars::schema_for!(norma::portfolio::Portfolio);
    let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    let path = Path::new("docs/portfolio.schema.json");
    if std::env::var_os("NORMA_BLESS").is_some() {
        fs::write(path, &text).unwrap();
    }
    assert_eq!(
        fs::read_to_string(path).unwrap_or_default(),
        text,
        "run `NORMA_BLESS=1 cargo test --test portfolio` and review"
    );
}
