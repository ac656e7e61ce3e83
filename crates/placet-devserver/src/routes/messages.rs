//! `/api/messages*` for the signed-in user (contract §3.2, §3.3).

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{ConnectInfo, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::Value;

use crate::error::ApiError;
use crate::net::ConnInfo;
use crate::routes::extract::{
    is_json_content_type, parse_body, HumanUser, JsonBody, PathId, QueryParams,
};
use crate::service::auth::authenticate_jwt;
use crate::service::paging::{page_body, page_size};
use crate::service::render::{render_message, render_messages, render_page, View};
use crate::service::{self, owned_channel, reviews, user_messages, webhooks};
use crate::state::controls::RecordedRespond;
use crate::state::App;
use crate::store::MessageQuery;
use crate::wire::{agent_for_message, with_field};

pub(super) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/messages", get(list).post(create))
        .route("/api/messages/reviews", get(list_reviews))
        .route("/api/messages/{id}", get(get_one))
        .route("/api/messages/{id}/iterations", get(iterations))
        .route("/api/messages/{id}/respond", post(respond))
        .route("/api/messages/{id}/retry", post(retry))
}

/// `{data, nextCursor}`, newest first, each item with its `statusEvents`.
///
/// Without `channel` the real server's ownership lookup ignores the undefined id and the
/// message query does too, so any user owning at least one agent gets every message in
/// the database. That quirk is reproduced; clients must always send `channel`.
async fn list(
    State(app): State<Arc<App>>,
    HumanUser(user): HumanUser,
    query: QueryParams,
) -> Result<Json<Value>, ApiError> {
    let channels = match query.get("channel") {
        Some(channel) => Some(vec![owned_channel(&app, &user.id, Some(channel))?.id]),
        None if app.store.agents_of(&user.id)?.is_empty() => return Err(ApiError::not_your_agent()),
        None => None,
    };
    let limit = page_size(query.get("limit"))?;
    let rows = app.store.query_messages(&MessageQuery {
        channels: channels.as_deref(),
        cursor: query.get("cursor"),
        limit: Some(limit),
        ..Default::default()
    })?;
    let data = render_page(&app, &rows, View::Sanitized)?;
    Ok(Json(page_body(data, &rows, limit)))
}

/// A human chat message. The "drop the next message reply" control is applied here:
/// the message is stored and broadcast, then the connection is cut.
async fn create(
    State(app): State<Arc<App>>,
    ConnectInfo(conn): ConnectInfo<ConnInfo>,
    HumanUser(user): HumanUser,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let message = user_messages::create_user_message(&app, &user.id, &body).await;
    if app.controls.take_drop_message_reply() {
        tracing::info!("dropping the reply of a message post (test control)");
        conn.conn.cut();
    }
    Ok((StatusCode::CREATED, Json(message?)))
}

/// Reviews across the user's agents (or one `channel`), newest first, not paginated.
/// `status` omitted or `all` means every status.
async fn list_reviews(
    State(app): State<Arc<App>>,
    HumanUser(user): HumanUser,
    query: QueryParams,
) -> Result<Json<Value>, ApiError> {
    let channels: Vec<String> = match query.get("channel") {
        Some(channel) => vec![owned_channel(&app, &user.id, Some(channel))?.id],
        None => app
            .store
            .agents_of(&user.id)?
            .into_iter()
            .map(|a| a.id)
            .collect(),
    };
    let status = query.get("status").filter(|s| *s != "all");
    let rows = app.store.query_messages(&MessageQuery {
        channels: Some(&channels),
        with_review: true,
        review_status: status,
        ..Default::default()
    })?;
    Ok(Json(Value::Array(render_messages(
        &app,
        &rows,
        View::Sanitized,
    )?)))
}

/// The message with attachments and its agent (webhook fields removed).
async fn get_one(
    State(app): State<Arc<App>>,
    HumanUser(user): HumanUser,
    PathId(id): PathId,
) -> Result<Json<Value>, ApiError> {
    let message = app
        .store
        .message(&id)?
        .ok_or_else(|| ApiError::not_found("Message not found"))?;
    let agent = app
        .store
        .agent(&message.channel_id)?
        .filter(|a| a.owner_id == user.id)
        .ok_or_else(ApiError::not_your_agent)?;
    let rendered = render_message(&app, &message, View::Sanitized)?;
    Ok(Json(with_field(
        rendered,
        "agent",
        agent_for_message(&agent),
    )))
}

/// `{groupId, iterations}` sorted by iteration.
async fn iterations(
    State(app): State<Arc<App>>,
    HumanUser(user): HumanUser,
    PathId(id): PathId,
    query: QueryParams,
) -> Result<Json<Value>, ApiError> {
    let agent = owned_channel(&app, &user.id, query.get("channel"))?;
    service::iterations(&app, &agent.id, &id).map(Json)
}

/// 200 (`@HttpCode(200)`) `{"retried": true}` once the webhook was sent again.
async fn retry(
    State(app): State<Arc<App>>,
    HumanUser(user): HumanUser,
    PathId(id): PathId,
    _body: JsonBody,
) -> Result<Json<Value>, ApiError> {
    webhooks::retry(&app, &user.id, &id).await.map(Json)
}

/// Answers a review. Every request is recorded for tests, and the
/// "drop the next reply" control is applied here: the answer is stored and broadcast,
/// then the connection is cut so the client gets no response at all.
async fn respond(
    State(app): State<Arc<App>>,
    ConnectInfo(conn): ConnectInfo<ConnInfo>,
    PathId(id): PathId,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    let result = async {
        let body = parse_body(is_json_content_type(&headers), &raw)?;
        let user = authenticate_jwt(&app, &headers)?;
        reviews::respond(&app, &user.id, &id, &body).await
    }
    .await;
    let status = match &result {
        Ok(_) => StatusCode::CREATED,
        Err(e) => e.status,
    };
    let reply_dropped = app.controls.take_drop_respond_reply();
    app.controls.record_respond(RecordedRespond {
        message_id: id,
        body: serde_json::from_slice(&raw).unwrap_or_else(|_| {
            if raw.is_empty() {
                Value::Null
            } else {
                Value::String(String::from_utf8_lossy(&raw).into_owned())
            }
        }),
        status,
        reply_dropped,
    });
    if reply_dropped {
        tracing::info!("dropping the reply of a respond request (test control)");
        conn.conn.cut();
    }
    match result {
        Ok(message) => (StatusCode::CREATED, Json(message)).into_response(),
        Err(e) => e.into_response(),
    }
}
