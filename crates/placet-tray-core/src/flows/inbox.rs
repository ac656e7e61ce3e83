//! Reviews to notifications: a new review raises one (as the person's preferences
//! allow), a settled one withdraws it; the tray and the windows are told of every
//! change.

use std::sync::Arc;

use chrono::Utc;
use placet_client::inbox::AnsweredBy as InboxAnsweredBy;
use placet_client::protocol::AgentStatus;
use placet_client::{InboxChange, Message};
use tokio::sync::broadcast;

use super::info_notice;
use crate::agents::mute_ids;
use crate::app::Live;
use crate::attention::rules::review_urgency;
use crate::attention::Command;
use crate::config::{AccountMode, NotifyFor};
use crate::ipc::events::{
    AnsweredBy, ConversationChangedEvent, OAuthStateEvent, ReviewStateEvent, ReviewUpdatedEvent,
};
use crate::ipc::views::ReviewState;
use crate::ipc::{Ctx, UiEvent};
use crate::notify::{
    InfoKey, Notice, NoticeAction, NoticeKey, NoticeKind, NotificationCenter, Urgency,
};
use crate::text::{self, Answering};

/// How the person can answer `m` from a notification.
fn answering(ctx: &Ctx, live: &Live, m: &Message) -> Answering {
    if live.account.mode == AccountMode::ApiKey {
        return Answering::WatchOnly;
    }
    match m.review.as_ref().map(|r| r.answerable()) {
        Some(Err(_)) => Answering::Elsewhere,
        _ if ctx.core.config().answer_only_in_windows => Answering::WindowOnly,
        _ => Answering::Buttons,
    }
}

/// The notice of a pending review, or `None` when it must not pop up (already being
/// answered, paused, quiet hours, muted agent): its urgency (critical when about to expire
/// or marked urgent by its agent) and, where the person wants them, the snooze buttons.
pub(super) fn review_notice(ctx: &Ctx, live: &Live, m: &Message) -> Option<(Notice, String)> {
    if !m.is_pending_review() || live.inbox.is_sending(&m.id) {
        return None;
    }
    let config = ctx.core.config();
    let prefs = config.notifications;
    let now = ctx.attention.now();
    if !prefs.allows_any(&mute_ids(&live.inbox, &m.channel_id), now) {
        return None;
    }
    let agent = live.inbox.agent_name(m);
    let mut notice = text::review_notice(m, &agent, answering(ctx, live, m), prefs.sound);
    name_account(ctx, live, &mut notice);
    notice.urgency = review_urgency(m, now, &config.attention).0;
    if config.attention.snooze_buttons {
        notice.actions.extend(text::snooze_actions());
    }
    Some((notice, agent))
}

/// With several accounts, a notice says which one it comes from (its host, or
/// `email@host`) before its title.
pub(super) fn name_account(ctx: &Ctx, live: &Live, notice: &mut Notice) {
    if ctx.core.lives().len() > 1 {
        let label = crate::config::account_label(&ctx.core.accounts(), &live.account);
        notice.title = text::one_line(&format!("{label} · {}", notice.title), 80);
    }
}

/// A new review: the attention flow raises it now, or holds it back (Do Not Disturb, a
/// snooze).
fn notify_review(ctx: &Ctx, m: &Message) {
    ctx.attention.send(Command::Arrived(m.id.clone()));
}

/// The review is settled (or being answered): no reminder, no snooze.
fn settled(ctx: &Ctx, center: &NotificationCenter, message_id: &str) {
    center.withdraw(message_id);
    ctx.attention.send(Command::Settled(message_id.to_owned()));
}

fn review_state(ctx: &Ctx, message_id: &str, state: ReviewState) {
    ctx.windows.emit(UiEvent::ReviewState(ReviewStateEvent::new(
        message_id, state,
    )));
}

/// Follows a live account's inbox until it ends.
pub(super) async fn follow(ctx: Ctx, center: NotificationCenter, live: Arc<Live>) {
    let mut changes = live.inbox.subscribe();
    // Reviews that arrived before this task subscribed.
    for m in live.inbox.awaiting() {
        notify_review(&ctx, &m);
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
        apply(&ctx, &center, &live, &change);
        if !matches!(
            change,
            InboxChange::Delivery { .. } | InboxChange::AgentMessage(_) | InboxChange::Draft { .. }
        ) {
            ctx.tray.refresh();
            ctx.windows.emit(UiEvent::InboxChanged(()));
            if ctx
                .core
                .lives()
                .iter()
                .all(|l| l.inbox.awaiting().is_empty())
            {
                ctx.windows.cool_down();
            }
        }
    }
}

/// Tells the agent's conversation window (if open) to read it again.
fn conversation_changed(ctx: &Ctx, agent_id: &str) {
    ctx.windows
        .emit(UiEvent::ConversationChanged(ConversationChangedEvent {
            agent_id: agent_id.to_owned(),
            failed: None,
        }));
}

