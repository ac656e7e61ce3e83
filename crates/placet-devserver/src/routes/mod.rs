//! The HTTP surface of the backend: the route table of the REST API and the layers every
//! request passes before it. The lifecycle assembles them with the Socket.IO layer and,
//! when asked, the `/__dev` routes.
//!
//! The rate limit is a route layer of the API routes only, so like the real server's
//! guard it never sees Socket.IO, unknown routes or `/__dev`.

mod agent_api;
mod agents;
mod auth;
pub(crate) mod edge;
pub(crate) mod extract;
mod files;
mod messages;
mod oauth;
mod throttle;
pub(crate) mod web;

use std::sync::Arc;

use axum::{middleware, routing::get, Json, Router};
use serde_json::json;

use crate::state::App;
pub(crate) use throttle::Tracker;

/// Every REST route of the backend, each counted by the rate limit against `tracker`.
pub(crate) fn api(app: Arc<App>, tracker: Tracker) -> Router<Arc<App>> {
    Router::new()
        .route("/health", get(health))
        .merge(auth::routes())
        .merge(agents::routes())
        .merge(messages::routes())
        .merge(files::routes())
        .merge(agent_api::routes())
        .merge(oauth::routes())
        .route_layer(middleware::from_fn_with_state(
            (app, tracker),
            self::throttle::api_route,
        ))
        .route_layer(middleware::from_fn(extract::parse_json_first))
}

async fn health() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}
