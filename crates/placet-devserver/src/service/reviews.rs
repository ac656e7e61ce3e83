//! Answering reviews (`POST /api/messages/:id/respond`, contract §3.3) and the agent's
//! long poll (`GET /api/v1/reviews/:id/wait`).

use std::time::Duration;

use serde_json::{json, Map, Value};
use tokio::time::Instant;

use super::render::{render_message, View};
use super::{message_in_channel, owned_channel, webhooks};
use crate::error::ApiError;
use crate::model::MessageRow;
use crate::state::events::channel_room;
use crate::state::App;
use crate::util::{js_parse_int, now_iso, truthy};
use crate::validate as v;
use crate::wire::{agent_raw, with_field};

/// The long poll's own re-check period; review changes also wake it at once.
const WAIT_RECHECK: Duration = Duration::from_secs(2);
/// Default and maximum `timeout` of the long poll, in ms.
const WAIT_MAX_MS: u64 = 30_000;

/// Validates a respond body: `{response: object, modifiedFileIds?: {string: string},
/// feedback?: string}`. Nothing about the review type is checked (the server does not).
fn parse_respond(body: &Value) -> Result<&Map<String, Value>, ApiError> {
    let obj = v::object(body)?;
    v::optional_object(obj, "response")?.ok_or_else(ApiError::validation)?;
    v::optional_string_map(obj, "modifiedFileIds")?;
    v::optional_string(obj, "feedback", 0)?;
    Ok(obj)
}

/// Answers a review as `user_id`. On success the review is completed, the reply is the
/// message with attachments and the unmasked `agent` row, and the same object goes out
/// as `review:responded` to the channel room only.
pub(crate) async fn respond(
    app: &App,
    user_id: &str,
    message_id: &str,
    body: &Value,
) -> Result<Value, ApiError> {
    let input = parse_respond(body)?;
    let message = app
        .store
        .message(message_id)?
        .ok_or_else(|| ApiError::not_found("Message not found"))?;
    let agent = app
        .store
        .agent(&message.channel_id)?
        .filter(|a| a.owner_id == user_id)
        .ok_or_else(ApiError::not_your_agent)?;
    let Some(Value::Object(review)) = &message.review else {
        return Err(ApiError::not_found("No review on this message"));
    };
    if message.review_status() != Some("pending") {
        return Err(ApiError::forbidden("Review already responded"));
    }

    // `respondToReview` (apps/backend/src/modules/messages/messages.service.ts) keeps
    // `modifiedFileIds` only when it has a key and `feedback` only when non-empty.
    let modified_file_ids = input
        .get("modifiedFileIds")
        .filter(|m| m.as_object().is_some_and(|o| !o.is_empty()));
    let feedback = input.get("feedback").filter(|f| truthy(f));
    let completed_at = now_iso();
    let mut updated = review.clone();
    updated.insert("status".to_owned(), json!("completed"));
    if let Some(response) = input.get("response") {
        updated.insert("response".to_owned(), response.clone());
    }
    if let Some(m) = modified_file_ids {
        updated.insert("modifiedFileIds".to_owned(), m.clone());
    }
    if let Some(f) = feedback {
        updated.insert("feedback".to_owned(), f.clone());
    }
    updated.insert("completedAt".to_owned(), json!(completed_at));
    // Conditional on the review still being pending: of two racing answers, one wins.
    if !app
        .store
        .update_pending_review(&message.id, &Value::Object(updated), &completed_at)?
    {
        return Err(ApiError::forbidden("Review already responded"));
    }
    app.notify_review_changed();

    let message = app
        .store
        .message(message_id)?
        .ok_or_else(|| ApiError::not_found("Message not found"))?;
    let payload = with_field(
        render_message(app, &message, View::Raw)?,
        "agent",
        agent_raw(&agent),
    );
    app.events
        .emit(vec![channel_room(&agent.id)], "review:responded", &payload)
        .await;
    if let Some(review) = message.review.as_ref().and_then(Value::as_object) {
        if let Some(callback) = webhooks::review_callback(&agent, &message, review) {
            let body = webhooks::review_responded(&message, review, modified_file_ids, feedback);
            webhooks::spawn_tracked(app, &message.id, &message.channel_id, callback, body);
        }
    }
    Ok(payload)
}

