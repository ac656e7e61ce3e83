//! Text attachments: `textAttachments` of a new message and
//! `POST /api/v1/files/store-text`.

use serde_json::Value;

use super::owned_channel;
use crate::error::ApiError;
use crate::model::AttachmentRow;
use crate::state::App;
use crate::util::{iso, new_id, now};
use crate::validate as v;

/// A validated text attachment (`{content, filename = "content.md",
/// mimeType = "text/markdown"}`).
pub(crate) struct TextAttachment {
    pub(crate) content: String,
    pub(crate) filename: String,
    pub(crate) mime_type: String,
}

pub(crate) fn parse_text_attachment(item: &Value) -> Result<TextAttachment, ApiError> {
    let obj = v::object(item)?;
    Ok(TextAttachment {
        content: v::required_string(obj, "content", 1)?.to_owned(),
        filename: v::optional_string(obj, "filename", 1)?
            .unwrap_or("content.md")
            .to_owned(),
        mime_type: v::optional_string(obj, "mimeType", 0)?
            .unwrap_or("text/markdown")
            .to_owned(),
    })
}

/// Stores a text attachment, linked to `message_id` or orphan.
pub(crate) fn store_text_attachment(
    app: &App,
    channel_id: &str,
    message_id: Option<&str>,
    t: &TextAttachment,
    at: &str,
) -> Result<AttachmentRow, ApiError> {
    let id = new_id();
    let row = AttachmentRow {
        storage_key: format!("{channel_id}/{id}/{}", t.filename),
        id,
        message_id: message_id.map(str::to_owned),
        channel_id: channel_id.to_owned(),
        plugin_type: "file".to_owned(),
        filename: t.filename.clone(),
        mime_type: t.mime_type.clone(),
        size: i64::try_from(t.content.len()).unwrap_or(i64::MAX),
        plugin_data: None,
        created_at: at.to_owned(),
    };
    app.store.insert_attachment(&row, t.content.as_bytes())?;
    Ok(row)
}

/// `POST /api/v1/files/store-text`: body `{channelId, content, filename?, mimeType?}`;
/// stores an orphan attachment and returns it.
pub(crate) fn store_text(app: &App, user_id: &str, body: &Value) -> Result<Value, ApiError> {
    let obj = v::object(body)?;
    let channel_id = v::required_string(obj, "channelId", 1)?;
    let attachment = parse_text_attachment(body)?;
    let agent = owned_channel(app, user_id, Some(channel_id))?;
    let row = store_text_attachment(app, &agent.id, None, &attachment, &iso(now()))?;
    Ok(crate::wire::attachment_json(&row, None))
}

/// `storeFile` (apps/backend/src/modules/files/files.service.ts): an orphan attachment
/// of `channel_id` under `uploads/<ms>-<name>`, typed `@uax/image` for images and
/// `@uax/file` otherwise. The caller has checked ownership.
pub(crate) fn store_file(
    app: &App,
    channel_id: &str,
    filename: &str,
    mime_type: &str,
    content: &[u8],
) -> Result<AttachmentRow, crate::store::StoreError> {
    let now = now();
    let plugin_type = if mime_type.split('/').next() == Some("image") {
        "@uax/image"
    } else {
        "@uax/file"
    };
    let row = AttachmentRow {
        id: new_id(),
        message_id: None,
        channel_id: channel_id.to_owned(),
        plugin_type: plugin_type.to_owned(),
        filename: filename.to_owned(),
        mime_type: mime_type.to_owned(),
        size: i64::try_from(content.len()).unwrap_or(i64::MAX),
        storage_key: format!("uploads/{}-{filename}", now.timestamp_millis()),
        plugin_data: None,
        created_at: iso(now),
    };
    app.store.insert_attachment(&row, content)?;
    Ok(row)
}
