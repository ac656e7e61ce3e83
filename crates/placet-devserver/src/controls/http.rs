//! `/__dev/*`: the test controls over HTTP, for tests that run the server in another
//! process. Served only when `DevServerConfig::dev_routes` is set, and then to loopback
//! peers only; anyone else gets 403.

use std::sync::Arc;
use std::time::Duration;

use axum::{
    extract::{ConnectInfo, Request, State},
    http::StatusCode,
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::{json, Value};

use super::Controls;
use crate::demo::DemoReview;
use crate::error::ApiError;
use crate::net::ConnInfo;
use crate::routes::extract::{PathId, QueryParams};
use crate::service::render::{render_message, View};
use crate::state::App;

/// Stops the server, waits `down`, and starts it again on the same ports. Implemented by
/// the lifecycle, which sits above these routes.
pub(crate) trait Restart: Send + Sync {
    /// Runs the whole cycle; returns once the server is back (or failed to come back).
    fn restart(&self, down: Duration) -> futures_util::future::BoxFuture<'static, ()>;
}

/// The `/__dev` routes, nested by the lifecycle when `dev_routes` is on.
pub(crate) fn routes(app: Arc<App>, restart: Arc<dyn Restart>) -> Router<Arc<App>> {
    Router::new()
        .route("/seed", get(seed))
        .route("/kick", post(kick))
        .route("/sockets", get(sockets))
        .route("/refuse-handshakes", post(refuse_handshakes))
        .route("/accept-handshakes", post(accept_handshakes))
        .route("/drop-next-respond-reply", post(drop_next_respond_reply))
        .route("/drop-next-message-reply", post(drop_next_message_reply))
        .route("/invalidate-tokens", post(invalidate_tokens))
        .route("/responses", get(responses).delete(clear_responses))
        .route("/expire-reviews", post(expire_reviews))
        .route("/abort-stale-streams", post(abort_stale_streams))
        .route("/requests", get(requests).delete(clear_requests))
        .route("/messages/{id}", get(message))
        .route("/demo/{kind}", post(demo_review))
        .route(
            "/restart",
            post(move |query: QueryParams| restart_route(restart.clone(), query)),
        )
        .layer(middleware::from_fn_with_state(app, loopback_only))
}

async fn loopback_only(
    ConnectInfo(conn): ConnectInfo<ConnInfo>,
    request: Request,
    next: Next,
) -> Response {
    if !conn.peer.ip().is_loopback() {
        return ApiError::forbidden("Dev controls are available from loopback only")
            .into_response();
    }
    next.run(request).await
}

fn controls(app: &Arc<App>) -> Controls {
    Controls::new(app.clone())
}

/// A duration in ms from the query (`?ms=`, or `name`), default `default_ms`.
fn millis(query: &QueryParams, name: &str, default_ms: u64) -> Duration {
    Duration::from_millis(
        query
            .get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default_ms),
    )
}

async fn seed(State(app): State<Arc<App>>) -> Json<Value> {
    Json(serde_json::to_value(&app.seed).unwrap_or(Value::Null))
}

async fn kick(State(app): State<Arc<App>>) -> Json<Value> {
    controls(&app).kick_all().await;
    Json(json!({ "kicked": true }))
}

async fn sockets(State(app): State<Arc<App>>) -> Json<Value> {
    Json(serde_json::to_value(controls(&app).sockets()).unwrap_or(Value::Null))
}

/// `?ms=N` (default 5000).
async fn refuse_handshakes(State(app): State<Arc<App>>, query: QueryParams) -> Json<Value> {
    let duration = millis(&query, "ms", 5000);
    controls(&app).refuse_handshakes(duration);
    Json(json!({ "refusingForMs": duration.as_millis() as u64 }))
}

async fn accept_handshakes(State(app): State<Arc<App>>) -> Json<Value> {
    controls(&app).accept_handshakes();
    Json(json!({ "refusing": false }))
}

async fn drop_next_respond_reply(State(app): State<Arc<App>>) -> Json<Value> {
    controls(&app).drop_next_respond_reply();
    Json(json!({ "armed": true }))
}

async fn drop_next_message_reply(State(app): State<Arc<App>>) -> Json<Value> {
    controls(&app).drop_next_message_reply();
    Json(json!({ "armed": true }))
}

async fn invalidate_tokens(State(app): State<Arc<App>>) -> Json<Value> {
    controls(&app).invalidate_tokens();
    Json(json!({ "invalidated": true }))
}

async fn responses(State(app): State<Arc<App>>) -> Json<Value> {
    Json(serde_json::to_value(controls(&app).responses()).unwrap_or(Value::Null))
}

async fn clear_responses(State(app): State<Arc<App>>) -> Json<Value> {
    controls(&app).clear_responses();
    Json(json!({ "cleared": true }))
}

async fn expire_reviews(State(app): State<Arc<App>>) -> Json<Value> {
    Json(json!({ "expired": controls(&app).expire_overdue_reviews().await }))
}

async fn abort_stale_streams(State(app): State<Arc<App>>) -> Json<Value> {
    Json(json!({ "aborted": controls(&app).abort_stale_streams().await }))
}

/// The request log (`/__dev` requests included).
async fn requests(State(app): State<Arc<App>>) -> Json<Value> {
    Json(serde_json::to_value(controls(&app).requests()).unwrap_or(Value::Null))
}

async fn clear_requests(State(app): State<Arc<App>>) -> Json<Value> {
    controls(&app).clear_requests();
    Json(json!({ "cleared": true }))
}

/// The stored message, unredacted, with attachments.
async fn message(State(app): State<Arc<App>>, PathId(id): PathId) -> Result<Json<Value>, ApiError> {
    let message = app
        .store
        .message(&id)?
        .ok_or_else(|| ApiError::not_found("Message not found"))?;
    render_message(&app, &message, View::Raw).map(Json)
}

/// Posts one demo review: `approval`, `selection`, `multi-selection`, `form`,
/// `text-input` or `freeform`.
async fn demo_review(
    State(app): State<Arc<App>>,
    PathId(kind): PathId,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let kind: DemoReview = kind
        .parse()
        .map_err(|_| ApiError::not_found(format!("Unknown demo review kind {kind:?}")))?;
    let message = crate::demo::post(&app, kind).await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// Answers 202 at once, then stops the server (every connection and the listener go
/// away), waits `?downMs=N` (default 1000) and starts it again on the same port.
async fn restart_route(restart: Arc<dyn Restart>, query: QueryParams) -> (StatusCode, Json<Value>) {
    let down = millis(&query, "downMs", 1000);
    tokio::spawn(async move {
        // Give this reply time to leave before every connection is cut.
        tokio::time::sleep(Duration::from_millis(50)).await;
        restart.restart(down).await;
    });
    (
        StatusCode::ACCEPTED,
        Json(json!({ "restarting": true, "downMs": down.as_millis() as u64 })),
    )
}
