//! A connected socket: events, liveness, and the REST re-syncs that keep the inbox true.
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
use super::sync::{Schedule, SyncError, SyncKind};
use super::{Command, End, Runner, SessionState, SocketSignal};
use crate::error::ApiError;
use crate::inbox::Unlisted;
use crate::protocol::{Agent, Message, ServerEvent};
use crate::rest::Credential;

/// Reviews looked up after one snapshot, at most; the rest wait for the next one.
const MAX_LOOKUPS: usize = 10;
/// Drafts looked up after a reconnect, at most.
const MAX_DRAFT_LOOKUPS: usize = 5;

/// What one connection keeps.
struct Connection {
    subscribed: HashSet<String>,
    /// Channels whose unknown agent already triggered an agent-list refresh.
    adopted: HashSet<String>,
    schedule: Schedule,
    drafts_checked: bool,
}

impl Runner {
    /// Runs a connected socket until it ends.
    pub(super) async fn serve(&mut self, client: &SocketClient) -> End {
        let generation = self.generation;
        let mut conn = Connection {
            subscribed: HashSet::new(),
            adopted: HashSet::new(),
            schedule: Schedule::connected(self.config.cadence(), Instant::now()),
            drafts_checked: false,
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
                        SocketSignal::Closed => return End::Failed {
                            reason: "the server closed the connection".to_owned(),
                            offline: false,
                        },
                        SocketSignal::Error(text) => return End::Failed {
                            reason: format!("connection lost: {}", short(&text)),
                            offline: false,
                        },
                        SocketSignal::Event(name, args) => match ServerEvent::decode(&name, &args) {
                            Ok(Some(ServerEvent::Pong)) => pong_deadline = None,
                            Ok(Some(event)) => self.handle_event(client, &mut conn, event).await,
                            Ok(None) => tracing::trace!(event = %name, "event not used"),
                            Err(e) => tracing::warn!(error = %e, "malformed event skipped"),
                        },
                    }
                },
                _ = async { sleep_until(pong_deadline.unwrap_or_else(Instant::now)).await }, if pong_deadline.is_some() => {
                    return End::Failed { reason: "the server stopped answering (no pong)".to_owned(), offline: false };
                },
                _ = ping.tick() => {
                    if let Err(e) = client.emit("ping", Payload::Text(Vec::new())).await {
                        return End::Failed { reason: format!("cannot send ping: {e}"), offline: false };
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
            Ok(()) => {
                conn.schedule.succeeded(kind, Instant::now());
                Ok(())
            }
            Err(SyncError::Auth) => Err(End::AuthExpired),
            Err(SyncError::Retry { what, after }) => {
                tracing::warn!(reason = %what, retry_after_ms = after.map(|d| d.as_millis() as u64), "re-sync failed; retrying, connection kept");
                conn.schedule.failed(kind, Instant::now(), after);
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
    async fn adopt(&mut self, client: &SocketClient, conn: &mut Connection, channel: &str) {
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

    async fn fetch_agents(&self) -> Result<Vec<Agent>, ApiError> {
        match self.rest.credential() {
            Some(Credential::ApiKey(_)) => self.rest.agent_agents().await,
            _ => self.rest.agents().await,
        }
    }

    fn api_key(&self) -> bool {
        matches!(self.rest.credential(), Some(Credential::ApiKey(_)))
    }

    /// One re-sync: the agent list and subscriptions (for a full one), the pending
    /// reviews, then the lookups the snapshot calls for.
    async fn resync(
        &mut self,
        client: &SocketClient,
        conn: &mut Connection,
        kind: SyncKind,
    ) -> Result<(), SyncError> {
        if kind == SyncKind::Full {
            let agents = self
                .fetch_agents()
                .await
                .map_err(|e| SyncError::from_api("cannot list agents", &e))?;
            for a in &agents {
                subscribe(client, &mut conn.subscribed, &a.id).await;
            }
            self.inbox.set_agents(agents);
        }
        let mark = self.inbox.begin_sync();
        let pending = if self.api_key() {
            // The agent API lists pending reviews per channel only.
            let mut all = Vec::new();
            for agent in self.inbox.agents() {
                let mut part = self
                    .rest
                    .agent_pending_reviews(&agent.id)
                    .await
                    .map_err(|e| SyncError::from_api("cannot list pending reviews", &e))?;
                all.append(&mut part);
            }
            all
        } else {
            self.rest
                .pending_reviews()
                .await
                .map_err(|e| SyncError::from_api("cannot list pending reviews", &e))?
        };
        let mut unknown: Vec<String> = pending
            .iter()
            .map(|m| m.channel_id.clone())
            .filter(|c| !self.inbox.knows_agent(c))
            .collect();
        unknown.sort();
        unknown.dedup();
        tracing::debug!(?kind, pending = pending.len(), "re-synced");
        let unlisted = self.inbox.apply_snapshot(mark, pending);
        for channel in unknown {
            self.adopt(client, conn, &channel).await;
        }
        self.look_up_unlisted(unlisted).await?;
        if !conn.drafts_checked {
            conn.drafts_checked = true;
            self.look_up_drafts().await?;
        }
        Ok(())
    }

    /// Fetches one message, through the route the credential may use.
    async fn fetch_message(&self, id: &str, channel: &str) -> Result<Message, ApiError> {
        if self.api_key() {
            self.rest.agent_message(id, channel).await
        } else {
            self.rest.message(id).await
        }
    }

    /// Asks the server about reviews a snapshot no longer lists: gone (404, or 403 now
    /// that it is not ours) means the agent withdrew it. A lookup that fails for a
    /// passing reason leaves the review pending; the next snapshot asks again.
    async fn look_up_unlisted(&mut self, unlisted: Vec<String>) -> Result<(), SyncError> {
        if unlisted.len() > MAX_LOOKUPS {
            tracing::info!(
                count = unlisted.len(),
                "many reviews left the pending list; looking up {MAX_LOOKUPS} now"
            );
        }
        for id in unlisted.into_iter().take(MAX_LOOKUPS) {
            let Some(channel) = self.inbox.get(&id).map(|m| m.channel_id.clone()) else {
                continue;
            };
            match self.fetch_message(&id, &channel).await {
                Ok(m) => self
                    .inbox
                    .settle_unlisted(&id, Unlisted::Found(Box::new(m))),
                Err(ApiError::NotFound { .. } | ApiError::Forbidden { .. }) => {
                    self.inbox.settle_unlisted(&id, Unlisted::Withdrawn)
                }
                Err(e) if e.is_auth() => return Err(SyncError::Auth),
                Err(e) if e.is_transient() => {
                    tracing::debug!(error = %e, "lookup failed; the next snapshot asks again");
                    break;
                }
                Err(e) => tracing::warn!(message = %id, error = %e, "cannot look up a review"),
            }
        }
        Ok(())
    }

    /// Looks up streaming drafts that were open when a connection ended: their final
    /// text (or their abort) may have come while we were away.
    async fn look_up_drafts(&mut self) -> Result<(), SyncError> {
        for (id, channel) in self.inbox.open_drafts().into_iter().take(MAX_DRAFT_LOOKUPS) {
            match self.fetch_message(&id, &channel).await {
                Ok(m) => self.inbox.settle_draft(&id, Some(m)),
                Err(ApiError::NotFound { .. }) => self.inbox.settle_draft(&id, None),
                Err(e) if e.is_auth() => return Err(SyncError::Auth),
                Err(e) => tracing::debug!(error = %e, "cannot look up a draft"),
            }
        }
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
