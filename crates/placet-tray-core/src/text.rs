//! Every word Placet Tray shows a person outside its web pages: notifications, the tray
//! menu and tooltip, connection states, delivery outcomes. Agent-supplied text becomes
//! plain text here (markdown dropped, control and direction-override characters
//! removed, lengths limited); whether it is escaped for a notification daemon is the
//! notification backend's business (it knows whether the daemon reads markup).

use chrono::{DateTime, Local, Utc};
use placet_client::protocol::{ApprovalOption, OptionStyle, ReviewKind};
use placet_client::{Message, SessionState};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::notify::{option_action_id, Notice, NoticeAction, NoticeKey, ReplyField};

/// Longest notification body, in characters (before escaping).
pub const BODY_CHARS: usize = 200;
/// Longest menu entry, in characters.
pub const MENU_CHARS: usize = 60;
/// Most approval options offered as notification buttons.
pub const MAX_BUTTONS: usize = 3;

/// The plain text of a markdown string: formatting dropped, links and images reduced to
/// their text, raw HTML kept as literal text.
pub fn markdown_to_plain(markdown: &str) -> String {
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                out.push_str(&t)
            }
            Event::Html(t) | Event::InlineHtml(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Rule => out.push('\n'),
            Event::TaskListMarker(done) => out.push_str(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(t) => {
                out.push('[');
                out.push_str(&t);
                out.push(']');
            }
            Event::Start(Tag::Item) => out.push_str("• "),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableRow,
            ) => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push(' '),
            _ => {}
        }
    }
    clean(&out)
}

/// Removes control characters (keeping newlines), bidirectional overrides and isolates
/// (which can disguise text), collapses runs of blank lines, and trims.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push(' '),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    let mut lines: Vec<&str> = Vec::new();
    for line in out.lines().map(str::trim_end) {
        if line.trim().is_empty() && lines.last().is_some_and(|l| l.trim().is_empty()) {
            continue;
        }
        lines.push(line);
    }
    lines.join("\n").trim().to_owned()
}

/// One line of clean text, cut to `max` characters with an ellipsis.
pub fn one_line(text: &str, max: usize) -> String {
    let flat = clean(text).split_whitespace().collect::<Vec<_>>().join(" ");
    truncate(&flat, max)
}

/// Cuts to at most `max` characters, ending with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s = s.trim_end().to_owned();
    s.push('…');
    s
}

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
    let title = format!("{} needs your review", one_line(agent, 60));
    let text = markdown_to_plain(message.text.as_deref().unwrap_or(""));
    let text = if text.is_empty() {
        "An agent is waiting for your decision.".to_owned()
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
            label: "Open in Placet".to_owned(),
        }],
        _ => Vec::new(),
    };
    let mut body = truncate(&text, BODY_CHARS);
    let without_buttons = match answering {
        Answering::WatchOnly => {
            body.push('\n');
            body.push_str(WATCH_ONLY_HINT);
            None
        }
        Answering::Elsewhere => Some("Click to open it.".to_owned()),
        Answering::WindowOnly => {
            body.push('\n');
            body.push_str("Click to open the review and answer.");
            None
        }
        Answering::Buttons if actions.is_empty() => None,
        Answering::Buttons => Some("Click to open the review and answer.".to_owned()),
    };
    let reply = match (answering, kind) {
        (Answering::Buttons, Some(ReviewKind::TextInput(p))) => Some(ReplyField {
            placeholder: p
                .placeholder
                .as_deref()
                .map(|s| one_line(s, 60))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "Your answer".to_owned()),
            submit_label: one_line(&p.submit_label, 30),
        }),
        (Answering::Buttons, Some(ReviewKind::Approval(p))) if p.allow_comment => {
            Some(ReplyField {
                placeholder: "A comment, then choose an option".to_owned(),
                submit_label: "Add comment".to_owned(),
            })
        }
        _ => None,
    };
    Notice {
        key: NoticeKey::Review(message.id.clone()),
        title,
        body,
        actions,
        open_label: Some("Open".to_owned()),
        without_buttons,
        reply,
        sound,
        persistent: true,
    }
}

