#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! The annex as XLSX and CSV and the supplier's response form: the workbook read back with
//! calamine, its bytes the same on every run, golden CSV files and YAML forms for the shipped
//! profiles (review the diff and run `NORMA_BLESS=1 cargo test --test procurement_forms` after a
//! change), and filled forms (YAML and XLSX) read by `norma assess --responses`.

mod common;

use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use common::{norma, stderr, stdout};

const PROFILES: &[&str] = &["kr-city-chatbot", "eu-employment-matching", "benefit-eligibility"];
const EU_PROFILE: &str = "examples/procurement/eu-employment-matching.yaml";
const LITERACY: &str = "eu.ai_act.ai_literacy";

fn xlsx(profile: &str, lang: &str, dir: &Path) -> Vec<u8> {
    let out = dir.join(format!("annex-{lang}.xlsx"));
    let o = norma(&["requirements", profile, "--format", "xlsx", "--lang", lang, "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    fs::read(out).unwrap()
}

fn text(cell: Option<&Data>) -> String {
    cell.map(|c| c.to_string()).unwrap_or_default()
}

/// The XML of a part of the workbook.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn the_xlsx_annex_has_a_summary_a_sheet_per_jurisdiction_and_the_buyer_duties() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = xlsx(EU_PROFILE, "en", dir.path());
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(book.sheet_names(), ["Summary", "EU", "Buyer duties"]);
    let summary = book.worksheet_range("Summary").unwrap();
    let all: Vec<String> = summary.rows().flatten().map(|c| c.to_string()).collect();
    assert!(all.iter().any(|c| c.contains("not legal advice")), "the notice");
    assert!(all.iter().any(|c| c == "Candidate matching for the public employment service"));
    assert!(all.iter().any(|c| c.len() == 64 && c.chars().all(|x| x.is_ascii_hexdigit())), "policy hash");
    assert!(all.iter().any(|c| c == "Requirements for the supplier — EU"), "rows per jurisdiction");

    let eu = book.worksheet_range("EU").unwrap();
    let header: Vec<String> = eu.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(
        header,
        [
            "Id",
            "Level",
            "Requirement",
            "Legal basis",
            "Why included",
            "Conditions",
            "Applies from",
            "Lifecycle phase",
            "Evidence to submit",
            "When",
            "Verification",
            "Threshold or metric",
            "Stage",
            "Accepted equivalents",
            "Response",
            "Explanation",
            "Evidence reference",
            "Evidence date",
            "Evidence expiry",
            "Norms",
            "Evidence kinds",
        ]
    );
    assert_eq!(text(eu.get((1, 0))), "S-001");
    assert_eq!(text(eu.get((1, 3))), "EU Art. 4");
    assert!(text(eu.get((1, 2))).starts_with("The supplier shall: "));
    assert_eq!(text(eu.get((1, 19))), LITERACY);

    let buyer = book.worksheet_range("Buyer duties").unwrap();
    assert_eq!(text(buyer.get((1, 0))), "B-001");
    assert_eq!(buyer.rows().next().unwrap().len(), 16, "no response columns for the buyer's duties");

    let sheet = part(&bytes, "xl/worksheets/sheet2.xml");
    assert!(sheet.contains("<dataValidation type=\"list\""), "the response drop-down");
    assert!(sheet.contains("\"comply,partially,not,not applicable\""), "{sheet}");
    assert!(sheet.contains("<pane ySplit=\"1\""), "frozen header");
    assert!(sheet.contains("<autoFilter"), "filter");
    assert!(sheet.contains("<sheetProtection"), "the rest protected, the response cells unlocked");

    let ko = xlsx(EU_PROFILE, "ko", dir.path());
    let book: Xlsx<_> = open_workbook_from_rs(Cursor::new(ko.clone())).unwrap();
    assert_eq!(book.sheet_names(), ["요약", "EU", "발주기관 의무"]);
    assert!(part(&ko, "xl/worksheets/sheet2.xml").contains("충족,부분 충족,미충족,해당 없음"));
}

#[test]
fn the_xlsx_annex_is_the_same_on_every_run_and_never_goes_to_a_terminal() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for profile in PROFILES {
        let path = format!("examples/procurement/{profile}.yaml");
        assert!(xlsx(&path, "en", a.path()) == xlsx(&path, "en", b.path()), "{profile}: bytes differ");
    }
    let core = part(&xlsx(EU_PROFILE, "en", a.path()), "docProps/core.xml");
    assert!(core.contains("2027-09-01T00:00:00Z"), "created on the go-live date: {core}");
    let o = norma(&["requirements", EU_PROFILE, "--format", "xlsx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("give `--out FILE.xlsx`"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn csv_files_and_response_forms_match_their_golden_files() {
    let bless = std::env::var_os("NORMA_BLESS").is_some();
    let mut failures = Vec::new();
    for profile in PROFILES {
        for (format, ext, lang) in [
            ("csv", "csv", "en"),
            ("csv", "csv", "ko"),
            ("response", "response.yaml", "en"),
            ("response", "response.yaml", "ko"),
        ] {
            let o = norma(&[
                "requirements",
                &format!("examples/procurement/{profile}.yaml"),
                "--format",
                format,
                "--lang",
                lang,
            ]);
            assert_eq!(o.status.code(), Some(0), "{profile}: {}", stderr(&o));
            let golden = format!("tests/procurement/{profile}.{lang}.{ext}");
            if bless {
                fs::write(&golden, stdout(&o)).unwrap();
            } else if fs::read_to_string(&golden).unwrap_or_default() != stdout(&o) {
                failures.push(golden);
            }
        }
    }
    assert!(failures.is_empty(), "differ (review, then NORMA_BLESS=1): {failures:?}");
}

#[test]
fn the_csv_parses_back_with_a_row_per_requirement_and_formulas_disarmed() {
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&norma(&["requirements", EU_PROFILE, "--format", "json"]))).unwrap();
    let count = json["requirements"].as_array().unwrap().len() + json["buyer_duties"].as_array().unwrap().len();
    let o = norma(&["requirements", EU_PROFILE, "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(o.stdout.as_slice());
    assert_eq!(reader.headers().unwrap().get(3), Some("Legal basis"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), count);
    assert_eq!(&rows[0][0], "S-001");
    assert_eq!(&rows[0][3], "EU Art. 4");
    assert!(rows.last().unwrap()[0].starts_with("B-"));
    assert!(rows.iter().all(|r| !r.iter().any(|c| c.starts_with(['=', '+', '-', '@']))));

    use norma::procurement::table::guard;
    assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
    assert_eq!(guard("+1"), "'+1");
    assert_eq!(guard("-1"), "'-1");
    assert_eq!(guard("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(guard("EU Art. 4"), "EU Art. 4");
}

/// A facts file for a CV-screening system without its evidence.
fn facts(dir: &Path) -> String {
    let text = fs::read_to_string("examples/cv-screening.yaml").unwrap();
    let path = dir.join("facts.yaml");
    fs::write(&path, format!("{}\n", text.split("\nevidence:").next().unwrap())).unwrap();
    path.to_str().unwrap().to_string()
}

fn status(facts: &str, extra: &[&str], norm: &str) -> String {
    let mut args = vec!["assess", facts, "--as-of", "2027-10-01", "--format", "json"];
    args.extend_from_slice(extra);
    let o = norma(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let n = doc["jurisdictions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|j| j["norms"].as_array().unwrap())
        .find(|n| n["id"] == norm);
    n.unwrap()["status"].as_str().unwrap().to_string()
}

const BLANK: &str = "    response: null  # comply | partially | not | not_applicable
    explanation: null
    evidence_reference: null
    evidence_date: null  # YYYY-MM-DD";

fn response_form() -> String {
    let form = stdout(&norma(&["requirements", EU_PROFILE, "--format", "response"]));
    let first = form.find("  - id: \"S-001\"").unwrap();
    assert!(form[first..].contains(LITERACY), "S-001 is the AI-literacy row");
    form
}

fn filled(answer: &str) -> String {
    response_form().replacen(BLANK, answer, 1)
}

const COMPLY: &str = "    response: comply
    explanation: \"training for all staff\"
    evidence_reference: \"HR-AI-2026\"
    evidence_date: 2026-01-20";

fn provenance(facts: &str, form: &Path) -> (serde_json::Value, String) {
    let o =
        norma(&["assess", facts, "--as-of", "2027-10-01", "--format", "json", "--responses", form.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    (doc["provenance"]["responses"].clone(), stderr(&o))
}

#[test]
fn the_assessment_records_the_response_form_and_warns_when_its_policies_differ() {
    let dir = tempfile::tempdir().unwrap();
    let facts = facts(dir.path());
    let form = dir.path().join("form.yaml");
    fs::write(&form, filled(COMPLY)).unwrap();
    let (r, warnings) = provenance(&facts, &form);
    assert_eq!(r["file"], form.to_str().unwrap());
    assert_eq!(r["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(r["procurement"], "Candidate matching for the public employment service");
    assert_eq!(r["profile_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(r["same_policies"], true);
    assert!(warnings.is_empty(), "{warnings}");
    let policies = r["policies_sha256"].as_str().unwrap().to_string();
    fs::write(&form, filled(COMPLY).replace(&policies, &"0".repeat(64))).unwrap();
    let (r, warnings) = provenance(&facts, &form);
    assert_eq!(r["same_policies"], false);
    assert!(warnings.contains("was generated from other policies"), "{warnings}");
    let md = stdout(&norma(&["assess", &facts, "--format", "md", "--responses", form.to_str().unwrap()]));
    assert!(md.contains("| Supplier responses |") && md.contains("generated from other policies"), "{md}");
    // The XLSX annex carries the same identification on its summary sheet.
    let filled_xlsx = dir.path().join("filled.xlsx");
    let en = xlsx(EU_PROFILE, "en", dir.path());
    fs::write(&filled_xlsx, fill_xlsx(&en, "xl/worksheets/sheet2.xml", &[("O2", "not")])).unwrap();
    let (r, _) = provenance(&facts, &filled_xlsx);
    assert_eq!(r["procurement"], "Candidate matching for the public employment service");
    assert_eq!((r["policies_sha256"].as_str(), r["same_policies"].as_bool()), (Some(policies.as_str()), Some(true)));
    // Without a form, the provenance has no `responses`.
    let o = norma(&["assess", &facts, "--format", "json"]);
    assert!(!stdout(&o).contains("\"responses\""));
}

#[test]
fn a_filled_yaml_form_is_evidence_for_assess() {
    let dir = tempfile::tempdir().unwrap();
    let facts = facts(dir.path());
    let form = dir.path().join("form.yaml");
    assert_eq!(status(&facts, &[], LITERACY), "unknown");
    fs::write(&form, response_form()).unwrap();
    assert_eq!(status(&facts, &["--responses", form.to_str().unwrap()], LITERACY), "unknown", "blank: no change");
    fs::write(&form, filled(COMPLY)).unwrap();
    assert_eq!(status(&facts, &["--responses", form.to_str().unwrap()], LITERACY), "met");
    fs::write(&form, filled(&COMPLY.replace("comply", "not"))).unwrap();
    assert_eq!(status(&facts, &["--responses", form.to_str().unwrap()], LITERACY), "not_met");
    fs::write(&form, filled(&COMPLY.replace("comply", "not_applicable"))).unwrap();
    assert_eq!(status(&facts, &["--responses", form.to_str().unwrap()], LITERACY), "unknown");
    // The Korean form reads back the same way.
    let ko = stdout(&norma(&["requirements", EU_PROFILE, "--format", "response", "--lang", "ko"]));
    assert!(ko.contains("# 읽기용"), "{ko}");
    fs::write(&form, ko.replacen(BLANK, COMPLY, 1)).unwrap();
    assert_eq!(status(&facts, &["--responses", form.to_str().unwrap()], LITERACY), "met");
    // Evidence the facts file states wins over the form.
    fs::write(&form, filled(&COMPLY.replace("comply", "not"))).unwrap();
    assert_eq!(status("examples/cv-screening.yaml", &["--responses", form.to_str().unwrap()], LITERACY), "met");
}

#[test]
fn response_form_mistakes_point_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let facts = facts(dir.path());
    let path = dir.path().join("r.yaml");
    let good = filled(COMPLY);
    let cases = [
        ("response: comply", "response: complie", "did you mean `comply`?"),
        ("evidence_date: 2026-01-20", "evidence_date: 2026-02-30", "`2026-02-30`, not a calendar date"),
        (
            "\"common.ai_literacy_programme\"",
            "\"common.ai_literacy_programm\"",
            "did you mean `common.ai_literacy_programme`?",
        ),
        ("schema: norma.response/v1", "schema: norma.requirements/v1", "this is not a `norma.response/v1` form"),
        ("    explanation: \"training", "    explantion: \"training", "did you mean `explanation`?"),
        ("    evidence_reference: \"HR-AI-2026\"\n", "", "gives no evidence reference and date"),
        ("responses:\n", "responses: [\n", "not valid YAML"),
    ];
    for (from, to, expected) in cases {
        assert!(good.contains(from), "{from}");
        fs::write(&path, good.replacen(from, to, 1)).unwrap();
        let o = norma(&["assess", &facts, "--responses", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{to}");
        let err = stderr(&o);
        assert!(err.contains(expected), "{to}: {err}");
        assert!(err.contains("r.yaml:") && err.contains("N2201"), "located: {err}");
    }
    // Two rows giving the same evidence different answers.
    let form = good.replacen(
        BLANK,
        "    response: not\n    explanation: null\n    evidence_reference: null\n    evidence_date: null",
        1,
    );
    let twice = form.replacen(
        "evidence: [\"common.risk_management_documentation\"",
        "evidence: [\"common.ai_literacy_programme\"",
        1,
    );
    fs::write(&path, twice).unwrap();
    let err = stderr(&norma(&["assess", &facts, "--responses", path.to_str().unwrap()]));
    assert!(err.contains("evidence `common.ai_literacy_programme` is answered differently in S-001 and"), "{err}");
}

/// The workbook with text written into cells of a sheet (cells the annex left blank).
fn fill_xlsx(bytes: &[u8], sheet: &str, cells: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        if name == sheet {
            let mut xml = String::from_utf8(data).unwrap();
            for (cell, value) in cells {
                let at = xml.find(&format!("<c r=\"{cell}\" ")).unwrap_or_else(|| panic!("{cell}"));
                let end = at + xml[at..].find("/>").unwrap();
                let open = xml[at..end].to_string();
                xml.replace_range(at..end + 2, &format!("{open} t=\"inlineStr\"><is><t>{value}</t></is></c>"));
            }
            data = xml.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn a_filled_xlsx_annex_is_evidence_for_assess_and_its_mistakes_name_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    let facts = facts(dir.path());
    let form = dir.path().join("filled.xlsx");
    let en = xlsx(EU_PROFILE, "en", dir.path());
    let sheet = "xl/worksheets/sheet2.xml";
    fs::write(&form, fill_xlsx(&en, sheet, &[("O2", "comply"), ("Q2", "HR-AI-2026"), ("R2", "2026-01-20")])).unwrap();
    assert_eq!(status(&facts, &["--responses", form.to_str().unwrap()], LITERACY), "met");
    let ko = xlsx(EU_PROFILE, "ko", dir.path());
    fs::write(&form, fill_xlsx(&ko, sheet, &[("O2", "미충족")])).unwrap();
    assert_eq!(status(&facts, &["--responses", form.to_str().unwrap()], LITERACY), "not_met", "Korean answers read");

    fs::write(&form, fill_xlsx(&en, sheet, &[("O2", "complie"), ("Q2", "HR"), ("R2", "2026-13-01")])).unwrap();
    let o = norma(&["assess", &facts, "--responses", form.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("filled.xlsx: EU!O2: `complie` is not an answer"), "{err}");
    assert!(err.contains("did you mean `comply`?"), "{err}");
    assert!(err.contains("EU!R2: the evidence date of S-001 is `2026-13-01`"), "{err}");

    // A workbook that is not an annex, and a file that is neither a workbook nor text.
    let mut other = zip::ZipWriter::new(Cursor::new(Vec::new()));
    other.start_file("a.txt", zip::write::SimpleFileOptions::default()).unwrap();
    other.write_all(b"a").unwrap();
    fs::write(&form, other.finish().unwrap().into_inner()).unwrap();
    let err = stderr(&norma(&["assess", &facts, "--responses", form.to_str().unwrap()]));
    assert!(err.contains("not a readable XLSX workbook"), "{err}");
    fs::write(&form, [0xff, 0xfe, 0x00]).unwrap();
    let err = stderr(&norma(&["assess", &facts, "--responses", form.to_str().unwrap()]));
    assert!(err.contains("neither an XLSX workbook nor UTF-8 text"), "{err}");
}
