//! What a freedesktop notification daemon (`org.freedesktop.Notifications`) is sent for a
//! [`Notice`], given what it says it can do (`GetCapabilities`). Pure, so every rule is
//! tested without a bus; the Linux backend only puts the result on D-Bus.
//!
//! - No `actions`: no buttons; the body says how to answer instead; only the click on
//!   the notification itself (where the daemon offers one) opens the review.
//! - `body-markup`: the body is escaped (agent text is data, never markup); without it
//!   the body goes as plain text, so a person never reads `&lt;`.
//! - `inline-reply` (KDE Plasma, swaync): a reply field, where the notice offers one.
//! - Reviews stay until they are settled (timeout 0; withdrawn by the app), informational
//!   notices follow the daemon's own timeout.
//! - Each kind of notice has its `category` (`x-placet.review`, `im.received`,
//!   `x-placet.info`) and `urgency`; a decision plays the app's own sound (`sound-file`,
//!   when installed, else `sound-name` `message-new-instant`), a message the desktop's
//!   message sound, information none (`suppress-sound`).

use std::path::Path;

use super::sounds::MESSAGE_SOUND_NAME;
use super::{Notice, NoticeKind, ReplyField, REPLY_BUTTON};

/// The daemon's capabilities that change what is sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub actions: bool,
    pub body_markup: bool,
    pub body_hyperlinks: bool,
    pub persistence: bool,
    pub icon_static: bool,
    pub inline_reply: bool,
    pub sound: bool,
}

impl Capabilities {
    /// From the list `GetCapabilities` returns.
    pub fn from_list<S: AsRef<str>>(list: &[S]) -> Self {
        let has = |c: &str| list.iter().any(|x| x.as_ref() == c);
        Self {
            actions: has("actions"),
            body_markup: has("body-markup"),
            body_hyperlinks: has("body-hyperlinks"),
            persistence: has("persistence"),
            icon_static: has("icon-static"),
            inline_reply: has("inline-reply"),
            sound: has("sound"),
        }
    }
}

/// The action key of a click on the notification itself.
pub const DEFAULT_ACTION: &str = "default";
/// The action key of KDE's inline reply.
pub const INLINE_REPLY_ACTION: &str = "inline-reply";

/// The arguments of one `Notify` call (besides app name, icon and replaced id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub summary: String,
    pub body: String,
    /// Key and label pairs, in order.
    pub actions: Vec<(String, String)>,
    /// What to play (`sound-file` or `sound-name`), or nothing (`suppress-sound`).
    pub sound: Sound,
    /// The placeholder of an inline reply (`x-kde-reply-placeholder-text`).
    pub reply_placeholder: Option<String>,
    /// `category`.
    pub category: &'static str,
    /// `urgency` (0 low, 1 normal, 2 critical).
    pub urgency: u8,
    /// `resident`: stays after an action is invoked (the app withdraws it).
    pub resident: bool,
    /// Milliseconds; 0 never expires, -1 is the daemon's default.
    pub timeout: i32,
}

/// The sound hint of a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sound {
    /// `suppress-sound`: silent.
    Silent,
    /// `sound-name`: a sound of the desktop's theme.
    Named(&'static str),
    /// `sound-file`: this file (an absolute path).
    File(String),
}