/// A review's notice again, after a comment was typed in place: the comment shown, the
/// options to choose from.
pub fn with_comment(mut notice: Notice, comment: &str) -> Notice {
    notice.body = format!(
        "Your comment: “{}”\nChoose an option to send it.",
        one_line(comment, 120)
    );
    notice.reply = None;
    notice.sound = false;
    notice
}

/// The notice when a reply typed in a notification cannot be sent.
pub fn reply_refused(reason: &str) -> (String, String) {
    (
        "Your reply was not sent".to_owned(),
        format!(
            "{}. The review is open to answer there.",
            one_line(reason, 160)
        ),
    )
}

/// The action that opens a review in Placet's web app (a review this app cannot answer).
pub const OPEN_IN_PLACET: &str = "open-in-placet";

/// Said in a watch-only account's review notifications.
pub const WATCH_ONLY_HINT: &str =
    "Watch-only: sign in with your Placet account in Placet Tray's settings to answer.";

fn button(o: &ApprovalOption) -> NoticeAction {
    let label = one_line(&o.label, 40);
    NoticeAction {
        id: option_action_id(&o.id),
        // The ellipsis says that this one opens the review for a confirming click.
        label: if o.style == OptionStyle::Danger {
            format!("{label}…")
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
        (r, 0) => format!("{r} {} need you", plural(r, "review", "reviews")),
        (0, m) => format!(
            "{m} new {} from your agents",
            plural(m, "message", "messages")
        ),
        (r, m) => format!(
            "{r} {} need you, {m} new {}",
            plural(r, "review", "reviews"),
            plural(m, "message", "messages")
        ),
    };
    let body = by_agent
        .iter()
        .map(|(agent, n)| format!("{} ({n})", one_line(agent, 40)))
        .collect::<Vec<_>>()
        .join(", ");
    (title, body)
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// The menu line of a pending review: "Agent: first line".
pub fn menu_line(message: &Message, agent: &str) -> String {
    let first = markdown_to_plain(message.first_line());
    let first = if first.is_empty() {
        message
            .review
            .as_ref()
            .map(|r| format!("{} review", r.kind.type_name()))
            .unwrap_or_default()
    } else {
        first
    };
    // The menu library reads `&` as a mnemonic marker; escape_mnemonic keeps it literal.
    escape_mnemonic(&one_line(
        &format!("{}: {}", one_line(agent, 24), first),
        MENU_CHARS,
    ))
}

// ---- answers from the command line ---------------------------------------------------

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

/// The notice of a program's proposal: it only points at the confirmation window, which
/// shows the whole answer (a notification cannot, and its buttons can be pressed by
/// programs).
pub fn proposal_notice(agent: &str, review_line: &str) -> (String, String) {
    (
        "A program proposes an answer".to_owned(),
        format!(
            "To {}: {}\nOpen it to see the whole answer and confirm or cancel it.",
            one_line(agent, 40),
            one_line(review_line, 100)
        ),
    )
}

// ---- connection, tray and delivery wording ------------------------------------------------

/// One line for a menu or `status`: "Connected", "Offline: … (retry in 4 s)".
pub fn session_state(state: &SessionState, now: DateTime<Utc>) -> String {
    let retry = |at: &DateTime<Utc>| {
        let secs = (*at - now).num_seconds().max(0);
        if secs == 0 {
            "retrying now".to_owned()
        } else {
            format!("retry in {secs} s")
        }
    };
    match state {
        SessionState::SignedOut => "Signed out".to_owned(),
        SessionState::Connecting => "Connecting…".to_owned(),
        SessionState::Connected { .. } => "Connected".to_owned(),
        SessionState::Reconnecting {
            attempt,
            retry_at,
            reason,
        } => format!(
            "Reconnecting (attempt {attempt}, {}): {reason}",
            retry(retry_at)
        ),
        SessionState::Offline {
            retry_at, reason, ..
        } => format!("Offline: {reason} ({})", retry(retry_at)),
        SessionState::AuthExpired => "Signed out by the server: sign in again".to_owned(),
    }
}

/// Added to the tray's status line when the person allowed plain `http` to a remote
/// server.
pub const NOT_ENCRYPTED: &str = " — not encrypted";

/// The tray's status line for `host` with `count` reviews waiting.
pub fn tray_status(state: &SessionState, host: &str, count: usize) -> String {
    match state {
        SessionState::Connected { .. } => match count {
            0 => format!("Connected to {host} — nothing pending"),
            1 => format!("Connected to {host} — 1 review waiting"),
            n => format!("Connected to {host} — {n} reviews waiting"),
        },
        SessionState::Connecting => format!("Connecting to {host}…"),
        SessionState::Reconnecting { attempt, .. } => {
            format!("Reconnecting to {host} (attempt {attempt})…")
        }
        SessionState::Offline { reason, .. } => format!("Offline: {}", one_line(reason, 50)),
        SessionState::AuthExpired => "Sign-in expired — sign in again".to_owned(),
        SessionState::SignedOut => "Signed out".to_owned(),
    }
}

/// The tray icon's tooltip.
pub fn tray_tooltip(state: &SessionState, count: usize, status: &str) -> String {
    let what = match (state, count) {
        (SessionState::Connected { .. }, 0) => "nothing pending".to_owned(),
        (SessionState::Connected { .. }, n) => format!("{n} pending"),
        _ => status.to_owned(),
    };
    format!("Placet Tray — {what}")
}

/// "until 14:00" today, "until Tue 08:00" on another day.
pub fn local_time_of(t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&Local);
    if local.date_naive() == Local::now().date_naive() {
        local.format("%H:%M").to_string()
    } else {
        local.format("%a %H:%M").to_string()
    }
}

/// The notice when the server no longer accepts the sign-in.
pub fn auth_expired(server: &str) -> (String, String) {
    (
        "Sign in to Placet again".to_owned(),
        format!(
            "{server} no longer accepts your sign-in. Click to sign in again; answers you gave are kept."
        ),
    )
}

/// The notice when our answer failed for good.
pub fn answer_failed(agent: &str, reason: &str) -> (String, String) {
    (
        "Your answer was not sent".to_owned(),
        format!("{}: {}", one_line(agent, 60), one_line(reason, 160)),
    )
}

/// The notice when someone else answered first.
pub fn answered_elsewhere(agent: &str) -> (String, String) {
    (
        "Already answered elsewhere".to_owned(),
        format!(
            "{}'s review was answered in another client before your answer arrived; yours was not used.",
            one_line(agent, 60)
        ),
    )
}

/// The notice when our answer arrived after the review expired.
pub fn answered_too_late(agent: &str) -> (String, String) {
    (
        "Your answer arrived too late".to_owned(),
        format!(
            "{}'s review expired before your answer reached the server.",
            one_line(agent, 60)
        ),
    )
}

/// The notice when the agent withdrew a review our answer was on its way to.
pub fn answer_to_withdrawn(agent: &str) -> (String, String) {
    (
        "Your answer was not sent".to_owned(),
        format!(
            "{} withdrew the review before your answer arrived.",
            one_line(agent, 60)
        ),
    )
}

/// The notice when answers queued earlier cannot be read (another key sealed them).
pub fn answer_unreadable() -> (String, String) {
    (
        "A queued answer cannot be read".to_owned(),
        "An answer queued earlier was sealed with a key this sign-in does not have; it is kept and never sent. Answer the review again.".to_owned(),
    )
}

/// An agent's status in words: "active", "busy since 14:00", "error since Tue 08:00".
pub fn agent_status(agent: &placet_client::protocol::Agent) -> String {
    use placet_client::protocol::AgentStatus;
    let word = match agent.status {
        AgentStatus::Active => "active",
        AgentStatus::Busy => "busy",
        AgentStatus::Error => "error",
        AgentStatus::Offline => "offline",
        AgentStatus::Other => "unknown status",
    };
    match agent.status_since {
        Some(t) => format!("{word} since {}", local_time_of(t)),
        None => word.to_owned(),
    }
}

/// The notice when an agent reports an error.
pub fn agent_error(agent: &placet_client::protocol::Agent) -> (String, String) {
    (
        format!("{} reports an error", one_line(&agent.name, 60)),
        agent
            .status_message
            .as_deref()
            .map(|m| one_line(m, 200))
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| "No details were given.".to_owned()),
    )
}

