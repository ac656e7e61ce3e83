//! The pending reviews, kept true by server events and REST snapshots.
//!
//! Both feeds are idempotent: a review never appears twice, and a review that was
//! answered, expired or withdrawn never comes back, whichever order the event and the
//! snapshot arrive in. Every change is published on a broadcast channel the app
//! subscribes to.
//!
//! A review the agent deletes vanishes without an event (upstream emits none). A
//! snapshot that lacks a review the inbox holds cannot tell why, so
//! [`Inbox::apply_snapshot`] returns those ids and the caller asks the server about each
//! (`GET /api/messages/:id`) and reports the answer with [`Inbox::settle_unlisted`]:
//! gone means withdrawn, otherwise answered elsewhere, expired, or still pending.
//!
//! Streamed agent messages are drafts until their final text: a draft is never
//! announced, the final message is announced once ([`InboxChange::AgentMessage`]), and an
//! aborted one is never shown.
//!
//! Expiry follows the server. Its job marks overdue reviews expired once a minute, and
//! until then it still takes answers to them; so a review past its `expiresAt` stays
//! pending and answerable here too, shown as *expiring* ([`Inbox::is_expiring`], with an
//! [`InboxChange::Updated`] when it crosses the time), until the server says
//! `review:expired`, a snapshot no longer lists it, or an answer is refused.
//!
//! OAuth prompts (an agent asks the person to sign in somewhere) are kept by `state`
//! until the flow ends: by its code, its error, or its time running out
//! ([`oauth`] vets their links).

mod answers;
mod clock;
pub mod oauth;
mod queries;
mod state;

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::Utc;
use serde_json::Value;
use tokio::sync::broadcast;

use crate::protocol::{Agent, AgentStatusEvent, DeliveryStatus, Message, ServerEvent};
pub use oauth::{OAuthOutcome, OAuthPrompt};
use state::State;

/// Who answered a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnsweredBy {
    /// This client (its answer was confirmed by the server).
    Here,
    /// Another client, the web UI, or a different answer than the one we queued.
    Elsewhere,
}

/// A change to the inbox.
#[derive(Debug, Clone, PartialEq)]
pub enum InboxChange {
    /// A review is pending that was not before.
    Added(Arc<Message>),
    /// A pending review's message changed (text, attachments, delivery), or its
    /// `expiresAt` passed and it is now expiring ([`Inbox::is_expiring`]).
    Updated(Arc<Message>),
    /// A review was answered.
    Answered {
        message_id: String,
        by: AnsweredBy,
        /// The response the server stored, when known.
        response: Option<Value>,
    },
    /// A review expired.
    Expired { message_id: String },
    /// The agent deleted a pending review: it is gone without an answer.
    Withdrawn { message_id: String },
    /// An agent message without a review (for "notify every message"): once per
    /// message, with its final text; never for a streaming draft or an aborted stream.
    AgentMessage(Arc<Message>),
    /// An agent's streaming draft began, grew or was aborted (for a conversation that
    /// shows it as it is written); its final text comes as
    /// [`InboxChange::AgentMessage`].
    Draft {
        message_id: String,
        channel_id: String,
    },
    /// An answer for this review is queued or being sent.
    Sending { message_id: String },
    /// Sending was abandoned; the review is pending again (if it still exists).
    SendingCancelled { message_id: String },
    /// Delivery status of a message changed.
    Delivery {
        message_id: String,
        status: DeliveryStatus,
    },
    /// An agent reported its status.
    AgentStatus(AgentStatusEvent),
    /// The agent list changed.
    AgentsChanged,
    /// A snapshot from the server was applied.
    Synced { pending: usize },
    /// An agent asks the person to sign in somewhere (the OAuth relay).
    OAuthStarted(OAuthPrompt),
    /// An OAuth prompt is closed: the flow completed, failed, or ran out of time.
    OAuthEnded {
        state: String,
        outcome: OAuthOutcome,
    },
}

/// Returned by [`Inbox::begin_sync`]; marks what the inbox knew before a snapshot was
/// requested, so reviews that arrive by event meanwhile are not removed by it.
#[derive(Debug, Clone, Copy)]
pub struct SyncMark(u64);

