//! The server's single error type and the NestJS-style error body.
//!
//! Handlers return [`ApiError`], which only carries a status and a message; the
//! [`error_body`] middleware, which knows the request URL, turns it into
//! `{"statusCode", "message", "timestamp", "path"}` (contract §6.3). Doing it in one place
//! means every error, including our own extractor rejections and the 404 fallback, has the
//! same shape.

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderValue, Method, StatusCode, Uri},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde_json::{json, Value};

use crate::util::now_iso;

/// A failed request: HTTP status plus the `message` of the error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
    /// Seconds for a `Retry-After` header (429 only).
    pub(crate) retry_after: Option<u64>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// What nestjs-zod reports for any schema failure (its `errors` array is dropped by
    /// the server's exception filter, §6.3).
    pub(crate) fn validation() -> Self {
        Self::bad_request("Validation failed")
    }

    /// Passport's rejection of a missing or bad JWT.
    pub(crate) fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Unauthorized")
    }

    pub(crate) fn unauthorized_with(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }

    pub(crate) fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    pub(crate) fn not_your_agent() -> Self {
        Self::forbidden("Not your agent")
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub(crate) fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
    }

    pub(crate) fn too_many_requests(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "ThrottlerException: Too Many Requests",
            )
        }
    }

    /// The JSON error body for a request to `path` (path and query, like NestJS's
    /// `request.url`).
    pub(crate) fn body(&self, path: &str) -> Value {
        json!({
            "statusCode": self.status.as_u16(),
            "message": self.message,
            "timestamp": now_iso(),
            "path": path,
        })
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.message)
    }
}

impl std::error::Error for ApiError {}

/// Marker left on an error response for [`error_body`] to fill in.
#[derive(Debug, Clone)]
struct PendingErrorBody(ApiError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.extensions_mut().insert(PendingErrorBody(self));
        response
    }
}

/// Middleware writing the §6.3 body for every [`ApiError`] response.
pub(crate) async fn error_body(request: Request, next: Next) -> Response {
    let path = request_path(request.uri());
    let mut response = next.run(request).await;
    let Some(PendingErrorBody(error)) = response.extensions_mut().remove::<PendingErrorBody>()
    else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(error.body(&path).to_string()))
}

/// NestJS answers unknown routes (and known paths with another method) with
/// `404 "Cannot <METHOD> <url>"`.
pub(crate) async fn route_not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(format!("Cannot {method} {}", request_path(&uri)))
}

/// The request URL as NestJS reports it: path plus query string.
pub(crate) fn request_path(uri: &Uri) -> String {
    uri.path_and_query()
        .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned())
}
