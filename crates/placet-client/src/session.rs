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
//! Every connect fetches a fresh ws-ticket, subscribes to every agent's channel from the
//! `connect` callback (never right after `connect()` returns, which races the namespace
//! acknowledgement), and re-syncs agents and pending reviews over REST, because the
//! server does not replay events missed while offline. A `ping` every 30 s that gets no
//! `pong` within 3 s forces a reconnect; so does any transport error. Events are decoded
//! into [`ServerEvent`]s and applied to the [`Inbox`]; a malformed event is logged and
//! skipped.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::FutureExt;
use rust_socketio::asynchronous::{Client as SocketClient, ClientBuilder};
use rust_socketio::{Event, Payload, TransportType};
use serde::Serialize;
use serde_json::{json, Value};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{sleep, sleep_until, timeout, Instant};

use crate::backoff::Backoff;
use crate::error::ApiError;
use crate::inbox::{Inbox, InboxChange};
use crate::protocol::{Message, ServerEvent};
use crate::rest::{Credential, RestClient};

/// When the one extra re-sync after a connect runs.
const SETTLE_RESYNC: Duration = Duration::from_secs(1);

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
    /// Periodic REST re-sync while connected (new agents, reviews expired by long poll).
    pub resync_interval: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            ping_interval: Duration::from_secs(30),
            pong_timeout: Duration::from_secs(3),
            backoff: Backoff::default(),
            connect_timeout: Duration::from_secs(15),
            resync_interval: Duration::from_secs(60),
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

    /// One line for a menu or `status`: "Connected", "Offline: ... (retry in 4 s)".
    pub fn describe(&self, now: DateTime<Utc>) -> String {
        let retry = |at: &DateTime<Utc>| {
            let secs = (*at - now).num_seconds().max(0);
            if secs == 0 {
                "retrying now".to_owned()
            } else {
                format!("retry in {secs} s")
            }
        };
        match self {
            SessionState::SignedOut => "Signed out".to_owned(),
            SessionState::Connecting => "Connecting…".to_owned(),
            SessionState::Connected { .. } => "Connected".to_owned(),
            SessionState::Reconnecting {
                attempt,
                retry_at,
                reason,
            } => format!(
                "Reconnecting (attempt {attempt}, {}): {reason}",
                retry(retry_at)
            ),
            SessionState::Offline {
                retry_at, reason, ..
            } => format!("Offline: {reason} ({})", retry(retry_at)),
            SessionState::AuthExpired => "Signed out by the server: sign in again".to_owned(),
        }
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

    /// Runs a connected socket until it ends.
    async fn serve(&mut self, client: &SocketClient) -> End {
        let generation = self.generation;
        let mut subscribed = HashSet::new();
        if let Err(end) = self.resync(client, &mut subscribed).await {
            return end;
        }
        self.set_state(SessionState::Connected { since: Utc::now() });

        let mut ping = tokio::time::interval_at(
            Instant::now() + self.config.ping_interval,
            self.config.ping_interval,
        );
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut resync = tokio::time::interval_at(
            Instant::now() + self.config.resync_interval,
            self.config.resync_interval,
        );
        resync.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut pong_deadline: Option<Instant> = None;
        // `subscribe:channel` has no acknowledgement, so a review created between our
        // subscribing and the server joining us to the room can slip past both the event
        // and the first snapshot. One more re-sync shortly after connecting closes that
        // gap (it matters most for API-key sockets, which have no user room).
        let mut settle = Some(Instant::now() + SETTLE_RESYNC);

        loop {
            tokio::select! {
                cmd = self.commands.recv() => match cmd {
                    None | Some(Command::Shutdown) => return End::Shutdown,
                    Some(Command::ReconnectNow) => return End::ReconnectNow,
                    Some(Command::ResyncNow) => {
                        if let Err(end) = self.resync(client, &mut subscribed).await {
                            return end;
                        }
                    }
                },
                _ = ping.tick() => {
                    if let Err(e) = client.emit("ping", Payload::Text(Vec::new())).await {
                        return End::Failed { reason: format!("cannot send ping: {e}"), offline: false };
                    }
                    if pong_deadline.is_none() {
                        pong_deadline = Some(Instant::now() + self.config.pong_timeout);
                    }
                },
                _ = async { sleep_until(pong_deadline.unwrap_or_else(Instant::now)).await }, if pong_deadline.is_some() => {
                    return End::Failed { reason: "the server stopped answering (no pong)".to_owned(), offline: false };
                },
                _ = resync.tick() => {
                    if let Err(end) = self.resync(client, &mut subscribed).await {
                        return end;
                    }
                },
                _ = async { sleep_until(settle.unwrap_or_else(Instant::now)).await }, if settle.is_some() => {
                    settle = None;
                    if let Err(end) = self.resync(client, &mut subscribed).await {
                        return end;
                    }
                },
                signal = self.sock_rx.recv() => {
                    let Some((g, signal)) = signal else { return End::Shutdown };
                    if g != generation {
                        continue;
                    }
                    match signal {
                        SocketSignal::Connected => {}
                        SocketSignal::Closed => return End::Failed {
                            reason: "the server closed the connection".to_owned(),
                            offline: false,
                        },
                        SocketSignal::Error(text) => return End::Failed {
                            reason: format!("connection lost: {}", short(&text)),
                            offline: false,
                        },
                        SocketSignal::Event(name, args) => {
                            match ServerEvent::decode(&name, &args) {
                                Ok(Some(ServerEvent::Pong)) => pong_deadline = None,
                                Ok(Some(event)) => self.handle_event(client, &mut subscribed, event).await,
                                Ok(None) => tracing::trace!(event = %name, "event not used"),
                                Err(e) => tracing::warn!(error = %e, "malformed event skipped"),
                            }
                        }
                    }
                }
            }
        }
    }

    async fn handle_event(
        &mut self,
        client: &SocketClient,
        subscribed: &mut HashSet<String>,
        event: ServerEvent,
    ) {
        if let ServerEvent::MessageCreated(m) = &event {
            if !self.inbox.knows_agent(&m.channel_id) {
                self.adopt_new_agent(client, subscribed, m).await;
            }
        }
        self.inbox.apply(&event);
    }

    /// A message from an agent we did not know: subscribe to its channel (so its
    /// `review:responded` and `review:expired` reach us) and refresh the agent list.
    async fn adopt_new_agent(
        &mut self,
        client: &SocketClient,
        subscribed: &mut HashSet<String>,
        m: &Message,
    ) {
        tracing::info!(channel = %m.channel_id, "message from a new agent; subscribing");
        subscribe(client, subscribed, &m.channel_id).await;
        match self.fetch_agents().await {
            Ok(agents) => self.inbox.set_agents(agents),
            Err(e) => tracing::warn!(error = %e, "cannot refresh the agent list"),
        }
    }

    async fn fetch_agents(&self) -> Result<Vec<crate::protocol::Agent>, ApiError> {
        match self.rest.credential() {
            Some(Credential::ApiKey(_)) => self.rest.agent_agents().await,
            _ => self.rest.agents().await,
        }
    }

    /// Agents, subscriptions, then the pending list.
    async fn resync(
        &mut self,
        client: &SocketClient,
        subscribed: &mut HashSet<String>,
    ) -> Result<(), End> {
        let agents = self
            .fetch_agents()
            .await
            .map_err(|e| sync_failure("cannot list agents", &e))?;
        for a in &agents {
            subscribe(client, subscribed, &a.id).await;
        }
        let ids: Vec<String> = agents.iter().map(|a| a.id.clone()).collect();
        self.inbox.set_agents(agents);
        let mark = self.inbox.begin_sync();
        let pending = match self.rest.credential() {
            Some(Credential::ApiKey(_)) => {
                let mut all = Vec::new();
                for id in &ids {
                    let mut part = self
                        .rest
                        .agent_pending_reviews(id)
                        .await
                        .map_err(|e| sync_failure("cannot list pending reviews", &e))?;
                    all.append(&mut part);
                }
                all
            }
            _ => self
                .rest
                .pending_reviews()
                .await
                .map_err(|e| sync_failure("cannot list pending reviews", &e))?,
        };
        tracing::debug!(agents = ids.len(), pending = pending.len(), "re-synced");
        self.inbox.apply_snapshot(mark, pending);
        Ok(())
    }
}

