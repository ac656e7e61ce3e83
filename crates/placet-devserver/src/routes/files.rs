//! Files for humans (contract §3.5): downloads (`/api/files/:id/download`; the agent
//! API's download shares [`download_response`]) and `POST /api/files/store`, which the
//! web UI uses to upload an annotated image whose id then goes into `modifiedFileIds`.

use std::sync::Arc;

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::routes::extract::{HumanUser, PathId};
use crate::service::files;
use crate::state::App;
use crate::validate::multipart::{first_file, MultipartError};
use crate::wire::attachment_json;

/// Uploads up to this size (`@fastify/multipart`'s `fileSize` limit in main.ts).
const UPLOAD_LIMIT: usize = 100 * 1024 * 1024;

pub(super) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/files/{id}/download", get(download))
        .route("/api/files/store", post(store))
}

/// `store` in files.controller.ts: the first file of a multipart body, with a
/// `channelId` field sent before it, stored as an orphan attachment; 201 with the
/// attachment. No file is 400 "No file provided", no `channelId` 400 "channelId is
/// required", another user's channel 403 "Not your file", and a body that is not
/// multipart makes `req.file()` throw, which the server's filter turns into a 500.
async fn store(
    State(app): State<Arc<App>>,
    HumanUser(user): HumanUser,
    request: Request,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = axum::body::to_bytes(request.into_body(), UPLOAD_LIMIT)
        .await
        .map_err(|_| ApiError::internal())?;
    let file = match first_file(content_type.as_deref(), &body) {
        Ok(Some(file)) => file,
        Ok(None) => return Err(ApiError::bad_request("No file provided")),
        Err(MultipartError::NotMultipart | MultipartError::Malformed) => {
            return Err(ApiError::internal())
        }
    };
    let channel_id = file
        .field("channelId")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::bad_request("channelId is required"))?;
    app.store
        .owned_agent(channel_id, &user.id)?
        .ok_or_else(|| ApiError::forbidden("Not your file"))?;
    let row = files::store_file(
        &app,
        channel_id,
        &file.filename,
        &file.mime_type,
        &file.content,
    )?;
    Ok((StatusCode::CREATED, Json(attachment_json(&row, None))))
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
