//! The desktop's Do Not Disturb on Linux, read and reported to the core (which decides
//! what follows: `placet_tray_core::attention`). Each desktop keeps it its own way; the
//! notification daemon that owns `org.freedesktop.Notifications` says which desktop this
//! is (`GetServerInformation`), and only that desktop's way is followed:
//!
//! - KDE Plasma (and any daemon with it): the `Inhibited` property of
//!   `org.freedesktop.Notifications`, followed through `PropertiesChanged`.
//! - dunst: its `paused` property (`org.dunstproject.cmd0`), followed through
//!   `PropertiesChanged`.
//! - GNOME Shell: `org.gnome.desktop.notifications show-banners` (off is Do Not
//!   Disturb), read with `gsettings get` and followed by one `gsettings monitor` process
//!   while GNOME's daemon runs (GSettings' own backends: dconf, or a keyfile).
//! - XFCE (xfce4-notifyd): xfconf's `/do-not-disturb` in the `xfce4-notifyd` channel,
//!   followed through xfconf's `PropertyChanged`.
//! - mako: `makoctl mode` lists `do-not-disturb`, asked every 15 seconds while mako runs
//!   (mako says nothing when its mode changes).
//!
//! A change is taken only from the program that owns what it is about (the daemon's or
//! xfconf's unique bus name). When the daemon changes, the new one is asked again.

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::StreamExt;
use placet_tray_core::attention::dnd::{DndState, DndWatcher};
use tokio::io::AsyncBufReadExt;
use tokio::sync::watch;
use zbus::OwnedVariant as OwnedValue;

const NOTIFICATIONS: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";
const PROPERTIES: &str = "org.freedesktop.DBus.Properties";
const DUNST: &str = "org.dunstproject.cmd0";
const XFCONF: &str = "org.xfce.Xfconf";
const XFCONF_PATH: &str = "/org/xfce/Xfconf";
const XFCE_CHANNEL: &str = "xfce4-notifyd";
const XFCE_PROPERTY: &str = "/do-not-disturb";
const GNOME_SCHEMA: &str = "org.gnome.desktop.notifications";
const MAKO_POLL: Duration = Duration::from_secs(15);

/// The Linux desktops' Do Not Disturb.
#[derive(Debug, Default)]
pub struct DesktopDnd;

impl DndWatcher for DesktopDnd {
    fn start(self: Box<Self>, report: watch::Sender<DndState>) {
        tokio::spawn(async move {
            if let Err(e) = follow(report).await {
                tracing::info!(error = %e, "the desktop's Do Not Disturb is not followed");
            }
        });
    }
}

/// Which desktop's way applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Gnome,
    Xfce,
    Mako,
    /// KDE Plasma, dunst, and any other daemon (their properties are asked for anyway).
    Other,
}

fn kind_of(server: &str) -> Kind {
    match server {
        "gnome-shell" => Kind::Gnome,
        s if s.contains("Xfce") || s.contains("xfce") => Kind::Xfce,
        "mako" => Kind::Mako,
        _ => Kind::Other,
    }
}

