//! Notifications on Linux: the freedesktop `org.freedesktop.Notifications` API, behind
//! the core's [`Notifier`] seam.
//!
//! One zbus connection, subscribed to `ActionInvoked`, `NotificationClosed` and KDE's
//! `NotificationReplied` before the first notification goes out, so no click is lost
//! (notify-rust's own `show_async` opens a connection per notification and subscribes
//! only after `Notify` returned). `GetCapabilities` is asked once per daemon, and what is
//! sent follows it ([`freedesktop::render`]). One actor task owns the mapping between
//! the core's notice keys and the daemon's ids, so showing, replacing and withdrawing
//! happen in order.
//!
//! Any program of the user can put a signal on the session bus, so a signal counts only
//! when it comes from the daemon that showed our notifications: the unique bus name
//! that owns `org.freedesktop.Notifications`, learned from the bus itself and followed
//! through `NameOwnerChanged` (accepted only from the bus, `org.freedesktop.DBus`).
//! When the daemon changes (it restarted, another took over), its ids mean nothing any
//! more: the mapping is reset and the notices that were on screen are shown again by
//! the new daemon. An action for an id that is not on screen is ignored.

use std::collections::HashMap;

use futures_util::StreamExt;
use placet_tray_core::notify::freedesktop::{
    self, Capabilities, Sound, DEFAULT_ACTION, INLINE_REPLY_ACTION,
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
    /// A signal of the notifications interface, from the sender with this unique name.
    Signal(Signal, String),
    /// The bus says `org.freedesktop.Notifications` has a new owner (or none).
    OwnerChanged(Option<String>),
}

/// The bus itself: the only sender of `NameOwnerChanged` that counts.
const BUS: &str = "org.freedesktop.DBus";

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
            notices: HashMap::new(),
            owner: None,
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
    connection: zbus::Connection,
    proxy: zbus::Proxy<'static>,
    caps: Capabilities,
    /// The app's sound for decisions, where installed.
    sound_file: Option<std::path::PathBuf>,
}

impl Bus {
    /// Connects, starts forwarding the bus's signals to the actor (each with its
    /// sender), and asks what the daemon can do.
    async fn connect(commands: mpsc::UnboundedSender<Command>) -> zbus::Result<Self> {
        let connection = zbus::Connection::session().await?;
        let proxy: zbus::Proxy<'static> = zbus::proxy::Builder::new(&connection)
            .destination(DEST)
            .path(PATH)
            .interface(DEST)
            .cache_properties(zbus::proxy::CacheProperties::No)
            .build()
            .await?;
        // Every message of the connection, in the order it arrived: daemons send
        // ActionInvoked and then NotificationClosed, and the click must be seen first.
        // The match rules only ask the bus to deliver these signals; which ones count is
        // decided by their sender, here and in the actor.
        let mut messages = zbus::MessageStream::from(&connection);
        let dbus = zbus::fdo::DBusProxy::new(&connection).await?;
        let notifications = zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface(DEST)
            .path(PATH)
            .build();
        let owners = zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface(BUS)
            .member("NameOwnerChanged")
            .arg(0, DEST)
            .build();
        dbus.add_match_rule(notifications?).await?;
        dbus.add_match_rule(owners?).await?;
        tokio::spawn(async move {
            while let Some(Ok(m)) = messages.next().await {
                if let Some(cmd) = signal_of(&m) {
                    if commands.send(cmd).is_err() {
                        return;
                    }
                }
            }
        });
        let caps = capabilities(&proxy).await;
        let sound_file = placet_tray_core::notify::sounds::decision_sound_file();
        tracing::debug!(sound = ?sound_file, "the decision sound");
        Ok(Self {
            connection,
            proxy,
            caps,
            sound_file,
        })
    }

    /// The unique name that owns `org.freedesktop.Notifications` now, if any.
    async fn owner(&self) -> Option<String> {
        let dbus = zbus::fdo::DBusProxy::new(&self.connection).await.ok()?;
        let name = zbus::names::BusName::try_from(DEST).ok()?;
        dbus.get_name_owner(name).await.ok().map(|n| n.to_string())
    }

