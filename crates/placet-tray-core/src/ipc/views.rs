//! What commands return to pages, ready to render. Agent text travels as data (or as
//! HTML already sanitised in Rust); secrets never appear here.

use chrono::{DateTime, Utc};
use placet_client::protocol::{AgentStatus, Attachment, Review};
use placet_client::SessionState;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::{AttentionPrefs, NotifyFor, QuietHours};

/// The state of a review as a page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ReviewState {
    Pending,
    Sending,
    Answered,
    Expired,
    /// The agent deleted the review: it takes no answer.
    Withdrawn,
}

/// A review, ready to render.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewView {
    pub id: String,
    pub agent_id: String,
    pub agent_name: String,
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    /// The message text as sanitised HTML.
    pub html: String,
    #[ts(type = "Review")]
    pub review: Review,
    pub state: ReviewState,
    #[ts(type = "Attachment[]")]
    pub attachments: Vec<Attachment>,
    pub iteration: Option<u32>,
    /// The previous round's feedback and response, for iterations.
    pub previous_feedback: Option<String>,
    #[ts(type = "unknown")]
    pub previous_response: Option<serde_json::Value>,
    /// Every earlier round of a revised review, oldest first.
    pub rounds: Vec<RoundView>,
    /// The message's delivery to its agent (`sent`, `webhook_delivered`,
    /// `webhook_failed`, `agent_received`), as the server has it.
    pub delivery_status: String,
    /// False in watch-only (API key) mode.
    pub can_answer: bool,
    /// The message's page in Placet's web app ("Open in Placet").
    pub page: String,
    /// Its account, by name, when there are several.
    pub account: Option<String>,
    /// Our answer to it, from the decision log.
    pub decision: Option<DecisionView>,
}

/// An earlier round of a revised review.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoundView {
    pub iteration: u32,
    /// What the person asked to change.
    pub feedback: Option<String>,
    /// The answer given then, passwords as dots.
    #[ts(type = "unknown")]
    pub response: Option<serde_json::Value>,
    #[ts(type = "string | null")]
    pub answered_at: Option<DateTime<Utc>>,
}

/// Our answer to a review, as the decision log has it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DecisionView {
    /// What was answered, in short ("option approve").
    pub summary: String,
    /// Where it was given, to follow "Answered ": "in the review window", "from the
    /// command line, confirmed by a click".
    pub given_in: String,
    #[ts(type = "string")]
    pub decided_at: DateTime<Utc>,
    /// `queued`, `sent`, `answeredElsewhere`, `expired`, `withdrawn`, `failed`, ...
    pub outcome: String,
    /// The delivery to the agent (`sent`, `webhook_delivered`, `webhook_failed`,
    /// `agent_received`), when reported.
    pub delivery: Option<String>,
    /// True once the agent has it (webhook delivered or the agent acknowledged).
    pub delivered_to_agent: bool,
}

/// One row of the inbox.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InboxItem {
    pub id: String,
    pub agent_id: String,
    pub agent_name: String,
    /// First line of the text, plain.
    pub title: String,
    #[ts(type = "Review")]
    pub review: Review,
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    pub sending: bool,
    /// The account it came from, by name, when there are several.
    pub account: Option<String>,
    /// Its account can answer (a person's sign-in, not an API key).
    pub can_answer: bool,
}

/// The inbox: every pending review, newest first, and the agents.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InboxView {
    pub items: Vec<InboxItem>,
    pub agents: Vec<AgentView>,
    pub can_answer: bool,
}

/// An agent for lists and filters.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AgentView {
    pub id: String,
    pub name: String,
    #[ts(type = "AgentStatus")]
    pub status: AgentStatus,
    /// What the agent said about its status.
    pub status_message: Option<String>,
    /// The status in words: "busy since 14:00".
    pub status_text: String,
    /// The parent agent, for a sub-agent (listed right after it).
    pub parent_id: Option<String>,
    /// Its account, by name, when there are several.
    pub account: Option<String>,
}

/// The account and connection, for the sign-in and settings page.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    pub signed_in: bool,
    /// The web address.
    pub server: Option<String>,
    /// The live connection's address (the same as `server` behind a reverse proxy).
    pub api: Option<String>,
    pub account: Option<String>,
    pub watch_only: bool,
    /// False when the sign-in is held for this run only.
    pub saved: bool,
    #[ts(type = "SessionState")]
    pub state: SessionState,
    pub state_text: String,
    /// Connected over plain `http` to a server that is not on this machine (the person
    /// allowed it): passwords and sessions travel unencrypted.
    pub insecure: bool,
    /// The server asks for a new password before anything else.
    pub must_change_password: bool,
    /// Every account: the fields above are the first live one's (or the first saved).
    pub accounts: Vec<AccountView>,
}

/// One account, for the settings page's list.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    /// How it is named: its host, or `email@host` where two share one. `signOut`
    /// takes it.
    pub label: String,
    pub server: String,
    pub account: String,
    pub watch_only: bool,
    pub signed_in: bool,
    /// The connection, in words ("Connected", "Signed out").
    pub state_text: String,
}

/// A server's addresses, as sign-in found them.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServerCheckView {
    /// The web address, checked.
    pub server: String,
    /// The live connection's address.
    pub api: String,
}