async fn subscribe(client: &SocketClient, subscribed: &mut HashSet<String>, channel: &str) {
    if subscribed.contains(channel) {
        return;
    }
    match client
        .emit(
            "subscribe:channel",
            Payload::Text(vec![Value::String(channel.to_owned())]),
        )
        .await
    {
        Ok(()) => {
            subscribed.insert(channel.to_owned());
        }
        Err(e) => tracing::warn!(%channel, error = %e, "subscribe failed"),
    }
}

fn failed_api(what: &str, e: &ApiError) -> End {
    End::Failed {
        reason: format!("{what}: {e}"),
        offline: matches!(e, ApiError::Network { .. }),
    }
}

fn sync_failure(what: &str, e: &ApiError) -> End {
    if e.is_auth() {
        End::AuthExpired
    } else {
        failed_api(what, e)
    }
}

/// The message of a Socket.IO `CONNECT_ERROR` as rust_socketio reports it
/// (`Received an ConnectError frame: {"message":"unauthorized"}`).
fn connect_error_message(text: &str) -> Option<String> {
    let (_, data) = text.split_once("ConnectError frame:")?;
    let data = data.trim();
    match serde_json::from_str::<Value>(data) {
        Ok(Value::Object(o)) => o
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| Some(data.to_owned())),
        Ok(Value::String(s)) => Some(s),
        _ => Some(data.trim_matches('"').to_owned()),
    }
}

