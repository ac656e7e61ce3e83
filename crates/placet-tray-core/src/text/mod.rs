//! Every word Placet Tray shows a person outside its web pages: notifications, the tray
//! menu and tooltip, connection states, delivery outcomes. Agent-supplied text becomes
//! plain text here (markdown dropped, control and direction-override characters
//! removed, lengths limited); whether it is escaped for a notification daemon is the
//! notification backend's business (it knows whether the daemon reads markup).

use chrono::{DateTime, Local, Utc};
use placet_client::protocol::{ApprovalOption, OptionStyle, ReviewKind};
use placet_client::{Message, SessionState};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::notify::{
    option_action_id, Notice, NoticeAction, NoticeKey, NoticeKind, ReplyField, Urgency,
};

mod answers;
mod attention;
mod notices;
mod status;

pub use answers::*;
pub use attention::*;
pub use notices::*;
pub use status::*;

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

    /// A proposal's notice cleans the agent's name and the review's line: no direction
    /// overrides or control characters to disguise what it says.
    #[test]
    fn a_proposal_notice_cleans_agent_text() {
        let (_, body) = proposal_notice("Bot\u{202E}evil\u{1b}[31m", "Deploy\u{2066} v2\u{7}");
        assert!(
            !body
                .chars()
                .any(|c| matches!(c, '\u{202E}' | '\u{2066}' | '\u{1b}' | '\u{7}')),
            "{body:?}"
        );
        assert!(body.starts_with("To Botevil[31m: Deploy v2"), "{body:?}");
    }

    /// A revised review's notification says it was revised after the person's feedback.
    #[test]
    fn a_revision_says_so() {
        let mut m = message(
            "Deploy v3?",
            json!({"type": "approval", "status": "pending"}),
        );
        m.iteration = Some(2);
        let n = review_notice(&m, "Bot", Answering::Buttons, true);
        assert!(
            n.body
                .starts_with("Revised after your feedback (revision 2). Deploy v3?"),
            "{}",
            n.body
        );
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
        assert!(watch.body.ends_with(&watch_only_hint()), "{}", watch.body);
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
