//! Messages as each audience receives them: with their attachments, and, depending on
//! the route, redacted or enriched.

use serde_json::Value;

use crate::error::ApiError;
use crate::model::MessageRow;
use crate::state::App;
use crate::wire::{attachment_json, message_json, redact_passwords, status_event_json};

/// Attachments up to this size with a text MIME type carry `textContent` in the agent
/// replies that are enriched (`MAX_INLINE_TEXT_SIZE`).
const TEXT_CONTENT_MAX_BYTES: i64 = 64 * 1024;
const TEXT_CONTENT_TYPES: [&str; 4] = ["text/markdown", "text/plain", "text/html", "text/csv"];

/// What a route does to a message before sending it, following where messages.service.ts
/// calls its two helpers; most routes call neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum View {
    /// `sanitizeMessageForClient`: password answers of a form review redacted. The
    /// paginated lists (human and agent API alike), the human reviews list and the human
    /// `GET /api/messages/:id`.
    Sanitized,
    /// `enrichTextAttachments`: small text attachments carry `textContent`. The agent's
    /// create reply, its stream updates and replays, and the long poll's answer.
    Enriched,
    /// The row as stored: iteration chains, the agent API's single reads and pending
    /// list, the respond reply, socket payloads and webhooks.
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
                    let text = if view == View::Enriched
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
            if view == View::Sanitized {
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
