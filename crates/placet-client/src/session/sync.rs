//! When the session re-syncs over REST, and what each re-sync costs.
//!
//! Placet throttles every route at 100 requests per 60 s per IP, login included, and a
//! person's browser on the same address shares that budget. So the session asks for as
//! little as correctness needs and never turns a failed re-sync into a reconnect (which
//! would cost a ticket and a full re-sync more):
//!
//! | when | requests |
//! |---|---|
//! | each connect | ws-ticket, agents, pending (3), then one pending re-sync 1 s later (1): 4 |
//! | while connected | pending every 45 s (1); every 5 min agents too (2) |
//! | a review missing from a snapshot | one `GET /api/messages/:id` each, at most 10 per re-sync |
//! | a draft open across a reconnect | one `GET /api/messages/:id` each, at most 5 |
//! | a message or status from an agent not yet listed | agents (1), once per agent and connection |
//! | a failed re-sync | retried after `Retry-After`, else 5 s doubling to 60 s; the socket stays |
//!
//! An idle minute costs at most 3 requests (two pending re-syncs, one of them with the
//! agent list). A reconnect costs 4. Five server restarts in a minute cost at most
//! 5 × 4 + 3 = 23 (attempts while the server is down fail before any HTTP exchange).
//! All stay under half the budget. A deletion is noticed within 45 s plus one lookup.
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
}

impl SyncKind {
    /// HTTP requests a re-sync of this kind costs with a user sign-in.
    #[cfg(test)]
    pub(crate) fn cost(self) -> u32 {
        match self {
            SyncKind::Full => 2,
            SyncKind::Pending => 1,
        }
    }
}

/// The re-sync cadence (see [`super::SessionConfig`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cadence {
    pub(crate) settle: Duration,
    pub(crate) pending_every: Duration,
    pub(crate) agents_every: Duration,
    pub(crate) retry: Backoff,
}

/// When the next re-sync runs and what it fetches: a pure state machine over
/// `tokio::time`, so it can be tested without a server.
#[derive(Debug, Clone)]
pub(crate) struct Schedule {
    cadence: Cadence,
    next_at: Instant,
    next_kind: SyncKind,
    /// Set once the first sync of a connection succeeded; the settle re-sync follows it.
    settled: bool,
    last_full: Option<Instant>,
    failures: u32,
}

impl Schedule {
    /// A fresh connection: a full re-sync at once.
    pub(crate) fn connected(cadence: Cadence, now: Instant) -> Self {
        Self {
            cadence,
            next_at: now,
            next_kind: SyncKind::Full,
            settled: false,
            last_full: None,
            failures: 0,
        }
    }

    /// When the next re-sync is due, and its kind.
    pub(crate) fn next(&self) -> (Instant, SyncKind) {
        (self.next_at, self.next_kind)
    }

    /// A full re-sync is wanted now (a person asked, or an unknown agent appeared).
    pub(crate) fn full_now(&mut self, now: Instant) {
        self.next_at = now;
        self.next_kind = SyncKind::Full;
    }

    /// The re-sync of `kind` succeeded at `now`.
    pub(crate) fn succeeded(&mut self, kind: SyncKind, now: Instant) {
        self.failures = 0;
        if kind == SyncKind::Full {
            self.last_full = Some(now);
        }
        if !self.settled && self.last_full.is_some() {
            self.settled = true;
            self.next_at = now + self.cadence.settle;
            self.next_kind = SyncKind::Pending;
            return;
        }
        self.next_at = now + self.cadence.pending_every;
        let full_due = self
            .last_full
            .is_none_or(|t| self.next_at.duration_since(t) >= self.cadence.agents_every);
        self.next_kind = if full_due {
            SyncKind::Full
        } else {
            SyncKind::Pending
        };
    }

    /// The re-sync of `kind` failed for a reason worth retrying: the same kind runs
    /// again after the server's `Retry-After`, or after a growing delay.
    pub(crate) fn failed(&mut self, kind: SyncKind, now: Instant, retry_after: Option<Duration>) {
        self.failures = self.failures.saturating_add(1);
        let delay = retry_after
            .map(|d| d.max(Duration::from_millis(100)))
            .unwrap_or_else(|| self.cadence.retry.next_delay(self.failures));
        self.next_at = now + delay;
        self.next_kind = kind;
    }

