//! The policy set shipped inside the binary (every `.norma` file under `policies/`).

include!(concat!(env!("OUT_DIR"), "/embedded_policies.rs"));

/// Adds every shipped policy file to `sources`, named `embedded:PATH`.
pub fn add_to(sources: &mut crate::source::Sources) {
    for (path, text) in POLICIES {
        sources.add(format!("embedded:{path}"), *text);
    }
}

/// Adds the shipped modules that the files in `sources` import but do not declare, and those they
/// import in turn: the shipped policies serve as a library for new packs. Returns the ids of the
/// files added.
pub fn add_missing_imports(sources: &mut crate::source::Sources) -> Vec<crate::source::FileId> {
    use std::collections::BTreeSet;
    let header = |id, text: &str| {
        let module = crate::syntax::parse(id, text).module?;
        let mut uses: Vec<String> = module.uses.iter().map(|u| u.module.name.clone()).collect();
        if module.header.kind == crate::syntax::ast::ModuleKind::Part {
            // A part needs the module it continues; it does not declare it.
            uses.push(module.header.id.name.clone());
            return Some((String::new(), uses));
        }
        Some((module.header.id.name, uses))
    };
    let mut declared = BTreeSet::new();
    let mut wanted = BTreeSet::new();
    for (id, file) in sources.iter() {
        if let Some((name, uses)) = header(id, &file.text) {
            declared.insert(name);
            wanted.extend(uses);
        }
    }
    let shipped: Vec<(String, Vec<String>, &str, &str)> = POLICIES
        .iter()
        .filter_map(|(path, text)| {
            let module = crate::syntax::parse(crate::source::FileId(0), text).module?;
            let uses = module.uses.iter().map(|u| u.module.name.clone()).collect();
            Some((module.header.id.name, uses, *path, *text))
        })
        .collect();
    let mut added = Vec::new();
    // A module may be split into parts (`part of …`): bring every file of a wanted module.
    while let Some(name) = wanted.iter().find(|n| !declared.contains(*n)).cloned() {
        declared.insert(name.clone());
        for (_, uses, path, text) in shipped.iter().filter(|(n, ..)| *n == name) {
            wanted.extend(uses.iter().cloned());
            added.push(sources.add(format!("embedded:{path}"), *text));
        }
    }
    added
}

#[cfg(test)]
mod tests {
    #[test]
    fn ships_the_policy_folder() {
        assert!(super::POLICIES.iter().any(|(p, _)| *p == "eu/ai_act.norma"));
        assert!(super::POLICIES.iter().any(|(p, _)| *p == "common/vocabulary.norma"));
    }

    #[test]
    fn missing_imports_come_from_the_shipped_policies() {
        let mut sources = crate::source::Sources::new();
        sources.add(
            "mine.norma",
            "instrument mine

use common
use eu.ai_act
",
        );
        let added = super::add_missing_imports(&mut sources);
        let names: Vec<&str> = added.iter().filter_map(|id| sources.get(*id)).map(|f| f.name.as_str()).collect();
        assert_eq!(names.first(), Some(&"embedded:common/vocabulary.norma"));
        assert!(names.contains(&"embedded:eu/ai_act.norma"));
        assert!(
            names.contains(&"embedded:eu/ai_act/classification.norma"),
            "every part of the module comes along: {names:?}"
        );
        // A module the files declare themselves is never replaced.
        let mut own = crate::source::Sources::new();
        own.add(
            "common.norma",
            "vocabulary common
",
        );
        own.add(
            "mine.norma",
            "instrument mine

use common
",
        );
        assert!(super::add_missing_imports(&mut own).is_empty());
    }
}
