//! The words of notifications: a review's, the summary's, a program's proposal's, and
//! what became of an answer.

use super::*;

/// How a review's notification is offered, beyond its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answering {
    /// The account can answer: approval options become buttons.
    Buttons,
    /// Signed in with an API key (watch-only): no answer buttons, say how to answer.
    WatchOnly,
    /// The review cannot be answered here (a plugin or unknown type): open it.
    Elsewhere,
    /// The person answers only in the app's own windows (strict mode): no answer
    /// buttons, no inline reply; a click opens the review.
    WindowOnly,
}

/// The notification of a pending review from `agent`.
pub fn review_notice(message: &Message, agent: &str, answering: Answering, sound: bool) -> Notice {
    let title = tr!("review-title", agent = one_line(agent, 60));
    let text = markdown_to_plain(message.text.as_deref().unwrap_or(""));
    let text = if text.is_empty() {
        tr!("review-no-text")
    } else {
        text
    };
    let kind = message.review.as_ref().map(|r| &r.kind);
    let actions = match (answering, kind) {
        (Answering::Buttons, Some(ReviewKind::Approval(p))) => {
            p.options.iter().take(MAX_BUTTONS).map(button).collect()
        }
        (Answering::Elsewhere, _) => vec![NoticeAction {
            id: OPEN_IN_PLACET.to_owned(),
            label: tr!("review-open-in-placet"),
        }],
        _ => Vec::new(),
    };
    let text = match message.iteration.filter(|i| *i >= 2) {
        Some(n) => tr!("review-revised", n = n, text = text),
        None => text,
    };
    let mut body = truncate(&text, BODY_CHARS);
    let without_buttons = match answering {
        Answering::WatchOnly => {
            body.push('\n');
            body.push_str(&watch_only_hint());
            None
        }
        Answering::Elsewhere => Some(tr!("review-click-to-open")),
        Answering::WindowOnly => {
            body.push('\n');
            body.push_str(&tr!("review-click-to-answer"));
            None
        }
        Answering::Buttons if actions.is_empty() => None,
        Answering::Buttons => Some(tr!("review-click-to-answer")),
    };
    let reply = match (answering, kind) {
        (Answering::Buttons, Some(ReviewKind::TextInput(p))) => Some(ReplyField {
            placeholder: p
                .placeholder
                .as_deref()
                .map(|s| one_line(s, 60))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| tr!("review-your-answer")),
            submit_label: one_line(&p.submit_label, 30),
            without_field: None,
        }),
        (Answering::Buttons, Some(ReviewKind::Approval(p))) if p.allow_comment => {
            Some(ReplyField {
                placeholder: tr!("review-comment-placeholder"),
                submit_label: tr!("review-add-comment"),
                without_field: None,
            })
        }
        _ => None,
    };
    Notice {
        key: NoticeKey::Review(message.id.clone()),
        title,
        body,
        actions,
        open_label: Some(tr!("review-open")),
        without_buttons,
        reply,
        sound,
        persistent: true,
        kind: NoticeKind::Decision,
        urgency: Urgency::Normal,
    }
}

/// A review's notice again, after a comment was typed in place: the comment shown, the
/// options to choose from.
pub fn with_comment(mut notice: Notice, comment: &str) -> Notice {
    notice.body = tr!("review-with-comment", comment = one_line(comment, 120));
    notice.reply = None;
    notice.sound = false;
    notice
}

/// The notice when a reply typed in a notification cannot be sent.
pub fn reply_refused(reason: &str) -> (String, String) {
    (
        tr!("reply-refused-title"),
        tr!("reply-refused-body", reason = one_line(reason, 160)),
    )
}

/// The action that opens a review in Placet's web app (a review this app cannot answer).
pub const OPEN_IN_PLACET: &str = "open-in-placet";

/// Said in a watch-only account's review notifications.
pub fn watch_only_hint() -> String {
    tr!("review-watch-only")
}

fn button(o: &ApprovalOption) -> NoticeAction {
    let label = one_line(&o.label, 40);
    NoticeAction {
        id: option_action_id(&o.id),
        // The ellipsis says that this one opens the review for a confirming click.
        label: if o.style == OptionStyle::Danger {
            tr!("review-danger-option", label = label)
        } else {
            label
        },
    }
}

/// The summary that stands for many reviews and messages: title and body.
pub fn summary_notice(
    reviews: usize,
    messages: usize,
    by_agent: &[(String, usize)],
) -> (String, String) {
    let title = match (reviews, messages) {
        (r, 0) => tr!("summary-reviews", count = r),
        (0, m) => tr!("summary-messages", count = m),
        (r, m) => tr!("summary-both", reviews = r, messages = m),
    };
    let body = by_agent
        .iter()
        .map(|(agent, n)| format!("{} ({n})", one_line(agent, 40)))
        .collect::<Vec<_>>()
        .join(", ");
    (title, body)
}

