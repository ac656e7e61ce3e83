//! Programs' proposed answers. A proposal is shown whole in its own confirmation
//! window and sent only on the person's Confirm there; its notification only opens that
//! window. A `danger` option is shown (so the person knows what was asked) and never
//! sent for the program.

use std::sync::Arc;
use std::time::Duration;

use placet_client::{Answer, InboxChange, Message, ValidResponse};
use tokio::sync::{broadcast, oneshot};

use super::outcome::{cannot_show, delivered, outcome_of, overtaken};
use crate::app::{fetch_review, CoreError, Verdict};
use crate::decide::{Refusal, Source};
use crate::door::{peer, Outcome, Peer};
use crate::ipc::events::ProposalStateEvent;
use crate::ipc::views::ProposalState;
use crate::ipc::{Ctx, UiEvent};
use crate::notify::{InfoKey, Notice, NoticeKey, NoticeKind, NotificationCenter, Urgency};
use crate::proposal::{NewProposal, Proposed, LAPSE};
use crate::text;
use crate::window::{WindowEvent, WindowKind};

/// How long a settled proposal is kept for a window that is still open.
const KEEP_SETTLED: Duration = Duration::from_secs(600);

/// A program's answer: decided ([`Source::Proposal`]), shown in its confirmation
/// window, and sent only on the person's Confirm.
pub(super) async fn propose(
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
    let what = Proposed::Answer {
        message: message.clone(),
        answer: answer.clone(),
        response,
        feedback: feedback.clone(),
        danger,
    };
    let (id, decided, mut windows) = match shown(ctx, what, peer) {
        Ok(shown) => shown,
        Err(refused) => return refused,
    };
    if danger {
        tokio::spawn(forget_when_closed(ctx.clone(), id, windows));
        return outcome_of(CoreError::Refused(Refusal::DangerFromProgram));
    }
    let asked = Asked {
        id,
        message: &message,
        answer: &answer,
        feedback: feedback.as_deref(),
    };
    let (outcome, window_gone) = confirm(ctx, center, asked, decided, &mut windows).await;
    keep_while_shown(ctx, id, window_gone, windows);
    outcome
}

/// Takes a proposal and opens its confirmation window. Also gives the receiver of the
/// person's decision and of the window's events (subscribed before the window was
/// asked for, so no event about it is missed).
pub(super) fn shown(
    ctx: &Ctx,
    what: Proposed,
    peer: Peer,
) -> Result<
    (
        u64,
        oneshot::Receiver<bool>,
        broadcast::Receiver<WindowEvent>,
    ),
    Outcome,
> {
    let new = NewProposal {
        what,
        proposer: peer::describe(peer),
    };
    let (id, decided) = ctx.proposals.add(new).map_err(|busy| Outcome::Refused {
        message: busy.to_string(),
    })?;
    let windows = ctx.windows.events();
    ctx.windows.open(WindowKind::Confirm { proposal: id }, None);
    Ok((id, decided, windows))
}

/// The proposal stays readable while its window shows how it ended.
pub(super) fn keep_while_shown(
    ctx: &Ctx,
    id: u64,
    window_gone: bool,
    windows: broadcast::Receiver<WindowEvent>,
) {
    if window_gone {
        ctx.proposals.remove(id);
    } else {
        tokio::spawn(forget_when_closed(ctx.clone(), id, windows));
    }
}

/// Tells the person a proposal waits for them: a notification that opens its window.
pub(super) fn announce(
    ctx: &Ctx,
    center: &NotificationCenter,
    id: u64,
    (title, body): (String, String),
    open_label: String,
) {
    center.info(Notice {
        key: NoticeKey::Info(InfoKey::Confirm(id)),
        title,
        body,
        actions: Vec::new(),
        open_label: Some(open_label),
        without_buttons: None,
        reply: None,
        sound: ctx.core.config().notifications.sound,
        persistent: true,
        kind: NoticeKind::Decision,
        urgency: Urgency::Normal,
    });
}

