//! `POST /api/v1/messages`: an agent creates a message or review (contract §3.4).

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};

use super::files::{parse_text_attachment, store_text_attachment, TextAttachment};
use super::{owned_channel, render_message, View};
use crate::error::ApiError;
use crate::events::{channel_room, user_room};
use crate::state::App;
use crate::store::MessageRow;
use crate::util::{iso, new_id, now, parse_js_date};
use crate::validate as v;
use crate::wire::with_field;

const MESSAGE_STATUSES: [&str; 4] = ["info", "success", "warning", "error"];
const STREAM_STATES: [&str; 3] = ["streaming", "complete", "aborted"];
/// `DEFAULT_REVIEW_DURATION_SECONDS`.
const DEFAULT_REVIEW_SECONDS: i64 = 86_400;
/// `MAX_REVIEW_DURATION_SECONDS`; longer requests are silently capped.
const MAX_REVIEW_SECONDS: i64 = 129_600;

const AT_LEAST_ONE: &str =
    "Message must contain at least one of: text, review, status, attachmentIds, or textAttachments";

/// A validated `POST /api/v1/messages` body.
struct NewAgentMessage<'a> {
    channel_id: &'a str,
    text: Option<&'a str>,
    status: Option<&'a str>,
    review: Option<&'a Map<String, Value>>,
    metadata: Option<&'a Map<String, Value>>,
    webhook_url: Option<&'a str>,
    attachment_ids: Vec<String>,
    text_attachments: Vec<TextAttachment>,
    iteration_of: Option<&'a str>,
    client_id: Option<&'a str>,
    stream_id: Option<&'a str>,
    stream_state: Option<&'a str>,
}

fn parse(body: &Value) -> Result<NewAgentMessage<'_>, ApiError> {
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
        iteration_of: v::optional_string(obj, "iterationOf", 0)?,
        client_id: v::optional_string(obj, "clientId", 1)?,
        stream_id: v::optional_string(obj, "streamId", 0)?,
        stream_state: v::optional_enum(obj, "streamState", &STREAM_STATES)?,
    };
    // The schema's refine: JavaScript truthiness, so an empty text does not count.
    let has_content = parsed.text.is_some_and(|t| !t.is_empty())
        || parsed.review.is_some()
        || parsed.status.is_some()
        || !parsed.attachment_ids.is_empty()
        || !parsed.text_attachments.is_empty();
    if !has_content {
        return Err(ApiError::bad_request(AT_LEAST_ONE));
    }
    Ok(parsed)
}

/// The schema checks of `review` except the expiry fields, which have their own messages.
fn validate_review_shape(review: &Map<String, Value>) -> Result<(), ApiError> {
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
    v::optional_string(review, "feedback", 0)?;
    v::optional_string_map(review, "modifiedFileIds")?;
    Ok(())
}

