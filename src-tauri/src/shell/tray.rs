//! Draws the core's [`TrayView`]: the icon for the connection state with the pending
//! count, the tooltip, and the menu. The menu is rebuilt only when its shape changes
//! (the list of reviews, signed in or out), so an open menu is not swapped under the
//! pointer by a status update; otherwise entries are updated in place.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use placet_tray_core::icons::{render, TrayLook, SIZE};
use placet_tray_core::ipc::Ctx;
use placet_tray_core::tray::{
    menu_clicked, shape_of, tray_view, MenuEntry, MenuId, Shape, TrayHost, TrayView,
};
use tauri::image::Image;
use tauri::menu::{
    CheckMenuItem, CheckMenuItemBuilder, IsMenuItem, Menu, MenuBuilder, MenuItem, MenuItemBuilder,
    PredefinedMenuItem, Submenu, SubmenuBuilder,
};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Wry};
use tokio::sync::Notify;

const TRAY_ID: &str = "main";

/// The tray's side of the core: a redraw request and quit.
#[derive(Debug)]
pub struct TauriTray {
    pub app: Arc<OnceLock<AppHandle>>,
    /// Set when the tray must be redrawn; a task redraws it, coalescing bursts.
    pub dirty: Arc<Notify>,
}

impl TrayHost for TauriTray {
    fn refresh(&self) {
        self.dirty.notify_one();
    }

    fn quit(&self) {
        if let Some(app) = self.app.get() {
            app.exit(0);
        }
    }
}

/// A built menu and the entries that change in place.
struct BuiltMenu {
    menu: Menu<Wry>,
    items: HashMap<MenuId, MenuItem<Wry>>,
    checks: HashMap<MenuId, CheckMenuItem<Wry>>,
    shape: Vec<Shape>,
}

enum Built {
    Item(MenuItem<Wry>),
    Check(CheckMenuItem<Wry>),
    Separator(PredefinedMenuItem<Wry>),
    Submenu(Submenu<Wry>),
}

impl Built {
    fn as_item(&self) -> &dyn IsMenuItem<Wry> {
        match self {
            Built::Item(i) => i,
            Built::Check(c) => c,
            Built::Separator(s) => s,
            Built::Submenu(s) => s,
        }
    }
}

fn build_entries(
    app: &AppHandle,
    entries: &[MenuEntry],
    items: &mut HashMap<MenuId, MenuItem<Wry>>,
    checks: &mut HashMap<MenuId, CheckMenuItem<Wry>>,
) -> tauri::Result<Vec<Built>> {
    let mut out = Vec::new();
    for e in entries {
        out.push(match e {
            MenuEntry::Item { id, label, enabled } => {
                let item = MenuItemBuilder::with_id(id.as_string(), label)
                    .enabled(*enabled)
                    .build(app)?;
                items.insert(id.clone(), item.clone());
                Built::Item(item)
            }
            MenuEntry::Check { id, label, checked } => {
                let item = CheckMenuItemBuilder::with_id(id.as_string(), label)
                    .checked(*checked)
                    .build(app)?;
                checks.insert(id.clone(), item.clone());
                Built::Check(item)
            }
            MenuEntry::Separator => Built::Separator(PredefinedMenuItem::separator(app)?),
            MenuEntry::Submenu { label, entries } => {
                let children = build_entries(app, entries, items, checks)?;
                let mut b = SubmenuBuilder::new(app, label);
                for c in &children {
                    b = b.item(c.as_item());
                }
                Built::Submenu(b.build()?)
            }
        });
    }
    Ok(out)
}

impl BuiltMenu {
    fn build(app: &AppHandle, view: &TrayView) -> tauri::Result<Self> {
        let mut items = HashMap::new();
        let mut checks = HashMap::new();
        let built = build_entries(app, &view.menu, &mut items, &mut checks)?;
        let mut b = MenuBuilder::new(app);
        for e in &built {
            b = b.item(e.as_item());
        }
        Ok(Self {
            menu: b.build()?,
            items,
            checks,
            shape: shape_of(&view.menu),
        })
    }

    /// Brings the menu up to date; `Ok(false)` when its shape changed and it must be
    /// rebuilt.
    fn update(&self, old: &[MenuEntry], new: &[MenuEntry]) -> tauri::Result<bool> {
        if shape_of(new) != self.shape {
            return Ok(false);
        }
        for (o, n) in old.iter().zip(new) {
            self.update_entry(o, n)?;
        }
        Ok(true)
    }

    fn update_entry(&self, old: &MenuEntry, new: &MenuEntry) -> tauri::Result<()> {
        match (old, new) {
            (
                MenuEntry::Item {
                    label: ol,
                    enabled: oe,
                    ..
                },
                MenuEntry::Item { id, label, enabled },
            ) => {
                if let Some(item) = self.items.get(id) {
                    if ol != label {
                        item.set_text(label)?;
                    }
                    if oe != enabled {
                        item.set_enabled(*enabled)?;
                    }
                }
            }
            (
                MenuEntry::Check {
                    label: ol,
                    checked: oc,
                    ..
                },
                MenuEntry::Check { id, label, checked },
            ) => {
                if let Some(item) = self.checks.get(id) {
                    if ol != label {
                        item.set_text(label)?;
                    }
                    if oc != checked {
                        item.set_checked(*checked)?;
                    }
                }
            }
            (MenuEntry::Submenu { entries: o, .. }, MenuEntry::Submenu { entries: n, .. }) => {
                for (a, b) in o.iter().zip(n) {
                    self.update_entry(a, b)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

fn icon(look: TrayLook) -> Image<'static> {
    Image::new_owned(render(look), SIZE, SIZE)
}

/// Creates the tray icon and the task that keeps it up to date.
pub fn create(app: &AppHandle, ctx: Ctx, dirty: Arc<Notify>) -> tauri::Result<()> {
    let v = tray_view(&ctx.core);
    let mut menu = BuiltMenu::build(app, &v)?;
    let clicks = ctx.clone();
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon(v.look))
        .tooltip(&v.tooltip)
        .title("Placet Tray")
        .menu(&menu.menu)
        .show_menu_on_left_click(true)
        .on_menu_event(move |_, event| {
            let Some(id) = MenuId::parse(event.id().as_ref()) else {
                return;
            };
            let ctx = clicks.clone();
            tauri::async_runtime::spawn(async move { menu_clicked(&ctx, id).await });
        })
        .build(app)?;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut shown = v;
        loop {
            dirty.notified().await;
            // Coalesce a burst of changes into one redraw.
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
            let next = tray_view(&ctx.core);
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

fn apply(
    app: &AppHandle,
    menu: &mut BuiltMenu,
    old: &TrayView,
    new: &TrayView,
) -> tauri::Result<()> {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return Ok(());
    };
    if old.look != new.look {
        tray.set_icon(Some(icon(new.look)))?;
    }
    if old.tooltip != new.tooltip {
        tray.set_tooltip(Some(&new.tooltip))?;
    }
    if !menu.update(&old.menu, &new.menu)? {
        *menu = BuiltMenu::build(app, new)?;
        tray.set_menu(Some(menu.menu.clone()))?;
    }
    Ok(())
}
