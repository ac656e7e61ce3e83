//! [`TrayClient`]: reads and drives a registered StatusNotifierItem as a panel would.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use zbus::message::Message;
use zbus::proxy::CacheProperties;
use zbus::{Connection, OwnedObjectPath, OwnedVariant, Proxy, Variant};

use super::icon::{Pixmap, TrayIcon};
use super::menu::{LayoutNode, MenuItem};
use super::watcher::RegisteredItem;
use crate::wait;

const ITEM_INTERFACE: &str = "org.kde.StatusNotifierItem";
const MENU_INTERFACE: &str = "com.canonical.dbusmenu";

/// A signal the item or its menu emitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraySignal {
    /// `NewIcon`
    NewIcon,
    /// `NewAttentionIcon`
    NewAttentionIcon,
    /// `NewOverlayIcon`
    NewOverlayIcon,
    /// `NewStatus(status)`
    NewStatus(String),
    /// `NewTitle`
    NewTitle,
    /// `NewToolTip`
    NewToolTip,
    /// `NewIconThemePath(path)`
    NewIconThemePath(String),
    /// `NewMenu`
    NewMenu,
    /// libayatana's `XAyatanaNewLabel(label, guide)`: what Tauri's `set_title` changes.
    NewLabel(String),
    /// dbusmenu `LayoutUpdated(revision, parent)`
    LayoutUpdated {
        /// The new layout revision.
        revision: u32,
        /// The item whose subtree changed (0: the whole menu).
        parent: i32,
    },
    /// dbusmenu `ItemsPropertiesUpdated`
    ItemsPropertiesUpdated,
    /// Any other signal, by member name.
    Other(String),
}

impl TraySignal {
    fn from_message(message: &Message) -> Self {
        let header = message.header();
        let member = header.member().map(|m| m.to_string()).unwrap_or_default();
        let body = message.body();
        let string = || {
            body.deserialize::<(String,)>()
                .map(|(s,)| s)
                .unwrap_or_default()
        };
        match member.as_str() {
            "NewIcon" => Self::NewIcon,
            "NewAttentionIcon" => Self::NewAttentionIcon,
            "NewOverlayIcon" => Self::NewOverlayIcon,
            "NewStatus" => Self::NewStatus(string()),
            "NewTitle" => Self::NewTitle,
            "NewToolTip" => Self::NewToolTip,
            "NewIconThemePath" => Self::NewIconThemePath(string()),
            "NewMenu" => Self::NewMenu,
            "XAyatanaNewLabel" => Self::NewLabel(
                body.deserialize::<(String, String)>()
                    .map(|(label, _)| label)
                    .unwrap_or_default(),
            ),
            "LayoutUpdated" => {
                let (revision, parent) = body.deserialize::<(u32, i32)>().unwrap_or_default();
                Self::LayoutUpdated { revision, parent }
            }
            "ItemsPropertiesUpdated" => Self::ItemsPropertiesUpdated,
            _ => Self::Other(member),
        }
    }
}

/// The `ToolTip` property: `(icon name, icon pixmaps, title, description)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolTip {
    /// Icon name.
    pub icon_name: String,
    /// Icon pixmaps.
    pub icon_pixmap: Vec<Pixmap>,
    /// Title.
    pub title: String,
    /// Description (may contain markup).
    pub description: String,
}

/// A snapshot of the item's `org.kde.StatusNotifierItem` properties. Properties the item does
/// not export are `None` (libayatana exports no `ToolTip` and no `IconPixmap`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemProperties {
    /// `Id`: libayatana's indicator id; `"tray-icon tray app"` for every Tauri app.
    pub id: Option<String>,
    /// `Category`, such as `ApplicationStatus`.
    pub category: Option<String>,
    /// `Status`: `Active`, `Passive` (hidden) or `NeedsAttention`.
    pub status: Option<String>,
    /// `Title`
    pub title: Option<String>,
    /// `IconName`: for a Tauri app, the absolute path of a PNG.
    pub icon_name: Option<String>,
    /// `IconThemePath` (libayatana/KDE extension).
    pub icon_theme_path: Option<String>,
    /// `IconPixmap`
    pub icon_pixmap: Option<Vec<Pixmap>>,
    /// `AttentionIconName`
    pub attention_icon_name: Option<String>,
    /// `ToolTip`
    pub tool_tip: Option<ToolTip>,
    /// `Menu`: the dbusmenu object path.
    pub menu: Option<String>,
    /// `ItemIsMenu`
    pub item_is_menu: Option<bool>,
    /// `XAyatanaLabel`: text shown beside the icon; what Tauri's `set_title` sets.
    pub label: Option<String>,
}

