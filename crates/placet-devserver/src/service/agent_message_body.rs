//! The body of `POST /api/v1/messages` (contract §3.4), validated: what an agent's new
//! message, review or streaming draft is made of. Both the creation of messages and the
//! streaming drafts read it.

use serde_json::{Map, Value};

use super::files::{parse_text_attachment, TextAttachment};
use crate::error::ApiError;
use crate::validate as v;

const MESSAGE_STATUSES: [&str; 4] = ["info", "success", "warning", "error"];
pub(crate) const STREAM_STATES: [&str; 3] = ["streaming", "complete", "aborted"];

/// A validated `POST /api/v1/messages` body. Optional strings the server tests for
/// truthiness (`clientId`, `streamId`, `iterationOf`, `streamState`) are `None` when
/// empty, as `if (dto.clientId)` treats them.
pub(crate) struct NewAgentMessage<'a> {
    pub(crate) channel_id: &'a str,
    pub(crate) text: Option<&'a str>,
    pub(crate) status: Option<&'a str>,
    pub(crate) review: Option<&'a Map<String, Value>>,
    pub(crate) metadata: Option<&'a Map<String, Value>>,
    pub(crate) webhook_url: Option<&'a str>,
    pub(crate) attachment_ids: Vec<String>,
    pub(crate) text_attachments: Vec<TextAttachment>,
    pub(crate) iteration_of: Option<&'a str>,
    pub(crate) client_id: Option<&'a str>,
    pub(crate) stream_id: Option<&'a str>,
    pub(crate) stream_state: Option<&'a str>,
}

/// `CreateAgentMessageSchema` (packages/shared/src/types.ts), refine included: every
/// failure is "Validation failed", the refine's own text being lost with zod's `errors`.
pub(crate) fn parse(body: &Value) -> Result<NewAgentMessage<'_>, ApiError> {
    let obj = v::object(body)?;
    let review = v::optional_object(obj, "review")?;
    if let Some(review) = review {
        validate_review_shape(review)?;
    }
    let text_attachments = match obj.get("textAttachments") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(parse_text_attachment)
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(ApiError::validation()),
    };
    v::optional_string(obj, "streamStartedAt", 1)?;
    let parsed = NewAgentMessage {
        channel_id: v::required_string(obj, "channelId", 1)?,
        text: v::optional_string(obj, "text", 0)?,
        status: v::optional_enum(obj, "status", &MESSAGE_STATUSES)?,
        review,
        metadata: v::optional_object(obj, "metadata")?,
        webhook_url: v::optional_url(obj, "webhookUrl")?,
        attachment_ids: v::optional_string_array(obj, "attachmentIds")?.unwrap_or_default(),
        text_attachments,
        iteration_of: non_empty(v::optional_string(obj, "iterationOf", 0)?),
        client_id: non_empty(v::optional_string(obj, "clientId", 0)?),
        stream_id: non_empty(v::optional_string(obj, "streamId", 0)?),
        stream_state: v::optional_enum(obj, "streamState", &STREAM_STATES)?,
    };
    let has_content = parsed.text.is_some_and(|t| !t.is_empty())
        || parsed.review.is_some()
        || parsed.status.is_some()
        || !parsed.attachment_ids.is_empty()
        || !parsed.text_attachments.is_empty();
    if !has_content {
        return Err(ApiError::validation());
    }
    Ok(parsed)
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

/// `ReviewSchema.omit({status, response, completedAt})`: `expiresInSeconds` is an
/// optional positive integer (so `0`, `-1`, `1.5` and `null` all fail validation before
/// the service's own check could run); `callback`, `expiresAt`, `feedback` and
/// `modifiedFileIds` are nullish.
pub(crate) fn validate_review_shape(review: &Map<String, Value>) -> Result<(), ApiError> {
    v::required_string(review, "type", 0)?;
    v::optional_object(review, "payload")?;
    match review.get("callback") {
        None | Some(Value::Null) => {}
        Some(Value::Object(cb)) => {
            v::optional_url(cb, "url")?.ok_or_else(ApiError::validation)?;
            v::optional_string(cb, "method", 0)?;
            v::optional_string_map(cb, "headers")?;
        }
        Some(_) => return Err(ApiError::validation()),
    }
    v::nullish_string(review, "expiresAt")?;
    v::optional_positive_integer(review, "expiresInSeconds")?;
    v::nullish_string(review, "feedback")?;
    v::nullish_string_map(review, "modifiedFileIds")?;
    Ok(())
}
