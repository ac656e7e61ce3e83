//! The door's requests: a second launch's "show yourself", a window to open, and
//! programs' proposed answers and messages (handed to [`super::proposals`] and
//! [`super::replies`]).

use tokio::sync::mpsc;

use super::outcome::outcome_name;
use super::proposals::propose;
use super::replies::propose_reply;
use crate::door::{Incoming, Reply, Request};
use crate::ipc::Ctx;
use crate::notify::NotificationCenter;
use crate::window::WindowKind;

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
                let kind = if ctx.core.is_signed_in() {
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
            Request::Snoozes => {
                let list = ctx.attention.snoozes().await;
                let _ = reply.send(Reply::Snoozes { list });
            }
            Request::Unsnooze { message_id } => {
                let count = ctx.attention.unsnooze(message_id.as_deref()).await;
                let _ = reply.send(Reply::Unsnoozed { count });
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
            Request::ProposeReply { agent, text } => {
                let (ctx, center) = (ctx.clone(), center.clone());
                tokio::spawn(async move {
                    let outcome = propose_reply(&ctx, &center, &agent, &text, peer).await;
                    tracing::info!(
                        outcome = outcome_name(&outcome),
                        "a program's proposed message"
                    );
                    let _ = reply.send(Reply::Proposed(outcome));
                });
            }
        }
    }
}
