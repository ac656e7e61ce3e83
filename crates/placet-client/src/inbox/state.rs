//! The bookkeeping behind [`super::Inbox`]: what is pending, what is finished for good,
//! which streamed messages are still drafts, and which agent messages were announced.
//! Every method returns the changes to publish; nothing here publishes or locks.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use serde_json::Value;

use super::oauth::OAuthPrompt;
use super::{AnsweredBy, InboxChange};
use crate::protocol::{Agent, Message, ReviewStatus, SenderType, StreamState};

#[derive(Debug)]
pub(super) struct Entry {
    pub(super) message: Arc<Message>,
    pub(super) seq: u64,
    /// The response queued for this review, if the person already answered.
    pub(super) sending: Option<Value>,
    /// Its `expiresAt` has passed, but the server has not expired it yet: it stays
    /// answerable until the server's job (each minute) says `review:expired`.
    pub(super) expiring: bool,
}

#[derive(Debug, Default)]
pub(super) struct State {
    pub(super) pending: HashMap<String, Entry>,
    /// Reviews that are finished (answered, expired or withdrawn), with when we learned
    /// it: a tombstone, so no stale event or snapshot brings them back.
    pub(super) finished: HashMap<String, DateTime<Utc>>,
    /// Streamed agent messages (without a review) seen as drafts, not yet final.
    pub(super) drafts: HashMap<String, Draft>,
    /// Agent messages (without a review) already announced, or aborted: each is
    /// announced at most once.
    pub(super) announced: HashMap<String, DateTime<Utc>>,
    pub(super) agents: Vec<Agent>,
    /// Open OAuth prompts by `state`.
    pub(super) oauth: HashMap<String, OAuthPrompt>,
    pub(super) seq: u64,
    pub(super) last_prune: Option<DateTime<Utc>>,
}

/// A streaming draft we know of.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    pub(super) channel_id: String,
    pub(super) seen: DateTime<Utc>,
}

/// How long a finished review is remembered. The longest review lives 36 h, so a
/// snapshot can never be older than that and still show it pending.
const REMEMBER_FINISHED_HOURS: i64 = 48;

/// How long a draft is waited for. The server aborts drafts older than five minutes; a
/// draft whose end we missed is forgotten after this.
const REMEMBER_DRAFT_MINUTES: i64 = 15;

impl State {
    /// Takes in a message from an event or a snapshot.
    pub(super) fn offer(&mut self, m: &Message, now: DateTime<Utc>) -> Option<InboxChange> {
        let Some(review) = &m.review else {
            return self.offer_plain(m, now);
        };
        match review.status {
            ReviewStatus::Pending => {}
            ReviewStatus::Completed => {
                return self.finish_answered(&m.id, review.response.clone(), now);
            }
            ReviewStatus::Expired | ReviewStatus::Other => return self.finish_expired(&m.id, now),
        }
        if self.finished.contains_key(&m.id) {
            return None;
        }
        if let Some(e) = self.pending.get_mut(&m.id) {
            // Keep `agentName` from the event when a REST snapshot lacks it.
            let mut updated = m.clone();
            if updated.agent_name.is_none() {
                updated.agent_name = e.message.agent_name.clone();
            }
            if *e.message == updated {
                return None;
            }
            e.expiring = e.expiring || review.is_overdue(now);
            e.message = Arc::new(updated);
            return Some(InboxChange::Updated(e.message.clone()));
        }
        self.seq += 1;
        let message = Arc::new(m.clone());
        self.pending.insert(
            m.id.clone(),
            Entry {
                message: message.clone(),
                seq: self.seq,
                sending: None,
                expiring: review.is_overdue(now),
            },
        );
        Some(InboxChange::Added(message))
    }

    /// An agent message without a review: announced once, with its final text. A
    /// streaming draft waits; an aborted one is never shown.
    fn offer_plain(&mut self, m: &Message, now: DateTime<Utc>) -> Option<InboxChange> {
        if m.sender_type != SenderType::Agent || self.announced.contains_key(&m.id) {
            return None;
        }
        match m.stream_state {
            Some(StreamState::Streaming) => {
                self.drafts.entry(m.id.clone()).or_insert_with(|| Draft {
                    channel_id: m.channel_id.clone(),
                    seen: now,
                });
                Some(InboxChange::Draft {
                    message_id: m.id.clone(),
                    channel_id: m.channel_id.clone(),
                })
            }
            Some(StreamState::Aborted) => {
                let was_open = self.drafts.remove(&m.id).is_some();
                self.announced.insert(m.id.clone(), now);
                was_open.then(|| InboxChange::Draft {
                    message_id: m.id.clone(),
                    channel_id: m.channel_id.clone(),
                })
            }
            _ => {
                self.drafts.remove(&m.id);
                self.announced.insert(m.id.clone(), now);
                Some(InboxChange::AgentMessage(Arc::new(m.clone())))
            }
        }
    }

    /// True when a snapshot's entry should be taken in: a pending review, or the final
    /// state of a draft we are waiting for.
    pub(super) fn wants_from_snapshot(&self, m: &Message) -> bool {
        match &m.review {
            Some(_) => m.is_pending_review(),
            None => self.drafts.contains_key(&m.id),
        }
    }

    pub(super) fn finish_answered(
        &mut self,
        id: &str,
        response: Option<Value>,
        now: DateTime<Utc>,
    ) -> Option<InboxChange> {
        let first_time = self.finished.insert(id.to_owned(), now).is_none();
        let entry = self.pending.remove(id);
        if !first_time && entry.is_none() {
            return None;
        }
        let by = match (&entry, &response) {
            (
                Some(Entry {
                    sending: Some(ours),
                    ..
                }),
                Some(stored),
            ) if ours == stored => AnsweredBy::Here,
            (
                Some(Entry {
                    sending: Some(_), ..
                }),
                None,
            ) => AnsweredBy::Here,
            _ => AnsweredBy::Elsewhere,
        };
        // Only a review we showed is worth telling about.
        entry.map(|_| InboxChange::Answered {
            message_id: id.to_owned(),
            by,
            response,
        })
    }

    pub(super) fn finish_expired(&mut self, id: &str, now: DateTime<Utc>) -> Option<InboxChange> {
        self.finished.entry(id.to_owned()).or_insert(now);
        self.pending.remove(id).map(|_| InboxChange::Expired {
            message_id: id.to_owned(),
        })
    }

    pub(super) fn finish_withdrawn(&mut self, id: &str, now: DateTime<Utc>) -> Option<InboxChange> {
        self.finished.entry(id.to_owned()).or_insert(now);
        self.pending.remove(id).map(|_| InboxChange::Withdrawn {
            message_id: id.to_owned(),
        })
    }

    pub(super) fn prune(&mut self, now: DateTime<Utc>) {
        if self
            .last_prune
            .is_some_and(|t| now - t < ChronoDuration::minutes(1))
        {
            return;
        }
        self.last_prune = Some(now);
        let horizon = now - ChronoDuration::hours(REMEMBER_FINISHED_HOURS);
        self.finished.retain(|_, t| *t > horizon);
        self.announced.retain(|_, t| *t > horizon);
        let draft_horizon = now - ChronoDuration::minutes(REMEMBER_DRAFT_MINUTES);
        self.drafts.retain(|_, d| d.seen > draft_horizon);
    }
}
