//! The questionnaire behind `norma ask`: the most decisive open question first, each answer
//! written into the facts file's text ([`crate::facts::edit`]), read back by the facts loader to
//! prove it holds the answer, and the assessment brought up to date (only the rules the answer
//! reaches are evaluated again), so that the next question is the most decisive one given every
//! answer so far. Reading lines and writing the file are the
//! command line's part.

pub mod answer;

use std::collections::BTreeSet;

use crate::diagnostics::Diagnostic;
use crate::eval::Results;
use crate::facts::edit::{self, Entry};
use crate::facts::{Evidence, edit::quote};
use crate::outcome::{Assessment, Question};
use crate::{AssessOptions, Engine, FactsFile};
use answer::{Answer, Invalid, Reply};

/// What a reply did.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The answer was written into the text (as `value`, in the form the file holds it).
    Saved {
        /// The fact or evidence answered.
        fact: String,
        /// The value as written.
        value: String,
    },
    /// The question is skipped for the rest of the session.
    Skipped(String),
    /// The last answer was taken back out of the text.
    Undone(String),
    /// `back` with no answer to undo.
    NothingToUndo,
    /// The session is over.
    Quit,
    /// The reply is not an answer to the question; it is asked again.
    Invalid(Invalid),
    /// The question cannot be answered in a session (a kind of value a facts file does not
    /// hold); it is skipped.
    Unanswerable(String),
    /// The answer could not be written into this file (the reason); the question is skipped.
    NotSaved(String, String),
}

/// A questionnaire over one facts file.
pub struct Session<'e> {
    engine: &'e mut Engine,
    options: AssessOptions,
    name: String,
    text: String,
    facts: FactsFile,
    assessment: Assessment,
    /// The evaluation behind `assessment`, kept to evaluate again only what an answer changes.
    results: Option<Results>,
    skipped: BTreeSet<String>,
    /// The answers given, last last: the fact and the text before it.
    answered: Vec<(String, String)>,
}

