//! Reviews raised when the [planner](crate::attention::planner) says: at once, after Do
//! Not Disturb, about to expire, after a snooze, as a reminder. Follows the attention
//! commands (arrivals, settled reviews, snoozes), the desktop's Do Not Disturb, the
//! settings and the clock; keeps the snoozes in their file; redraws the tray each minute
//! while reviews wait (its tooltip says how long). Raises notifications only: nothing
//! here answers a review.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::{broadcast, mpsc};

use super::inbox;
use crate::app::{CoreEvent, Live};
use crate::attention::planner::{Found, Pending, Planner, Raise, Why};
use crate::attention::rules::review_urgency;
use crate::attention::snoozes::SnoozeStore;
use crate::attention::{Command, SnoozedReview};
use crate::ipc::Ctx;
use crate::notify::NotificationCenter;
use crate::text;
use accounts::key_of;

mod accounts;

/// An account whose reviews are planned: its web address and name.
type AccountKey = (String, String);

/// One planner for the reviews of every live account (review ids are the servers' own,
/// unique across them); the snoozes are kept per account.
struct State {
    ctx: Ctx,
    center: NotificationCenter,
    planner: Planner,
    store: SnoozeStore,
    /// The live accounts planned for.
    accounts: Vec<(AccountKey, Arc<Live>)>,
    /// The account of each snoozed review.
    owners: BTreeMap<String, AccountKey>,
    /// The snoozes as last written.
    written: BTreeMap<String, DateTime<Utc>>,
    /// Every live account's inbox has synced with its server since the accounts last
    /// changed: a snoozed review no inbox lists is gone.
    synced: bool,
}

