//! Connects what the core publishes to the tray, the notifications and the windows, and
//! what the person does in notifications back to the core.

use std::sync::Arc;

use chrono::Utc;
use placet_client::inbox::AnsweredBy;
use placet_client::outbox::{AnswerSource, Delivery};
use placet_client::{Answer, InboxChange, SessionState};
use serde_json::json;
use tauri::{AppHandle, Manager};
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;

use super::{commands, emit, tray, windows, Shell};
use crate::config::NotifyFor;
use crate::core::{CoreEvent, Live};
use crate::notifier::{InfoKey, NotificationEvent};
use crate::present::{review_notice, ButtonAction};

/// Starts the wiring tasks.
pub fn start(app: &AppHandle, notifications: mpsc::UnboundedReceiver<NotificationEvent>) {
    let events = app.state::<Shell>().core.subscribe();
    tauri::async_runtime::spawn(follow_core(app.clone(), events));
    tauri::async_runtime::spawn(follow_notifications(app.clone(), notifications));
}

fn emit_status(app: &AppHandle) {
    let status = commands::status(&app.state::<Shell>());
    emit(
        app,
        "status-changed",
        serde_json::to_value(status).unwrap_or_default(),
    );
}

async fn follow_core(app: AppHandle, mut events: broadcast::Receiver<CoreEvent>) {
    let mut tasks: Vec<JoinHandle<()>> = Vec::new();
    loop {
        let event = match events.recv().await {
            Ok(e) => e,
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        };
        match event {
            CoreEvent::SignedIn(live) => {
                for t in tasks.drain(..) {
                    t.abort();
                }
                let shell = app.state::<Shell>();
                shell.notifier.withdraw_all();
                tasks.push(tokio::spawn(follow_inbox(app.clone(), live.clone())));
                tasks.push(tokio::spawn(follow_state(app.clone(), live.clone())));
                tasks.push(tokio::spawn(follow_outbox(app.clone(), live)));
            }
            CoreEvent::SignedOut => {
                for t in tasks.drain(..) {
                    t.abort();
                }
                app.state::<Shell>().notifier.withdraw_all();
            }
            CoreEvent::KeychainUnavailable(reason) => {
                tracing::warn!(%reason, "keychain unavailable at start");
                windows::open_settings(&app);
            }
            CoreEvent::ConfigChanged => {}
        }
        tray::refresh(&app);
        emit_status(&app);
    }
}

/// Decides whether a new review pops up, and raises it.
fn notify_review(app: &AppHandle, live: &Live, m: &placet_client::Message) {
    if !m.is_pending_review()
        || live.inbox.is_sending(&m.id)
        || m.review.as_ref().is_some_and(|r| r.is_overdue(Utc::now()))
    {
        return;
    }
    let shell = app.state::<Shell>();
    let prefs = shell.core.config().notifications;
    if !prefs.allows(&m.channel_id, Utc::now()) {
        return;
    }
    let agent = live.inbox.agent_name(m);
    shell
        .notifier
        .review(&m.id, &agent, review_notice(m, &agent), prefs.sound);
}