/// The review and the response of a `danger` proposal, to show the person what was
/// asked (never to send).
async fn shown_anyway(
    ctx: &Ctx,
    message_id: &str,
    answer: &Answer,
) -> Option<(Arc<Message>, ValidResponse)> {
    let live = ctx.core.live_of_review(message_id)?;
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

/// How waiting for the person ended, short of a Confirm.
pub(super) struct Ended {
    pub(super) state: ProposalState,
    pub(super) outcome: Outcome,
    /// The window is gone (closed, or it never showed).
    pub(super) window_gone: bool,
}

/// Waits for the person's decision in the window (or the window's end, the review's
/// end, the lapse), then sends on Confirm. Also says whether the window is gone.
async fn confirm(
    ctx: &Ctx,
    center: &NotificationCenter,
    asked: Asked<'_>,
    decided: oneshot::Receiver<bool>,
    windows: &mut broadcast::Receiver<WindowEvent>,
) -> (Outcome, bool) {
    let Some(live) = ctx.core.live_of_review(&asked.message.id) else {
        return (outcome_of(CoreError::NotSignedIn), false);
    };
    let agent = live.inbox.agent_name(asked.message);
    let notice = text::proposal_notice(&agent, asked.message.first_line());
    announce(ctx, center, asked.id, notice, tr!("proposal-open"));
    let inbox = live.inbox.subscribe();
    let review = Some(asked.message.id.as_str());
    let ended = wait_for_person(asked.id, review, decided, windows, inbox).await;
    center.close(NoticeKey::Info(InfoKey::Confirm(asked.id)));
    if let Some(e) = ended {
        settle(ctx, asked.id, e.state, None);
        return (e.outcome, e.window_gone);
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
    let outcome = match sent {
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
    };
    (outcome, false)
}

/// Until the person confirms (`None`), or something else ends the proposal: Cancel,
/// the window closed or unable to show, the review (if it answers one) settled, the
/// lapse.
pub(super) async fn wait_for_person(
    id: u64,
    review: Option<&str>,
    mut decided: oneshot::Receiver<bool>,
    windows: &mut broadcast::Receiver<WindowEvent>,
    mut inbox: broadcast::Receiver<InboxChange>,
) -> Option<Ended> {
    let kind = WindowKind::Confirm { proposal: id };
    let ended = |state, outcome, window_gone| {
        Some(Ended {
            state,
            outcome,
            window_gone,
        })
    };
    let lapse = tokio::time::sleep(LAPSE);
    tokio::pin!(lapse);
    loop {
        tokio::select! {
            d = &mut decided => return match d {
                Ok(true) => None,
                _ => ended(ProposalState::Cancelled, Outcome::Cancelled, false),
            },
            e = windows.recv() => match e {
                Ok(WindowEvent::Closed(k)) if k == kind => {
                    return ended(ProposalState::Cancelled, Outcome::Cancelled, true)
                }
                Ok(WindowEvent::Failed(k, reason)) if k == kind => {
                    return ended(ProposalState::Cancelled, cannot_show(&reason), true)
                }
                Err(broadcast::error::RecvError::Closed) => {
                    return ended(ProposalState::Cancelled, cannot_show("no window host"), true)
                }
                _ => {}
            },
            c = inbox.recv() => if let Some(gone) = review.and_then(|r| overtaken(&c, r)) {
                return ended(ProposalState::Overtaken, gone, false);
            },
            () = &mut lapse => return ended(ProposalState::TimedOut, Outcome::TimedOut, false),
        }
    }
}

/// Records where a proposal stands and tells its window.
pub(super) fn settle(ctx: &Ctx, id: u64, state: ProposalState, detail: Option<String>) {
    ctx.proposals.set_state(id, state);
    ctx.windows.emit(UiEvent::ProposalState(ProposalStateEvent {
        id,
        state,
        detail,
    }));
}

/// Forgets a settled proposal once its window is gone (or a while after it settled).
/// `windows` was subscribed before the window was opened: no event is missed.
async fn forget_when_closed(ctx: Ctx, id: u64, mut windows: broadcast::Receiver<WindowEvent>) {
    let kind = WindowKind::Confirm { proposal: id };
    let _ = tokio::time::timeout(KEEP_SETTLED, async {
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
