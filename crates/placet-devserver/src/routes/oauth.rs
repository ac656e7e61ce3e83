//! `GET /api/v1/oauth/callback`: where an OAuth provider sends the person's browser
//! back (oauth-relay.controller.ts). Public: no API key, no JWT.

use std::sync::Arc;

use axum::{
    extract::State,
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};

use super::extract::QueryParams;
use crate::service::oauth::{self, Callback};
use crate::state::App;

pub(super) fn routes() -> Router<Arc<App>> {
    Router::new().route("/api/v1/oauth/callback", get(callback))
}

async fn callback(State(app): State<Arc<App>>, query: QueryParams) -> Response {
    let (status, page) = oauth::callback(
        &app,
        Callback {
            code: query.get("code"),
            state: query.get("state"),
            error: query.get("error"),
            error_description: query.get("error_description"),
        },
    )
    .await;
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static("text/html"))],
        page,
    )
        .into_response()
}
