//! Windows, created on demand and destroyed on close: an idle tray holds no webview.
//!
//! Normally every window is its own process (`placet-tray window <target>`, see
//! [`super::bridge`]), so closing it gives back everything WebKit took. Under WebDriver
//! automation (`TAURI_WEBVIEW_AUTOMATION=true`, set by tauri-driver) windows open inside
//! the tray process instead, because the driver can only reach the webviews of the
//! process it started; the pages, their capabilities and the commands behind them are the
//! same either way.

use tauri::{AppHandle, Emitter, Manager, WebviewUrl, WebviewWindowBuilder};

use super::bridge::ToWindow;
use super::Shell;

/// What a window shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub label: String,
    /// The page and its query, e.g. `review.html?id=m1`.
    pub page: String,
    pub title: String,
    pub size: (f64, f64),
}

impl Target {
    /// A review's window; `option` preselects an approval option.
    pub fn review(message_id: &str, option: Option<&str>) -> Self {
        let mut page = format!("review.html?id={}", query_value(message_id));
        if let Some(o) = option {
            page.push_str(&format!("&option={}", query_value(o)));
        }
        Self {
            label: review_label(message_id),
            page,
            title: "Placet review".to_owned(),
            size: (480.0, 640.0),
        }
    }

    /// The inbox.
    pub fn inbox() -> Self {
        Self {
            label: "inbox".to_owned(),
            page: "inbox.html".to_owned(),
            title: "Placet inbox".to_owned(),
            size: (560.0, 640.0),
        }
    }

    /// Sign-in and settings.
    pub fn settings() -> Self {
        Self {
            label: "settings".to_owned(),
            page: "settings.html".to_owned(),
            title: "Placet Tray settings".to_owned(),
            size: (520.0, 680.0),
        }
    }

    /// Parses `inbox`, `settings` or `review:<message-id>`.
    pub fn parse(spec: &str, option: Option<&str>) -> Option<Self> {
        match spec {
            "inbox" => Some(Self::inbox()),
            "settings" => Some(Self::settings()),
            other => other
                .strip_prefix("review:")
                .filter(|id| !id.is_empty())
                .map(|id| Self::review(id, option)),
        }
    }

    /// The spec [`Target::parse`] reads.
    fn spec(&self) -> String {
        match self.label.strip_prefix("review-") {
            Some(_) => {
                let id = self
                    .page
                    .split("id=")
                    .nth(1)
                    .and_then(|rest| rest.split('&').next())
                    .map(|v| {
                        url::form_urlencoded::parse(format!("v={v}").as_bytes())
                            .next()
                            .map(|(_, v)| v.into_owned())
                            .unwrap_or_default()
                    })
                    .unwrap_or_default();
                format!("review:{id}")
            }
            None => self.label.clone(),
        }
    }
}

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

/// True when windows must live in this process: under WebDriver automation, and where
/// there are no Unix sockets for window processes.
pub fn in_process() -> bool {
    cfg!(not(unix)) || std::env::var("TAURI_WEBVIEW_AUTOMATION").is_ok_and(|v| v == "true")
}

/// Creates the webview window of `target` in this process.
pub fn build(app: &AppHandle, target: &Target) -> tauri::Result<tauri::WebviewWindow> {
    WebviewWindowBuilder::new(
        app,
        &target.label,
        WebviewUrl::App(target.page.clone().into()),
    )
    .title(&target.title)
    .inner_size(target.size.0, target.size.1)
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
        let _ = w.emit_to(w.label(), "review-preselect", o);
    }
}

/// Opens (or focuses) the window of `target`.
fn open(app: &AppHandle, target: Target, option: Option<&str>) {
    if in_process() {
        match app.get_webview_window(&target.label) {
            Some(w) => focus(&w, option),
            None => {
                let target = Target {
                    title: title_for(app, &target.label).unwrap_or(target.title),
                    ..target
                };
                if let Err(e) = build(app, &target) {
                    tracing::error!(error = %e, window = %target.label, "cannot open a window");
                }
            }
        }
        return;
    }
    let bridge = app.state::<Shell>().bridge.get().cloned();
    let Some(bridge) = bridge else {
        tracing::error!("windows are unavailable: the window socket could not be opened");
        return;
    };
    if bridge.send(
        &target.label,
        ToWindow::Focus {
            option: option.map(str::to_owned),
        },
    ) || bridge.is_open(&target.label)
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
    cmd.arg("window").arg(target.spec());
    if let Some(o) = option {
        cmd.arg("--option").arg(o);
    }
    match cmd.spawn() {
        Ok(mut child) => {
            bridge.starting(&target.label);
            // Reap the window process when it ends.
            std::thread::spawn(move || child.wait());
        }
        Err(e) => tracing::error!(error = %e, "cannot start a window"),
    }
}

/// The title of a window, once the tray knows more than its label.
pub fn title_for(app: &AppHandle, label: &str) -> Option<String> {
    label.strip_prefix("review-")?;
    let live = app.state::<Shell>().core.live()?;
    let message = live
        .inbox
        .pending()
        .into_iter()
        .find(|m| review_label(&m.id) == label)?;
    Some(format!(
        "{} — Placet review",
        live.inbox.agent_name(&message)
    ))
}

/// Opens (or focuses) the window of a review; `option` preselects an approval option
/// for a confirming click (a `danger` option chosen from a notification).
pub fn open_review(app: &AppHandle, message_id: &str, option: Option<&str>) {
    open(app, Target::review(message_id, option), option);
}

/// Opens (or focuses) the inbox.
pub fn open_inbox(app: &AppHandle) {
    open(app, Target::inbox(), None);
}

/// Opens (or focuses) sign-in and settings.
pub fn open_settings(app: &AppHandle) {
    open(app, Target::settings(), None);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_and_round_trip() {
        let t = Target::parse("review:c1 2", Some("reject")).unwrap();
        assert_eq!(t.label, "review-c1_2");
        assert_eq!(t.page, "review.html?id=c1+2&option=reject");
        assert_eq!(t.spec(), "review:c1 2");
        assert_eq!(Target::parse("inbox", None).unwrap().spec(), "inbox");
        assert_eq!(
            Target::parse("settings", None).unwrap().page,
            "settings.html"
        );
        assert_eq!(Target::parse("review:", None), None);
        assert_eq!(Target::parse("elsewhere", None), None);
    }
}
