//! JSON shapes of rows as the real server returns them (contract §3.1, §3.6).
//!
//! The agent object comes in three variants, each a deliberate copy of a server quirk:
//! masked for agent lists, raw (every column, secrets included) in `review:responded` and
//! the respond reply, and raw minus the webhook fields in `GET /api/messages/:id`.

use serde_json::{json, Map, Value};

use crate::model::{AgentRow, AttachmentRow, MessageRow, StatusEventRow};
use crate::util::truthy;

/// The value the server shows instead of a password form answer.
pub(crate) const REDACTED: &str = "***REDACTED***";
/// The value the server shows instead of agent secrets in lists.
const MASK: &str = "***";

/// Every column of an agent, as Prisma returns the row.
pub(crate) fn agent_raw(a: &AgentRow) -> Value {
    json!({
        "id": a.id,
        "name": a.name,
        "description": a.description,
        "avatarUrl": a.avatar_url,
        "ownerId": a.owner_id,
        "webhookUrl": a.webhook_url,
        "webhookHeaders": a.webhook_headers,
        "webhookAuth": a.webhook_auth,
        "status": a.status,
        "statusMessage": a.status_message,
        "statusSince": a.status_since,
        "lastActiveAt": a.last_active_at,
        "commands": a.commands,
        "tag": a.tag,
        "managementUrl": a.management_url,
        "managementApiKey": a.management_api_key,
        "isSubagent": a.is_subagent,
        "parentAgentId": a.parent_agent_id,
        "createdAt": a.created_at,
        "updatedAt": a.updated_at,
    })
}

/// The agent as `GET /api/agents` and the agent API list it: a fixed field list with
/// `webhookAuth.password`/`.token` and `managementApiKey` masked when set (truthy), as
/// `maskAgent` in agents.service.ts does.
pub(crate) fn agent_masked(a: &AgentRow) -> Value {
    let webhook_auth = a.webhook_auth.clone().map(|mut auth| {
        if let Some(obj) = auth.as_object_mut() {
            for key in ["password", "token"] {
                // `if (auth.password) auth.password = '***'`: only truthy values.
                if let Some(v) = obj.get_mut(key) {
                    if truthy(v) {
                        *v = Value::String(MASK.to_owned());
                    }
                }
            }
        }
        auth
    });
    json!({
        "id": a.id,
        "name": a.name,
        "description": a.description,
        "avatarUrl": a.avatar_url,
        "webhookUrl": a.webhook_url,
        "webhookHeaders": a.webhook_headers,
        "webhookAuth": webhook_auth,
        "status": a.status,
        "statusMessage": a.status_message,
        "statusSince": a.status_since,
        "lastActiveAt": a.last_active_at,
        "commands": a.commands,
        "tag": a.tag,
        "managementUrl": a.management_url,
        "managementApiKey": a.management_api_key.as_ref().map(|k| if k.is_empty() { "" } else { MASK }),
        "isSubagent": a.is_subagent,
        "parentAgentId": a.parent_agent_id,
        "createdAt": a.created_at,
    })
}

/// The agent embedded in `GET /api/messages/:id`: the raw row minus `webhookAuth`,
/// `webhookHeaders` and `webhookUrl` (`managementApiKey` stays, a server leak).
pub(crate) fn agent_for_message(a: &AgentRow) -> Value {
    let mut v = agent_raw(a);
    if let Some(obj) = v.as_object_mut() {
        for key in ["webhookAuth", "webhookHeaders", "webhookUrl"] {
            obj.remove(key);
        }
    }
    v
}

/// An attachment. `text_content` is set only by agent-API routes.
pub(crate) fn attachment_json(a: &AttachmentRow, text_content: Option<String>) -> Value {
    let mut v = json!({
        "id": a.id,
        "messageId": a.message_id,
        "channelId": a.channel_id,
        "pluginType": a.plugin_type,
        "filename": a.filename,
        "mimeType": a.mime_type,
        "size": a.size,
        "storageKey": a.storage_key,
        "pluginData": a.plugin_data,
        "createdAt": a.created_at,
    });
    if let (Some(text), Some(obj)) = (text_content, v.as_object_mut()) {
        obj.insert("textContent".to_owned(), Value::String(text));
    }
    v
}

