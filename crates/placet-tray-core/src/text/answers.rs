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
                Some(c) => tr!(
                    "answer-words-with-comment",
                    label = label,
                    comment = one_line(c, 60)
                ),
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
        (Answer::Text { text }, _) => tr!("answer-words-text", text = one_line(text, 80)),
        (Answer::Dismiss, Some(k)) => match k.dismiss_label() {
            Some(label) => label.to_owned(),
            None => tr!("answer-words-dismiss"),
        },
        // As `Answer::summary` says them for the log, in the person's language.
        (Answer::Approval { option_id, .. }, _) => {
            tr!("answer-words-option", option = option_id.as_str())
        }
        (Answer::Selection { ids }, _) => tr!("answer-words-selected", ids = ids.join(", ")),
        (Answer::Form { values }, _) => tr!("answer-words-form", count = values.len()),
        (Answer::Freeform { object }, _) => tr!("answer-words-json", count = object.len()),
        (Answer::Dismiss, None) => tr!("answer-words-dismissed"),
    }
}

/// "Approve — Deploy v2?": an answer and the review it answers, on one line.
pub fn answer_line(message: &Message, answer: &placet_client::Answer) -> String {
    let first = markdown_to_plain(message.first_line());
    let words = answer_words(message, answer);
    if first.is_empty() {
        words
    } else {
        one_line(
            &tr!("answer-words-line", answer = words, review = first),
            160,
        )
    }
}

/// Where an answer was given, for the decision history: "Answered " + this.
pub fn answer_source(source: Option<placet_client::outbox::AnswerSource>, stored: &str) -> String {
    use placet_client::outbox::AnswerSource as S;
    match source {
        Some(S::NotificationButton) => tr!("answer-words-source-notification-button"),
        Some(S::NotificationReply) => tr!("answer-words-source-notification-reply"),
        Some(S::ReviewWindow) => tr!("answer-words-source-review-window"),
        Some(S::Inbox) => tr!("answer-words-source-inbox"),
        Some(S::CliConfirmedAtTerminal) => tr!("answer-words-source-cli-at-terminal"),
        Some(S::CliConfirmedByClick) => tr!("answer-words-source-cli-confirmed-by-click"),
        Some(S::CliUnattended) => tr!("answer-words-source-cli-unattended"),
        None => tr!("answer-words-source-elsewhere", source = stored),
    }
}
