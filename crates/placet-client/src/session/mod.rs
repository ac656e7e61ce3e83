//! The live connection to a Placet server's `/ws` namespace.
//!
//! One task owns the connection and runs an explicit state machine:
//!
//! ```text
//! Connecting ──► Connected ──(lost / no pong / kicked)──► Reconnecting{attempt} ─┐
//!     ▲              │                                      Offline{reason}     ─┤
//!     └──────────────┴──────────────────(backoff 1 s..10 s + jitter)─────────────┘
//!   ws-ticket 401 or API key refused ──► AuthExpired (waits for `reconnect_now`)
//! ```
//!
//! Every connect fetches a fresh ws-ticket, subscribes to every agent's channel once the
//! namespace is acknowledged (never right after `connect()` returns, which races the
//! acknowledgement), and re-syncs agents and pending reviews over REST, because the
//! server does not replay events missed while offline. A `ping` every 30 s that gets no
//! `pong` within 3 s forces a reconnect; so does any transport error. A failed re-sync
//! does not: it is retried while the socket stays (see `sync` for the cadence and the
//! request budget, shared with every client behind the same proxy). Events are decoded
//! into [`ServerEvent`](crate::protocol::ServerEvent)s and applied to the [`Inbox`]; a
//! malformed event is logged and skipped.
//!
//! The socket's callbacks only forward what the inbox uses. An agent's stream
//! (`message:delta`, `message:progress`, `agent:commands`) can run to thousands of
//! events; the inbox waits for a streamed message's final text instead, so those events
//! are counted and dropped in the callback, and nothing per delta reaches the session
//! task, where a burst would delay the next review.
//!
//! A second task keeps time for the inbox ([`Inbox::tick`]): reviews past `expiresAt`
//! become expiring (the server expires them), OAuth prompts end.
//!
//! Credentials are sent only where [`crate::rest::ServerUrl::check_transport`] allows;
//! a server's `Retry-After` is waited out before the next attempt.

mod connect;
mod resync;
mod serve;
mod socket;
mod sync;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::sleep;

use crate::backoff::Backoff;
use crate::inbox::Inbox;
use crate::rest::RestClient;

/// Connection settings. The defaults follow the official web client.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// How often to send `ping`.
    pub ping_interval: Duration,
    /// How long to wait for `pong` before declaring the connection dead.
    pub pong_timeout: Duration,
    /// Delay between reconnect attempts.
    pub backoff: Backoff,
    /// Limit on one connect attempt (ticket, handshake, namespace acknowledgement).
    pub connect_timeout: Duration,
    /// Pending-list re-sync while connected: finds reviews the agent deleted (no event
    /// tells) and reviews expired by a long poll. The interval after a connect, and
    /// after a re-sync that found something the events had missed.
    pub resync_interval: Duration,
    /// What the pending re-sync slows to, doubling each time, while the socket is
    /// healthy (its pings are answered) and re-syncs find nothing new.
    pub resync_interval_max: Duration,
    /// How far the server's 429s push the pending interval (each doubles it).
    pub rate_limited_resync_max: Duration,
    /// How often a re-sync also refreshes the agent list (renamed or deleted agents;
    /// new ones are adopted as soon as they speak).
    pub agents_refresh_interval: Duration,
    /// Watch-only (API key) sessions hear no `agent:status`: they fetch the agent list,
    /// which carries each status, this often instead.
    pub watch_status_interval: Duration,
    /// The re-sync shortly after each connect that closes the unacknowledged-subscribe
    /// gap.
    pub settle_delay: Duration,
    /// Delay before retrying a failed re-sync when the server gave no `Retry-After`.
    pub resync_backoff: Backoff,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            ping_interval: Duration::from_secs(30),
            pong_timeout: Duration::from_secs(3),
            backoff: Backoff::default(),
            connect_timeout: Duration::from_secs(15),
            resync_interval: Duration::from_secs(45),
            resync_interval_max: Duration::from_secs(300),
            rate_limited_resync_max: Duration::from_secs(900),
            agents_refresh_interval: Duration::from_secs(900),
            watch_status_interval: Duration::from_secs(60),
            settle_delay: Duration::from_secs(1),
            resync_backoff: Backoff {
                min: Duration::from_secs(5),
                max: Duration::from_secs(60),
                jitter: 0.25,
            },
        }
    }
}

impl SessionConfig {
    fn cadence(&self, watch_only: bool) -> sync::Cadence {
        sync::Cadence {
            settle: self.settle_delay,
            pending_min: self.resync_interval,
            pending_max: self.resync_interval_max.max(self.resync_interval),
            limited_max: self.rate_limited_resync_max.max(self.resync_interval),
            agents_every: if watch_only {
                self.watch_status_interval
            } else {
                self.agents_refresh_interval
            },
            agents_alone: watch_only,
            retry: self.resync_backoff,
        }
    }
}

