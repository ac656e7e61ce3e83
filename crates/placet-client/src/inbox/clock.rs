//! What time changes in the inbox: reviews that become *expiring* at their `expiresAt`
//! (they stay pending; only the server expires a review), and OAuth prompts whose flow
//! can no longer complete.
//!
//! Nothing here reads the clock: the caller passes `now` ([`Inbox::tick`]) and sleeps
//! until [`Inbox::next_deadline`]; a running [`Session`](crate::Session) does both.

use chrono::{DateTime, Utc};

use super::{Inbox, InboxChange, OAuthOutcome};

impl Inbox {
    /// The earliest expiry among pending reviews without a queued answer.
    pub fn next_expiry(&self) -> Option<DateTime<Utc>> {
        self.lock()
            .pending
            .values()
            .filter(|e| e.sending.is_none())
            .filter_map(|e| e.message.review.as_ref().and_then(|r| r.expires_at))
            .min()
    }

    /// When [`Inbox::tick`] next has something to do: the earliest `expiresAt` of a
    /// review not yet expiring, or the end of an open OAuth prompt.
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        let st = self.lock();
        let reviews = st
            .pending
            .values()
            .filter(|e| !e.expiring)
            .filter_map(|e| e.message.review.as_ref().and_then(|r| r.expires_at));
        let prompts = st.oauth.values().map(|p| p.expires_at);
        reviews.chain(prompts).min()
    }

    /// Applies the passing of time up to `now`: a review whose `expiresAt` has passed
    /// becomes expiring ([`InboxChange::Updated`], once; it stays pending and
    /// answerable until the server expires it), and an OAuth prompt past its end is
    /// closed ([`InboxChange::OAuthEnded`] with [`OAuthOutcome::Expired`]).
    pub fn tick(&self, now: DateTime<Utc>) {
        let changes = {
            let mut st = self.lock();
            let mut changes = Vec::new();
            for e in st.pending.values_mut() {
                if !e.expiring && e.message.review.as_ref().is_some_and(|r| r.is_overdue(now)) {
                    e.expiring = true;
                    changes.push(InboxChange::Updated(e.message.clone()));
                }
            }
            let mut ended: Vec<String> = st
                .oauth
                .iter()
                .filter(|(_, p)| p.expires_at <= now)
                .map(|(state, _)| state.clone())
                .collect();
            ended.sort();
            for state in ended {
                st.oauth.remove(&state);
                changes.push(InboxChange::OAuthEnded {
                    state,
                    outcome: OAuthOutcome::Expired,
                });
            }
            changes
        };
        self.publish(changes);
    }
}
