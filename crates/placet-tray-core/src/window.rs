//! The app's windows as the core knows them: which window ([`WindowKind`]), what it
//! shows, and the seam through which the core opens windows and talks to their pages
//! ([`WindowHost`]). How windows are hosted (a process of their own, a webview in the
//! tray's process) is the shell's business.

use tokio::sync::broadcast;

use crate::app::Core;
use crate::ipc::UiEvent;

/// A window of the app. A review window is about one review and may only read and
/// answer that one; a confirmation window shows one program's proposal and may only
/// confirm or cancel that one; a conversation window reads and writes to one agent;
/// the inbox lists and opens; settings signs in and out.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WindowKind {
    Review {
        message_id: String,
    },
    Confirm {
        proposal: u64,
    },
    /// An agent's OAuth prompt (by its flow's `state`): the code to type, the page to open.
    OAuth {
        state: String,
    },
    /// The conversation with one agent (by its id): its latest messages and a composer.
    Conversation {
        agent: String,
    },
    Inbox,
    Settings,
}

impl WindowKind {
    /// The window of a review.
    pub fn review(message_id: &str) -> Self {
        WindowKind::Review {
            message_id: message_id.to_owned(),
        }
    }

    /// A label unique to the window (letters, digits and `-` only, as webview labels
    /// allow): `inbox`, `settings`, or `review-` and the message id in hex, so no two
    /// reviews ever share a window.
    pub fn label(&self) -> String {
        match self {
            WindowKind::Review { message_id } => format!("review-{}", hex(message_id)),
            WindowKind::Confirm { proposal } => format!("confirm-{proposal}"),
            WindowKind::OAuth { state } => format!("oauth-{}", hex(state)),
            WindowKind::Conversation { agent } => format!("conversation-{}", hex(agent)),
            WindowKind::Inbox => "inbox".to_owned(),
            WindowKind::Settings => "settings".to_owned(),
        }
    }

    /// The window of a [`label`](Self::label).
    pub fn from_label(label: &str) -> Option<Self> {
        match label {
            "inbox" => Some(WindowKind::Inbox),
            "settings" => Some(WindowKind::Settings),
            other if other.starts_with("confirm-") => {
                let n = other.strip_prefix("confirm-")?;
                if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                Some(WindowKind::Confirm {
                    proposal: n.parse().ok()?,
                })
            }
            other if other.starts_with("oauth-") => Some(WindowKind::OAuth {
                state: unhex(other.strip_prefix("oauth-")?)?,
            }),
            other if other.starts_with("conversation-") => Some(WindowKind::Conversation {
                agent: unhex(other.strip_prefix("conversation-")?)?,
            }),
            other => Some(WindowKind::Review {
                message_id: unhex(other.strip_prefix("review-")?)?,
            }),
        }
    }

    /// Parses what `--open` takes: `inbox`, `settings`, `review:<message-id>` or
    /// `conversation:<agent-id>` (a confirmation window is only ever opened by the tray
    /// itself).
    pub fn parse_spec(spec: &str) -> Option<Self> {
        match spec {
            "inbox" => Some(WindowKind::Inbox),
            "settings" => Some(WindowKind::Settings),
            other => {
                if let Some(agent) = other.strip_prefix("conversation:") {
                    return (!agent.is_empty()).then(|| WindowKind::Conversation {
                        agent: agent.to_owned(),
                    });
                }
                other
                    .strip_prefix("review:")
                    .filter(|id| !id.is_empty())
                    .map(WindowKind::review)
            }
        }
    }

    /// The form [`parse_spec`](Self::parse_spec) reads.
    pub fn spec(&self) -> String {
        match self {
            WindowKind::Review { message_id } => format!("review:{message_id}"),
            WindowKind::Confirm { proposal } => format!("confirm:{proposal}"),
            WindowKind::OAuth { state } => format!("oauth:{state}"),
            WindowKind::Conversation { agent } => format!("conversation:{agent}"),
            WindowKind::Inbox => "inbox".to_owned(),
            WindowKind::Settings => "settings".to_owned(),
        }
    }

    /// The page and its query, e.g. `review.html?id=m1&option=reject`.
    pub fn page(&self, option: Option<&str>) -> String {
        match self {
            WindowKind::Review { message_id } => {
                let mut page = format!("review.html?id={}", query_value(message_id));
                if let Some(o) = option {
                    page.push_str(&format!("&option={}", query_value(o)));
                }
                page
            }
            WindowKind::Confirm { proposal } => format!("confirm.html?id={proposal}"),
            WindowKind::OAuth { state } => format!("oauth.html?state={}", query_value(state)),
            WindowKind::Conversation { agent } => {
                format!("conversation.html?agent={}", query_value(agent))
            }
            // The inbox opened on one review (the global shortcut: the oldest waiting).
            WindowKind::Inbox => match option {
                Some(id) => format!("inbox.html?focus={}", query_value(id)),
                None => "inbox.html".to_owned(),
            },
            WindowKind::Settings => "settings.html".to_owned(),
        }
    }

