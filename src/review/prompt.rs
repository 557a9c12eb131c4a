//! The interactive review: each pending snapshot with its diff, then an
//! answer (`a` accept, `r` reject, `s` skip, `q` quit). On a terminal one
//! key answers, as in `cargo insta review`; from a pipe or a file each
//! answer is a line, so scripted input works too.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use super::decision::Decision;
use super::pending::{accept_file, reject_file, render, shown};

const QUESTION: &str = "accept, reject or skip? [a/r/s, q to quit] ";

/// Reviews `files` in order; returns one decision per file (the rest are
/// skipped on `q` or at the end of the input).
pub fn review(
    files: &[PathBuf],
    input: &mut dyn Answers,
    out: &mut dyn Write,
) -> Result<Vec<Decision>, String> {
    let mut decisions = Vec::with_capacity(files.len());
    for (i, file) in files.iter().enumerate() {
        let shown_text = render(file)?;
        write_out(out, &format!("\n[{}/{}] {shown_text}", i + 1, files.len()))?;
        let Some(answer) = ask(input, out)? else {
            break;
        };
        let decision = match answer {
            Answer::Decide(d) => d,
            Answer::Quit => break,
        };
        apply(file, decision, out)?;
        decisions.push(decision);
    }
    decisions.resize(files.len(), Decision::Skip);
    Ok(decisions)
}

enum Answer {
    Decide(Decision),
    Quit,
}

/// Where answers come from: lines, or single keys.
pub trait Answers {
    /// The next answer (trimmed); `None` at the end of the input.
    fn next(&mut self, out: &mut dyn Write) -> Result<Option<String>, String>;
    /// How to answer, for the line after an unknown answer.
    fn how(&self) -> &'static str;
}

/// One answer per line (piped or scripted input).
pub struct Lines<'a>(pub &'a mut dyn BufRead);

impl Answers for Lines<'_> {
    fn next(&mut self, _: &mut dyn Write) -> Result<Option<String>, String> {
        let mut line = String::new();
        let read = self
            .0
            .read_line(&mut line)
            .map_err(|e| format!("failed to read the answer: {e}"))?;
        Ok((read > 0).then(|| line.trim().to_owned()))
    }

    fn how(&self) -> &'static str {
        "type a, r, s or q, then Enter"
    }
}

/// Asks until a known answer comes; `None` at the end of the input.
fn ask(input: &mut dyn Answers, out: &mut dyn Write) -> Result<Option<Answer>, String> {
    loop {
        write_out(out, QUESTION)?;
        let Some(answer) = input.next(out)? else {
            write_out(out, "\nend of input: the rest are skipped\n")?;
            return Ok(None);
        };
        match parse(&answer) {
            Some(answer) => return Ok(Some(answer)),
            None => write_out(
                out,
                &format!("unknown answer `{answer}`: {}\n", input.how()),
            )?,
        }
    }
}

fn parse(answer: &str) -> Option<Answer> {
    match answer.to_ascii_lowercase().as_str() {
        "a" | "accept" => Some(Answer::Decide(Decision::Accept)),
        "r" | "reject" => Some(Answer::Decide(Decision::Reject)),
        "s" | "skip" | "" => Some(Answer::Decide(Decision::Skip)),
        "q" | "quit" => Some(Answer::Quit),
        _ => None,
    }
}

fn apply(file: &std::path::Path, decision: Decision, out: &mut dyn Write) -> Result<(), String> {
    let line = match decision {
        Decision::Accept => format!("accepted {}\n", shown(&accept_file(file)?)),
        Decision::Reject => {
            reject_file(file)?;
            format!("rejected {}\n", shown(file))
        }
        Decision::Skip => format!("skipped {}\n", shown(file)),
    };
    write_out(out, &line)
}

fn write_out(out: &mut dyn Write, text: &str) -> Result<(), String> {
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| format!("failed to write to the terminal: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_letters_or_words_and_enter_skips() {
        assert!(matches!(parse("a"), Some(Answer::Decide(Decision::Accept))));
        assert!(matches!(
            parse("Reject"),
            Some(Answer::Decide(Decision::Reject))
        ));
        assert!(matches!(parse(""), Some(Answer::Decide(Decision::Skip))));
        assert!(matches!(parse("q"), Some(Answer::Quit)));
        assert!(parse("yes").is_none());
    }
}
