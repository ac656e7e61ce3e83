//! `/api/agents*` for the signed-in user (contract §3.1).

use std::sync::Arc;

use axum::{
    extract::State,
    http::StatusCode,
    routing::{get, post},
    Json, Router,
};
use serde_json::Value;

use crate::error::ApiError;
use crate::routes::extract::{HumanUser, JsonBody, PathId};
use crate::service::agents;
use crate::state::App;

pub(super) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/agents", get(list))
        .route("/api/agents/{id}/read", post(mark_read))
}

async fn list(
    State(app): State<Arc<App>>,
    HumanUser(user): HumanUser,
) -> Result<Json<Value>, ApiError> {
    agents::list_for_user(&app, &user.id).map(Json)
}

/// 201 with an empty body: the service returns nothing.
async fn mark_read(
    State(app): State<Arc<App>>,
    HumanUser(user): HumanUser,
    PathId(id): PathId,
    _body: JsonBody,
) -> Result<StatusCode, ApiError> {
    agents::mark_read(&app, &user.id, &id)?;
    Ok(StatusCode::CREATED)
}
