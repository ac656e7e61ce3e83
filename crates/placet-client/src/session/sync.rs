//! When the session re-syncs over REST, and what each re-sync costs.
//!
//! Placet throttles every route at 100 requests per 60 s per client address, login
//! included, and behind a proxy every client has the proxy's address: the trays and
//! browsers of a whole team share one budget per route. So the session asks for as
//! little as correctness needs, and less while the socket shows it is healthy:
//!
//! | when | requests (user sign-in) |
//! |---|---|
//! | each connect | ws-ticket, agents, pending (3), then one pending re-sync 1 s later (1): 4 |
//! | while connected | pending after 45 s, then 90 s, 180 s, and every 5 min while the socket is healthy (pongs arrive) and snapshots bring nothing the events missed; back to 45 s after one that did |
//! | after a 429 | the request waits for `Retry-After`; the pending interval doubles (up to 15 min) and stays up for the connection |
//! | agent list | with a pending re-sync every 15 min (renamed or deleted agents; new ones are adopted when they speak) |
//! | a review missing from a snapshot | one `GET /api/messages/:id` each, at most 10 per re-sync |
//! | a draft open across a reconnect | one `GET /api/messages/:id` each, at most 5 |
//! | a message or status from an agent not yet listed | agents (1), once per agent and connection |
//! | a failed re-sync | retried after `Retry-After`, else 5 s doubling to 60 s; the socket stays |
//!
//! A healthy tray costs 5 requests in its first minute (the connect, then the pending
//! list at 45 s), then one at 2 min 15 s, 5 min 15 s, and every 5 minutes after, the
//! agent list joining one of them each quarter of an hour: about 0.2 a minute once
//! settled, so fifty trays behind one proxy spend a tenth of the budget of
//! `GET /api/messages/reviews`.
//!
//! Watch-only (API key): the agent API lists pending reviews per agent only
//! (`/api/v1/reviews/pending?channel=`), so a pending re-sync costs one request per
//! agent, on the same slowing cadence; and an API-key socket joins no user room, so it
//! hears no `agent:status`: the agent list (which carries each status) is fetched on its
//! own every minute instead.
//!
//! The re-sync 1 s after connecting closes a gap: `subscribe:channel` has no
//! acknowledgement, so a channel-only event (`review:responded`, `review:expired`) sent
//! between the first snapshot and the server joining us to the room would be lost.

use std::time::Duration;

use tokio::time::Instant;

use crate::backoff::Backoff;
use crate::error::ApiError;

/// What a re-sync fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SyncKind {
    /// The agent list (and subscriptions), then the pending reviews.
    Full,
    /// The pending reviews only.
    Pending,
    /// The agent list only (their statuses, for a watch-only session).
    Agents,
}

impl SyncKind {
    fn has_pending(self) -> bool {
        matches!(self, SyncKind::Full | SyncKind::Pending)
    }

    fn has_agents(self) -> bool {
        matches!(self, SyncKind::Full | SyncKind::Agents)
    }

    /// HTTP requests a re-sync of this kind costs with a user sign-in.
    #[cfg(test)]
    pub(crate) fn cost(self) -> u32 {
        match self {
            SyncKind::Full => 2,
            SyncKind::Pending | SyncKind::Agents => 1,
        }
    }
}

/// The re-sync cadence (see [`super::SessionConfig`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cadence {
    pub(crate) settle: Duration,
    /// The pending interval after a connect, and after a snapshot that found something.
    pub(crate) pending_min: Duration,
    /// The pending interval it grows to while the socket is healthy and all is quiet.
    pub(crate) pending_max: Duration,
    /// How far 429s push the pending interval.
    pub(crate) limited_max: Duration,
    pub(crate) agents_every: Duration,
    /// The agent list is fetched on its own when due (watch-only: statuses), rather
    /// than with the next pending re-sync.
    pub(crate) agents_alone: bool,
    pub(crate) retry: Backoff,
}

/// When the next re-sync runs and what it fetches: a pure state machine over
/// `tokio::time`, so it can be tested without a server.
#[derive(Debug, Clone)]
pub(crate) struct Schedule {
    cadence: Cadence,
    pending_due: Instant,
    agents_due: Instant,
    /// The current pending interval.
    pending_every: Duration,
    /// Set once the first sync of a connection succeeded; the settle re-sync follows it.
    settled: bool,
    failures: u32,
}

/// How a re-sync that succeeded went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// The socket has answered pings lately.
    pub(crate) healthy: bool,
    /// The snapshot brought nothing the events had not.
    pub(crate) quiet: bool,
}

