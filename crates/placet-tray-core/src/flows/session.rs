//! Sign-in and sign-out, the session's state, and what became of our answers: each
//! turned into what the tray, the windows and the notifications show.

use std::sync::Arc;

use placet_client::outbox::{Delivery, ReplyDelivery};
use placet_client::SessionState;
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

use super::{emit_status, inbox, info_notice};
use crate::app::{CoreEvent, Live};
use crate::config::Account;
use crate::ipc::events::{ConversationChangedEvent, ReviewStateEvent};
use crate::ipc::views::ReviewState;
use crate::ipc::{Ctx, UiEvent};
use crate::notify::{InfoKey, NoticeKey, NotificationCenter};
use crate::text;
use crate::window::WindowKind;

/// Follows sign-in and sign-out: each live account's inbox, state and outbox are
/// followed while it lasts, apart from the others'.
pub(super) async fn follow_core(
    ctx: Ctx,
    center: NotificationCenter,
    mut events: broadcast::Receiver<CoreEvent>,
) {
    let mut followed: Vec<(Arc<Live>, Vec<JoinHandle<()>>)> = Vec::new();
    loop {
        let event = match events.recv().await {
            Ok(e) => e,
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        };
        match event {
            CoreEvent::SignedIn(live) => {
                stop(&mut followed, &live.account, &center);
                let tasks = vec![
                    tokio::spawn(inbox::follow(ctx.clone(), center.clone(), live.clone())),
                    tokio::spawn(follow_state(ctx.clone(), center.clone(), live.clone())),
                    tokio::spawn(follow_replies(ctx.clone(), center.clone(), live.clone())),
                    tokio::spawn(follow_outbox(ctx.clone(), center.clone(), live.clone())),
                ];
                followed.push((live, tasks));
            }
            CoreEvent::SignedOut(account) => {
                if let Some(account) = &account {
                    stop(&mut followed, account, &center);
                }
                if !ctx.core.is_signed_in() {
                    center.withdraw_all();
                    ctx.windows.cool_down();
                }
            }
            CoreEvent::KeychainUnavailable(reason) => {
                tracing::warn!(%reason, "keychain unavailable at start");
                ctx.windows.open(WindowKind::Settings, None);
            }
            CoreEvent::ConfigChanged => {}
            CoreEvent::PasswordChangeNeeded => ctx.windows.open(WindowKind::Settings, None),
        }
        ctx.tray.refresh();
        emit_status(&ctx);
    }
}

/// Stops following `account`: its tasks end, its reviews' notices go (the other
/// accounts' stay).
fn stop(
    followed: &mut Vec<(Arc<Live>, Vec<JoinHandle<()>>)>,
    account: &Account,
    center: &NotificationCenter,
) {
    followed.retain(|(live, tasks)| {
        let same = live.account.same_as(account);
        if same {
            tasks.iter().for_each(JoinHandle::abort);
            for m in live.inbox.pending() {
                center.withdraw(&m.id);
            }
        }
        !same
    });
}

/// Follows the session's state: one notice when the server no longer takes the sign-in.
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

/// Follows our answers on their way: a notice when one did not go through, and the
/// review's window told.
async fn follow_outbox(ctx: Ctx, center: NotificationCenter, live: Arc<Live>) {
    let mut deliveries = live.outbox.subscribe();
    loop {
        let d = match deliveries.recv().await {
            Ok(d) => d,
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let agent = || {
            live.outbox
                .decisions(50)
                .ok()
                .and_then(|ds| ds.into_iter().find(|x| x.message_id == d.message_id()))
                .map(|x| x.agent)
                .unwrap_or_else(|| "An agent".to_owned())
        };
        let key = InfoKey::Delivery(d.message_id().to_owned());
        let words = match &d {
            Delivery::Failed { reason, .. } => {
                // An open window says why and takes an answer again.
                ctx.windows.emit(UiEvent::ReviewState(ReviewStateEvent {
                    detail: Some(reason.clone()),
                    ..ReviewStateEvent::new(d.message_id(), ReviewState::Pending)
                }));
                Some(text::answer_failed(&agent(), reason))
            }
            Delivery::AnsweredElsewhere { .. } => Some(text::answered_elsewhere(&agent())),
            Delivery::Expired { .. } => Some(text::answered_too_late(&agent())),
            Delivery::WillRetry { reason, at, .. } => {
                ctx.windows.emit(UiEvent::ReviewState(ReviewStateEvent {
                    detail: Some(reason.clone()),
                    retry_at: Some(*at),
                    ..ReviewStateEvent::new(d.message_id(), ReviewState::Sending)
                }));
                None
            }
            Delivery::Withdrawn { .. } => Some(text::answer_to_withdrawn(&agent())),
            Delivery::Unreadable { .. } => Some(text::answer_unreadable()),
            Delivery::Sent { .. } | Delivery::AuthExpired { .. } => None,
        };
        if let Some((title, body)) = words {
            center.info(info_notice(key, &title, &body, false));
        }
    }
}

/// Follows the person's messages to agents on their way: the conversation's window told
/// of each step, and a notice when one was refused for good (it is not sent).
async fn follow_replies(ctx: Ctx, center: NotificationCenter, live: Arc<Live>) {
    let mut deliveries = live.outbox.subscribe_replies();
    loop {
        let d = match deliveries.recv().await {
            Ok(d) => d,
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let failed = match &d {
            ReplyDelivery::Failed { reason, .. } => Some(reason.clone()),
            _ => None,
        };
        if let Some(agent_id) = d.channel_id() {
            if let Some(reason) = &failed {
                let agent = live
                    .inbox
                    .agent(agent_id)
                    .map(|a| a.name)
                    .unwrap_or_else(|| "An agent".to_owned());
                let (title, body) = text::reply_failed(&agent, reason);
                let key = InfoKey::Delivery(d.client_id().to_owned());
                center.info(info_notice(key, &title, &body, false));
            }
            ctx.windows
                .emit(UiEvent::ConversationChanged(ConversationChangedEvent {
                    agent_id: agent_id.to_owned(),
                    failed,
                }));
        }
    }
}
