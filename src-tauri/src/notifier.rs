//! Native notifications over the freedesktop `org.freedesktop.Notifications` API.
//!
//! Notifications are built with notify-rust's [`Notification`] (its hint encoding is
//! the reference one) and sent through ONE zbus connection that subscribes to
//! `ActionInvoked` and `NotificationClosed` before the first notification goes out.
//! notify-rust's own `show_async` opens a connection per notification and subscribes to
//! its signals only after `Notify` returned, so a click arriving in that gap is lost;
//! one connection is also faster and lighter.
//!
//! One actor task owns every notification it raised, so raising and withdrawing happen
//! in order: a review answered a moment after it arrived never leaves a notification
//! behind.
//!
//! Bursts: when five or more new reviews arrive within two seconds, their individual
//! notifications are folded into one summary that is updated in place.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use notify_rust::{Hint, Notification, NotificationResponse, Timeout};
use tokio::sync::mpsc;

use crate::present::{escape_markup, one_line, Button, ButtonAction, ReviewNotice};

/// Window and size of a burst.
pub const BURST_WINDOW: Duration = Duration::from_secs(2);
pub const BURST_SIZE: usize = 5;

const APP_NAME: &str = "Placet Tray";
/// The packaged desktop file is named after the product (`Placet Tray.desktop`).
const DESKTOP_ENTRY: &str = "Placet Tray";
const ICON: &str = "placet-tray";

/// What the person did with a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotificationEvent {
    /// A review's notification: its body (open) or a button.
    Review {
        message_id: String,
        action: ButtonAction,
    },
    /// The burst summary was clicked: open the inbox.
    OpenInbox,
    /// The "sign in again" notification was clicked.
    OpenSignIn,
}

/// Informational notifications, one per key at a time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum InfoKey {
    AuthExpired,
    /// About an answer to this review.
    Delivery(String),
    /// An agent message (when notifying every message).
    Message(String),
}

#[derive(Debug)]
enum Command {
    Review {
        message_id: String,
        agent: String,
        notice: ReviewNotice,
        sound: bool,
    },
    Withdraw(String),
    WithdrawAll,
    Info {
        key: InfoKey,
        summary: String,
        body: String,
    },
    CloseInfo(InfoKey),
    Invoked {
        nid: u32,
        response: NotificationResponse,
    },
}

/// The notifier's handle. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Notifier {
    commands: mpsc::UnboundedSender<Command>,
}

impl Notifier {
    /// Starts the notifier; the person's actions arrive on `events`.
    pub fn spawn(events: mpsc::UnboundedSender<NotificationEvent>) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let actor = Actor {
            bus: None,
            commands: tx.clone(),
            events,
            reviews: HashMap::new(),
            targets: HashMap::new(),
            recent: VecDeque::new(),
            summary: None,
            infos: HashMap::new(),
        };
        tokio::spawn(actor.run(rx));
        Self { commands: tx }
    }

    /// Raises the notification of a new review (the shell has checked the preferences).
    pub fn review(&self, message_id: &str, agent: &str, notice: ReviewNotice, sound: bool) {
        let _ = self.commands.send(Command::Review {
            message_id: message_id.to_owned(),
            agent: agent.to_owned(),
            notice,
            sound,
        });
    }

    /// Closes a review's notification (answered, being answered, or expired).
    pub fn withdraw(&self, message_id: &str) {
        let _ = self.commands.send(Command::Withdraw(message_id.to_owned()));
    }

    /// Closes every notification (sign-out, quit).
    pub fn withdraw_all(&self) {
        let _ = self.commands.send(Command::WithdrawAll);
    }

    /// Raises (or replaces) an informational notification.
    pub fn info(&self, key: InfoKey, summary: &str, body: &str) {
        let _ = self.commands.send(Command::Info {
            key,
            summary: one_line(summary, 80),
            body: escape_markup(&one_line(body, 200)),
        });
    }

    /// Closes an informational notification.
    pub fn close_info(&self, key: InfoKey) {
        let _ = self.commands.send(Command::CloseInfo(key));
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Review(String),
    Summary,
    Info(InfoKey),
}

