//! What a Windows toast is made of for a [`Notice`], and what its activation means. Pure,
//! so every rule is tested on any platform; [`window`](super::windows) only hands the
//! XML to WinRT and reads the activation back.
//!
//! - A click on the toast itself opens a window ([`Notice::open_label`]): it is a
//!   protocol activation, `placet-tray:open?window=<window>` ([`protocol_url`]), so it
//!   works whether the tray runs or not (the system starts `placet-tray.exe` with the URL;
//!   a running tray is asked through the door). The window is the one the core opens
//!   for a click on that notification ([`window_of`]). A `placet-tray:` URL can come
//!   from any program, so it can only ever open a window ([`protocol_window`]), never
//!   answer.
//! - A program's proposal has no URL (only the tray holding it can open its window): a
//!   click on its toast is a foreground activation, `launch="open"`.
//! - Buttons and the reply box are foreground activations: they reach only the tray
//!   that showed the toast, through the toast's own `Activated` event, which no other
//!   program can raise; a toast left by a tray that is gone answers nothing (the tray
//!   clears its toasts when it quits and when it starts).
//! - Each of the notice's actions is a button whose arguments are `action:<id>`, the id
//!   exactly as the core gave it (an approval option, or `option:default`).
//! - An inline reply is a text box with a send button (`reply`); toasts always offer one,
//!   so [`Notice::reply`] is honoured whenever it is set.
//! - Toasts always show buttons: [`Notice::without_buttons`] is never needed.
//! - A critical review (about to expire, marked urgent) uses the `urgent` scenario: an
//!   important notification, which Windows 11 shows through Do Not Disturb (Focus Assist)
//!   when the person lets the app (older Windows show it as a reminder). Another review
//!   waiting for the person uses the reminder scenario (it stays on screen until answered
//!   or dismissed) when it has buttons, and the long duration otherwise; information
//!   follows the system's default. Windows applies Do Not Disturb itself: the app does not
//!   read it (there is no documented API for Focus Assist's state).
//! - Each kind has its sound: a decision the system's reminder sound, a message its
//!   instant-message sound, information none (unpackaged apps cannot name a file).
//! - Agent text is data: every text is XML-escaped and stripped of the characters XML
//!   cannot carry, so it can never add elements.

use placet_tray_core::notify::{InfoKey, Notice, NoticeKey, NoticeKind, Response, Urgency};
use placet_tray_core::window::WindowKind;

/// The URL scheme the installer registers for `placet-tray.exe "%1"`.
pub const SCHEME: &str = "placet-tray";
/// The arguments of a click on a toast whose window no URL names (a program's
/// proposal, whose confirmation window only the tray that holds it can open).
pub const OPEN: &str = "open";
/// The arguments of the reply's send button.
pub const REPLY: &str = "reply";
/// The id of the reply's text box (the key of the typed text in the activation).
pub const REPLY_INPUT: &str = "replyText";
/// The prefix of a button's arguments.
const ACTION: &str = "action:";