/// Every source's word, merged: on when any says on.
#[derive(Debug, Default)]
struct Sources(BTreeMap<&'static str, bool>);

impl Sources {
    fn set(&mut self, source: &'static str, on: bool, report: &watch::Sender<DndState>) {
        self.0.insert(source, on);
        let state = match self.0.iter().find(|(_, on)| **on) {
            Some((by, _)) => DndState::on(by),
            None => DndState::off(),
        };
        report.send_if_modified(|s| {
            let changed = *s != state;
            *s = state;
            changed
        });
    }
}

async fn get_bool(conn: &zbus::Connection, dest: &str, iface: &str, prop: &str) -> Option<bool> {
    let reply = conn
        .call_method(Some(dest), PATH, Some(PROPERTIES), "Get", &(iface, prop))
        .await
        .ok()?;
    let v: OwnedValue = reply.body().deserialize().ok()?;
    bool::try_from(v).ok()
}

async fn owner(conn: &zbus::Connection, name: &str) -> Option<String> {
    let dbus = zbus::fdo::DBusProxy::new(conn).await.ok()?;
    let name = zbus::names::BusName::try_from(name).ok()?;
    dbus.get_name_owner(name).await.ok().map(|n| n.to_string())
}

async fn server_name(conn: &zbus::Connection) -> Option<String> {
    let reply = conn
        .call_method(
            Some(NOTIFICATIONS),
            PATH,
            Some(NOTIFICATIONS),
            "GetServerInformation",
            &(),
        )
        .await
        .ok()?;
    let (name, _, _, _): (String, String, String, String) = reply.body().deserialize().ok()?;
    Some(name)
}

/// GNOME's `show-banners` now (`None`: not GNOME's settings here).
async fn gnome_banners() -> Option<bool> {
    let out = tokio::process::Command::new("gsettings")
        .args(["get", GNOME_SCHEMA, "show-banners"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .await
        .ok()?;
    match String::from_utf8_lossy(&out.stdout).trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// mako's Do Not Disturb now.
async fn mako_dnd() -> Option<bool> {
    let out = tokio::process::Command::new("makoctl")
        .arg("mode")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .await
        .ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| l.trim() == "do-not-disturb")
    })
}

/// What a signal of the bus says, if it is one of ours.
fn signal_of(m: &zbus::Message, daemon: Option<&str>, xfconf: Option<&str>) -> Option<Said> {
    let h = m.header();
    let sender = h.sender().map(|s| s.to_string());
    let member = h.member()?.as_str().to_owned();
    let interface = h.interface()?.as_str().to_owned();
    match (interface.as_str(), member.as_str()) {
        ("org.freedesktop.DBus", "NameOwnerChanged")
            if sender.as_deref() == Some("org.freedesktop.DBus") =>
        {
            let (name, _, _): (String, String, String) = m.body().deserialize().ok()?;
            (name == NOTIFICATIONS).then_some(Said::DaemonChanged)
        }
        (PROPERTIES, "PropertiesChanged") if sender.as_deref() == daemon && daemon.is_some() => {
            let (iface, changed, _): (String, BTreeMap<String, OwnedValue>, Vec<String>) =
                m.body().deserialize().ok()?;
            let (key, source) = match iface.as_str() {
                NOTIFICATIONS => ("Inhibited", "KDE Plasma"),
                DUNST => ("paused", "dunst"),
                _ => return None,
            };
            let on = bool::try_from(changed.get(key)?.try_clone().ok()?).ok()?;
            Some(Said::Source(source, on))
        }
        (XFCONF, "PropertyChanged") if sender.as_deref() == xfconf && xfconf.is_some() => {
            let (channel, property, value): (String, String, OwnedValue) =
                m.body().deserialize().ok()?;
            (channel == XFCE_CHANNEL && property == XFCE_PROPERTY)
                .then(|| bool::try_from(value).ok())
                .flatten()
                .map(|on| Said::Source("XFCE", on))
        }
        _ => None,
    }
}

enum Said {
    Source(&'static str, bool),
    DaemonChanged,
}

async fn add_rules(conn: &zbus::Connection) -> zbus::Result<()> {
    let dbus = zbus::fdo::DBusProxy::new(conn).await?;
    let rules = [
        zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface("org.freedesktop.DBus")
            .member("NameOwnerChanged")
            .arg(0, NOTIFICATIONS)
            .build()?,
        zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface(PROPERTIES)
            .member("PropertiesChanged")
            .path(PATH)
            .build()?,
        zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface(XFCONF)
            .member("PropertyChanged")
            .arg(0, XFCE_CHANNEL)
            .build()?,
    ];
    for r in rules {
        dbus.add_match_rule(r).await?;
    }
    Ok(())
}

/// Follows the desktop's Do Not Disturb for as long as the app runs.
async fn follow(report: watch::Sender<DndState>) -> zbus::Result<()> {
    let conn = zbus::Connection::session().await?;
    let mut messages = zbus::MessageStream::from(&conn);
    add_rules(&conn).await?;
    loop {
        let mut sources = Sources::default();
        let daemon = owner(&conn, NOTIFICATIONS).await;
        let kind = server_name(&conn).await.map(|n| kind_of(&n));
        if let Some(on) = get_bool(&conn, NOTIFICATIONS, NOTIFICATIONS, "Inhibited").await {
            sources.set("KDE Plasma", on, &report);
        }
        if let Some(on) = get_bool(&conn, NOTIFICATIONS, DUNST, "paused").await {
            sources.set("dunst", on, &report);
        }
        let xfconf = match kind {
            Some(Kind::Xfce) => {
                let on = xfce_dnd(&conn).await;
                sources.set("XFCE", on.unwrap_or(false), &report);
                owner(&conn, XFCONF).await
            }
            _ => None,
        };
        let mut gnome = match kind {
            Some(Kind::Gnome) => gnome_monitor(&mut sources, &report).await,
            _ => None,
        };
        let mut mako = (kind == Some(Kind::Mako)).then(|| tokio::time::interval(MAKO_POLL));
        tracing::debug!(?kind, "following the desktop's Do Not Disturb");
        loop {
            tokio::select! {
                m = messages.next() => {
                    let Some(Ok(m)) = m else { return Ok(()) };
                    match signal_of(&m, daemon.as_deref(), xfconf.as_deref()) {
                        Some(Said::Source(source, on)) => sources.set(source, on, &report),
                        Some(Said::DaemonChanged) => break,
                        None => {}
                    }
                }
                line = async {
                    match gnome.as_mut() {
                        Some(g) => g.lines.next_line().await,
                        None => std::future::pending().await,
                    }
                } => match line {
                    // `show-banners: false`
                    Ok(Some(l)) => sources.set("GNOME", l.trim().ends_with("false"), &report),
                    _ => gnome = None,
                },
                _ = async {
                    match mako.as_mut() {
                        Some(i) => { i.tick().await; }
                        None => std::future::pending().await,
                    }
                } => {
                    if let Some(on) = mako_dnd().await {
                        sources.set("mako", on, &report);
                    }
                }
            }
        }
        // A new daemon: what the old one said no longer holds.
        report.send_if_modified(|s| std::mem::take(s) != DndState::off());
    }
}

async fn xfce_dnd(conn: &zbus::Connection) -> Option<bool> {
    let reply = conn
        .call_method(
            Some(XFCONF),
            XFCONF_PATH,
            Some(XFCONF),
            "GetProperty",
            &(XFCE_CHANNEL, XFCE_PROPERTY),
        )
        .await
        .ok()?;
    let v: OwnedValue = reply.body().deserialize().ok()?;
    bool::try_from(v).ok()
}

/// `gsettings monitor` and its lines; the process ends when this is dropped.
struct Monitor {
    lines: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
    _child: tokio::process::Child,
}

/// Reads GNOME's `show-banners` and starts following it.
async fn gnome_monitor(sources: &mut Sources, report: &watch::Sender<DndState>) -> Option<Monitor> {
    let banners = gnome_banners().await?;
    sources.set("GNOME", !banners, report);
    let mut child = tokio::process::Command::new("gsettings")
        .args(["monitor", GNOME_SCHEMA, "show-banners"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .ok()?;
    let stdout = child.stdout.take()?;
    Some(Monitor {
        lines: tokio::io::BufReader::new(stdout).lines(),
        _child: child,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The daemon's name says which desktop's way applies.
    #[test]
    fn desktops_by_their_daemon() {
        assert_eq!(kind_of("gnome-shell"), Kind::Gnome);
        assert_eq!(kind_of("Xfce Notify Daemon"), Kind::Xfce);
        assert_eq!(kind_of("mako"), Kind::Mako);
        assert_eq!(kind_of("dunst"), Kind::Other);
        assert_eq!(kind_of("Plasma"), Kind::Other);
    }

    /// Sources merge: on while any says on, naming it.
    #[test]
    fn sources_merge() {
        let (tx, rx) = watch::channel(DndState::off());
        let mut s = Sources::default();
        s.set("dunst", false, &tx);
        assert!(!rx.borrow().on);
        s.set("KDE Plasma", true, &tx);
        assert_eq!(*rx.borrow(), DndState::on("KDE Plasma"));
        s.set("KDE Plasma", false, &tx);
        assert!(!rx.borrow().on);
    }
}
