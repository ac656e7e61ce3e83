//! An `org.kde.StatusNotifierWatcher` that records the items apps register.
//!
//! With no watcher on the bus, libayatana-appindicator silently falls back to an XEmbed icon
//! that no test can see. Owning the watcher name makes the app export a StatusNotifierItem,
//! which [`TrayClient`](crate::TrayClient) then reads and drives like a panel would.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use zbus::object_server::SignalEmitter;
use zbus::{interface, Connection};

use crate::wait;

/// The well-known bus name the watcher owns.
pub const WATCHER_NAME: &str = "org.kde.StatusNotifierWatcher";
/// The object path the watcher serves.
pub const WATCHER_PATH: &str = "/StatusNotifierWatcher";

/// A registered StatusNotifierItem: where to call it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegisteredItem {
    /// The bus name to call the item on (the registering connection's unique name when it
    /// registered by object path, as libayatana does).
    pub service: String,
    /// The item's object path (`/StatusNotifierItem` when it registered by bus name).
    pub path: String,
    /// The unique name of the connection that registered it.
    pub sender: String,
}

/// The KDE form, `service` followed by `path`, as in `RegisteredStatusNotifierItems`.
impl fmt::Display for RegisteredItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.service, self.path)
    }
}

#[derive(Debug, Default)]
struct State {
    items: Vec<RegisteredItem>,
    unregistered: Vec<RegisteredItem>,
    hosts: Vec<String>,
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

    fn changed(&self) {
        self.changes.send_modify(|n| *n += 1);
    }
}

struct WatcherIface {
    shared: Arc<Shared>,
}

