//! How reviews are put into words for notifications and menus: plain text from markdown,
//! with markup escaped, control and direction-override characters removed, and length
//! limits. Agent-supplied text is data, never markup.

use placet_client::protocol::{ApprovalOption, OptionStyle, ReviewKind};
use placet_client::Message;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

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

/// Escapes the characters the notification markup gives meaning to.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A notification button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    /// The action key sent back by the notification server.
    pub key: String,
    pub label: String,
}

/// What a notification button does, decoded from its action key.
///
/// A button's key is its option id, so any notification host (or automation) that
/// invokes an option by id works. Whether the option may be sent by one click is
/// decided when it is invoked, from the review itself: a `danger` option never is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ButtonAction {
    /// The notification's body was clicked: open the review.
    Open,
    /// An approval option was chosen.
    Choose(String),
}

/// The key of an option whose id is `default`, which is the body-click key.
const DEFAULT_OPTION_KEY: &str = "option:default";

impl ButtonAction {
    /// Decodes an action key.
    pub fn from_key(key: &str) -> Self {
        match key {
            "default" => ButtonAction::Open,
            DEFAULT_OPTION_KEY => ButtonAction::Choose("default".to_owned()),
            id => ButtonAction::Choose(id.to_owned()),
        }
    }
}

/// The content of a review's notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewNotice {
    pub summary: String,
    /// Plain text, escaped, at most [`BODY_CHARS`] characters before escaping.
    pub body: String,
    pub buttons: Vec<Button>,
}

/// The notification for a review from `agent`.
pub fn review_notice(message: &Message, agent: &str) -> ReviewNotice {
    let summary = format!("{} needs your review", one_line(agent, 60));
    let text = markdown_to_plain(message.text.as_deref().unwrap_or(""));
    let text = if text.is_empty() {
        "An agent is waiting for your decision.".to_owned()
    } else {
        text
    };
    let body = escape_markup(&truncate(&text, BODY_CHARS));
    let buttons = match message.review.as_ref().map(|r| &r.kind) {
        Some(ReviewKind::Approval(p)) => p.options.iter().take(MAX_BUTTONS).map(button).collect(),
        _ => Vec::new(),
    };
    ReviewNotice {
        summary,
        body,
        buttons,
    }
}

fn button(o: &ApprovalOption) -> Button {
    let label = one_line(&o.label, 40);
    let key = if o.id == "default" {
        DEFAULT_OPTION_KEY.to_owned()
    } else {
        o.id.clone()
    };
    Button {
        key,
        // The ellipsis says that this one opens the review for a confirming click.
        label: if o.style == OptionStyle::Danger {
            format!("{label}…")
        } else {
            label
        },
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
    // Menus on Linux treat `_` as a mnemonic marker; double it to show it.
    one_line(&format!("{}: {}", one_line(agent, 24), first), MENU_CHARS).replace('_', "__")
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
        let n = review_notice(&m, "Bot\u{0}<i>");
        assert_eq!(n.summary, "Bot<i> needs your review");
        assert!(!n.body.contains('<'), "{}", n.body);
        assert!(n.body.contains("&lt;script&gt;"), "{}", n.body);
        assert!(!n.body.contains('\u{7}') && !n.body.contains('\u{202E}'));
    }

    #[test]
    fn long_text_is_cut_to_200_characters() {
        let m = message(&"é".repeat(500), json!(null));
        let n = review_notice(&m, "A");
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
        let n = review_notice(&m, "Bot");
        let keys: Vec<&str> = n.buttons.iter().map(|b| b.key.as_str()).collect();
        assert_eq!(keys, ["go", "wipe", "later"], "at most three");
        assert_eq!(n.buttons[1].label, "Wipe DB…");
        assert_eq!(
            ButtonAction::from_key("wipe"),
            ButtonAction::Choose("wipe".into())
        );
        assert_eq!(ButtonAction::from_key("default"), ButtonAction::Open);
        assert_eq!(
            ButtonAction::from_key("option:default"),
            ButtonAction::Choose("default".into())
        );
    }

    #[test]
    fn menu_lines_are_short_and_mnemonic_safe() {
        let m = message(
            "\n\nplease check my_file.rs and more text that goes on and on and on",
            json!(null),
        );
        let line = menu_line(&m, "Deploy Bot");
        assert!(
            line.starts_with("Deploy Bot: please check my__file.rs"),
            "{line}"
        );
        assert!(line.chars().count() <= MENU_CHARS + 2);
    }
}