/// Where the connection stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "state",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SessionState {
    /// No credential: nothing to connect with.
    SignedOut,
    /// The first connect attempt is under way.
    Connecting,
    /// Connected, subscribed and in sync.
    Connected { since: DateTime<Utc> },
    /// The connection was lost or refused; the next attempt is scheduled.
    Reconnecting {
        attempt: u32,
        retry_at: DateTime<Utc>,
        reason: String,
    },
    /// The server cannot be reached at all; the next attempt is scheduled.
    Offline {
        attempt: u32,
        retry_at: DateTime<Utc>,
        reason: String,
    },
    /// The sign-in is no longer accepted: the person must sign in again.
    AuthExpired,
}

impl SessionState {
    /// True when connected.
    pub fn is_connected(&self) -> bool {
        matches!(self, SessionState::Connected { .. })
    }
}

#[derive(Debug)]
enum Command {
    ReconnectNow,
    ResyncNow,
    Shutdown,
}

/// A running session. Dropping it does not stop the task; call [`Session::shutdown`].
#[derive(Debug)]
pub struct Session {
    commands: mpsc::UnboundedSender<Command>,
    state: watch::Receiver<SessionState>,
    task: JoinHandle<()>,
    clock: JoinHandle<()>,
    skipped: Arc<AtomicU64>,
}

impl Session {
    /// Starts connecting with the credential of `rest` and keeps `inbox` in sync.
    pub fn start(rest: RestClient, inbox: Inbox, config: SessionConfig) -> Session {
        let (state_tx, state_rx) = watch::channel(SessionState::Connecting);
        let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
        let (sock_tx, sock_rx) = mpsc::channel(512);
        let clock = tokio::spawn(keep_time(inbox.clone()));
        let skipped = Arc::new(AtomicU64::new(0));
        let runner = Runner {
            rest,
            inbox,
            config,
            state: state_tx,
            commands: cmd_rx,
            sock_tx,
            sock_rx,
            generation: 0,
            skipped: skipped.clone(),
        };
        let task = tokio::spawn(runner.run());
        Session {
            commands: cmd_tx,
            state: state_rx,
            task,
            clock,
            skipped,
        }
    }

    /// Stream events (`message:delta`, `message:progress`, `agent:commands`) received
    /// and dropped unread so far, on every connection of this session.
    pub fn stream_events_skipped(&self) -> u64 {
        self.skipped.load(Ordering::Relaxed)
    }

    /// The current state.
    pub fn state(&self) -> SessionState {
        self.state.borrow().clone()
    }

    /// A receiver that sees every state change.
    pub fn watch(&self) -> watch::Receiver<SessionState> {
        self.state.clone()
    }

    /// Drops the connection (if any) and connects again at once: for a network change,
    /// a resume from sleep, or after a new sign-in made an expired session usable.
    pub fn reconnect_now(&self) {
        let _ = self.commands.send(Command::ReconnectNow);
    }

    /// Re-fetches agents and pending reviews now.
    pub fn resync_now(&self) {
        let _ = self.commands.send(Command::ResyncNow);
    }

    /// Disconnects and stops.
    pub async fn shutdown(self) {
        let _ = self.commands.send(Command::Shutdown);
        self.clock.abort();
        let _ = self.task.await;
    }
}

/// Applies the passing of time to the inbox at each of its deadlines (a review's
/// `expiresAt`, an OAuth prompt's end), waking on every change, which may bring an
/// earlier one.
async fn keep_time(inbox: Inbox) {
    let mut changes = inbox.subscribe();
    loop {
        let wait = match inbox.next_deadline() {
            Some(at) => (at - Utc::now()).to_std().unwrap_or(Duration::ZERO),
            None => Duration::from_secs(3600),
        };
        tokio::select! {
            _ = sleep(wait) => inbox.tick(Utc::now()),
            change = changes.recv() => {
                if let Err(tokio::sync::broadcast::error::RecvError::Closed) = change {
                    return;
                }
            }
        }
    }
}

/// What the socket callbacks forward to the session task.
#[derive(Debug)]
enum SocketSignal {
    Connected,
    Closed,
    Error(String),
    Event(String, Vec<Value>),
}

/// How a connection or attempt ended.
enum End {
    Shutdown,
    AuthExpired,
    /// Lost or failed; `offline` when the server could not be reached at all;
    /// `retry_after` when the server asked us to wait (a 429's `Retry-After`).
    Failed {
        reason: String,
        offline: bool,
        retry_after: Option<Duration>,
    },
    ReconnectNow,
}

impl End {
    fn failed(reason: impl Into<String>, offline: bool) -> Self {
        End::Failed {
            reason: reason.into(),
            offline,
            retry_after: None,
        }
    }
}

struct Runner {
    rest: RestClient,
    inbox: Inbox,
    config: SessionConfig,
    state: watch::Sender<SessionState>,
    commands: mpsc::UnboundedReceiver<Command>,
    sock_tx: mpsc::Sender<(u64, SocketSignal)>,
    sock_rx: mpsc::Receiver<(u64, SocketSignal)>,
    /// Increases with each socket, so signals of an old socket are ignored.
    generation: u64,
    /// Stream events dropped in the socket's callback.
    skipped: Arc<AtomicU64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_serialise_with_their_tag() {
        let now = Utc::now();
        let s = SessionState::Offline {
            attempt: 2,
            retry_at: now + chrono::Duration::seconds(4),
            reason: "connection refused".into(),
        };
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["state"], "offline");
        assert_eq!(json["attempt"], 2);
    }
}