/// A notification on screen.
#[derive(Debug, Clone, Copy)]
struct Shown {
    nid: u32,
}

const DEST: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";

/// The D-Bus side: one connection, one proxy, signal listeners in place.
struct Bus {
    proxy: zbus::Proxy<'static>,
}

impl Bus {
    /// Connects and starts forwarding the server's signals to the actor.
    async fn connect(commands: mpsc::UnboundedSender<Command>) -> zbus::Result<Self> {
        let connection = zbus::Connection::session().await?;
        let proxy: zbus::Proxy<'static> = zbus::proxy::Builder::new(&connection)
            .destination(DEST)
            .path(PATH)
            .interface(DEST)
            .cache_properties(zbus::proxy::CacheProperties::No)
            .build()
            .await?;
        // One stream for both signals keeps their order: servers send ActionInvoked
        // and then NotificationClosed, and the click must be seen first.
        let mut signals = proxy.receive_all_signals().await?;
        tokio::spawn(async move {
            while let Some(m) = signals.next().await {
                let header = m.header();
                let cmd = match header.member().map(|m| m.as_str()) {
                    Some("ActionInvoked") => match m.body().deserialize::<(u32, String)>() {
                        Ok((nid, key)) => Command::Invoked {
                            nid,
                            response: if key == "default" {
                                NotificationResponse::Default
                            } else {
                                NotificationResponse::Action(key)
                            },
                        },
                        Err(e) => {
                            tracing::debug!(error = %e, "odd ActionInvoked");
                            continue;
                        }
                    },
                    Some("NotificationClosed") => match m.body().deserialize::<(u32, u32)>() {
                        Ok((nid, reason)) => Command::Invoked {
                            nid,
                            response: NotificationResponse::Closed(reason.into()),
                        },
                        Err(e) => {
                            tracing::debug!(error = %e, "odd NotificationClosed");
                            continue;
                        }
                    },
                    _ => continue,
                };
                if commands.send(cmd).is_err() {
                    return;
                }
            }
        });
        Ok(Self { proxy })
    }

    async fn notify(&self, n: &Notification, replaces: u32) -> zbus::Result<u32> {
        let hints: HashMap<&str, zbus::Variant<'_>> = n.hints.iter().map(Into::into).collect();
        self.proxy
            .call(
                "Notify",
                &(
                    &n.appname,
                    replaces,
                    &n.icon,
                    &n.summary,
                    &n.body,
                    &n.actions,
                    hints,
                    i32::from(n.timeout),
                ),
            )
            .await
    }

    async fn close(&self, nid: u32) {
        if let Err(e) = self
            .proxy
            .call::<_, _, ()>("CloseNotification", &(nid,))
            .await
        {
            tracing::debug!(error = %e, nid, "CloseNotification failed");
        }
    }
}

struct Summary {
    shown: Option<Shown>,
    /// Member reviews and their agents.
    members: BTreeMap<String, String>,
}

struct Actor {
    /// Connected lazily, and again after a failure (the bus may come later).
    bus: Option<Bus>,
    commands: mpsc::UnboundedSender<Command>,
    events: mpsc::UnboundedSender<NotificationEvent>,
    reviews: HashMap<String, Shown>,
    targets: HashMap<u32, Target>,
    /// Reviews raised recently, for burst detection.
    recent: VecDeque<(Instant, String, String)>,
    summary: Option<Summary>,
    infos: HashMap<InfoKey, Shown>,
}

