//! The conversation window's commands: the latest messages with one agent, and the
//! person's message to it (decided and queued by [`Core::reply`]).

use serde::Deserialize;

use super::*;
use crate::app::ReplyVerdict;
use crate::ipc::views::{ChatMessageView, ConversationView};

/// How many of the latest messages the window shows.
const SHOWN: u32 = 40;

#[derive(Deserialize)]
pub(super) struct AgentArg {
    pub(super) agent: String,
}

#[derive(Deserialize)]
pub(super) struct SendArgs {
    pub(super) agent: String,
    pub(super) text: String,
}

/// A conversation window may only read and write to its own agent.
pub(super) fn own_agent(from: &WindowKind, agent: &str) -> Result<()> {
    match from {
        WindowKind::Conversation { agent: a } if a == agent => Ok(()),
        _ => Err(IpcError::not_allowed(
            "a conversation window may only read and write to its own agent",
        )),
    }
}

/// The agent, its status, and its latest messages, oldest first.
pub(super) async fn conversation_get(ctx: &Ctx, agent_id: &str) -> Result<ConversationView> {
    let live = live(&ctx.core)?;
    let agent = live
        .inbox
        .agent(agent_id)
        .ok_or_else(|| IpcError::new(ErrorCode::NotFound, "no such agent"))?;
    let page = live.rest.messages(&agent.id, SHOWN, None).await?;
    let mut messages: Vec<ChatMessageView> = page.data.iter().map(chat_message).collect();
    messages.reverse();
    let waiting = live
        .outbox
        .queued_replies()
        .map_err(CoreError::from)?
        .iter()
        .filter(|r| r.channel_id == agent.id)
        .count();
    Ok(ConversationView {
        agent_id: agent.id.clone(),
        agent_name: text::one_line(&agent.name, 80),
        status_text: text::agent_status(&agent),
        status_message: agent
            .status_message
            .as_deref()
            .map(|m| text::one_line(m, 200)),
        messages,
        waiting: u32::try_from(waiting).unwrap_or(u32::MAX),
        can_send: live.account.mode != AccountMode::ApiKey,
    })
}

/// One message as the window shows it: an agent's text rendered from markdown and
/// sanitised; the person's own text as text.
fn chat_message(m: &Message) -> ChatMessageView {
    let from_agent = m.sender_type != placet_client::protocol::SenderType::User;
    let raw = m.text.as_deref().unwrap_or("");
    ChatMessageView {
        id: m.id.clone(),
        from_agent,
        html: if from_agent {
            Some(markdown::render(raw))
        } else {
            None
        },
        text: (!from_agent).then(|| raw.to_owned()),
        has_review: m.review.is_some(),
        attachments: u32::try_from(m.attachments.len()).unwrap_or(u32::MAX),
        streaming: m.stream_state == Some(placet_client::protocol::StreamState::Streaming),
        created_at: m.created_at,
    }
}

/// The person's message, typed in the window: [`Source::ReviewWindow`] (the person's
/// own window). Returns its `clientId`.
pub(super) async fn conversation_send(ctx: &Ctx, a: SendArgs) -> Result<String> {
    match ctx
        .core
        .reply(&a.agent, &a.text, Source::ReviewWindow)
        .await?
    {
        ReplyVerdict::Queued { client_id } => Ok(client_id),
        ReplyVerdict::Confirm { .. } | ReplyVerdict::OpenWindow { .. } => Err(
            IpcError::not_allowed("this message cannot be sent from here"),
        ),
    }
}
