//! Request extractors whose rejections are [`ApiError`]s, so even malformed requests get
//! the server's error body.

use std::collections::HashMap;
use std::sync::Arc;

use axum::{
    body::{Body, Bytes},
    extract::{FromRequest, FromRequestParts, Request},
    http::{header, request::Parts, HeaderMap, Method},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde_json::Value;

use crate::error::ApiError;
use crate::model::UserRow;
use crate::service::auth::{authenticate_api_key, authenticate_jwt};
use crate::state::App;

/// A request body as JSON, parsed the way Fastify does: with a JSON content type the body
/// must be valid, non-empty JSON (400 otherwise); any other body reaches validation as a
/// string, and no body at all as `null`.
#[derive(Debug, Clone)]
pub(crate) struct JsonBody(pub(crate) Value);

/// Bodies are read up to this size, axum's default limit.
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// A JSON body [`parse_json_first`] already parsed.
#[derive(Debug, Clone)]
struct ParsedJson(Value);

/// Route layer, outermost: parses a JSON body before the rate limit and the guards see
/// the request, as Fastify does before NestJS runs anything, so a broken body is a 400
/// whoever sends it and costs no rate-limit budget. Other bodies are left for the
/// route.
pub(crate) async fn parse_json_first(request: Request, next: Next) -> Response {
    let has_body = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE | Method::OPTIONS
    );
    if !has_body || !is_json_content_type(request.headers()) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => return ApiError::bad_request("Invalid request body").into_response(),
    };
    let value = match parse_body(true, &bytes) {
        Ok(value) => value,
        Err(e) => return e.into_response(),
    };
    let mut request = Request::from_parts(parts, Body::from(bytes));
    request.extensions_mut().insert(ParsedJson(value));
    next.run(request).await
}

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(mut request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(ParsedJson(value)) = request.extensions_mut().remove::<ParsedJson>() {
            return Ok(JsonBody(value));
        }
        let is_json = is_json_content_type(request.headers());
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|_| ApiError::bad_request("Invalid request body"))?;
        parse_body(is_json, &bytes).map(JsonBody)
    }
}

/// The body parsing of [`JsonBody`], also used by routes that need the raw bytes.
pub(crate) fn parse_body(is_json: bool, bytes: &[u8]) -> Result<Value, ApiError> {
    if !is_json {
        return Ok(if bytes.is_empty() {
            Value::Null
        } else {
            Value::String(String::from_utf8_lossy(bytes).into_owned())
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "Body cannot be empty when content-type is set to 'application/json'",
        ));
    }
    serde_json::from_slice(bytes).map_err(|_| {
        ApiError::bad_request(
            "Body is not valid JSON but content-type is set to 'application/json'",
        )
    })
}

pub(crate) fn is_json_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| {
            let mime = ct
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            mime == "application/json" || mime.ends_with("+json")
        })
        .unwrap_or(false)
}

/// Query-string parameters (last value wins). Never rejects.
#[derive(Debug, Clone, Default)]
pub(crate) struct QueryParams(HashMap<String, String>);

impl QueryParams {
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        Ok(Self(
            url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
        ))
    }
}

/// The user behind a JWT (cookie `access_token` first, then `Authorization: Bearer`).
/// Passport's rules: the first token found is the one checked; it must verify and its
/// `sub` must still exist.
#[derive(Debug, Clone)]
pub(crate) struct HumanUser(pub(crate) UserRow);

impl FromRequestParts<Arc<App>> for HumanUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        authenticate_jwt(app, &parts.headers).map(HumanUser)
    }
}

/// The user owning the `x-api-key` of an agent-API request.
#[derive(Debug, Clone)]
pub(crate) struct AgentUser {
    pub(crate) user_id: String,
}

impl FromRequestParts<Arc<App>> for AgentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        let key = parts
            .headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        authenticate_api_key(app, key).map(|user_id| AgentUser { user_id })
    }
}

/// A single path parameter; a malformed one is a 400, not axum's plain-text rejection.
#[derive(Debug, Clone)]
pub(crate) struct PathId(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(id)| PathId(id))
            .map_err(|_| ApiError::bad_request("Invalid path parameter"))
    }
}
