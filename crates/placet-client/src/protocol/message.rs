use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::null_as_default;
use super::review::{RawReview, Review};

/// A Placet message (contract §3.6), as REST and Socket.IO deliver it.
///
/// The `agent` relation that some routes attach is not decoded on purpose: it is the raw
/// agent row and may carry webhook secrets.
///
/// A review on a message whose `metadata.plugin` names a plugin is decoded as
/// [`ReviewKind::Plugin`](super::ReviewKind::Plugin) whatever its type: the web UI then
/// draws the plugin's own interface instead of the review card, and this client cannot
/// know what that interface would send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "MessageWire")]
pub struct Message {
    pub id: String,
    pub channel_id: String,
    pub sender_type: SenderType,
    pub sender_id: Option<String>,
    pub text: Option<String>,
    pub status: Option<MessageStatus>,
    pub review: Option<Review>,
    pub metadata: Option<serde_json::Value>,
    pub client_id: Option<String>,
    /// The turn a streamed agent message belongs to; `None` for ordinary messages.
    pub stream_id: Option<String>,
    /// Where a streamed message stands; `None` for ordinary messages.
    pub stream_state: Option<StreamState>,
    pub delivery_status: DeliveryStatus,
    pub iteration_group_id: Option<String>,
    pub iteration: Option<u32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    pub attachments: Vec<Attachment>,
    /// Present on `message:created`/`message:updated` for agent messages.
    pub agent_name: Option<String>,
}

impl Message {
    /// True while the agent is still writing this message (a streaming draft): it is
    /// neither announced nor shown until its final text arrives.
    pub fn is_streaming(&self) -> bool {
        self.stream_state == Some(StreamState::Streaming)
    }

    /// True when the agent gave up on this streamed message (or the server's cleanup
    /// job did): it is never shown.
    pub fn is_aborted(&self) -> bool {
        self.stream_state == Some(StreamState::Aborted)
    }

    /// The plugin that draws this message in the web UI (`metadata.plugin`), if any.
    pub fn plugin(&self) -> Option<&str> {
        self.metadata
            .as_ref()
            .and_then(|m| m.get("plugin"))
            .and_then(serde_json::Value::as_str)
    }

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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Stored; no webhook yet, or none configured.
    #[default]
    Sent,
    /// The agent's webhook answered 2xx.
    WebhookDelivered,
    /// The webhook failed (non-2xx, network error, timeout).
    WebhookFailed,
    /// The agent acknowledged the message (`/ack`).
    AgentReceived,
    #[serde(other)]
    Other,
}

impl DeliveryStatus {
    /// The value as the server writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::WebhookDelivered => "webhook_delivered",
            DeliveryStatus::WebhookFailed => "webhook_failed",
            DeliveryStatus::AgentReceived => "agent_received",
            DeliveryStatus::Other => "other",
        }
    }

    /// Parses the server's value; unknown values are [`DeliveryStatus::Other`].
    pub fn parse(s: &str) -> Self {
        match s {
            "sent" => DeliveryStatus::Sent,
            "webhook_delivered" => DeliveryStatus::WebhookDelivered,
            "webhook_failed" => DeliveryStatus::WebhookFailed,
            "agent_received" => DeliveryStatus::AgentReceived,
            _ => DeliveryStatus::Other,
        }
    }

    /// How far delivery got: a later event of a lower rank (a late `sent`) never hides
    /// a higher one, while a webhook retry may turn `webhook_failed` into
    /// `webhook_delivered` (same rank, the newer wins).
    pub fn rank(self) -> u8 {
        match self {
            DeliveryStatus::Sent | DeliveryStatus::Other => 0,
            DeliveryStatus::WebhookDelivered | DeliveryStatus::WebhookFailed => 1,
            DeliveryStatus::AgentReceived => 2,
        }
    }

    /// True when the agent has the answer: its webhook took it, or it acknowledged it.
    pub fn reached_agent(self) -> bool {
        matches!(
            self,
            DeliveryStatus::WebhookDelivered | DeliveryStatus::AgentReceived
        )
    }
}

/// The lifecycle of a streamed agent message (`MessageStreamStateSchema` upstream).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StreamState {
    /// A draft: the agent is still writing (`PATCH /api/v1/messages/streams/:id`).
    Streaming,
    /// The final text.
    Complete,
    /// Interrupted: by the agent, or by the server's job that aborts drafts older
    /// than five minutes.
    Aborted,
    /// A value this client does not know; treated as final.
    #[serde(other)]
    Other,
}

/// The wire shape of [`Message`]; converting it folds `metadata.plugin` into the review.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MessageWire {
    id: String,
    channel_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    sender_type: SenderType,
    #[serde(default)]
    sender_id: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    status: Option<MessageStatus>,
    #[serde(default)]
    review: Option<RawReview>,
    #[serde(default)]
    metadata: Option<serde_json::Value>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    stream_id: Option<String>,
    #[serde(default)]
    stream_state: Option<StreamState>,
    #[serde(default, deserialize_with = "null_as_default")]
    delivery_status: DeliveryStatus,
    #[serde(default)]
    iteration_group_id: Option<String>,
    #[serde(default)]
    iteration: Option<u32>,
    created_at: DateTime<Utc>,
    #[serde(default)]
    updated_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "null_as_default")]
    attachments: Vec<Attachment>,
    #[serde(default)]
    agent_name: Option<String>,
}

impl From<MessageWire> for Message {
    fn from(w: MessageWire) -> Self {
        let plugin = w
            .metadata
            .as_ref()
            .and_then(|m| m.get("plugin"))
            .and_then(serde_json::Value::as_str);
        let review = w.review.map(|r| Review::from_raw(r, plugin));
        Message {
            id: w.id,
            channel_id: w.channel_id,
            sender_type: w.sender_type,
            sender_id: w.sender_id,
            text: w.text,
            status: w.status,
            review,
            metadata: w.metadata,
            client_id: w.client_id,
            stream_id: w.stream_id,
            stream_state: w.stream_state,
            delivery_status: w.delivery_status,
            iteration_group_id: w.iteration_group_id,
            iteration: w.iteration,
            created_at: w.created_at,
            updated_at: w.updated_at,
            attachments: w.attachments,
            agent_name: w.agent_name,
        }
    }
}

fn lenient_size<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}
