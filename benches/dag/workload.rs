//! The synthetic "compliance DAG" workload (the definition in `shared/bench/gen.py`), generated
//! here from the same seed with the same random stream, so that Norma and a Rego engine are given
//! exactly the rules and documents the other engines were measured on.
//!
//! Rules r0..rN: each has 2 or 3 atomic tests on facts (a boolean is true, a number is at least a
//! threshold, a level equals a value); the first k-1 are joined by `and` (A), the last is B. The
//! first 10 rules are `A or B`; every later one depends on one or two earlier rules:
//! `(A and r_first) or (B and not r_last)`. A document gives 100 booleans, 50 numbers in 0..=100
//! and 50 levels.

// The Mersenne Twister's state and the rules are indexed by positions bounded by construction
// (the 624 words of the state; a rule's dependencies come before it).
#![allow(clippy::indexing_slicing)]

use std::fmt::Write as _;

/// The levels a string fact takes.
pub const LEVELS: [&str; 4] = ["minimal", "limited", "high", "unacceptable"];
const BOOLS: usize = 100;
const NUMBERS: usize = 50;
const STRINGS: usize = 50;
const ROOTS: usize = 10;
/// The seed `gen.py` uses by default.
pub const SEED: u32 = 20_260_101;

/// Python's `random.Random` (MT19937 seeded with `init_by_array`), for the calls the workload
/// makes.
struct PyRandom {
    state: [u32; 624],
    index: usize,
}

