//! The policy set shipped inside the binary (every `.norma` file under `policies/`).

include!(concat!(env!("OUT_DIR"), "/embedded_policies.rs"));

/// Adds every shipped policy file to `sources`, named `embedded:PATH`.
pub fn add_to(sources: &mut crate::source::Sources) {
    for (path, text) in POLICIES {
        sources.add(format!("embedded:{path}"), *text);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ships_the_policy_folder() {
        assert!(super::POLICIES.iter().any(|(p, _)| *p == "eu/ai_act.norma"));
        assert!(super::POLICIES.iter().any(|(p, _)| *p == "common/vocabulary.norma"));
    }
}