    async fn notify(&self, notice: &Notice, replaces: u32) -> zbus::Result<u32> {
        let r = freedesktop::render(notice, &self.caps, self.sound_file.as_deref());
        let actions: Vec<&str> = r
            .actions
            .iter()
            .flat_map(|(k, l)| [k.as_str(), l.as_str()])
            .collect();
        let mut hints: HashMap<&str, Value<'_>> = HashMap::new();
        hints.insert("desktop-entry", Value::from(DESKTOP_ENTRY));
        match &r.sound {
            Sound::Silent => hints.insert("suppress-sound", Value::from(true)),
            Sound::Named(name) => hints.insert("sound-name", Value::from(*name)),
            Sound::File(path) => hints.insert("sound-file", Value::from(path.as_str())),
        };
        hints.insert("category", Value::from(r.category));
        hints.insert("urgency", Value::from(r.urgency));
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

/// What the daemon can do.
async fn capabilities(proxy: &zbus::Proxy<'static>) -> Capabilities {
    match proxy
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
    }
}

/// The actor's command for a message of the bus, if it is a signal we follow.
fn signal_of(m: &zbus::Message) -> Option<Command> {
    let header = m.header();
    if header.message_type() != zbus::message::Type::Signal {
        return None;
    }
    let sender = header.sender()?.to_string();
    let interface = header.interface()?.as_str().to_owned();
    let member = header.member()?.as_str().to_owned();
    let body = m.body();
    let parsed = match (interface.as_str(), member.as_str()) {
        (DEST, "ActionInvoked") => body
            .deserialize::<(u32, String)>()
            .map(|(nid, key)| Command::Signal(Signal::Action(nid, key), sender)),
        (DEST, "NotificationClosed") => body
            .deserialize::<(u32, u32)>()
            .map(|(nid, _reason)| Command::Signal(Signal::Closed(nid), sender)),
        (DEST, "NotificationReplied") => body
            .deserialize::<(u32, String)>()
            .map(|(nid, text)| Command::Signal(Signal::Replied(nid, text), sender)),
        (BUS, "NameOwnerChanged") => {
            if sender != BUS {
                tracing::warn!(%sender, "a NameOwnerChanged not from the bus was ignored");
                return None;
            }
            body.deserialize::<(String, String, String)>()
                .map(|(name, _old, new)| {
                    (name == DEST).then(|| Command::OwnerChanged((!new.is_empty()).then_some(new)))
                })
                .transpose()?
        }
        _ => return None,
    };
    match parsed {
        Ok(cmd) => Some(cmd),
        Err(e) => {
            tracing::debug!(error = %e, "odd notification signal");
            None
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
    /// The notices on screen that stay until withdrawn: shown again by a new daemon.
    notices: HashMap<NoticeKey, Notice>,
    /// The unique name of the daemon that shows our notices: the only sender whose
    /// signals count.
    owner: Option<String>,
}

impl Actor {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Command>) {
        while let Some(cmd) = rx.recv().await {
            match cmd {
                Command::Show(notice) => self.show(notice).await,
                Command::Withdraw(key) => {
                    self.notices.remove(&key);
                    if let Some(nid) = self.shown.remove(&key) {
                        self.keys.remove(&nid);
                        self.close(nid).await;
                    }
                }
                Command::WithdrawAll => {
                    self.notices.clear();
                    let open: Vec<u32> = self.shown.drain().map(|(_, nid)| nid).collect();
                    self.keys.clear();
                    for nid in open {
                        self.close(nid).await;
                    }
                }
                Command::Signal(s, sender) => {
                    if self.owner.as_deref() == Some(sender.as_str()) {
                        self.signal(s);
                    } else {
                        tracing::warn!(%sender, daemon = ?self.owner, "a notification signal not from the daemon was ignored");
                    }
                }
                Command::OwnerChanged(owner) => self.owner_changed(owner).await,
            }
        }
    }

    /// The bus, connecting on first use (and again after it failed).
    async fn bus(&mut self) -> Option<&Bus> {
        if self.bus.is_none() {
            match Bus::connect(self.commands.clone()).await {
                Ok(b) => {
                    self.owner = b.owner().await;
                    self.bus = Some(b);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "no notification service on the session bus");
                    return None;
                }
            }
        }
        self.bus.as_ref()
    }

    /// A new daemon (or none): its ids are not the old one's. Forget the old ids and
    /// show the notices that were on screen again.
    async fn owner_changed(&mut self, owner: Option<String>) {
        if owner == self.owner {
            return;
        }
        tracing::info!(from = ?self.owner, to = ?owner, "the notification daemon changed");
        self.owner = owner;
        self.shown.clear();
        self.keys.clear();
        if self.owner.is_none() {
            return;
        }
        if let Some(bus) = self.bus.as_mut() {
            bus.caps = capabilities(&bus.proxy).await;
        }
        let mut again: Vec<Notice> = self.notices.values().cloned().collect();
        again.sort_by(|a, b| a.key.cmp(&b.key));
        for notice in again {
            self.show(notice).await;
        }
    }

    async fn show(&mut self, notice: Notice) {
        let replaces = self.shown.get(&notice.key).copied().unwrap_or(0);
        let ownerless = self.owner.is_none();
        let Some(bus) = self.bus().await else {
            return;
        };
        placet_client::latency::mark("dbus", || notice.key.tag());
        let shown = bus.notify(&notice, replaces).await;
        placet_client::latency::mark("notified", || notice.key.tag());
        // Started by this Notify (D-Bus activation): now it has an owner.
        let owner = match (&shown, ownerless) {
            (Ok(_), true) => bus.owner().await,
            _ => None,
        };
        match shown {
            Ok(nid) => {
                if replaces != 0 && replaces != nid {
                    self.keys.remove(&replaces);
                }
                if owner.is_some() {
                    self.owner = owner;
                }
                self.keys.insert(nid, notice.key.clone());
                self.shown.insert(notice.key.clone(), nid);
                if notice.persistent {
                    self.notices.insert(notice.key.clone(), notice);
                } else {
                    self.notices.remove(&notice.key);
                }
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
                    self.notices.remove(&key);
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
