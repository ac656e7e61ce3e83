//! Who is asking: the JWT of a human request and the API key of an agent request,
//! resolved with the guards' rules and error messages. Routes, the socket and the
//! in-process helpers share them.

use axum::http::{header, HeaderMap};

use crate::credentials::api_key_hash;
use crate::error::ApiError;
use crate::model::UserRow;
use crate::state::App;
use crate::util::{iso, now};

/// Resolves the JWT of a request to its user, or 401.
pub(crate) fn authenticate_jwt(app: &App, headers: &HeaderMap) -> Result<UserRow, ApiError> {
    let token = cookie_token(headers)
        .or_else(|| bearer_token(headers))
        .ok_or_else(ApiError::unauthorized)?;
    let claims = app
        .tokens
        .verify(&token)
        .ok_or_else(ApiError::unauthorized)?;
    app.store
        .user(&claims.sub)?
        .ok_or_else(ApiError::unauthorized)
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == "access_token")
        .map(|(_, value)| value.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// Resolves an API key to its owner's id with the guard's two error messages.
pub(crate) fn authenticate_api_key(app: &App, key: &str) -> Result<String, ApiError> {
    if !key.starts_with("hp_") {
        return Err(ApiError::unauthorized_with("Missing or invalid API key"));
    }
    let owner = app
        .store
        .api_key_owner(&api_key_hash(key))?
        .ok_or_else(|| ApiError::unauthorized_with("Invalid API key"))?;
    // The real guard writes lastUsedAt at most every 5 minutes per key.
    let now = now();
    let stale = owner.last_used_at.as_deref().is_none_or(|last| {
        crate::util::parse_js_date(last).is_none_or(|t| now - t >= chrono::Duration::minutes(5))
    });
    if stale {
        app.store.touch_api_key(&owner.key_id, &iso(now))?;
    }
    Ok(owner.user_id)
}
