//! The agent API `/api/v1/*` (`x-api-key` only; contract §3.4 and the OpenAPI file).

use std::sync::Arc;

use axum::{
    extract::State,
    http::StatusCode,
    response::Response,
    routing::{get, patch, post},
    Json, Router,
};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::routes::extract::{AgentUser, JsonBody, PathId, QueryParams};
use crate::service::paging::{page_body, page_size};
use crate::service::render::{render_message, render_messages, render_page, View};
use crate::service::{
    self, agent_messages, agents, files, message_in_channel, owned_channel, reviews, streams,
};
use crate::state::events::channel_room;
use crate::state::App;
use crate::store::MessageQuery;
use crate::util::now_iso;
use crate::wire::attachment_json;

pub(super) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/v1/agents", get(list_agents).post(create_agent))
        .route("/api/v1/agents/setSubagent", post(set_subagent))
        .route("/api/v1/status/ping", post(ping))
        .route("/api/v1/messages", get(list_messages).post(create_message))
        .route("/api/v1/messages/iterations/{id}", get(iterations))
        .route("/api/v1/messages/streams/{id}", patch(update_stream))
        .route("/api/v1/messages/streams/{id}/status", post(append_status))
        .route(
            "/api/v1/messages/{id}",
            get(get_message).delete(delete_message),
        )
        .route("/api/v1/messages/{id}/ack", post(ack))
        .route("/api/v1/reviews/pending", get(pending_reviews))
        .route("/api/v1/reviews/{id}", get(get_review))
        .route("/api/v1/reviews/{id}/wait", get(wait))
        .route("/api/v1/files", get(list_files))
        .route("/api/v1/files/store-text", post(store_text))
        .route("/api/v1/files/{id}/download", get(download))
}

type JsonResult = Result<Json<Value>, ApiError>;
type CreatedResult = Result<(StatusCode, Json<Value>), ApiError>;

async fn list_agents(State(app): State<Arc<App>>, agent: AgentUser) -> JsonResult {
    agents::list_for_agent_api(&app, &agent.user_id).map(Json)
}

