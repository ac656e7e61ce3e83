//! Streaming drafts: the re-POST rule, `PATCH /api/v1/messages/streams/:streamId`,
//! `POST /api/v1/messages/streams/:streamId/status` and the jobs that abort drafts an
//! agent never finished. All of it follows `messages.service.ts`
//! (apps/backend/src/modules/messages/).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use super::agent_message_body::{NewAgentMessage, STREAM_STATES};
use super::owned_channel;
use super::render::{render_message, View};
use crate::error::ApiError;
use crate::model::{AgentRow, MessageRow};
use crate::state::events::{channel_room, user_room};
use crate::state::App;
use crate::util::{iso, now, now_iso};
use crate::validate as v;
use crate::wire::{status_event_json, with_field};

/// Drafts silent for longer than this when the server (re)starts are aborted without
/// an event (`STALE_STREAM_GRACE_MS` of `onModuleInit`).
const STARTUP_GRACE: Duration = Duration::from_secs(60);

/// A re-POST that names an existing message by `clientId` or `streamId` returns it
/// unchanged, unless it asks for `streamState: "aborted"` while the draft is still
/// `streaming`: then the draft is aborted (its text replaced when the re-POST has one)
/// and `message:updated` goes to the channel and owner rooms (`createFromAgent`).
pub(crate) async fn replay(
    app: &App,
    agent: &AgentRow,
    existing: MessageRow,
    input: &NewAgentMessage<'_>,
) -> Result<Value, ApiError> {
    if input.stream_state != Some("aborted")
        || existing.stream_state.as_deref() != Some("streaming")
    {
        return render_message(app, &existing, View::Enriched);
    }
    app.store
        .update_stream_draft(&existing.id, input.text, Some("aborted"), &now_iso())?;
    let updated = reload(app, &existing.id)?;
    emit_updated(app, agent, &updated).await?;
    render_message(app, &updated, View::Enriched)
}

/// `PATCH /api/v1/messages/streams/:streamId` (`updateStreamFromAgent`), body
/// `{channelId, text, complete?, streamState?}`: the text is replaced by the full text
/// so far, `complete: true` finishes the draft and `streamState: "aborted"` aborts it
/// (and wins over `complete`); any other `streamState` changes nothing. Works on a draft
/// in any state. Emits `message:updated` with `agentName` to the channel and owner rooms.
pub(crate) async fn update(
    app: &App,
    user_id: &str,
    stream_id: &str,
    body: &Value,
) -> Result<Value, ApiError> {
    let obj = v::object(body)?;
    let channel_id = v::required_string(obj, "channelId", 1)?;
    let text = v::required_string(obj, "text", 0)?;
    let complete = v::optional_bool(obj, "complete")?.unwrap_or(false);
    let requested = v::optional_enum(obj, "streamState", &STREAM_STATES)?;
    let agent = owned_channel(app, user_id, Some(channel_id))?;
    let draft = app
        .store
        .agent_message_by_stream_id(&agent.id, stream_id)?
        .ok_or_else(|| ApiError::not_found("No streaming draft for this (channelId, streamId)"))?;
    let state = match (requested, complete) {
        (Some("aborted"), _) => Some("aborted"),
        (_, true) => Some("complete"),
        _ => None,
    };
    app.store
        .update_stream_draft(&draft.id, Some(text), state, &now_iso())?;
    let updated = reload(app, &draft.id)?;
    emit_updated(app, &agent, &updated).await?;
    render_message(app, &updated, View::Enriched)
}

/// `POST /api/v1/messages/streams/:streamId/status` (`appendStatusEvent`), body
/// `{channelId, text, toolHint?}`: appends the next status step of the stream (no draft
/// needed) and sends it as `message:status` to the channel and owner rooms.
pub(crate) async fn append_status(
    app: &App,
    user_id: &str,
    stream_id: &str,
    body: &Value,
) -> Result<Value, ApiError> {
    let obj = v::object(body)?;
    let channel_id = v::required_string(obj, "channelId", 1)?;
    let text = v::required_string(obj, "text", 1)?;
    let tool_hint = v::optional_bool(obj, "toolHint")?.unwrap_or(false);
    let agent = owned_channel(app, user_id, Some(channel_id))?;
    let event = app
        .store
        .append_status_event(&agent.id, stream_id, text, tool_hint, &now_iso())?;
    let payload = status_event_json(&event);
    app.events
        .emit(
            vec![channel_room(&agent.id), user_room(&agent.owner_id)],
            "message:status",
            &payload,
        )
        .await;
    Ok(payload)
}

/// `cleanupStaleStreams`: drafts still `streaming` whose last update is older than
/// `stale_after` become `aborted`, each announced by `message:updated` to the channel
/// room only and without `agentName`. Returns their ids.
pub(crate) async fn abort_stale(app: &App, stale_after: Duration) -> Vec<String> {
    let ids = match abort_older_than(app, stale_after) {
        Ok(ids) => ids,
        Err(e) => {
            tracing::error!(error = %e, "stale stream cleanup failed");
            return Vec::new();
        }
    };
    for id in &ids {
        let row = match app.store.message(id) {
            Ok(Some(row)) => row,
            _ => continue,
        };
        match render_message(app, &row, View::Raw) {
            Ok(payload) => {
                app.events
                    .emit(
                        vec![channel_room(&row.channel_id)],
                        "message:updated",
                        &payload,
                    )
                    .await
            }
            Err(e) => tracing::error!(error = %e, "rendering an aborted draft failed"),
        }
    }
    if !ids.is_empty() {
        tracing::info!(
            count = ids.len(),
            "marked stale streaming drafts as aborted"
        );
    }
    ids
}

/// `onModuleInit`: on every (re)start, drafts silent for a minute are aborted quietly;
/// connected clients learn about it on their next reload.
pub(crate) fn abort_stale_on_start(app: &App) {
    match abort_older_than(app, STARTUP_GRACE) {
        Ok(ids) if !ids.is_empty() => {
            tracing::info!(
                count = ids.len(),
                "marked stale streaming drafts as aborted"
            )
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "startup stream cleanup failed"),
    }
}

/// Runs [`abort_stale`] every `tick` until the task is aborted.
pub(crate) async fn run(app: Arc<App>, tick: Duration, stale_after: Duration) {
    let mut interval = tokio::time::interval(tick);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        abort_stale(&app, stale_after).await;
    }
}

fn abort_older_than(app: &App, age: Duration) -> Result<Vec<String>, ApiError> {
    let now = now();
    let age = chrono::Duration::from_std(age).unwrap_or(chrono::Duration::MAX);
    let cutoff = now.checked_sub_signed(age).unwrap_or(now);
    Ok(app.store.abort_stale_streams(&iso(cutoff), &iso(now))?)
}

fn reload(app: &App, id: &str) -> Result<MessageRow, ApiError> {
    app.store.message(id)?.ok_or_else(ApiError::internal)
}

/// `message:updated` with `agentName`, to the channel and owner rooms in one broadcast.
async fn emit_updated(app: &App, agent: &AgentRow, row: &MessageRow) -> Result<(), ApiError> {
    let payload = with_field(
        render_message(app, row, View::Raw)?,
        "agentName",
        json!(agent.name),
    );
    app.events
        .emit(
            vec![channel_room(&agent.id), user_room(&agent.owner_id)],
            "message:updated",
            &payload,
        )
        .await;
    Ok(())
}
