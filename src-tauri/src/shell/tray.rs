//! The tray icon and its menu. Everything is reachable from the menu (on Linux a left
//! click opens it). The icon shows the connection state and the pending count.

use chrono::{Duration as ChronoDuration, Local, TimeZone, Utc};
use placet_client::SessionState;
use tauri::image::Image;
use tauri::menu::{
    CheckMenuItemBuilder, Menu, MenuBuilder, MenuEvent, MenuItemBuilder, SubmenuBuilder,
};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager};
use tauri_plugin_autostart::ManagerExt;

use super::{windows, Shell};
use crate::config::AccountMode;
use crate::icons::{render, TrayLook, SIZE};
use crate::present::menu_line;

const TRAY_ID: &str = "main";
/// Pending reviews listed in the menu.
const MENU_REVIEWS: usize = 10;

/// Everything the tray shows, computed from the core.
#[derive(Debug, Clone, PartialEq, Eq)]
struct View {
    look: TrayLook,
    status: String,
    tooltip: String,
    reviews: Vec<(String, String)>,
    more: usize,
    signed_in: Option<String>,
    paused: Option<String>,
    autostart: bool,
}

fn view(app: &AppHandle) -> View {
    let shell = app.state::<Shell>();
    let config = shell.core.config();
    let now = Utc::now();
    let paused = config
        .notifications
        .paused_until
        .filter(|t| *t > now)
        .map(|t| {
            let local = t.with_timezone(&Local);
            if local.date_naive() == Local::now().date_naive() {
                local.format("%H:%M").to_string()
            } else {
                local.format("%a %H:%M").to_string()
            }
        });
    let autostart = config.autostart;
    let Some(live) = shell.core.live() else {
        return View {
            look: TrayLook::SignedOut,
            status: "Signed out".into(),
            tooltip: "Placet Tray — signed out".into(),
            reviews: Vec::new(),
            more: 0,
            signed_in: None,
            paused,
            autostart,
        };
    };
    let awaiting = live.inbox.awaiting();
    let count = awaiting.len();
    let state = live.state();
    let host = live
        .account
        .server
        .url()
        .host_str()
        .unwrap_or("server")
        .to_owned();
    let (look, status) = match &state {
        SessionState::Connected { .. } => (
            if count > 0 {
                TrayLook::Pending(count)
            } else {
                TrayLook::Idle
            },
            match count {
                0 => format!("Connected to {host} — nothing pending"),
                1 => format!("Connected to {host} — 1 review waiting"),
                n => format!("Connected to {host} — {n} reviews waiting"),
            },
        ),
        SessionState::Connecting => (TrayLook::Offline, format!("Connecting to {host}…")),
        SessionState::Reconnecting { attempt, .. } => (
            TrayLook::Offline,
            format!("Reconnecting to {host} (attempt {attempt})…"),
        ),
        SessionState::Offline { reason, .. } => (
            TrayLook::Offline,
            format!("Offline: {}", crate::present::one_line(reason, 50)),
        ),
        SessionState::AuthExpired => (
            TrayLook::SignedOut,
            "Sign-in expired — sign in again".into(),
        ),
        SessionState::SignedOut => (TrayLook::SignedOut, "Signed out".into()),
    };
    let tooltip = format!(
        "Placet Tray — {}",
        match (&state, count) {
            (SessionState::Connected { .. }, 0) => "nothing pending".to_owned(),
            (SessionState::Connected { .. }, n) => format!("{n} pending"),
            _ => status.clone(),
        }
    );
    let reviews = awaiting
        .iter()
        .take(MENU_REVIEWS)
        .map(|m| (m.id.clone(), menu_line(m, &live.inbox.agent_name(m))))
        .collect();
    let who = match live.account.mode {
        AccountMode::User => live.account.name.clone(),
        AccountMode::ApiKey => "API key, watch-only".to_owned(),
    };
    View {
        look,
        status,
        tooltip,
        reviews,
        more: count.saturating_sub(MENU_REVIEWS),
        signed_in: Some(who),
        paused,
        autostart,
    }
}

