//! `history` and `snoozes`: the decided reviews from the local decision log, and the
//! snoozed reviews.
//!
//! `snoozes` asks the running tray through its door when there is one: the tray holds
//! the snoozes' timers, so a snooze it clears comes back on screen at once, and the tray
//! stays the only one writing the file while it runs. Without a running tray it reads
//! (and clears) the file itself: nothing else writes it then.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use super::args::{HistoryArgs, SnoozesArgs};
use super::{Exit, Failure, Out};
use crate::app::Core;
use crate::attention::snoozes::SnoozeStore;
use crate::attention::SnoozedReview;
use crate::door::{self, DoorError, Reply, Request};
use crate::history::{self, Search};
use crate::text;

/// `placet-tray history`: the decided reviews, newest first.
pub(super) async fn history(core: &Arc<Core>, a: &HistoryArgs, out: Out) -> Result<Exit, Failure> {
    let account = super::chosen_account(core)?;
    let outbox = core.open_outbox(&account, true).await?;
    let search = Search {
        agent: a.agent.clone(),
        text: a.search.clone(),
    };
    let days = core.config().attention.history_days;
    let server = account.server.clone();
    // The entries' words ("in the inbox") in this thread's language (English for --json).
    let language = crate::i18n::current();
    let view = tokio::task::spawn_blocking(move || {
        crate::i18n::with_language(language, || history::read(&outbox, &server, days, &search))
    })
    .await
    .map_err(|e| Failure::new(Exit::Failure, "internal", e.to_string()))?
    .map_err(|e| Failure::new(Exit::Failure, "internal", e.to_string()))?;
    let value = json!({
        "retentionDays": view.retention_days,
        "entries": view.entries,
    });
    out.print(
        || {
            if view.entries.is_empty() {
                return tr!("cli-history-empty", days = view.retention_days);
            }
            view.entries
                .iter()
                .map(|e| {
                    let title = match e.title.as_deref() {
                        Some(t) => text::clean(t),
                        None => tr!("cli-history-no-title"),
                    };
                    let answered = tr!(
                        "cli-history-answered",
                        answer = text::clean(&e.answer),
                        source = e.given_in.as_str(),
                        outcome = e.outcome.as_str()
                    );
                    format!(
                        "{}  {}: {}\n    {}\n    {}",
                        e.decided_at
                            .with_timezone(&chrono::Local)
                            .format("%Y-%m-%d %H:%M"),
                        text::clean(&e.agent),
                        title,
                        answered,
                        e.page
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        },
        value,
    );
    Ok(Exit::Ok)
}

/// `placet-tray snoozes`: list, or clear one or all.
pub(super) async fn snoozes(core: &Arc<Core>, a: &SnoozesArgs, out: Out) -> Result<Exit, Failure> {
    let clear = match (&a.clear, a.clear_all) {
        (Some(id), _) => Some(Some(id.clone())),
        (None, true) => Some(None),
        (None, false) => None,
    };
    let request = match &clear {
        Some(id) => Request::Unsnooze {
            message_id: id.clone(),
        },
        None => Request::Snoozes,
    };
    let through_tray = door::ask(&request, Duration::from_secs(10)).await;
    let (list, cleared) = match through_tray {
        Ok(Reply::Snoozes { list }) => (list, None),
        Ok(Reply::Unsnoozed { count }) => (Vec::new(), Some(count)),
        Ok(other) => {
            return Err(Failure::new(
                Exit::Failure,
                "internal",
                tr!("cli-tray-answered", reply = format!("{other:?}")),
            ))
        }
        Err(DoorError::NotRunning) => from_store(core, clear.clone())?,
        Err(e) => return Err(Failure::new(Exit::Failure, "noTray", e.to_string())),
    };
    if let Some(count) = cleared {
        out.print(
            || tr!("cli-snoozes-cleared", count = count),
            json!({"cleared": count}),
        );
        return Ok(if count == 0 && clear.is_some_and(|c| c.is_some()) {
            Exit::Gone
        } else {
            Exit::Ok
        });
    }
    let value: Value = json!({ "snoozes": list });
    out.print(
        || {
            if list.is_empty() {
                return tr!("cli-no-snoozes");
            }
            list.iter()
                .map(|s| {
                    format!(
                        "{}  {}{}  {}",
                        s.message_id,
                        text::clean(&s.agent),
                        s.title
                            .as_deref()
                            .map(|t| format!(": {}", text::clean(t)))
                            .unwrap_or_default(),
                        tr!("cli-snoozed-until", time = text::local_time_of(s.until))
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        },
        value,
    );
    Ok(Exit::Ok)
}

/// The snoozes of the account the command means, from the file, with `clear` done (no tray runs).
fn from_store(
    core: &Core,
    clear: Option<Option<String>>,
) -> Result<(Vec<SnoozedReview>, Option<usize>), Failure> {
    let account = super::chosen_account(core)?;
    let server = account.server.display().to_owned();
    let store = SnoozeStore::in_dir(&core.paths().data_dir);
    let mine = |s: &crate::attention::snoozes::Snooze| s.of(&server, &account.name);
    match clear {
        None => {
            let mut list: Vec<SnoozedReview> = store
                .load()
                .into_iter()
                .filter(|s| mine(s))
                .map(|s| SnoozedReview {
                    message_id: s.message_id,
                    agent: s.agent,
                    title: None,
                    until: s.until,
                })
                .collect();
            list.sort_by_key(|a| a.until);
            Ok((list, None))
        }
        Some(which) => {
            let count = store
                .update(|all| {
                    let before = all.len();
                    all.retain(|s| {
                        !(mine(s) && which.as_deref().is_none_or(|id| s.message_id == id))
                    });
                    before - all.len()
                })
                .map_err(|e| Failure::new(Exit::Failure, "internal", e.to_string()))?;
            Ok((Vec::new(), Some(count)))
        }
    }
}
