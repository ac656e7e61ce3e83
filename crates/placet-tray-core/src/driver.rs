//! Connects what the core publishes to the notifications, the tray and the windows, and
//! what the person does in notifications back to the core. The shell starts it once
//! with its seams; it runs for the life of the process.
//!
//! A new review arrives as `InboxChange::Added`; [`notify_review`] checks the person's
//! preferences and hands the words of [`text::review_notice`] to the
//! [`NotificationCenter`], which shows it or folds it into the summary. A click on one
//! of its buttons comes back here as a [`NoticeEvent`] and becomes an answer, unless the
//! option could be dangerous: then the review's window opens for one confirming click.

use std::sync::Arc;

use chrono::Utc;
use placet_client::inbox::AnsweredBy as InboxAnsweredBy;
use placet_client::outbox::{AnswerSource, Delivery};
use placet_client::protocol::{OptionStyle, ReviewKind};
use placet_client::{Answer, InboxChange, Message, SessionState};
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;

use crate::app::{CoreEvent, Live};
use crate::config::{AccountMode, NotifyFor};
use crate::ipc::events::{AnsweredBy, ReviewStateEvent, ReviewUpdatedEvent};
use crate::ipc::views::ReviewState;
use crate::ipc::{commands, Ctx, UiEvent};
use crate::notify::{
    option_of_action, InfoKey, Notice, NoticeEvent, NoticeKey, NotificationCenter, Response,
};
use crate::text::{self, Answering};
use crate::windows::WindowKind;

/// Starts following the core. `responses` is where the platform notifier reports what
/// the person did.
pub fn start(
    ctx: Ctx,
    center: NotificationCenter,
    responses: mpsc::UnboundedReceiver<NoticeEvent>,
) -> Vec<JoinHandle<()>> {
    let events = ctx.core.subscribe();
    vec![
        tokio::spawn(follow_core(ctx.clone(), center.clone(), events)),
        tokio::spawn(follow_responses(ctx, center, responses)),
    ]
}

fn emit_status(ctx: &Ctx) {
    ctx.windows
        .emit(UiEvent::StatusChanged(commands::status(&ctx.core)));
}

async fn follow_core(
    ctx: Ctx,
    center: NotificationCenter,
    mut events: broadcast::Receiver<CoreEvent>,
) {
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
                center.withdraw_all();
                tasks.push(tokio::spawn(follow_inbox(
                    ctx.clone(),
                    center.clone(),
                    live.clone(),
                )));
                tasks.push(tokio::spawn(follow_state(
                    ctx.clone(),
                    center.clone(),
                    live.clone(),
                )));
                tasks.push(tokio::spawn(follow_outbox(
                    ctx.clone(),
                    center.clone(),
                    live,
                )));
            }
            CoreEvent::SignedOut => {
                for t in tasks.drain(..) {
                    t.abort();
                }
                center.withdraw_all();
                ctx.windows.cool_down();
            }
            CoreEvent::KeychainUnavailable(reason) => {
                tracing::warn!(%reason, "keychain unavailable at start");
                ctx.windows.open(WindowKind::Settings, None);
            }
            CoreEvent::ConfigChanged => {}
        }
        ctx.tray.refresh();
        emit_status(&ctx);
    }
}

/// How the person can answer `m` from a notification.
fn answering(live: &Live, m: &Message) -> Answering {
    if live.account.mode == AccountMode::ApiKey {
        return Answering::WatchOnly;
    }
    match m.review.as_ref().map(|r| &r.kind) {
        Some(ReviewKind::Unknown { .. }) => Answering::Elsewhere,
        _ => Answering::Buttons,
    }
}

/// The notice of a pending review, or `None` when it must not pop up (already being
/// answered, overdue, paused, quiet hours, muted agent).
fn review_notice(ctx: &Ctx, live: &Live, m: &Message) -> Option<(Notice, String)> {
    if !m.is_pending_review()
        || live.inbox.is_sending(&m.id)
        || m.review.as_ref().is_some_and(|r| r.is_overdue(Utc::now()))
    {
        return None;
    }
    let prefs = ctx.core.config().notifications;
    if !prefs.allows(&m.channel_id, Utc::now()) {
        return None;
    }
    let agent = live.inbox.agent_name(m);
    let notice = text::review_notice(m, &agent, answering(live, m), prefs.sound);
    Some((notice, agent))
}

