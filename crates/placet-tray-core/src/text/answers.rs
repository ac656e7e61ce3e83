//! An answer in words: what it says, on one line, and where it was given.

use super::*;

/// What an answer says, in the review's own words: "Approve" (the option's label), the
/// chosen items' labels, the text itself (cut), or a count for forms and JSON (whose
/// values may be passwords).
pub fn answer_words(message: &Message, answer: &placet_client::Answer) -> String {
    use placet_client::Answer;
    let kind = message.review.as_ref().map(|r| &r.kind);
    match (answer, kind) {
        (Answer::Approval { option_id, comment }, Some(ReviewKind::Approval(p))) => {
            let label = p
                .option(option_id)
                .map(|o| one_line(&o.label, 40))
                .unwrap_or_else(|| one_line(option_id, 40));
            match comment.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                Some(c) => format!("{label} (“{}”)", one_line(c, 60)),
                None => label,
            }
        }
        (Answer::Selection { ids }, Some(ReviewKind::Selection(p))) => ids
            .iter()
            .map(|id| {
                p.items
                    .iter()
                    .find(|i| &i.id == id)
                    .map(|i| one_line(&i.label, 30))
                    .unwrap_or_else(|| one_line(id, 30))
            })
            .collect::<Vec<_>>()
            .join(", "),
        (Answer::Text { text }, _) => format!("“{}”", one_line(text, 80)),
        (Answer::Dismiss, Some(k)) => k.dismiss_label().unwrap_or("Dismiss").to_owned(),
        (other, _) => other.summary(),
    }
}

/// "Approve — Deploy v2?": an answer and the review it answers, on one line.
pub fn answer_line(message: &Message, answer: &placet_client::Answer) -> String {
    let first = markdown_to_plain(message.first_line());
    let words = answer_words(message, answer);
    if first.is_empty() {
        words
    } else {
        one_line(&format!("{words} — {first}"), 160)
    }
}

/// Where an answer was given, for the decision history: "Answered " + this.
pub fn answer_source(source: Option<placet_client::outbox::AnswerSource>, stored: &str) -> String {
    use placet_client::outbox::AnswerSource as S;
    match source {
        Some(S::NotificationButton) => "with a notification button",
        Some(S::NotificationReply) => "with a reply typed in a notification",
        Some(S::ReviewWindow) => "in the review window",
        Some(S::Inbox) => "in the inbox",
        Some(S::CliConfirmedAtTerminal) => "from the command line, confirmed at the terminal",
        Some(S::CliConfirmedByClick) => {
            "as a program proposed it, confirmed in Placet Tray's confirmation window"
        }
        Some(S::CliUnattended) => "from the command line, without confirmation",
        None => return format!("elsewhere ({stored})"),
    }
    .to_owned()
}
