//! Programs' proposed messages to agents (`placet-tray reply AGENT TEXT`): shown whole
//! in the confirmation window, sent only on the person's Confirm there, through the
//! outbox (with a `clientId`, never twice), as [`super::proposals`] does for answers.

use placet_client::protocol::Agent;

use super::outcome::{outcome_of, reply_delivered};
use super::proposals::{announce, keep_while_shown, settle, shown, wait_for_person};
use crate::app::{CoreError, ReplyVerdict};
use crate::decide::Source;
use crate::door::{Outcome, Peer};
use crate::ipc::views::ProposalState;
use crate::ipc::Ctx;
use crate::notify::{InfoKey, NoticeKey, NotificationCenter};
use crate::proposal::Proposed;
use crate::text;

/// A program's message to `agent` (its id or name): decided ([`Source::Proposal`]),
/// shown in its confirmation window, and sent only on the person's Confirm.
pub(super) async fn propose_reply(
    ctx: &Ctx,
    center: &NotificationCenter,
    agent: &str,
    text: &str,
    peer: Peer,
) -> Outcome {
    let (agent, text) = match ctx.core.reply(agent, text, Source::Proposal).await {
        Ok(ReplyVerdict::Confirm { agent, text }) => (agent, text),
        Ok(_) => {
            return Outcome::Failed {
                message: "a proposal was not taken for confirmation".to_owned(),
            }
        }
        Err(e) => return outcome_of(e),
    };
    let what = Proposed::Reply {
        agent: agent.clone(),
        text: text.clone(),
    };
    let (id, decided, mut windows) = match shown(ctx, what, peer) {
        Ok(shown) => shown,
        Err(refused) => return refused,
    };
    let Some(live) = ctx.core.live_of_agent(&agent.id) else {
        settle(ctx, id, ProposalState::Cancelled, None);
        return outcome_of(CoreError::NotSignedIn);
    };
    let notice = text::reply_proposal_notice(&agent.name, &text);
    announce(ctx, center, id, notice, tr!("reply-proposal-open"));
    let inbox = live.inbox.subscribe();
    let ended = wait_for_person(id, None, decided, &mut windows, inbox).await;
    center.close(NoticeKey::Info(InfoKey::Confirm(id)));
    if let Some(e) = ended {
        settle(ctx, id, e.state, None);
        keep_while_shown(ctx, id, e.window_gone, windows);
        return e.outcome;
    }
    let outcome = send_confirmed(ctx, id, &agent, &text).await;
    keep_while_shown(ctx, id, false, windows);
    outcome
}

/// The person confirmed: decided again (strict mode may have been turned on
/// meanwhile), queued, and followed until the server has it (or for a while).
async fn send_confirmed(ctx: &Ctx, id: u64, agent: &Agent, text: &str) -> Outcome {
    let Some(live) = ctx.core.live_of_agent(&agent.id) else {
        settle(ctx, id, ProposalState::Overtaken, None);
        return outcome_of(CoreError::NotSignedIn);
    };
    let mut deliveries = live.outbox.subscribe_replies();
    match ctx
        .core
        .reply(&agent.id, text, Source::ConfirmedProposal)
        .await
    {
        Ok(ReplyVerdict::Queued { client_id }) => {
            settle(ctx, id, ProposalState::Confirmed, None);
            reply_delivered(&mut deliveries, &client_id, &agent.name).await
        }
        Ok(_) => {
            settle(ctx, id, ProposalState::Overtaken, None);
            Outcome::Failed {
                message: "the confirmed message was not taken".to_owned(),
            }
        }
        Err(e) => {
            settle(ctx, id, ProposalState::Overtaken, Some(e.to_string()));
            outcome_of(e)
        }
    }
}