/// "Deploy Bot: busy since 14:00 — Running migrations".
pub fn agent_line(agent: &placet_client::protocol::Agent) -> String {
    let name = one_line(&agent.name, 40);
    let status = agent_status(agent);
    match agent
        .status_message
        .as_deref()
        .map(|m| one_line(m, 60))
        .filter(|m| !m.is_empty())
    {
        Some(m) => format!("{name}: {status} — {m}"),
        None => format!("{name}: {status}"),
    }
}

/// The tray menu entry that pauses notifications shows this while paused.
pub fn paused_until(until: &str) -> String {
    format!("Notifications paused until {until}")
}

/// The account entry of the tray menu.
pub fn sign_out_entry(who: Option<&str>) -> String {
    match who {
        Some(who) => format!("Sign out ({})", escape_mnemonic(who)),
        None => "Sign in…".to_owned(),
    }
}

/// Menu labels mark a mnemonic with `&` (the menu library turns it into GTK's `_` and
/// escapes underscores itself); doubling shows an `&` as it is.
pub fn escape_mnemonic(text: &str) -> String {
    text.replace('&', "&&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(text: &str, review: serde_json::Value) -> Message {
        serde_json::from_value(json!({
            "id": "m1", "channelId": "a1", "text": text, "review": review,
            "createdAt": "2026-01-01T00:00:00.000Z", "attachments": []
        }))
        .unwrap()
    }

    #[test]
    fn markdown_becomes_plain_text() {
        let plain = markdown_to_plain(
            "# Deploy\n\nShip **v2** to [prod](https://x.y)?\n\n- a\n- b\n\n![img](/f1)",
        );
        assert_eq!(plain, "Deploy\nShip v2 to prod?\n• a\n• b\nimg");
    }

    #[test]
    fn markup_and_controls_are_neutralised() {
        let m = message(
            "<b>bold</b> <script>alert(1)</script>\u{7}\u{202E}evil",
            json!({"type": "freeform", "status": "pending"}),
        );
        let n = review_notice(&m, "Bot\u{0}<i>", Answering::Buttons, true);
        assert_eq!(n.title, "Bot<i> needs your review");
        assert!(
            n.body.starts_with("<b>bold</b> <script>"),
            "plain text, escaped by the backend: {}",
            n.body
        );
        assert!(!n.body.contains('\u{7}') && !n.body.contains('\u{202E}'));
    }

    #[test]
    fn long_text_is_cut_to_200_characters() {
        let m = message(&"é".repeat(500), json!(null));
        let n = review_notice(&m, "A", Answering::Buttons, true);
        assert_eq!(n.body.chars().count(), BODY_CHARS);
        assert!(n.body.ends_with('…'));
    }

    #[test]
    fn approval_buttons_guard_danger() {
        let m = message(
            "Deploy?",
            json!({"type": "approval", "status": "pending", "payload": {"options": [
                {"id": "go", "label": "Go", "style": "primary"},
                {"id": "wipe", "label": "Wipe DB", "style": "danger"},
                {"id": "later", "label": "Later"},
                {"id": "never", "label": "Never"}
            ]}}),
        );
        let n = review_notice(&m, "Bot", Answering::Buttons, true);
        let keys: Vec<&str> = n.actions.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(
            keys,
            ["option:go", "option:wipe", "option:later"],
            "at most three"
        );
        assert_eq!(n.actions[1].label, "Wipe DB…");
        assert!(
            n.without_buttons.is_some(),
            "says how to answer without buttons"
        );
        let watch = review_notice(&m, "Bot", Answering::WatchOnly, true);
        assert!(watch.actions.is_empty(), "watch-only: no answer buttons");
        assert!(watch.body.ends_with(WATCH_ONLY_HINT), "{}", watch.body);
    }

    #[test]
    fn menu_lines_are_short_and_mnemonic_safe() {
        let m = message(
            "\n\nplease check my_file.rs and more text that goes on and on and on",
            json!(null),
        );
        let line = menu_line(&m, "Deploy Bot");
        assert!(
            line.starts_with("Deploy Bot: please check my_file.rs"),
            "{line}"
        );
        assert!(line.chars().count() <= MENU_CHARS + 2);
    }
}
