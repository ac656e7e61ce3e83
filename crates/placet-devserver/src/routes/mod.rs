//! The HTTP surface: route table, middleware order, and the Socket.IO layer.
//!
//! Layers, outermost first: handshake refusal (test control) → Socket.IO (takes
//! `/socket.io/*`) → error body → rate limit → routes. Socket.IO traffic therefore never
//! counts against the rate limit, as on the real server where the throttler guards only
//! NestJS routes.

mod agent_api;
mod agents;
mod auth;
pub(crate) mod dev;
mod files;
mod messages;

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    http::StatusCode,
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::json;
use socketioxide::SocketIo;

use crate::error::{error_body, route_not_found, ApiError};
use crate::state::App;

/// Builds the router and the Socket.IO instance for one server run.
pub(crate) fn router(app: Arc<App>) -> (Router, SocketIo) {
    let (socket_layer, io) = crate::socket::layer(app.clone());
    let router = Router::new()
        .route("/health", get(health))
        .merge(auth::routes())
        .merge(agents::routes())
        .merge(messages::routes())
        .merge(files::routes())
        .merge(agent_api::routes())
        .nest("/__dev", dev::routes(app.clone()))
        .fallback(route_not_found)
        .method_not_allowed_fallback(route_not_found)
        .layer(middleware::from_fn_with_state(
            app.clone(),
            crate::throttle::throttle,
        ))
        .layer(middleware::from_fn(error_body))
        .layer(socket_layer)
        .layer(middleware::from_fn_with_state(
            app.clone(),
            refuse_handshakes,
        ))
        .with_state(app);
    (router, io)
}

async fn health() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// While the test control is active, a new Engine.IO session (a `/socket.io/` request
/// without `sid`) fails at the HTTP level with 503, before Socket.IO sees it.
async fn refuse_handshakes(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let is_handshake = request.uri().path().starts_with("/socket.io")
        && !request
            .uri()
            .query()
            .unwrap_or("")
            .split('&')
            .any(|pair| pair.starts_with("sid="));
    if is_handshake && app.controls.refusing_handshakes() {
        let error = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Handshakes are refused (dev server test control)",
        );
        let path = crate::error::request_path(request.uri());
        return (error.status, Json(error.body(&path))).into_response();
    }
    next.run(request).await
}
