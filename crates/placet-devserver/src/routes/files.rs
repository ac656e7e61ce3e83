//! Attachment downloads for humans (`/api/files/:id/download`, contract §3.5); the agent
//! API's download shares [`download_response`].

use std::sync::Arc;

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use serde_json::json;

use crate::error::ApiError;
use crate::routes::extract::{HumanUser, PathId};
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

/// The raw bytes of an attachment the user owns (through its channel), as
/// `files.controller.ts` (apps/backend/src/modules/files/) sends them: `Content-Type` the
/// stored MIME type, `Content-Disposition: inline; filename="…"` with `"`, `\`, CR and LF
/// replaced by `_` and no `filename*=`, and the length. An empty file is an empty 200.
///
/// Node writes header strings as Latin-1 and throws `ERR_INVALID_CHAR` on anything
/// else, so a name with characters beyond U+00FF ("Отчёт 2026.pdf") makes the real
/// server fail the download with 500; see [`invalid_header_char`].
pub(super) fn download_response(app: &App, user_id: &str, id: &str) -> Result<Response, ApiError> {
    let attachment = app
        .store
        .attachment(id)?
        .ok_or_else(|| ApiError::not_found("Attachment not found"))?;
    app.store
        .owned_agent(&attachment.channel_id, user_id)?
        .ok_or_else(|| ApiError::forbidden("Not your file"))?;
    let content = app
        .store
        .attachment_content(id)?
        .ok_or_else(|| ApiError::not_found("Attachment not found"))?;
    let disposition = format!(
        "inline; filename=\"{}\"",
        sanitize_filename(&attachment.filename)
    );
    let (Some(content_type), Some(disposition)) = (
        latin1_header(&attachment.mime_type),
        latin1_header(&disposition),
    ) else {
        let name = if latin1_header(&attachment.mime_type).is_none() {
            "content-type"
        } else {
            "content-disposition"
        };
        return Ok(invalid_header_char(name));
    };
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

/// The header bytes Node would write for `value` (one byte per character), or `None`
/// where Node's `checkInvalidHeaderChar` (`/[^\t\x20-\x7e\x80-\xff]/`) refuses it.
fn latin1_header(value: &str) -> Option<HeaderValue> {
    let bytes = value
        .chars()
        .map(|c| match u32::from(c) {
            0x09 | 0x20..=0x7e | 0x80..=0xff => u8::try_from(u32::from(c)).ok(),
            _ => None,
        })
        .collect::<Option<Vec<u8>>>()?;
    HeaderValue::from_bytes(&bytes).ok()
}

/// What a client gets when the real server sets a header Node refuses (inferred from
/// Node and Fastify, not observed): the write throws `ERR_INVALID_CHAR`, Nest's filter
/// fails on the same header, and Fastify's last-resort handler sends its own error body
/// with no headers at all.
fn invalid_header_char(name: &str) -> Response {
    let body = json!({
        "statusCode": 500,
        "code": "ERR_INVALID_CHAR",
        "error": "Internal Server Error",
        "message": format!("Invalid character in header content [\"{name}\"]"),
    });
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
}

#[cfg(test)]
mod tests {
    use super::{latin1_header, sanitize_filename};

    #[test]
    fn sanitizes_header_breakers() {
        assert_eq!(sanitize_filename("a\"b\\c\r\nd.md"), "a_b_c__d.md");
        assert_eq!(sanitize_filename("plain.txt"), "plain.txt");
    }

    #[test]
    fn headers_are_latin1_or_nothing() {
        assert_eq!(
            latin1_header("Café.pdf").unwrap().as_bytes(),
            b"Caf\xe9.pdf"
        );
        assert!(latin1_header("Отчёт 2026.pdf").is_none());
        assert!(latin1_header("bell\u{7}").is_none());
        assert!(latin1_header("del\u{7f}").is_none());
    }
}
