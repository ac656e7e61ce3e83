//! A connected socket: events, liveness, and when the REST re-syncs run.
//!
//! Only the socket decides whether we are connected. A re-sync that fails (429, 5xx,
//! timeout, no network) is retried on its own schedule ([`super::sync`]) while the
//! socket stays up; only a 401 ends the connection, as `AuthExpired`.

use std::collections::HashSet;

use chrono::Utc;
use rust_socketio::asynchronous::Client as SocketClient;
use rust_socketio::Payload;
use serde_json::Value;
use tokio::time::{sleep_until, Instant};

use super::socket::short;
use super::sync::{Outcome, Schedule, SyncError};
use super::{Command, End, Runner, SessionState, SocketSignal};
use crate::protocol::ServerEvent;

/// What one connection keeps.
pub(super) struct Connection {
    pub(super) subscribed: HashSet<String>,
    /// Channels whose unknown agent already triggered an agent-list refresh.
    pub(super) adopted: HashSet<String>,
    pub(super) schedule: Schedule,
    pub(super) drafts_checked: bool,
    /// When the last `pong` arrived: the socket is healthy while they keep coming.
    pub(super) last_pong: Option<Instant>,
}

impl Runner {
    /// Runs a connected socket until it ends.
    pub(super) async fn serve(&mut self, client: &SocketClient) -> End {
        let generation = self.generation;
        let cadence = self.config.cadence(self.api_key());
        let mut conn = Connection {
            subscribed: HashSet::new(),
            adopted: HashSet::new(),
            schedule: Schedule::connected(cadence, Instant::now()),
            drafts_checked: false,
            last_pong: None,
        };
        // Agents known from an earlier connection are subscribed at once, so their
        // channel events flow even if the first re-sync fails.
        for agent in self.inbox.agents() {
            subscribe(client, &mut conn.subscribed, &agent.id).await;
        }
        if let Err(end) = self.run_sync(client, &mut conn).await {
            return end;
        }
        self.set_state(SessionState::Connected { since: Utc::now() });

        let mut ping = tokio::time::interval_at(
            Instant::now() + self.config.ping_interval,
            self.config.ping_interval,
        );
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut pong_deadline: Option<Instant> = None;

        loop {
            let (sync_at, _) = conn.schedule.next();
            tokio::select! {
                // Socket signals before timers: a pong that queued up while a re-sync
                // ran must be seen before its deadline is judged.
                biased;
                cmd = self.commands.recv() => match cmd {
                    None | Some(Command::Shutdown) => return End::Shutdown,
                    Some(Command::ReconnectNow) => return End::ReconnectNow,
                    Some(Command::ResyncNow) => conn.schedule.full_now(Instant::now()),
                },
                signal = self.sock_rx.recv() => {
                    let Some((g, signal)) = signal else { return End::Shutdown };
                    if g != generation {
                        continue;
                    }
                    match signal {
                        SocketSignal::Connected => {}
                        SocketSignal::Closed => {
                            return End::failed("the server closed the connection", false)
                        }
                        SocketSignal::Error(text) => {
                            return End::failed(format!("connection lost: {}", short(&text)), false)
                        }
                        SocketSignal::Event(name, args) => match ServerEvent::decode(&name, &args) {
                            Ok(Some(ServerEvent::Pong)) => {
                                pong_deadline = None;
                                conn.last_pong = Some(Instant::now());
                            }
                            Ok(Some(event)) => {
                                if let ServerEvent::MessageCreated(m) = &event {
                                    crate::latency::mark("session", || m.id.clone());
                                }
                                self.handle_event(client, &mut conn, event).await
                            }
                            Ok(None) => tracing::trace!(event = %name, "event not used"),
                            Err(e) => tracing::warn!(error = %e, "malformed event skipped"),
                        },
                    }
                },
                _ = async { sleep_until(pong_deadline.unwrap_or_else(Instant::now)).await }, if pong_deadline.is_some() => {
                    return End::failed("the server stopped answering (no pong)", false);
                },
                _ = ping.tick() => {
                    if let Err(e) = client.emit("ping", Payload::Text(Vec::new())).await {
                        return End::failed(format!("cannot send ping: {e}"), false);
                    }
                    if pong_deadline.is_none() {
                        pong_deadline = Some(Instant::now() + self.config.pong_timeout);
                    }
                },
                _ = sleep_until(sync_at) => {
                    if let Err(end) = self.run_sync(client, &mut conn).await {
                        return end;
                    }
                },
            }
        }
    }

    /// Runs the due re-sync. Only an expired sign-in ends the connection; any other
    /// failure is rescheduled and the socket stays.
    async fn run_sync(&mut self, client: &SocketClient, conn: &mut Connection) -> Result<(), End> {
        let (_, kind) = conn.schedule.next();
        match self.resync(client, conn, kind).await {
            Ok(quiet) => {
                let now = Instant::now();
                let healthy = conn.last_pong.is_some_and(|t| {
                    now.duration_since(t)
                        <= self.config.ping_interval * 2 + self.config.pong_timeout
                });
                conn.schedule
                    .succeeded(kind, now, Outcome { healthy, quiet });
                Ok(())
            }
            Err(SyncError::Auth) => Err(End::AuthExpired),
            Err(SyncError::Retry {
                what,
                after,
                rate_limited,
            }) => {
                tracing::warn!(reason = %what, retry_after_ms = after.map(|d| d.as_millis() as u64), "re-sync failed; retrying, connection kept");
                conn.schedule
                    .failed(kind, Instant::now(), after, rate_limited);
                Ok(())
            }
            Err(SyncError::Refused { what }) => {
                tracing::warn!(reason = %what, "re-sync refused; trying again later, connection kept");
                conn.schedule.refused(kind, Instant::now());
                Ok(())
            }
        }
    }

    async fn handle_event(
        &mut self,
        client: &SocketClient,
        conn: &mut Connection,
        event: ServerEvent,
    ) {
        // The agent list is refreshed before the event is applied, so a UI sees the new
        // agent's name with its first review.
        let unknown = match &event {
            ServerEvent::MessageCreated(m) => Some(m.channel_id.clone()),
            ServerEvent::AgentStatus(s) => Some(s.agent_id.clone()),
            _ => None,
        }
        .filter(|id| !self.inbox.knows_agent(id));
        if let Some(channel) = unknown {
            self.adopt(client, conn, &channel).await;
        }
        self.inbox.apply(&event);
    }

    /// An agent we did not know (created while we run: no server event announces it):
    /// subscribe to its channel, so its `review:responded` and `review:expired` reach us,
    /// and refresh the agent list, once per agent and connection.
    pub(super) async fn adopt(
        &mut self,
        client: &SocketClient,
        conn: &mut Connection,
        channel: &str,
    ) {
        subscribe(client, &mut conn.subscribed, channel).await;
        if !conn.adopted.insert(channel.to_owned()) {
            return;
        }
        tracing::info!(%channel, "an agent not yet listed; subscribing and refreshing the list");
        match self.fetch_agents().await {
            Ok(agents) => self.inbox.set_agents(agents),
            Err(e) => tracing::warn!(error = %e, "cannot refresh the agent list"),
        }
    }
}

pub(super) async fn subscribe(
    client: &SocketClient,
    subscribed: &mut HashSet<String>,
    channel: &str,
) {
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
