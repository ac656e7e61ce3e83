//! Agents: lists, creation, read markers and status pings.

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::model::AgentRow;
use crate::state::events::user_room;
use crate::state::App;
use crate::util::{iso, now};
use crate::validate as v;
use crate::wire::{agent_masked, with_field};

const AGENT_STATUSES: [&str; 4] = ["active", "busy", "error", "offline"];

/// `GET /api/agents`: the user's agents, newest first, masked, with `lastMessage`,
/// `lastMessageTime` (both absent for an empty channel) and `unreadCount`.
pub(crate) fn list_for_user(app: &App, user_id: &str) -> Result<Value, ApiError> {
    let agents = app.store.agents_of(user_id)?;
    let mut out = Vec::with_capacity(agents.len());
    for agent in &agents {
        let summary = app.store.channel_summary(user_id, &agent.id)?;
        let mut entry = agent_masked(agent);
        if let Some(text) = summary.last_message {
            entry = with_field(entry, "lastMessage", json!(text));
        }
        if let Some(time) = summary.last_message_time {
            entry = with_field(entry, "lastMessageTime", json!(time));
        }
        out.push(with_field(
            entry,
            "unreadCount",
            json!(summary.unread_count),
        ));
    }
    Ok(Value::Array(out))
}

/// `GET /api/v1/agents`: the key owner's agents, masked.
pub(crate) fn list_for_agent_api(app: &App, user_id: &str) -> Result<Value, ApiError> {
    Ok(Value::Array(
        app.store
            .agents_of(user_id)?
            .iter()
            .map(agent_masked)
            .collect(),
    ))
}

/// `POST /api/v1/agents`: body `{name, description?, avatarUrl?, webhookUrl?, tag?}`.
/// No WebSocket event exists for new agents.
pub(crate) fn create(app: &App, user_id: &str, body: &Value) -> Result<Value, ApiError> {
    let obj = v::object(body)?;
    let name = v::required_string(obj, "name", 1)?;
    let description = v::optional_string(obj, "description", 0)?;
    let avatar_url = v::optional_url(obj, "avatarUrl")?;
    let webhook_url = v::optional_url(obj, "webhookUrl")?;
    let tag = v::optional_string_max(obj, "tag", 64)?;
    let mut agent = AgentRow::new(user_id, name, &iso(now()));
    agent.description = description.map(str::to_owned);
    agent.avatar_url = avatar_url.map(str::to_owned);
    agent.webhook_url = webhook_url.map(str::to_owned);
    agent.tag = tag.map(str::to_owned);
    app.store.insert_agent(&agent)?;
    Ok(agent_masked(&agent))
}

/// `POST /api/agents/:id/read` and the socket's `channel:read`: moves the read marker.
pub(crate) fn mark_read(app: &App, user_id: &str, agent_id: &str) -> Result<(), ApiError> {
    app.store
        .owned_agent(agent_id, user_id)?
        .ok_or_else(|| ApiError::not_found("Agent not found"))?;
    app.store.mark_read(user_id, agent_id, &iso(now()))?;
    Ok(())
}

/// `POST /api/v1/status/ping`: body `{agentId, status, message?}`
/// (`PingStatusSchema`). Another user's or an unknown agent is 404 "Agent not found"
/// (`findById`). `statusSince` moves only when the status changes, `statusMessage` is the
/// message or `null`, `lastActiveAt` is now (`pingStatus`,
/// apps/backend/src/modules/agents/agents.service.ts). Emits `agent:status` to the
/// caller's user room on every ping, changed or not (agent-status.controller.ts).
pub(crate) async fn ping(app: &App, user_id: &str, body: &Value) -> Result<Value, ApiError> {
    let obj = v::object(body)?;
    let agent_id = v::required_string(obj, "agentId", 1)?;
    let status =
        v::optional_enum(obj, "status", &AGENT_STATUSES)?.ok_or_else(ApiError::validation)?;
    let message = v::optional_string_max(obj, "message", 500)?;
    let agent = app
        .store
        .owned_agent(agent_id, user_id)?
        .ok_or_else(|| ApiError::not_found("Agent not found"))?;
    let updated = app
        .store
        .record_status(&agent.id, status, message, &iso(now()))?
        .ok_or_else(|| ApiError::not_found("Agent not found"))?;
    app.events
        .emit(
            vec![user_room(user_id)],
            "agent:status",
            &json!({
                "agentId": updated.id,
                "status": updated.status,
                "statusMessage": updated.status_message,
                "statusSince": updated.status_since,
            }),
        )
        .await;
    Ok(agent_masked(&updated))
}

/// How far `setSubagent` walks up a parent chain looking for a cycle (`MAX_DEPTH`).
const SUBAGENT_CHAIN_DEPTH: usize = 16;

/// `POST /api/v1/agents/setSubagent` (`setSubagent`, agents.service.ts; body
/// `SetSubagentSchema`): `{channelId, isSubagent, parentChannelId?}`, where a sub-agent
/// needs a parent and a main agent must not have one, and a channel is never its own
/// parent (all three are schema failures). Both agents must be the caller's (404 "Agent
/// not found"), and the parent chain must not come back to the channel (400). Returns
/// the masked agent.
pub(crate) fn set_subagent(app: &App, user_id: &str, body: &Value) -> Result<Value, ApiError> {
    let obj = v::object(body)?;
    let channel_id = v::required_string(obj, "channelId", 1)?;
    let is_subagent = v::optional_bool(obj, "isSubagent")?.ok_or_else(ApiError::validation)?;
    let parent = match obj.get("parentChannelId") {
        None | Some(Value::Null) => None,
        Some(_) => Some(v::required_string(obj, "parentChannelId", 1)?),
    };
    if is_subagent != parent.is_some() || parent == Some(channel_id) {
        return Err(ApiError::validation());
    }
    let not_found = || ApiError::not_found("Agent not found");
    app.store
        .owned_agent(channel_id, user_id)?
        .ok_or_else(not_found)?;
    if let Some(parent) = parent {
        app.store
            .owned_agent(parent, user_id)?
            .ok_or_else(not_found)?;
        no_subagent_cycle(app, user_id, channel_id, parent)?;
    }
    let updated = app
        .store
        .set_subagent(channel_id, is_subagent, parent, &iso(now()))?
        .ok_or_else(not_found)?;
    Ok(agent_masked(&updated))
}

/// `assertNoSubagentCycle`: walks up from `parent` and refuses a chain that reaches
/// `channel_id` or loops.
fn no_subagent_cycle(
    app: &App,
    user_id: &str,
    channel_id: &str,
    parent: &str,
) -> Result<(), ApiError> {
    let mut cursor = Some(parent.to_owned());
    let mut seen = std::collections::HashSet::new();
    for _ in 0..SUBAGENT_CHAIN_DEPTH {
        let Some(id) = cursor.take() else {
            return Ok(());
        };
        if !seen.insert(id.clone()) {
            return Err(ApiError::bad_request("Sub-agent parent chain is cyclic"));
        }
        let Some(row) = app.store.owned_agent(&id, user_id)? else {
            return Ok(());
        };
        if row.parent_agent_id.as_deref() == Some(channel_id) {
            return Err(ApiError::bad_request(
                "Sub-agent parent chain would cycle through this channel",
            ));
        }
        cursor = row.parent_agent_id;
    }
    Ok(())
}
