//! The catalogued standards an assessment refers to: for each standard that the assessed norms'
//! "also satisfies" lists name, what kind of document it is, whether it is certifiable, its
//! edition and the notes of its catalog (legal hooks, verification), in the report language.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use crate::model::{Policy, STANDARD_KINDS};
use crate::outcome::{Jurisdiction, pick, pick_all};

/// A catalogued standard, as reports describe it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StandardInfo {
    /// The catalog's title, in the report language.
    pub title: Option<String>,
    /// `management_system`, `guidance_standard`, `technical_report`, `technical_specification`,
    /// `product_standard` or `framework`.
    pub kind: Option<String>,
    /// The kind in plain English words.
    pub kind_words: Option<String>,
    /// Whether an organisation can be certified against it.
    pub certifiable: bool,
    /// The edition, as the catalog states it.
    pub edition: Option<String>,
    /// Where the standard is described.
    pub source: Option<String>,
    /// The catalog's notes (legal hooks, verification), in the report language.
    pub notes: Vec<String>,
}

/// The catalogued standards that the norms of `jurisdictions` correspond to, by reference.
pub fn referenced(policy: &Policy, jurisdictions: &[Jurisdiction], lang: &str) -> BTreeMap<String, StandardInfo> {
    let mut out = BTreeMap::new();
    let names = jurisdictions.iter().flat_map(|j| &j.norms).flat_map(|n| &n.also_satisfies).map(|a| &a.standard);
    for reference in names {
        if out.contains_key(reference) {
            continue;
        }
        let Some(catalog) = policy.catalog(reference) else { continue };
        let module = policy.module(catalog.module);
        out.insert(
            reference.clone(),
            StandardInfo {
                title: module.and_then(|m| pick(&m.titles, lang, None)),
                kind: catalog.kind.clone(),
                kind_words: catalog
                    .kind
                    .as_deref()
                    .and_then(|k| STANDARD_KINDS.iter().find(|(w, _)| *w == k))
                    .map(|(_, words)| (*words).to_string()),
                certifiable: catalog.certifiable,
                edition: catalog.edition.clone(),
                source: module.and_then(|m| m.source.clone()),
                notes: module.map(|m| pick_all(&m.notes, lang)).unwrap_or_default(),
            },
        );
    }
    out
}