    /// The title before the core knows more (a review's agent).
    pub fn default_title(&self) -> String {
        match self {
            WindowKind::Review { .. } => tr!("window-review"),
            WindowKind::Confirm { .. } => tr!("window-confirm"),
            WindowKind::OAuth { .. } => tr!("window-oauth"),
            WindowKind::Conversation { .. } => tr!("window-conversation"),
            WindowKind::Inbox => tr!("window-inbox"),
            WindowKind::Settings => tr!("window-settings"),
        }
    }

    /// The inner size, in logical pixels.
    pub fn size(&self) -> (f64, f64) {
        match self {
            WindowKind::Review { .. } => (480.0, 640.0),
            WindowKind::Confirm { .. } => (520.0, 620.0),
            WindowKind::OAuth { .. } => (460.0, 420.0),
            WindowKind::Conversation { .. } => (460.0, 620.0),
            WindowKind::Inbox => (560.0, 640.0),
            WindowKind::Settings => (520.0, 680.0),
        }
    }

    /// The capability class of the window (which commands it may call).
    pub fn class(&self) -> WindowClass {
        match self {
            WindowKind::Review { .. } => WindowClass::Review,
            WindowKind::Confirm { .. } => WindowClass::Confirm,
            WindowKind::OAuth { .. } => WindowClass::OAuth,
            WindowKind::Conversation { .. } => WindowClass::Conversation,
            WindowKind::Inbox => WindowClass::Inbox,
            WindowKind::Settings => WindowClass::Settings,
        }
    }
}

/// The kinds of window, as the command table grants commands to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WindowClass {
    Review,
    Confirm,
    OAuth,
    Conversation,
    Inbox,
    Settings,
}

impl WindowClass {
    /// Every class.
    pub const ALL: [WindowClass; 6] = [
        WindowClass::Review,
        WindowClass::Confirm,
        WindowClass::OAuth,
        WindowClass::Conversation,
        WindowClass::Inbox,
        WindowClass::Settings,
    ];

    /// The name of its capability file (`capabilities/<name>.json`).
    pub fn name(self) -> &'static str {
        match self {
            WindowClass::Review => "review",
            WindowClass::Confirm => "confirm",
            WindowClass::OAuth => "oauth",
            WindowClass::Conversation => "conversation",
            WindowClass::Inbox => "inbox",
            WindowClass::Settings => "settings",
        }
    }
}

/// `s`'s bytes in hex: a label of letters and digits whatever `s` holds.
fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The string [`hex`] made, if `hex` is one.
fn unhex(hex: &str) -> Option<String> {
    if hex.is_empty() || !hex.len().is_multiple_of(2) {
        return None;
    }
    let bytes = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    String::from_utf8(bytes).ok()
}

fn query_value(v: &str) -> String {
    url::form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

/// The title of a window, once the core knows more than its kind (a review's agent).
pub fn title_for(core: &Core, kind: &WindowKind) -> String {
    if let WindowKind::Review { message_id } = kind {
        if let Some(live) = core.live_of_review(message_id) {
            if let Some(m) = live.inbox.get(message_id) {
                let agent = crate::text::one_line(&live.inbox.agent_name(&m), 60);
                return tr!("window-review-of", agent = agent);
            }
        }
    }
    kind.default_title()
}

/// What became of a window the core asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowEvent {
    /// On screen with its page loaded.
    Shown(WindowKind),
    /// Closed (by the person, or by the core).
    Closed(WindowKind),
    /// It cannot be shown here (no window host, no web engine), with the reason.
    Failed(WindowKind, String),
}

/// Opens windows and talks to their pages. Calls return at once.
pub trait WindowHost: Send + Sync + std::fmt::Debug {
    /// Opens the window, or brings it to the front; `option` highlights an approval
    /// option in a review (the person still clicks it to send).
    fn open(&self, kind: WindowKind, option: Option<String>);
    /// Closes the window, if open.
    fn close(&self, kind: &WindowKind);
    /// Sends an event to the windows it concerns ([`UiEvent::concerns`]).
    fn emit(&self, event: UiEvent);
    /// What becomes of windows from now on.
    fn events(&self) -> broadcast::Receiver<WindowEvent>;
    /// A window is likely to be opened soon (a review notification is up): the host may
    /// get ready so it appears at once. Doing nothing is fine.
    fn prewarm(&self) {}
    /// Nothing is likely to be opened soon; a prewarmed host may go.
    fn cool_down(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_unique_and_round_trip() {
        let a = WindowKind::review("c1 2");
        let b = WindowKind::review("c1_2");
        assert_ne!(
            a.label(),
            b.label(),
            "ids that look alike get their own windows"
        );
        for k in [
            a,
            b,
            WindowKind::Inbox,
            WindowKind::Settings,
            WindowKind::review("é/.."),
        ] {
            assert_eq!(WindowKind::from_label(&k.label()), Some(k.clone()));
            assert!(k
                .label()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-'));
            assert_eq!(WindowKind::parse_spec(&k.spec()), Some(k));
        }
        assert_eq!(WindowKind::from_label("review-zz"), None);
        assert_eq!(WindowKind::parse_spec("review:"), None);
        assert_eq!(WindowKind::parse_spec("elsewhere"), None);
    }

    #[test]
    fn pages_carry_their_query() {
        assert_eq!(
            WindowKind::review("c1 2").page(Some("reject")),
            "review.html?id=c1+2&option=reject"
        );
        assert_eq!(WindowKind::Settings.page(None), "settings.html");
    }
}
