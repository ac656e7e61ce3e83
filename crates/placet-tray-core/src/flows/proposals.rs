//! What comes through the command line's door: a second launch's "show yourself", a
//! window to open, and programs' proposed answers. A proposal is shown whole in its own
//! confirmation window and sent only on the person's Confirm there; its notification
//! only opens that window. A `danger` option is shown (so the person knows what was
//! asked) and never sent for the program.

use std::sync::Arc;
use std::time::Duration;

use placet_client::outbox::Delivery;
use placet_client::{Answer, InboxChange, Message, ValidResponse};
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::app::{fetch_review, CoreError, Verdict};
use crate::decide::{Refusal, Source};
use crate::door::{peer, Incoming, Outcome, Peer, Reply, Request};
use crate::ipc::events::ProposalStateEvent;
use crate::ipc::views::ProposalState;
use crate::ipc::{Ctx, UiEvent};
use crate::notify::{InfoKey, Notice, NoticeKey, NotificationCenter};
use crate::proposal::{NewProposal, LAPSE};
use crate::text;
use crate::window::{WindowEvent, WindowKind};

/// How long a confirmed answer waits for the server before the program hears "queued".
const DELIVERY_WAIT: Duration = Duration::from_secs(15);
/// How long a settled proposal is kept for a window that is still open.
const KEEP_SETTLED: Duration = Duration::from_secs(600);

/// Follows the door until it closes.
pub(super) async fn follow_requests(
    ctx: Ctx,
    center: NotificationCenter,
    mut requests: mpsc::Receiver<Incoming>,
) {
    while let Some(Incoming {
        request,
        peer,
        reply,
    }) = requests.recv().await
    {
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
            Request::Propose {
                message_id,
                answer,
                feedback,
            } => {
                let (ctx, center) = (ctx.clone(), center.clone());
                tokio::spawn(async move {
                    let outcome = propose(&ctx, &center, &message_id, answer, feedback, peer).await;
                    tracing::info!(message = %message_id, outcome = outcome_name(&outcome), "a program's proposal");
                    let _ = reply.send(Reply::Proposed(outcome));
                });
            }
        }
    }
}

/// The outcome's name for the log (its details may hold agent text).
fn outcome_name(o: &Outcome) -> &'static str {
    match o {
        Outcome::Sent { .. } => "sent",
        Outcome::Queued { .. } => "queued",
        Outcome::Cancelled => "cancelled",
        Outcome::Opened { .. } => "dangerous: shown, not sent",
        Outcome::CannotShow { .. } => "cannot show",
        Outcome::Refused { .. } => "refused",
        Outcome::TimedOut => "timed out",
        Outcome::Invalid { .. } => "invalid",
        Outcome::Gone { .. } => "gone",
        Outcome::NotSignedIn { .. } => "not signed in",
        Outcome::Failed { .. } => "failed",
    }
}

/// A program's answer: decided ([`Source::Proposal`]), shown in its confirmation
/// window, and sent only on the person's Confirm.
async fn propose(
    ctx: &Ctx,
    center: &NotificationCenter,
    message_id: &str,
    answer: Answer,
    feedback: Option<String>,
    peer: Peer,
) -> Outcome {
    let verdict = ctx
        .core
        .answer(message_id, &answer, feedback.as_deref(), Source::Proposal)
        .await;
    let (message, response, danger) = match verdict {
        Ok(Verdict::Confirm { message, response }) => (message, response, false),
        Err(CoreError::Refused(Refusal::DangerFromProgram)) => {
            match shown_anyway(ctx, message_id, &answer).await {
                Some((message, response)) => (message, response, true),
                None => return outcome_of(CoreError::Refused(Refusal::DangerFromProgram)),
            }
        }
        Ok(Verdict::Queued | Verdict::OpenWindow) => {
            return Outcome::Failed {
                message: "a proposal was not taken for confirmation".to_owned(),
            }
        }
        Err(e) => return outcome_of(e),
    };
    let new = NewProposal {
        message: message.clone(),
        answer: answer.clone(),
        response,
        feedback: feedback.clone(),
        proposer: peer::describe(peer),
        danger,
    };
    let (id, decided) = match ctx.proposals.add(new) {
        Ok(added) => added,
        Err(busy) => {
            return Outcome::Refused {
                message: busy.to_string(),
            }
        }
    };
    let kind = WindowKind::Confirm { proposal: id };
    // Subscribed before the window is asked for, so no event about it is missed.
    let windows = ctx.windows.events();
    tokio::spawn(forget_when_closed(ctx.clone(), id, ctx.windows.events()));
    ctx.windows.open(kind, None);
    if danger {
        return outcome_of(CoreError::Refused(Refusal::DangerFromProgram));
    }
    let asked = Asked {
        id,
        message: &message,
        answer: &answer,
        feedback: feedback.as_deref(),
    };
    confirm(ctx, center, asked, decided, windows).await
}