impl Schedule {
    /// A fresh connection: a full re-sync at once.
    pub(crate) fn connected(cadence: Cadence, now: Instant) -> Self {
        Self {
            cadence,
            pending_due: now,
            agents_due: now,
            pending_every: cadence.pending_min,
            settled: false,
            failures: 0,
        }
    }

    /// When the next re-sync is due, and its kind.
    pub(crate) fn next(&self) -> (Instant, SyncKind) {
        if !self.cadence.agents_alone {
            let kind = if self.agents_due <= self.pending_due {
                SyncKind::Full
            } else {
                SyncKind::Pending
            };
            return (self.pending_due, kind);
        }
        let at = self.pending_due.min(self.agents_due);
        let kind = match (self.pending_due <= at, self.agents_due <= at) {
            (true, true) => SyncKind::Full,
            (true, false) => SyncKind::Pending,
            _ => SyncKind::Agents,
        };
        (at, kind)
    }

    /// The current pending interval.
    #[cfg(test)]
    pub(crate) fn pending_every(&self) -> Duration {
        self.pending_every
    }

    /// A full re-sync is wanted now (a person asked, or an unknown agent appeared).
    pub(crate) fn full_now(&mut self, now: Instant) {
        self.pending_due = now;
        self.agents_due = now;
    }

    /// The re-sync of `kind` succeeded at `now`.
    pub(crate) fn succeeded(&mut self, kind: SyncKind, now: Instant, outcome: Outcome) {
        self.failures = 0;
        if kind.has_agents() {
            self.agents_due = now + self.cadence.agents_every;
        }
        if !kind.has_pending() {
            return;
        }
        if !self.settled {
            self.settled = true;
            self.pending_due = now + self.cadence.settle;
            return;
        }
        if outcome.healthy && outcome.quiet {
            if self.pending_every < self.cadence.pending_max {
                self.pending_every = (self.pending_every * 2).min(self.cadence.pending_max);
            }
        } else {
            self.pending_every = self.cadence.pending_min;
        }
        self.pending_due = now + self.pending_every;
    }

    /// The re-sync of `kind` failed for a reason worth retrying: the same kind runs
    /// again after the server's `Retry-After`, or after a growing delay. A rate limit
    /// also slows the pending re-syncs that follow.
    pub(crate) fn failed(
        &mut self,
        kind: SyncKind,
        now: Instant,
        retry_after: Option<Duration>,
        rate_limited: bool,
    ) {
        self.failures = self.failures.saturating_add(1);
        if rate_limited {
            self.pending_every = (self.pending_every * 2)
                .max(self.cadence.pending_min * 2)
                .min(self.cadence.limited_max.max(self.pending_every));
        }
        let backoff = self.cadence.retry.next_delay(self.failures);
        let delay = match retry_after {
            Some(d) => d.max(Duration::from_millis(100)),
            None => backoff,
        };
        self.set_due(kind, now + delay);
    }

    /// The re-sync failed in a way retrying soon would not fix (the server refused
    /// the request): try again at the normal cadence.
    pub(crate) fn refused(&mut self, kind: SyncKind, now: Instant) {
        self.set_due(kind, now + self.pending_every);
    }

    fn set_due(&mut self, kind: SyncKind, at: Instant) {
        if kind.has_pending() {
            self.pending_due = at;
        }
        if kind.has_agents() {
            self.agents_due = at;
        }
    }
}

/// How a re-sync failed, as far as the session is concerned.
#[derive(Debug)]
pub(crate) enum SyncError {
    /// 401: the sign-in is no longer accepted.
    Auth,
    /// Worth retrying soon (429, 5xx, timeout, network), after this long if the
    /// server said.
    Retry {
        what: String,
        after: Option<Duration>,
        rate_limited: bool,
    },
    /// Refused for another reason (403, 404, a body that does not decode).
    Refused { what: String },
}

impl SyncError {
    pub(crate) fn from_api(what: &str, e: &ApiError) -> Self {
        if e.is_auth() {
            SyncError::Auth
        } else if e.is_transient() {
            SyncError::Retry {
                what: format!("{what}: {e}"),
                after: e.retry_after(),
                rate_limited: matches!(e, ApiError::RateLimited { .. }),
            }
        } else {
            SyncError::Refused {
                what: format!("{what}: {e}"),
            }
        }
    }
}

#[cfg(test)]
#[path = "sync_tests.rs"]
mod tests;
