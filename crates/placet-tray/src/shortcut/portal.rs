//! The shortcut on Wayland: the XDG desktop portal's GlobalShortcuts
//! (`org.freedesktop.portal.GlobalShortcuts`), over zbus. Wayland gives programs no key
//! grabs; the desktop binds the shortcut (it may ask the person, offer other keys, or
//! refuse) and says when it is pressed (`Activated`).
//!
//! Each request's answer is the `Response` signal of its request object, whose path is
//! known before the call (`…/request/<sender>/<token>`), so the match rule is in place
//! before the call goes out. A session binds once: other keys mean a new session (the old
//! one is closed). `Activated` counts only from the portal itself (its unique name), for
//! this session and this shortcut.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::StreamExt;
use placet_tray_core::shortcut::Keys;
use tokio::sync::mpsc;
use zbus::{OwnedObjectPath, OwnedVariant as OwnedValue, Variant as Value};

const PORTAL: &str = "org.freedesktop.portal.Desktop";
const PATH: &str = "/org/freedesktop/portal/desktop";
const SHORTCUTS: &str = "org.freedesktop.portal.GlobalShortcuts";
const REQUEST: &str = "org.freedesktop.portal.Request";
const SESSION: &str = "org.freedesktop.portal.Session";
/// The shortcut's id in the session.
pub const SHORTCUT_ID: &str = "open-inbox";
/// The longest wait for the desktop's answer (it may ask the person first).
const ANSWER_WAIT: Duration = Duration::from_secs(120);

/// A session with the portal, and its shortcut.
#[derive(Debug)]
pub struct Portal {
    connection: zbus::Connection,
    session: Option<OwnedObjectPath>,
    pressed: mpsc::UnboundedSender<()>,
    listener: Option<tokio::task::JoinHandle<()>>,
    counter: u32,
}

type Results = HashMap<String, OwnedValue>;

impl Portal {
    /// Connects to the session bus; fails when no portal offers GlobalShortcuts.
    pub async fn connect(pressed: mpsc::UnboundedSender<()>) -> Result<Self, String> {
        let connection = zbus::Connection::session()
            .await
            .map_err(|e| format!("no session bus: {e}"))?;
        let version: Result<u32, _> = zbus::proxy::Builder::<zbus::Proxy<'_>>::new(&connection)
            .destination(PORTAL)
            .path(PATH)
            .interface(SHORTCUTS)
            .cache_properties(zbus::proxy::CacheProperties::No)
            .build()
            .await
            .map_err(|e| e.to_string())?
            .get_property("version")
            .await;
        if let Err(e) = version {
            return Err(format!(
                "this desktop offers no global shortcuts to apps (no GlobalShortcuts portal: {e})"
            ));
        }
        Ok(Self {
            connection,
            session: None,
            pressed,
            listener: None,
            counter: 0,
        })
    }

    fn token(&mut self) -> String {
        self.counter += 1;
        format!("placet_tray_{}_{}", std::process::id(), self.counter)
    }

    /// The path the portal gives the request with this handle token.
    fn request_path(&self, token: &str) -> Result<String, String> {
        let me = self
            .connection
            .unique_name()
            .ok_or("not connected to the bus")?
            .as_str()
            .trim_start_matches(':')
            .replace('.', "_");
        Ok(format!("{PATH}/request/{me}/{token}"))
    }

    /// Calls `method` with a request object and waits for its `Response`.
    async fn request<B>(
        &mut self,
        method: &str,
        body: impl Fn(&str) -> B,
    ) -> Result<Results, String>
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
    {
        let token = self.token();
        let path = self.request_path(&token)?;
        let rule = zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface(REQUEST)
            .member("Response")
            .path(path.as_str())
            .build()
            .map_err(|e| e.to_string())?;
        let mut answers = zbus::MessageStream::for_match_rule(
            rule,
            &self.connection,
            std::num::NonZeroUsize::new(4),
        )
        .await
        .map_err(|e| e.to_string())?;
        self.connection
            .call_method(Some(PORTAL), PATH, Some(SHORTCUTS), method, &body(&token))
            .await
            .map_err(|e| format!("the desktop refused the shortcut ({method}: {e})"))?;
        let answer = tokio::time::timeout(ANSWER_WAIT, answers.next())
            .await
            .map_err(|_| "the desktop did not answer about the shortcut".to_owned())?
            .ok_or("the bus closed")?
            .map_err(|e| e.to_string())?;
        let (code, results): (u32, Results) =
            answer.body().deserialize().map_err(|e| e.to_string())?;
        match code {
            0 => Ok(results),
            1 => Err("the shortcut was not confirmed in the desktop's dialog.".to_owned()),
            _ => Err("the desktop refused the shortcut.".to_owned()),
        }
    }