/// The review and the response of a `danger` proposal, to show the person what was
/// asked (never to send).
async fn shown_anyway(
    ctx: &Ctx,
    message_id: &str,
    answer: &Answer,
) -> Option<(Arc<Message>, ValidResponse)> {
    let live = ctx.core.live()?;
    let message = match live.inbox.get(message_id) {
        Some(m) => m,
        None => Arc::new(fetch_review(&live.rest, message_id).await.ok()?),
    };
    let response = message.review.as_ref()?.validate(answer).ok()?;
    Some((message, response))
}

/// A proposal waiting for the person.
struct Asked<'a> {
    id: u64,
    message: &'a Message,
    answer: &'a Answer,
    feedback: Option<&'a str>,
}

/// Waits for the person's decision in the window (or the window's end, the review's
/// end, the lapse), then sends on Confirm.
async fn confirm(
    ctx: &Ctx,
    center: &NotificationCenter,
    asked: Asked<'_>,
    mut decided: oneshot::Receiver<bool>,
    mut windows: broadcast::Receiver<WindowEvent>,
) -> Outcome {
    let Some(live) = ctx.core.live() else {
        return outcome_of(CoreError::NotSignedIn);
    };
    let kind = WindowKind::Confirm { proposal: asked.id };
    let key = NoticeKey::Info(InfoKey::Confirm(asked.id));
    let agent = live.inbox.agent_name(asked.message);
    let (title, body) = text::proposal_notice(&agent, asked.message.first_line());
    center.info(Notice {
        key: key.clone(),
        title,
        body,
        actions: Vec::new(),
        open_label: Some("Review the answer".to_owned()),
        without_buttons: None,
        reply: None,
        sound: ctx.core.config().notifications.sound,
        persistent: true,
    });
    let mut inbox = live.inbox.subscribe();
    let lapse = tokio::time::sleep(LAPSE);
    tokio::pin!(lapse);
    let ended = loop {
        tokio::select! {
            d = &mut decided => break match d {
                Ok(true) => None,
                Ok(false) => Some((ProposalState::Cancelled, Outcome::Cancelled)),
                // Dropped: the window failed meanwhile (`forget_when_closed` forgot the
                // proposal), unless it was closed.
                Err(_) => Some((ProposalState::Cancelled, failed_meanwhile(&mut windows, &kind))),
            },
            e = windows.recv() => match e {
                Ok(WindowEvent::Closed(k)) if k == kind => {
                    break Some((ProposalState::Cancelled, Outcome::Cancelled))
                }
                Ok(WindowEvent::Failed(k, reason)) if k == kind => {
                    break Some((ProposalState::Cancelled, cannot_show(&reason)))
                }
                Err(broadcast::error::RecvError::Closed) => {
                    break Some((ProposalState::Cancelled, cannot_show("no window host")))
                }
                _ => {}
            },
            c = inbox.recv() => if let Some(gone) = overtaken(&c, &asked.message.id) {
                break Some((ProposalState::Overtaken, gone));
            },
            () = &mut lapse => break Some((ProposalState::TimedOut, Outcome::TimedOut)),
        }
    };
    center.close(key);
    if let Some((state, outcome)) = ended {
        settle(ctx, asked.id, state, None);
        return outcome;
    }
    let mut deliveries = live.outbox.subscribe();
    let sent = ctx
        .core
        .answer(
            &asked.message.id,
            asked.answer,
            asked.feedback,
            Source::ConfirmedProposal,
        )
        .await;
    match sent {
        Ok(Verdict::Queued) => {
            settle(ctx, asked.id, ProposalState::Confirmed, None);
            let summary = text::answer_line(asked.message, asked.answer);
            delivered(&mut deliveries, &asked.message.id, &summary).await
        }
        Ok(_) => {
            settle(ctx, asked.id, ProposalState::Overtaken, None);
            Outcome::Failed {
                message: "the confirmed answer was not taken".to_owned(),
            }
        }
        Err(e) => {
            settle(ctx, asked.id, ProposalState::Overtaken, Some(e.to_string()));
            outcome_of(e)
        }
    }
}

