//! The history tab's and the snoozes' commands: the decided reviews (inbox), and
//! "Remind me later" (a review's window, the inbox). Neither answers anything.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::*;
use crate::attention::SnoozeFor;
use crate::history::{self, HistoryView, Search};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct HistoryArgs {
    #[serde(default)]
    pub(super) agent: Option<String>,
    #[serde(default)]
    pub(super) text: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SnoozeArgs {
    pub(super) id: String,
    #[serde(rename = "for")]
    pub(super) how_long: SnoozeFor,
}

/// A snooze taken: when the review comes back.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SnoozedView {
    #[ts(type = "string")]
    pub until: chrono::DateTime<chrono::Utc>,
    /// "tomorrow at 08:00", in words.
    pub until_text: String,
}

/// The decided reviews of every live account, searched, newest first.
pub(super) async fn history_list(core: &Core, a: HistoryArgs) -> Result<HistoryView> {
    let lives = core.lives();
    if lives.is_empty() {
        return Err(IpcError::new(ErrorCode::NotConnected, "not signed in"));
    }
    let days = core.config().attention.history_days;
    let search = Search {
        agent: a.agent.filter(|s| !s.is_empty()),
        text: a.text,
    };
    let logs: Vec<_> = lives
        .iter()
        .map(|l| (l.outbox.clone(), l.account.server.clone()))
        .collect();
    let views = tokio::task::spawn_blocking(move || {
        logs.iter()
            .map(|(outbox, server)| history::read(outbox, server, days, &search))
            .collect::<std::result::Result<Vec<_>, _>>()
    })
    .await
    .map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))?
    .map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))?;
    Ok(history::merged(views))
}

/// Holds a pending review's notification back until later (its window stays as it is).
pub(super) fn review_snooze(ctx: &Ctx, from: &WindowKind, a: SnoozeArgs) -> Result<SnoozedView> {
    own_review(from, &a.id)?;
    let live = live_of_review(&ctx.core, &a.id)?;
    match live.inbox.get(&a.id) {
        Some(m) if m.is_pending_review() => {}
        _ => {
            return Err(IpcError::new(
                ErrorCode::AlreadyAnswered,
                "this review no longer waits: nothing to remind of",
            ))
        }
    }
    let until = a.how_long.until(ctx.attention.now());
    ctx.attention.snooze(&a.id, until);
    Ok(SnoozedView {
        until,
        until_text: text::local_time_of(until),
    })
}