impl ItemProperties {
    fn from_map(map: &HashMap<String, OwnedVariant>) -> Self {
        let get = |name: &str| map.get(name).map(|v| unwrap(v));
        let string = |name: &str| match get(name) {
            Some(Variant::Str(s)) => Some(s.to_string()),
            Some(Variant::ObjectPath(p)) => Some(p.to_string()),
            _ => None,
        };
        Self {
            id: string("Id"),
            category: string("Category"),
            status: string("Status"),
            title: string("Title"),
            icon_name: string("IconName"),
            icon_theme_path: string("IconThemePath"),
            icon_pixmap: get("IconPixmap").map(Pixmap::parse_all),
            attention_icon_name: string("AttentionIconName"),
            tool_tip: get("ToolTip").and_then(parse_tool_tip),
            menu: string("Menu"),
            item_is_menu: match get("ItemIsMenu") {
                Some(Variant::Bool(b)) => Some(*b),
                _ => None,
            },
            label: string("XAyatanaLabel"),
        }
    }

    /// The icon a host would show. Reads the icon file at once: Tauri deletes it on the next
    /// change.
    pub fn icon(&self) -> TrayIcon {
        TrayIcon::resolve(
            self.icon_name.as_deref().unwrap_or_default(),
            self.icon_theme_path.as_deref().unwrap_or_default(),
            self.icon_pixmap.clone().unwrap_or_default(),
        )
    }
}

fn unwrap<'a>(value: &'a Variant<'a>) -> &'a Variant<'a> {
    match value {
        Variant::Variant(inner) => unwrap(inner),
        other => other,
    }
}

fn parse_tool_tip(value: &Variant<'_>) -> Option<ToolTip> {
    let Variant::Structure(s) = value else {
        return None;
    };
    let [Variant::Str(icon_name), pixmaps, Variant::Str(title), Variant::Str(description)] =
        s.fields()
    else {
        return None;
    };
    Some(ToolTip {
        icon_name: icon_name.to_string(),
        icon_pixmap: Pixmap::parse_all(pixmaps),
        title: title.to_string(),
        description: description.to_string(),
    })
}

#[derive(Debug, Default)]
struct SignalLog {
    /// Signals not yet taken by [`TrayClient::next_signal`], oldest first.
    pending: VecDeque<TraySignal>,
    /// Every signal received, oldest first.
    all: Vec<TraySignal>,
}

#[derive(Debug)]
struct Signals {
    log: Mutex<SignalLog>,
    changes: watch::Sender<u64>,
}

impl Signals {
    fn lock(&self) -> MutexGuard<'_, SignalLog> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A connection to one StatusNotifierItem and its dbusmenu, acting as the panel.
///
/// It subscribes to the item's and the menu's signals when it connects, so every signal from
/// then on is kept for [`next_signal`](Self::next_signal) and [`signals`](Self::signals).
#[derive(Debug)]
pub struct TrayClient {
    item: RegisteredItem,
    properties: zbus::fdo::PropertiesProxy<'static>,
    menu_proxy: Proxy<'static>,
    signals: Arc<Signals>,
    listener: JoinHandle<()>,
}

impl TrayClient {
    /// Connects to `item` over `connection` (a connection to the desktop's bus). Panics if the
    /// item does not answer or exports no `Menu`.
    pub async fn connect(connection: &Connection, item: &RegisteredItem) -> Self {
        Self::try_connect(connection, item)
            .await
            .unwrap_or_else(|e| panic!("connecting to StatusNotifierItem {item}: {e}"))
    }

