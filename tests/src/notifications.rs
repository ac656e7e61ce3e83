//! A recording `org.freedesktop.Notifications` server that tests drive.
//!
//! notify-rust (and anything built on libnotify) talks to whichever connection owns
//! `org.freedesktop.Notifications` on the session bus. This server owns it on the desktop's
//! private bus, records every call, and lets the test play the user: invoke an action,
//! dismiss, or let a notification expire. It is deterministic and needs no X server, unlike a
//! real daemon.
//!
//! By default it reports what most desktop daemons report (GNOME Shell, xfce4-notifyd,
//! KDE): actions, markup in the body, persistence. A test can give it any other set
//! (`set_capabilities`) to check what the app sends to a daemon without buttons or markup.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;
use zbus::object_server::SignalEmitter;
use zbus::{interface, Connection, OwnedVariant, Variant};

use crate::wait;

/// The well-known bus name the server owns.
pub const NOTIFICATIONS_NAME: &str = "org.freedesktop.Notifications";
/// The object path the server serves.
pub const NOTIFICATIONS_PATH: &str = "/org/freedesktop/Notifications";

/// The capabilities the server reports by default, as most desktop daemons do.
pub const DEFAULT_CAPABILITIES: &[&str] = &[
    "actions",
    "body",
    "body-markup",
    "persistence",
    "icon-static",
];

/// Why a notification closed, as `NotificationClosed` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloseReason {
    /// 1: it expired.
    Expired,
    /// 2: the user dismissed it (or, on most servers, invoked one of its actions).
    Dismissed,
    /// 3: the app closed it with `CloseNotification`.
    ClosedByCall,
    /// 4: undefined or reserved.
    Undefined,
}

impl CloseReason {
    /// The number the specification gives this reason.
    pub fn code(self) -> u32 {
        match self {
            Self::Expired => 1,
            Self::Dismissed => 2,
            Self::ClosedByCall => 3,
            Self::Undefined => 4,
        }
    }
}

/// The urgency hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Urgency {
    /// 0
    Low,
    /// 1
    Normal,
    /// 2
    Critical,
}

/// One hint value, reduced to what tests compare.
#[derive(Debug, Clone, PartialEq)]
pub enum Hint {
    /// A boolean.
    Bool(bool),
    /// Any integer type (byte, int32, uint32, ...).
    Int(i64),
    /// A double.
    Float(f64),
    /// A string.
    Str(String),
    /// Anything else (such as `image-data`), by its D-Bus signature.
    Other(String),
}

impl Hint {
    pub(crate) fn from_variant(value: &Variant<'_>) -> Self {
        match value {
            Variant::Bool(b) => Self::Bool(*b),
            Variant::U8(n) => Self::Int((*n).into()),
            Variant::I16(n) => Self::Int((*n).into()),
            Variant::U16(n) => Self::Int((*n).into()),
            Variant::I32(n) => Self::Int((*n).into()),
            Variant::U32(n) => Self::Int((*n).into()),
            Variant::I64(n) => Self::Int(*n),
            Variant::U64(n) => Self::Int(i64::try_from(*n).unwrap_or(i64::MAX)),
            Variant::F64(f) => Self::Float(*f),
            Variant::Str(s) => Self::Str(s.to_string()),
            Variant::Variant(inner) => Self::from_variant(inner),
            other => Self::Other(other.value_signature().to_string()),
        }
    }

    /// The value if it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value if it is an integer.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Self::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The value as a boolean; clients send boolean hints as integers too, so accept both.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            Self::Int(n) => Some(*n != 0),
            _ => None,
        }
    }
}

/// The hints of a `Notify` call, with accessors for the standard ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hints(pub BTreeMap<String, Hint>);

impl Hints {
    /// Any hint by name.
    pub fn get(&self, name: &str) -> Option<&Hint> {
        self.0.get(name)
    }

    /// `urgency` (a byte).
    pub fn urgency(&self) -> Option<Urgency> {
        match self.get("urgency")?.as_int()? {
            0 => Some(Urgency::Low),
            1 => Some(Urgency::Normal),
            2 => Some(Urgency::Critical),
            _ => None,
        }
    }

    /// `category`, such as `im.received`.
    pub fn category(&self) -> Option<&str> {
        self.get("category")?.as_str()
    }

