//! The records the server keeps, one struct per table row, as Prisma returns them.
//!
//! They sit below both the store (which reads and writes them) and the JSON shapes in
//! `wire` (which render them), so neither has to know the other.

use serde_json::Value;

/// An `Agent` row, every column, as Prisma returns it.
#[derive(Debug, Clone)]
pub(crate) struct AgentRow {
    pub(crate) id: String,
    pub(crate) owner_id: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) avatar_url: Option<String>,
    pub(crate) webhook_url: Option<String>,
    pub(crate) webhook_headers: Option<Value>,
    pub(crate) webhook_auth: Option<Value>,
    pub(crate) status: String,
    pub(crate) status_message: Option<String>,
    pub(crate) status_since: Option<String>,
    pub(crate) last_active_at: Option<String>,
    pub(crate) commands: Option<Value>,
    pub(crate) tag: Option<String>,
    pub(crate) management_url: Option<String>,
    pub(crate) management_api_key: Option<String>,
    pub(crate) is_subagent: bool,
    pub(crate) parent_agent_id: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

impl AgentRow {
    /// A new agent with the schema defaults (`status` offline, no webhook).
    pub(crate) fn new(owner_id: &str, name: &str, at: &str) -> Self {
        Self {
            id: crate::util::new_id(),
            owner_id: owner_id.to_owned(),
            name: name.to_owned(),
            description: None,
            avatar_url: None,
            webhook_url: None,
            webhook_headers: None,
            webhook_auth: None,
            status: "offline".to_owned(),
            status_message: None,
            status_since: None,
            last_active_at: None,
            commands: None,
            tag: None,
            management_url: None,
            management_api_key: None,
            is_subagent: false,
            parent_agent_id: None,
            created_at: at.to_owned(),
            updated_at: at.to_owned(),
        }
    }
}

/// A `User` row.
#[derive(Debug, Clone)]
pub(crate) struct UserRow {
    pub(crate) id: String,
    pub(crate) email: String,
    pub(crate) password_hash: String,
    pub(crate) display_name: String,
    pub(crate) role: String,
    pub(crate) must_change_password: bool,
    pub(crate) created_at: String,
}

/// A `Message` row.
#[derive(Debug, Clone)]
pub(crate) struct MessageRow {
    pub(crate) id: String,
    pub(crate) channel_id: String,
    pub(crate) sender_type: String,
    pub(crate) sender_id: String,
    pub(crate) text: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) review: Option<Value>,
    pub(crate) metadata: Option<Value>,
    pub(crate) client_id: Option<String>,
    pub(crate) stream_id: Option<String>,
    pub(crate) stream_state: Option<String>,
    pub(crate) delivery_status: String,
    pub(crate) iteration_group_id: Option<String>,
    pub(crate) iteration: Option<i64>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

impl MessageRow {
    /// `review.status`, if the message carries a review.
    pub(crate) fn review_status(&self) -> Option<&str> {
        self.review.as_ref()?.get("status")?.as_str()
    }
}

/// An `Attachment` row without its content.
#[derive(Debug, Clone)]
pub(crate) struct AttachmentRow {
    pub(crate) id: String,
    pub(crate) message_id: Option<String>,
    pub(crate) channel_id: String,
    pub(crate) plugin_type: String,
    pub(crate) filename: String,
    pub(crate) mime_type: String,
    pub(crate) size: i64,
    pub(crate) storage_key: String,
    pub(crate) plugin_data: Option<Value>,
    pub(crate) created_at: String,
}

/// A `MessageStatusEvent` row: one status step of a streamed turn, anchored to
/// `(channelId, streamId)` rather than to a message, so it may precede the draft.
#[derive(Debug, Clone)]
pub(crate) struct StatusEventRow {
    pub(crate) id: String,
    pub(crate) channel_id: String,
    pub(crate) stream_id: String,
    pub(crate) index: i64,
    pub(crate) text: String,
    pub(crate) tool_hint: bool,
    pub(crate) created_at: String,
}
