//! The tray icon and its menu. Everything is reachable from the menu (on Linux a left
//! click opens it). The icon shows the connection state and the pending count.

use chrono::{Duration as ChronoDuration, Local, TimeZone, Utc};
use placet_client::SessionState;
use tauri::image::Image;
use tauri::menu::{
    CheckMenuItem, CheckMenuItemBuilder, Menu, MenuBuilder, MenuEvent, MenuItem, MenuItemBuilder,
    SubmenuBuilder,
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

/// The menu and the handles of the entries whose text or state changes in place. The
/// menu is rebuilt only when its shape changes (the list of reviews, signed in or out),
/// so an open menu is not swapped under the pointer by a status update.
struct TrayMenu {
    menu: Menu<tauri::Wry>,
    status: MenuItem<tauri::Wry>,
    paused: Option<MenuItem<tauri::Wry>>,
    autostart: CheckMenuItem<tauri::Wry>,
    account: MenuItem<tauri::Wry>,
    review_items: Vec<MenuItem<tauri::Wry>>,
    shape: Shape,
}

/// What decides the menu's structure.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shape {
    reviews: Vec<String>,
    more: bool,
    signed_in: bool,
    paused: bool,
}

fn shape(v: &View) -> Shape {
    Shape {
        reviews: v.reviews.iter().map(|(id, _)| id.clone()).collect(),
        more: v.more > 0,
        signed_in: v.signed_in.is_some(),
        paused: v.paused.is_some(),
    }
}

fn escape_mnemonic(text: &str) -> String {
    text.replace('_', "__")
}

fn paused_label(until: &str) -> String {
    format!("Notifications paused until {until}")
}

fn account_label(v: &View) -> String {
    match &v.signed_in {
        Some(who) => format!("Sign out ({})", escape_mnemonic(who)),
        None => "Sign in…".to_owned(),
    }
}

fn more_label(v: &View) -> String {
    format!("…and {} more", v.more)
}

impl TrayMenu {
    fn build(app: &AppHandle, v: &View) -> tauri::Result<Self> {
        let status = MenuItemBuilder::with_id("status", escape_mnemonic(&v.status))
            .enabled(false)
            .build(app)?;
        let mut b = MenuBuilder::new(app).item(&status);
        // Submenu labels do not update in place on every desktop, so the pause shows
        // as its own line.
        let paused = match &v.paused {
            Some(until) => {
                let item = MenuItemBuilder::with_id("paused", paused_label(until))
                    .enabled(false)
                    .build(app)?;
                b = b.item(&item);
                Some(item)
            }
            None => None,
        };
        b = b.separator();
        let mut review_items = Vec::new();
        for (id, line) in &v.reviews {
            let item = MenuItemBuilder::with_id(format!("review:{id}"), line).build(app)?;
            b = b.item(&item);
            review_items.push(item);
        }
        if v.more > 0 {
            let item = MenuItemBuilder::with_id("inbox-more", more_label(v)).build(app)?;
            b = b.item(&item);
            review_items.push(item);
        }
        if !v.reviews.is_empty() {
            b = b.separator();
        }
        b = b.item(&MenuItemBuilder::with_id("inbox", "Open inbox").build(app)?);
        let resume = MenuItemBuilder::with_id("pause:resume", "Resume")
            .enabled(v.paused.is_some())
            .build(app)?;
        let pause = SubmenuBuilder::new(app, "Pause notifications")
            .item(&MenuItemBuilder::with_id("pause:hour", "For 1 hour").build(app)?)
            .item(&MenuItemBuilder::with_id("pause:tomorrow", "Until tomorrow").build(app)?)
            .item(&resume)
            .build()?;
        let autostart = CheckMenuItemBuilder::with_id("autostart", "Start at login")
            .checked(v.autostart)
            .build(app)?;
        let account = MenuItemBuilder::with_id(
            if v.signed_in.is_some() {
                "signout"
            } else {
                "signin"
            },
            account_label(v),
        )
        .build(app)?;
        let menu = b
            .item(&pause)
            .item(&autostart)
            .item(&MenuItemBuilder::with_id("settings", "Settings…").build(app)?)
            .separator()
            .item(&account)
            .item(&MenuItemBuilder::with_id("quit", "Quit Placet Tray").build(app)?)
            .build()?;
        Ok(Self {
            menu,
            status,
            paused,
            autostart,
            account,
            review_items,
            shape: shape(v),
        })
    }

    /// Brings the menu up to date; `Ok(false)` when its shape changed and it must be
    /// rebuilt.
    fn update(&self, old: &View, new: &View) -> tauri::Result<bool> {
        if shape(new) != self.shape {
            return Ok(false);
        }
        if old.status != new.status {
            self.status.set_text(escape_mnemonic(&new.status))?;
        }
        if old.reviews != new.reviews {
            for (item, (_, line)) in self.review_items.iter().zip(&new.reviews) {
                item.set_text(line)?;
            }
        }
        if old.more != new.more && new.more > 0 {
            if let Some(item) = self.review_items.last() {
                item.set_text(more_label(new))?;
            }
        }
        if let (Some(item), Some(until)) = (&self.paused, &new.paused) {
            if old.paused != new.paused {
                item.set_text(paused_label(until))?;
            }
        }
        if old.autostart != new.autostart {
            self.autostart.set_checked(new.autostart)?;
        }
        if old.signed_in != new.signed_in {
            self.account.set_text(account_label(new))?;
        }
        Ok(true)
    }
}

fn icon(look: TrayLook) -> Image<'static> {
    Image::new_owned(render(look), SIZE, SIZE)
}

/// Creates the tray icon.
pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let v = view(app);
    let mut menu = TrayMenu::build(app, &v)?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon(v.look))
        .tooltip(&v.tooltip)
        .title("Placet Tray")
        .menu(&menu.menu)
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
            if next == shown {
                continue;
            }
            match apply(&app, &mut menu, &shown, &next) {
                Ok(()) => shown = next,
                Err(e) => tracing::warn!(error = %e, "cannot update the tray"),
            }
        }
    });
    Ok(())
}

fn apply(app: &AppHandle, menu: &mut TrayMenu, old: &View, new: &View) -> tauri::Result<()> {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return Ok(());
    };
    if old.look != new.look {
        tray.set_icon(Some(icon(new.look)))?;
    }
    if old.tooltip != new.tooltip {
        tray.set_tooltip(Some(&new.tooltip))?;
    }
    if !menu.update(old, new)? {
        *menu = TrayMenu::build(app, new)?;
        tray.set_menu(Some(menu.menu.clone()))?;
    }
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