    /// `desktop-entry`: the app's .desktop file name without the suffix.
    pub fn desktop_entry(&self) -> Option<&str> {
        self.get("desktop-entry")?.as_str()
    }

    /// `transient`: the server should not keep it in a history.
    pub fn transient(&self) -> Option<bool> {
        self.get("transient")?.as_bool()
    }

    /// `resident`: the notification stays after an action is invoked.
    pub fn resident(&self) -> Option<bool> {
        self.get("resident")?.as_bool()
    }

    /// `sound-name`.
    pub fn sound_name(&self) -> Option<&str> {
        self.get("sound-name")?.as_str()
    }

    /// `image-path`.
    pub fn image_path(&self) -> Option<&str> {
        self.get("image-path")?.as_str()
    }
}

/// One recorded `Notify` call.
#[derive(Debug, Clone, PartialEq)]
pub struct NotifyCall {
    /// The id the server returned (equal to `replaces_id` when that was non-zero).
    pub id: u32,
    /// The unique bus name of the caller.
    pub sender: String,
    /// `app_name`
    pub app_name: String,
    /// `replaces_id`
    pub replaces_id: u32,
    /// `app_icon`
    pub app_icon: String,
    /// `summary`
    pub summary: String,
    /// `body`
    pub body: String,
    /// `actions`, paired up as (key, label).
    pub actions: Vec<(String, String)>,
    /// `hints`
    pub hints: Hints,
    /// `expire_timeout` in milliseconds (-1: server default, 0: never).
    pub expire_timeout: i32,
    /// When the server received the call (for latency measurements).
    pub received_at: std::time::Instant,
}

impl NotifyCall {
    /// The action keys, in order.
    pub fn action_keys(&self) -> Vec<&str> {
        self.actions.iter().map(|(key, _)| key.as_str()).collect()
    }

    /// The label of the action `key`, if the notification has it.
    pub fn action_label(&self, key: &str) -> Option<&str> {
        self.actions
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, label)| label.as_str())
    }
}

impl fmt::Display for NotifyCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "#{} from {:?}: {:?} / {:?} actions={:?}",
            self.id, self.app_name, self.summary, self.body, self.actions
        )
    }
}

/// A notification that closed, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed {
    /// The notification id.
    pub id: u32,
    /// The reason sent with `NotificationClosed`.
    pub reason: CloseReason,
}

/// How the server behaves when the test invokes an action, mimicking different real servers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionBehaviour {
    /// After `ActionInvoked`, close the notification with `NotificationClosed(id, 2)`, as GNOME
    /// Shell, KDE and dunst do (unless the notification has the `resident` hint). Default: on.
    pub close_after_action: bool,
    /// Emit `ActivationToken(id, token)` before `ActionInvoked`, as servers implementing
    /// notification spec 1.2 do, so that the app can raise a window. Default: off.
    pub activation_token: Option<String>,
}

impl Default for ActionBehaviour {
    fn default() -> Self {
        Self {
            close_after_action: true,
            activation_token: None,
        }
    }
}

#[derive(Debug)]
struct State {
    calls: Vec<NotifyCall>,
    /// Ids of notifications currently shown, with the call that last set their content.
    open: BTreeMap<u32, NotifyCall>,
    closed: Vec<Closed>,
    close_requests: Vec<u32>,
    next_id: u32,
    capabilities: Vec<String>,
    behaviour: ActionBehaviour,
    /// KDE's `Inhibited` property: Do Not Disturb.
    inhibited: bool,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    /// Ticks on every change of `state`, for waits.
    changes: watch::Sender<u64>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the records half-written in a way that
        // matters to a test, so keep going rather than poisoning every later assertion.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn changed(&self) {
        self.changes.send_modify(|n| *n += 1);
    }
}

/// The D-Bus face of the server.
struct NotificationsIface {
    shared: Arc<Shared>,
}

