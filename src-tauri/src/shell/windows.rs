//! The window host: windows created on demand and destroyed on close, so an idle tray
//! holds no webview.
//!
//! Normally every window is its own process (`placet-tray window <target>`, see
//! [`super::bridge`]), so closing it gives back everything WebKit took. Under WebDriver
//! automation (`TAURI_WEBVIEW_AUTOMATION=true`, set by tauri-driver) windows open inside
//! the tray process instead, because the driver can only reach the webviews of the
//! process it started; the pages, their capabilities and the commands behind them are the
//! same either way.

use std::sync::{Arc, OnceLock};

use placet_tray_core::ipc::UiEvent;
use placet_tray_core::windows::{title_for, WindowHost, WindowKind};
use placet_tray_core::Core;
use tauri::{AppHandle, Emitter, Manager, WebviewUrl, WebviewWindowBuilder};

use super::bridge::{Bridge, ToWindow};

/// Pages may only ever show the app's own files; links go to the system browser.
fn is_app_url(url: &url::Url) -> bool {
    url.scheme() == "tauri" || url.host_str() == Some("tauri.localhost")
}

/// True when windows must live in this process: under WebDriver automation, and where
/// there are no Unix sockets for window processes.
pub fn in_process() -> bool {
    cfg!(not(unix)) || std::env::var("TAURI_WEBVIEW_AUTOMATION").is_ok_and(|v| v == "true")
}

/// Creates the webview window of `kind` in this process.
pub fn build(
    app: &AppHandle,
    kind: &WindowKind,
    option: Option<&str>,
    title: &str,
) -> tauri::Result<tauri::WebviewWindow> {
    let (w, h) = kind.size();
    WebviewWindowBuilder::new(app, kind.label(), WebviewUrl::App(kind.page(option).into()))
        .title(title)
        .inner_size(w, h)
        .min_inner_size(360.0, 320.0)
        .focused(true)
        .on_navigation(|url| {
            let ok = is_app_url(url);
            if !ok {
                tracing::warn!(url = %url, "navigation away from the app blocked");
            }
            ok
        })
        .build()
}

/// Brings a window to the front; with `option`, preselects it in a review.
pub fn focus(w: &tauri::WebviewWindow, option: Option<&str>) {
    let _ = w.unminimize();
    let _ = w.show();
    let _ = w.set_focus();
    if let Some(o) = option {
        let event = UiEvent::ReviewPreselect(o.to_owned());
        let _ = w.emit_to(w.label(), event.name(), event.payload());
    }
}

/// The windows of the tray: webviews in this process, or window processes.
#[derive(Debug)]
pub struct TauriWindows {
    pub app: Arc<OnceLock<AppHandle>>,
    pub core: Arc<Core>,
    /// The line to window processes (not set when windows run in this process).
    pub bridge: OnceLock<Arc<Bridge>>,
}

/// Opens (or focuses) a window in this process.
fn open_in_process(core: &Core, app: &AppHandle, kind: &WindowKind, option: Option<&str>) {
    match app.get_webview_window(&kind.label()) {
        Some(w) => focus(&w, option),
        None => {
            if let Err(e) = build(app, kind, option, &title_for(core, kind)) {
                tracing::error!(error = %e, window = %kind.label(), "cannot open a window");
            }
        }
    }
}

impl TauriWindows {
    fn open_process(&self, kind: &WindowKind, option: Option<&str>) {
        let Some(bridge) = self.bridge.get() else {
            tracing::error!("windows are unavailable: the window socket could not be opened");
            return;
        };
        let label = kind.label();
        if bridge.send(
            &label,
            ToWindow::Focus {
                option: option.map(str::to_owned),
            },
        ) || bridge.is_open(&label)
        {
            return;
        }
        let exe = match std::env::current_exe() {
            Ok(e) => e,
            Err(e) => {
                tracing::error!(error = %e, "cannot find this program to open a window");
                return;
            }
        };
        let mut cmd = std::process::Command::new(exe);
        cmd.arg("window").arg(kind.spec());
        if let Some(o) = option {
            cmd.arg("--option").arg(o);
        }
        match cmd.spawn() {
            Ok(mut child) => {
                bridge.starting(&label);
                // Reap the window process when it ends.
                std::thread::spawn(move || child.wait());
            }
            Err(e) => tracing::error!(error = %e, "cannot start a window"),
        }
    }
}

impl WindowHost for TauriWindows {
    fn open(&self, kind: WindowKind, option: Option<String>) {
        let Some(app) = self.app.get() else {
            return;
        };
        if in_process() {
            open_in_process(&self.core, app, &kind, option.as_deref());
        } else {
            self.open_process(&kind, option.as_deref());
        }
    }

    fn emit(&self, event: UiEvent) {
        let payload = event.payload();
        if let Some(bridge) = self.bridge.get() {
            bridge.emit(event.name(), payload.clone());
        }
        if let Some(app) = self.app.get() {
            if let Err(e) = app.emit(event.name(), payload) {
                tracing::debug!(error = %e, event = event.name(), "cannot emit to windows");
            }
        }
    }
}