    /// The re-sync failed in a way retrying soon would not fix (the server refused
    /// the request): try again at the normal cadence.
    pub(crate) fn refused(&mut self, kind: SyncKind, now: Instant) {
        self.next_at = now + self.cadence.pending_every;
        self.next_kind = kind;
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
            }
        } else {
            SyncError::Refused {
                what: format!("{what}: {e}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cadence() -> Cadence {
        Cadence {
            settle: Duration::from_secs(1),
            pending_every: Duration::from_secs(45),
            agents_every: Duration::from_secs(300),
            retry: Backoff {
                min: Duration::from_secs(5),
                max: Duration::from_secs(60),
                jitter: 0.0,
            },
        }
    }

    /// Runs the schedule with every re-sync succeeding; returns the requests made in
    /// `[from, to)` seconds after connecting (the connect's ticket not included).
    fn requests_between(from: u64, to: u64) -> u32 {
        let start = Instant::now();
        let mut s = Schedule::connected(cadence(), start);
        let mut count = 0;
        loop {
            let (at, kind) = s.next();
            let t = at.duration_since(start);
            if t >= Duration::from_secs(to) {
                return count;
            }
            if t >= Duration::from_secs(from) {
                count += kind.cost();
            }
            s.succeeded(kind, at);
        }
    }

    #[test]
    fn a_connect_costs_a_full_sync_and_one_settle() {
        let start = Instant::now();
        let mut s = Schedule::connected(cadence(), start);
        assert_eq!(s.next(), (start, SyncKind::Full), "full re-sync at once");
        s.succeeded(SyncKind::Full, start);
        assert_eq!(
            s.next(),
            (start + Duration::from_secs(1), SyncKind::Pending),
            "the settle re-sync fetches only the pending list"
        );
        assert_eq!(
            requests_between(0, 2),
            3,
            "agents + pending, then pending once (+ the ticket: 4 per connect)"
        );
    }

    #[test]
    fn an_idle_minute_stays_far_below_the_budget() {
        for minute in 0..20u64 {
            let n = requests_between(2 + minute * 60, 2 + (minute + 1) * 60);
            assert!(n <= 3, "minute {minute}: {n} requests");
        }
        // Somewhere in those 20 minutes the agent list is refreshed.
        assert!(requests_between(2, 2 + 20 * 60) > 20 * 60 / 45);
    }

    #[test]
    fn a_deletion_is_noticed_within_a_minute() {
        let start = Instant::now();
        let mut s = Schedule::connected(cadence(), start);
        let mut last = start;
        for _ in 0..50 {
            let (at, kind) = s.next();
            assert!(
                at.duration_since(last) < Duration::from_secs(60),
                "a pending snapshot at least every minute"
            );
            last = at;
            s.succeeded(kind, at);
        }
    }

    #[test]
    fn failures_retry_the_same_kind_after_retry_after_or_backoff() {
        let start = Instant::now();
        let mut s = Schedule::connected(cadence(), start);
        s.failed(SyncKind::Full, start, Some(Duration::from_secs(7)));
        assert_eq!(s.next(), (start + Duration::from_secs(7), SyncKind::Full));
        let t = start + Duration::from_secs(7);
        s.failed(SyncKind::Full, t, None);
        assert_eq!(
            s.next(),
            (t + Duration::from_secs(10), SyncKind::Full),
            "second failure: 5 s doubled"
        );
        s.succeeded(SyncKind::Full, t + Duration::from_secs(10));
        assert_eq!(s.next().1, SyncKind::Pending, "then the settle re-sync");
        for _ in 0..10 {
            let now = s.next().0;
            s.failed(SyncKind::Pending, now, None);
        }
        let (at, _) = s.next();
        assert!(
            at.duration_since(start) > Duration::from_secs(60),
            "backoff grows"
        );
    }
}