async fn create_agent(
    State(app): State<Arc<App>>,
    agent: AgentUser,
    JsonBody(body): JsonBody,
) -> CreatedResult {
    let created = agents::create(&app, &agent.user_id, &body)?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// 200 (`@HttpCode(HttpStatus.OK)`) with the masked agent.
async fn set_subagent(
    State(app): State<Arc<App>>,
    agent: AgentUser,
    JsonBody(body): JsonBody,
) -> JsonResult {
    agents::set_subagent(&app, &agent.user_id, &body).map(Json)
}

/// 201 with the masked agent: the route has no `@HttpCode`
/// (apps/backend/src/modules/agents/agent-status.controller.ts).
async fn ping(
    State(app): State<Arc<App>>,
    agent: AgentUser,
    JsonBody(body): JsonBody,
) -> CreatedResult {
    let updated = agents::ping(&app, &agent.user_id, &body).await?;
    Ok((StatusCode::CREATED, Json(updated)))
}

async fn create_message(
    State(app): State<Arc<App>>,
    agent: AgentUser,
    JsonBody(body): JsonBody,
) -> CreatedResult {
    let message = agent_messages::create_agent_message(&app, &agent.user_id, &body).await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// `{data, nextCursor}` with `search` (case-insensitive substring of the text) and
/// `has_attachments=true|false`.
async fn list_messages(
    State(app): State<Arc<App>>,
    agent: AgentUser,
    query: QueryParams,
) -> JsonResult {
    let channel = owned_channel(&app, &agent.user_id, query.get("channel"))?;
    let limit = page_size(query.get("limit"))?;
    let channels = [channel.id];
    let rows = app.store.query_messages(&MessageQuery {
        channels: Some(&channels),
        search: query.get("search").filter(|s| !s.is_empty()),
        has_attachments: match query.get("has_attachments") {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        },
        cursor: query.get("cursor"),
        limit: Some(limit),
        ..Default::default()
    })?;
    let data = render_page(&app, &rows, View::Sanitized)?;
    Ok(Json(page_body(data, &rows, limit)))
}

async fn get_message(
    State(app): State<Arc<App>>,
    agent: AgentUser,
    PathId(id): PathId,
    query: QueryParams,
) -> JsonResult {
    let channel = owned_channel(&app, &agent.user_id, query.get("channel"))?;
    let message = message_in_channel(&app, &id, &channel.id)?;
    render_message(&app, &message, View::Raw).map(Json)
}

/// `deleteByAgent` (apps/backend/src/modules/messages/messages.service.ts): deletes the
/// row, a pending review included, and emits nothing, so subscribers are not told. A
/// message in an iteration chain goes only while no other message names its group.
async fn delete_message(
    State(app): State<Arc<App>>,
    agent: AgentUser,
    PathId(id): PathId,
    query: QueryParams,
) -> JsonResult {
    let channel = owned_channel(&app, &agent.user_id, query.get("channel"))?;
    let message = message_in_channel(&app, &id, &channel.id)?;
    if message.iteration_group_id.is_some() || message.iteration.is_some() {
        let group = message.iteration_group_id.as_deref().unwrap_or(&message.id);
        if app.store.other_chain_members(group, &message.id)? > 0 {
            return Err(ApiError::bad_request(
                "Cannot delete a message that is part of an iteration chain with other messages",
            ));
        }
    }
    app.store.delete_message(&message.id)?;
    Ok(Json(json!({ "deleted": true })))
}

/// 200 (a PATCH) with the updated draft.
async fn update_stream(
    State(app): State<Arc<App>>,
    agent: AgentUser,
    PathId(stream_id): PathId,
    JsonBody(body): JsonBody,
) -> JsonResult {
    streams::update(&app, &agent.user_id, &stream_id, &body)
        .await
        .map(Json)
}

/// 201 with the `MessageStatusEvent`.
async fn append_status(
    State(app): State<Arc<App>>,
    agent: AgentUser,
    PathId(stream_id): PathId,
    JsonBody(body): JsonBody,
) -> CreatedResult {
    let event = streams::append_status(&app, &agent.user_id, &stream_id, &body).await?;
    Ok((StatusCode::CREATED, Json(event)))
}

async fn iterations(
    State(app): State<Arc<App>>,
    agent: AgentUser,
    PathId(id): PathId,
    query: QueryParams,
) -> JsonResult {
    let channel = owned_channel(&app, &agent.user_id, query.get("channel"))?;
    service::iterations(&app, &channel.id, &id).map(Json)
}

/// 200 `{"acknowledged": true}`; `deliveryStatus` becomes `agent_received` and
/// `message:delivery` goes to the channel room.
async fn ack(
    State(app): State<Arc<App>>,
    agent: AgentUser,
    PathId(id): PathId,
    query: QueryParams,
    _body: JsonBody,
) -> JsonResult {
    let channel = owned_channel(&app, &agent.user_id, query.get("channel"))?;
    let message = message_in_channel(&app, &id, &channel.id)?;
    app.store
        .set_delivery_status(&message.id, "agent_received", &now_iso())?;
    app.events
        .emit(
            vec![channel_room(&channel.id)],
            "message:delivery",
            &json!({ "messageId": message.id, "deliveryStatus": "agent_received" }),
        )
        .await;
    Ok(Json(json!({ "acknowledged": true })))
}

async fn pending_reviews(
    State(app): State<Arc<App>>,
    agent: AgentUser,
    query: QueryParams,
) -> JsonResult {
    let channel = owned_channel(&app, &agent.user_id, query.get("channel"))?;
    let channels = [channel.id];
    let rows = app.store.query_messages(&MessageQuery {
        channels: Some(&channels),
        with_review: true,
        review_status: Some("pending"),
        ..Default::default()
    })?;
    Ok(Json(Value::Array(render_messages(&app, &rows, View::Raw)?)))
}

async fn get_review(
    State(app): State<Arc<App>>,
    agent: AgentUser,
    PathId(id): PathId,
    query: QueryParams,
) -> JsonResult {
    let channel = owned_channel(&app, &agent.user_id, query.get("channel"))?;
    let message = message_in_channel(&app, &id, &channel.id)?;
    if message.review.as_ref().is_none_or(Value::is_null) {
        return Err(ApiError::not_found("No review on this message"));
    }
    render_message(&app, &message, View::Raw).map(Json)
}

async fn wait(
    State(app): State<Arc<App>>,
    agent: AgentUser,
    PathId(id): PathId,
    query: QueryParams,
) -> JsonResult {
    let timeout = reviews::wait_timeout(query.get("timeout"));
    reviews::wait(&app, &agent.user_id, query.get("channel"), &id, timeout)
        .await
        .map(Json)
}

async fn list_files(
    State(app): State<Arc<App>>,
    agent: AgentUser,
    query: QueryParams,
) -> JsonResult {
    let channel = owned_channel(&app, &agent.user_id, query.get("channel"))?;
    Ok(Json(Value::Array(
        app.store
            .attachments_of_channel(&channel.id)?
            .iter()
            .map(|a| attachment_json(a, None))
            .collect(),
    )))
}

/// Body `{channelId, content, filename?, mimeType?}` (the OpenAPI file documents no
/// body; this mirrors `textAttachments`). 201 with the orphan attachment.
async fn store_text(
    State(app): State<Arc<App>>,
    agent: AgentUser,
    JsonBody(body): JsonBody,
) -> CreatedResult {
    let attachment = files::store_text(&app, &agent.user_id, &body)?;
    Ok((StatusCode::CREATED, Json(attachment)))
}

async fn download(
    State(app): State<Arc<App>>,
    agent: AgentUser,
    PathId(id): PathId,
) -> Result<Response, ApiError> {
    super::files::download_response(&app, &agent.user_id, &id)
}
