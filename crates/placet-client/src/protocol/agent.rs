use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An agent, which is also a channel: `channelId` of its messages is the agent `id`.
///
/// Only the fields a reviewer needs are kept. The server's agent row can carry webhook
/// credentials and a management API key; they are deliberately not decoded, so they cannot
/// reach a log, the UI or a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Agent {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub status: AgentStatus,
    #[serde(default)]
    pub status_message: Option<String>,
    #[serde(default)]
    pub status_since: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_active_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub unread_count: Option<u64>,
    /// True for a sub-agent, one its parent agent started (`setSubagent` upstream).
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub is_subagent: bool,
    /// The parent agent of a sub-agent; `None` for a top-level agent.
    #[serde(default)]
    pub parent_agent_id: Option<String>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
}

/// Agent status (`active | busy | error | offline`, default `offline`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AgentStatus {
    Active,
    Busy,
    Error,
    #[default]
    Offline,
    /// A value this client does not know.
    #[serde(other)]
    Other,
}

/// Payload of `agent:status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentStatusEvent {
    pub agent_id: String,
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub status: AgentStatus,
    #[serde(default)]
    pub status_message: Option<String>,
    #[serde(default)]
    pub status_since: Option<DateTime<Utc>>,
}
