//! The policy set shipped inside the binary (every `.norma` file under `policies/`).

include!(concat!(env!("OUT_DIR"), "/embedded_policies.rs"));

/// Adds every shipped policy file to `sources`, named `embedded:PATH`.
pub fn add_to(sources: &mut crate::source::Sources) {
    for (path, text) in POLICIES {
        sources.add_static(format!("embedded:{path}"), text);
    }
}

/// Adds the shipped modules that the files in `sources` import but do not declare, and those they
/// import in turn: the shipped policies serve as a library for new packs. Returns the ids of the
/// files added.
pub fn add_missing_imports(sources: &mut crate::source::Sources) -> Vec<crate::source::FileId> {
    use std::collections::BTreeSet;
    let header = |_, text: &str| {
        let (kind, name, mut uses) = scan_header(text)?;
        if kind == "part" {
            // A part needs the module it continues; it does not declare it.
            uses.push(name);
            return Some((String::new(), uses));
        }
        Some((name, uses))
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
            let (_, name, uses) = scan_header(text)?;
            Some((name, uses, *path, *text))
        })
        .collect();
    let mut added = Vec::new();
    // A module may be split into parts (`part of …`): bring every file of a wanted module.
    while let Some(name) = wanted.iter().find(|n| !declared.contains(*n)).cloned() {
        declared.insert(name.clone());
        for (_, uses, path, text) in shipped.iter().filter(|(n, ..)| *n == name) {
            wanted.extend(uses.iter().cloned());
            added.push(sources.add_static(format!("embedded:{path}"), text));
        }
    }
    added
}

/// The kind (`instrument`, `guidance`, `vocabulary`, `catalog` or `part`), the module name and the imports
/// of a policy file, read from its first lines without parsing the rest: the header is the first
/// line that is not blank or a comment, and imports are the `use` lines at the start of a line
/// before the first declaration. A file that does not start with a header gives nothing (the
/// checker reports it).
fn scan_header(text: &str) -> Option<(String, String, Vec<String>)> {
    let mut lines = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("//") && !l.starts_with([' ', '\t']));
    let mut words = lines.next()?.split_whitespace();
    let (kind, name) = match words.next()? {
        "part" if words.next() == Some("of") => ("part", words.next()?),
        kind @ ("instrument" | "guidance" | "vocabulary" | "catalog") => (kind, words.next()?),
        _ => return None,
    };
    let uses = lines
        .map_while(|l| l.strip_prefix("use ").and_then(|rest| rest.split_whitespace().next()))
        .map(str::to_string)
        .collect();
    Some((kind.to_string(), name.to_string(), uses))
}

#[cfg(test)]
mod tests {
    #[test]
    fn headers_are_read_without_parsing_the_file() {
        let text = "/// Doc.\n// comment\n\ninstrument eu.x\n  title en \"X\"\n\nuse common as c\nuse kr.y\n\nrole a\n\nuse later\n";
        let (kind, name, uses) = super::scan_header(text).unwrap_or_default();
        assert_eq!((kind.as_str(), name.as_str()), ("instrument", "eu.x"));
        assert_eq!(uses, ["common", "kr.y"], "imports end at the first declaration");
        let part = super::scan_header("part of eu.x\n\nuse common\n").unwrap_or_default();
        assert_eq!(part, ("part".to_string(), "eu.x".to_string(), vec!["common".to_string()]));
        assert!(super::scan_header("define x\n  = true\n").is_none());
        for (path, text) in super::POLICIES {
            let parsed =
                crate::syntax::parse(crate::source::FileId(0), text).module.unwrap_or_else(|| panic!("{path}"));
            let (_, name, uses) = super::scan_header(text).unwrap_or_default();
            assert_eq!(name, parsed.header.id.name, "{path}");
            let parsed_uses: Vec<String> = parsed.uses.iter().map(|u| u.module.name.clone()).collect();
            assert_eq!(uses, parsed_uses, "{path}");
        }
    }

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
