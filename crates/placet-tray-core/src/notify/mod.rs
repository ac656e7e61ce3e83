//! Notifications: what pops up and how it is folded, behind one platform seam.
//!
//! This is where a review becomes a notification. The [`driver`](crate::driver) sees a
//! new review in the inbox, checks the person's preferences and asks
//! [`text::review_notice`](crate::text::review_notice) for the words; the
//! [`NotificationCenter`] decides whether it shows on its own or folds into the summary
//! (bursts and floods) and hands a [`Notice`] to the platform's [`Notifier`], which puts
//! it on screen (freedesktop D-Bus on Linux, UNUserNotificationCenter on macOS, toasts on
//! Windows). What the person then does comes back as a [`NoticeEvent`].
//!
//! - [`center`]: bursts, floods, the summary and its coalesced updates.
//! - [`freedesktop`]: what a freedesktop daemon is sent, given its capabilities.
//! - [`sounds`]: the app's own sound for "needs your decision", where installed.
//! - [`recording`]: a notifier that records, for tests.

pub mod center;
pub mod freedesktop;
pub mod recording;
pub mod sounds;

pub use center::{CenterConfig, NotificationCenter};

/// What a notification is about: the key the platform reports clicks with.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NoticeKey {
    /// The notification of one pending review (message id).
    Review(String),
    /// The summary that stands for many reviews and messages.
    Summary,
    /// An informational notification.
    Info(InfoKey),
}

/// Informational notifications, one per key at a time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InfoKey {
    /// The server no longer accepts the sign-in.
    AuthExpired,
    /// About our answer to this review (failed, too late, answered elsewhere).
    Delivery(String),
    /// An agent message (when notifying for every message).
    Message(String),
    /// A program's proposal (by number), waiting for the person in its window.
    Confirm(u64),
    /// This agent reported an error.
    AgentError(String),
    /// An agent asks the person to sign in somewhere (an OAuth flow, by its `state`).
    OAuth(String),
    /// A desktop matter: the global shortcut could not be bound, say.
    Desktop(String),
}

impl NoticeKey {
    /// A short stable name, for logs, tests and platforms that key notifications by a
    /// string (`review:<id>`, `summary`, `info:auth-expired`).
    pub fn tag(&self) -> String {
        match self {
            NoticeKey::Review(id) => format!("review:{id}"),
            NoticeKey::Summary => "summary".to_owned(),
            NoticeKey::Info(InfoKey::AuthExpired) => "info:auth-expired".to_owned(),
            NoticeKey::Info(InfoKey::Delivery(id)) => format!("info:delivery:{id}"),
            NoticeKey::Info(InfoKey::Message(id)) => format!("info:message:{id}"),
            NoticeKey::Info(InfoKey::Confirm(n)) => format!("info:confirm:{n}"),
            NoticeKey::Info(InfoKey::AgentError(id)) => format!("info:agent-error:{id}"),
            NoticeKey::Info(InfoKey::OAuth(state)) => format!("info:oauth:{state}"),
            NoticeKey::Info(InfoKey::Desktop(what)) => format!("info:desktop:{what}"),
        }
    }

    /// The key of a [`tag`](Self::tag).
    pub fn from_tag(tag: &str) -> Option<Self> {
        if let Some(id) = tag.strip_prefix("review:") {
            return Some(NoticeKey::Review(id.to_owned()));
        }
        if let Some(id) = tag.strip_prefix("info:delivery:") {
            return Some(NoticeKey::Info(InfoKey::Delivery(id.to_owned())));
        }
        if let Some(id) = tag.strip_prefix("info:message:") {
            return Some(NoticeKey::Info(InfoKey::Message(id.to_owned())));
        }
        if let Some(n) = tag.strip_prefix("info:confirm:") {
            return n.parse().ok().map(|n| NoticeKey::Info(InfoKey::Confirm(n)));
        }
        if let Some(state) = tag.strip_prefix("info:oauth:") {
            return Some(NoticeKey::Info(InfoKey::OAuth(state.to_owned())));
        }
        if let Some(id) = tag.strip_prefix("info:agent-error:") {
            return Some(NoticeKey::Info(InfoKey::AgentError(id.to_owned())));
        }
        if let Some(what) = tag.strip_prefix("info:desktop:") {
            return Some(NoticeKey::Info(InfoKey::Desktop(what.to_owned())));
        }
        match tag {
            "summary" => Some(NoticeKey::Summary),
            "info:auth-expired" => Some(NoticeKey::Info(InfoKey::AuthExpired)),
            _ => None,
        }
    }
}

/// A button of a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeAction {
    /// What comes back when it is clicked: an approval option id for reviews.
    pub id: String,
    pub label: String,
}

/// An inline reply field, where the platform offers one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyField {
    pub placeholder: String,
    pub submit_label: String,
    /// Where the platform has no reply field: a button with this label stands in for
    /// it and reports [`REPLY_BUTTON`] (the app opens a window to write in).
    pub without_field: Option<String>,
}

