//! Read-only views of the inbox.

use std::sync::Arc;

use super::{Inbox, OAuthPrompt};
use crate::protocol::{Agent, Message};

impl Inbox {
    /// Pending reviews, newest first (including those with an answer being sent).
    pub fn pending(&self) -> Vec<Arc<Message>> {
        let st = self.lock();
        let mut v: Vec<Arc<Message>> = st.pending.values().map(|e| e.message.clone()).collect();
        v.sort_by(|a, b| {
            b.created_at
                .cmp(&a.created_at)
                .then_with(|| b.id.cmp(&a.id))
        });
        v
    }

    /// Pending reviews that still need the person: those without a queued answer.
    pub fn awaiting(&self) -> Vec<Arc<Message>> {
        let st = self.lock();
        let mut v: Vec<Arc<Message>> = st
            .pending
            .values()
            .filter(|e| e.sending.is_none())
            .map(|e| e.message.clone())
            .collect();
        v.sort_by(|a, b| {
            b.created_at
                .cmp(&a.created_at)
                .then_with(|| b.id.cmp(&a.id))
        });
        v
    }

    /// A pending review by message id.
    pub fn get(&self, message_id: &str) -> Option<Arc<Message>> {
        self.lock()
            .pending
            .get(message_id)
            .map(|e| e.message.clone())
    }

    /// True when an answer for this review is queued or being sent.
    pub fn is_sending(&self, message_id: &str) -> bool {
        self.lock()
            .pending
            .get(message_id)
            .is_some_and(|e| e.sending.is_some())
    }

    /// True when the review is known to be answered, expired or withdrawn.
    pub fn is_finished(&self, message_id: &str) -> bool {
        self.lock().finished.contains_key(message_id)
    }

    /// True when a pending review's `expiresAt` has passed but the server has not
    /// expired it yet: it can still be answered, and may be expired any moment.
    pub fn is_expiring(&self, message_id: &str) -> bool {
        self.lock()
            .pending
            .get(message_id)
            .is_some_and(|e| e.expiring)
    }

    /// The open OAuth prompts, oldest first.
    pub fn oauth_prompts(&self) -> Vec<OAuthPrompt> {
        let mut v: Vec<OAuthPrompt> = self.lock().oauth.values().cloned().collect();
        v.sort_by(|a, b| {
            a.started_at
                .cmp(&b.started_at)
                .then_with(|| a.state.cmp(&b.state))
        });
        v
    }

    /// One open OAuth prompt by its `state`.
    pub fn oauth_prompt(&self, state: &str) -> Option<OAuthPrompt> {
        self.lock().oauth.get(state).cloned()
    }

    /// The known agents, newest first as the server lists them.
    pub fn agents(&self) -> Vec<Agent> {
        self.lock().agents.clone()
    }

    /// One agent, with its last reported status (`status`, `statusMessage`,
    /// `statusSince`: what "busy since 14:00" is made of).
    pub fn agent(&self, agent_id: &str) -> Option<Agent> {
        self.lock()
            .agents
            .iter()
            .find(|a| a.id == agent_id)
            .cloned()
    }

    /// Streaming drafts the inbox waits on, as `(message id, channel id)`: after a
    /// reconnect their end may have been missed, so the session looks them up.
    pub fn open_drafts(&self) -> Vec<(String, String)> {
        self.lock()
            .drafts
            .iter()
            .map(|(id, d)| (id.clone(), d.channel_id.clone()))
            .collect()
    }

    /// True when the agent (channel) is in the agent list.
    pub fn knows_agent(&self, agent_id: &str) -> bool {
        self.lock().agents.iter().any(|a| a.id == agent_id)
    }

    /// The name to show for a message's agent.
    pub fn agent_name(&self, message: &Message) -> String {
        let st = self.lock();
        st.agents
            .iter()
            .find(|a| a.id == message.channel_id)
            .map(|a| a.name.clone())
            .or_else(|| message.agent_name.clone())
            .unwrap_or_else(|| "Agent".to_owned())
    }
}
