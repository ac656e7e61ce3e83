//! Connects what the core publishes to the notifications, the tray and the windows, and
//! what the person does in notifications back to the core. The shell starts it once
//! with its seams; it runs for the life of the process.
//!
//! A new review arrives as `InboxChange::Added`; [`notify_review`] checks the person's
//! preferences and hands the words of [`text::review_notice`] to the
//! [`NotificationCenter`], which shows it or folds it into the summary. A click on one
//! of its buttons comes back here as a [`NoticeEvent`] and becomes an answer, unless the
//! option could be dangerous: then the review's window opens for one confirming click.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use placet_client::inbox::AnsweredBy as InboxAnsweredBy;
use placet_client::outbox::{AnswerSource, Delivery};
use placet_client::protocol::{AgentStatus, OptionStyle, ReviewKind};
use placet_client::{Answer, Inbox, InboxChange, Message, SessionState};
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::app::{fetch_review, CoreError, CoreEvent, Live};
use crate::config::{AccountMode, NotifyFor};
use crate::door::{Incoming, Outcome, Reply, Request};
use crate::ipc::events::{AnsweredBy, ReviewStateEvent, ReviewUpdatedEvent};
use crate::ipc::views::ReviewState;
use crate::ipc::{commands, Ctx, UiEvent};
use crate::notify::{
    option_of_action, InfoKey, Notice, NoticeEvent, NoticeKey, NotificationCenter, Response,
};
use crate::text::{self, Answering};
use crate::window::WindowKind;

/// How long an answer from the command line waits for the person's click.
pub const CONFIRM_WAIT: Duration = Duration::from_secs(300);
/// How long a confirmed answer from the command line waits for the server.
const DELIVERY_WAIT: Duration = Duration::from_secs(15);

/// Answers from the command line waiting for the person's click, by notice number.
#[derive(Debug, Default)]
struct Confirms {
    next: AtomicU64,
    waiting: Mutex<HashMap<u64, oneshot::Sender<bool>>>,
}

impl Confirms {
    fn open(&self) -> (u64, oneshot::Receiver<bool>) {
        let n = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let (tx, rx) = oneshot::channel();
        self.lock().insert(n, tx);
        (n, rx)
    }

