//! `norma ask`: the questionnaire on the terminal, or over piped lines. Asks the session's
//! question, reads a line (with line editing on a terminal), takes the reply, and writes the
//! facts file atomically after every answer and every undo.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::Path;

use norma::ask::answer::Invalid;
use norma::ask::{Session, Step};
use norma::diagnostics;
use norma::outcome::{Assessment, Question};
use norma::procurement::table::Words;

use super::assess::{EvalArgs, read_text, setup};
use super::files::write_atomic;
use super::{OK, USAGE, err, out};

/// The longest answer line read, in bytes.
const MAX_LINE: u64 = 64 * 1024;

/// A line of input.
enum Line {
    /// The text typed.
    Text(String),
    /// Not one line of UTF-8 text within the limit.
    Unreadable,
    /// No more input.
    End,
}

/// Where answers come from.
trait Answers {
    /// Shows the prompt `> ` and reads one line.
    fn line(&mut self) -> Line;
}

/// A terminal: line editing through dialoguer.
struct Terminal;

/// The prompt `> ` and nothing else; the answer stays on the screen after it.
struct Prompt;

impl dialoguer::theme::Theme for Prompt {
    fn format_input_prompt(&self, f: &mut dyn std::fmt::Write, _: &str, _: Option<&str>) -> std::fmt::Result {
        f.write_str("> ")
    }

    fn format_input_prompt_selection(&self, f: &mut dyn std::fmt::Write, _: &str, answer: &str) -> std::fmt::Result {
        write!(f, "> {answer}")
    }
}

impl Answers for Terminal {
    fn line(&mut self) -> Line {
        let input = dialoguer::Input::<String>::with_theme(&Prompt).allow_empty(true);
        match input.interact_text() {
            Ok(text) => Line::Text(text),
            Err(_) => Line::End,
        }
    }
}

/// Lines from a pipe or file; each is echoed after the prompt so that the output reads as a
/// transcript.
struct Piped<R: BufRead>(R);

impl<R: BufRead> Answers for Piped<R> {
    fn line(&mut self) -> Line {
        out("> ");
        let _ = std::io::stdout().flush();
        let mut bytes = Vec::new();
        let read = self.0.by_ref().take(MAX_LINE + 1).read_until(b'\n', &mut bytes);
        let line = match read {
            Ok(0) | Err(_) => {
                out("\n");
                return Line::End;
            }
            Ok(_) if bytes.len() as u64 > MAX_LINE => {
                // The rest of an over-long line is dropped, a bounded piece at a time.
                let mut rest = Vec::new();
                while !bytes.ends_with(b"\n") {
                    rest.clear();
                    match self.0.by_ref().take(MAX_LINE).read_until(b'\n', &mut rest) {
                        Ok(n) if n > 0 => std::mem::swap(&mut bytes, &mut rest),
                        _ => break,
                    }
                }
                Line::Unreadable
            }
            Ok(_) => match String::from_utf8(bytes) {
                Ok(text) => Line::Text(text.trim_end_matches(['\n', '\r']).to_string()),
                Err(_) => Line::Unreadable,
            },
        };
        match &line {
            Line::Text(t) => out(&format!("{t}\n")),
            _ => out("\n"),
        }
        line
    }
}

/// `norma ask`.
pub fn run(args: &EvalArgs) -> u8 {
    let (mut engine, options) = match setup(&args.options) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let text = match read_text(&args.facts) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let name = args.facts.display().to_string();
    let words = Words::embedded(&options.lang);
    let session = match Session::start(&mut engine, &name, text, options) {
        Ok(s) => s,
        Err(diags) => {
            err(&diagnostics::render_human(engine.sources(), &diags, std::io::stderr().is_terminal()));
            return USAGE;
        }
    };
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        converse(session, &args.facts, &words, &mut Terminal)
    } else {
        converse(session, &args.facts, &words, &mut Piped(std::io::stdin().lock()))
    }
}

