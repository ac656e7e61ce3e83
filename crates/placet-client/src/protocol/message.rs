use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::null_as_default;
use super::review::Review;

/// A Placet message (contract §3.6), as REST and Socket.IO deliver it.
///
/// The `agent` relation that some routes attach is not decoded on purpose: it is the raw
/// agent row and may carry webhook secrets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: String,
    pub channel_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub sender_type: SenderType,
    #[serde(default)]
    pub sender_id: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub status: Option<MessageStatus>,
    #[serde(default)]
    pub review: Option<Review>,
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub delivery_status: DeliveryStatus,
    #[serde(default)]
    pub iteration_group_id: Option<String>,
    #[serde(default)]
    pub iteration: Option<u32>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub attachments: Vec<Attachment>,
    /// Present on `message:created`/`message:updated` for agent messages.
    #[serde(default)]
    pub agent_name: Option<String>,
}

impl Message {
    /// True when the message carries a review that still waits for an answer.
    pub fn is_pending_review(&self) -> bool {
        self.review
            .as_ref()
            .is_some_and(|r| r.status == super::ReviewStatus::Pending)
    }

    /// The first non-empty line of the text, for menus and lists.
    pub fn first_line(&self) -> &str {
        self.text
            .as_deref()
            .unwrap_or("")
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
    }
}

/// A file attached to a message. `size` is a number on the wire (a BigInt serialised by
/// the server).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    pub id: String,
    #[serde(default)]
    pub message_id: Option<String>,
    #[serde(default)]
    pub filename: String,
    #[serde(default)]
    pub mime_type: Option<String>,
    /// A BigInt on the server, normally serialised as a number; a string is accepted.
    #[serde(default, deserialize_with = "lenient_size")]
    pub size: Option<u64>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
}

/// Who sent a message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SenderType {
    #[default]
    Agent,
    User,
    #[serde(other)]
    Other,
}

/// Visual status of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageStatus {
    Info,
    Success,
    Warning,
    Error,
    #[serde(other)]
    Other,
}

/// Delivery status of a message to its agent (contract §5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    #[default]
    Sent,
    WebhookDelivered,
    WebhookFailed,
    AgentReceived,
    #[serde(other)]
    Other,
}

fn lenient_size<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}