/// Parses the long poll's `timeout` as reviews-agent.controller.ts does: `parseInt`,
/// then default and cap 30000 ms; NaN or ≤ 0 → 30000.
pub(crate) fn wait_timeout(raw: Option<&str>) -> Duration {
    let ms = raw
        .filter(|s| !s.is_empty())
        .and_then(js_parse_int)
        .filter(|ms| *ms > 0.0)
        .map_or(WAIT_MAX_MS, |ms| (ms as u64).clamp(1, WAIT_MAX_MS));
    Duration::from_millis(ms)
}

/// Waits until the review is answered or expired, or `timeout` passes. An overdue
/// pending review is expired here, without a WebSocket event (a server quirk). A review
/// deleted while waited on is simply never found again: the wait ends in `timeout`
/// (`waitForReviewResponse` re-checks with `findFirst` and ignores a missing row).
pub(crate) async fn wait(
    app: &App,
    user_id: &str,
    channel: Option<&str>,
    message_id: &str,
    timeout: Duration,
) -> Result<Value, ApiError> {
    let agent = owned_channel(app, user_id, channel)?;
    let deadline = Instant::now() + timeout;
    let mut changes = app.review_changes();
    let first = message_in_channel(app, message_id, &agent.id)?;
    if first.review.as_ref().is_none_or(Value::is_null) {
        return Err(ApiError::not_found("No review on this message"));
    }
    let mut current = Some(first);
    loop {
        changes.borrow_and_update();
        if let Some(message) = current.take() {
            if let Some(done) = finished(app, &message)? {
                return Ok(done);
            }
        }
        tokio::select! {
            _ = changes.changed() => {}
            _ = tokio::time::sleep(WAIT_RECHECK) => {}
            _ = tokio::time::sleep_until(deadline) => return Ok(json!({"status": "timeout"})),
        }
        current = app
            .store
            .message(message_id)?
            .filter(|m| m.channel_id == agent.id);
    }
}

/// The long poll's answer for this state of the review, if it is final; expires an
/// overdue pending review on the way.
fn finished(app: &App, message: &MessageRow) -> Result<Option<Value>, ApiError> {
    loop {
        let Some(message) = app.store.message(&message.id)? else {
            return Ok(None);
        };
        if let Some(status @ ("completed" | "expired")) = message.review_status() {
            return Ok(Some(json!({
                "status": status,
                "message": render_message(app, &message, View::Enriched)?,
            })));
        }
        if !app
            .store
            .expire_review_if_overdue(&message.id, &now_iso())?
        {
            return Ok(None);
        }
        app.notify_review_changed();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_timeouts() {
        assert_eq!(wait_timeout(None), Duration::from_secs(30));
        assert_eq!(wait_timeout(Some("abc")), Duration::from_secs(30));
        assert_eq!(wait_timeout(Some("-5")), Duration::from_secs(30));
        assert_eq!(wait_timeout(Some("0")), Duration::from_secs(30));
        assert_eq!(wait_timeout(Some("0.5")), Duration::from_secs(30));
        assert_eq!(wait_timeout(Some("99999")), Duration::from_secs(30));
        assert_eq!(wait_timeout(Some("1500")), Duration::from_millis(1500));
        assert_eq!(wait_timeout(Some("1500ms")), Duration::from_millis(1500));
        assert_eq!(wait_timeout(Some("1e3")), Duration::from_millis(1));
    }

    #[test]
    fn respond_body_schema() {
        assert!(parse_respond(&json!({"response": {}})).is_ok());
        assert!(parse_respond(&json!({})).is_err());
        assert!(parse_respond(&json!({"response": []})).is_err());
        assert!(parse_respond(&json!({"response": "yes"})).is_err());
        assert!(parse_respond(&json!({"response": {}, "feedback": 3})).is_err());
        assert!(parse_respond(&json!({"response": {}, "modifiedFileIds": {"a": 1}})).is_err());
        assert!(parse_respond(&json!("text")).is_err());
    }
}