#[interface(name = "org.freedesktop.Notifications")]
impl NotificationsIface {
    #[allow(clippy::too_many_arguments)] // The D-Bus method has eight arguments.
    async fn notify(
        &self,
        app_name: String,
        replaces_id: u32,
        app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        hints: HashMap<String, OwnedVariant>,
        expire_timeout: i32,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) -> u32 {
        let received_at = std::time::Instant::now();
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        let actions = actions
            .chunks(2)
            .map(|pair| (pair[0].clone(), pair.get(1).cloned().unwrap_or_default()))
            .collect();
        let hints = Hints(
            hints
                .iter()
                .map(|(name, value)| (name.clone(), Hint::from_variant(value)))
                .collect(),
        );
        let id = {
            let mut state = self.shared.lock();
            // The specification: a non-zero replaces_id is returned as the id, whether or not
            // that notification is still shown.
            let id = if replaces_id == 0 {
                state.next_id
            } else {
                replaces_id
            };
            state.next_id = state.next_id.max(id + 1);
            let call = NotifyCall {
                id,
                sender,
                app_name,
                replaces_id,
                app_icon,
                summary,
                body,
                actions,
                hints,
                expire_timeout,
                received_at,
            };
            tracing::debug!("Notify {call}");
            state.open.insert(id, call.clone());
            state.calls.push(call);
            id
        };
        self.shared.changed();
        id
    }

