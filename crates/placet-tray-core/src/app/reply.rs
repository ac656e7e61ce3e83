//! Talking back: every message the person sends an agent goes through [`Core::reply`],
//! which asks [`decide_reply`] and acts on the verdict as [`Core::answer`] does for
//! answers: queue it in the outbox (sent with a `clientId`, never twice), hand it back
//! for the person's confirmation, or say to open the reply window.

use std::sync::Arc;

use placet_client::outbox::{NewReply, ReplySource};
use placet_client::protocol::Agent;

use super::{Core, CoreError, Live};
use crate::config::AccountMode;
use crate::decide::{decide_reply, Decision, Source};

/// Longest message accepted, in characters (a chat message, not a file).
pub const MAX_REPLY_CHARS: usize = 20_000;
/// Most files one message carries.
pub const MAX_REPLY_FILES: usize = 10;

/// What became of a reply the rules did not refuse.
#[derive(Debug, Clone)]
pub enum ReplyVerdict {
    /// Queued in the outbox under this `clientId`; it is being sent.
    Queued { client_id: String },
    /// A program's proposal: show it to the person whole, send it only on their
    /// Confirm (as [`Source::ConfirmedProposal`]).
    Confirm { agent: Agent, text: String },
    /// Nothing sent: the reply window is where the person writes this.
    OpenWindow { agent: Agent },
}

/// Why a reply cannot be taken at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    #[error("the message is empty")]
    Empty,
    #[error("a message carries at most {MAX_REPLY_FILES} files")]
    TooManyFiles,
    #[error("the message is too long ({0} characters; at most {MAX_REPLY_CHARS})")]
    TooLong(usize),
    #[error("no agent is called or has the id `{0}`")]
    NoSuchAgent(String),
    #[error("several agents are called `{name}`: name one by its id ({ids})")]
    Ambiguous { name: String, ids: String },
}

impl Core {
    /// Decides about the message `text` to `agent` (its id or its name) from `source`
    /// ([`decide_reply`]), then queues it, hands it back for confirmation, or says to
    /// open the reply window.
    pub async fn reply(
        &self,
        agent: &str,
        text: &str,
        source: Source,
    ) -> Result<ReplyVerdict, CoreError> {
        self.reply_with(agent, text, &[], source).await
    }

    /// As [`Core::reply`], with files already stored in the agent's channel
    /// (`attachment_ids`); the text may then be empty.
    pub async fn reply_with(
        &self,
        agent: &str,
        text: &str,
        attachment_ids: &[String],
        source: Source,
    ) -> Result<ReplyVerdict, CoreError> {
        let lives = self.lives();
        if lives.is_empty() {
            return Err(CoreError::NotSignedIn);
        }
        let (live, agent) = find_agent_in(&lives, agent)?;
        let watch_only = live.account.mode == AccountMode::ApiKey;
        let decision = decide_reply(source, watch_only, self.config().answer_only_in_windows);
        if let Decision::Refuse(r) = decision {
            return Err(r.into());
        }
        if decision == Decision::OpenWindow {
            return Ok(ReplyVerdict::OpenWindow { agent });
        }
        let text = checked_text(text, attachment_ids.len())?;
        tracing::debug!(agent = %agent.id, ?source, ?decision, "reply decided");
        match decision {
            Decision::Confirm => Ok(ReplyVerdict::Confirm { agent, text }),
            _ => {
                let client_id = live.outbox.enqueue_reply(&NewReply {
                    channel_id: &agent.id,
                    text: &text,
                    attachment_ids,
                    source: reply_source(source),
                })?;
                Ok(ReplyVerdict::Queued { client_id })
            }
        }
    }
}

/// The text as it is sent: trimmed, not too long, not empty unless files go with it.
fn checked_text(text: &str, files: usize) -> Result<String, ReplyError> {
    let text = text.trim();
    let chars = text.chars().count();
    if files > MAX_REPLY_FILES {
        return Err(ReplyError::TooManyFiles);
    }
    if chars == 0 && files == 0 {
        return Err(ReplyError::Empty);
    }
    if chars > MAX_REPLY_CHARS {
        return Err(ReplyError::TooLong(chars));
    }
    Ok(text.to_owned())
}

/// The agent with this id, or else the one agent with this name (case-insensitive),
/// among the agents of every live account; with the account it belongs to.
fn find_agent_in(lives: &[Arc<Live>], wanted: &str) -> Result<(Arc<Live>, Agent), ReplyError> {
    for live in lives {
        if let Some(a) = live.inbox.agent(wanted) {
            return Ok((live.clone(), a));
        }
    }
    let named: Vec<(Arc<Live>, Agent)> = lives
        .iter()
        .flat_map(|live| {
            live.inbox
                .agents()
                .into_iter()
                .filter(|a| a.name.trim().eq_ignore_ascii_case(wanted.trim()))
                .map(|a| (live.clone(), a))
        })
        .collect();
    match named.len() {
        0 => Err(ReplyError::NoSuchAgent(wanted.to_owned())),
        1 => Ok(named.into_iter().next().expect("one")),
        _ => Err(ReplyError::Ambiguous {
            name: wanted.to_owned(),
            ids: named
                .iter()
                .map(|(_, a)| a.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// How the outbox names a source.
fn reply_source(source: Source) -> ReplySource {
    match source {
        Source::NotificationReply => ReplySource::NotificationReply,
        Source::Proposal | Source::ConfirmedProposal => ReplySource::CliConfirmedByClick,
        Source::ReviewWindow | Source::Inbox | Source::NotificationButton => {
            ReplySource::ReplyWindow
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(checked_text("  hi \n", 0), Ok("hi".to_owned()));
        assert_eq!(checked_text(" \n\t", 0), Err(ReplyError::Empty));
        assert_eq!(checked_text(" ", 1), Ok(String::new()), "a file alone");
        assert_eq!(
            checked_text("x", MAX_REPLY_FILES + 1),
            Err(ReplyError::TooManyFiles)
        );
        let long = "x".repeat(MAX_REPLY_CHARS + 1);
        assert_eq!(
            checked_text(&long, 0),
            Err(ReplyError::TooLong(MAX_REPLY_CHARS + 1))
        );
        assert!(
            checked_text(&"é".repeat(MAX_REPLY_CHARS), 0).is_ok(),
            "characters, not bytes"
        );
    }
}
