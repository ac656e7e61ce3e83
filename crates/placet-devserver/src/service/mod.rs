//! Business operations shared by the HTTP routes, the in-process test helpers and the
//! demo agent, so all of them run the same checks and emit the same events.

pub(crate) mod agent_messages;
pub(crate) mod agents;
pub(crate) mod files;
pub(crate) mod reviews;
pub(crate) mod streams;
pub(crate) mod user_messages;
pub(crate) mod webhooks;

use serde_json::Value;

use crate::error::ApiError;
use crate::state::App;
use crate::store::{AgentRow, MessageRow};
use crate::wire::{attachment_json, message_json, redact_passwords, status_event_json};

/// Attachments up to this size with a text MIME type carry `textContent` in agent-API
/// replies.
const TEXT_CONTENT_MAX_BYTES: i64 = 64 * 1024;
const TEXT_CONTENT_TYPES: [&str; 4] = ["text/markdown", "text/plain", "text/html", "text/csv"];

/// Who a message is rendered for; each audience sees a slightly different object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum View {
    /// Human REST routes: password answers redacted.
    Human,
    /// Agent API: text attachments carry `textContent`; nothing redacted.
    Agent,
    /// WebSocket payloads and the respond reply: the row as stored.
    Raw,
}

/// Renders messages with their attachments, in order.
pub(crate) fn render_messages(
    app: &App,
    rows: &[MessageRow],
    view: View,
) -> Result<Vec<Value>, ApiError> {
    let ids: Vec<&str> = rows.iter().map(|m| m.id.as_str()).collect();
    let mut attachments = app.store.attachments_of(&ids)?;
    rows.iter()
        .map(|m| {
            let rendered = attachments
                .remove(&m.id)
                .unwrap_or_default()
                .iter()
                .map(|a| {
                    let text = if view == View::Agent
                        && TEXT_CONTENT_TYPES.contains(&a.mime_type.as_str())
                    {
                        app.store.attachment_text(&a.id, TEXT_CONTENT_MAX_BYTES)?
                    } else {
                        None
                    };
                    Ok(attachment_json(a, text))
                })
                .collect::<Result<Vec<_>, ApiError>>()?;
            let mut v = message_json(m, rendered);
            if view == View::Human {
                redact_passwords(&mut v);
            }
            Ok(v)
        })
        .collect()
}

/// Renders a page of messages as the list routes do (`paginateMessages`): each item
/// carries `statusEvents`, the status steps of its `streamId` (empty without one).
pub(crate) fn render_page(
    app: &App,
    rows: &[MessageRow],
    view: View,
) -> Result<Vec<Value>, ApiError> {
    let stream_ids: Vec<&str> = rows.iter().filter_map(|m| m.stream_id.as_deref()).collect();
    let events = app.store.status_events_of(&stream_ids)?;
    Ok(render_messages(app, rows, view)?
        .into_iter()
        .zip(rows)
        .map(|(rendered, row)| {
            let steps: Vec<Value> = row
                .stream_id
                .as_deref()
                .and_then(|s| events.get(s))
                .map(|list| list.iter().map(status_event_json).collect())
                .unwrap_or_default();
            crate::wire::with_field(rendered, "statusEvents", Value::Array(steps))
        })
        .collect())
}

/// Renders one message.
pub(crate) fn render_message(app: &App, row: &MessageRow, view: View) -> Result<Value, ApiError> {
    let mut rendered = render_messages(app, std::slice::from_ref(row), view)?;
    rendered.pop().ok_or_else(ApiError::internal)
}

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

/// Parses `limit` like the server: default 50, at most 100.
pub(crate) fn page_limit(raw: Option<&str>) -> usize {
    raw.and_then(|s| s.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(50)
        .min(100)
}

/// `nextCursor`: the last id when the page is full, else `null`.
pub(crate) fn next_cursor(rows: &[MessageRow], limit: usize) -> Value {
    match rows.last() {
        Some(last) if rows.len() == limit => Value::String(last.id.clone()),
        _ => Value::Null,
    }
}

/// `{groupId, iterations}` (`getIterationChain`): the messages whose group is the
/// message's group (its own id outside a chain) plus the message with that id, by round.
pub(crate) fn iterations(
    app: &App,
    channel_id: &str,
    message_id: &str,
    view: View,
) -> Result<Value, ApiError> {
    let message = message_in_channel(app, message_id, channel_id)?;
    let group = message
        .iteration_group_id
        .clone()
        .unwrap_or_else(|| message.id.clone());
    let chain = app.store.iteration_chain(&group)?;
    Ok(serde_json::json!({
        "groupId": group,
        "iterations": render_messages(app, &chain, view)?,
    }))
}
