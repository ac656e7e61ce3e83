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

mod state;

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio::sync::broadcast;

use crate::answer::ValidResponse;
use crate::protocol::{Agent, AgentStatusEvent, DeliveryStatus, Message, ServerEvent};
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
    /// A pending review's message changed (text, attachments, delivery).
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
}

/// Returned by [`Inbox::begin_sync`]; marks what the inbox knew before a snapshot was
/// requested, so reviews that arrive by event meanwhile are not removed by it.
#[derive(Debug, Clone, Copy)]
pub struct SyncMark(u64);

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

    // ---- queries -------------------------------------------------------------------------

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

    /// The earliest expiry among pending reviews without a queued answer.
    pub fn next_expiry(&self) -> Option<DateTime<Utc>> {
        self.lock()
            .pending
            .values()
            .filter(|e| e.sending.is_none())
            .filter_map(|e| e.message.review.as_ref().and_then(|r| r.expires_at))
            .min()
    }

    // ---- feeds ---------------------------------------------------------------------------

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
                ServerEvent::Pong => Vec::new(),
            }
        };
        self.publish(changes);
    }

    /// Replaces the agent list.
    pub fn set_agents(&self, agents: Vec<Agent>) {
        let changed = {
            let mut st = self.lock();
            let changed = st.agents != agents;
            st.agents = agents;
            changed
        };
        if changed {
            self.publish(vec![InboxChange::AgentsChanged]);
        }
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
        self.publish(changes);
        unlisted
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

    /// Expires, locally, reviews whose `expiresAt` has passed (the server's job runs only
    /// once a minute, and expiry by long poll sends no event at all).
    pub fn expire_overdue(&self, now: DateTime<Utc>) {
        let changes = {
            let mut st = self.lock();
            let overdue: Vec<String> = st
                .pending
                .iter()
                .filter(|(_, e)| e.sending.is_none())
                .filter(|(_, e)| e.message.review.as_ref().is_some_and(|r| r.is_overdue(now)))
                .map(|(id, _)| id.clone())
                .collect();
            overdue
                .into_iter()
                .filter_map(|id| st.finish_expired(&id, now))
                .collect()
        };
        self.publish(changes);
    }

    // ---- answers -------------------------------------------------------------------------

    /// Records that the person answered and the answer is queued: the review no longer
    /// needs them, and a `review:responded` carrying this response counts as ours.
    pub fn mark_sending(&self, message_id: &str, response: &ValidResponse) {
        let changed = {
            let mut st = self.lock();
            match st.pending.get_mut(message_id) {
                Some(e) if e.sending.is_none() => {
                    e.sending = Some(response.to_value());
                    true
                }
                Some(e) => {
                    e.sending = Some(response.to_value());
                    false
                }
                None => false,
            }
        };
        if changed {
            self.publish(vec![InboxChange::Sending {
                message_id: message_id.to_owned(),
            }]);
        }
    }

    /// The queued answer was dropped (it failed for good and the review is still open).
    pub fn cancel_sending(&self, message_id: &str) {
        let changed = {
            let mut st = self.lock();
            st.pending
                .get_mut(message_id)
                .map(|e| e.sending.take().is_some())
                .unwrap_or(false)
        };
        if changed {
            self.publish(vec![InboxChange::SendingCancelled {
                message_id: message_id.to_owned(),
            }]);
        }
    }

    /// The server confirmed our answer.
    pub fn mark_answered_here(&self, message_id: &str, response: &ValidResponse) {
        let changes = {
            let mut st = self.lock();
            if let Some(e) = st.pending.get_mut(message_id) {
                e.sending = Some(response.to_value());
            }
            st.finish_answered(message_id, Some(response.to_value()), Utc::now())
        };
        self.publish(changes.into_iter().collect());
    }

    /// The review was answered by someone else (found out when our answer was refused).
    pub fn mark_answered_elsewhere(&self, message_id: &str, response: Option<Value>) {
        let changes = {
            let mut st = self.lock();
            if let Some(e) = st.pending.get_mut(message_id) {
                e.sending = None;
            }
            st.finish_answered(message_id, response, Utc::now())
        };
        self.publish(changes.into_iter().collect());
    }

    /// The review was withdrawn by its agent (found out when our answer met a 404).
    pub fn mark_withdrawn(&self, message_id: &str) {
        let changes = {
            let mut st = self.lock();
            st.finish_withdrawn(message_id, Utc::now())
        };
        self.publish(changes.into_iter().collect());
    }

    /// The review expired (found out when our answer was refused).
    pub fn mark_expired(&self, message_id: &str) {
        let changes = {
            let mut st = self.lock();
            if let Some(e) = st.pending.get_mut(message_id) {
                e.sending = None;
            }
            st.finish_expired(message_id, Utc::now())
        };
        self.publish(changes.into_iter().collect());
    }
}