    fn resolve(&self, n: u64, confirmed: bool) {
        if let Some(tx) = self.lock().remove(&n) {
            let _ = tx.send(confirmed);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, oneshot::Sender<bool>>> {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The action ids of the confirmation notice.
const CONFIRM: &str = "confirm";
const CANCEL: &str = "cancel";

/// Starts following the core. `responses` is where the platform notifier reports what
/// the person did; `requests` what comes through the command line's door.
pub fn start(
    ctx: Ctx,
    center: NotificationCenter,
    responses: mpsc::UnboundedReceiver<NoticeEvent>,
    requests: mpsc::Receiver<Incoming>,
) -> Vec<JoinHandle<()>> {
    let events = ctx.core.subscribe();
    let confirms = Arc::new(Confirms::default());
    vec![
        tokio::spawn(follow_core(ctx.clone(), center.clone(), events)),
        tokio::spawn(follow_responses(
            ctx.clone(),
            center.clone(),
            confirms.clone(),
            responses,
        )),
        tokio::spawn(follow_requests(ctx, center, confirms, requests)),
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
    match m.review.as_ref().map(|r| r.answerable()) {
        Some(Err(_)) => Answering::Elsewhere,
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
                announce_cli_answer(&center, &live, message_id);
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
            InboxChange::Withdrawn { message_id } => {
                center.withdraw(message_id);
                review_state(&ctx, message_id, ReviewState::Withdrawn);
            }
            InboxChange::Delivery { message_id, status } => {
                // Our own answers' delivery goes into the decision log ("delivered to the
                // agent"); the review window reads it from there.
                match live.outbox.record_delivery(message_id, *status) {
                    Ok(true) => ctx.windows.emit(UiEvent::ReviewUpdated(ReviewUpdatedEvent {
                        message_id: message_id.clone(),
                    })),
                    Ok(false) => {}
                    Err(e) => tracing::warn!(error = %e, "cannot record a delivery status"),
                }
            }
            InboxChange::Updated(m) => {
                if let Some((notice, _)) = review_notice(&ctx, &live, m) {
                    center.refresh(notice);
                }
                ctx.windows.emit(UiEvent::ReviewUpdated(ReviewUpdatedEvent {
                    message_id: m.id.clone(),
                }));
            }
            InboxChange::AgentStatus(status) => {
                let prefs = ctx.core.config().notifications;
                let key = InfoKey::AgentError(status.agent_id.clone());
                if status.status == AgentStatus::Error {
                    if prefs.agent_errors && prefs.allows(&status.agent_id, Utc::now()) {
                        if let Some(agent) = live.inbox.agent(&status.agent_id) {
                            let (title, body) = text::agent_error(&agent);
                            center.info(info_notice(key, &title, &body, prefs.sound));
                        }
                    }
                } else {
                    center.close(NoticeKey::Info(key));
                }
            }
            InboxChange::AgentsChanged | InboxChange::Synced { .. } => {}
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
            Delivery::Withdrawn { .. } => {
                let (title, body) = text::answer_to_withdrawn(&agent);
                center.info(info_notice(key, &title, &body, false));
            }
            Delivery::Unreadable { .. } => {
                let (title, body) = text::answer_unreadable();
                center.info(info_notice(key, &title, &body, false));
            }
            Delivery::Sent { .. } | Delivery::AuthExpired { .. } => {}
        }
    }
}

/// True only when `option_id` is an option of the pending approval `message_id` known
/// not to be `danger`. Anything unknown (the review is not in the inbox, it is not an
/// approval, the option is not there) counts as dangerous: it fails closed.
pub fn is_safe_option(inbox: &Inbox, message_id: &str, option_id: &str) -> bool {
    inbox.get(message_id).is_some_and(|m| {
        matches!(
            m.review.as_ref().map(|r| &r.kind),
            Some(ReviewKind::Approval(p)) if p.option(option_id).is_some_and(|o| o.style != OptionStyle::Danger)
        )
    })
}

async fn follow_responses(
    ctx: Ctx,
    center: NotificationCenter,
    confirms: Arc<Confirms>,
    mut responses: mpsc::UnboundedReceiver<NoticeEvent>,
) {
    let comments = Comments::default();
    while let Some(NoticeEvent { key, response }) = responses.recv().await {
        if let NoticeKey::Info(InfoKey::Confirm(n)) = key {
            match response {
                Response::Action(a) if a == CONFIRM => confirms.resolve(n, true),
                Response::Activated => {}
                _ => confirms.resolve(n, false),
            }
            continue;
        }
        if response == Response::Dismissed {
            center.dismissed(key);
            continue;
        }
        match key {
            NoticeKey::Review(message_id) => {
                review_response(&ctx, &center, &comments, &message_id, response).await
            }
            NoticeKey::Summary => ctx.windows.open(WindowKind::Inbox, None),
            NoticeKey::Info(InfoKey::AuthExpired) => ctx.windows.open(WindowKind::Settings, None),
            NoticeKey::Info(InfoKey::CliAnswered(id)) => {
                ctx.windows.open(WindowKind::review(&id), None)
            }
            NoticeKey::Info(
                InfoKey::Delivery(_)
                | InfoKey::Message(_)
                | InfoKey::Confirm(_)
                | InfoKey::AgentError(_),
            ) => ctx.windows.open(WindowKind::Inbox, None),
        }
    }
}

async fn review_response(
    ctx: &Ctx,
    center: &NotificationCenter,
    comments: &Comments,
    message_id: &str,
    response: Response,
) {
    let open = |option: Option<String>| ctx.windows.open(WindowKind::review(message_id), option);
    let option_id = match response {
        Response::Action(action) if action == text::OPEN_IN_PLACET => return open(None),
        Response::Action(action) => option_of_action(&action).to_owned(),
        Response::Replied(reply) => return replied(ctx, center, comments, message_id, reply).await,
        Response::Activated | Response::Dismissed => return open(None),
    };
    let Some(live) = ctx.core.live() else {
        return open(Some(option_id));
    };
    if !is_safe_option(&live.inbox, message_id, &option_id) {
        // Never sent by a button alone: one confirming click in the window.
        return open(Some(option_id));
    }
    let comment = lock(comments).remove(message_id);
    let source = if comment.is_some() {
        AnswerSource::NotificationReply
    } else {
        AnswerSource::NotificationButton
    };
    let answer = Answer::Approval { option_id, comment };
    if let Err(e) = ctx.core.respond(message_id, &answer, source).await {
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

/// Comments typed into an approval's notification, waiting for the option to go with.
type Comments = Mutex<HashMap<String, String>>;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Text typed into a review's notification: a text-input review's answer (validated
/// and queued like any answer), or an approval's comment (kept, and the notification
/// shown again to choose the option). What cannot be sent opens the review's window,
/// with a notice saying why.
async fn replied(
    ctx: &Ctx,
    center: &NotificationCenter,
    comments: &Comments,
    message_id: &str,
    reply: String,
) {
    let Some(live) = ctx.core.live() else {
        return ctx.windows.open(WindowKind::review(message_id), None);
    };
    let Some(message) = live.inbox.get(message_id) else {
        return ctx.windows.open(WindowKind::review(message_id), None);
    };
    let refused = |reason: String| {
        let (title, body) = text::reply_refused(&reason);
        center.info(info_notice(
            InfoKey::Delivery(message_id.to_owned()),
            &title,
            &body,
            false,
        ));
        ctx.windows.open(WindowKind::review(message_id), None);
    };
    match message.review.as_ref().map(|r| &r.kind) {
        Some(ReviewKind::Approval(p)) if p.allow_comment => {
            lock(comments).insert(message_id.to_owned(), reply.clone());
            if let Some((notice, agent)) = review_notice(ctx, &live, &message) {
                center.withdraw(message_id);
                center.review(text::with_comment(notice, &reply), &agent);
            }
        }
        Some(ReviewKind::TextInput(_)) => {
            let answer = Answer::Text { text: reply };
            if let Err(e) = ctx
                .core
                .respond(message_id, &answer, AnswerSource::NotificationReply)
                .await
            {
                refused(e.to_string());
            }
        }
        _ => refused("this review takes no typed reply".to_owned()),
    }
}

/// Raises "Answered from the command line" when our decision log shows that the
/// answer to `message_id` came from the command line without a click here.
fn announce_cli_answer(center: &NotificationCenter, live: &Live, message_id: &str) {
    let Ok(decisions) = live.outbox.decisions(50) else {
        return;
    };
    let Some(d) = decisions.into_iter().find(|d| d.message_id == message_id) else {
        return;
    };
    if !matches!(
        d.source,
        Some(AnswerSource::CliConfirmedAtTerminal | AnswerSource::CliUnattended)
    ) {
        return;
    }
    let line = format!("{}: {}", d.agent, d.summary);
    let (title, body) = text::answered_from_cli(&line);
    center.info(info_notice(
        InfoKey::CliAnswered(message_id.to_owned()),
        &title,
        &body,
        false,
    ));
}

async fn follow_requests(
    ctx: Ctx,
    center: NotificationCenter,
    confirms: Arc<Confirms>,
    mut requests: mpsc::Receiver<Incoming>,
) {
    while let Some((request, reply)) = requests.recv().await {
        match request {
            Request::Show => {
                let kind = if ctx.core.live().is_some() {
                    WindowKind::Inbox
                } else {
                    WindowKind::Settings
                };
                ctx.windows.open(kind, None);
                let _ = reply.send(Reply::Done);
            }
            Request::Open { window } => {
                let _ = reply.send(match WindowKind::parse_spec(&window) {
                    Some(kind) => {
                        ctx.windows.open(kind, None);
                        Reply::Done
                    }
                    None => Reply::Refused {
                        message: format!("unknown window `{window}`"),
                    },
                });
            }
            Request::Propose { message_id, answer } => {
                let (ctx, center, confirms) = (ctx.clone(), center.clone(), confirms.clone());
                tokio::spawn(async move {
                    let outcome = propose(&ctx, &center, &confirms, &message_id, answer).await;
                    tracing::info!(message = %message_id, ?outcome, "answer from the command line");
                    let _ = reply.send(Reply::Proposed(outcome));
                });
            }
        }
    }
}

/// An answer handed over by the command line: validated, confirmed by the person (or
/// allowed unattended, never for a `danger` option), then sent like any answer.
async fn propose(
    ctx: &Ctx,
    center: &NotificationCenter,
    confirms: &Confirms,
    message_id: &str,
    answer: Answer,
) -> Outcome {
    let Some(live) = ctx.core.live() else {
        return Outcome::NotSignedIn {
            message: "Placet Tray is not signed in".to_owned(),
        };
    };
    if live.account.mode == AccountMode::ApiKey {
        return Outcome::NotSignedIn {
            message: CoreError::WatchOnly.to_string(),
        };
    }
    let message = match live.inbox.get(message_id) {
        Some(m) => (*m).clone(),
        None => match fetch_review(&live.rest, message_id).await {
            Ok(m) => m,
            Err(e @ (CoreError::NotPending | CoreError::NoReview(_))) => {
                return Outcome::Gone {
                    message: e.to_string(),
                }
            }
            Err(e) => {
                return Outcome::Failed {
                    message: e.to_string(),
                }
            }
        },
    };
    let Some(review) = message.review.as_ref() else {
        return Outcome::Gone {
            message: "this message has no review".to_owned(),
        };
    };
    if let Err(e) = review.validate(&answer) {
        return Outcome::Invalid {
            message: e.to_string(),
        };
    }
    let agent = live.inbox.agent_name(&message);
    let line = text::answer_line(&message, &answer);
    if let Answer::Approval { option_id, .. } = &answer {
        if !is_safe_option(&live.inbox, message_id, option_id) {
            // Never sent from outside the review window: open it for the person.
            ctx.windows
                .open(WindowKind::review(message_id), Some(option_id.clone()));
            return Outcome::Opened {
                message: "this option is marked dangerous: the review's window was opened for the person to answer".to_owned(),
            };
        }
    }
    let source = if ctx.core.config().cli_unattended {
        AnswerSource::CliUnattended
    } else {
        let (n, confirmed) = confirms.open();
        let key = NoticeKey::Info(InfoKey::Confirm(n));
        let (title, body) = text::confirm_cli_answer(&agent, &line);
        center.info(Notice {
            key: key.clone(),
            title,
            body,
            actions: vec![
                crate::notify::NoticeAction {
                    id: CONFIRM.to_owned(),
                    label: "Confirm".to_owned(),
                },
                crate::notify::NoticeAction {
                    id: CANCEL.to_owned(),
                    label: "Cancel".to_owned(),
                },
            ],
            open_label: None,
            without_buttons: Some(
                "This notification cannot show buttons here: answer in the review window instead."
                    .to_owned(),
            ),
            reply: None,
            sound: ctx.core.config().notifications.sound,
            persistent: true,
        });
        let result = tokio::time::timeout(CONFIRM_WAIT, confirmed).await;
        center.close(key);
        match result {
            Ok(Ok(true)) => AnswerSource::CliConfirmedByClick,
            Ok(_) => return Outcome::Cancelled,
            Err(_) => {
                confirms.resolve(n, false);
                return Outcome::TimedOut;
            }
        }
    };
    let mut deliveries = live.outbox.subscribe();
    if let Err(e) = ctx.core.respond(message_id, &answer, source).await {
        return match e {
            CoreError::InvalidAnswer(i) => Outcome::Invalid {
                message: i.to_string(),
            },
            CoreError::NotPending | CoreError::NoReview(_) => Outcome::Gone {
                message: e.to_string(),
            },
            other => Outcome::Failed {
                message: other.to_string(),
            },
        };
    }
    // A transport error is retried by the outbox within the wait (a lost reply is then
    // recognised as our own answer); only what is still not through is "queued".
    let mut last_retry = None;
    let waited = tokio::time::timeout(DELIVERY_WAIT, async {
        loop {
            match deliveries.recv().await {
                Ok(Delivery::WillRetry {
                    reason,
                    message_id: m,
                    ..
                }) if m == message_id => last_retry = Some(reason),
                Ok(d) if d.message_id() == message_id && d.is_settled() => return Some(d),
                Ok(Delivery::AuthExpired { .. }) => return None,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
    .await;
    let queued = |fallback: &str| Outcome::Queued {
        reason: last_retry.clone().unwrap_or_else(|| fallback.to_owned()),
    };
    match waited {
        Ok(Some(Delivery::Sent { .. })) => Outcome::Sent { summary: line },
        Ok(Some(
            d @ (Delivery::AnsweredElsewhere { .. }
            | Delivery::Expired { .. }
            | Delivery::Withdrawn { .. }),
        )) => Outcome::Gone {
            message: match d {
                Delivery::AnsweredElsewhere { .. } => "the review was answered elsewhere",
                Delivery::Expired { .. } => "the review expired",
                _ => "the agent withdrew the review",
            }
            .to_owned(),
        },
        Ok(Some(Delivery::Failed { reason, .. })) => Outcome::Failed { message: reason },
        Ok(Some(_)) | Ok(None) | Err(_) => queued("no reply from the server yet"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use placet_client::ServerEvent;
    use serde_json::json;

    fn inbox_with(review: serde_json::Value) -> Inbox {
        let inbox = Inbox::new();
        let m: Message = serde_json::from_value(json!({
            "id": "m1", "channelId": "a1", "text": "?", "review": review,
            "createdAt": "2026-01-01T00:00:00.000Z"
        }))
        .unwrap();
        inbox.apply(&ServerEvent::MessageCreated(m));
        inbox
    }

    /// Only an option known not to be dangerous passes; everything unknown fails closed.
    #[test]
    fn danger_fails_closed() {
        let approval = inbox_with(
            json!({"type": "approval", "status": "pending", "payload": {"options": [
                {"id": "go", "label": "Go", "style": "primary"},
                {"id": "wipe", "label": "Wipe", "style": "danger"}
            ]}}),
        );
        assert!(is_safe_option(&approval, "m1", "go"));
        assert!(!is_safe_option(&approval, "m1", "wipe"), "danger");
        assert!(
            !is_safe_option(&approval, "m1", "nope"),
            "an option it does not have"
        );
        assert!(
            !is_safe_option(&approval, "m2", "go"),
            "a review not in the inbox"
        );
        let form = inbox_with(
            json!({"type": "form", "status": "pending", "payload": {"fields": [
                {"name": "go", "type": "text"}
            ]}}),
        );
        assert!(!is_safe_option(&form, "m1", "go"), "not an approval");
        let odd = inbox_with(
            json!({"type": "approval", "status": "pending", "payload": {"options": [
                {"id": "go", "label": "Go", "style": 7}
            ]}}),
        );
        assert!(
            !is_safe_option(&odd, "m1", "go"),
            "a style that cannot be read"
        );
    }
}