/// The action of the button that stands in for a reply field ([`ReplyField`]).
pub const REPLY_BUTTON: &str = "reply-in-window";

/// A notification as the core means it; each backend renders it as its platform can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub key: NoticeKey,
    /// Plain text (never markup).
    pub title: String,
    /// Plain text (never markup): the backend escapes it for daemons that read markup.
    pub body: String,
    /// Buttons, in order.
    pub actions: Vec<NoticeAction>,
    /// A click on the notification itself does something (open the review, the inbox);
    /// the label names it where the platform shows one.
    pub open_label: Option<String>,
    /// Said instead of the buttons where the platform shows none ("Click to open and
    /// answer."); appended to the body.
    pub without_buttons: Option<String>,
    /// An inline reply, where the platform offers it.
    pub reply: Option<ReplyField>,
    /// Play the sound of its [`kind`](Self::kind) (only when it first appears).
    pub sound: bool,
    /// A review waiting for the person (kept on screen) rather than information.
    pub persistent: bool,
    /// What it asks of the person: its category and its sound.
    pub kind: NoticeKind,
    /// How urgently; see [`crate::attention`] for when a review is critical.
    pub urgency: Urgency,
}

/// What a notice asks of the person: each kind has its category and its own sound (or
/// none), so a person (and the desktop's settings) can tell a decision from news.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// A review waiting for a decision (a review, the summary of reviews, a program's
    /// proposal to confirm): category `x-placet.review`, the app's own short sound.
    Decision,
    /// An agent's message or question: category `im.received`, the desktop's
    /// message sound.
    Message,
    /// Information (a delivery's fate, an agent's error, a sign-in to renew): category
    /// `x-placet.info`, never a sound.
    Info,
}

impl NoticeKind {
    /// The freedesktop `category` hint.
    pub fn category(self) -> &'static str {
        match self {
            NoticeKind::Decision => "x-placet.review",
            NoticeKind::Message => "im.received",
            NoticeKind::Info => "x-placet.info",
        }
    }
}

/// How urgently a notice wants the person, as the freedesktop `urgency` hint (and each
/// platform's own mechanism: macOS interruption levels, Windows toast scenarios).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Urgency {
    /// Information that can wait.
    Low,
    /// A review or a message.
    #[default]
    Normal,
    /// A review about to expire, or one its agent marked urgent: shown even through Do
    /// Not Disturb where the desktop lets it.
    Critical,
}

impl Urgency {
    /// The freedesktop `urgency` byte.
    pub fn byte(self) -> u8 {
        match self {
            Urgency::Low => 0,
            Urgency::Normal => 1,
            Urgency::Critical => 2,
        }
    }
}

/// What the person did with a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// The notification itself was clicked.
    Activated,
    /// A button was clicked: its [`NoticeAction::id`].
    Action(String),
    /// Text was typed into the inline reply.
    Replied(String),
    /// It was dismissed or closed by the platform.
    Dismissed,
}

/// A response, with what it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeEvent {
    pub key: NoticeKey,
    pub response: Response,
}

/// The platform's notifications. Calls return at once and take effect in order; the
/// person's responses go to the channel the backend was created with.
pub trait Notifier: Send + Sync + std::fmt::Debug {
    /// Shows a notice, or replaces the one shown with the same key.
    fn show(&self, notice: Notice);
    /// Closes the notice with this key, if shown.
    fn withdraw(&self, key: &NoticeKey);
    /// Closes every notice (sign-out, quit).
    fn withdraw_all(&self);
}

/// Every approval option's action id starts with this, so no option id can pass for
/// one of the daemon's own keys (`default`, `inline-reply`) or for another action.
const OPTION_PREFIX: &str = "option:";

/// The action id of an approval option: `option:` and its id.
pub fn option_action_id(option_id: &str) -> String {
    format!("{OPTION_PREFIX}{option_id}")
}

/// The approval option of an action id; `None` for any other action.
pub fn option_of_action(action_id: &str) -> Option<&str> {
    action_id.strip_prefix(OPTION_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Option ids that look like the daemon's own keys, or like another option's action
    /// id, keep apart.
    #[test]
    fn option_actions_are_unambiguous() {
        let ids = [
            "default",
            "option:default",
            "inline-reply",
            "open-in-placet",
            "",
        ];
        for id in ids {
            assert_eq!(option_of_action(&option_action_id(id)), Some(id), "{id:?}");
        }
        let actions: std::collections::HashSet<String> =
            ids.iter().map(|id| option_action_id(id)).collect();
        assert_eq!(actions.len(), ids.len(), "every option has its own action");
        assert_eq!(option_of_action("default"), None);
        assert_eq!(option_of_action("inline-reply"), None);
        assert_eq!(option_of_action(crate::text::OPEN_IN_PLACET), None);
    }
}