/// The notice of a program's proposal: it only points at the confirmation window, which
/// shows the whole answer (a notification cannot, and its buttons can be pressed by
/// programs).
pub fn proposal_notice(agent: &str, review_line: &str) -> (String, String) {
    (
        tr!("proposal-title"),
        tr!(
            "proposal-body",
            agent = one_line(agent, 40),
            review = one_line(review_line, 100)
        ),
    )
}

/// The notice of a program's proposed message to an agent.
pub fn reply_proposal_notice(agent: &str, text: &str) -> (String, String) {
    (
        tr!("reply-proposal-title"),
        tr!(
            "reply-proposal-body",
            agent = one_line(agent, 40),
            text = one_line(text, 100)
        ),
    )
}

/// The reply field of an agent's message: typed in place where the daemon has a field,
/// else a button that opens the conversation.
pub fn message_reply_field(agent: &str) -> ReplyField {
    ReplyField {
        placeholder: tr!("message-reply-placeholder", agent = one_line(agent, 40)),
        submit_label: tr!("message-reply-send"),
        without_field: Some(tr!("message-reply-button")),
    }
}

/// The notice of the person's message to an agent that the server refused.
pub fn reply_failed(agent: &str, reason: &str) -> (String, String) {
    (
        tr!("reply-failed-title", agent = one_line(agent, 40)),
        tr!("reply-failed-body", reason = one_line(reason, 160)),
    )
}

/// The notice when the server no longer accepts the sign-in.
pub fn auth_expired(server: &str) -> (String, String) {
    (
        tr!("auth-expired-title"),
        tr!("auth-expired-body", server = server.to_owned()),
    )
}

/// The notice when our answer failed for good.
pub fn answer_failed(agent: &str, reason: &str) -> (String, String) {
    (
        tr!("answer-failed-title"),
        tr!(
            "answer-failed-body",
            agent = one_line(agent, 60),
            reason = one_line(reason, 160)
        ),
    )
}

/// The notice when someone else answered first.
pub fn answered_elsewhere(agent: &str) -> (String, String) {
    (
        tr!("answered-elsewhere-title"),
        tr!("answered-elsewhere-body", agent = one_line(agent, 60)),
    )
}

/// The notice when our answer arrived after the review expired.
pub fn answered_too_late(agent: &str) -> (String, String) {
    (
        tr!("answered-too-late-title"),
        tr!("answered-too-late-body", agent = one_line(agent, 60)),
    )
}

/// The notice when the agent withdrew a review our answer was on its way to.
pub fn answer_to_withdrawn(agent: &str) -> (String, String) {
    (
        tr!("answer-failed-title"),
        tr!("answer-withdrawn-body", agent = one_line(agent, 60)),
    )
}

/// The notice when answers queued earlier cannot be read (another key sealed them).
pub fn answer_unreadable() -> (String, String) {
    (
        tr!("answer-unreadable-title"),
        tr!("answer-unreadable-body"),
    )
}

/// The notice when an agent reports an error.
pub fn agent_error(agent: &placet_client::protocol::Agent) -> (String, String) {
    (
        tr!("agent-error-title", agent = one_line(&agent.name, 60)),
        agent
            .status_message
            .as_deref()
            .map(|m| one_line(m, 200))
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| tr!("agent-error-no-details")),
    )
}

/// The action of an OAuth prompt's notice that opens the sign-in page in the browser.
pub const OAUTH_OPEN: &str = "oauth-open";

/// The notice of an agent's OAuth prompt: who asks, where to sign in, and (for a device
/// code) the code to type; only a vetted link is named as one to open.
pub fn oauth_notice(agent: &str, prompt: &placet_client::inbox::OAuthPrompt) -> (String, String) {
    let title = tr!(
        "oauth-title",
        agent = one_line(agent, 40),
        provider = one_line(&prompt.provider, 40)
    );
    let host = |u: &str| {
        url::Url::parse(u)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default()
    };
    let body = match (&prompt.device_code, &prompt.auth_url) {
        (Some(d), _) => tr!(
            "oauth-enter-code",
            code = one_line(&d.user_code, 40),
            host = host(&d.verification_uri)
        ),
        (None, Some(u)) => tr!("oauth-open-link", host = host(u)),
        (None, None) => tr!("oauth-unsafe-link"),
    };
    (title, body)
}
