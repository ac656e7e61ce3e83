//! The review-expiry job (`handleReviewExpiry` in
//! apps/backend/src/modules/messages/messages.service.ts): overdue pending reviews
//! become `expired`, `review:expired {messageId}` goes to the channel room, and a
//! best-effort, untracked `review:expired` webhook goes out.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::service::webhooks;
use crate::state::events::channel_room;
use crate::state::App;
use crate::util::now_iso;

/// Expires every overdue pending review now; returns their message ids.
pub(crate) async fn sweep(app: &App) -> Vec<String> {
    let now = now_iso();
    let expired = match app.store.expire_overdue_reviews(&now) {
        Ok(expired) => expired,
        Err(e) => {
            tracing::error!(error = %e, "review expiry failed");
            return Vec::new();
        }
    };
    if expired.is_empty() {
        return Vec::new();
    }
    app.notify_review_changed();
    for message_id in &expired {
        tracing::debug!(%message_id, "review expired");
        let Ok(Some(message)) = app.store.message(message_id) else {
            continue;
        };
        app.events
            .emit(
                vec![channel_room(&message.channel_id)],
                "review:expired",
                &json!({ "messageId": message.id }),
            )
            .await;
        let Ok(Some(agent)) = app.store.agent(&message.channel_id) else {
            continue;
        };
        let Some(review) = message.review.as_ref().and_then(Value::as_object) else {
            continue;
        };
        if let Some(callback) = webhooks::review_callback(&agent, &message, review) {
            let body = json!({
                "event": "review:expired",
                "channelId": message.channel_id,
                "message_id": message.id,
                "review_type": review.get("type").cloned().unwrap_or(Value::Null),
                "expired_at": now,
            });
            webhooks::spawn_untracked(app, callback, body);
        }
    }
    expired
}

/// Runs [`sweep`] every `tick` until the task is aborted.
pub(crate) async fn run(app: Arc<App>, tick: Duration) {
    let mut interval = tokio::time::interval(tick);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        sweep(&app).await;
    }
}
