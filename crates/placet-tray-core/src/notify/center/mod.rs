//! Which notifications actually pop up: one per review while they come one at a time;
//! one summary, updated in place, when they come in a burst or a flood.
//!
//! - A review (or, with "notify for all messages", an agent message) shows on its own
//!   unless [`CenterConfig::burst_size`] arrived within [`CenterConfig::burst_window`], or
//!   more than [`CenterConfig::flood_size`] of those raised within
//!   [`CenterConfig::flood_window`] are still on screen (a steady flood nobody keeps up
//!   with). Then it joins the summary, and the notifications of that window still on
//!   screen fold into it.
//! - The summary appears at once; later changes to it are coalesced: the first update
//!   waits [`CenterConfig::first_update`], each further one twice as long as the last,
//!   up to [`CenterConfig::slowest_update`] (far below four updates a second, and a
//!   steady flood costs a handful of updates a minute, not one per review). Only its first
//!   appearance makes a sound.
//! - A review answered or expired is withdrawn at once, or leaves the summary (which
//!   closes when nothing is left in it).
//!
//! One task owns this state, so raising and withdrawing happen in order.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::{sleep_until, Instant};

use super::{Notice, NoticeKey, NoticeKind, Notifier, Urgency};
use crate::text;

/// The folding rules.
#[derive(Debug, Clone)]
pub struct CenterConfig {
    pub burst_window: Duration,
    /// This many within `burst_window` fold into the summary.
    pub burst_size: usize,
    pub flood_window: Duration,
    /// More than this many raised within `flood_window` and still on screen fold into
    /// the summary.
    pub flood_size: usize,
    /// The summary's first update comes no sooner than this after it appeared.
    pub first_update: Duration,
    /// The longest wait between two updates of the summary.
    pub slowest_update: Duration,
}

impl Default for CenterConfig {
    fn default() -> Self {
        Self {
            burst_window: Duration::from_secs(2),
            burst_size: 5,
            flood_window: Duration::from_secs(60),
            flood_size: 10,
            first_update: Duration::from_secs(1),
            slowest_update: Duration::from_secs(10),
        }
    }
}

/// What a summary member is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Review,
    Message,
}

#[derive(Debug)]
enum Command {
    /// A new pending review, or (with `Kind::Message`) an agent message.
    Raise {
        notice: Notice,
        agent: String,
        kind: Kind,
    },
    /// A shown review changed: replace its notification without a sound.
    Refresh(Notice),
    /// A review was answered, expired or withdrawn.
    Withdraw(String),
    /// Information, shown as given (not folded).
    Info(Notice),
    Close(NoticeKey),
    /// The platform closed this one (the person dismissed it).
    Dismissed(NoticeKey),
    WithdrawAll,
    /// Answered once everything before it was handled.
    Flush(oneshot::Sender<()>),
}

/// The handle of the notification center. Cheap to clone.
#[derive(Debug, Clone)]
pub struct NotificationCenter {
    commands: mpsc::UnboundedSender<Command>,
}

impl NotificationCenter {
    /// Starts the center over a platform notifier.
    pub fn spawn(notifier: Arc<dyn Notifier>, config: CenterConfig) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let state = State {
            notifier,
            config,
            shown: HashMap::new(),
            recent: VecDeque::new(),
            summary: None,
            infos: HashSet::new(),
        };
        tokio::spawn(state.run(rx));
        Self { commands: tx }
    }

    fn send(&self, c: Command) {
        let _ = self.commands.send(c);
    }

    /// A new pending review's notice (the caller has checked the preferences).
    pub fn review(&self, notice: Notice, agent: &str) {
        self.send(Command::Raise {
            notice,
            agent: agent.to_owned(),
            kind: Kind::Review,
        });
    }

    /// An agent message's notice (when notifying for every message).
    pub fn message(&self, notice: Notice, agent: &str) {
        self.send(Command::Raise {
            notice,
            agent: agent.to_owned(),
            kind: Kind::Message,
        });
    }

    /// A pending review changed: its notification, if shown on its own, is replaced
    /// quietly.
    pub fn refresh(&self, notice: Notice) {
        self.send(Command::Refresh(notice));
    }

    /// The review is settled: its notification closes (or it leaves the summary).
    pub fn withdraw(&self, message_id: &str) {
        self.send(Command::Withdraw(message_id.to_owned()));
    }

    /// Shows (or replaces) an informational notice.
    pub fn info(&self, notice: Notice) {
        self.send(Command::Info(notice));
    }

    /// Closes an informational notice.
    pub fn close(&self, key: NoticeKey) {
        self.send(Command::Close(key));
    }

    /// The platform reports that a notice was closed by the person.
    pub fn dismissed(&self, key: NoticeKey) {
        self.send(Command::Dismissed(key));
    }

    /// Closes everything (sign-out, quit).
    pub fn withdraw_all(&self) {
        self.send(Command::WithdrawAll);
    }

    /// Waits until every call made before this one took effect.
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        self.send(Command::Flush(tx));
        let _ = rx.await;
    }
}