/// The toast XML for `notice`.
pub fn xml(notice: &Notice) -> String {
    let mut toast = String::from("<toast");
    if notice.open_label.is_some() {
        match window_of(&notice.key) {
            Some(window) => toast.push_str(&format!(
                " launch=\"{}\" activationType=\"protocol\"",
                escape(&protocol_url(&window))
            )),
            None => toast.push_str(&format!(" launch=\"{OPEN}\"")),
        }
    }
    if notice.persistent {
        if notice.urgency == Urgency::Critical {
            toast.push_str(" scenario=\"urgent\"");
        } else if notice.actions.is_empty() && notice.reply.is_none() {
            toast.push_str(" duration=\"long\"");
        } else {
            toast.push_str(" scenario=\"reminder\"");
        }
    }
    toast.push('>');
    toast.push_str("<visual><binding template=\"ToastGeneric\">");
    toast.push_str(&format!(
        "<text hint-maxLines=\"2\">{}</text>",
        escape(&notice.title)
    ));
    if !notice.body.is_empty() {
        toast.push_str(&format!("<text>{}</text>", escape(&notice.body)));
    }
    toast.push_str("</binding></visual>");
    if !notice.actions.is_empty() || notice.reply.is_some() {
        toast.push_str("<actions>");
        if let Some(reply) = &notice.reply {
            toast.push_str(&format!(
                "<input id=\"{REPLY_INPUT}\" type=\"text\" placeHolderContent=\"{}\"/>",
                escape(&reply.placeholder)
            ));
        }
        for a in &notice.actions {
            toast.push_str(&format!(
                "<action content=\"{}\" arguments=\"{}\"/>",
                escape(&a.label),
                escape(&format!("{ACTION}{}", a.id))
            ));
        }
        if let Some(reply) = &notice.reply {
            toast.push_str(&format!(
                "<action content=\"{}\" arguments=\"{REPLY}\" hint-inputId=\"{REPLY_INPUT}\"/>",
                escape(&reply.submit_label)
            ));
        }
        toast.push_str("</actions>");
    }
    match (notice.sound, notice.kind) {
        (true, NoticeKind::Decision) => {
            toast.push_str("<audio src=\"ms-winsoundevent:Notification.Reminder\"/>")
        }
        (true, NoticeKind::Message) => {
            toast.push_str("<audio src=\"ms-winsoundevent:Notification.IM\"/>")
        }
        (false, _) | (true, NoticeKind::Info) => toast.push_str("<audio silent=\"true\"/>"),
    }
    toast.push_str("</toast>");
    toast
}

/// What a foreground activation with `arguments` (and the text typed into the reply
/// box, if any) means, or `None` when it means nothing.
pub fn response(arguments: &str, typed: Option<String>) -> Option<Response> {
    if let Some(id) = arguments.strip_prefix(ACTION) {
        return Some(Response::Action(id.to_owned()));
    }
    match arguments {
        REPLY => Some(Response::Replied(typed.unwrap_or_default())),
        OPEN => Some(Response::Activated),
        _ => None,
    }
}

/// The window a click on the notification `key` opens, as a URL names it: what the core
/// does with its `Activated` response (`flows::responses`). `None` for a program's
/// proposal, whose confirmation window only the tray holding it can open: its toast's
/// click is a foreground activation ([`OPEN`]).
pub fn window_of(key: &NoticeKey) -> Option<WindowKind> {
    match key {
        NoticeKey::Review(id) => Some(WindowKind::review(id)),
        NoticeKey::Info(InfoKey::AuthExpired) => Some(WindowKind::Settings),
        NoticeKey::Info(InfoKey::Confirm(_)) => None,
        NoticeKey::Summary | NoticeKey::Info(_) => Some(WindowKind::Inbox),
    }
}

/// `placet-tray:open?window=<spec>`, the spec percent-encoded.
pub fn protocol_url(window: &WindowKind) -> String {
    let mut url = format!("{SCHEME}:open?window=");
    for b in window.spec().bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// The window a `placet-tray:` URL asks for, or `None` when `arg` is not such a URL
/// or asks for anything else. Whatever the URL says, this is all it can do: open a
/// window (any program can launch a URL).
pub fn protocol_window(arg: &str) -> Option<WindowKind> {
    let (scheme, rest) = arg.trim().split_once(':')?;
    if !scheme.eq_ignore_ascii_case(SCHEME) {
        return None;
    }
    // Some launchers write `placet-tray://open/?window=…`.
    let rest = rest.trim_start_matches('/');
    let (action, query) = rest.split_once('?')?;
    if !action.trim_end_matches('/').eq_ignore_ascii_case("open") {
        return None;
    }
    let spec = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("window="))
        .map(percent_decode)??;
    WindowKind::parse_spec(&spec)
}

