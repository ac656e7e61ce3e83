//! Windows, created on demand and destroyed on close: an idle tray holds no webview.

use tauri::{AppHandle, Emitter, Manager, WebviewUrl, WebviewWindowBuilder};

use super::Shell;

/// The window label of a review (labels allow `a-zA-Z0-9-/:_`).
pub fn review_label(message_id: &str) -> String {
    let safe: String = message_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("review-{safe}")
}

fn query_value(v: &str) -> String {
    url::form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

/// Pages may only ever show the app's own files; links go to the system browser.
fn is_app_url(url: &url::Url) -> bool {
    url.scheme() == "tauri" || url.host_str() == Some("tauri.localhost")
}

fn build(
    app: &AppHandle,
    label: &str,
    page: String,
    title: &str,
    size: (f64, f64),
) -> tauri::Result<tauri::WebviewWindow> {
    WebviewWindowBuilder::new(app, label, WebviewUrl::App(page.into()))
        .title(title)
        .inner_size(size.0, size.1)
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

fn focus(w: &tauri::WebviewWindow) {
    let _ = w.unminimize();
    let _ = w.show();
    let _ = w.set_focus();
}

/// Opens (or focuses) the window of a review; `option` preselects an approval option
/// for a confirming click (a `danger` option chosen from a notification).
pub fn open_review(app: &AppHandle, message_id: &str, option: Option<&str>) {
    let label = review_label(message_id);
    if let Some(w) = app.get_webview_window(&label) {
        focus(&w);
        if let Some(o) = option {
            let _ = w.emit_to(&label, "review-preselect", o);
        }
        return;
    }
    let mut page = format!("review.html?id={}", query_value(message_id));
    if let Some(o) = option {
        page.push_str(&format!("&option={}", query_value(o)));
    }
    let title = app
        .state::<Shell>()
        .core
        .live()
        .and_then(|l| l.inbox.get(message_id).map(|m| l.inbox.agent_name(&m)))
        .map(|agent| format!("{agent} — Placet review"))
        .unwrap_or_else(|| "Placet review".to_owned());
    if let Err(e) = build(app, &label, page, &title, (480.0, 640.0)) {
        tracing::error!(error = %e, "cannot open the review window");
    }
}

/// Opens (or focuses) the inbox.
pub fn open_inbox(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("inbox") {
        focus(&w);
        return;
    }
    if let Err(e) = build(
        app,
        "inbox",
        "inbox.html".into(),
        "Placet inbox",
        (560.0, 640.0),
    ) {
        tracing::error!(error = %e, "cannot open the inbox");
    }
}

/// Opens (or focuses) sign-in and settings.
pub fn open_settings(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("settings") {
        focus(&w);
        return;
    }
    if let Err(e) = build(
        app,
        "settings",
        "settings.html".into(),
        "Placet Tray settings",
        (520.0, 680.0),
    ) {
        tracing::error!(error = %e, "cannot open settings");
    }
}

/// What a second launch (or a click on "Open") shows: the inbox when signed in, the
/// sign-in window otherwise.
pub fn open_main(app: &AppHandle) {
    if app.state::<Shell>().core.live().is_some() {
        open_inbox(app);
    } else {
        open_settings(app);
    }
}