#[interface(name = "org.kde.StatusNotifierWatcher")]
impl WatcherIface {
    /// `service` is a bus name or, as libayatana sends it, an object path on the sender.
    async fn register_status_notifier_item(
        &self,
        service: &str,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> zbus::fdo::Result<()> {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        let item = if service.starts_with('/') {
            RegisteredItem {
                service: sender.clone(),
                path: service.to_owned(),
                sender,
            }
        } else {
            RegisteredItem {
                service: service.to_owned(),
                path: "/StatusNotifierItem".to_owned(),
                sender,
            }
        };
        tracing::debug!("StatusNotifierItem registered: {item}");
        let is_new = {
            let mut state = self.shared.lock();
            let is_new = !state.items.contains(&item);
            if is_new {
                state.items.push(item.clone());
            }
            is_new
        };
        self.shared.changed();
        if is_new {
            Self::status_notifier_item_registered(&emitter, &item.to_string()).await?;
            self.registered_status_notifier_items_changed(&emitter)
                .await?;
        }
        Ok(())
    }

    async fn register_status_notifier_host(
        &self,
        service: &str,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> zbus::fdo::Result<()> {
        self.shared.lock().hosts.push(service.to_owned());
        self.shared.changed();
        Self::status_notifier_host_registered(&emitter).await?;
        Ok(())
    }

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.shared
            .lock()
            .items
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// Always true: the harness plays the host, and libayatana only exports its item when a
    /// host is said to be present.
    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }

    #[zbus(signal)]
    async fn status_notifier_item_registered(
        emitter: &SignalEmitter<'_>,
        service: &str,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn status_notifier_item_unregistered(
        emitter: &SignalEmitter<'_>,
        service: &str,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn status_notifier_host_registered(emitter: &SignalEmitter<'_>) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn status_notifier_host_unregistered(emitter: &SignalEmitter<'_>) -> zbus::Result<()>;
}

/// The StatusNotifierWatcher of a [`Desktop`](crate::Desktop); see the module docs.
#[derive(Debug)]
pub struct StatusNotifierWatcher {
    shared: Arc<Shared>,
    connection: Connection,
    /// Drops items whose connection left the bus; aborted with the watcher.
    janitor: JoinHandle<()>,
}

impl StatusNotifierWatcher {
    /// Starts the watcher on the bus at `address`, owning [`WATCHER_NAME`].
    pub(crate) async fn start(address: &str) -> zbus::Result<Self> {
        let (changes, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            changes,
        });
        let connection = zbus::connection::Builder::address(address)
            .serve_at(
                WATCHER_PATH,
                WatcherIface {
                    shared: shared.clone(),
                },
            )
            .name(WATCHER_NAME)
            .build()
            .await?;
        let dbus = zbus::fdo::DBusProxy::new(&connection).await?;
        let mut owner_changes = dbus.receive_name_owner_changed().await?;
        let janitor = tokio::spawn({
            let shared = shared.clone();
            let connection = connection.clone();
            async move {
                while let Some(change) = owner_changes.next().await {
                    let Ok(args) = change.args() else { continue };
                    if args.new_owner().is_some() {
                        continue;
                    }
                    let gone = args.name().to_string();
                    forget_items_of(&shared, &connection, &gone).await;
                }
            }
        });
        Ok(Self {
            shared,
            connection,
            janitor,
        })
    }

    /// The items currently registered, in registration order.
    pub fn items(&self) -> Vec<RegisteredItem> {
        self.shared.lock().items.clone()
    }

    /// Items that were registered and have gone away, in order.
    pub fn unregistered(&self) -> Vec<RegisteredItem> {
        self.shared.lock().unregistered.clone()
    }

    /// The services that called `RegisterStatusNotifierHost` (apps never should).
    pub fn hosts(&self) -> Vec<String> {
        self.shared.lock().hosts.clone()
    }

    /// Waits for a registered item that satisfies `predicate` and returns it. Panics after
    /// `timeout`, listing what is registered.
    pub async fn wait_for_item(
        &self,
        predicate: impl Fn(&RegisteredItem) -> bool,
        timeout: Duration,
    ) -> RegisteredItem {
        let mut changes = self.shared.changes.subscribe();
        let found = wait::on_change(&mut changes, timeout, || {
            self.shared
                .lock()
                .items
                .iter()
                .find(|i| predicate(i))
                .cloned()
        })
        .await;
        found.unwrap_or_else(|| {
            panic!(
                "no matching StatusNotifierItem registered within {timeout:?}; registered: {:?} \
                 (an app that never registers may have fallen back to XEmbed: is it started with \
                 the desktop's DBUS_SESSION_BUS_ADDRESS?)",
                self.items()
            )
        })
    }

    /// Waits until `item` is no longer registered (its connection left the bus). Panics after
    /// `timeout`.
    pub async fn wait_unregistered(&self, item: &RegisteredItem, timeout: Duration) {
        let mut changes = self.shared.changes.subscribe();
        let gone = wait::on_change(&mut changes, timeout, || {
            (!self.shared.lock().items.contains(item)).then_some(())
        })
        .await;
        assert!(
            gone.is_some(),
            "StatusNotifierItem {item} still registered after {timeout:?}"
        );
    }

    /// The watcher's own connection, for tests that want to call the watcher's peers.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }
}

impl Drop for StatusNotifierWatcher {
    fn drop(&mut self) {
        self.janitor.abort();
    }
}

/// Unregisters every item that `gone` (a bus name that just lost its owner) provided.
async fn forget_items_of(shared: &Shared, connection: &Connection, gone: &str) {
    let removed: Vec<RegisteredItem> = {
        let mut state = shared.lock();
        let (removed, kept) = std::mem::take(&mut state.items)
            .into_iter()
            .partition(|item| item.sender == gone || item.service == gone);
        state.items = kept;
        state.unregistered.extend(removed.iter().cloned());
        removed
    };
    if removed.is_empty() {
        return;
    }
    shared.changed();
    let Ok(emitter) = SignalEmitter::new(connection, WATCHER_PATH) else {
        return;
    };
    for item in &removed {
        tracing::debug!("StatusNotifierItem unregistered: {item}");
        let _ = WatcherIface::status_notifier_item_unregistered(&emitter, &item.to_string()).await;
    }
    if let Ok(iface) = connection
        .object_server()
        .interface::<_, WatcherIface>(WATCHER_PATH)
        .await
    {
        let _ = iface
            .get()
            .await
            .registered_status_notifier_items_changed(iface.signal_emitter())
            .await;
    }
}
