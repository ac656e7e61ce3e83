//! The conversation window's commands: the latest messages with one agent, and the
//! person's message to it (decided and queued by [`Core::reply`]).

use base64::Engine as _;
use serde::Deserialize;

use super::*;
use crate::app::ReplyVerdict;
use crate::ipc::views::{AttachedFileView, ChatMessageView, ConversationView};

/// How many of the latest messages the window shows.
const SHOWN: u32 = 40;
/// The largest file the window attaches (the bytes cross the window's line as base64).
pub const MAX_ATTACHED_BYTES: usize = 10 * 1024 * 1024;

#[derive(Deserialize)]
pub(super) struct AgentArg {
    pub(super) agent: String,
}

#[derive(Deserialize)]
pub(super) struct SendArgs {
    pub(super) agent: String,
    pub(super) text: String,
    /// Files attached with `conversation_attach`.
    #[serde(default)]
    pub(super) attachments: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct AttachArgs {
    pub(super) agent: String,
    pub(super) name: String,
    #[serde(default)]
    pub(super) mime_type: Option<String>,
    /// The file's bytes, base64.
    pub(super) data: String,
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
    let live = live_of_agent(&ctx.core, agent_id)?;
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
/// own window), with the files attached for it. Returns its `clientId`.
pub(super) async fn conversation_send(ctx: &Ctx, a: SendArgs) -> Result<String> {
    match ctx
        .core
        .reply_with(&a.agent, &a.text, &a.attachments, Source::ReviewWindow)
        .await?
    {
        ReplyVerdict::Queued { client_id } => Ok(client_id),
        ReplyVerdict::Confirm { .. } | ReplyVerdict::OpenWindow { .. } => Err(
            IpcError::not_allowed("this message cannot be sent from here"),
        ),
    }
}

/// A file the person picked or dropped, stored in the agent's channel
/// (`POST /api/files/store`) to go with their next message. Its name is cut to its last
/// path component; a type that does not look like a MIME type is sent as bytes.
pub(super) async fn conversation_attach(ctx: &Ctx, a: AttachArgs) -> Result<AttachedFileView> {
    let live = live_of_agent(&ctx.core, &a.agent)?;
    if live.account.mode == AccountMode::ApiKey {
        return Err(CoreError::from(crate::decide::Refusal::WatchOnlyMessages).into());
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(a.data.as_bytes())
        .map_err(|e| IpcError::new(ErrorCode::BadInput, format!("the file's bytes: {e}")))?;
    if bytes.len() > MAX_ATTACHED_BYTES {
        return Err(IpcError::new(
            ErrorCode::BadInput,
            format!(
                "the file is too large ({} MiB; at most {} MiB)",
                bytes.len() / (1024 * 1024),
                MAX_ATTACHED_BYTES / (1024 * 1024)
            ),
        ));
    }
    let name = file_name(&a.name);
    let mime = a
        .mime_type
        .filter(|m| {
            m.len() < 128
                && m.split_once('/')
                    .is_some_and(|(t, s)| !t.is_empty() && !s.is_empty())
                && m.bytes().all(|b| b.is_ascii_graphic())
        })
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    let id = live.rest.store_file(&a.agent, &name, &mime, &bytes).await?;
    Ok(AttachedFileView {
        id,
        name,
        size: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
    })
}

/// A file's name as it is stored: its last path component, on one line, not empty.
fn file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean = text::one_line(last, 200);
    if clean.is_empty() || clean == "." || clean == ".." {
        "file".to_owned()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn file_names_lose_their_folders() {
        assert_eq!(file_name("/home/me/notes.txt"), "notes.txt");
        assert_eq!(file_name("C:\\Users\\me\\plan.pdf"), "plan.pdf");
        assert_eq!(file_name("../.."), "file");
        assert_eq!(file_name(""), "file");
        assert_eq!(file_name("a\nb.txt"), "a b.txt");
    }
}
