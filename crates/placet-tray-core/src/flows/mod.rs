//! What happens as it happens: the core's inbox, session and outbox followed out to the
//! notifications, the tray and the windows; what the person does in notifications, and
//! what programs propose through the door, followed back to answers. The shell starts it
//! once with its seams; it runs for the life of the process.
//!
//! A new review arrives as `InboxChange::Added`; [`inbox`] checks the person's
//! preferences and hands the words of [`text::review_notice`] to the
//! [`NotificationCenter`], which shows it or folds it into the summary. A click on one of
//! its buttons comes back to [`responses`] as a [`NoticeEvent`] and becomes an answer
//! through [`Core::answer`](crate::Core::answer), which decides ([`crate::decide`])
//! whether it is sent or the review's window opens instead. A program's proposal comes
//! through the door to [`proposals`], which shows it whole in a confirmation window and
//! sends it only on the person's Confirm.
//!
//! - [`session`]: sign-in and sign-out, the session's state, our answers' fate.
//! - [`inbox`]: reviews to notifications (and withdrawn when settled), the tray and
//!   the windows told.
//! - [`attention`]: reviews raised when the planner says (Do Not Disturb, expiry,
//!   snoozes, reminders); snoozes kept across restarts.
//! - [`responses`]: notification buttons and inline replies back to answers;
//!   [`talk`]: an agent message's notification back to the person's message.
//! - [`door`]: the door's requests; [`proposals`]: programs' proposals, confirmed in
//!   their window; [`replies`]: programs' messages to agents, confirmed the same way;
//!   [`outcome`]: how a proposal ended, in the door's words.

mod attention;
mod door;
mod inbox;
mod outcome;
mod proposals;
mod replies;
mod responses;
mod session;
mod talk;

use std::sync::{Mutex, MutexGuard};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::door::Incoming;
use crate::ipc::{commands, Ctx, UiEvent};
use crate::notify::{
    InfoKey, Notice, NoticeEvent, NoticeKey, NoticeKind, NotificationCenter, Urgency,
};
use crate::text;

/// Starts following the core. `responses` is where the platform notifier reports what
/// the person did; `requests` what comes through the command line's door.
pub fn start(
    ctx: Ctx,
    center: NotificationCenter,
    responses: mpsc::UnboundedReceiver<NoticeEvent>,
    requests: mpsc::Receiver<Incoming>,
) -> Vec<JoinHandle<()>> {
    let events = ctx.core.subscribe();
    let mut tasks = Vec::new();
    if let Some(commands) = ctx.attention.take_commands() {
        tasks.push(tokio::spawn(attention::follow(
            ctx.clone(),
            center.clone(),
            commands,
        )));
    }
    tasks.extend([
        tokio::spawn(session::follow_core(ctx.clone(), center.clone(), events)),
        tokio::spawn(responses::follow(ctx.clone(), center.clone(), responses)),
        tokio::spawn(door::follow_requests(ctx, center, requests)),
    ]);
    tasks
}

/// Tells every window the account and connection changed.
fn emit_status(ctx: &Ctx) {
    ctx.windows
        .emit(UiEvent::StatusChanged(commands::status(&ctx.core)));
}

/// An informational notice (not a review): it follows the daemon's timeout. An agent's
/// message is a [`NoticeKind::Message`] (with its sound when `sound`); everything else is
/// information, silent, of low urgency unless the person has to act (an answer that did
/// not go through, a sign-in to renew).
fn info_notice(key: InfoKey, title: &str, body: &str, sound: bool) -> Notice {
    let (kind, urgency) = match &key {
        InfoKey::Message(_) => (NoticeKind::Message, Urgency::Normal),
        InfoKey::Delivery(_) | InfoKey::AuthExpired => (NoticeKind::Info, Urgency::Normal),
        InfoKey::Confirm(_) | InfoKey::OAuth(_) => (NoticeKind::Decision, Urgency::Normal),
        InfoKey::AgentError(_) | InfoKey::Desktop(_) => (NoticeKind::Info, Urgency::Low),
    };
    Notice {
        kind,
        urgency,
        sound: sound && kind != NoticeKind::Info,
        key: NoticeKey::Info(key),
        title: text::one_line(title, 80),
        body: text::one_line(body, 200),
        actions: Vec::new(),
        open_label: Some("Open".to_owned()),
        without_buttons: None,
        reply: None,
        persistent: false,
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
