//! Attachment downloads for humans (`/api/files/:id/download`, contract §3.5); the agent
//! API's download shares [`download_response`].

use std::sync::Arc;

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::json;

use crate::error::ApiError;
use crate::extract::{HumanUser, PathId};
use crate::state::App;

pub(super) fn routes() -> Router<Arc<App>> {
    Router::new().route("/api/files/{id}/download", get(download))
}

async fn download(
    State(app): State<Arc<App>>,
    HumanUser(user): HumanUser,
    PathId(id): PathId,
) -> Result<Response, ApiError> {
    download_response(&app, &user.id, &id)
}

/// The raw bytes of an attachment the user owns (through its channel), with
/// `Content-Type`, `Content-Disposition: inline; filename="…"` and `Content-Length`.
pub(super) fn download_response(app: &App, user_id: &str, id: &str) -> Result<Response, ApiError> {
    let attachment = app
        .store
        .attachment(id)?
        .ok_or_else(|| ApiError::not_found("Attachment not found"))?;
    app.store
        .owned_agent(&attachment.channel_id, user_id)?
        .ok_or_else(|| ApiError::forbidden("Not your file"))?;
    let content = app.store.attachment_content(id)?.unwrap_or_default();
    if content.is_empty() {
        // Sent directly by the controller, bypassing the error filter's shape.
        return Ok((
            StatusCode::NOT_FOUND,
            Json(json!({ "message": "File body empty" })),
        )
            .into_response());
    }
    let content_type = HeaderValue::from_str(&attachment.mime_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let disposition = format!(
        "inline; filename=\"{}\"",
        sanitize_filename(&attachment.filename)
    );
    let disposition =
        HeaderValue::from_str(&disposition).unwrap_or_else(|_| HeaderValue::from_static("inline"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CONTENT_LENGTH, HeaderValue::from(content.len())),
        ],
        Body::from(content),
    )
        .into_response())
}

/// The server replaces `"`, `\`, CR and LF in the filename with `_`.
fn sanitize_filename(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '"' | '\\' | '\r' | '\n' => '_',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::sanitize_filename;

    #[test]
    fn sanitizes_header_breakers() {
        assert_eq!(sanitize_filename("a\"b\\c\r\nd.md"), "a_b_c__d.md");
        assert_eq!(sanitize_filename("plain.txt"), "plain.txt");
    }
}
