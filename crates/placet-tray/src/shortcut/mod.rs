//! The global shortcut (Settings › Keyboard shortcut, Ctrl+Alt+P by default): the tray
//! binds it and a press opens the inbox at the oldest waiting review
//! ([`placet_tray_core::shortcut::pressed`]). It follows the setting without a restart.
//!
//! - X11 ([`x11`]): a key grab on the root window, with its own blocking event thread.
//!   The `global-hotkey` crate's X11 backend is not used here: it polls the X server
//!   every 50 ms, twenty wake-ups a second for as long as the tray runs.
//! - Wayland ([`portal`]): the XDG desktop portal's GlobalShortcuts; the desktop may ask
//!   the person or refuse.
//! - Windows and macOS (`hotkey`): the `global-hotkey` crate, on the event loop's thread.
//!
//! Where the desktop refuses the keys (another program holds them, the portal says no),
//! a notification says so once and the settings window shows why; where the desktop has
//! no way to bind them (a Wayland desktop without the portal), only the settings window
//! does.

#[cfg(any(windows, target_os = "macos"))]
pub mod hotkey;
#[cfg(target_os = "linux")]
mod portal;
#[cfg(target_os = "linux")]
mod x11;

use placet_tray_core::attention::ShortcutState;
use placet_tray_core::ipc::Ctx;
use placet_tray_core::notify::{
    InfoKey, Notice, NoticeKey, NoticeKind, NotificationCenter, Urgency,
};
use placet_tray_core::shortcut::{self, Keys};
use placet_tray_core::text;
use tokio::sync::{broadcast, mpsc};

/// Why the keys are not bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The desktop refused them: said in a notification too.
    Refused(String),
    /// The desktop has no way to bind them: said in the settings window only.
    Unavailable(String),
}

/// Binds keys on the event loop's thread (or unbinds them, `None`); answers with the
/// keys as bound or why not.
#[cfg(any(windows, target_os = "macos"))]
pub type LoopBinder = Box<
    dyn Fn(Option<Keys>) -> tokio::sync::oneshot::Receiver<Result<Option<String>, String>> + Send,
>;

/// Where the keys are bound.
pub enum Binder {
    #[cfg(target_os = "linux")]
    X11(x11::X11),
    #[cfg(target_os = "linux")]
    Portal(portal::Portal),
    /// The event loop's thread binds (Windows, macOS).
    #[cfg(any(windows, target_os = "macos"))]
    Loop(LoopBinder),
    /// Nothing can bind keys here (Linux without a display or a portal; Windows and macOS
    /// always bind on the event loop's thread).
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    None(String),
}

impl std::fmt::Debug for Binder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            #[cfg(target_os = "linux")]
            Binder::X11(_) => "X11",
            #[cfg(target_os = "linux")]
            Binder::Portal(_) => "Portal",
            #[cfg(any(windows, target_os = "macos"))]
            Binder::Loop(_) => "Loop",
            Binder::None(_) => "None",
        })
    }
}

impl Binder {
    /// This desktop's way to bind keys (Linux: the portal on Wayland, X11 otherwise).
    #[cfg(target_os = "linux")]
    pub async fn linux(pressed: mpsc::UnboundedSender<()>) -> Binder {
        let wayland = std::env::var_os("WAYLAND_DISPLAY").is_some_and(|v| !v.is_empty())
            && std::env::var("XDG_SESSION_TYPE").as_deref() != Ok("x11");
        if wayland {
            return match portal::Portal::connect(pressed).await {
                Ok(p) => Binder::Portal(p),
                Err(e) => Binder::None(e),
            };
        }
        if std::env::var_os("DISPLAY").is_none() {
            return Binder::None("no display to bind keys on".to_owned());
        }
        match x11::X11::connect(pressed) {
            Ok(x) => Binder::X11(x),
            Err(e) => Binder::None(e),
        }
    }