/// What one change of the inbox shows.
fn apply(ctx: &Ctx, center: &NotificationCenter, live: &Live, change: &InboxChange) {
    match change {
        InboxChange::Added(m) => notify_review(ctx, m),
        InboxChange::Draft { channel_id, .. } => conversation_changed(ctx, channel_id),
        InboxChange::AgentMessage(m) => {
            conversation_changed(ctx, &m.channel_id);
            let config = ctx.core.config();
            let prefs = config.notifications;
            if prefs.notify_for == NotifyFor::All
                && prefs.allows_any(&mute_ids(&live.inbox, &m.channel_id), Utc::now())
            {
                let agent = live.inbox.agent_name(m);
                let body = text::markdown_to_plain(m.text.as_deref().unwrap_or(""));
                let key = InfoKey::Message(m.id.clone());
                let sound = config.attention.message_sound;
                let mut notice = info_notice(key, &agent, &body, sound);
                if live.account.mode != AccountMode::ApiKey {
                    notice.reply = Some(text::message_reply_field(&agent));
                }
                name_account(ctx, live, &mut notice);
                center.message(notice, &agent);
            }
        }
        InboxChange::Sending { message_id } => {
            settled(ctx, center, message_id);
            review_state(ctx, message_id, ReviewState::Sending);
        }
        InboxChange::SendingCancelled { message_id } => {
            review_state(ctx, message_id, ReviewState::Pending);
        }
        InboxChange::Answered {
            message_id,
            by,
            response,
        } => {
            settled(ctx, center, message_id);
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
            settled(ctx, center, message_id);
            review_state(ctx, message_id, ReviewState::Expired);
        }
        InboxChange::Withdrawn { message_id } => {
            settled(ctx, center, message_id);
            review_state(ctx, message_id, ReviewState::Withdrawn);
        }
        InboxChange::Delivery { message_id, status } => {
            // Our own answers' delivery goes into the decision log ("delivered to the
            // agent"); the review's window reads it again (a failed webhook can be
            // retried there).
            if let Err(e) = live.outbox.record_delivery(message_id, *status) {
                tracing::warn!(error = %e, "cannot record a delivery status");
            }
            ctx.windows.emit(UiEvent::ReviewUpdated(ReviewUpdatedEvent {
                message_id: message_id.clone(),
            }));
        }
        InboxChange::Updated(m) => {
            if let Some((notice, _)) = review_notice(ctx, live, m) {
                center.refresh(notice);
            }
            ctx.windows.emit(UiEvent::ReviewUpdated(ReviewUpdatedEvent {
                message_id: m.id.clone(),
            }));
        }
        InboxChange::AgentStatus(status) => {
            conversation_changed(ctx, &status.agent_id);
            let prefs = ctx.core.config().notifications;
            let key = InfoKey::AgentError(status.agent_id.clone());
            if status.status == AgentStatus::Error {
                if prefs.agent_errors
                    && prefs.allows_any(&mute_ids(&live.inbox, &status.agent_id), Utc::now())
                {
                    if let Some(agent) = live.inbox.agent(&status.agent_id) {
                        let (title, body) = text::agent_error(&agent);
                        center.info(info_notice(key, &title, &body, false));
                    }
                }
            } else {
                center.close(NoticeKey::Info(key));
            }
        }
        InboxChange::OAuthStarted(prompt) => {
            let prefs = ctx.core.config().notifications;
            let agent = live
                .inbox
                .agent(&prompt.channel_id)
                .map(|a| a.name)
                .unwrap_or_else(|| "An agent".to_owned());
            let (title, body) = text::oauth_notice(&agent, prompt);
            let actions = prompt
                .link()
                .map(|_| NoticeAction {
                    id: text::OAUTH_OPEN.to_owned(),
                    label: "Open sign-in page".to_owned(),
                })
                .into_iter()
                .collect();
            center.info(Notice {
                key: NoticeKey::Info(InfoKey::OAuth(prompt.state.clone())),
                title,
                body,
                actions,
                open_label: Some("Show".to_owned()),
                without_buttons: None,
                reply: None,
                sound: prefs.sound,
                persistent: true,
                // The agent waits for the person: a decision's signal, not news.
                kind: NoticeKind::Decision,
                urgency: Urgency::Normal,
            });
        }
        InboxChange::OAuthEnded { state, outcome } => {
            center.close(NoticeKey::Info(InfoKey::OAuth(state.clone())));
            ctx.windows
                .emit(UiEvent::OAuthState(OAuthStateEvent::ended(state, outcome)));
        }
        InboxChange::Synced { .. } => ctx.attention.send(Command::Synced),
        InboxChange::AgentsChanged => {}
    }
}
