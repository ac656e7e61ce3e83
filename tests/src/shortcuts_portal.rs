//! A stand-in for the XDG desktop portal's GlobalShortcuts
//! (`org.freedesktop.portal.GlobalShortcuts` at `/org/freedesktop/portal/desktop`, owning
//! `org.freedesktop.portal.Desktop`), as a Wayland desktop offers it: `CreateSession` and
//! `BindShortcuts` answer through the `Response` signal of their request objects (at the
//! path the specification names), the test presses a bound shortcut (`Activated`), or
//! makes the desktop refuse the binding.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;
use zbus::object_server::SignalEmitter;
use zbus::{interface, Connection, OwnedObjectPath, OwnedVariant, Variant};

use crate::wait;

/// The portal's bus name.
pub const PORTAL_NAME: &str = "org.freedesktop.portal.Desktop";
/// The portal's object path.
pub const PORTAL_PATH: &str = "/org/freedesktop/portal/desktop";

/// One `BindShortcuts` call: the session, and each shortcut's id with its preferred
/// trigger and description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindCall {
    pub session: String,
    pub shortcuts: Vec<(String, Option<String>, Option<String>)>,
}

#[derive(Debug, Default)]
struct State {
    sessions: Vec<String>,
    binds: Vec<BindCall>,
    closed: Vec<String>,
    /// Answer `BindShortcuts` with this response code (0 accepts).
    refuse_with: u32,
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

struct Shortcuts {
    shared: Arc<Shared>,
}

/// A request object: only its `Response` signal is used.
struct Request;

#[interface(name = "org.freedesktop.portal.Request")]
impl Request {
    #[zbus(signal)]
    async fn response(
        emitter: &SignalEmitter<'_>,
        response: u32,
        results: HashMap<&str, Variant<'_>>,
    ) -> zbus::Result<()>;
}

/// A session object: the app closes it.
struct Session {
    path: String,
    shared: Arc<Shared>,
}

#[interface(name = "org.freedesktop.portal.Session")]
impl Session {
    fn close(&self) {
        self.shared.lock().closed.push(self.path.clone());
        self.shared.changed();
    }
}

/// `…/request/<sender without ':' and with '_' for '.'>/<token>`.
fn request_path(sender: &str, token: &str) -> String {
    let me = sender.trim_start_matches(':').replace('.', "_");
    format!("{PORTAL_PATH}/request/{me}/{token}")
}

fn token(options: &HashMap<String, OwnedVariant>, key: &str) -> String {
    options
        .get(key)
        .and_then(|v| String::try_from(v.try_clone().ok()?).ok())
        .unwrap_or_else(|| "t".to_owned())
}

/// Answers the request at `path` after the method returned.
fn answer(connection: Connection, path: String, code: u32, results: HashMap<String, OwnedVariant>) {
    tokio::spawn(async move {
        let _ = connection.object_server().at(path.as_str(), Request).await;
        // The method's reply goes out first, as a real portal's does.
        tokio::time::sleep(Duration::from_millis(20)).await;
        let Ok(emitter) = SignalEmitter::new(&connection, path.as_str()) else {
            return;
        };
        let results: HashMap<&str, Variant<'_>> = results
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str(),
                    Variant::from(v.try_clone().expect("a plain value")),
                )
            })
            .collect();
        let _ = Request::response(&emitter, code, results).await;
    });
}

#[interface(name = "org.freedesktop.portal.GlobalShortcuts")]
impl Shortcuts {
    /// The specification names it in lower case.
    #[zbus(property, name = "version")]
    fn version(&self) -> u32 {
        1
    }

