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
//! request budget). Events are decoded into [`ServerEvent`](crate::protocol::ServerEvent)s and applied to the
//! [`Inbox`]; a malformed event is logged and skipped.
//!
//! Credentials are sent only where [`crate::rest::ServerUrl::check_transport`] allows.

mod serve;
mod socket;
mod sync;

use std::time::Duration;

use chrono::{DateTime, Utc};
use rust_socketio::asynchronous::Client as SocketClient;
use serde::Serialize;
use serde_json::{json, Value};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{sleep, sleep_until, timeout, Instant};

use crate::backoff::Backoff;
use crate::error::ApiError;
use crate::inbox::{Inbox, InboxChange};
use crate::rest::{Credential, RestClient};
use socket::{connect_error_message, short, socket_builder};

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
    /// tells) and reviews expired by a long poll. 45 s notices a deletion within a
    /// minute at one request each time.
    pub resync_interval: Duration,
    /// How often a re-sync also refreshes the agent list (renamed or deleted agents;
    /// new ones are adopted as soon as they speak).
    pub agents_refresh_interval: Duration,
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
            agents_refresh_interval: Duration::from_secs(300),
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
    fn cadence(&self) -> sync::Cadence {
        sync::Cadence {
            settle: self.settle_delay,
            pending_every: self.resync_interval,
            agents_every: self.agents_refresh_interval,
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
    expiry: JoinHandle<()>,
}

impl Session {
    /// Starts connecting with the credential of `rest` and keeps `inbox` in sync.
    pub fn start(rest: RestClient, inbox: Inbox, config: SessionConfig) -> Session {
        let (state_tx, state_rx) = watch::channel(SessionState::Connecting);
        let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
        let (sock_tx, sock_rx) = mpsc::channel(512);
        let expiry = tokio::spawn(expire_on_time(inbox.clone()));
        let runner = Runner {
            rest,
            inbox,
            config,
            state: state_tx,
            commands: cmd_rx,
            sock_tx,
            sock_rx,
            generation: 0,
        };
        let task = tokio::spawn(runner.run());
        Session {
            commands: cmd_tx,
            state: state_rx,
            task,
            expiry,
        }
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
        self.expiry.abort();
        let _ = self.task.await;
    }
}

/// Expires reviews locally at their `expiresAt`, waking when a new review arrives.
async fn expire_on_time(inbox: Inbox) {
    let mut changes = inbox.subscribe();
    loop {
        let wait = match inbox.next_expiry() {
            Some(at) => (at - Utc::now()).to_std().unwrap_or(Duration::ZERO),
            None => Duration::from_secs(3600),
        };
        tokio::select! {
            _ = sleep(wait) => inbox.expire_overdue(Utc::now()),
            change = changes.recv() => {
                if let Err(tokio::sync::broadcast::error::RecvError::Closed) = change {
                    return;
                }
                // Any change may bring an earlier expiry; loop recomputes.
                if let Ok(InboxChange::Expired { .. }) = change {
                    continue;
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
    /// Lost or failed; `offline` when the server could not be reached at all.
    Failed {
        reason: String,
        offline: bool,
    },
    ReconnectNow,
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
}

impl Runner {
    fn set_state(&self, s: SessionState) {
        tracing::info!(state = ?s, "session state");
        self.state.send_replace(s);
    }

    async fn run(mut self) {
        let mut attempt: u32 = 0;
        loop {
            let end = match self.connect().await {
                Ok(client) => {
                    attempt = 0;
                    let end = self.serve(&client).await;
                    // A dead transport can make the close hang; it is only a courtesy.
                    let _ = timeout(Duration::from_secs(1), client.disconnect()).await;
                    end
                }
                Err(end) => end,
            };
            match end {
                End::Shutdown => return,
                End::ReconnectNow => {
                    attempt = 0;
                    self.set_state(SessionState::Connecting);
                    continue;
                }
                End::AuthExpired => {
                    self.set_state(SessionState::AuthExpired);
                    match self.next_command().await {
                        Command::Shutdown => return,
                        Command::ReconnectNow | Command::ResyncNow => {
                            attempt = 0;
                            self.set_state(SessionState::Connecting);
                            continue;
                        }
                    }
                }
                End::Failed { reason, offline } => {
                    attempt = attempt.saturating_add(1);
                    let delay = self.config.backoff.next_delay(attempt);
                    let retry_at = Utc::now()
                        + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::zero());
                    tracing::warn!(%reason, attempt, delay_ms = delay.as_millis() as u64, "connection failed; retrying");
                    self.set_state(if offline {
                        SessionState::Offline {
                            attempt,
                            retry_at,
                            reason,
                        }
                    } else {
                        SessionState::Reconnecting {
                            attempt,
                            retry_at,
                            reason,
                        }
                    });
                    let deadline = Instant::now() + delay;
                    loop {
                        tokio::select! {
                            _ = sleep_until(deadline) => break,
                            cmd = self.commands.recv() => match cmd {
                                None | Some(Command::Shutdown) => return,
                                Some(Command::ReconnectNow) => { attempt = 0; break; }
                                Some(Command::ResyncNow) => {}
                            },
                            // Signals of the dead socket are drained and ignored.
                            _ = self.sock_rx.recv() => {}
                        }
                    }
                }
            }
        }
    }

    async fn next_command(&mut self) -> Command {
        loop {
            tokio::select! {
                cmd = self.commands.recv() => return cmd.unwrap_or(Command::Shutdown),
                _ = self.sock_rx.recv() => {}
            }
        }
    }

    /// One connect attempt: credential, handshake, namespace acknowledgement.
    async fn connect(&mut self) -> Result<SocketClient, End> {
        if let Err(e) = self.rest.base().check_transport() {
            // Never reached through `ServerUrl::parse`; kept so no path can send a
            // ticket or key in the clear.
            return Err(End::Failed {
                reason: e.to_string(),
                offline: true,
            });
        }
        let auth = match self.rest.credential() {
            Some(Credential::Jwt(_)) => match self.rest.ws_ticket().await {
                Ok(ticket) => json!({ "token": ticket.expose() }),
                Err(e) if e.is_auth() => return Err(End::AuthExpired),
                Err(e) => return Err(failed_api("cannot get a connection ticket", &e)),
            },
            Some(Credential::ApiKey(key)) => json!({ "apiKey": key.expose() }),
            None => return Err(End::AuthExpired),
        };

        self.generation += 1;
        let generation = self.generation;
        let address = self.rest.base().join("socket.io/");
        let builder = socket_builder(address.as_str(), auth, self.sock_tx.clone(), generation);
        let client = match timeout(self.config.connect_timeout, builder.connect()).await {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => {
                return Err(End::Failed {
                    reason: format!("cannot open the connection: {e}"),
                    offline: true,
                })
            }
            Err(_) => {
                return Err(End::Failed {
                    reason: "the server did not complete the handshake in time".to_owned(),
                    offline: true,
                })
            }
        };

        // Wait for the namespace acknowledgement (`connect`) or its refusal.
        let deadline = Instant::now() + self.config.connect_timeout;
        let outcome = loop {
            tokio::select! {
                _ = sleep_until(deadline) => break Err(End::Failed {
                    reason: "the server did not accept the connection in time".to_owned(),
                    offline: false,
                }),
                cmd = self.commands.recv() => match cmd {
                    None | Some(Command::Shutdown) => break Err(End::Shutdown),
                    Some(Command::ReconnectNow) => break Err(End::ReconnectNow),
                    Some(Command::ResyncNow) => {}
                },
                signal = self.sock_rx.recv() => {
                    let Some((g, signal)) = signal else { break Err(End::Shutdown) };
                    if g != generation {
                        continue;
                    }
                    match signal {
                        SocketSignal::Connected => break Ok(()),
                        SocketSignal::Closed => break Err(End::Failed {
                            reason: "the server closed the connection".to_owned(),
                            offline: false,
                        }),
                        SocketSignal::Error(text) => break Err(self.connect_error(&text)),
                        SocketSignal::Event(name, _) => {
                            tracing::debug!(event = %name, "event before connect ignored");
                        }
                    }
                }
            }
        };
        match outcome {
            Ok(()) => Ok(client),
            Err(end) => {
                let _ = timeout(Duration::from_secs(1), client.disconnect()).await;
                Err(end)
            }
        }
    }

    /// Classifies an error reported while connecting.
    fn connect_error(&self, text: &str) -> End {
        match connect_error_message(text) {
            Some(message) if message == "unauthorized" => {
                // With a user sign-in, the next attempt fetches a fresh ticket (and
                // finds out whether the sign-in itself expired). An API key that is
                // refused will not become valid by retrying.
                if matches!(self.rest.credential(), Some(Credential::ApiKey(_))) {
                    End::AuthExpired
                } else {
                    End::Failed {
                        reason: "the server refused the connection ticket".to_owned(),
                        offline: false,
                    }
                }
            }
            Some(message) => End::Failed {
                reason: format!("the server refused the connection: {message}"),
                offline: false,
            },
            None => End::Failed {
                reason: format!("connection error: {}", short(text)),
                offline: false,
            },
        }
    }
}

fn failed_api(what: &str, e: &ApiError) -> End {
    End::Failed {
        reason: format!("{what}: {e}"),
        offline: matches!(e, ApiError::Network { .. }),
    }
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
