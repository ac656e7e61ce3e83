//! Notifications on Linux: the freedesktop `org.freedesktop.Notifications` API, behind
//! the core's [`Notifier`] seam.
//!
//! One zbus connection, subscribed to `ActionInvoked`, `NotificationClosed` and KDE's
//! `NotificationReplied` before the first notification goes out, so no click is lost
//! (notify-rust's own `show_async` opens a connection per notification and subscribes
//! only after `Notify` returned). `GetCapabilities` is asked once per connection, and
//! what is sent follows it ([`freedesktop::render`]). One actor task owns the mapping
//! between the core's notice keys and the daemon's ids, so showing, replacing and
//! withdrawing happen in order.

use std::collections::HashMap;

use futures_util::StreamExt;
use placet_tray_core::notify::freedesktop::{
    self, Capabilities, DEFAULT_ACTION, INLINE_REPLY_ACTION,
};
use placet_tray_core::notify::{Notice, NoticeEvent, NoticeKey, Notifier, Response};
use tokio::sync::mpsc;
use zbus::Variant as Value;

const APP_NAME: &str = "Placet Tray";
/// The app's id, which names the packaged desktop file (`io.placet.tray.desktop`): the
/// notification daemon finds the app's name, icon and settings through it.
const DESKTOP_ENTRY: &str = crate::autostart::APP_ID;
/// The app icon's name in the icon theme (the packages install it in hicolor).
const ICON: &str = crate::autostart::APP_ID;

const DEST: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";

#[derive(Debug)]
enum Command {
    Show(Notice),
    Withdraw(NoticeKey),
    WithdrawAll,
    /// A signal from the daemon.
    Signal(Signal),
}

#[derive(Debug)]
enum Signal {
    Action(u32, String),
    Closed(u32),
    Replied(u32, String),
}

/// The freedesktop notifier's handle. Cheap to clone.
#[derive(Debug, Clone)]
pub struct FreedesktopNotifier {
    commands: mpsc::UnboundedSender<Command>,
}

impl FreedesktopNotifier {
    /// Starts the notifier; the person's responses go to `events`.
    pub fn spawn(events: mpsc::UnboundedSender<NoticeEvent>) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let actor = Actor {
            bus: None,
            commands: tx.clone(),
            events,
            shown: HashMap::new(),
            keys: HashMap::new(),
        };
        tokio::spawn(actor.run(rx));
        Self { commands: tx }
    }
}

impl Notifier for FreedesktopNotifier {
    fn show(&self, notice: Notice) {
        let _ = self.commands.send(Command::Show(notice));
    }

    fn withdraw(&self, key: &NoticeKey) {
        let _ = self.commands.send(Command::Withdraw(key.clone()));
    }

    fn withdraw_all(&self) {
        let _ = self.commands.send(Command::WithdrawAll);
    }
}

/// The D-Bus side: one connection, one proxy, signal listeners in place.
struct Bus {
    proxy: zbus::Proxy<'static>,
    caps: Capabilities,
}

impl Bus {
    /// Connects, starts forwarding the daemon's signals to the actor, and asks what the
    /// daemon can do.
    async fn connect(commands: mpsc::UnboundedSender<Command>) -> zbus::Result<Self> {
        let connection = zbus::Connection::session().await?;
        let proxy: zbus::Proxy<'static> = zbus::proxy::Builder::new(&connection)
            .destination(DEST)
            .path(PATH)
            .interface(DEST)
            .cache_properties(zbus::proxy::CacheProperties::No)
            .build()
            .await?;
        // One stream for every signal keeps their order: daemons send ActionInvoked and
        // then NotificationClosed, and the click must be seen first.
        let mut signals = proxy.receive_all_signals().await?;
        tokio::spawn(async move {
            while let Some(m) = signals.next().await {
                let header = m.header();
                let signal = match header.member().map(|m| m.as_str()) {
                    Some("ActionInvoked") => m
                        .body()
                        .deserialize::<(u32, String)>()
                        .map(|(nid, key)| Signal::Action(nid, key)),
                    Some("NotificationClosed") => m
                        .body()
                        .deserialize::<(u32, u32)>()
                        .map(|(nid, _reason)| Signal::Closed(nid)),
                    Some("NotificationReplied") => m
                        .body()
                        .deserialize::<(u32, String)>()
                        .map(|(nid, text)| Signal::Replied(nid, text)),
                    _ => continue,
                };
                match signal {
                    Ok(s) => {
                        if commands.send(Command::Signal(s)).is_err() {
                            return;
                        }
                    }
                    Err(e) => tracing::debug!(error = %e, "odd notification signal"),
                }
            }
        });
        let caps = match proxy
            .call::<_, _, Vec<String>>("GetCapabilities", &())
            .await
        {
            Ok(list) => {
                tracing::info!(capabilities = ?list, "notification daemon");
                Capabilities::from_list(&list)
            }
            Err(e) => {
                tracing::warn!(error = %e, "the notification daemon does not say what it can do");
                Capabilities::default()
            }
        };
        Ok(Self { proxy, caps })
    }

