//! [`NotifyMonitor`]: watches a real notification daemon's traffic on the session bus.
//!
//! With a real daemon (GNOME Shell, xfce4-notifyd, dunst) the harness is no longer the
//! server, so it learns what the app asked for the way `dbus-monitor` does: the connection
//! becomes a bus monitor (`org.freedesktop.DBus.Monitoring.BecomeMonitor`, allowed by the
//! desktop's bus policy) and records every `Notify` call with the id the daemon returned,
//! every `ActionInvoked` and every `NotificationClosed`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use zbus::message::Type;
use zbus::zvariant::OwnedVariant;
use zbus::{Connection, MessageStream};

use crate::notifications::{Hint, Hints, NotifyCall, NOTIFICATIONS_NAME, NOTIFICATIONS_PATH};
use crate::wait;

const INTERFACE: &str = "org.freedesktop.Notifications";

#[derive(Debug, Default)]
struct State {
    /// Notify calls in order; `id` is 0 until the daemon's reply is seen.
    calls: Vec<NotifyCall>,
    /// (caller, serial) of calls still waiting for their reply, to the index in `calls`.
    awaiting_reply: HashMap<(String, u32), usize>,
    /// `ActionInvoked(id, key)` in order.
    invoked: Vec<(u32, String)>,
    /// `NotificationClosed(id, reason)` in order.
    closed: Vec<(u32, u32)>,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    changes: watch::Sender<u64>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Records the notification traffic between the app and a real daemon; see the module docs.
#[derive(Debug)]
pub struct NotifyMonitor {
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

type NotifyArgs = (
    String,
    u32,
    String,
    String,
    String,
    Vec<String>,
    HashMap<String, OwnedVariant>,
    i32,
);

impl NotifyMonitor {
    /// Connects to the bus at `address` and becomes a monitor of the notification
    /// interface (and of method returns, which carry the ids).
    pub async fn start(address: &str) -> zbus::Result<NotifyMonitor> {
        let connection = zbus::connection::Builder::address(address).build().await?;
        let rules = [
            format!("type='method_call',interface='{INTERFACE}',member='Notify'"),
            format!("type='signal',interface='{INTERFACE}'"),
            "type='method_return'".to_owned(),
        ];
        connection
            .call_method(
                Some("org.freedesktop.DBus"),
                "/org/freedesktop/DBus",
                Some("org.freedesktop.DBus.Monitoring"),
                "BecomeMonitor",
                &(rules.as_slice(), 0u32),
            )
            .await?;
        let (changes, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            state: Mutex::default(),
            changes,
        });
        let task = tokio::spawn(record(connection, shared.clone()));
        Ok(NotifyMonitor { shared, task })
    }

    /// Every `Notify` call whose reply was seen, in order, with the daemon's id.
    pub fn calls(&self) -> Vec<NotifyCall> {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.id != 0)
            .cloned()
            .collect()
    }

    /// Every `ActionInvoked(id, key)` so far.
    pub fn invoked(&self) -> Vec<(u32, String)> {
        self.shared.lock().invoked.clone()
    }

    /// Every `NotificationClosed(id, reason)` so far.
    pub fn closed(&self) -> Vec<(u32, u32)> {
        self.shared.lock().closed.clone()
    }

    /// Waits for a `Notify` call (past or future) that satisfies `predicate` and whose reply
    /// was seen, and returns it with the daemon's id. Panics after `timeout`.
    pub async fn wait_for_notify(
        &self,
        predicate: impl Fn(&NotifyCall) -> bool,
        timeout: Duration,
    ) -> NotifyCall {
        let mut changes = self.shared.changes.subscribe();
        let found = wait::on_change(&mut changes, timeout, || {
            self.calls().into_iter().find(|c| predicate(c))
        })
        .await;
        found.unwrap_or_else(|| {
            panic!(
                "the daemon was asked for no matching notification within {timeout:?}; \
                 Notify calls seen: {:#?}",
                self.shared.lock().calls
            )
        })
    }

