//! The accounts the planner plans for: a signed-out account's plans forgotten, a new
//! one's snoozes loaded, and each account's snoozes written back to the file.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{AccountKey, State};
use crate::app::Live;
use crate::attention::planner::Found;
use crate::attention::snoozes::Snooze;
use crate::ipc::Ctx;

pub(super) fn key_of(live: &Live) -> AccountKey {
    (
        live.account.server.display().to_owned(),
        live.account.name.clone(),
    )
}

impl State {
    /// The live accounts, after forgetting the plans of an account gone and loading the
    /// snoozes of one come.
    pub(super) fn check_accounts(&mut self) -> Vec<Arc<Live>> {
        let lives = self.ctx.core.lives();
        let keys: Vec<AccountKey> = lives.iter().map(|l| key_of(l)).collect();
        let was: Vec<AccountKey> = self.accounts.iter().map(|(k, _)| k.clone()).collect();
        if keys != was {
            for (key, live) in std::mem::take(&mut self.accounts) {
                if keys.contains(&key) {
                    continue;
                }
                for m in live.inbox.pending() {
                    self.planner.settled(&m.id);
                }
                let theirs: Vec<String> = self
                    .owners
                    .iter()
                    .filter(|(_, k)| **k == key)
                    .map(|(id, _)| id.clone())
                    .collect();
                for id in theirs {
                    self.planner.unsnooze(&id);
                    self.owners.remove(&id);
                    self.written.remove(&id);
                }
            }
            let stored = self.store.load();
            for (key, live) in keys.iter().zip(&lives) {
                if was.contains(key) {
                    continue;
                }
                prune_history(&self.ctx, live);
                for s in stored.iter().filter(|s| s.of(&key.0, &key.1)) {
                    self.planner.snooze(&s.message_id, s.until);
                    self.owners.insert(s.message_id.clone(), key.clone());
                    self.written.insert(s.message_id.clone(), s.until);
                }
            }
            self.synced = false;
            let on = self.dnd_on();
            let now = self.ctx.attention.now();
            self.planner.set_dnd(on, now, &|_| Found::NotYet);
        }
        // The same accounts may be new sessions (signed in again): keep the ones live.
        self.accounts = keys.into_iter().zip(lives.iter().cloned()).collect();
        if !lives.is_empty() && lives.iter().all(|l| l.state().is_connected()) {
            self.synced = true;
        }
        lives
    }

    /// The agent of a snooze, as stored.
    pub(super) fn stored_agent(&self, id: &str) -> String {
        self.store
            .load()
            .into_iter()
            .find(|s| s.message_id == id)
            .map(|s| s.agent)
            .unwrap_or_else(|| "An agent".to_owned())
    }

    /// Writes the live accounts' snoozes when they changed (a signed-out account's are
    /// kept).
    pub(super) fn persist(&mut self) {
        if self.accounts.is_empty() {
            return;
        }
        let now: BTreeMap<String, DateTime<Utc>> = self
            .planner
            .snoozed()
            .map(|(id, t)| (id.to_owned(), t))
            .collect();
        if now == self.written {
            return;
        }
        let agent = |id: &str| {
            self.ctx
                .core
                .live_of_review(id)
                .and_then(|l| l.inbox.get(id).map(|m| l.inbox.agent_name(&m)))
                .unwrap_or_else(|| self.stored_agent(id))
        };
        let mine: Vec<Snooze> = now
            .iter()
            .filter_map(|(id, until)| {
                let (server, account) = self.owners.get(id)?.clone();
                Some(Snooze {
                    server,
                    account,
                    message_id: id.clone(),
                    until: *until,
                    agent: agent(id),
                })
            })
            .collect();
        let keys: Vec<&AccountKey> = self.accounts.iter().map(|(k, _)| k).collect();
        let written = self.store.update(|all| {
            all.retain(|s| !keys.iter().any(|(server, account)| s.of(server, account)));
            all.extend(mine);
        });
        match written {
            Ok(()) => self.written = now,
            Err(e) => tracing::warn!(error = %e, "cannot keep the snoozed reviews"),
        }
    }
}

/// Keeps the history to its retention (at sign-in; the history tab prunes too).
fn prune_history(ctx: &Ctx, live: &Live) {
    let outbox = live.outbox.clone();
    let days = ctx.core.config().attention.history_days;
    tokio::task::spawn_blocking(move || {
        if let Err(e) = crate::history::prune(&outbox, days, Utc::now()) {
            tracing::warn!(error = %e, "cannot prune the history");
        }
    });
}
