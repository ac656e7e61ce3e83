//! What the outbox tells the inbox about the person's answers: queued, dropped,
//! confirmed, refused.

use serde_json::Value;

use super::{Inbox, InboxChange};
use crate::answer::ValidResponse;

impl Inbox {
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
            st.finish_answered(message_id, Some(response.to_value()), chrono::Utc::now())
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
            st.finish_answered(message_id, response, chrono::Utc::now())
        };
        self.publish(changes.into_iter().collect());
    }

    /// The review was withdrawn by its agent (found out when our answer met a 404).
    pub fn mark_withdrawn(&self, message_id: &str) {
        let changes = {
            let mut st = self.lock();
            st.finish_withdrawn(message_id, chrono::Utc::now())
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
            st.finish_expired(message_id, chrono::Utc::now())
        };
        self.publish(changes.into_iter().collect());
    }
}