    async fn notify(&self, notice: &Notice, replaces: u32) -> zbus::Result<u32> {
        let r = freedesktop::render(notice, &self.caps);
        let actions: Vec<&str> = r
            .actions
            .iter()
            .flat_map(|(k, l)| [k.as_str(), l.as_str()])
            .collect();
        let mut hints: HashMap<&str, Value<'_>> = HashMap::new();
        hints.insert("desktop-entry", Value::from(DESKTOP_ENTRY));
        match r.sound_name {
            Some(name) => hints.insert("sound-name", Value::from(name)),
            None => hints.insert("suppress-sound", Value::from(true)),
        };
        if let Some(c) = r.category {
            hints.insert("category", Value::from(c));
        }
        if r.resident {
            hints.insert("resident", Value::from(true));
        }
        if let Some(p) = &r.reply_placeholder {
            hints.insert("x-kde-reply-placeholder-text", Value::from(p.as_str()));
        }
        self.proxy
            .call(
                "Notify",
                &(
                    APP_NAME, replaces, ICON, &r.summary, &r.body, actions, hints, r.timeout,
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

struct Actor {
    /// Connected lazily, and again after a failure (the bus may come later).
    bus: Option<Bus>,
    commands: mpsc::UnboundedSender<Command>,
    events: mpsc::UnboundedSender<NoticeEvent>,
    /// The daemon's id of each notice on screen.
    shown: HashMap<NoticeKey, u32>,
    keys: HashMap<u32, NoticeKey>,
}

impl Actor {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Command>) {
        while let Some(cmd) = rx.recv().await {
            match cmd {
                Command::Show(notice) => self.show(notice).await,
                Command::Withdraw(key) => {
                    if let Some(nid) = self.shown.remove(&key) {
                        self.keys.remove(&nid);
                        self.close(nid).await;
                    }
                }
                Command::WithdrawAll => {
                    let open: Vec<u32> = self.shown.drain().map(|(_, nid)| nid).collect();
                    self.keys.clear();
                    for nid in open {
                        self.close(nid).await;
                    }
                }
                Command::Signal(s) => self.signal(s),
            }
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

    async fn show(&mut self, notice: Notice) {
        let replaces = self.shown.get(&notice.key).copied().unwrap_or(0);
        let Some(bus) = self.bus().await else {
            return;
        };
        match bus.notify(&notice, replaces).await {
            Ok(nid) => {
                if replaces != 0 && replaces != nid {
                    self.keys.remove(&replaces);
                }
                self.keys.insert(nid, notice.key.clone());
                self.shown.insert(notice.key, nid);
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot show a notification");
                // Reconnect next time: the bus or the daemon may have gone away.
                self.bus = None;
            }
        }
    }

    async fn close(&mut self, nid: u32) {
        if let Some(bus) = self.bus().await {
            bus.close(nid).await;
        }
    }

    fn signal(&mut self, s: Signal) {
        let (nid, response) = match s {
            Signal::Action(nid, key) if key == DEFAULT_ACTION => (nid, Response::Activated),
            // KDE sends the reply itself as NotificationReplied.
            Signal::Action(_, key) if key == INLINE_REPLY_ACTION => return,
            Signal::Action(nid, key) => (nid, Response::Action(key)),
            Signal::Replied(nid, text) => (nid, Response::Replied(text)),
            Signal::Closed(nid) => {
                // Dismissed, expired, or closed after an action (or by us: then it is no
                // longer ours and nothing is reported).
                let Some(key) = self.keys.remove(&nid) else {
                    return;
                };
                if self.shown.get(&key) == Some(&nid) {
                    self.shown.remove(&key);
                }
                let _ = self.events.send(NoticeEvent {
                    key,
                    response: Response::Dismissed,
                });
                return;
            }
        };
        // After an action the notification stays known until the daemon says it closed:
        // daemons that keep it (resident) get it withdrawn when the review is settled.
        if let Some(key) = self.keys.get(&nid) {
            let _ = self.events.send(NoticeEvent {
                key: key.clone(),
                response,
            });
        }
    }
}