async fn follow_inbox(app: AppHandle, live: Arc<Live>) {
    let mut changes = live.inbox.subscribe();
    // Reviews that arrived before this task subscribed.
    for m in live.inbox.awaiting() {
        notify_review(&app, &live, &m);
    }
    tray::refresh(&app);
    loop {
        let change = match changes.recv().await {
            Ok(c) => c,
            Err(broadcast::error::RecvError::Lagged(n)) => {
                tracing::warn!(missed = n, "inbox changes lagged; redrawing");
                tray::refresh(&app);
                emit(&app, "inbox-changed", json!(null));
                continue;
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let notifier = app.state::<Shell>().notifier.clone();
        match &change {
            InboxChange::Added(m) => notify_review(&app, &live, m),
            InboxChange::AgentMessage(m) => {
                let prefs = app.state::<Shell>().core.config().notifications;
                if prefs.notify_for == NotifyFor::All && prefs.allows(&m.channel_id, Utc::now()) {
                    let agent = live.inbox.agent_name(m);
                    let body = crate::present::markdown_to_plain(m.text.as_deref().unwrap_or(""));
                    notifier.info(InfoKey::Message(m.id.clone()), &agent, &body);
                }
            }
            InboxChange::Sending { message_id } => {
                notifier.withdraw(message_id);
                emit(
                    &app,
                    "review-state",
                    json!({"messageId": message_id, "state": "sending"}),
                );
            }
            InboxChange::SendingCancelled { message_id } => {
                emit(
                    &app,
                    "review-state",
                    json!({"messageId": message_id, "state": "pending"}),
                );
            }
            InboxChange::Answered {
                message_id,
                by,
                response,
            } => {
                notifier.withdraw(message_id);
                let by = match by {
                    AnsweredBy::Here => "here",
                    AnsweredBy::Elsewhere => "elsewhere",
                };
                emit(
                    &app,
                    "review-state",
                    json!({"messageId": message_id, "state": "answered", "by": by, "response": response}),
                );
            }
            InboxChange::Expired { message_id } => {
                notifier.withdraw(message_id);
                emit(
                    &app,
                    "review-state",
                    json!({"messageId": message_id, "state": "expired"}),
                );
            }
            InboxChange::Updated(m) => {
                emit(&app, "review-updated", json!({"messageId": m.id}));
            }
            InboxChange::Delivery { .. }
            | InboxChange::AgentStatus(_)
            | InboxChange::AgentsChanged
            | InboxChange::Synced { .. } => {}
        }
        if !matches!(
            change,
            InboxChange::Delivery { .. } | InboxChange::AgentMessage(_)
        ) {
            tray::refresh(&app);
            emit(&app, "inbox-changed", json!(null));
        }
    }
}

async fn follow_state(app: AppHandle, live: Arc<Live>) {
    let mut state = live.watch_state();
    let mut was_expired = false;
    loop {
        let now = state.borrow_and_update().clone();
        let notifier = app.state::<Shell>().notifier.clone();
        match now {
            SessionState::AuthExpired if !was_expired => {
                was_expired = true;
                notifier.info(
                    InfoKey::AuthExpired,
                    "Sign in to Placet again",
                    &format!(
                        "{} no longer accepts your sign-in. Click to sign in again; answers you gave are kept.",
                        live.account.server
                    ),
                );
            }
            SessionState::Connected { .. } if was_expired => {
                was_expired = false;
                notifier.close_info(InfoKey::AuthExpired);
            }
            _ => {}
        }
        tray::refresh(&app);
        emit_status(&app);
        if state.changed().await.is_err() {
            return;
        }
    }
}

async fn follow_outbox(app: AppHandle, live: Arc<Live>) {
    let mut deliveries = live.outbox.subscribe();
    loop {
        let d = match deliveries.recv().await {
            Ok(d) => d,
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let notifier = app.state::<Shell>().notifier.clone();
        let agent = live
            .outbox
            .decisions(50)
            .ok()
            .and_then(|ds| ds.into_iter().find(|x| x.message_id == d.message_id()))
            .map(|x| x.agent)
            .unwrap_or_else(|| "An agent".to_owned());
        let key = InfoKey::Delivery(d.message_id().to_owned());
        match &d {
            Delivery::Failed { reason, .. } => {
                notifier.info(
                    key,
                    "Your answer was not sent",
                    &format!("{agent}: {reason}"),
                );
                // An open window says why and takes an answer again.
                emit(
                    &app,
                    "review-state",
                    json!({"messageId": d.message_id(), "state": "pending", "detail": reason}),
                );
            }
            Delivery::AnsweredElsewhere { .. } => notifier.info(
                key,
                "Already answered elsewhere",
                &format!("{agent}'s review was answered in another client before your answer arrived; yours was not used."),
            ),
            Delivery::Expired { .. } => notifier.info(
                key,
                "Your answer arrived too late",
                &format!("{agent}'s review expired before your answer reached the server."),
            ),
            Delivery::WillRetry { reason, at, .. } => emit(
                &app,
                "review-state",
                json!({"messageId": d.message_id(), "state": "sending", "detail": reason, "retryAt": at}),
            ),
            Delivery::Sent { .. } | Delivery::AuthExpired { .. } => {}
        }
    }
}

/// True when `option_id` is a `danger` option of the pending review `message_id`.
fn is_danger(app: &AppHandle, message_id: &str, option_id: &str) -> bool {
    use placet_client::protocol::{OptionStyle, ReviewKind};
    let Some(live) = app.state::<Shell>().core.live() else {
        return false;
    };
    live.inbox.get(message_id).is_some_and(|m| {
        matches!(
            m.review.as_ref().map(|r| &r.kind),
            Some(ReviewKind::Approval(p)) if p.option(option_id).is_some_and(|o| o.style == OptionStyle::Danger)
        )
    })
}

async fn follow_notifications(
    app: AppHandle,
    mut events: mpsc::UnboundedReceiver<NotificationEvent>,
) {
    while let Some(event) = events.recv().await {
        match event {
            NotificationEvent::Review { message_id, action } => match action {
                ButtonAction::Open => windows::open_review(&app, &message_id, None),
                ButtonAction::Choose(option_id) if is_danger(&app, &message_id, &option_id) => {
                    // Never sent by a button alone: one confirming click in the window.
                    windows::open_review(&app, &message_id, Some(&option_id))
                }
                ButtonAction::Choose(option_id) => {
                    let shell = app.state::<Shell>();
                    let answer = Answer::Approval {
                        option_id,
                        comment: None,
                    };
                    if let Err(e) = shell
                        .core
                        .respond(&message_id, &answer, AnswerSource::Notification)
                        .await
                    {
                        tracing::warn!(error = %e, "answer from a notification refused");
                        shell.notifier.info(
                            InfoKey::Delivery(message_id.clone()),
                            "Your answer was not sent",
                            &e.to_string(),
                        );
                    }
                }
            },
            NotificationEvent::OpenInbox => windows::open_inbox(&app),
            NotificationEvent::OpenSignIn => windows::open_settings(&app),
        }
    }
}
