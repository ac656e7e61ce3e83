//! What commands return to pages, ready to render. Agent text travels as data (or as
//! HTML already sanitised in Rust); secrets never appear here.

use chrono::{DateTime, Utc};
use placet_client::protocol::{AgentStatus, Attachment, Review};
use placet_client::SessionState;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::{NotifyFor, QuietHours};

/// The state of a review as a page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ReviewState {
    Pending,
    Sending,
    Answered,
    Expired,
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
    /// False in watch-only (API key) mode.
    pub can_answer: bool,
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
}

/// The account and connection, for the sign-in and settings page.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    pub signed_in: bool,
    pub server: Option<String>,
    pub account: Option<String>,
    pub watch_only: bool,
    /// False when the sign-in is held for this run only.
    pub saved: bool,
    #[ts(type = "SessionState")]
    pub state: SessionState,
    pub state_text: String,
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
}

/// The settings, with the agents for the mute list.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub settings: Settings,
    pub agents: Vec<AgentView>,
}
