//! The HTTP surface: route table, middleware order, and the Socket.IO layer.
//!
//! Layers, outermost first: request log → loopback `Host` rule → handshake refusal
//! (test control) → Socket.IO (takes `/socket.io/*`) → error body → routes. The rate
//! limit is a route layer of the API routes only, so like the real server's guard it
//! never sees Socket.IO, unknown routes or `/__dev`.

mod agent_api;
mod agents;
mod auth;
pub(crate) mod dev;
mod edge;
mod files;
mod messages;

use std::sync::Arc;

use axum::{middleware, routing::get, Json, Router};
use serde_json::json;
use socketioxide::SocketIo;

use crate::error::{error_body, route_not_found};
use crate::state::App;

/// Builds the router and the Socket.IO instance for one server run.
pub(crate) fn router(app: Arc<App>) -> (Router, SocketIo) {
    let (socket_layer, io) = crate::socket::layer(app.clone());
    let mut router = Router::new()
        .route("/health", get(health))
        .merge(auth::routes())
        .merge(agents::routes())
        .merge(messages::routes())
        .merge(files::routes())
        .merge(agent_api::routes())
        .route_layer(middleware::from_fn_with_state(
            app.clone(),
            crate::throttle::api_route,
        ));
    if app.options.dev_routes {
        router = router.nest("/__dev", dev::routes(app.clone()));
    }
    let router = router
        .fallback(route_not_found)
        .method_not_allowed_fallback(route_not_found)
        .layer(middleware::from_fn(error_body))
        .layer(socket_layer)
        .layer(middleware::from_fn_with_state(
            app.clone(),
            edge::refuse_handshakes,
        ))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            edge::loopback_hosts_only,
        ))
        .layer(middleware::from_fn_with_state(app.clone(), edge::record))
        .with_state(app);
    (router, io)
}

async fn health() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}
