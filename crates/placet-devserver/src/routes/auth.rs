//! `/api/auth/*` (contract §1.2, §1.3). The JWT travels only in the `access_token`
//! cookie, never in a body.

use std::sync::Arc;

use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::{json, Value};

use crate::credentials::{hash_password, verify_password, ACCESS_TOKEN_SECONDS};
use crate::error::ApiError;
use crate::model::UserRow;
use crate::routes::extract::{HumanUser, JsonBody};
use crate::state::App;
use crate::validate as v;

pub(super) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/auth/login", post(login))
        .route("/api/auth/me", get(me))
        .route("/api/auth/refresh", post(refresh))
        .route("/api/auth/logout", post(logout))
        .route("/api/auth/ws-ticket", post(ws_ticket))
        .route("/api/auth/change-password", post(change_password))
}

fn user_json(user: &UserRow) -> Value {
    json!({
        "id": user.id,
        "email": user.email,
        "displayName": user.display_name,
        "role": user.role,
        "mustChangePassword": user.must_change_password,
    })
}

/// `access_token=<jwt>; HttpOnly; SameSite=Lax; Path=/; Max-Age=604800` (no `Secure`: the
/// real server adds it only in production).
fn session_cookie(app: &App, user: &UserRow) -> HeaderValue {
    let token = app.tokens.access_token(&user.id, &user.email, &user.role);
    let cookie = format!(
        "access_token={token}; Max-Age={ACCESS_TOKEN_SECONDS}; Path=/; HttpOnly; SameSite=Lax"
    );
    // A JWT is base64url and dots, always a valid header value.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

async fn login(
    State(app): State<Arc<App>>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let obj = v::object(&body)?;
    let email = v::required_string(obj, "email", 0)?;
    let password = v::required_string(obj, "password", 1)?;
    if !v::is_email(email) {
        return Err(ApiError::validation());
    }
    let user = app
        .store
        .user_by_email(email)?
        .filter(|u| verify_password(password, &u.password_hash))
        .ok_or_else(|| ApiError::unauthorized_with("Invalid credentials"))?;
    Ok((
        StatusCode::OK,
        [(header::SET_COOKIE, session_cookie(&app, &user))],
        Json(json!({ "user": user_json(&user) })),
    )
        .into_response())
}

async fn me(HumanUser(user): HumanUser) -> Json<Value> {
    Json(json!({ "user": user_json(&user) }))
}

/// 200 with `{user: {id, email, displayName, role}}` (no `mustChangePassword`) and a
/// fresh cookie.
async fn refresh(
    State(app): State<Arc<App>>,
    HumanUser(user): HumanUser,
    _body: JsonBody,
) -> Response {
    (
        StatusCode::OK,
        [(header::SET_COOKIE, session_cookie(&app, &user))],
        Json(json!({ "user": {
            "id": user.id,
            "email": user.email,
            "displayName": user.display_name,
            "role": user.role,
        }})),
    )
        .into_response()
}

/// Clears the cookie. The JWT itself stays valid (the server keeps no deny list), and
/// the route needs no valid JWT.
async fn logout(_body: JsonBody) -> Response {
    (
        StatusCode::OK,
        [(
            header::SET_COOKIE,
            HeaderValue::from_static(
                "access_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; \
                 Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            ),
        )],
        Json(json!({ "message": "Logged out" })),
    )
        .into_response()
}

/// A 30-second JWT `{sub}` for the WebSocket handshake's `auth.token`.
async fn ws_ticket(
    State(app): State<Arc<App>>,
    HumanUser(user): HumanUser,
    _body: JsonBody,
) -> Response {
    (
        StatusCode::OK,
        Json(json!({ "ticket": app.tokens.ticket(&user.id) })),
    )
        .into_response()
}

async fn change_password(
    State(app): State<Arc<App>>,
    HumanUser(user): HumanUser,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let obj = v::object(&body)?;
    let current = v::required_string(obj, "currentPassword", 1)?;
    let new = v::required_string(obj, "newPassword", 8)?;
    if !verify_password(current, &user.password_hash) {
        return Err(ApiError::unauthorized_with("Current password is incorrect"));
    }
    app.store.set_password_hash(&user.id, &hash_password(new))?;
    Ok((
        StatusCode::OK,
        Json(json!({ "message": "Password changed successfully" })),
    )
        .into_response())
}