    async fn create_session(
        &self,
        options: HashMap<String, OwnedVariant>,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(connection)] connection: &Connection,
    ) -> zbus::fdo::Result<OwnedObjectPath> {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        let request = request_path(&sender, &token(&options, "handle_token"));
        let session = format!(
            "{PORTAL_PATH}/session/{}/{}",
            sender.trim_start_matches(':').replace('.', "_"),
            token(&options, "session_handle_token")
        );
        self.shared.lock().sessions.push(session.clone());
        self.shared.changed();
        let _ = connection
            .object_server()
            .at(
                session.as_str(),
                Session {
                    path: session.clone(),
                    shared: self.shared.clone(),
                },
            )
            .await;
        let results = HashMap::from([(
            "session_handle".to_owned(),
            OwnedVariant::try_from(Variant::from(session)).expect("a string"),
        )]);
        answer(connection.clone(), request.clone(), 0, results);
        Ok(OwnedObjectPath::try_from(request).expect("a valid path"))
    }

    async fn bind_shortcuts(
        &self,
        session: OwnedObjectPath,
        shortcuts: Vec<(String, HashMap<String, OwnedVariant>)>,
        _parent_window: String,
        options: HashMap<String, OwnedVariant>,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(connection)] connection: &Connection,
    ) -> zbus::fdo::Result<OwnedObjectPath> {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        let request = request_path(&sender, &token(&options, "handle_token"));
        let text = |props: &HashMap<String, OwnedVariant>, key: &str| {
            props
                .get(key)
                .and_then(|v| String::try_from(v.try_clone().ok()?).ok())
        };
        let call = BindCall {
            session: session.to_string(),
            shortcuts: shortcuts
                .iter()
                .map(|(id, p)| {
                    (
                        id.clone(),
                        text(p, "preferred_trigger"),
                        text(p, "description"),
                    )
                })
                .collect(),
        };
        let code = {
            let mut st = self.shared.lock();
            st.binds.push(call.clone());
            st.refuse_with
        };
        self.shared.changed();
        let bound: Vec<(String, HashMap<String, Variant<'static>>)> = call
            .shortcuts
            .iter()
            .map(|(id, trigger, _)| {
                let description = format!("Press {}", trigger.clone().unwrap_or_default());
                (
                    id.clone(),
                    HashMap::from([("trigger_description".to_owned(), Variant::from(description))]),
                )
            })
            .collect();
        let results = if code == 0 {
            HashMap::from([(
                "shortcuts".to_owned(),
                OwnedVariant::try_from(Variant::from(bound)).expect("a list"),
            )])
        } else {
            HashMap::new()
        };
        answer(connection.clone(), request.clone(), code, results);
        Ok(OwnedObjectPath::try_from(request).expect("a valid path"))
    }

    #[zbus(signal)]
    async fn activated(
        emitter: &SignalEmitter<'_>,
        session_handle: OwnedObjectPath,
        shortcut_id: &str,
        timestamp: u64,
        options: HashMap<&str, Variant<'_>>,
    ) -> zbus::Result<()>;
}

/// The portal stand-in on a desktop's bus.
#[derive(Debug, Clone)]
pub struct ShortcutsPortal {
    shared: Arc<Shared>,
    connection: Connection,
}

impl ShortcutsPortal {
    /// Starts it on the bus at `address`, owning [`PORTAL_NAME`].
    pub async fn start(address: &str) -> zbus::Result<Self> {
        let (changes, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            state: Mutex::default(),
            changes,
        });
        let connection = zbus::connection::Builder::address(address)
            .serve_at(
                PORTAL_PATH,
                Shortcuts {
                    shared: shared.clone(),
                },
            )
            .name(PORTAL_NAME)
            .build()
            .await?;
        Ok(Self { shared, connection })
    }

    /// From now on, `BindShortcuts` is answered with `code` (1: the person cancelled the
    /// desktop's dialog, 2: refused; 0 accepts).
    pub fn refuse_with(&self, code: u32) {
        self.shared.lock().refuse_with = code;
    }

    /// Every `BindShortcuts` so far.
    pub fn binds(&self) -> Vec<BindCall> {
        self.shared.lock().binds.clone()
    }

    /// The sessions the app closed.
    pub fn closed(&self) -> Vec<String> {
        self.shared.lock().closed.clone()
    }

    /// Waits until `BindShortcuts` was called `n` times; returns the last call.
    pub async fn wait_bind(&self, n: usize, timeout: Duration) -> BindCall {
        let mut changes = self.shared.changes.subscribe();
        let found = wait::on_change(&mut changes, timeout, || {
            let st = self.shared.lock();
            (st.binds.len() >= n).then(|| st.binds[n - 1].clone())
        })
        .await;
        found.unwrap_or_else(|| {
            panic!(
                "no BindShortcuts #{n} within {timeout:?}: {:?}",
                self.binds()
            )
        })
    }

    /// Plays the person pressing shortcut `id` of the session of bind `call`.
    pub async fn press(&self, call: &BindCall, id: &str) {
        let emitter = SignalEmitter::new(&self.connection, PORTAL_PATH).expect("the portal path");
        let session = OwnedObjectPath::try_from(call.session.clone()).expect("a session path");
        Shortcuts::activated(&emitter, session, id, 0, HashMap::new())
            .await
            .expect("emitting Activated");
    }
}