/// Follows attention until the commands end.
pub(super) async fn follow(
    ctx: Ctx,
    center: NotificationCenter,
    mut commands: mpsc::UnboundedReceiver<Command>,
) {
    let clock = ctx.attention.clock().clone();
    let mut dnd = ctx.attention.watch_dnd();
    let mut events = ctx.core.subscribe();
    let mut me = State {
        store: SnoozeStore::in_dir(&ctx.core.paths().data_dir),
        ctx,
        center,
        planner: Planner::default(),
        accounts: Vec::new(),
        owners: BTreeMap::new(),
        written: BTreeMap::new(),
        synced: false,
    };
    loop {
        let lives = me.check_accounts();
        let now = clock.now();
        let wake = me.next_wake(&lives, now);
        let sleep = async {
            match wake {
                Some(t) => clock.wake_at(t).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            c = commands.recv() => match c {
                Some(c) => me.handle(c),
                None => return,
            },
            changed = dnd.changed() => {
                if changed.is_err() {
                    return;
                }
                me.dnd_changed();
            }
            e = events.recv() => match e {
                Ok(CoreEvent::ConfigChanged) => me.dnd_changed(),
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            },
            () = sleep => me.tick(),
        }
        me.persist();
    }
}

impl State {
    /// The next time to look: a planned raise, or the next minute while reviews wait
    /// (the tray's tooltip and badge age with them).
    fn next_wake(&self, lives: &[Arc<Live>], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if lives.is_empty() {
            return None;
        }
        let prefs = self.ctx.core.config().attention;
        let planned = self
            .synced
            .then(|| self.planner.next_wake(&prefs))
            .flatten();
        let minute = lives
            .iter()
            .any(|l| !l.inbox.awaiting().is_empty())
            .then(|| now + Duration::minutes(1));
        [planned, minute].into_iter().flatten().min()
    }

    fn dnd_on(&self) -> bool {
        self.ctx.core.config().attention.follow_dnd && self.ctx.attention.dnd().on
    }

    fn handle(&mut self, c: Command) {
        let lives = self.check_accounts();
        let now = self.ctx.attention.now();
        let live_of = |id: &str| self.ctx.core.live_of_review(id);
        match c {
            Command::Arrived(id) => {
                let Some(live) = live_of(&id) else { return };
                let Found::Pending(p) = self.found(&live, &id, now) else {
                    return;
                };
                let prefs = self.ctx.core.config().attention;
                if let Some(r) = self.planner.arrived(&p, now, &prefs) {
                    self.raise(&live, &r, now);
                }
            }
            Command::Settled(id) => {
                self.planner.settled(&id);
            }
            Command::Synced => self.synced = true,
            Command::Snooze { message_id, until } => {
                let Some(live) = live_of(&message_id) else {
                    return;
                };
                self.owners.insert(message_id.clone(), key_of(&live));
                self.planner.snooze(&message_id, until);
                self.center.withdraw(&message_id);
                tracing::info!(until = %until, "a review was snoozed");
            }
            Command::Unsnooze { message_id, reply } => {
                let ids: Vec<String> = match message_id {
                    Some(id) => vec![id],
                    None => self
                        .planner
                        .snoozed()
                        .map(|(id, _)| id.to_owned())
                        .collect(),
                };
                let taken: Vec<String> = ids
                    .into_iter()
                    .filter(|id| self.planner.unsnooze(id))
                    .collect();
                for id in &taken {
                    let Some(live) = live_of(id) else { continue };
                    if let Found::Pending(_) = self.found(&live, id, now) {
                        let r = Raise {
                            id: id.clone(),
                            why: Why::SnoozeOver,
                        };
                        self.raise(&live, &r, now);
                    }
                }
                for id in &taken {
                    self.owners.remove(id);
                }
                let _ = reply.send(taken.len());
            }
            Command::List(reply) => {
                let mut list: Vec<SnoozedReview> = self
                    .planner
                    .snoozed()
                    .map(|(id, until)| {
                        let live = lives.iter().find(|l| l.inbox.get(id).is_some());
                        let m = live.and_then(|l| l.inbox.get(id));
                        SnoozedReview {
                            message_id: id.to_owned(),
                            agent: match (&m, live) {
                                (Some(m), Some(l)) => l.inbox.agent_name(m),
                                _ => self.stored_agent(id),
                            },
                            title: m.map(|m| {
                                text::one_line(&text::markdown_to_plain(m.first_line()), 80)
                            }),
                            until,
                        }
                    })
                    .collect();
                list.sort_by(|a, b| a.until.cmp(&b.until).then(a.message_id.cmp(&b.message_id)));
                let _ = reply.send(list);
            }
        }
    }

    /// Do Not Disturb (or whether to follow it) changed: what it held back is raised
    /// when it ends.
    fn dnd_changed(&mut self) {
        if self.check_accounts().is_empty() {
            return;
        }
        let on = self.dnd_on();
        if on == self.planner.dnd() {
            return;
        }
        let dnd = self.ctx.attention.dnd();
        tracing::info!(on, by = ?dnd.by, "Do Not Disturb");
        let now = self.ctx.attention.now();
        let (ctx, synced) = (&self.ctx, self.synced);
        let lookup = |id: &str| found_anywhere(ctx, synced, id, now);
        let raise = self.planner.set_dnd(on, now, &lookup);
        self.raise_all(&raise, now);
    }

    /// The clock reached a planned time (or a minute passed): raise what is due, redraw
    /// the tray.
    fn tick(&mut self) {
        if self.check_accounts().is_empty() {
            return;
        }
        self.ctx.tray.refresh();
        if !self.synced {
            return;
        }
        let now = self.ctx.attention.now();
        let prefs = self.ctx.core.config().attention;
        let (ctx, synced) = (&self.ctx, self.synced);
        let lookup = |id: &str| found_anywhere(ctx, synced, id, now);
        let raise = self.planner.due(now, &prefs, &lookup);
        self.raise_all(&raise, now);
    }

    /// Raises each review in its own account.
    fn raise_all(&self, raise: &[Raise], now: DateTime<Utc>) {
        for r in raise {
            if let Some(live) = self.ctx.core.live_of_review(&r.id) {
                self.raise(&live, r, now);
            }
        }
    }

    fn found(&self, live: &Live, id: &str, now: DateTime<Utc>) -> Found {
        found(&self.ctx, self.synced, live, id, now)
    }

    /// Shows review `r.id`'s notification, saying why it comes now; one that comes back
    /// is withdrawn first, so it pops up again with its sound.
    fn raise(&self, live: &Live, r: &Raise, now: DateTime<Utc>) {
        let Some(m) = live.inbox.get(&r.id) else {
            return;
        };
        let Some((notice, agent)) = inbox::review_notice(&self.ctx, live, &m) else {
            return;
        };
        let prefs = self.ctx.core.config().attention;
        let (_, critical) = review_urgency(&m, now, &prefs);
        let notice = text::raised_notice(notice, r.why, critical, now - m.created_at);
        if r.why != Why::New {
            self.center.withdraw(&r.id);
        }
        tracing::debug!(why = ?r.why, urgency = ?notice.urgency, "a review raised");
        placet_client::latency::mark("notice", || r.id.clone());
        self.center.review(notice, &agent);
        self.ctx.windows.prewarm();
    }
}

/// What the inbox says of review `id` now.
fn found(ctx: &Ctx, synced: bool, live: &Live, id: &str, now: DateTime<Utc>) -> Found {
    match live.inbox.get(id) {
        Some(m) if m.is_pending_review() && !live.inbox.is_sending(id) => Found::Pending(Pending {
            id: id.to_owned(),
            expires_at: m.review.as_ref().and_then(|r| r.expires_at),
            allowed: ctx.core.config().notifications.allows(&m.channel_id, now),
        }),
        Some(_) => Found::Gone,
        None if synced => Found::Gone,
        None => Found::NotYet,
    }
}

/// What the inbox of its account says of review `id` now.
fn found_anywhere(ctx: &Ctx, synced: bool, id: &str, now: DateTime<Utc>) -> Found {
    match ctx.core.live_of_review(id) {
        Some(live) => found(ctx, synced, &live, id, now),
        None if synced => Found::Gone,
        None => Found::NotYet,
    }
}
