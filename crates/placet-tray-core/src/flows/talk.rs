//! What the person does in an agent message's notification: text typed in place is the
//! person's message to that agent (decided and queued by
//! [`Core::reply`](crate::Core::reply)); the Reply button, or a click, opens the
//! conversation with the agent.

use super::info_notice;
use crate::app::ReplyVerdict;
use crate::decide::Source;
use crate::ipc::Ctx;
use crate::notify::{InfoKey, NotificationCenter, Response, REPLY_BUTTON};
use crate::text;
use crate::window::WindowKind;

/// Follows a response to the notification of the agent message `message_id`.
pub(super) async fn message_response(
    ctx: &Ctx,
    center: &NotificationCenter,
    message_id: &str,
    response: Response,
) {
    let Some(agent) = agent_of(ctx, message_id).await else {
        return ctx.windows.open(WindowKind::Inbox, None);
    };
    let conversation = || {
        ctx.windows.open(
            WindowKind::Conversation {
                agent: agent.clone(),
            },
            None,
        )
    };
    let typed = match response {
        Response::Replied(typed) => typed,
        Response::Action(a) if a == REPLY_BUTTON => return conversation(),
        Response::Activated => return conversation(),
        Response::Action(_) | Response::Dismissed => return,
    };
    match ctx
        .core
        .reply(&agent, &typed, Source::NotificationReply)
        .await
    {
        Ok(ReplyVerdict::Queued { .. }) => {}
        // Strict mode: the person writes in Placet Tray's own window.
        Ok(ReplyVerdict::OpenWindow { .. } | ReplyVerdict::Confirm { .. }) => conversation(),
        Err(e) => {
            tracing::warn!(error = %e, "a reply typed in a notification was not taken");
            let name = ctx
                .core
                .live_of_agent(&agent)
                .and_then(|l| l.inbox.agent(&agent))
                .map(|a| a.name)
                .unwrap_or_else(|| "An agent".to_owned());
            let (title, body) = text::reply_failed(&name, &e.to_string());
            center.info(info_notice(
                InfoKey::Delivery(message_id.to_owned()),
                &title,
                &body,
                false,
            ));
            conversation();
        }
    }
}

/// The agent (its id) that wrote the message `message_id`, as its server says (each
/// account's server asked in turn when there are several).
async fn agent_of(ctx: &Ctx, message_id: &str) -> Option<String> {
    for live in ctx.core.lives() {
        match live.rest.message(message_id).await {
            Ok(m) => return Some(m.channel_id),
            Err(e) => tracing::warn!(error = %e, "cannot look up the agent of a message"),
        }
    }
    None
}