/// A message with its attachments (§3.6).
pub(crate) fn message_json(m: &MessageRow, attachments: Vec<Value>) -> Value {
    json!({
        "id": m.id,
        "channelId": m.channel_id,
        "senderType": m.sender_type,
        "senderId": m.sender_id,
        "text": m.text,
        "status": m.status,
        "review": m.review,
        "metadata": m.metadata,
        "clientId": m.client_id,
        "streamId": m.stream_id,
        "streamState": m.stream_state,
        "deliveryStatus": m.delivery_status,
        "iterationGroupId": m.iteration_group_id,
        "iteration": m.iteration,
        "createdAt": m.created_at,
        "updatedAt": m.updated_at,
        "attachments": attachments,
    })
}

/// A `MessageStatusEvent` (`message:status` payload and `statusEvents` items).
pub(crate) fn status_event_json(e: &StatusEventRow) -> Value {
    json!({
        "id": e.id,
        "channelId": e.channel_id,
        "streamId": e.stream_id,
        "index": e.index,
        "text": e.text,
        "toolHint": e.tool_hint,
        "createdAt": e.created_at,
    })
}

/// Adds a field to a JSON object (no-op on anything else).
pub(crate) fn with_field(mut v: Value, key: &str, field: Value) -> Value {
    if let Some(obj) = v.as_object_mut() {
        obj.insert(key.to_owned(), field);
    }
    v
}

/// `sanitizeMessageForClient` (messages.service.ts): in a review of type `form`, the
/// answers to fields of type `password` become `"***REDACTED***"`, but only answers
/// that are set (truthy); an empty or missing answer, and any other review type, are
/// left as they are. The stored value is untouched.
pub(crate) fn redact_passwords(message: &mut Value) {
    let Some(review) = message.get_mut("review").and_then(Value::as_object_mut) else {
        return;
    };
    if review.get("type").and_then(Value::as_str) != Some("form") {
        return;
    }
    let password_fields: Vec<String> = password_field_names(review);
    if let Some(response) = review.get_mut("response").and_then(Value::as_object_mut) {
        for name in password_fields {
            if let Some(answer) = response.get_mut(&name).filter(|a| truthy(a)) {
                *answer = Value::String(REDACTED.to_owned());
            }
        }
    }
}

fn password_field_names(review: &Map<String, Value>) -> Vec<String> {
    review
        .get("payload")
        .and_then(|p| p.get("fields"))
        .and_then(Value::as_array)
        .map(|fields| {
            fields
                .iter()
                .filter(|f| f.get("type").and_then(Value::as_str) == Some("password"))
                .filter_map(|f| f.get("name").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_only_password_answers() {
        let mut m = json!({
            "review": {
                "type": "form",
                "payload": {"fields": [
                    {"name": "user", "type": "text"},
                    {"name": "pw", "type": "password"}
                ]},
                "response": {"user": "ann", "pw": "hunter2"}
            }
        });
        redact_passwords(&mut m);
        assert_eq!(m["review"]["response"]["user"], "ann");
        assert_eq!(m["review"]["response"]["pw"], REDACTED);

        let mut empty = json!({"review": {"type": "form",
            "payload": {"fields": [{"name": "pw", "type": "password"}]},
            "response": {"pw": ""}}});
        redact_passwords(&mut empty);
        assert_eq!(
            empty["review"]["response"]["pw"], "",
            "an empty answer stays"
        );
        let mut freeform = json!({"review": {"type": "freeform",
            "payload": {"fields": [{"name": "pw", "type": "password"}]},
            "response": {"pw": "x"}}});
        redact_passwords(&mut freeform);
        assert_eq!(
            freeform["review"]["response"]["pw"], "x",
            "only form reviews"
        );
    }

    #[test]
    fn masks_agent_secrets() {
        let mut a = AgentRow::new("u", "A", "2025-01-01T00:00:00.000Z");
        a.webhook_auth = Some(json!({"username": "x", "password": "secret"}));
        a.management_api_key = Some("mk".into());
        let v = agent_masked(&a);
        assert_eq!(v["webhookAuth"]["password"], "***");
        assert_eq!(v["webhookAuth"]["username"], "x");
        assert_eq!(v["managementApiKey"], "***");
        assert!(v.get("ownerId").is_none());
        let raw = agent_raw(&a);
        assert_eq!(raw["webhookAuth"]["password"], "secret");
    }
}