    /// Binds `keys` in a new session (closing the old one); returns the keys as the
    /// desktop describes them.
    pub async fn bind(&mut self, keys: &Keys) -> Result<String, String> {
        self.unbind().await;
        let session_token = self.token();
        let created = self
            .request("CreateSession", |token| {
                let mut options: HashMap<&str, Value<'_>> = HashMap::new();
                options.insert("handle_token", Value::from(token.to_owned()));
                options.insert("session_handle_token", Value::from(session_token.clone()));
                (options,)
            })
            .await?;
        let session: OwnedObjectPath = created
            .get("session_handle")
            .and_then(|v| {
                String::try_from(v.clone())
                    .ok()
                    .and_then(|s| OwnedObjectPath::try_from(s).ok())
                    .or_else(|| OwnedObjectPath::try_from(v.clone()).ok())
            })
            .ok_or("the desktop gave no shortcut session")?;
        self.session = Some(session.clone());
        self.listen(session.clone()).await?;
        let trigger = keys.portal_trigger();
        let bound = self
            .request("BindShortcuts", |token| {
                let mut props: HashMap<&str, Value<'_>> = HashMap::new();
                props.insert(
                    "description",
                    Value::from(placet_tray_core::tr!("shortcut-description")),
                );
                props.insert("preferred_trigger", Value::from(trigger.clone()));
                let shortcuts = vec![(SHORTCUT_ID, props)];
                let mut options: HashMap<&str, Value<'_>> = HashMap::new();
                options.insert("handle_token", Value::from(token.to_owned()));
                (session.clone(), shortcuts, "", options)
            })
            .await?;
        let list: Vec<(String, HashMap<String, OwnedValue>)> = bound
            .get("shortcuts")
            .and_then(|v| v.try_clone().ok())
            .and_then(|v| Vec::try_from(v).ok())
            .unwrap_or_default();
        let Some((_, props)) = list.into_iter().find(|(id, _)| id == SHORTCUT_ID) else {
            return Err("the desktop did not bind the shortcut.".to_owned());
        };
        Ok(props
            .get("trigger_description")
            .and_then(|v| String::try_from(v.clone()).ok())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| keys.display()))
    }

    /// Follows `Activated` for `session` from the portal itself.
    async fn listen(&mut self, session: OwnedObjectPath) -> Result<(), String> {
        let dbus = zbus::fdo::DBusProxy::new(&self.connection)
            .await
            .map_err(|e| e.to_string())?;
        let owner = dbus
            .get_name_owner(zbus::names::BusName::try_from(PORTAL).map_err(|e| e.to_string())?)
            .await
            .map_err(|e| e.to_string())?
            .to_string();
        let rule = zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface(SHORTCUTS)
            .member("Activated")
            .build()
            .map_err(|e| e.to_string())?;
        let mut activations = zbus::MessageStream::for_match_rule(rule, &self.connection, None)
            .await
            .map_err(|e| e.to_string())?;
        let pressed = self.pressed.clone();
        self.listener = Some(tokio::spawn(async move {
            while let Some(Ok(m)) = activations.next().await {
                let from = m.header().sender().map(|s| s.to_string());
                if from.as_deref() != Some(owner.as_str()) {
                    tracing::warn!(sender = ?from, "a shortcut activation not from the portal was ignored");
                    continue;
                }
                let Ok((s, id, _, _)) = m
                    .body()
                    .deserialize::<(OwnedObjectPath, String, u64, Results)>()
                else {
                    continue;
                };
                if s == session && id == SHORTCUT_ID && pressed.send(()).is_err() {
                    return;
                }
            }
        }));
        Ok(())
    }

    /// Closes the session (the desktop forgets the shortcut).
    pub async fn unbind(&mut self) {
        if let Some(l) = self.listener.take() {
            l.abort();
        }
        if let Some(session) = self.session.take() {
            let closed = self
                .connection
                .call_method(Some(PORTAL), session.as_str(), Some(SESSION), "Close", &())
                .await;
            if let Err(e) = closed {
                tracing::debug!(error = %e, "closing the shortcut session");
            }
        }
    }
}
