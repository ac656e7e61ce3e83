//! The windows: created when the tray asks, destroyed when closed, and what WebKit is
//! told about them. A review form needs neither a GPU nor a browser's caches: WebKit
//! renders on the CPU and keeps a document viewer's caches, which is most of what a
//! window costs.

use placet_tray_core::ipc::UiEvent;
use tauri::{AppHandle, Emitter, Manager, WebviewUrl, WebviewWindowBuilder};

/// A window the tray asked for.
pub struct Target<'a> {
    pub label: &'a str,
    pub page: &'a str,
    pub title: &'a str,
    pub size: (f64, f64),
}

/// Settles, before anything starts, what this process and WebKit's own processes find
/// in the environment: GDK without OpenGL (the windows draw with the CPU; GL would map
/// Mesa and LLVM for nothing).
pub fn prepare_environment() {
    if std::env::var_os("GDK_GL").is_none() {
        std::env::set_var("GDK_GL", "disable");
    }
}

/// Pages may only ever show the app's own files; links go to the system browser.
fn is_app_url(url: &url::Url) -> bool {
    url.scheme() == "tauri" || url.host_str() == Some("tauri.localhost")
}

/// Shows the window: brought to the front when it exists (with `option` preselected in
/// a review), created otherwise.
pub fn open(app: &AppHandle, target: &Target<'_>, option: Option<&str>) -> tauri::Result<()> {
    if let Some(w) = app.get_webview_window(target.label) {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
        if let Some(o) = option {
            let event = UiEvent::ReviewPreselect(o.to_owned());
            let _ = w.emit_to(w.label(), event.name(), event.payload());
        }
        return Ok(());
    }
    let (w, h) = target.size;
    let window = WebviewWindowBuilder::new(app, target.label, WebviewUrl::App(target.page.into()))
        .title(target.title)
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
        .build()?;
    tune(&window);
    Ok(())
}

/// What WebKitGTK is told: render on the CPU, and cache like a document viewer.
#[cfg(target_os = "linux")]
fn tune(window: &tauri::WebviewWindow) {
    let _ = window.with_webview(|webview| {
        use webkit2gtk::{
            CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
        };
        let view = webview.inner();
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            settings.set_enable_page_cache(false);
        }
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
    });
}

#[cfg(not(target_os = "linux"))]
fn tune(_window: &tauri::WebviewWindow) {}
