//! The windows: created when the tray asks, destroyed when closed, and what WebKit is
//! told about them.
//!
//! On Linux every window's page runs in one WebKit web process: a hidden, empty anchor
//! page is created shortly after the host starts, and each window is related to it, so
//! the web process is up before a window is wanted (it shows at once) and a second
//! window costs a page, not a process. A window asked for before the anchor exists (the
//! click that started the host) is not kept waiting for it: it is created first, and the
//! anchor is related to it. Caches are a document viewer's.

use placet_tray_core::ipc::events::{InboxFocusEvent, ReviewPreselectEvent};
use placet_tray_core::ipc::UiEvent;
use placet_tray_core::window::WindowKind;
use tauri::webview::PageLoadEvent;
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

#[cfg(target_os = "linux")]
thread_local! {
    /// The anchor page's view, which every window is related to (main thread only).
    static ANCHOR: std::cell::RefCell<Option<webkit2gtk::WebView>> =
        const { std::cell::RefCell::new(None) };
    /// The first window, when it came before the anchor: its label and view (its web
    /// process is the one the anchor joins).
    static FIRST: std::cell::RefCell<Option<(String, webkit2gtk::WebView)>> =
        const { std::cell::RefCell::new(None) };
}

/// The label of the hidden anchor window.
#[cfg(target_os = "linux")]
const ANCHOR_LABEL: &str = "anchor";

/// How long after the host started the anchor page is created: a window asked for at
/// start (the click that started the host) goes first.
pub const ANCHOR_AFTER: std::time::Duration = std::time::Duration::from_millis(300);

/// True under WebDriver (tauri-driver sets `TAURI_WEBVIEW_AUTOMATION`): WebKit cannot
/// hand a page related to another one to automation, so there each window keeps a web
/// process of its own. The end-to-end tests that run without WebDriver cover the anchor.
#[cfg(target_os = "linux")]
fn automation() -> bool {
    std::env::var("TAURI_WEBVIEW_AUTOMATION").as_deref() == Ok("true")
}

/// The view a new window's page is related to: the anchor's, or before it exists the
/// first window's, while that is open.
#[cfg(target_os = "linux")]
fn related_view(app: &AppHandle) -> Option<webkit2gtk::WebView> {
    ANCHOR.with(|a| a.borrow().clone()).or_else(|| {
        FIRST.with(|f| {
            f.borrow()
                .as_ref()
                .filter(|(label, _)| app.get_webview_window(label).is_some())
                .map(|(_, view)| view.clone())
        })
    })
}

/// Creates the hidden anchor page (Linux; elsewhere nothing), related to the first
/// window when one came before it: its web process is the one every window's page runs
/// in. On the main thread; once.
pub fn create_anchor(app: &AppHandle) {
    #[cfg(target_os = "linux")]
    if !automation() && ANCHOR.with(|a| a.borrow().is_none()) {
        let related = related_view(app);
        FIRST.with(|f| f.borrow_mut().take());
        let builder =
            WebviewWindowBuilder::new(app, ANCHOR_LABEL, WebviewUrl::App("blank.html".into()))
                .title("Placet Tray")
                .visible(false)
                .skip_taskbar(true)
                .inner_size(1.0, 1.0);
        let builder = match related {
            Some(view) => builder.with_related_view(view),
            None => builder,
        };
        match builder.build() {
            Ok(window) => {
                tune(&window);
                let _ = window.with_webview(|webview| {
                    let view = webview.inner();
                    ANCHOR.with(|a| *a.borrow_mut() = Some(view));
                });
            }
            Err(e) => tracing::warn!(error = %e, "no anchor page: each window gets a web process"),
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

/// The script that hands every page its words (`ui/app/js/i18n.js` reads it) before the
/// page's own scripts run: the catalogue of the language in use, and English's.
fn catalogue_script() -> &'static str {
    static SCRIPT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SCRIPT.get_or_init(|| {
        let catalogue = serde_json::to_string(&placet_tray_core::i18n::page_catalogue())
            .expect("the catalogue is JSON");
        format!(
            "Object.defineProperty(window, '__PLACET_I18N__', \
             {{ value: Object.freeze({catalogue}), writable: false, configurable: false }});"
        )
    })
}

/// Pages may only ever show the app's own files; links go to the system browser.
fn is_app_url(url: &url::Url) -> bool {
    url.scheme() == "tauri" || url.host_str() == Some("tauri.localhost")
}

/// Shows the window: brought to the front when it exists (with `option` preselected in
/// a review), created otherwise; `loaded` is called with its label once its page has
/// loaded.
pub fn open(
    app: &AppHandle,
    target: &Target<'_>,
    option: Option<&str>,
    loaded: impl Fn(String) + Send + Sync + 'static,
) -> tauri::Result<()> {
    if let Some(w) = app.get_webview_window(target.label) {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
        let event = match (option, WindowKind::from_label(target.label)) {
            (Some(o), Some(WindowKind::Review { message_id })) => {
                Some(UiEvent::ReviewPreselect(ReviewPreselectEvent {
                    message_id,
                    option_id: o.to_owned(),
                }))
            }
            (Some(id), Some(WindowKind::Inbox)) => Some(UiEvent::InboxFocus(InboxFocusEvent {
                message_id: id.to_owned(),
            })),
            _ => None,
        };
        if let Some(event) = event {
            let _ = w.emit_to(w.label(), event.name(), event.payload());
        }
        return Ok(());
    }
    let (w, h) = target.size;
    let builder = WebviewWindowBuilder::new(app, target.label, WebviewUrl::App(target.page.into()))
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
        .initialization_script(catalogue_script())
        .on_page_load(move |window, payload| {
            if matches!(payload.event(), PageLoadEvent::Finished) {
                loaded(window.label().to_owned());
            }
        });
    // A conversation takes files dropped on it: the page gets the drop (Tauri's own
    // handler would take it first); it never navigates.
    let builder = if target.label.starts_with("conversation-") {
        builder.disable_drag_drop_handler()
    } else {
        builder
    };
    #[cfg(target_os = "linux")]
    let related = related_view(app).filter(|_| !automation());
    #[cfg(target_os = "linux")]
    let first = related.is_none() && !automation();
    #[cfg(target_os = "linux")]
    let builder = match related {
        Some(view) => builder.with_related_view(view),
        None => builder,
    };
    let window = builder.build()?;
    tune(&window);
    #[cfg(target_os = "linux")]
    if first {
        let label = target.label.to_owned();
        let _ = window.with_webview(move |webview| {
            let view = webview.inner();
            FIRST.with(|f| *f.borrow_mut() = Some((label, view)));
        });
    }
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
