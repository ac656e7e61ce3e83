//! `POST /api/messages`: a human's chat message (contract §3.2).

use serde_json::{json, Value};

use super::render::{render_message, View};
use super::{owned_channel, webhooks};
use crate::error::ApiError;
use crate::model::MessageRow;
use crate::state::events::{channel_room, user_room};
use crate::state::App;
use crate::util::{iso, new_id, now};
use crate::validate as v;

/// `POST /api/messages`: a human's chat message in one of their channels, 201 with the
/// message; `clientId` is stored, never used to find an earlier one. Emits
/// `message:created` (no `agentName`) to the channel and user rooms, then sends the
/// agent's webhook `{event: "message:created", channelId, message}` and reports its
/// outcome as `message:delivery` (`createFromUser`,
/// apps/backend/src/modules/messages/messages.service.ts).
pub(crate) async fn create_user_message(
    app: &App,
    user_id: &str,
    body: &Value,
) -> Result<Value, ApiError> {
    let obj = v::object(body)?;
    let channel_id = v::required_string(obj, "channelId", 1)?;
    let text = v::optional_string(obj, "text", 0)?;
    let attachment_ids = v::optional_string_array(obj, "attachmentIds")?.unwrap_or_default();
    let client_id = v::optional_string(obj, "clientId", 1)?;
    if text.is_none_or(str::is_empty) && attachment_ids.is_empty() {
        // The schema's refine; its text is lost with zod's `errors`.
        return Err(ApiError::validation());
    }
    // Unlike the agent route, `createFromUser` looks nothing up by `clientId`: it only
    // stores it, and a repeat is a new message (the web UI reconciles its own retries).
    let agent = owned_channel(app, user_id, Some(channel_id))?;
    let at = iso(now());
    let message = MessageRow {
        id: new_id(),
        channel_id: agent.id.clone(),
        sender_type: "user".to_owned(),
        sender_id: user_id.to_owned(),
        // `...(text ? { text } : {})`: an empty text is not stored.
        text: text.filter(|t| !t.is_empty()).map(str::to_owned),
        status: None,
        review: None,
        metadata: None,
        client_id: client_id.map(str::to_owned),
        stream_id: None,
        stream_state: None,
        delivery_status: "sent".to_owned(),
        iteration_group_id: None,
        iteration: None,
        created_at: at.clone(),
        updated_at: at,
    };
    app.store.insert_message(&message)?;
    app.store
        .link_orphan_attachments(&attachment_ids, &agent.id, &message.id)?;
    let payload = render_message(app, &message, View::Raw)?;
    app.events
        .emit(
            vec![channel_room(&agent.id), user_room(&agent.owner_id)],
            "message:created",
            &payload,
        )
        .await;
    if let Some(callback) = webhooks::agent_callback(&agent, None) {
        let body = json!({
            "event": "message:created",
            "channelId": agent.id,
            "message": payload,
        });
        webhooks::spawn_tracked(app, &message.id, &agent.id, callback, body);
    }
    Ok(payload)
}