impl PyRandom {
    fn new(seed: u32) -> PyRandom {
        let mut state = [0u32; 624];
        state[0] = 19_650_218;
        for i in 1..624 {
            state[i] = 1_812_433_253u32.wrapping_mul(state[i - 1] ^ (state[i - 1] >> 30)).wrapping_add(i as u32);
        }
        // init_by_array with the one-word key [seed].
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..624 {
            let prev = state[i - 1] ^ (state[i - 1] >> 30);
            state[i] = (state[i] ^ prev.wrapping_mul(1_664_525)).wrapping_add(seed).wrapping_add(j as u32);
            i += 1;
            j = 0;
            if i >= 624 {
                state[0] = state[623];
                i = 1;
            }
        }
        for _ in 0..623 {
            let prev = state[i - 1] ^ (state[i - 1] >> 30);
            state[i] = (state[i] ^ prev.wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= 624 {
                state[0] = state[623];
                i = 1;
            }
        }
        state[0] = 0x8000_0000;
        PyRandom { state, index: 624 }
    }

    fn next_u32(&mut self) -> u32 {
        if self.index >= 624 {
            for k in 0..624 {
                let y = (self.state[k] & 0x8000_0000) | (self.state[(k + 1) % 624] & 0x7fff_ffff);
                let mut v = self.state[(k + 397) % 624] ^ (y >> 1);
                if y & 1 == 1 {
                    v ^= 0x9908_b0df;
                }
                self.state[k] = v;
            }
            self.index = 0;
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random()`: a float in [0, 1) from 53 random bits.
    fn random(&mut self) -> f64 {
        let a = f64::from(self.next_u32() >> 5);
        let b = f64::from(self.next_u32() >> 6);
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// `_randbelow(n)`: rejection sampling on `n.bit_length()` bits.
    fn below(&mut self, n: usize) -> usize {
        let k = usize::BITS - n.leading_zeros();
        loop {
            let r = (self.next_u32() >> (32 - k)) as usize;
            if r < n {
                return r;
            }
        }
    }

    /// `randint(a, b)`, both ends included.
    fn randint(&mut self, a: usize, b: usize) -> usize {
        a + self.below(b + 1 - a)
    }
}

/// A fact of a document: `b0..b99`, `n0..n49`, `s0..s49` in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    /// A boolean.
    Bool(usize),
    /// An integer in 0..=100.
    Number(usize),
    /// One of [`LEVELS`].
    Level(usize),
}

impl Fact {
    fn all() -> Vec<Fact> {
        (0..BOOLS).map(Fact::Bool).chain((0..NUMBERS).map(Fact::Number)).chain((0..STRINGS).map(Fact::Level)).collect()
    }

    /// Its key in a document (`b3`).
    pub fn key(self) -> String {
        match self {
            Fact::Bool(i) => format!("b{i}"),
            Fact::Number(i) => format!("n{i}"),
            Fact::Level(i) => format!("s{i}"),
        }
    }
}

/// An atomic test on one fact.
#[derive(Debug, Clone, Copy)]
pub struct Test {
    /// The fact.
    pub fact: Fact,
    /// The threshold (numbers) or the level's index (levels).
    pub value: usize,
}

/// A rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The tests joined by `and`.
    pub a: Vec<Test>,
    /// The last test.
    pub b: Test,
    /// The rules it depends on (none for the first ten): first, and last (the same when one).
    pub deps: Option<(usize, usize)>,
    /// How many distinct dependencies it has.
    pub dep_count: usize,
}

/// A document: the value of every fact, in [`Fact::all`] order (booleans as 0/1).
pub type Doc = Vec<u8>;

/// The rules and documents.
pub struct Workload {
    /// The rules, r0 first.
    pub rules: Vec<Rule>,
    /// The documents.
    pub docs: Vec<Doc>,
}

fn pick_test(rng: &mut PyRandom, facts: &[Fact]) -> Test {
    let fact = facts[rng.below(facts.len())];
    let value = match fact {
        Fact::Bool(_) => 1,
        Fact::Number(_) => rng.randint(0, 100),
        Fact::Level(_) => rng.below(LEVELS.len()),
    };
    Test { fact, value }
}

/// Generates `rules` rules and `docs` documents from `seed` (rules from `seed`, documents from
/// `seed + 1`, as `gen.py` does).
pub fn generate(rules: usize, docs: usize, seed: u32) -> Workload {
    let facts = Fact::all();
    let mut rng = PyRandom::new(seed);
    let mut out = Vec::with_capacity(rules);
    for i in 0..rules {
        let k = [2, 3][rng.below(2)];
        let tests: Vec<Test> = (0..k).map(|_| pick_test(&mut rng, &facts)).collect();
        let (deps, dep_count) = if i >= ROOTS {
            let m = [1, 2][rng.below(2)];
            let first = if rng.random() < 0.5 { i - 1 } else { rng.randint(i.saturating_sub(50), i - 1) };
            if m == 2 {
                let last = loop {
                    let d = rng.randint(0, i - 1);
                    if d != first {
                        break d;
                    }
                };
                (Some((first, last)), 2)
            } else {
                (Some((first, first)), 1)
            }
        } else {
            (None, 0)
        };
        out.push(Rule { a: tests[..k - 1].to_vec(), b: tests[k - 1], deps, dep_count });
    }
    let mut rng = PyRandom::new(seed + 1);
    let docs = (0..docs)
        .map(|_| {
            let mut d = Vec::with_capacity(facts.len());
            d.extend((0..BOOLS).map(|_| u8::from(rng.random() < 0.5)));
            d.extend((0..NUMBERS).map(|_| rng.randint(0, 100) as u8));
            d.extend((0..STRINGS).map(|_| rng.below(LEVELS.len()) as u8));
            d
        })
        .collect();
    Workload { rules: out, docs }
}

fn slot(fact: Fact) -> usize {
    match fact {
        Fact::Bool(i) => i,
        Fact::Number(i) => BOOLS + i,
        Fact::Level(i) => BOOLS + NUMBERS + i,
    }
}

fn holds(t: &Test, doc: &Doc) -> bool {
    let v = usize::from(doc[slot(t.fact)]);
    match t.fact {
        Fact::Bool(_) => v == 1,
        Fact::Number(_) => v >= t.value,
        Fact::Level(_) => v == t.value,
    }
}

impl Workload {
    /// The value of every rule for `doc`, computed directly (the reference).
    pub fn reference(&self, doc: &Doc) -> Vec<bool> {
        let mut r: Vec<bool> = Vec::with_capacity(self.rules.len());
        for rule in &self.rules {
            let a = rule.a.iter().all(|t| holds(t, doc));
            let b = holds(&rule.b, doc);
            let v = match rule.deps {
                None => a || b,
                Some((first, last)) => (a && r[first]) || (b && !r[last]),
            };
            r.push(v);
        }
        r
    }

    /// Dependency edges, atomic tests and the longest chain of rules (as `gen.py` prints them).
    pub fn shape(&self) -> (usize, usize, usize) {
        let edges = self.rules.iter().map(|r| r.dep_count).sum();
        let tests = self.rules.iter().map(|r| r.a.len() + 1).sum();
        let mut depth: Vec<usize> = Vec::with_capacity(self.rules.len());
        for r in &self.rules {
            let d = match r.deps {
                None => 1,
                Some((f, l)) => 1 + depth[f].max(depth[l]),
            };
            depth.push(d);
        }
        (edges, tests, depth.into_iter().max().unwrap_or(0))
    }

    /// The rules in Norma: an instrument declaring the 200 facts as `doc.*` and one definition
    /// per rule.
    pub fn norma(&self) -> String {
        let mut out = String::from(
            "instrument bench.dag\n  title en \"Compliance DAG benchmark\"\n  title ko \"준수 DAG 벤치마크\"\n  jurisdiction EU\n",
        );
        let levels = LEVELS.join(", ");
        for f in Fact::all() {
            let ty = match f {
                Fact::Bool(_) => "bool".to_string(),
                Fact::Number(_) => "integer".to_string(),
                Fact::Level(_) => format!("enum {{{levels}}}"),
            };
            let k = f.key();
            let _ = write!(out, "\nfact doc.{k} : {ty}\n  question en \"{k}?\"\n  question ko \"{k}?\"\n");
        }
        let test = |t: &Test| match t.fact {
            Fact::Bool(_) => format!("doc.{}", t.fact.key()),
            Fact::Number(_) => format!("doc.{} >= {}", t.fact.key(), t.value),
            Fact::Level(_) => format!("doc.{} = {}", t.fact.key(), LEVELS[t.value]),
        };
        for (i, r) in self.rules.iter().enumerate() {
            let a = r.a.iter().map(test).collect::<Vec<_>>().join(" and ");
            let b = test(&r.b);
            let body = match r.deps {
                None => format!("({a}) or ({b})"),
                Some((first, last)) => format!("({a} and r{first}) or ({b} and not r{last})"),
            };
            let _ = write!(out, "\ndefine r{i}\n  = {body}\n");
        }
        out
    }

    /// The rules in Rego v1, as `gen.py` writes them (`data.compliance.summary`).
    pub fn rego(&self) -> String {
        let lit = |t: &Test| match t.fact {
            Fact::Bool(_) => format!("input.{} == true", t.fact.key()),
            Fact::Number(_) => format!("input.{} >= {}", t.fact.key(), t.value),
            Fact::Level(_) => format!("input.{} == \"{}\"", t.fact.key(), LEVELS[t.value]),
        };
        let mut out: Vec<String> =
            vec!["package compliance".into(), String::new(), "import rego.v1".into(), String::new()];
        for (i, r) in self.rules.iter().enumerate() {
            out.push(format!("default r{i} := false"));
            let mut a: Vec<String> = r.a.iter().map(lit).collect();
            let mut b = vec![lit(&r.b)];
            if let Some((first, last)) = r.deps {
                a.push(format!("r{first}"));
                b.push(format!("not r{last}"));
            }
            out.push(format!("r{i} if {{ {} }}", a.join("; ")));
            out.push(format!("r{i} if {{ {} }}", b.join("; ")));
            out.push(String::new());
        }
        let ids: Vec<String> = (0..self.rules.len()).map(|i| format!("r{i}")).collect();
        let mut chunks = Vec::new();
        for (c, chunk) in ids.chunks(50).enumerate() {
            chunks.push(format!("chunk{c}"));
            out.push(format!("chunk{c} := ["));
            for line in chunk.chunks(20) {
                out.push(format!("\t{},", line.join(", ")));
            }
            out.push("]".into());
        }
        out.push(String::new());
        out.push(format!("summary := [{}]", chunks.join(", ")));
        out.push(String::new());
        out.join("\n")
    }

    /// A document as JSON: flat (`{"b0":false,…}`) for Rego, or under `doc` for a Norma facts
    /// file (JSON is YAML).
    pub fn json(&self, doc: &Doc, nested: bool) -> String {
        let values: Vec<String> = Fact::all()
            .into_iter()
            .map(|f| {
                let v = doc[slot(f)];
                let shown = match f {
                    Fact::Bool(_) => (v == 1).to_string(),
                    Fact::Number(_) => v.to_string(),
                    Fact::Level(_) => format!("\"{}\"", LEVELS[usize::from(v)]),
                };
                format!("\"{}\":{shown}", f.key())
            })
            .collect();
        let flat = format!("{{{}}}", values.join(","));
        if nested { format!("{{\"doc\":{flat}}}") } else { flat }
    }
}
