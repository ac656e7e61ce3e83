//! One REST re-sync while connected: the agent list and subscriptions, the pending
//! reviews, then the lookups the snapshot calls for.

use rust_socketio::asynchronous::Client as SocketClient;

use super::serve::{subscribe, Connection};
use super::sync::{SyncError, SyncKind};
use super::Runner;
use crate::error::ApiError;
use crate::inbox::Unlisted;
use crate::protocol::{Agent, Message};
use crate::rest::Credential;

/// Reviews looked up after one snapshot, at most; the rest wait for the next one.
const MAX_LOOKUPS: usize = 10;
/// Drafts looked up after a reconnect, at most.
const MAX_DRAFT_LOOKUPS: usize = 5;

impl Runner {
    pub(super) async fn fetch_agents(&self) -> Result<Vec<Agent>, ApiError> {
        match self.rest.credential() {
            Some(Credential::ApiKey(_)) => self.rest.agent_agents().await,
            _ => self.rest.agents().await,
        }
    }

    /// A watch-only session: an agent API key, which lists pending reviews per agent
    /// only and hears no `agent:status`.
    pub(super) fn api_key(&self) -> bool {
        matches!(self.rest.credential(), Some(Credential::ApiKey(_)))
    }

    /// One re-sync of `kind`. `Ok(true)` when it was quiet: the snapshot brought
    /// nothing the events had not.
    pub(super) async fn resync(
        &mut self,
        client: &SocketClient,
        conn: &mut Connection,
        kind: SyncKind,
    ) -> Result<bool, SyncError> {
        if matches!(kind, SyncKind::Full | SyncKind::Agents) {
            let agents = self
                .fetch_agents()
                .await
                .map_err(|e| SyncError::from_api("cannot list agents", &e))?;
            for a in &agents {
                subscribe(client, &mut conn.subscribed, &a.id).await;
            }
            self.inbox.set_agents(agents);
        }
        if kind == SyncKind::Agents {
            return Ok(true);
        }
        let mark = self.inbox.begin_sync();
        let pending = self.fetch_pending().await?;
        let mut unknown: Vec<String> = pending
            .iter()
            .map(|m| m.channel_id.clone())
            .filter(|c| !self.inbox.knows_agent(c))
            .collect();
        unknown.sort();
        unknown.dedup();
        tracing::debug!(?kind, pending = pending.len(), "re-synced");
        let report = self.inbox.apply_snapshot_report(mark, pending);
        let quiet = report.is_quiet() && unknown.is_empty();
        for channel in unknown {
            self.adopt(client, conn, &channel).await;
        }
        self.look_up_unlisted(report.unlisted).await?;
        if !conn.drafts_checked {
            conn.drafts_checked = true;
            self.look_up_drafts().await?;
        }
        Ok(quiet)
    }

    /// Every pending review: one request with a user sign-in; one per agent with an
    /// API key (the agent API has no list across agents).
    async fn fetch_pending(&self) -> Result<Vec<Message>, SyncError> {
        let failed = |e: ApiError| SyncError::from_api("cannot list pending reviews", &e);
        if !self.api_key() {
            return self.rest.pending_reviews().await.map_err(failed);
        }
        let mut all = Vec::new();
        for agent in self.inbox.agents() {
            all.append(
                &mut self
                    .rest
                    .agent_pending_reviews(&agent.id)
                    .await
                    .map_err(failed)?,
            );
        }
        Ok(all)
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