impl Actor {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Command>) {
        while let Some(cmd) = rx.recv().await {
            match cmd {
                Command::Review {
                    message_id,
                    agent,
                    notice,
                    sound,
                } => self.review(message_id, agent, notice, sound).await,
                Command::Withdraw(id) => self.withdraw(&id).await,
                Command::WithdrawAll => self.withdraw_all().await,
                Command::Info { key, summary, body } => self.info(key, &summary, &body).await,
                Command::CloseInfo(key) => {
                    if let Some(s) = self.infos.remove(&key) {
                        self.targets.remove(&s.nid);
                        self.close(s.nid).await;
                    }
                }
                Command::Invoked { nid, response } => self.invoked(nid, response).await,
            }
        }
    }

    async fn review(
        &mut self,
        message_id: String,
        agent: String,
        notice: ReviewNotice,
        sound: bool,
    ) {
        if self.reviews.contains_key(&message_id)
            || self
                .summary
                .as_ref()
                .is_some_and(|s| s.members.contains_key(&message_id))
        {
            return;
        }
        let now = Instant::now();
        while self
            .recent
            .front()
            .is_some_and(|(t, _, _)| now.duration_since(*t) > BURST_WINDOW)
        {
            self.recent.pop_front();
        }
        self.recent
            .push_back((now, message_id.clone(), agent.clone()));
        let burst = self.recent.len() >= BURST_SIZE;
        if burst {
            // Fold the burst's individual notifications into the summary.
            let members: Vec<(String, String)> = self
                .recent
                .iter()
                .map(|(_, id, agent)| (id.clone(), agent.clone()))
                .collect();
            for (id, _) in &members {
                if let Some(s) = self.reviews.remove(id) {
                    self.targets.remove(&s.nid);
                    self.close(s.nid).await;
                }
            }
            let summary = self.summary.get_or_insert_with(|| Summary {
                shown: None,
                members: BTreeMap::new(),
            });
            summary.members.extend(members);
            self.show_summary(sound).await;
            return;
        }
        let mut n = base(&notice.summary, &notice.body, sound);
        n.action("default", "Open");
        for Button { key, label } in &notice.buttons {
            n.action(key, label);
        }
        n.hint(Hint::Category("im.received".into()));
        if let Some(shown) = self.show(&n, 0, Target::Review(message_id.clone())).await {
            self.reviews.insert(message_id, shown);
        }
    }

    async fn show_summary(&mut self, sound: bool) {
        let Some(summary) = self.summary.as_mut() else {
            return;
        };
        let count = summary.members.len();
        let mut by_agent: BTreeMap<&str, usize> = BTreeMap::new();
        for agent in summary.members.values() {
            *by_agent.entry(agent.as_str()).or_default() += 1;
        }
        let body = by_agent
            .iter()
            .map(|(agent, n)| format!("{} ({n})", one_line(agent, 40)))
            .collect::<Vec<_>>()
            .join(", ");
        let mut n = base(
            &format!("{count} reviews need you"),
            &escape_markup(&body),
            sound,
        );
        n.action("default", "Open inbox");
        n.hint(Hint::Category("im.received".into()));
        let replaces = summary.shown.map(|s| s.nid).unwrap_or(0);
        if let Some(shown) = self.show(&n, replaces, Target::Summary).await {
            if let Some(s) = self.summary.as_mut() {
                s.shown = Some(shown);
            }
        }
    }

    async fn withdraw(&mut self, message_id: &str) {
        if let Some(s) = self.reviews.remove(message_id) {
            self.targets.remove(&s.nid);
            self.close(s.nid).await;
            return;
        }
        let Some(summary) = self.summary.as_mut() else {
            return;
        };
        if summary.members.remove(message_id).is_none() {
            return;
        }
        if summary.members.is_empty() {
            if let Some(s) = self.summary.take().and_then(|s| s.shown) {
                self.targets.remove(&s.nid);
                self.close(s.nid).await;
            }
        } else {
            self.show_summary(false).await;
        }
    }

    async fn withdraw_all(&mut self) {
        let mut open: Vec<u32> = self.reviews.drain().map(|(_, s)| s.nid).collect();
        open.extend(self.summary.take().and_then(|s| s.shown).map(|s| s.nid));
        open.extend(self.infos.drain().map(|(_, s)| s.nid));
        for nid in open {
            self.close(nid).await;
        }
        self.targets.clear();
        self.recent.clear();
    }

    async fn info(&mut self, key: InfoKey, summary: &str, body: &str) {
        let mut n = base(summary, body, false);
        n.action("default", "Open");
        let replaces = self.infos.get(&key).map(|s| s.nid).unwrap_or(0);
        if let Some(shown) = self.show(&n, replaces, Target::Info(key.clone())).await {
            self.infos.insert(key, shown);
        }
    }

    /// The bus, connecting on first use (and again after it failed).
    async fn bus(&mut self) -> Option<&Bus> {
        if self.bus.is_none() {
            match Bus::connect(self.commands.clone()).await {
                Ok(b) => self.bus = Some(b),
                Err(e) => {
                    tracing::warn!(error = %e, "no notification service on the session bus");
                    return None;
                }
            }
        }
        self.bus.as_ref()
    }

    /// Sends (or replaces) a notification and remembers what it is about.
    async fn show(&mut self, n: &Notification, replaces: u32, target: Target) -> Option<Shown> {
        let result = self.bus().await?.notify(n, replaces).await;
        match result {
            Ok(nid) => {
                self.targets.insert(nid, target);
                Some(Shown { nid })
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot show a notification");
                // Reconnect next time: the bus or the server may have gone away.
                self.bus = None;
                None
            }
        }
    }

    async fn close(&mut self, nid: u32) {
        self.targets.remove(&nid);
        if let Some(bus) = self.bus().await {
            bus.close(nid).await;
        }
    }

    async fn invoked(&mut self, nid: u32, response: NotificationResponse) {
        let Some(target) = self.targets.get(&nid).cloned() else {
            return;
        };
        let event = match (&target, &response) {
            (_, NotificationResponse::Closed(_)) => {
                // Dismissed, expired, or closed after an action: forget it.
                self.forget(nid, &target);
                None
            }
            (Target::Review(id), NotificationResponse::Default) => {
                Some(NotificationEvent::Review {
                    message_id: id.clone(),
                    action: ButtonAction::Open,
                })
            }
            (Target::Review(id), NotificationResponse::Action(key)) => {
                Some(NotificationEvent::Review {
                    message_id: id.clone(),
                    action: ButtonAction::from_key(key),
                })
            }
            (Target::Review(_), NotificationResponse::Reply(_)) => None,
            (Target::Summary, _) => Some(NotificationEvent::OpenInbox),
            (Target::Info(InfoKey::AuthExpired), _) => Some(NotificationEvent::OpenSignIn),
            (Target::Info(InfoKey::Delivery(_) | InfoKey::Message(_)), _) => {
                Some(NotificationEvent::OpenInbox)
            }
        };
        // After an action the notification stays known until the server says it closed:
        // servers that keep it (resident) get it withdrawn when the review is settled.
        if let Some(e) = event {
            let _ = self.events.send(e);
        }
    }

    fn forget(&mut self, nid: u32, target: &Target) {
        self.targets.remove(&nid);
        match target {
            Target::Review(id) => {
                if self.reviews.get(id).is_some_and(|s| s.nid == nid) {
                    self.reviews.remove(id);
                }
            }
            Target::Summary => {
                if self
                    .summary
                    .as_ref()
                    .and_then(|s| s.shown)
                    .is_some_and(|s| s.nid == nid)
                {
                    self.summary = None;
                }
            }
            Target::Info(key) => {
                if self.infos.get(key).is_some_and(|s| s.nid == nid) {
                    self.infos.remove(key);
                }
            }
        }
    }
}

fn base(summary: &str, body: &str, sound: bool) -> Notification {
    let mut n = Notification::new();
    n.appname(APP_NAME)
        .summary(summary)
        .body(body)
        .icon(ICON)
        .timeout(Timeout::Never)
        .hint(Hint::DesktopEntry(DESKTOP_ENTRY.into()));
    if sound {
        n.hint(Hint::SoundName("message-new-instant".into()));
    } else {
        n.hint(Hint::SuppressSound(true));
    }
    n.finalize()
}