struct Summary {
    members: BTreeMap<NoticeKey, (String, Kind)>,
    /// On screen (it may not be yet, or the person dismissed it).
    shown: bool,
    /// A change waits for `next_update`.
    dirty: bool,
    next_update: Instant,
    /// The wait after the next update.
    interval: Duration,
}

struct State {
    notifier: Arc<dyn Notifier>,
    config: CenterConfig,
    /// Review and message notices on screen on their own, with their agent.
    shown: HashMap<NoticeKey, (String, Kind)>,
    /// Everything raised within the flood window, oldest first.
    recent: VecDeque<(Instant, NoticeKey)>,
    summary: Option<Summary>,
    infos: HashSet<NoticeKey>,
}

impl State {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Command>) {
        loop {
            let due = self
                .summary
                .as_ref()
                .filter(|s| s.dirty)
                .map(|s| s.next_update);
            tokio::select! {
                cmd = rx.recv() => match cmd {
                    Some(c) => self.handle(c),
                    None => return,
                },
                _ = async { sleep_until(due.unwrap_or_else(Instant::now)).await }, if due.is_some() => {
                    self.update_summary();
                }
            }
        }
    }

    fn handle(&mut self, c: Command) {
        match c {
            Command::Raise {
                notice,
                agent,
                kind,
            } => self.raise(notice, agent, kind),
            Command::Refresh(notice) => {
                if self.shown.contains_key(&notice.key) {
                    self.notifier.show(Notice {
                        sound: false,
                        ..notice
                    });
                }
            }
            Command::Withdraw(id) => self.withdraw(NoticeKey::Review(id)),
            Command::Info(notice) => {
                self.infos.insert(notice.key.clone());
                self.notifier.show(notice);
            }
            Command::Close(key) => {
                if self.infos.remove(&key) {
                    self.notifier.withdraw(&key);
                }
            }
            Command::Dismissed(key) => self.dismissed(key),
            Command::WithdrawAll => {
                self.notifier.withdraw_all();
                self.shown.clear();
                self.infos.clear();
                self.recent.clear();
                self.summary = None;
            }
            Command::Flush(done) => {
                let _ = done.send(());
            }
        }
    }

    fn known(&self, key: &NoticeKey) -> bool {
        self.shown.contains_key(key)
            || self
                .summary
                .as_ref()
                .is_some_and(|s| s.members.contains_key(key))
    }

    fn raise(&mut self, notice: Notice, agent: String, kind: Kind) {
        let key = notice.key.clone();
        if self.known(&key) {
            return;
        }
        let now = Instant::now();
        while self
            .recent
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) > self.config.flood_window)
        {
            self.recent.pop_front();
        }
        self.recent.push_back((now, key.clone()));
        let in_burst = self
            .recent
            .iter()
            .filter(|(t, _)| now.duration_since(*t) <= self.config.burst_window)
            .count();
        // The flood rule counts only what is still on screen (the new one included): a
        // person who answers each review as it comes is not flooded. Counted only when
        // the burst rule has not already decided.
        // A critical review (about to expire, or marked urgent) always shows on its own.
        let fold = notice.urgency < Urgency::Critical
            && (in_burst >= self.config.burst_size
                || self
                    .recent
                    .iter()
                    .filter(|(_, k)| *k == key || self.known(k))
                    .count()
                    > self.config.flood_size);
        if !fold {
            placet_client::latency::mark("center", || key.tag());
            self.shown.insert(key, (agent, kind));
            self.notifier.show(notice);
            return;
        }
        // Fold what this window raised and is still on screen into the summary.
        let window: Vec<NoticeKey> = self.recent.iter().map(|(_, k)| k.clone()).collect();
        let mut folded = Vec::new();
        for k in window {
            if let Some(member) = self.shown.remove(&k) {
                self.notifier.withdraw(&k);
                folded.push((k, member));
            }
        }
        let summary = self.summary.get_or_insert_with(|| Summary {
            members: BTreeMap::new(),
            shown: false,
            dirty: false,
            next_update: now,
            interval: Duration::ZERO,
        });
        summary.members.extend(folded);
        summary.members.insert(key, (agent, kind));
        self.mark_summary(notice.sound);
    }

    /// The summary changed: show it now if it is not on screen, else update it when due.
    fn mark_summary(&mut self, sound: bool) {
        let Some(s) = self.summary.as_mut() else {
            return;
        };
        if !s.shown {
            s.shown = true;
            s.dirty = false;
            s.next_update = Instant::now() + self.config.first_update;
            s.interval = self.config.first_update;
            self.show_summary(sound);
        } else {
            s.dirty = true;
        }
    }

    fn update_summary(&mut self) {
        let slowest = self.config.slowest_update;
        let Some(s) = self.summary.as_mut() else {
            return;
        };
        s.dirty = false;
        s.interval = (s.interval * 2).min(slowest);
        s.next_update = Instant::now() + s.interval;
        self.show_summary(false);
    }

    fn show_summary(&mut self, sound: bool) {
        let Some(s) = self.summary.as_ref() else {
            return;
        };
        let mut reviews = 0;
        let mut messages = 0;
        let mut by_agent: BTreeMap<&str, usize> = BTreeMap::new();
        for (agent, kind) in s.members.values() {
            match kind {
                Kind::Review => reviews += 1,
                Kind::Message => messages += 1,
            }
            if !agent.is_empty() {
                *by_agent.entry(agent.as_str()).or_default() += 1;
            }
        }
        let by_agent: Vec<(String, usize)> = by_agent
            .into_iter()
            .map(|(a, n)| (a.to_owned(), n))
            .collect();
        let (title, body) = text::summary_notice(reviews, messages, &by_agent);
        self.notifier.show(Notice {
            key: NoticeKey::Summary,
            title,
            body,
            actions: Vec::new(),
            open_label: Some("Open inbox".to_owned()),
            without_buttons: None,
            reply: None,
            sound,
            persistent: reviews > 0,
            kind: if reviews > 0 {
                NoticeKind::Decision
            } else {
                NoticeKind::Message
            },
            urgency: Urgency::Normal,
        });
    }

    fn withdraw(&mut self, key: NoticeKey) {
        if self.shown.remove(&key).is_some() {
            self.notifier.withdraw(&key);
            return;
        }
        let Some(s) = self.summary.as_mut() else {
            return;
        };
        if s.members.remove(&key).is_none() {
            return;
        }
        if s.members.is_empty() {
            let was_shown = s.shown;
            self.summary = None;
            if was_shown {
                self.notifier.withdraw(&NoticeKey::Summary);
            }
        } else {
            self.mark_summary(false);
        }
    }

    fn dismissed(&mut self, key: NoticeKey) {
        match &key {
            NoticeKey::Summary => {
                // Its members stay pending in the tray and the inbox; a later burst starts
                // a new summary.
                self.summary = None;
            }
            NoticeKey::Info(_) => {
                self.infos.remove(&key);
            }
            NoticeKey::Review(_) => {
                self.shown.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests;
