//! Business operations shared by the HTTP routes, the in-process test helpers and the
//! demo agent, so all of them run the same checks and emit the same events.

pub(crate) mod agent_message_body;
pub(crate) mod agent_messages;
pub(crate) mod agents;
pub(crate) mod auth;
pub(crate) mod expiry;
pub(crate) mod files;
pub(crate) mod oauth;
pub(crate) mod paging;
pub(crate) mod render;
pub(crate) mod reviews;
pub(crate) mod streams;
pub(crate) mod user_messages;
pub(crate) mod webhooks;

use serde_json::Value;

use crate::error::ApiError;
use crate::model::{AgentRow, MessageRow};
use crate::state::App;
use render::{render_messages, View};

/// The agent `channel` if `user_id` owns it, else `403 "Not your agent"` (also for a
/// missing or unknown channel, like Prisma's `findFirst({id, ownerId})`).
pub(crate) fn owned_channel(
    app: &App,
    user_id: &str,
    channel: Option<&str>,
) -> Result<AgentRow, ApiError> {
    let channel = channel.ok_or_else(ApiError::not_your_agent)?;
    app.store
        .owned_agent(channel, user_id)?
        .ok_or_else(ApiError::not_your_agent)
}

/// A message of `channel_id`, else `404 "Message not found"`.
pub(crate) fn message_in_channel(
    app: &App,
    id: &str,
    channel_id: &str,
) -> Result<MessageRow, ApiError> {
    app.store
        .message(id)?
        .filter(|m| m.channel_id == channel_id)
        .ok_or_else(|| ApiError::not_found("Message not found"))
}

/// `{groupId, iterations}` (`getIterationChain`): the messages whose group is the
/// message's group (its own id outside a chain) plus the message with that id, by round.
/// Both the human and the agent route send them as stored: earlier rounds' password
/// answers are not redacted, unlike the lists and the single message.
pub(crate) fn iterations(app: &App, channel_id: &str, message_id: &str) -> Result<Value, ApiError> {
    let message = message_in_channel(app, message_id, channel_id)?;
    let group = message
        .iteration_group_id
        .clone()
        .unwrap_or_else(|| message.id.clone());
    let chain = app.store.iteration_chain(&group)?;
    Ok(serde_json::json!({
        "groupId": group,
        "iterations": render_messages(app, &chain, View::Raw)?,
    }))
}