    /// Waits until the daemon emits `ActionInvoked` for notification `id` and returns the
    /// action key. Panics after `timeout`.
    pub async fn wait_action_invoked(&self, id: u32, timeout: Duration) -> String {
        let mut changes = self.shared.changes.subscribe();
        let found = wait::on_change(&mut changes, timeout, || {
            self.invoked()
                .into_iter()
                .find(|(invoked, _)| *invoked == id)
                .map(|(_, key)| key)
        })
        .await;
        found.unwrap_or_else(|| {
            panic!(
                "the daemon invoked no action of notification {id} within {timeout:?}; \
                 invoked: {:?}",
                self.invoked()
            )
        })
    }
}

impl Drop for NotifyMonitor {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(connection: Connection, shared: Arc<Shared>) {
    let mut stream = MessageStream::from(&connection);
    while let Some(Ok(message)) = stream.next().await {
        let header = message.header();
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        let member = header.member().map(|m| m.to_string()).unwrap_or_default();
        let interface = header.interface().map(|i| i.to_string());
        let changed = match message.message_type() {
            Type::MethodCall if member == "Notify" && interface.as_deref() == Some(INTERFACE) => {
                let Ok(args) = message.body().deserialize::<NotifyArgs>() else {
                    continue;
                };
                let serial = header.primary().serial_num().get();
                let call = notify_call(sender.clone(), args);
                let mut state = shared.lock();
                let index = state.calls.len();
                state.calls.push(call);
                state.awaiting_reply.insert((sender, serial), index);
                true
            }
            Type::MethodReturn => {
                let (Some(destination), Some(reply_to)) =
                    (header.destination(), header.reply_serial())
                else {
                    continue;
                };
                let key = (destination.to_string(), reply_to.get());
                let mut state = shared.lock();
                let Some(index) = state.awaiting_reply.remove(&key) else {
                    continue;
                };
                match message.body().deserialize::<u32>() {
                    Ok(id) => {
                        state.calls[index].id = id;
                        true
                    }
                    Err(_) => false,
                }
            }
            Type::Signal if interface.as_deref() == Some(INTERFACE) => {
                let mut state = shared.lock();
                match member.as_str() {
                    "ActionInvoked" => match message.body().deserialize::<(u32, String)>() {
                        Ok(invoked) => {
                            state.invoked.push(invoked);
                            true
                        }
                        Err(_) => false,
                    },
                    "NotificationClosed" => match message.body().deserialize::<(u32, u32)>() {
                        Ok(closed) => {
                            state.closed.push(closed);
                            true
                        }
                        Err(_) => false,
                    },
                    _ => false,
                }
            }
            _ => false,
        };
        if changed {
            shared.changes.send_modify(|n| *n += 1);
        }
    }
}

fn notify_call(sender: String, args: NotifyArgs) -> NotifyCall {
    let (app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout) = args;
    NotifyCall {
        id: 0,
        sender,
        app_name,
        replaces_id,
        app_icon,
        summary,
        body,
        actions: actions
            .chunks(2)
            .map(|pair| (pair[0].clone(), pair.get(1).cloned().unwrap_or_default()))
            .collect(),
        hints: Hints(
            hints
                .iter()
                .map(|(name, value)| (name.clone(), Hint::from_variant(value)))
                .collect(),
        ),
        expire_timeout,
        received_at: std::time::Instant::now(),
    }
}

/// The daemon's `GetCapabilities`, asked over `connection` as any client would.
pub async fn capabilities(connection: &Connection) -> zbus::Result<Vec<String>> {
    let reply = connection
        .call_method(
            Some(NOTIFICATIONS_NAME),
            NOTIFICATIONS_PATH,
            Some(INTERFACE),
            "GetCapabilities",
            &(),
        )
        .await?;
    reply.body().deserialize()
}

/// The daemon's `GetServerInformation`: (name, vendor, version, spec version).
pub async fn server_information(
    connection: &Connection,
) -> zbus::Result<(String, String, String, String)> {
    let reply = connection
        .call_method(
            Some(NOTIFICATIONS_NAME),
            NOTIFICATIONS_PATH,
            Some(INTERFACE),
            "GetServerInformation",
            &(),
        )
        .await?;
    reply.body().deserialize()
}