    async fn bind(&mut self, keys: Option<Keys>) -> Result<Option<String>, Problem> {
        match self {
            #[cfg(target_os = "linux")]
            Binder::X11(x) => match keys {
                None => {
                    x.unbind();
                    Ok(None)
                }
                Some(k) => x.bind(&k).map(Some).map_err(Problem::Refused),
            },
            #[cfg(target_os = "linux")]
            Binder::Portal(p) => match keys {
                None => {
                    p.unbind().await;
                    Ok(None)
                }
                Some(k) => p.bind(&k).await.map(Some).map_err(Problem::Refused),
            },
            #[cfg(any(windows, target_os = "macos"))]
            Binder::Loop(ask) => ask(keys)
                .await
                .map_err(|_| Problem::Unavailable("the tray is quitting".to_owned()))?
                .map_err(Problem::Refused),
            Binder::None(why) => match keys {
                None => Ok(None),
                Some(_) => Err(Problem::Unavailable(why.clone())),
            },
        }
    }
}

/// The notice of keys the desktop refused.
fn refused_notice(keys: &str, reason: &str) -> Notice {
    let (title, body) = text::shortcut_refused(keys, reason);
    Notice {
        key: NoticeKey::Info(InfoKey::Desktop("shortcut".into())),
        title,
        body,
        actions: Vec::new(),
        open_label: Some(placet_tray_core::tr!("shortcut-open-settings")),
        without_buttons: None,
        reply: None,
        sound: false,
        persistent: false,
        kind: NoticeKind::Info,
        urgency: Urgency::Normal,
    }
}

/// Follows the setting, binding the keys it names, and opens the inbox on each press;
/// `pressed` is where `binder` reports presses.
pub async fn follow(
    ctx: Ctx,
    center: NotificationCenter,
    mut binder: Binder,
    mut pressed: mpsc::UnboundedReceiver<()>,
) {
    let mut events = ctx.core.subscribe();
    let mut applied: Option<String> = None;
    let mut told: Option<String> = None;
    // No binder reports presses where nothing can bind keys: the setting is still followed.
    let mut listening = true;
    loop {
        let wanted = ctx.core.config().attention.shortcut;
        if applied.as_ref() != Some(&wanted) {
            applied = Some(wanted.clone());
            let state = match Keys::parse(&wanted) {
                Err(e) => ShortcutState {
                    bound: None,
                    problem: Some(format!("“{wanted}”: {e}.")),
                },
                Ok(keys) => match binder.bind(keys).await {
                    Ok(bound) => {
                        center.close(NoticeKey::Info(InfoKey::Desktop("shortcut".into())));
                        tracing::info!(keys = ?bound, via = ?binder, "the global shortcut");
                        ShortcutState {
                            bound,
                            problem: None,
                        }
                    }
                    Err(Problem::Refused(reason)) => {
                        tracing::warn!(keys = %wanted, %reason, "the global shortcut was refused");
                        if told.as_ref() != Some(&reason) {
                            center.info(refused_notice(&wanted, &reason));
                            told = Some(reason.clone());
                        }
                        ShortcutState {
                            bound: None,
                            problem: Some(placet_tray_core::tr!(
                                "shortcut-taken",
                                keys = wanted.to_string(),
                                reason = reason.to_string()
                            )),
                        }
                    }
                    Err(Problem::Unavailable(reason)) => {
                        tracing::info!(%reason, "no global shortcut on this desktop");
                        ShortcutState {
                            bound: None,
                            problem: Some(placet_tray_core::tr!(
                                "shortcut-unavailable",
                                reason = reason.to_string()
                            )),
                        }
                    }
                },
            };
            ctx.attention.set_shortcut(state);
        }
        tokio::select! {
            p = pressed.recv(), if listening => match p {
                Some(()) => shortcut::pressed(&ctx),
                None => listening = false,
            },
            e = events.recv() => {
                if let Err(broadcast::error::RecvError::Closed) = e {
                    return;
                }
            }
        }
    }
}