/// Raises a new review's notification, when the preferences allow.
fn notify_review(ctx: &Ctx, center: &NotificationCenter, live: &Live, m: &Message) {
    if let Some((notice, agent)) = review_notice(ctx, live, m) {
        center.review(notice, &agent);
        ctx.windows.prewarm();
    }
}

fn review_state(ctx: &Ctx, message_id: &str, state: ReviewState) {
    ctx.windows.emit(UiEvent::ReviewState(ReviewStateEvent::new(
        message_id, state,
    )));
}

async fn follow_inbox(ctx: Ctx, center: NotificationCenter, live: Arc<Live>) {
    let mut changes = live.inbox.subscribe();
    // Reviews that arrived before this task subscribed.
    for m in live.inbox.awaiting() {
        notify_review(&ctx, &center, &live, &m);
    }
    ctx.tray.refresh();
    loop {
        let change = match changes.recv().await {
            Ok(c) => c,
            Err(broadcast::error::RecvError::Lagged(n)) => {
                tracing::warn!(missed = n, "inbox changes lagged; redrawing");
                ctx.tray.refresh();
                ctx.windows.emit(UiEvent::InboxChanged(()));
                continue;
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        match &change {
            InboxChange::Added(m) => notify_review(&ctx, &center, &live, m),
            InboxChange::AgentMessage(m) => {
                let prefs = ctx.core.config().notifications;
                if prefs.notify_for == NotifyFor::All && prefs.allows(&m.channel_id, Utc::now()) {
                    let agent = live.inbox.agent_name(m);
                    let body = text::markdown_to_plain(m.text.as_deref().unwrap_or(""));
                    center.message(
                        info_notice(InfoKey::Message(m.id.clone()), &agent, &body, prefs.sound),
                        &agent,
                    );
                }
            }
            InboxChange::Sending { message_id } => {
                center.withdraw(message_id);
                review_state(&ctx, message_id, ReviewState::Sending);
            }
            InboxChange::SendingCancelled { message_id } => {
                review_state(&ctx, message_id, ReviewState::Pending);
            }
            InboxChange::Answered {
                message_id,
                by,
                response,
            } => {
                center.withdraw(message_id);
                ctx.windows.emit(UiEvent::ReviewState(ReviewStateEvent {
                    by: Some(match by {
                        InboxAnsweredBy::Here => AnsweredBy::Here,
                        InboxAnsweredBy::Elsewhere => AnsweredBy::Elsewhere,
                    }),
                    response: response.clone(),
                    ..ReviewStateEvent::new(message_id, ReviewState::Answered)
                }));
            }
            InboxChange::Expired { message_id } => {
                center.withdraw(message_id);
                review_state(&ctx, message_id, ReviewState::Expired);
            }
            InboxChange::Updated(m) => {
                if let Some((notice, _)) = review_notice(&ctx, &live, m) {
                    center.refresh(notice);
                }
                ctx.windows.emit(UiEvent::ReviewUpdated(ReviewUpdatedEvent {
                    message_id: m.id.clone(),
                }));
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
            ctx.tray.refresh();
            ctx.windows.emit(UiEvent::InboxChanged(()));
            if live.inbox.awaiting().is_empty() {
                ctx.windows.cool_down();
            }
        }
    }
}

/// An informational notice (not a review): it follows the daemon's timeout.
fn info_notice(key: InfoKey, title: &str, body: &str, sound: bool) -> Notice {
    Notice {
        key: NoticeKey::Info(key),
        title: text::one_line(title, 80),
        body: text::one_line(body, 200),
        actions: Vec::new(),
        open_label: Some("Open".to_owned()),
        without_buttons: None,
        reply: None,
        sound,
        persistent: false,
    }
}

async fn follow_state(ctx: Ctx, center: NotificationCenter, live: Arc<Live>) {
    let mut state = live.watch_state();
    let mut was_expired = false;
    loop {
        let now = state.borrow_and_update().clone();
        match now {
            SessionState::AuthExpired if !was_expired => {
                was_expired = true;
                let (title, body) = text::auth_expired(live.account.server.display());
                center.info(info_notice(InfoKey::AuthExpired, &title, &body, false));
            }
            SessionState::Connected { .. } if was_expired => {
                was_expired = false;
                center.close(NoticeKey::Info(InfoKey::AuthExpired));
            }
            _ => {}
        }
        ctx.tray.refresh();
        emit_status(&ctx);
        if state.changed().await.is_err() {
            return;
        }
    }
}

async fn follow_outbox(ctx: Ctx, center: NotificationCenter, live: Arc<Live>) {
    let mut deliveries = live.outbox.subscribe();
    loop {
        let d = match deliveries.recv().await {
            Ok(d) => d,
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        };
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
                let (title, body) = text::answer_failed(&agent, reason);
                center.info(info_notice(key, &title, &body, false));
                // An open window says why and takes an answer again.
                ctx.windows.emit(UiEvent::ReviewState(ReviewStateEvent {
                    detail: Some(reason.clone()),
                    ..ReviewStateEvent::new(d.message_id(), ReviewState::Pending)
                }));
            }
            Delivery::AnsweredElsewhere { .. } => {
                let (title, body) = text::answered_elsewhere(&agent);
                center.info(info_notice(key, &title, &body, false));
            }
            Delivery::Expired { .. } => {
                let (title, body) = text::answered_too_late(&agent);
                center.info(info_notice(key, &title, &body, false));
            }
            Delivery::WillRetry { reason, at, .. } => {
                ctx.windows.emit(UiEvent::ReviewState(ReviewStateEvent {
                    detail: Some(reason.clone()),
                    retry_at: Some(*at),
                    ..ReviewStateEvent::new(d.message_id(), ReviewState::Sending)
                }))
            }
            Delivery::Sent { .. } | Delivery::AuthExpired { .. } => {}
        }
    }
}

/// True only when `option_id` is an option of the pending approval `message_id` known
/// not to be `danger`. Anything unknown (the review is not in the inbox, it is not an
/// approval, the option is not there) counts as dangerous: it fails closed.
pub fn is_safe_option(live: &Live, message_id: &str, option_id: &str) -> bool {
    live.inbox.get(message_id).is_some_and(|m| {
        matches!(
            m.review.as_ref().map(|r| &r.kind),
            Some(ReviewKind::Approval(p)) if p.option(option_id).is_some_and(|o| o.style != OptionStyle::Danger)
        )
    })
}

async fn follow_responses(
    ctx: Ctx,
    center: NotificationCenter,
    mut responses: mpsc::UnboundedReceiver<NoticeEvent>,
) {
    while let Some(NoticeEvent { key, response }) = responses.recv().await {
        if response == Response::Dismissed {
            center.dismissed(key);
            continue;
        }
        match key {
            NoticeKey::Review(message_id) => {
                review_response(&ctx, &center, &message_id, response).await
            }
            NoticeKey::Summary => ctx.windows.open(WindowKind::Inbox, None),
            NoticeKey::Info(InfoKey::AuthExpired) => ctx.windows.open(WindowKind::Settings, None),
            NoticeKey::Info(InfoKey::Delivery(_) | InfoKey::Message(_)) => {
                ctx.windows.open(WindowKind::Inbox, None)
            }
        }
    }
}

async fn review_response(
    ctx: &Ctx,
    center: &NotificationCenter,
    message_id: &str,
    response: Response,
) {
    let open = |option: Option<String>| ctx.windows.open(WindowKind::review(message_id), option);
    let option_id = match response {
        Response::Action(action) if action == text::OPEN_IN_PLACET => return open(None),
        Response::Action(action) => option_of_action(&action).to_owned(),
        Response::Activated | Response::Replied(_) | Response::Dismissed => return open(None),
    };
    let Some(live) = ctx.core.live() else {
        return open(Some(option_id));
    };
    if !is_safe_option(&live, message_id, &option_id) {
        // Never sent by a button alone: one confirming click in the window.
        return open(Some(option_id));
    }
    let answer = Answer::Approval {
        option_id,
        comment: None,
    };
    if let Err(e) = ctx
        .core
        .respond(message_id, &answer, AnswerSource::Notification)
        .await
    {
        tracing::warn!(error = %e, "answer from a notification refused");
        let agent = live
            .inbox
            .get(message_id)
            .map(|m| live.inbox.agent_name(&m))
            .unwrap_or_else(|| "An agent".to_owned());
        let (title, body) = text::answer_failed(&agent, &e.to_string());
        center.info(info_notice(
            InfoKey::Delivery(message_id.to_owned()),
            &title,
            &body,
            false,
        ));
    }
}