/// Decodes `%XX` escapes (and `+` as a space); `None` for a broken escape or bytes
/// that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Escapes `text` for XML text and attribute values, dropping the characters XML 1.0
/// cannot carry (the toast would fail to load).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use placet_tray_core::notify::{NoticeAction, NoticeKey, ReplyField};

    fn review() -> Notice {
        Notice {
            key: NoticeKey::Review("m1".into()),
            title: "Bot needs your review".into(),
            body: "Ship <b>v2</b> & \"more\"?\u{1}".into(),
            actions: vec![
                NoticeAction {
                    id: "approve".into(),
                    label: "Approve".into(),
                },
                NoticeAction {
                    id: "option:default".into(),
                    label: "Delete all…".into(),
                },
            ],
            open_label: Some("Open".into()),
            without_buttons: Some("Click to open the review and answer.".into()),
            reply: None,
            sound: true,
            persistent: true,
            kind: NoticeKind::Decision,
            urgency: Urgency::Normal,
        }
    }

    /// A review's options become buttons with the core's ids, in order, after the text,
    /// and the toast stays on screen.
    #[test]
    fn a_review_has_its_options_as_buttons() {
        let x = xml(&review());
        assert!(
            x.starts_with("<toast launch=\"placet-tray:open?window=review:m1\" activationType=\"protocol\" scenario=\"reminder\">"),
            "{x}"
        );
        let approve = x
            .find("<action content=\"Approve\" arguments=\"action:approve\"/>")
            .expect("approve button");
        let danger = x
            .find("<action content=\"Delete all…\" arguments=\"action:option:default\"/>")
            .expect("danger button, with the core's label");
        assert!(approve < danger, "buttons keep their order: {x}");
        assert!(
            !x.contains("Click to open"),
            "toasts show buttons, so no hint: {x}"
        );
        assert!(
            x.contains("<audio src=\"ms-winsoundevent:Notification.Reminder\"/>"),
            "a decision's sound: {x}"
        );
    }

    /// Agent text cannot add elements, and characters XML cannot carry are dropped.
    #[test]
    fn agent_text_is_escaped() {
        let x = xml(&review());
        assert!(
            x.contains("<text>Ship &lt;b&gt;v2&lt;/b&gt; &amp; &quot;more&quot;?</text>"),
            "{x}"
        );
        assert!(!x.contains('\u{1}'), "control character dropped");
    }

    /// The reply box comes first among the actions and its send button names it.
    #[test]
    fn inline_reply_is_a_text_box() {
        let mut n = review();
        n.reply = Some(ReplyField {
            placeholder: "Comment".into(),
            submit_label: "Send".into(),
            without_field: None,
        });
        let x = xml(&n);
        let input = x
            .find("<input id=\"replyText\" type=\"text\" placeHolderContent=\"Comment\"/>")
            .expect("text box");
        let send = x
            .find("<action content=\"Send\" arguments=\"reply\" hint-inputId=\"replyText\"/>")
            .expect("send button");
        assert!(input < send, "{x}");
    }

    /// Information without buttons follows the system's timeout, silently when asked;
    /// a notice that opens nothing has no launch arguments.
    #[test]
    fn information_is_plain() {
        let n = Notice {
            key: NoticeKey::Summary,
            title: "3 reviews need you".into(),
            body: String::new(),
            actions: Vec::new(),
            open_label: None,
            without_buttons: None,
            reply: None,
            sound: false,
            persistent: false,
            kind: NoticeKind::Info,
            urgency: Urgency::Low,
        };
        assert_eq!(
            xml(&n),
            "<toast><visual><binding template=\"ToastGeneric\"><text hint-maxLines=\"2\">3 reviews need you</text></binding></visual><audio silent=\"true\"/></toast>"
        );
        let mut kept = n.clone();
        kept.persistent = true;
        assert!(xml(&kept).starts_with("<toast duration=\"long\">"));
    }

    /// Foreground activations map back to the core's responses; anything else means
    /// nothing.
    #[test]
    fn activations_become_responses() {
        assert_eq!(
            response("action:approve", None),
            Some(Response::Action("approve".into()))
        );
        assert_eq!(
            response("action:option:default", None),
            Some(Response::Action("option:default".into()))
        );
        assert_eq!(
            response(REPLY, Some("looks good".into())),
            Some(Response::Replied("looks good".into()))
        );
        assert_eq!(response(OPEN, None), Some(Response::Activated));
        assert_eq!(
            response("", None),
            None,
            "a click on a toast that opens nothing"
        );
    }

    /// A click on a notification opens what the core opens for it, by URL.
    #[test]
    fn clicks_open_the_core_s_window() {
        assert_eq!(
            window_of(&NoticeKey::Review("m1".into())),
            Some(WindowKind::review("m1"))
        );
        assert_eq!(window_of(&NoticeKey::Summary), Some(WindowKind::Inbox));
        assert_eq!(
            window_of(&NoticeKey::Info(InfoKey::AuthExpired)),
            Some(WindowKind::Settings)
        );
        assert_eq!(
            window_of(&NoticeKey::Info(InfoKey::Delivery("m2".into()))),
            Some(WindowKind::Inbox)
        );
        assert_eq!(window_of(&NoticeKey::Info(InfoKey::Confirm(1))), None);
        let mut confirm = review();
        confirm.key = NoticeKey::Info(InfoKey::Confirm(1));
        assert!(
            xml(&confirm).starts_with("<toast launch=\"open\" scenario="),
            "a proposal's toast opens its window in the tray that holds it"
        );
        confirm.open_label = None;
        assert!(xml(&confirm).starts_with("<toast scenario="), "no launch");
    }

    /// URLs carry any message id and read back to the same window.
    #[test]
    fn protocol_urls_round_trip() {
        for id in ["m1", "a b&c=d?e/f%g", "ünï", "review:x"] {
            let w = WindowKind::review(id);
            let url = protocol_url(&w);
            assert!(!url.contains(' ') && !url.contains('&'), "{url}");
            assert_eq!(protocol_window(&url), Some(w), "{url}");
        }
        assert_eq!(
            protocol_window("PLACET-TRAY://open/?window=inbox"),
            Some(WindowKind::Inbox)
        );
    }

    /// A URL from anywhere opens a window at most: no answers, no other actions, no
    /// other schemes, nothing broken.
    #[test]
    fn protocol_urls_only_open_windows() {
        for url in [
            "placet-tray:respond?id=m1&option=approve",
            "placet-tray:open?option=approve",
            "placet-tray:open?window=",
            "placet-tray:open?window=review:",
            "placet-tray:open?window=logout",
            "placet-tray:open?window=%ZZ",
            "placet-tray:open?window=%FF",
            "placet-trayx:open?window=inbox",
            "https://example.com/?window=inbox",
            "status",
            "--open",
        ] {
            assert_eq!(protocol_window(url), None, "{url}");
        }
    }

    /// A critical review is an important (urgent) toast; a message has the instant
    /// message sound; information is silent whatever it asks.
    #[test]
    fn urgency_and_kind_choose_scenario_and_sound() {
        let critical = Notice {
            urgency: Urgency::Critical,
            ..review()
        };
        assert!(
            xml(&critical).starts_with(
                "<toast launch=\"placet-tray:open?window=review:m1\" activationType=\"protocol\" scenario=\"urgent\">"
            ),
            "{}",
            xml(&critical)
        );
        let message = Notice {
            kind: NoticeKind::Message,
            persistent: false,
            ..review()
        };
        assert!(xml(&message).contains("<audio src=\"ms-winsoundevent:Notification.IM\"/>"));
        let info = Notice {
            kind: NoticeKind::Info,
            persistent: false,
            ..review()
        };
        assert!(xml(&info).contains("<audio silent=\"true\"/>"));
    }
}
