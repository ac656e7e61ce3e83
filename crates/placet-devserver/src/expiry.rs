//! The review-expiry job (the real server's `handleReviewExpiry` cron): overdue pending
//! reviews become `expired` and `review:expired {messageId}` goes to the channel room.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::events::channel_room;
use crate::state::App;
use crate::util::now_iso;

/// Expires every overdue pending review now; returns their message ids.
pub(crate) async fn sweep(app: &App) -> Vec<String> {
    let expired = match app.store.expire_overdue_reviews(&now_iso()) {
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
    let mut ids = Vec::with_capacity(expired.len());
    for (message_id, channel_id) in expired {
        tracing::debug!(%message_id, "review expired");
        app.events
            .emit(
                vec![channel_room(&channel_id)],
                "review:expired",
                &json!({ "messageId": message_id }),
            )
            .await;
        ids.push(message_id);
    }
    ids
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