/// What a snapshot changed.
#[derive(Debug, Clone, Default)]
pub(crate) struct SnapshotReport {
    /// Held reviews the snapshot lacks: to look up.
    pub(crate) unlisted: Vec<String>,
    /// Reviews (and final drafts) it brought that no event had.
    pub(crate) added: usize,
}

impl SnapshotReport {
    /// Nothing the events had missed.
    pub(crate) fn is_quiet(&self) -> bool {
        self.unlisted.is_empty() && self.added == 0
    }
}

/// What the server says about a review that a snapshot no longer listed.
#[derive(Debug, Clone, PartialEq)]
pub enum Unlisted {
    /// `GET /api/messages/:id` answered 404 (or the message has no review any more):
    /// the agent deleted it.
    Withdrawn,
    /// The message as the server has it now: answered, expired, or still pending.
    Found(Box<Message>),
}

/// The inbox. Cheap to clone; clones share state.
#[derive(Debug, Clone)]
pub struct Inbox {
    state: Arc<Mutex<State>>,
    changes: broadcast::Sender<InboxChange>,
}

impl Default for Inbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Inbox {
    /// An empty inbox.
    pub fn new() -> Self {
        let (changes, _) = broadcast::channel(1024);
        Self {
            state: Arc::new(Mutex::new(State::default())),
            changes,
        }
    }

    /// Subscribes to changes. A receiver that lags is told so by the channel; it should
    /// then re-read [`Inbox::pending`].
    pub fn subscribe(&self) -> broadcast::Receiver<InboxChange> {
        self.changes.subscribe()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the maps half-updated in a way
        // that matters more than losing the inbox; keep serving.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn publish(&self, changes: Vec<InboxChange>) {
        for c in changes {
            // No subscriber is not an error.
            let _ = self.changes.send(c);
        }
    }

    /// Applies one server event.
    pub fn apply(&self, event: &ServerEvent) {
        let changes = {
            let mut st = self.lock();
            let now = Utc::now();
            st.prune(now);
            match event {
                ServerEvent::MessageCreated(m) => st.offer(m, now).into_iter().collect(),
                ServerEvent::MessageUpdated(m) => st.offer(m, now).into_iter().collect(),
                ServerEvent::ReviewResponded(m) => {
                    let response = m.review.as_ref().and_then(|r| r.response.clone());
                    st.finish_answered(&m.id, response, now)
                        .into_iter()
                        .collect()
                }
                ServerEvent::ReviewExpired { message_id } => {
                    st.finish_expired(message_id, now).into_iter().collect()
                }
                ServerEvent::MessageDelivery {
                    message_id,
                    delivery_status,
                } => vec![InboxChange::Delivery {
                    message_id: message_id.clone(),
                    status: *delivery_status,
                }],
                ServerEvent::AgentStatus(s) => {
                    if let Some(a) = st.agents.iter_mut().find(|a| a.id == s.agent_id) {
                        a.status = s.status;
                        a.status_message = s.status_message.clone();
                        a.status_since = s.status_since;
                        // The server stamps `lastActiveAt` on every ping it reports.
                        a.last_active_at = Some(now);
                    }
                    vec![InboxChange::AgentStatus(s.clone())]
                }
                ServerEvent::OAuthStart(_)
                | ServerEvent::OAuthCode { .. }
                | ServerEvent::OAuthError(_) => oauth::on_event(&mut st.oauth, event, now)
                    .into_iter()
                    .collect(),
                ServerEvent::Pong => Vec::new(),
            }
        };
        if let ServerEvent::MessageCreated(m) = event {
            crate::latency::mark("inbox", || m.id.clone());
        }
        self.publish(changes);
    }