    async fn close_notification(
        &self,
        id: u32,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> zbus::fdo::Result<()> {
        let was_open = {
            let mut state = self.shared.lock();
            state.close_requests.push(id);
            state.open.remove(&id).is_some()
        };
        if was_open {
            close(&self.shared, &emitter, id, CloseReason::ClosedByCall).await?;
        } else {
            self.shared.changed();
        }
        Ok(())
    }

    fn get_capabilities(&self) -> Vec<String> {
        self.shared.lock().capabilities.clone()
    }

    #[zbus(out_args("name", "vendor", "version", "spec_version"))]
    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "placet-e2e".into(),
            "Placet Tray end-to-end tests".into(),
            env!("CARGO_PKG_VERSION").into(),
            "1.2".into(),
        )
    }

    /// KDE Plasma's Do Not Disturb (`Inhibited`), which the test switches.
    #[zbus(property)]
    fn inhibited(&self) -> bool {
        self.shared.lock().inhibited
    }

    #[zbus(signal)]
    async fn notification_closed(
        emitter: &SignalEmitter<'_>,
        id: u32,
        reason: u32,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn action_invoked(
        emitter: &SignalEmitter<'_>,
        id: u32,
        action_key: &str,
    ) -> zbus::Result<()>;

    /// KDE's inline reply (`inline-reply` capability): the text typed into the
    /// notification.
    #[zbus(signal)]
    async fn notification_replied(
        emitter: &SignalEmitter<'_>,
        id: u32,
        text: &str,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn activation_token(
        emitter: &SignalEmitter<'_>,
        id: u32,
        activation_token: &str,
    ) -> zbus::Result<()>;
}

/// Records a close (the caller has removed `id` from `open`) and emits `NotificationClosed`.
async fn close(
    shared: &Shared,
    emitter: &SignalEmitter<'_>,
    id: u32,
    reason: CloseReason,
) -> zbus::Result<()> {
    shared.lock().closed.push(Closed { id, reason });
    shared.changed();
    NotificationsIface::notification_closed(emitter, id, reason.code()).await
}

/// The notification server of a [`Desktop`](crate::Desktop); see the module docs.
#[derive(Debug, Clone)]
pub struct NotificationServer {
    shared: Arc<Shared>,
    connection: Connection,
}

impl NotificationServer {
    /// Starts another server on the bus at `address` that takes [`NOTIFICATIONS_NAME`]
    /// over, as a daemon that restarted (or another one the desktop started) does: a new
    /// unique name, and ids that start at 1 again.
    pub async fn take_over(address: &str) -> zbus::Result<Self> {
        Self::start(address).await
    }

    /// Starts the server on the bus at `address`, owning [`NOTIFICATIONS_NAME`] (and
    /// letting a later server take it over).
    pub(crate) async fn start(address: &str) -> zbus::Result<Self> {
        let (changes, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                calls: Vec::new(),
                open: BTreeMap::new(),
                closed: Vec::new(),
                close_requests: Vec::new(),
                next_id: 1,
                capabilities: DEFAULT_CAPABILITIES.iter().map(|c| c.to_string()).collect(),
                behaviour: ActionBehaviour::default(),
                inhibited: false,
            }),
            changes,
        });
        let connection = zbus::connection::Builder::address(address)
            .serve_at(
                NOTIFICATIONS_PATH,
                NotificationsIface {
                    shared: shared.clone(),
                },
            )
            .build()
            .await?;
        // The default flags: replace the owner, and let a later server replace us.
        connection
            .request_name_with_flags(NOTIFICATIONS_NAME, zbus::fdo::RequestNameFlags::default())
            .await?;
        Ok(Self { shared, connection })
    }

    /// Every `Notify` call so far, in order.
    pub fn calls(&self) -> Vec<NotifyCall> {
        self.shared.lock().calls.clone()
    }

    /// The notifications currently shown (each as its latest `Notify` call), by id.
    pub fn open_notifications(&self) -> Vec<NotifyCall> {
        self.shared.lock().open.values().cloned().collect()
    }

    /// Whether notification `id` is currently shown.
    pub fn is_open(&self, id: u32) -> bool {
        self.shared.lock().open.contains_key(&id)
    }

    /// Every close so far, whoever caused it, in order.
    pub fn closed(&self) -> Vec<Closed> {
        self.shared.lock().closed.clone()
    }

    /// The ids the app passed to `CloseNotification`, in order (including unknown ids).
    pub fn close_requests(&self) -> Vec<u32> {
        self.shared.lock().close_requests.clone()
    }

    /// Replaces the capabilities `GetCapabilities` returns. Set before the app starts: clients
    /// may ask once and remember.
    pub fn set_capabilities(&self, capabilities: &[&str]) {
        self.shared.lock().capabilities = capabilities.iter().map(|c| c.to_string()).collect();
    }

    /// Switches Do Not Disturb as KDE Plasma does: the `Inhibited` property, announced
    /// with `PropertiesChanged`.
    pub async fn set_inhibited(&self, on: bool) {
        self.shared.lock().inhibited = on;
        let iface = self
            .connection
            .object_server()
            .interface::<_, NotificationsIface>(NOTIFICATIONS_PATH)
            .await
            .expect("the server's interface");
        iface
            .get()
            .await
            .inhibited_changed(iface.signal_emitter())
            .await
            .expect("emitting PropertiesChanged");
        self.shared.changed();
    }

    /// Changes what [`invoke_action`](Self::invoke_action) emits.
    pub fn set_action_behaviour(&self, behaviour: ActionBehaviour) {
        self.shared.lock().behaviour = behaviour;
    }

    /// Waits for a `Notify` call (past or future) that satisfies `predicate` and returns it.
    /// Panics after `timeout`, listing the calls that were seen.
    pub async fn wait_for_notify(
        &self,
        predicate: impl Fn(&NotifyCall) -> bool,
        timeout: Duration,
    ) -> NotifyCall {
        self.wait_notify("a matching notification", predicate, timeout)
            .await
    }

    /// As [`wait_for_notify`](Self::wait_for_notify), saying `what` was awaited when it
    /// panics.
    pub async fn wait_notify(
        &self,
        what: impl std::fmt::Display,
        predicate: impl Fn(&NotifyCall) -> bool,
        timeout: Duration,
    ) -> NotifyCall {
        let mut changes = self.shared.changes.subscribe();
        let found = wait::on_change(&mut changes, timeout, || {
            self.shared
                .lock()
                .calls
                .iter()
                .find(|c| predicate(c))
                .cloned()
        })
        .await;
        found.unwrap_or_else(|| {
            panic!(
                "timed out after {timeout:?} waiting for {what}; calls seen:\n{}",
                self.describe_calls()
            )
        })
    }

    /// Waits until notification `id` is closed, for any reason, and returns the reason.
    /// Panics after `timeout`.
    pub async fn wait_closed(&self, id: u32, timeout: Duration) -> CloseReason {
        let mut changes = self.shared.changes.subscribe();
        let found = wait::on_change(&mut changes, timeout, || {
            let state = self.shared.lock();
            if state.open.contains_key(&id) {
                return None;
            }
            state
                .closed
                .iter()
                .rev()
                .find(|c| c.id == id)
                .map(|c| c.reason)
        })
        .await;
        found.unwrap_or_else(|| {
            panic!(
                "notification {id} was not closed within {timeout:?}; open: {:?}, close requests: {:?}",
                self.shared.lock().open.keys().collect::<Vec<_>>(),
                self.close_requests()
            )
        })
    }

    /// Plays the user clicking action `key` of notification `id`: emits `ActivationToken` if
    /// configured, then `ActionInvoked(id, key)`, then (by default, and unless the notification
    /// is `resident`) closes it with reason 2. See [`ActionBehaviour`].
    ///
    /// Panics if `id` is not shown or has no action `key`: a real server cannot invoke it.
    pub async fn invoke_action(&self, id: u32, key: &str) {
        let (behaviour, resident) = {
            let state = self.shared.lock();
            let call = state.open.get(&id).unwrap_or_else(|| {
                panic!(
                    "cannot invoke {key:?} on notification {id}: it is not shown (open: {:?})",
                    state.open.keys().collect::<Vec<_>>()
                )
            });
            assert!(
                call.action_label(key).is_some(),
                "notification {id} has no action {key:?}; it has {:?}",
                call.actions
            );
            (state.behaviour.clone(), call.hints.resident() == Some(true))
        };
        let emitter = self.emitter();
        if let Some(token) = &behaviour.activation_token {
            NotificationsIface::activation_token(&emitter, id, token)
                .await
                .expect("emitting ActivationToken");
        }
        NotificationsIface::action_invoked(&emitter, id, key)
            .await
            .expect("emitting ActionInvoked");
        // The client may have closed it already on seeing the action (notify-send does):
        // then there is nothing left to close, as on a real server.
        let still_open = behaviour.close_after_action
            && !resident
            && self.shared.lock().open.remove(&id).is_some();
        if still_open {
            close(&self.shared, &self.emitter(), id, CloseReason::Dismissed)
                .await
                .expect("emitting NotificationClosed");
        }
    }

    /// Plays the user typing `text` into notification `id`'s inline reply field and
    /// sending it, as KDE Plasma does: `NotificationReplied(id, text)`, then the
    /// notification closes. Panics unless it offered a reply (`inline-reply` action).
    pub async fn reply(&self, id: u32, text: &str) {
        {
            let state = self.shared.lock();
            let call = state
                .open
                .get(&id)
                .unwrap_or_else(|| panic!("cannot reply to notification {id}: it is not shown"));
            assert!(
                call.action_label("inline-reply").is_some(),
                "notification {id} offers no inline reply; its actions are {:?}",
                call.actions
            );
        }
        NotificationsIface::notification_replied(&self.emitter(), id, text)
            .await
            .expect("emitting NotificationReplied");
        if self.shared.lock().open.remove(&id).is_some() {
            close(&self.shared, &self.emitter(), id, CloseReason::Dismissed)
                .await
                .expect("emitting NotificationClosed");
        }
    }

    /// Plays the user dismissing notification `id` (`NotificationClosed(id, 2)`).
    pub async fn dismiss(&self, id: u32) {
        self.close_as(id, CloseReason::Dismissed).await;
    }

    /// Plays notification `id` timing out (`NotificationClosed(id, 1)`).
    pub async fn expire(&self, id: u32) {
        self.close_as(id, CloseReason::Expired).await;
    }

    async fn close_as(&self, id: u32, reason: CloseReason) {
        let was_open = self.shared.lock().open.remove(&id).is_some();
        assert!(was_open, "cannot close notification {id}: it is not shown");
        close(&self.shared, &self.emitter(), id, reason)
            .await
            .expect("emitting NotificationClosed");
    }

    /// This server's unique name on the bus.
    pub fn unique_name(&self) -> String {
        self.connection
            .unique_name()
            .map(|n| n.to_string())
            .unwrap_or_default()
    }

    fn emitter(&self) -> SignalEmitter<'static> {
        SignalEmitter::new(&self.connection, NOTIFICATIONS_PATH)
            .expect("the notifications path is valid")
    }

    fn describe_calls(&self) -> String {
        let calls = self.calls();
        if calls.is_empty() {
            return "  (none)".into();
        }
        calls
            .iter()
            .map(|c| format!("  {c}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_accept_booleans_sent_as_integers() {
        let hints = Hints(BTreeMap::from([
            ("transient".to_owned(), Hint::Int(1)),
            ("resident".to_owned(), Hint::Bool(false)),
            ("urgency".to_owned(), Hint::Int(2)),
        ]));
        assert_eq!(hints.transient(), Some(true), "int 1 means true");
        assert_eq!(hints.resident(), Some(false), "bool false stays false");
        assert_eq!(hints.urgency(), Some(Urgency::Critical), "2 is critical");
        assert_eq!(hints.category(), None, "absent hint");
    }
}
