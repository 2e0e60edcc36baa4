fn main() {
    let mut sources = norma::source::Sources::new();
    for p in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&p).unwrap();
        sources.add(p.clone(), text.clone());
    }
    let (_p, d) = norma::check_sources(&sources);
    print!("{}", norma::diagnostics::render_human(&sources, &d, false));
}