    async fn try_connect(connection: &Connection, item: &RegisteredItem) -> zbus::Result<Self> {
        let proxy = |path: String, interface: &'static str| {
            zbus::proxy::Builder::<Proxy<'static>>::new(connection)
                .destination(item.service.clone())
                .path(path)
                .interface(interface)
                .cache_properties(CacheProperties::No)
                .build()
        };
        let item_proxy = proxy(item.path.clone(), ITEM_INTERFACE).await?;
        let properties = zbus::fdo::PropertiesProxy::builder(connection)
            .destination(item.service.clone())
            .path(item.path.clone())
            .cache_properties(CacheProperties::No)
            .build()
            .await?;
        let menu_path: OwnedObjectPath = item_proxy.get_property("Menu").await?;
        let menu_proxy = proxy(menu_path.to_string(), MENU_INTERFACE).await?;

        let (changes, _) = watch::channel(0);
        let signals = Arc::new(Signals {
            log: Mutex::default(),
            changes,
        });
        // Subscribe before returning, so no signal caused by the test's next step is missed.
        let mut item_signals = item_proxy.receive_all_signals().await?;
        let mut menu_signals = menu_proxy.receive_all_signals().await?;
        let listener = tokio::spawn({
            let signals = signals.clone();
            async move {
                loop {
                    let message = tokio::select! {
                        Some(m) = item_signals.next() => m,
                        Some(m) = menu_signals.next() => m,
                        else => break,
                    };
                    let signal = TraySignal::from_message(&message);
                    tracing::debug!("tray signal: {signal:?}");
                    let mut log = signals.lock();
                    log.pending.push_back(signal.clone());
                    log.all.push(signal);
                    drop(log);
                    signals.changes.send_modify(|n| *n += 1);
                }
            }
        });
        Ok(Self {
            item: item.clone(),
            properties,
            menu_proxy,
            signals,
            listener,
        })
    }

    /// The item this client talks to.
    pub fn item(&self) -> &RegisteredItem {
        &self.item
    }

    /// The item's dbusmenu object path.
    pub fn menu_path(&self) -> String {
        self.menu_proxy.path().to_string()
    }

    /// Reads all of the item's properties at once.
    pub async fn properties(&self) -> ItemProperties {
        let map = self
            .properties
            .get_all(ITEM_INTERFACE.try_into().expect("valid interface name"))
            .await
            .unwrap_or_else(|e| panic!("reading the properties of {}: {e}", self.item));
        ItemProperties::from_map(&map)
    }

    /// The icon the item shows now.
    pub async fn icon(&self) -> TrayIcon {
        self.properties().await.icon()
    }

    /// Polls the properties until `predicate` accepts them, and returns them. Panics after
    /// `timeout` with the last snapshot.
    pub async fn wait_for_properties(
        &self,
        predicate: impl Fn(&ItemProperties) -> bool,
        timeout: Duration,
    ) -> ItemProperties {
        self.poll_on_signals(timeout, || self.properties(), predicate)
            .await
            .unwrap_or_else(|last| {
                panic!("tray item properties did not match within {timeout:?}; last: {last:#?}")
            })
    }

    /// Every signal received since connecting, oldest first.
    pub fn signals(&self) -> Vec<TraySignal> {
        self.signals.lock().all.clone()
    }

    /// Forgets signals not yet taken by [`next_signal`](Self::next_signal), so the next call
    /// only sees signals caused by what the test does next.
    pub fn drain_signals(&self) {
        self.signals.lock().pending.clear();
    }

    /// Takes the oldest signal not yet taken that satisfies `predicate`, waiting for one if
    /// needed. Panics after `timeout`, listing the signals received.
    ///
    /// ```no_run
    /// # async fn f(tray: &placet_e2e::TrayClient) {
    /// use placet_e2e::TraySignal;
    /// tray.next_signal(|s| *s == TraySignal::NewIcon, std::time::Duration::from_secs(5)).await;
    /// # }
    /// ```
    pub async fn next_signal(
        &self,
        predicate: impl Fn(&TraySignal) -> bool,
        timeout: Duration,
    ) -> TraySignal {
        let mut changes = self.signals.changes.subscribe();
        let found = wait::on_change(&mut changes, timeout, || {
            let mut log = self.signals.lock();
            let index = log.pending.iter().position(&predicate)?;
            log.pending.remove(index)
        })
        .await;
        found.unwrap_or_else(|| {
            panic!(
                "no matching tray signal within {timeout:?}; received: {:?}",
                self.signals()
            )
        })
    }

