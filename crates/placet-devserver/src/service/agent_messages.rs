//! `POST /api/v1/messages`: an agent creates a message or review (contract §3.4).

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};

use super::agent_message_body::{parse, NewAgentMessage};
use super::files::store_text_attachment;
use super::render::{render_message, View};
use super::{owned_channel, streams};
use crate::error::ApiError;
use crate::model::MessageRow;
use crate::state::events::{channel_room, user_room};
use crate::state::App;
use crate::util::{iso, new_id, now, parse_js_date};
use crate::validate as v;
use crate::wire::with_field;

/// `DEFAULT_REVIEW_DURATION_SECONDS`.
const DEFAULT_REVIEW_SECONDS: i64 = 86_400;
/// `MAX_REVIEW_DURATION_SECONDS`; longer requests are silently capped.
const MAX_REVIEW_SECONDS: i64 = 129_600;

/// `normaliseReviewExpiry` (apps/backend/src/modules/messages/messages.service.ts):
/// `expiresInSeconds` wins over a truthy `expiresAt`, the default is 24 h, anything past
/// 36 h is capped, and the result must be in the future.
fn review_expiry(
    review: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, ApiError> {
    let expires_in = review.get("expiresInSeconds").filter(|s| !s.is_null());
    let expires_at = review
        .get("expiresAt")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    let requested = match (expires_in, expires_at) {
        (Some(secs), _) => {
            // Unreachable over HTTP (the schema wants a positive integer), kept for
            // in-process callers.
            let secs = v::positive_integer(secs).ok_or_else(|| {
                ApiError::bad_request("expiresInSeconds must be a positive integer")
            })?;
            let secs = i64::try_from(secs)
                .unwrap_or(i64::MAX)
                .min(MAX_REVIEW_SECONDS + 1);
            now + Duration::seconds(secs)
        }
        (None, Some(at)) => parse_js_date(at)
            .ok_or_else(|| ApiError::bad_request("expiresAt must be a valid ISO date string"))?,
        (None, None) => now + Duration::seconds(DEFAULT_REVIEW_SECONDS),
    };
    let requested = requested.min(now + Duration::seconds(MAX_REVIEW_SECONDS));
    if requested <= now {
        return Err(ApiError::bad_request(
            "Review expiration must be in the future",
        ));
    }
    Ok(requested)
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

/// The target of `iterationOf`: it must be in the channel and its review finished.
fn iteration_target(app: &App, channel_id: &str, target_id: &str) -> Result<MessageRow, ApiError> {
    let target = app
        .store
        .message(target_id)?
        .filter(|m| m.channel_id == channel_id)
        .ok_or_else(|| {
            ApiError::bad_request("iterationOf target does not exist in this channel")
        })?;
    if !matches!(target.review_status(), Some("completed" | "expired")) {
        return Err(ApiError::bad_request(
            "iterationOf target must have a completed or expired review",
        ));
    }
    Ok(target)
}

/// `POST /api/v1/messages` for the API key's owner, in the order of `createFromAgent`
/// (apps/backend/src/modules/messages/messages.service.ts): ownership, the `clientId`
/// and `streamId` replays, the `iterationOf` checks, the expiry rules, then the insert.
/// Returns the reply body (always sent with 201). A new row emits `message:created`
/// (with `agentName`) to the channel and owner rooms in one broadcast.
pub(crate) async fn create_agent_message(
    app: &App,
    user_id: &str,
    body: &Value,
) -> Result<Value, ApiError> {
    let input = parse(body)?;
    let agent = owned_channel(app, user_id, Some(input.channel_id))?;

    if let Some(client_id) = input.client_id {
        if let Some(existing) = app
            .store
            .message_by_client_id(&agent.id, "agent", client_id)?
        {
            return streams::replay(app, &agent, existing, &input).await;
        }
    }
    if let Some(stream_id) = input.stream_id {
        if let Some(existing) = app.store.agent_message_by_stream_id(&agent.id, stream_id)? {
            return streams::replay(app, &agent, existing, &input).await;
        }
    }

    let target = match input.iteration_of {
        Some(target_id) => Some(iteration_target(app, &agent.id, target_id)?),
        None => None,
    };

    let now = now();
    let at = iso(now);
    let review = match input.review {
        Some(review) => Some(stored_review(review, review_expiry(review, now)?)),
        None => None,
    };
    let metadata = merged_metadata(&input, review.as_ref());

    let mut attachment_ids = input.attachment_ids.clone();
    for t in &input.text_attachments {
        attachment_ids.push(store_text_attachment(app, &agent.id, None, t, &at)?.id);
    }

    let mut message = MessageRow {
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
        iteration_group_id: None,
        iteration: None,
        created_at: at.clone(),
        updated_at: at.clone(),
    };
    match &target {
        Some(target) => app.store.insert_next_iteration(
            &mut message,
            &target.id,
            target.iteration_group_id.as_deref(),
        )?,
        None => app.store.insert_message(&message)?,
    }
    app.store
        .link_orphan_attachments(&attachment_ids, &agent.id, &message.id)?;
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
    render_message(app, &message, View::Enriched)
}

/// `metadata` as given, plus `webhookUrl` and, for a freeform plugin review without a
/// `metadata.plugin` of its own, `plugin`; `None` when that leaves no key at all.
fn merged_metadata(input: &NewAgentMessage<'_>, review: Option<&Value>) -> Option<Value> {
    let mut metadata = input.metadata.cloned().unwrap_or_default();
    if let Some(url) = input.webhook_url {
        metadata.insert("webhookUrl".to_owned(), json!(url));
    }
    if let Some(review) = review {
        let plugin = review
            .get("payload")
            .and_then(|p| p.get("plugin"))
            .and_then(Value::as_str);
        let has_plugin = metadata.get("plugin").is_some_and(crate::util::truthy);
        if let (Some("freeform"), Some(plugin), false) = (
            review.get("type").and_then(Value::as_str),
            plugin,
            has_plugin,
        ) {
            metadata.insert("plugin".to_owned(), json!(plugin));
        }
    }
    (!metadata.is_empty()).then_some(Value::Object(metadata))
}

#[cfg(test)]
mod tests {
    use super::super::agent_message_body::validate_review_shape;
    use super::*;

    fn review(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn expiry_rules() {
        let now = crate::util::now();
        let default = review_expiry(&review(json!({"type": "approval"})), now).unwrap();
        assert_eq!(default - now, Duration::hours(24));
        let empty_at = review_expiry(&review(json!({"type": "x", "expiresAt": ""})), now);
        assert_eq!(
            empty_at.unwrap() - now,
            Duration::hours(24),
            "an empty expiresAt is falsy"
        );
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
        let bad = review_expiry(&review(json!({"type": "x", "expiresAt": "soon"})), now);
        assert_eq!(
            bad.unwrap_err().message,
            "expiresAt must be a valid ISO date string"
        );
    }

    #[test]
    fn review_schema() {
        for ok in [
            json!({"type": "x", "expiresAt": null, "feedback": null, "callback": null}),
            json!({"type": "x", "modifiedFileIds": null, "expiresInSeconds": 5}),
        ] {
            assert!(validate_review_shape(&review(ok.clone())).is_ok(), "{ok}");
        }
        for bad in [
            json!({"type": "x", "expiresInSeconds": 0}),
            json!({"type": "x", "expiresInSeconds": null}),
            json!({"type": "x", "expiresInSeconds": -3}),
            json!({"type": "x", "expiresInSeconds": 1.5}),
            json!({"type": "x", "expiresInSeconds": "60"}),
            json!({"type": "x", "expiresAt": 5}),
            json!({"type": "x", "payload": null}),
        ] {
            let err = validate_review_shape(&review(bad.clone())).unwrap_err();
            assert_eq!(err.message, "Validation failed", "{bad}");
        }
    }
}