/// When a new review expires: `expiresInSeconds` wins over `expiresAt`, the default is
/// 24 h, anything past 36 h is capped, and the result must be in the future.
fn review_expiry(
    review: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, ApiError> {
    let requested = match (review.get("expiresInSeconds"), review.get("expiresAt")) {
        (Some(secs), _) if !secs.is_null() => {
            let secs = v::positive_integer(secs).ok_or_else(|| {
                ApiError::bad_request("expiresInSeconds must be a positive integer")
            })?;
            let secs = i64::try_from(secs)
                .unwrap_or(i64::MAX)
                .min(MAX_REVIEW_SECONDS + 1);
            now + Duration::seconds(secs)
        }
        (_, Some(Value::String(at))) => parse_js_date(at)
            .ok_or_else(|| ApiError::bad_request("expiresAt must be a valid ISO date string"))?,
        (_, None | Some(Value::Null)) => now + Duration::seconds(DEFAULT_REVIEW_SECONDS),
        (_, Some(_)) => return Err(ApiError::validation()),
    };
    if requested <= now {
        return Err(ApiError::bad_request(
            "Review expiration must be in the future",
        ));
    }
    Ok(requested.min(now + Duration::seconds(MAX_REVIEW_SECONDS)))
}

/// The stored review: the accepted input keys, `status: "pending"` and the computed
/// `expiresAt` (`expiresInSeconds` is dropped).
fn stored_review(review: &Map<String, Value>, expires_at: DateTime<Utc>) -> Value {
    let mut stored = Map::new();
    for key in ["type", "payload", "callback", "feedback", "modifiedFileIds"] {
        if let Some(value) = review.get(key) {
            stored.insert(key.to_owned(), value.clone());
        }
    }
    stored.insert("status".to_owned(), json!("pending"));
    stored.insert("expiresAt".to_owned(), json!(iso(expires_at)));
    Value::Object(stored)
}

/// `POST /api/v1/messages` for the API key's owner. Returns the reply body (always sent
/// with 201). Emits `message:created` (with `agentName`) to the channel and owner rooms
/// in one broadcast, except for an idempotent replay.
pub(crate) async fn create_agent_message(
    app: &App,
    user_id: &str,
    body: &Value,
) -> Result<Value, ApiError> {
    let input = parse(body)?;
    let agent = owned_channel(app, user_id, Some(input.channel_id))?;

    if let Some(client_id) = input.client_id {
        if let Some(existing) = app.store.message_by_client_id(&agent.id, client_id)? {
            return render_message(app, &existing, View::Agent);
        }
    }

    let now = now();
    let at = iso(now);
    let review = match input.review {
        Some(review) => Some(stored_review(review, review_expiry(review, now)?)),
        None => None,
    };

    let (iteration_group_id, iteration) = match input.iteration_of {
        Some(target_id) => {
            let target = app
                .store
                .message(target_id)?
                .filter(|m| m.channel_id == agent.id)
                .ok_or_else(|| {
                    ApiError::bad_request("iterationOf target does not exist in this channel")
                })?;
            if !matches!(target.review_status(), Some("completed" | "expired")) {
                return Err(ApiError::bad_request(
                    "iterationOf target must have a completed or expired review",
                ));
            }
            app.store.ensure_iteration_root(&target.id, &at)?;
            (
                Some(target.iteration_group_id.unwrap_or(target.id)),
                Some(target.iteration.unwrap_or(1) + 1),
            )
        }
        None => (None, None),
    };

    if let Some(stream_id) = input.stream_id {
        if let Some(updated) = update_stream_draft(app, &agent.id, stream_id, &input, &at)? {
            let payload = with_field(
                render_message(app, &updated, View::Raw)?,
                "agentName",
                json!(agent.name),
            );
            app.events
                .emit(
                    vec![channel_room(&agent.id), user_room(&agent.owner_id)],
                    "message:updated",
                    &payload,
                )
                .await;
            return render_message(app, &updated, View::Agent);
        }
    }

    let metadata = merged_metadata(&input, review.as_ref());
    let message = MessageRow {
        id: new_id(),
        channel_id: agent.id.clone(),
        sender_type: "agent".to_owned(),
        sender_id: agent.id.clone(),
        text: input.text.map(str::to_owned),
        status: input.status.map(str::to_owned),
        review,
        metadata,
        client_id: input.client_id.map(str::to_owned),
        stream_id: input.stream_id.map(str::to_owned),
        stream_state: input.stream_state.map(str::to_owned),
        delivery_status: "sent".to_owned(),
        iteration_group_id,
        iteration,
        created_at: at.clone(),
        updated_at: at.clone(),
    };
    app.store.insert_message(&message)?;
    app.store
        .link_orphan_attachments(&input.attachment_ids, &agent.id, &message.id)?;
    for t in &input.text_attachments {
        store_text_attachment(app, &agent.id, Some(&message.id), t, &at)?;
    }
    if message.review.is_some() {
        app.notify_review_changed();
    }

    let payload = with_field(
        render_message(app, &message, View::Raw)?,
        "agentName",
        json!(agent.name),
    );
    app.events
        .emit(
            vec![channel_room(&agent.id), user_room(&agent.owner_id)],
            "message:created",
            &payload,
        )
        .await;
    render_message(app, &message, View::Agent)
}

/// `metadata` as given, plus `webhookUrl` and, for a freeform plugin review,
/// `plugin`; `None` when all are absent.
fn merged_metadata(input: &NewAgentMessage<'_>, review: Option<&Value>) -> Option<Value> {
    let mut metadata = input.metadata.cloned();
    let mut set = |key: &str, value: Value| {
        metadata
            .get_or_insert_with(Map::new)
            .insert(key.to_owned(), value);
    };
    if let Some(url) = input.webhook_url {
        set("webhookUrl", json!(url));
    }
    if let Some(review) = review {
        let plugin = review
            .get("payload")
            .and_then(|p| p.get("plugin"))
            .and_then(Value::as_str);
        if let (Some("freeform"), Some(plugin)) =
            (review.get("type").and_then(Value::as_str), plugin)
        {
            set("plugin", json!(plugin));
        }
    }
    metadata.map(Value::Object)
}

/// A re-post for an existing `(channelId, streamId)` draft updates it instead of
/// violating the unique index; returns the updated row, or `None` if there is no draft.
fn update_stream_draft(
    app: &App,
    channel_id: &str,
    stream_id: &str,
    input: &NewAgentMessage<'_>,
    at: &str,
) -> Result<Option<MessageRow>, ApiError> {
    let Some(draft) = app.store.message_by_stream_id(channel_id, stream_id)? else {
        return Ok(None);
    };
    app.store
        .update_stream_draft(&draft.id, input.text, input.stream_state, at)?;
    Ok(app.store.message(&draft.id)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn expiry_rules() {
        let now = crate::util::now();
        let default = review_expiry(&review(json!({"type": "approval"})), now).unwrap();
        assert_eq!(default - now, Duration::hours(24));
        let capped = review_expiry(
            &review(json!({"type": "x", "expiresInSeconds": 999_999})),
            now,
        )
        .unwrap();
        assert_eq!(capped - now, Duration::hours(36));
        let precedence = review_expiry(
            &review(
                json!({"type": "x", "expiresInSeconds": 60, "expiresAt": "2000-01-01T00:00:00Z"}),
            ),
            now,
        )
        .unwrap();
        assert_eq!(precedence - now, Duration::seconds(60));
        let past = review_expiry(
            &review(json!({"type": "x", "expiresAt": "2000-01-01T00:00:00Z"})),
            now,
        );
        assert_eq!(
            past.unwrap_err().message,
            "Review expiration must be in the future"
        );
        let bad = review_expiry(&review(json!({"type": "x", "expiresInSeconds": 0})), now);
        assert_eq!(
            bad.unwrap_err().message,
            "expiresInSeconds must be a positive integer"
        );
        let bad = review_expiry(&review(json!({"type": "x", "expiresAt": "soon"})), now);
        assert_eq!(
            bad.unwrap_err().message,
            "expiresAt must be a valid ISO date string"
        );
    }
}