impl<'e> Session<'e> {
    /// Starts on the facts file `name` with `text`; a file that is not valid facts gives its
    /// diagnostics.
    pub fn start(
        engine: &'e mut Engine,
        name: &str,
        text: String,
        options: AssessOptions,
    ) -> Result<Session<'e>, Vec<Diagnostic>> {
        let facts = engine.load_facts(name, &text)?;
        let (assessment, results) = engine.assess_keeping(&facts, &options);
        Ok(Session {
            engine,
            options,
            name: name.to_string(),
            text,
            facts,
            assessment,
            results: Some(results),
            skipped: BTreeSet::new(),
            answered: Vec::new(),
        })
    }

    /// The question to ask now: the most decisive one not skipped nor answered in this session.
    pub fn question(&self) -> Option<&Question> {
        self.assessment
            .questions
            .iter()
            .find(|q| !self.skipped.contains(&q.fact) && !self.answered.iter().any(|(f, _)| *f == q.fact))
    }

    /// The assessment given every answer so far.
    pub fn assessment(&self) -> &Assessment {
        &self.assessment
    }

    /// The facts file's text with every answer so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// How many answers the text holds.
    pub fn answers(&self) -> usize {
        self.answered.len()
    }

    /// Takes a reply to the current question.
    pub fn reply(&mut self, line: &str) -> Step {
        let Some(asked) = self.question().map(|q| q.fact.clone()) else { return Step::Quit };
        match answer::read(self.engine.policy(), &asked, line) {
            Err(Invalid::Unanswerable) => {
                self.skipped.insert(asked.clone());
                Step::Unanswerable(asked)
            }
            Err(invalid) => Step::Invalid(invalid),
            Ok(Reply::Quit) => Step::Quit,
            Ok(Reply::Skip) => {
                self.skipped.insert(asked.clone());
                Step::Skipped(asked)
            }
            Ok(Reply::Back) => self.undo(),
            Ok(Reply::Answer(a)) => match self.save(&asked, &a) {
                Ok(value) => Step::Saved { fact: asked, value },
                Err(reason) => {
                    self.skipped.insert(asked.clone());
                    Step::NotSaved(asked, reason)
                }
            },
        }
    }

    fn undo(&mut self) -> Step {
        let Some((fact, before)) = self.answered.pop() else { return Step::NothingToUndo };
        match self.engine.load_facts(&self.name, &before) {
            Ok(facts) => {
                self.reassess(before, facts);
                Step::Undone(fact)
            }
            // The text was valid before the answer; keep the answer if it somehow is not.
            Err(_) => {
                self.answered.push((fact, before));
                Step::NothingToUndo
            }
        }
    }

    /// Writes the answer into the text, reads the text back and checks it holds the answer.
    fn save(&mut self, asked: &str, a: &Answer) -> Result<String, String> {
        let entry = match a {
            Answer::Fact(_, v) => {
                Entry::Inline(edit::yaml_value(self.engine.policy(), v).ok_or_else(|| "no value to write".to_string())?)
            }
            Answer::Evidence(_, Evidence::NotHeld) => Entry::Inline("false".into()),
            Answer::Evidence(_, Evidence::Held { reference, date, .. }) => {
                Entry::Fields(vec![("reference".into(), quote(reference)), ("date".into(), date.to_string())])
            }
        };
        let text = edit::set(&self.text, asked, &entry).map_err(|e| e.to_string())?;
        let facts = self.engine.load_facts(&self.name, &text).map_err(|d| {
            d.first().map_or_else(|| "the facts file cannot be read back".to_string(), |d| d.message.clone())
        })?;
        let holds = match a {
            Answer::Fact(f, v) => facts.facts.get(*f) == v,
            Answer::Evidence(i, e) => facts.facts.evidence.get(i) == Some(e),
        };
        if !holds {
            return Err(format!("`{asked}` does not read back as the answer given"));
        }
        let shown = match entry {
            Entry::Inline(v) => v,
            Entry::Fields(fields) => fields.iter().map(|(_, v)| v.as_str()).collect::<Vec<_>>().join(", "),
        };
        self.answered.push((asked.to_string(), std::mem::take(&mut self.text)));
        self.reassess(text, facts);
        Ok(shown)
    }

    fn reassess(&mut self, text: String, facts: FactsFile) {
        let (assessment, results) = match self.results.take() {
            Some(kept) => self.engine.reassess(&self.facts, &facts, &self.options, kept),
            None => self.engine.assess_keeping(&facts, &self.options),
        };
        self.text = text;
        self.facts = facts;
        self.assessment = assessment;
        self.results = Some(results);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
    use super::*;

    const FILE: &str = include_str!("../../tests/ask/start.yaml");

    #[test]
    fn answers_are_written_skips_remembered_and_back_undoes() {
        let mut engine = Engine::embedded().map_err(|_| "policies").unwrap();
        let options = AssessOptions::new(jiff::civil::date(2026, 11, 26));
        let mut s = Session::start(&mut engine, "t.yaml", FILE.into(), options).unwrap();
        let open = s.assessment().open_outcomes();
        assert!(open > 0);
        assert_eq!(s.question().unwrap().fact, "organisation.supply_chain_roles");
        assert_eq!(s.reply("?"), Step::Skipped("organisation.supply_chain_roles".into()));
        assert_eq!(s.question().unwrap().fact, "system.use_cases", "a skipped question is not asked again");
        assert_eq!(s.reply("maybe"), Step::Invalid(Invalid::Choice("maybe".into())));
        let saved = Step::Saved { fact: "system.use_cases".into(), value: "[recruitment_selection]".into() };
        assert_eq!(s.reply("10"), saved);
        assert!(s.text().contains("\n  use_cases: [recruitment_selection]\n"), "{}", s.text());
        assert_ne!(s.question().unwrap().fact, "system.use_cases");
        assert_eq!(s.answers(), 1);
        assert_eq!(s.reply("back"), Step::Undone("system.use_cases".into()));
        assert_eq!(s.text(), FILE);
        assert_eq!(s.assessment().open_outcomes(), open);
        assert_eq!(s.reply("back"), Step::NothingToUndo);
        assert_eq!(s.question().unwrap().fact, "system.use_cases");
        assert_eq!(s.reply("quit"), Step::Quit);
    }
}