/// The outcome when the review ended while its proposal waited.
fn overtaken(
    change: &Result<InboxChange, broadcast::error::RecvError>,
    message_id: &str,
) -> Option<Outcome> {
    let gone = |m: &str| Outcome::Gone {
        message: m.to_owned(),
    };
    match change {
        Ok(InboxChange::Answered { message_id: m, .. }) if m == message_id => {
            Some(gone("the review was answered elsewhere"))
        }
        Ok(InboxChange::Expired { message_id: m }) if m == message_id => {
            Some(gone("the review expired"))
        }
        Ok(InboxChange::Withdrawn { message_id: m }) if m == message_id => {
            Some(gone("the agent withdrew the review"))
        }
        _ => None,
    }
}

/// Why the decision ended without one: the window's failure if it is among the events
/// not read yet, else a Cancel.
fn failed_meanwhile(windows: &mut broadcast::Receiver<WindowEvent>, kind: &WindowKind) -> Outcome {
    while let Ok(e) = windows.try_recv() {
        if let WindowEvent::Failed(k, reason) = e {
            if &k == kind {
                return cannot_show(&reason);
            }
        }
    }
    Outcome::Cancelled
}

fn cannot_show(reason: &str) -> Outcome {
    Outcome::CannotShow {
        message: format!(
            "Placet Tray cannot show the confirmation window here ({}); nothing was sent",
            text::one_line(reason, 120)
        ),
    }
}

/// Records where a proposal stands and tells its window.
fn settle(ctx: &Ctx, id: u64, state: ProposalState, detail: Option<String>) {
    ctx.proposals.set_state(id, state);
    ctx.windows.emit(UiEvent::ProposalState(ProposalStateEvent {
        id,
        state,
        detail,
    }));
}

/// Forgets a proposal once its window is gone (or a while after it was shown).
async fn forget_when_closed(ctx: Ctx, id: u64, mut windows: broadcast::Receiver<WindowEvent>) {
    let kind = WindowKind::Confirm { proposal: id };
    let _ = tokio::time::timeout(LAPSE + KEEP_SETTLED, async {
        loop {
            match windows.recv().await {
                Ok(WindowEvent::Closed(k) | WindowEvent::Failed(k, _)) if k == kind => return,
                Err(broadcast::error::RecvError::Closed) => return,
                _ => {}
            }
        }
    })
    .await;
    ctx.proposals.remove(id);
}

/// How a confirmed answer ended: the outbox's word on it within [`DELIVERY_WAIT`] (a
/// transport error is retried meanwhile, and a lost reply recognised as ours), or
/// "queued".
async fn delivered(
    deliveries: &mut broadcast::Receiver<Delivery>,
    message_id: &str,
    summary: &str,
) -> Outcome {
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
    match waited {
        Ok(Some(d)) => Outcome::of_delivery(&d, summary),
        _ => Outcome::Queued {
            reason: last_retry.unwrap_or_else(|| "no reply from the server yet".to_owned()),
        },
    }
}

/// The outcome a program hears for an error.
fn outcome_of(e: CoreError) -> Outcome {
    let message = e.to_string();
    match e {
        CoreError::Refused(Refusal::DangerFromProgram) => Outcome::Opened { message },
        CoreError::Refused(Refusal::Strict) => Outcome::Refused { message },
        CoreError::Refused(Refusal::WatchOnly) | CoreError::NotSignedIn => {
            Outcome::NotSignedIn { message }
        }
        CoreError::Refused(Refusal::NotPending | Refusal::Withdrawn)
        | CoreError::NoReview(_)
        | CoreError::Store(placet_client::outbox::StoreError::AlreadyQueued) => {
            Outcome::Gone { message }
        }
        CoreError::InvalidAnswer(_) | CoreError::Refused(Refusal::WebOnly) => {
            Outcome::Invalid { message }
        }
        _ => Outcome::Failed { message },
    }
}