/// The session: questions until none remain, the input ends or the user quits.
fn converse(mut session: Session<'_>, path: &Path, words: &Words, answers: &mut dyn Answers) -> u8 {
    let file = path.display().to_string();
    out(&format!("{}\n{}\n", words.get("ask_intro").replace("{file}", &file), words.get("ask_commands")));
    let mut shown: Option<String> = None;
    loop {
        let Some(question) = session.question().cloned() else {
            out(&format!("\n{}\n{}", words.get("ask_done"), summary(session.assessment(), words)));
            break;
        };
        if shown.as_deref() != Some(question.fact.as_str()) {
            out(&ask(&question, session.assessment(), words));
            shown = Some(question.fact.clone());
        }
        let line = match answers.line() {
            Line::Text(t) => t,
            Line::Unreadable => {
                out(&invalid(&words.get("ask_why_unreadable"), words));
                continue;
            }
            Line::End => {
                out(&format!("{}\n", words.get("ask_stopped")));
                break;
            }
        };
        let step = session.reply(&line);
        match &step {
            Step::Saved { fact, value } => {
                out(&format!("{}\n", words.get("ask_saved").replace("{fact}", fact).replace("{value}", value)));
            }
            Step::Skipped(fact) => out(&format!("{}\n", words.get("ask_skipped").replace("{fact}", fact))),
            Step::Undone(fact) => out(&format!("{}\n", words.get("ask_undone").replace("{fact}", fact))),
            Step::NothingToUndo => out(&format!("{}\n", words.get("ask_nothing_to_undo"))),
            Step::Invalid(why) => out(&invalid(&reason(why, words), words)),
            Step::Unanswerable(fact) => out(&format!("{}\n", words.get("ask_unanswerable").replace("{fact}", fact))),
            Step::NotSaved(_, why) => out(&format!("{}\n", words.get("ask_not_saved").replace("{why}", why))),
            Step::Quit => {
                out(&format!("{}\n", words.get("ask_stopped")));
                break;
            }
        }
        if matches!(step, Step::Saved { .. } | Step::Undone(_))
            && let Err(e) = write_atomic(path, session.text())
        {
            err(&format!("{}\n", words.get("ask_not_written").replace("{why}", &format!("{}: {e}", file))));
            return USAGE;
        }
        if matches!(step, Step::Undone(_)) {
            shown = None;
        }
    }
    out(&format!(
        "{}\n",
        words.get("ask_answers_saved").replace("{file}", &file).replace("{n}", &session.answers().to_string())
    ));
    OK
}

/// How many outcomes are open.
fn open_line(a: &Assessment, words: &Words) -> String {
    match a.open_outcomes() {
        1 => words.get("ask_open_one"),
        n => words.get("ask_open").replace("{n}", &n.to_string()),
    }
}

/// A question: how many outcomes are open, the fact, the question, its help and its values.
fn ask(q: &Question, a: &Assessment, words: &Words) -> String {
    let mut text = format!(
        "\n[{} · {}]\n{}: {}\n",
        open_line(a, words),
        words.get("ask_decides").replace("{n}", &q.decides.to_string()),
        q.fact,
        q.question
    );
    if let Some(help) = &q.help {
        text.push_str(&format!("  {}\n", help.trim().replace('\n', "\n  ")));
    }
    for (i, choice) in q.allowed.iter().enumerate() {
        match &choice.label {
            Some(label) => text.push_str(&format!("  {:>2}. {}: {label}\n", i + 1, choice.value)),
            None => text.push_str(&format!("  {:>2}. {}\n", i + 1, choice.value)),
        }
    }
    text.push_str(&format!("{}: {}\n", words.get("ask_answer"), hint(q, words)));
    text
}

/// What kind of answer the question takes.
fn hint(q: &Question, words: &Words) -> String {
    match (q.kind.as_str(), &q.unit) {
        ("number", Some(unit)) => words.get("ask_hint_number_unit").replace("{unit}", unit),
        (kind, _) => words.get(&format!("ask_hint_{kind}")),
    }
}

fn invalid(why: &str, words: &Words) -> String {
    format!("{}\n", words.get("ask_invalid").replace("{why}", why))
}

/// Why a reply is not an answer, in the session's language.
fn reason(why: &Invalid, words: &Words) -> String {
    match why {
        Invalid::YesNo => words.get("ask_why_yes_no"),
        Invalid::Choice(w) => words.get("ask_why_choice").replace("{word}", w),
        Invalid::Repeated(w) => words.get("ask_why_repeated").replace("{word}", w),
        Invalid::Number(Some(unit)) => words.get("ask_why_number_unit").replace("{unit}", unit),
        Invalid::Number(None) => words.get("ask_why_number"),
        Invalid::Whole => words.get("ask_why_whole"),
        Invalid::Date => words.get("ask_why_date"),
        Invalid::Duration => words.get("ask_why_duration"),
        Invalid::Evidence => words.get("ask_why_evidence"),
        Invalid::Unanswerable => words.get("ask_why_unanswerable"),
    }
}

/// The outcome once no question remains: what is still open, and per jurisdiction its
/// classification and the norms by status.
fn summary(a: &Assessment, words: &Words) -> String {
    let mut text = format!("{}.\n", open_line(a, words));
    for j in &a.jurisdictions {
        let labels: Vec<String> = j
            .classification
            .iter()
            .map(|(label, v)| {
                let v = match v {
                    Some(true) => words.get("yes"),
                    Some(false) => words.get("no"),
                    None => words.get("undecided"),
                };
                format!("{label} {v}")
            })
            .collect();
        let counts: Vec<String> = ["violated", "not_met", "unknown", "met", "not_yet_applicable", "not_applicable"]
            .iter()
            .map(|s| format!("{} {}", j.counts.get(*s).copied().unwrap_or(0), words.get(&format!("status_{s}"))))
            .collect();
        text.push_str(&format!("{}: {} — {}\n", j.id, labels.join(", "), counts.join(" · ")));
    }
    text
}