    /// Replaces the agent list. An agent already known whose status changed in the new
    /// list is also published as [`InboxChange::AgentStatus`], as if it had reported it:
    /// a watch-only (API key) connection hears no `agent:status`, and learns statuses
    /// only from the list.
    pub fn set_agents(&self, agents: Vec<Agent>) {
        let changes = {
            let mut st = self.lock();
            if st.agents == agents {
                return;
            }
            let mut changes = vec![InboxChange::AgentsChanged];
            for a in &agents {
                let Some(old) = st.agents.iter().find(|o| o.id == a.id) else {
                    continue;
                };
                if (old.status, &old.status_message, old.status_since)
                    != (a.status, &a.status_message, a.status_since)
                {
                    changes.push(InboxChange::AgentStatus(AgentStatusEvent {
                        agent_id: a.id.clone(),
                        status: a.status,
                        status_message: a.status_message.clone(),
                        status_since: a.status_since,
                    }));
                }
            }
            st.agents = agents;
            changes
        };
        self.publish(changes);
    }

    /// Marks the start of a re-sync: call before requesting the snapshot.
    pub fn begin_sync(&self) -> SyncMark {
        SyncMark(self.lock().seq)
    }

    /// Reconciles with the server's list of pending reviews, fetched after `mark`.
    ///
    /// Returns the reviews the inbox holds that the list lacks (and that did not arrive
    /// after `mark`, and have no queued answer, which the outbox settles): their fate is
    /// unknown until the server is asked, see [`Inbox::settle_unlisted`]. They stay
    /// pending meanwhile.
    #[must_use = "unlisted reviews must be looked up and settled"]
    pub fn apply_snapshot(&self, mark: SyncMark, pending: Vec<Message>) -> Vec<String> {
        self.apply_snapshot_report(mark, pending).unlisted
    }

    /// [`Inbox::apply_snapshot`], also telling whether the snapshot brought anything the
    /// events had not (a session polls less often while its snapshots are quiet).
    pub(crate) fn apply_snapshot_report(
        &self,
        mark: SyncMark,
        pending: Vec<Message>,
    ) -> SnapshotReport {
        let (changes, unlisted) = {
            let mut st = self.lock();
            let now = Utc::now();
            st.prune(now);
            let mut changes = Vec::new();
            let listed: HashSet<String> = pending.iter().map(|m| m.id.clone()).collect();
            for m in &pending {
                if st.wants_from_snapshot(m) {
                    changes.extend(st.offer(m, now));
                }
            }
            let mut unlisted: Vec<String> = st
                .pending
                .iter()
                .filter(|(id, e)| !listed.contains(*id) && e.seq <= mark.0 && e.sending.is_none())
                .map(|(id, _)| id.clone())
                .collect();
            unlisted.sort();
            changes.push(InboxChange::Synced {
                pending: st.pending.len(),
            });
            (changes, unlisted)
        };
        let added = changes
            .iter()
            .filter(|c| matches!(c, InboxChange::Added(_) | InboxChange::AgentMessage(_)))
            .count();
        self.publish(changes);
        SnapshotReport { unlisted, added }
    }

    /// Settles a review that a snapshot no longer listed, with what the server said
    /// about it: withdrawn by its agent, answered (by someone else, unless the answer is
    /// the one we queued meanwhile), expired, or still pending (kept, updated).
    pub fn settle_unlisted(&self, message_id: &str, fate: Unlisted) {
        let change = {
            let mut st = self.lock();
            let now = Utc::now();
            match fate {
                Unlisted::Withdrawn => st.finish_withdrawn(message_id, now),
                Unlisted::Found(m) if m.id == message_id => match &m.review {
                    None => st.finish_withdrawn(message_id, now),
                    Some(_) => st.offer(&m, now),
                },
                Unlisted::Found(m) => {
                    tracing::warn!(asked = message_id, got = %m.id, "lookup returned another message; ignored");
                    None
                }
            }
        };
        self.publish(change.into_iter().collect());
    }

    /// Settles a streaming draft whose end may have been missed while disconnected:
    /// `Some(message)` as the server has it now, `None` when it is gone.
    pub fn settle_draft(&self, message_id: &str, found: Option<Message>) {
        let change = {
            let mut st = self.lock();
            match found {
                Some(m) if m.id == message_id => st.offer(&m, Utc::now()),
                _ => {
                    st.drafts.remove(message_id);
                    None
                }
            }
        };
        self.publish(change.into_iter().collect());
    }
}