/// What to send for `notice` to a daemon with `caps`; `decision_sound` is the app's own
/// sound for decisions, where it is installed.
pub fn render(notice: &Notice, caps: &Capabilities, decision_sound: Option<&Path>) -> Rendered {
    let mut actions = Vec::new();
    let mut body = notice.body.clone();
    if let Some(label) = &notice.open_label {
        // Sent even without `actions`: daemons that ignore actions ignore it, and some
        // still open on a click.
        actions.push((DEFAULT_ACTION.to_owned(), label.clone()));
    }
    if caps.actions {
        for a in &notice.actions {
            actions.push((a.id.clone(), a.label.clone()));
        }
    } else if let Some(hint) = &notice.without_buttons {
        if !body.is_empty() {
            body.push('\n');
        }
        body.push_str(hint);
    }
    let reply_placeholder = match (&notice.reply, caps.inline_reply && caps.actions) {
        (Some(r), true) => {
            actions.push((INLINE_REPLY_ACTION.to_owned(), r.submit_label.clone()));
            Some(r.placeholder.clone())
        }
        (
            Some(ReplyField {
                without_field: Some(label),
                ..
            }),
            false,
        ) if caps.actions => {
            actions.push((REPLY_BUTTON.to_owned(), label.clone()));
            None
        }
        _ => None,
    };
    if caps.body_markup {
        body = escape_markup(&body);
    }
    Rendered {
        summary: notice.title.clone(),
        body,
        actions,
        sound: match (notice.sound, notice.kind, decision_sound) {
            (false, _, _) | (true, NoticeKind::Info, _) => Sound::Silent,
            (true, NoticeKind::Decision, Some(file)) => Sound::File(file.display().to_string()),
            (true, NoticeKind::Decision | NoticeKind::Message, _) => {
                Sound::Named(MESSAGE_SOUND_NAME)
            }
        },
        reply_placeholder,
        category: notice.kind.category(),
        urgency: notice.urgency.byte(),
        resident: notice.persistent && caps.persistence,
        timeout: if notice.persistent { 0 } else { -1 },
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::{NoticeAction, NoticeKey, ReplyField, Urgency};

    fn notice() -> Notice {
        Notice {
            key: NoticeKey::Review("m1".into()),
            title: "Bot needs your review".into(),
            body: "Ship <b>v2</b> & more?".into(),
            actions: vec![
                NoticeAction {
                    id: "approve".into(),
                    label: "Approve".into(),
                },
                NoticeAction {
                    id: "reject".into(),
                    label: "Reject".into(),
                },
            ],
            open_label: Some("Open".into()),
            without_buttons: Some("Click to open the review and answer.".into()),
            reply: Some(ReplyField {
                placeholder: "Comment".into(),
                submit_label: "Send".into(),
                without_field: None,
            }),
            sound: true,
            persistent: true,
            kind: NoticeKind::Decision,
            urgency: Urgency::Normal,
        }
    }

    fn caps(list: &[&str]) -> Capabilities {
        Capabilities::from_list(list)
    }

    #[test]
    fn a_full_daemon_gets_buttons_and_escaped_markup() {
        let r = render(
            &notice(),
            &caps(&["actions", "body", "body-markup", "persistence"]),
            None,
        );
        let keys: Vec<&str> = r.actions.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["default", "approve", "reject"]);
        assert_eq!(r.body, "Ship &lt;b&gt;v2&lt;/b&gt; &amp; more?");
        assert!(r.resident);
        assert_eq!(r.timeout, 0);
        assert_eq!(r.reply_placeholder, None, "no inline-reply capability");
    }

    #[test]
    fn without_actions_the_body_says_how_to_answer() {
        let r = render(&notice(), &caps(&["body"]), None);
        let keys: Vec<&str> = r.actions.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["default"], "no buttons, only the click");
        assert_eq!(
            r.body, "Ship <b>v2</b> & more?\nClick to open the review and answer.",
            "plain text for a daemon without markup"
        );
    }

    /// A reply that may stand in as a button: the field where the daemon has one, the
    /// button where it has only buttons, neither where it has none.
    #[test]
    fn a_reply_button_stands_in_for_the_field() {
        let mut n = notice();
        n.reply = Some(ReplyField {
            placeholder: "Reply".into(),
            submit_label: "Send".into(),
            without_field: Some("Reply…".into()),
        });
        let inline = render(&n, &caps(&["actions", "inline-reply"]), None);
        assert_eq!(inline.reply_placeholder.as_deref(), Some("Reply"));
        assert!(!inline.actions.iter().any(|(id, _)| id == REPLY_BUTTON));
        let buttons = render(&n, &caps(&["actions"]), None);
        assert_eq!(buttons.reply_placeholder, None);
        assert!(
            buttons
                .actions
                .contains(&(REPLY_BUTTON.to_owned(), "Reply…".to_owned())),
            "{:?}",
            buttons.actions
        );
        let none = render(&n, &caps(&[]), None);
        assert!(none.actions.iter().all(|(id, _)| id != REPLY_BUTTON));
    }

    #[test]
    fn inline_reply_where_offered() {
        let r = render(&notice(), &caps(&["actions", "inline-reply"]), None);
        assert_eq!(r.reply_placeholder.as_deref(), Some("Comment"));
        assert_eq!(
            r.actions.last().map(|(k, _)| k.as_str()),
            Some(INLINE_REPLY_ACTION)
        );
    }

    /// Each kind has its category, urgency and sound: a decision the app's own sound
    /// (the desktop's message sound where the file is missing), a message the desktop's
    /// message sound, information none; a notice shown again without its sound is
    /// silent.
    #[test]
    fn each_kind_has_its_signals() {
        let caps = caps(&["actions", "sound"]);
        let file = Path::new("/usr/share/placet-tray/sounds/needs-decision.oga");
        let decision = render(&notice(), &caps, Some(file));
        assert_eq!(decision.category, "x-placet.review");
        assert_eq!(decision.urgency, 1);
        assert_eq!(decision.sound, Sound::File(file.display().to_string()));
        assert_eq!(
            render(&notice(), &caps, None).sound,
            Sound::Named("message-new-instant"),
            "the fallback"
        );
        let critical = Notice {
            urgency: Urgency::Critical,
            ..notice()
        };
        assert_eq!(render(&critical, &caps, Some(file)).urgency, 2);
        let message = Notice {
            kind: NoticeKind::Message,
            persistent: false,
            ..notice()
        };
        let r = render(&message, &caps, Some(file));
        assert_eq!(r.category, "im.received");
        assert_eq!(r.sound, Sound::Named("message-new-instant"));
        let info = Notice {
            kind: NoticeKind::Info,
            urgency: Urgency::Low,
            persistent: false,
            ..notice()
        };
        let r = render(&info, &caps, Some(file));
        assert_eq!((r.category, r.urgency), ("x-placet.info", 0));
        assert_eq!(r.sound, Sound::Silent, "information is silent");
        let quiet = Notice {
            sound: false,
            ..notice()
        };
        assert_eq!(render(&quiet, &caps, Some(file)).sound, Sound::Silent);
    }
}