fn short(text: &str) -> String {
    text.chars().take(200).collect()
}

/// A rust_socketio client whose callbacks only forward to the session task: they run
/// under the library's lock and must return quickly.
fn socket_builder(
    address: &str,
    auth: Value,
    tx: mpsc::Sender<(u64, SocketSignal)>,
    generation: u64,
) -> ClientBuilder {
    let forward = |tx: mpsc::Sender<(u64, SocketSignal)>, make: fn(Payload) -> SocketSignal| {
        move |payload: Payload, _client: SocketClient| {
            let tx = tx.clone();
            async move {
                let _ = tx.send((generation, make(payload))).await;
            }
            .boxed()
        }
    };
    let any_tx = tx.clone();
    ClientBuilder::new(address)
        .namespace("/ws")
        .transport_type(TransportType::Websocket)
        .reconnect(false)
        .auth(auth)
        .on(
            Event::Connect,
            forward(tx.clone(), |_| SocketSignal::Connected),
        )
        .on(Event::Close, forward(tx.clone(), |_| SocketSignal::Closed))
        .on(
            Event::Error,
            forward(tx, |p| SocketSignal::Error(payload_text(&p))),
        )
        .on_any(move |event, payload, _client| {
            let tx = any_tx.clone();
            async move {
                if let Some((name, args)) = event_parts(event, payload) {
                    let _ = tx.send((generation, SocketSignal::Event(name, args))).await;
                }
            }
            .boxed()
        })
}

/// Splits what rust_socketio hands to `on_any` into an event name and arguments. An
/// event without arguments (`["pong"]`) arrives as a `message` event whose only
/// argument is the name.
fn event_parts(event: Event, payload: Payload) -> Option<(String, Vec<Value>)> {
    let Payload::Text(args) = payload else {
        return None;
    };
    match event {
        Event::Custom(name) => Some((name, args)),
        Event::Message => match args.as_slice() {
            [Value::String(name)] => Some((name.clone(), Vec::new())),
            _ => Some(("message".to_owned(), args)),
        },
        _ => None,
    }
}

#[allow(deprecated)]
fn payload_text(p: &Payload) -> String {
    match p {
        Payload::Text(values) => values
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" "),
        Payload::String(s) => s.clone(),
        Payload::Binary(_) => "<binary>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_error_text_is_parsed() {
        assert_eq!(
            connect_error_message(r#"Received an ConnectError frame: {"message":"unauthorized"}"#)
                .as_deref(),
            Some("unauthorized")
        );
        assert_eq!(connect_error_message("Network error"), None);
    }

    #[test]
    fn argumentless_events_are_recovered_from_message() {
        let (name, args) = event_parts(Event::Message, Payload::Text(vec![json!("pong")])).unwrap();
        assert_eq!(name, "pong");
        assert!(args.is_empty());
        let (name, args) = event_parts(
            Event::Custom("review:expired".into()),
            Payload::Text(vec![json!({"messageId": "m1"})]),
        )
        .unwrap();
        assert_eq!(name, "review:expired");
        assert_eq!(args.len(), 1);
    }

    #[test]
    fn states_describe_themselves() {
        let now = Utc::now();
        let s = SessionState::Offline {
            attempt: 2,
            retry_at: now + chrono::Duration::seconds(4),
            reason: "connection refused".into(),
        };
        assert_eq!(
            s.describe(now),
            "Offline: connection refused (retry in 4 s)"
        );
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["state"], "offline");
        assert_eq!(json["attempt"], 2);
    }
}