    /// The whole menu: `GetLayout(0, -1, [])`. The returned root (id 0) holds the entries.
    pub async fn layout(&self) -> MenuItem {
        let (_revision, (id, properties, children)): (u32, LayoutNode) = self
            .menu_proxy
            .call("GetLayout", &(0i32, -1i32, Vec::<String>::new()))
            .await
            .unwrap_or_else(|e| panic!("GetLayout on {}: {e}", self.menu_path()));
        MenuItem::from_layout(id, &properties, &children)
            .unwrap_or_else(|e| panic!("parsing the layout of {}: {e}", self.menu_path()))
    }

    /// The first menu entry whose label, mnemonics removed, satisfies `predicate`.
    pub async fn find_item(&self, predicate: impl Fn(&str) -> bool) -> Option<MenuItem> {
        self.layout().await.find_by_text(predicate).cloned()
    }

    /// Waits for a menu layout that satisfies `predicate` and returns it. Re-reads the layout
    /// on each `LayoutUpdated`/`ItemsPropertiesUpdated` and at least every 100 ms. Panics after
    /// `timeout` with the last layout.
    pub async fn wait_for_layout(
        &self,
        predicate: impl Fn(&MenuItem) -> bool,
        timeout: Duration,
    ) -> MenuItem {
        self.poll_on_signals(timeout, || self.layout(), predicate)
            .await
            .unwrap_or_else(|last| {
                panic!("tray menu did not match within {timeout:?}; last layout:\n{last}")
            })
    }

    /// Clicks menu entry `id` as a panel does: `AboutToShow(0)` (the menu opens), then
    /// `Event(id, "clicked", 0, timestamp)`.
    pub async fn click(&self, id: i32) {
        let _needs_update: bool = self
            .menu_proxy
            .call("AboutToShow", &(0i32,))
            .await
            .unwrap_or_else(|e| panic!("AboutToShow on {}: {e}", self.menu_path()));
        // Any increasing X-style timestamp will do; dbusmenu only passes it on.
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u32)
            .unwrap_or_default();
        let () = self
            .menu_proxy
            .call("Event", &(id, "clicked", Variant::I32(0), timestamp))
            .await
            .unwrap_or_else(|e| panic!("Event({id}, clicked) on {}: {e}", self.menu_path()));
    }

    /// Finds the entry whose label (mnemonics removed) is `text` and clicks it. Panics, showing
    /// the menu, if there is none or it is disabled or hidden.
    pub async fn click_text(&self, text: &str) {
        let layout = self.layout().await;
        let item = layout
            .find_by_text(|t| t == text)
            .unwrap_or_else(|| panic!("no menu entry {text:?} in\n{layout}"));
        assert!(
            item.is_clickable(),
            "menu entry {text:?} is not clickable in\n{layout}"
        );
        self.click(item.id).await;
    }

    /// Fetches a value now, after every signal, and at least every 100 ms, until `accept`
    /// takes it or `timeout` passes; then returns the last value fetched as the error.
    async fn poll_on_signals<T, Fut>(
        &self,
        timeout: Duration,
        fetch: impl Fn() -> Fut,
        accept: impl Fn(&T) -> bool,
    ) -> Result<T, T>
    where
        Fut: std::future::Future<Output = T>,
    {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changes = self.signals.changes.subscribe();
        loop {
            changes.borrow_and_update();
            let value = fetch().await;
            if accept(&value) {
                return Ok(value);
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Err(value);
            }
            let tick = (now + Duration::from_millis(100)).min(deadline);
            let _ = tokio::time::timeout_at(tick, changes.changed()).await;
        }
    }
}

impl Drop for TrayClient {
    fn drop(&mut self) {
        self.listener.abort();
    }
}
