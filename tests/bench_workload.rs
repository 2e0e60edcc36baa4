#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
//! The benchmark workload (`benches/dag/workload.rs`) is the one `shared/bench/gen.py` defines:
//! the same random stream gives the same rules, documents and Rego (figures and hashes taken from
//! `gen.py`'s output), and Norma's results equal the reference results on every document.

#[path = "../benches/dag/workload.rs"]
#[allow(dead_code)]
mod workload;

use sha2::{Digest, Sha256};

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_generator_reproduces_gen_py() {
    // `python3 gen.py` (1,000 rules, 10,000 documents): 1477 edges, 2503 tests, chain of 91,
    // 3,778,845 true rules in all, 342 in the first document.
    let w = workload::generate(1000, 10_000, workload::SEED);
    assert_eq!(w.shape(), (1477, 2503, 91));
    assert_eq!(sha256(&w.rego()), "6b41e72ad1949a2780ad262083cb8dfd49d0616e67cb872ab0010be53d156e17");
    let counts: Vec<usize> = w.docs.iter().map(|d| w.reference(d).iter().filter(|v| **v).count()).collect();
    assert_eq!(counts[0], 342);
    assert_eq!(counts.iter().sum::<usize>(), 3_778_845);
    // `python3 gen.py --rules 100 --docs 50`.
    let w = workload::generate(100, 50, workload::SEED);
    assert_eq!(w.shape(), (135, 244, 13));
    assert_eq!(sha256(&w.rego()), "71d60d105cd143c1e7b9df2e68019c0af2ca6e8d3aa026ba97015501b6d34c60");
    let jsonl: String = w.docs.iter().map(|d| w.json(d, false) + "\n").collect();
    assert_eq!(sha256(&jsonl), "285a4f91d2b6fd0af29f9d90d11306c9b4881293df796cc322cf084c1787b3af");
}

#[test]
fn norma_gives_the_reference_results() {
    let w = workload::generate(100, 50, workload::SEED);
    let mut sources = norma::source::Sources::new();
    sources.add("dag.norma", w.norma());
    let engine = norma::Engine::from_sources(sources).map_err(|(_, d)| format!("{d:?}")).unwrap();
    let ids: Vec<norma::model::ItemId> = (0..w.rules.len())
        .map(|i| {
            let at = engine.policy().items.iter().position(|x| x.name == format!("r{i}")).unwrap();
            norma::model::ItemId(at as u32)
        })
        .collect();
    let mut engine = engine;
    let options = norma::AssessOptions::new(jiff::civil::date(2026, 1, 1));
    for (n, doc) in w.docs.iter().enumerate() {
        let facts = engine.load_facts("doc.json", &w.json(doc, true)).unwrap();
        let ev = engine.evaluate(&facts, &options);
        let got: Vec<bool> = ids.iter().map(|id| ev.value(*id) == norma::value::Value::Bool(true)).collect();
        assert_eq!(got, w.reference(doc), "document {n}");
    }
}
