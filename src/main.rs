fn main() {
    let mut sources = norma::source::Sources::new();
    let mut all = Vec::new();
    for p in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&p).unwrap();
        let id = sources.add(p.clone(), text.clone());
        let (m, d) = norma::syntax::parse(id, &text);
        println!("{p}: module={} items={}", m.is_some(), m.as_ref().map_or(0, |m| m.items.len()));
        all.extend(d);
    }
    print!("{}", norma::diagnostics::render_human(&sources, &all, false));
}
