//! The compliance-DAG benchmark: Norma and regorus (its RVM bytecode VM) on the same rules and
//! the same documents, in one process, with every result checked against the reference.
//!
//! ```sh
//! cargo bench --bench compliance_dag                     # 1,000 rules, 10,000 documents
//! cargo bench --bench compliance_dag -- --rules 100 --docs 200
//! cargo bench --bench compliance_dag -- --emit DIR   # also write dag.norma, policy.rego and
//!                                                   # the first document as doc0.json
//! ```
//!
//! Prints, for each engine, the time to parse and compile the rules (the median of fifteen) and
//! the per-document evaluation latency (p50, p99) and throughput with the compiled rules reused;
//! then the batch throughput of Norma on one thread and on every core. Documents are read into
//! each engine's input form before timing starts (their loading is reported separately for
//! Norma).

#[path = "dag/workload.rs"]
mod workload;

use std::hint::black_box;
use std::time::{Duration, Instant};

use norma::AssessOptions;
use norma::model::ItemId;
use norma::value::Value;

struct Args {
    rules: usize,
    docs: usize,
    emit: Option<std::path::PathBuf>,
}

fn args() -> Result<Args, String> {
    let mut a = Args { rules: 1000, docs: 10_000, emit: None };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut number = || it.next().and_then(|v| v.parse::<usize>().ok()).ok_or(format!("{flag} takes a number"));
        match flag.as_str() {
            "--rules" => a.rules = number()?,
            "--docs" => a.docs = number()?,
            "--emit" => a.emit = Some(it.next().ok_or("--emit takes a folder")?.into()),
            "--bench" => {}
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

/// p50 and p99 of `samples` (sorted in place), and documents per second over their sum.
fn stats(samples: &mut [Duration]) -> (Duration, Duration, f64) {
    samples.sort();
    let at = |q: usize| samples.get((samples.len() * q / 100).min(samples.len().saturating_sub(1))).copied();
    let total: Duration = samples.iter().sum();
    (at(50).unwrap_or_default(), at(99).unwrap_or_default(), samples.len() as f64 / total.as_secs_f64())
}

/// How many times each engine parses and compiles the rules; the median is reported.
const COMPILES: usize = 15;

/// The median of `samples` (sorted in place).
fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn us(d: Duration) -> String {
    format!("{:.2} µs", d.as_secs_f64() * 1e6)
}

fn main() -> Result<(), String> {
    let a = args()?;
    let w = workload::generate(a.rules, a.docs, workload::SEED);
    if let Some(dir) = &a.emit {
        let write = |name: &str, text: String| std::fs::write(dir.join(name), text).map_err(|e| e.to_string());
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        write("dag.norma", w.norma())?;
        write("policy.rego", w.rego())?;
        if let Some(d) = w.docs.first() {
            write("doc0.json", w.json(d, true))?;
        }
    }
    let reference: Vec<Vec<bool>> = w.docs.iter().map(|d| w.reference(d)).collect();
    let (edges, tests, chain) = w.shape();
    println!(
        "workload: {} rules ({edges} dependencies, {tests} fact tests, longest chain {chain}), {} documents",
        a.rules, a.docs
    );

    // ---- Norma ----
    let text = w.norma();
    let mut times = Vec::with_capacity(COMPILES);
    let mut engine = None;
    for _ in 0..COMPILES {
        let start = Instant::now();
        let mut sources = norma::source::Sources::new();
        sources.add("dag.norma", text.clone());
        let built = norma::Engine::from_sources(sources).map_err(|(_, d)| format!("the rules do not check: {d:?}"))?;
        times.push(start.elapsed());
        engine = Some(built); // the previous engine is dropped outside the measured time
    }
    let compile = median(&mut times);
    let mut engine = engine.ok_or("no engine")?;
    let ids: Vec<ItemId> = (0..a.rules)
        .map(|i| {
            let name = format!("r{i}");
            engine.policy().items.iter().position(|x| x.name == name).map(|at| ItemId(at as u32))
        })
        .collect::<Option<_>>()
        .ok_or("a rule is missing")?;
    let start = Instant::now();
    let facts = w
        .docs
        .iter()
        .map(|d| {
            engine.load_facts("doc.json", &w.json(d, true)).map_err(|_| "a document is not valid facts".to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    let loading = start.elapsed() / a.docs.max(1) as u32;
    let options = AssessOptions::new(jiff::civil::date(2026, 1, 1));
    let mut samples = Vec::with_capacity(a.docs);
    let mut traced = Vec::with_capacity(a.docs);
    for (n, f) in facts.iter().enumerate() {
        let start = Instant::now();
        let ev = engine.evaluate_values(f, &options);
        let took = start.elapsed();
        let got: Vec<bool> = ids.iter().map(|id| ev.value(*id) == Value::Bool(true)).collect();
        if reference.get(n) != Some(&got) {
            return Err(format!("Norma differs from the reference on document {n}"));
        }
        samples.push(took);
        drop(ev);
        let start = Instant::now();
        let ev = engine.evaluate(f, &options);
        let took = start.elapsed();
        let got: Vec<bool> = ids.iter().map(|id| ev.value(*id) == Value::Bool(true)).collect();
        if reference.get(n) != Some(&got) || ids.iter().any(|id| ev.inputs(*id).is_empty()) {
            return Err(format!("Norma with traces differs from the reference on document {n}"));
        }
        traced.push(took);
    }
    let (n50, n99, nrate) = stats(&mut samples);
    let (t50, t99, trate) = stats(&mut traced);

    // ---- regorus (RVM) ----
    let rego = match regorus_run(&w, &reference, a.docs) {
        Ok(r) => Some(r),
        Err(Refused(why)) => {
            println!("regorus refused the workload: {why}; Norma's figures alone");
            None
        }
    };
    let rego = rego.map(|(compile, mut samples)| {
        let (p50, p99, rate) = stats(&mut samples);
        (compile, p50, p99, rate)
    });
    let (rcompile, r50, r99, rrate) = match rego {
        Some((c, p50, p99, rate)) => (ms(c), us(p50), us(p99), format!("{rate:.0}")),
        None => ("—".into(), "—".into(), "—".into(), "—".into()),
    };

    println!("every result equals the reference ({} documents × {} rules)\n", a.docs, a.rules);
    println!("{:<28} {:>14} {:>14} {:>14}", "", "Norma", "Norma, traces", "regorus RVM");
    println!("{:<28} {:>14} {:>14} {:>14}", "parse + check + compile", ms(compile), "", rcompile);
    println!("{:<28} {:>14} {:>14} {:>14}", "per document, p50", us(n50), us(t50), r50);
    println!("{:<28} {:>14} {:>14} {:>14}", "per document, p99", us(n99), us(t99), r99);
    println!("{:<28} {:>14.0} {:>14.0} {:>14}", "documents per second", nrate, trate, rrate);
    println!("{:<28} {:>14}", "loading a facts document", us(loading));
    println!("\ntraces cost {:.2}× the evaluation without them", t50.as_secs_f64() / n50.as_secs_f64());
    batch(&engine, &facts, &options)?;
    if let Some((_, p50, _, _)) = rego {
        println!(
            "Norma is {:.1}× faster than regorus RVM per document (p50); {:.1}× with traces",
            p50.as_secs_f64() / n50.as_secs_f64(),
            p50.as_secs_f64() / t50.as_secs_f64()
        );
    }
    Ok(())
}

/// Why regorus did not run the workload (for example a policy over its size limit).
struct Refused(String);

impl From<String> for Refused {
    fn from(why: String) -> Refused {
        Refused(why)
    }
}

/// Compiles the Rego and runs every document on regorus' RVM, checking each result against the
/// reference: the compile time and the time of each document. A result that differs is an error
/// of the benchmark (it panics), not a refusal.
fn regorus_run(
    w: &workload::Workload,
    reference: &[Vec<bool>],
    docs: usize,
) -> Result<(Duration, Vec<Duration>), Refused> {
    let entry = "data.compliance.summary";
    let mut times = Vec::with_capacity(COMPILES);
    let mut program = None;
    let text = w.rego();
    for _ in 0..COMPILES {
        let start = Instant::now();
        let mut rego = regorus::Engine::new();
        rego.add_policy("policy.rego".into(), text.clone()).map_err(|e| e.to_string())?;
        let compiled = rego.compile_with_entrypoint(&entry.into()).map_err(|e| e.to_string())?;
        let built = regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, &[entry])
            .map_err(|e| e.to_string())?;
        times.push(start.elapsed());
        program = Some(built); // as for Norma, the previous program is dropped outside the measured time
    }
    let compile = median(&mut times);
    let program = program.ok_or_else(|| "no program".to_string())?;
    let inputs = w
        .docs
        .iter()
        .map(|d| regorus::Value::from_json_str(&w.json(d, false)).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let mut vm = regorus::rvm::RegoVM::new();
    vm.load_program(program);
    let mut samples = Vec::with_capacity(docs);
    for (n, input) in inputs.iter().enumerate() {
        let start = Instant::now();
        vm.set_input(input.clone());
        let out = vm.execute().map_err(|e| e.to_string())?;
        let took = start.elapsed();
        let got: Vec<bool> = out
            .as_array()
            .map_err(|e| e.to_string())?
            .iter()
            .flat_map(|chunk| chunk.as_array().cloned().unwrap_or_default())
            .map(|v| v == regorus::Value::from(true))
            .collect();
        assert!(reference.get(n) == Some(&got), "regorus differs from the reference on document {n}");
        samples.push(black_box(took));
    }
    Ok((compile, samples))
}

/// Assesses every document (with traces) as a batch on one thread and on every core, and prints
/// the documents per second of each and the speed-up.
fn batch(engine: &norma::Engine, facts: &[norma::FactsFile], options: &AssessOptions) -> Result<(), String> {
    use rayon::prelude::*;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut rates = Vec::new();
    for threads in [1, cores] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| e.to_string())?;
        // Best of three runs, after one to warm up.
        let mut best = Duration::MAX;
        for _ in 0..4 {
            let start = Instant::now();
            let decided: usize = pool.install(|| {
                facts.par_iter().map(|f| black_box(engine.evaluate(f, options)).as_of().day() as usize).sum()
            });
            black_box(decided);
            best = best.min(start.elapsed());
        }
        let rate = facts.len() as f64 / best.as_secs_f64();
        println!("batch of {} documents on {threads} thread(s): {rate:.0} documents per second", facts.len());
        rates.push(rate);
    }
    if let [one, all] = *rates.as_slice() {
        println!("{cores} cores are {:.2}× faster than one", all / one);
    }
    Ok(())
}