fn menu(app: &AppHandle, v: &View) -> tauri::Result<Menu<tauri::Wry>> {
    let status = MenuItemBuilder::with_id("status", v.status.replace('_', "__"))
        .enabled(false)
        .build(app)?;
    let mut b = MenuBuilder::new(app).item(&status).separator();
    for (id, line) in &v.reviews {
        b = b.item(&MenuItemBuilder::with_id(format!("review:{id}"), line).build(app)?);
    }
    if v.more > 0 {
        b = b.item(
            &MenuItemBuilder::with_id("inbox-more", format!("…and {} more", v.more)).build(app)?,
        );
    }
    if !v.reviews.is_empty() {
        b = b.separator();
    }
    b = b.item(&MenuItemBuilder::with_id("inbox", "Open inbox").build(app)?);
    let pause_label = match &v.paused {
        Some(until) => format!("Notifications paused until {until}"),
        None => "Pause notifications".to_owned(),
    };
    let pause = SubmenuBuilder::new(app, pause_label)
        .item(&MenuItemBuilder::with_id("pause:hour", "For 1 hour").build(app)?)
        .item(&MenuItemBuilder::with_id("pause:tomorrow", "Until tomorrow").build(app)?)
        .item(
            &MenuItemBuilder::with_id("pause:resume", "Resume")
                .enabled(v.paused.is_some())
                .build(app)?,
        )
        .build()?;
    b = b.item(&pause);
    b = b.item(
        &CheckMenuItemBuilder::with_id("autostart", "Start at login")
            .checked(v.autostart)
            .build(app)?,
    );
    b = b.item(&MenuItemBuilder::with_id("settings", "Settings…").build(app)?);
    b = b.separator();
    b = match &v.signed_in {
        Some(who) => b.item(
            &MenuItemBuilder::with_id("signout", format!("Sign out ({})", who.replace('_', "__")))
                .build(app)?,
        ),
        None => b.item(&MenuItemBuilder::with_id("signin", "Sign in…").build(app)?),
    };
    b.item(&MenuItemBuilder::with_id("quit", "Quit Placet Tray").build(app)?)
        .build()
}

fn icon(look: TrayLook) -> Image<'static> {
    Image::new_owned(render(look), SIZE, SIZE)
}

/// Creates the tray icon.
pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let v = view(app);
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon(v.look))
        .tooltip(&v.tooltip)
        .title("Placet Tray")
        .menu(&menu(app, &v)?)
        .show_menu_on_left_click(true)
        .on_menu_event(on_menu)
        .build(app)?;
    let shell = app.state::<Shell>();
    let dirty = shell.tray_dirty.clone();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut shown = v;
        loop {
            dirty.notified().await;
            // Coalesce a burst of changes into one redraw.
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
            let next = view(&app);
            if next != shown {
                if let Err(e) = apply(&app, &shown, &next) {
                    tracing::warn!(error = %e, "cannot update the tray");
                }
                shown = next;
            }
        }
    });
    Ok(())
}

fn apply(app: &AppHandle, old: &View, new: &View) -> tauri::Result<()> {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return Ok(());
    };
    if old.look != new.look {
        tray.set_icon(Some(icon(new.look)))?;
    }
    if old.tooltip != new.tooltip {
        tray.set_tooltip(Some(&new.tooltip))?;
    }
    tray.set_menu(Some(menu(app, new)?))?;
    Ok(())
}

/// Marks the tray for a redraw.
pub fn refresh(app: &AppHandle) {
    app.state::<Shell>().tray_dirty.notify_one();
}

fn on_menu(app: &AppHandle, event: MenuEvent) {
    let id = event.id().as_ref().to_owned();
    let shell = app.state::<Shell>();
    let core = shell.core.clone();
    let app = app.clone();
    if let Some(message_id) = id.strip_prefix("review:") {
        windows::open_review(&app, message_id, None);
        return;
    }
    match id.as_str() {
        "inbox" | "inbox-more" => windows::open_inbox(&app),
        "settings" | "signin" => windows::open_settings(&app),
        "pause:hour" | "pause:tomorrow" | "pause:resume" => {
            let until = match id.as_str() {
                "pause:hour" => Some(Utc::now() + ChronoDuration::hours(1)),
                "pause:tomorrow" => Some(tomorrow_morning()),
                _ => None,
            };
            if let Err(e) = core.update_prefs(|p| p.paused_until = until) {
                tracing::warn!(error = %e, "cannot save the pause");
            }
            refresh(&app);
        }
        "autostart" => {
            let enable = !core.config().autostart;
            let launcher = app.autolaunch();
            let result = if enable {
                launcher.enable()
            } else {
                launcher.disable()
            };
            match result {
                Ok(()) => {
                    if let Err(e) = core.update_config(|c| c.autostart = enable) {
                        tracing::warn!(error = %e, "cannot save the autostart setting");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot change start at login"),
            }
            refresh(&app);
        }
        "signout" => {
            tauri::async_runtime::spawn(async move {
                if let Err(e) = core.sign_out().await {
                    tracing::warn!(error = %e, "sign-out");
                }
            });
        }
        "quit" => app.exit(0),
        _ => {}
    }
}

/// Tomorrow at 08:00 local time.
fn tomorrow_morning() -> chrono::DateTime<Utc> {
    let tomorrow = Local::now().date_naive() + ChronoDuration::days(1);
    tomorrow
        .and_hms_opt(8, 0, 0)
        .and_then(|t| Local.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc::now() + ChronoDuration::hours(12))
}