/// The settings a page edits.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    #[ts(type = "string | null")]
    pub paused_until: Option<DateTime<Utc>>,
    pub quiet_hours: Option<QuietHours>,
    pub muted_agents: Vec<String>,
    pub notify_for: NotifyFor,
    pub sound: bool,
    pub autostart: bool,
    /// Answer only in Placet Tray's own windows: no answer buttons on notifications, no
    /// proposals from the command line.
    pub answer_only_in_windows: bool,
    /// A notification when an agent reports an error.
    pub notify_agent_errors: bool,
    /// Do Not Disturb, urgency, reminders, the badge, the shortcut, the history (always
    /// read; a page that leaves it out of what it saves leaves it as it was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub attention: Option<AttentionPrefs>,
    /// How long the review windows' host stays ready after a review notification or a
    /// closed window, in seconds (0: none kept ready). Left out: unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub windows_warm_secs: Option<u32>,
}

/// The settings, with the agents for the mute list.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub settings: Settings,
    pub agents: Vec<AgentView>,
    /// What the desktop says now.
    pub desktop: DesktopView,
}

/// What the desktop says now, for the settings window.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DesktopView {
    /// The desktop's Do Not Disturb is on.
    pub dnd_on: bool,
    /// Which part of the desktop said so ("GNOME", "dunst").
    pub dnd_by: Option<String>,
    /// The global shortcut bound now, as the desktop names it.
    pub shortcut_bound: Option<String>,
    /// Why the global shortcut is not bound.
    pub shortcut_problem: Option<String>,
}

/// What a program proposes: an answer to a review, or a message to an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ProposalKind {
    Answer,
    Reply,
}

/// Where a program's proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ProposalState {
    /// Waiting for the person's Confirm or Cancel.
    Waiting,
    /// Never sent for a program: a `danger` option (shown so the person knows what was
    /// asked; they may choose it themselves in the review's window).
    Refused,
    /// Confirmed: the answer went to the outbox.
    Confirmed,
    /// Cancelled by the person (or the window closed).
    Cancelled,
    /// Nobody confirmed it in time.
    TimedOut,
    /// The review was answered elsewhere, expired or withdrawn meanwhile.
    Overtaken,
}

/// One line of an answer as it will be sent: what it is and its value, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AnswerRow {
    /// What the value is ("Option", a form field's label, "Text").
    pub label: String,
    /// The value in full (a password: dots, one per character).
    pub value: String,
    /// The field or option id the server receives, when it differs from the label.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub key: Option<String>,
    /// The value is a password: shown as dots, with its length.
    pub secret: bool,
    /// The value spans lines (text, JSON): shown as a block.
    pub block: bool,
}

/// A program's proposed answer, for the confirmation window: the review, the answer
/// exactly as it would be sent, and who proposed it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProposalView {
    #[ts(type = "number")]
    pub id: u64,
    pub kind: ProposalKind,
    pub message_id: String,
    pub agent_name: String,
    /// The review's message text as sanitised HTML.
    pub html: String,
    pub review_type: String,
    pub rows: Vec<AnswerRow>,
    /// The JSON the server receives, passwords as dots.
    pub json: String,
    /// The option is marked dangerous: never sent for a program.
    pub danger: bool,
    /// The person's request for changes, sent beside the answer.
    pub feedback: Option<String>,
    /// Who proposed it: the program and its parents, as the system named them.
    pub proposer: String,
    pub state: ProposalState,
    #[ts(type = "string")]
    pub proposed_at: DateTime<Utc>,
    /// When the proposal lapses if nobody confirms it.
    #[ts(type = "string")]
    pub lapses_at: DateTime<Utc>,
}

/// The conversation with one agent, for its window.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConversationView {
    pub agent_id: String,
    pub agent_name: String,
    /// The agent's status in words ("Busy since 14:00").
    pub status_text: String,
    pub status_message: Option<String>,
    /// The latest messages, oldest first.
    pub messages: Vec<ChatMessageView>,
    /// The person's messages to this agent still waiting in the outbox.
    pub waiting: u32,
    /// False for a watch-only account (signed in with an API key).
    pub can_send: bool,
}

/// A file stored in an agent's channel for the person's next message.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttachedFileView {
    pub id: String,
    pub name: String,
    #[ts(type = "number")]
    pub size: u64,
}

/// One message of a conversation.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessageView {
    pub id: String,
    /// False for the person's own message.
    pub from_agent: bool,
    /// An agent's text, rendered from markdown and sanitised.
    pub html: Option<String>,
    /// The person's own text, as text.
    pub text: Option<String>,
    /// It carries a review (answered in its own window).
    pub has_review: bool,
    pub attachments: u32,
    /// A draft the agent is still writing.
    pub streaming: bool,
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
}

/// An agent's OAuth prompt, for its window.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OAuthView {
    pub state: String,
    pub agent_name: String,
    pub provider: String,
    /// The host of the page Open goes to (only a vetted link has one).
    pub link_host: Option<String>,
    /// The device code to type, large.
    pub user_code: Option<String>,
    /// Where to type it.
    pub verification_uri: Option<String>,
    /// Links the agent sent that are not safe to open, shown as text.
    pub unsafe_links: Vec<String>,
    #[ts(type = "string")]
    pub expires_at: DateTime<Utc>,
}
