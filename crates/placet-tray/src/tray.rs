//! Draws the core's [`TrayView`] with tray-icon and muda: the icon for the connection
//! state with the pending count (and the count as the title where a tray shows text:
//! the macOS menu bar), the tooltip, and the menu. The menu is rebuilt only when its
//! shape changes (the list of reviews, signed in or out), so an open menu is not swapped
//! under the pointer by a status update; otherwise entries are updated in place. Lives
//! on the event loop's thread, as the toolkits want.

use std::collections::HashMap;

use placet_tray_core::icons::{render, TrayLook, SIZE};
use placet_tray_core::tray::{shape_of, MenuEntry, MenuId, Shape, TrayView};
use tray_icon::menu::{CheckMenuItem, IsMenuItem, Menu, MenuItem, PredefinedMenuItem, Submenu};
use tray_icon::{Icon, TrayIcon, TrayIconBuilder};

/// The tray icon and its menu, as shown.
pub struct Tray {
    icon: TrayIcon,
    menu: BuiltMenu,
    shown: TrayView,
}

/// A built menu and the entries that change in place.
struct BuiltMenu {
    menu: Menu,
    items: HashMap<MenuId, MenuItem>,
    checks: HashMap<MenuId, CheckMenuItem>,
    shape: Vec<Shape>,
}

enum Built {
    Item(MenuItem),
    Check(CheckMenuItem),
    Separator(PredefinedMenuItem),
    Submenu(Submenu),
}

impl Built {
    fn as_item(&self) -> &dyn IsMenuItem {
        match self {
            Built::Item(i) => i,
            Built::Check(c) => c,
            Built::Separator(s) => s,
            Built::Submenu(s) => s,
        }
    }
}

fn build_entries(
    entries: &[MenuEntry],
    items: &mut HashMap<MenuId, MenuItem>,
    checks: &mut HashMap<MenuId, CheckMenuItem>,
) -> Result<Vec<Built>, tray_icon::menu::Error> {
    let mut out = Vec::new();
    for e in entries {
        out.push(match e {
            MenuEntry::Item { id, label, enabled } => {
                let item = MenuItem::with_id(id.as_string(), label, *enabled, None);
                items.insert(id.clone(), item.clone());
                Built::Item(item)
            }
            MenuEntry::Check { id, label, checked } => {
                let item = CheckMenuItem::with_id(id.as_string(), label, true, *checked, None);
                checks.insert(id.clone(), item.clone());
                Built::Check(item)
            }
            MenuEntry::Separator => Built::Separator(PredefinedMenuItem::separator()),
            MenuEntry::Submenu { label, entries } => {
                let children = build_entries(entries, items, checks)?;
                let refs: Vec<&dyn IsMenuItem> = children.iter().map(Built::as_item).collect();
                Built::Submenu(Submenu::with_items(label, true, &refs)?)
            }
        });
    }
    Ok(out)
}

impl BuiltMenu {
    fn build(view: &TrayView) -> Result<Self, tray_icon::menu::Error> {
        let mut items = HashMap::new();
        let mut checks = HashMap::new();
        let built = build_entries(&view.menu, &mut items, &mut checks)?;
        let refs: Vec<&dyn IsMenuItem> = built.iter().map(Built::as_item).collect();
        Ok(Self {
            menu: Menu::with_items(&refs)?,
            items,
            checks,
            shape: shape_of(&view.menu),
        })
    }

    /// Brings the menu up to date; false when its shape changed and it must be rebuilt.
    fn update(&self, old: &[MenuEntry], new: &[MenuEntry]) -> bool {
        if shape_of(new) != self.shape {
            return false;
        }
        for (o, n) in old.iter().zip(new) {
            self.update_entry(o, n);
        }
        true
    }

    fn update_entry(&self, old: &MenuEntry, new: &MenuEntry) {
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
                        item.set_text(label);
                    }
                    if oe != enabled {
                        item.set_enabled(*enabled);
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
                        item.set_text(label);
                    }
                    if oc != checked {
                        item.set_checked(*checked);
                    }
                }
            }
            (MenuEntry::Submenu { entries: o, .. }, MenuEntry::Submenu { entries: n, .. }) => {
                for (a, b) in o.iter().zip(n) {
                    self.update_entry(a, b);
                }
            }
            _ => {}
        }
    }
}

fn icon(look: TrayLook) -> Option<Icon> {
    Icon::from_rgba(render(look), SIZE, SIZE).ok()
}

/// The count as text, for trays that show a title (the macOS menu bar).
fn title(view: &TrayView) -> Option<String> {
    (cfg!(target_os = "macos") && view.count > 0).then(|| view.count.to_string())
}

impl Tray {
    /// Creates the tray icon showing `view`.
    pub fn create(view: TrayView) -> Result<Self, Box<dyn std::error::Error>> {
        let menu = BuiltMenu::build(&view)?;
        let mut b = TrayIconBuilder::new()
            .with_id("main")
            .with_tooltip(&view.tooltip)
            .with_menu(Box::new(menu.menu.clone()))
            .with_menu_on_left_click(true);
        if let Some(i) = icon(view.look) {
            b = b.with_icon(i);
        }
        if let Some(t) = title(&view) {
            b = b.with_title(t);
        }
        if let Some(dir) = icon_dir() {
            b = b.with_temp_dir_path(dir);
        }
        Ok(Self {
            icon: b.build()?,
            menu,
            shown: view,
        })
    }

    /// Shows `next` (changing only what changed).
    pub fn show(&mut self, next: TrayView) {
        if next == self.shown {
            return;
        }
        if next.look != self.shown.look {
            if let Err(e) = self.icon.set_icon(icon(next.look)) {
                tracing::warn!(error = %e, "cannot change the tray icon");
            }
        }
        if next.tooltip != self.shown.tooltip {
            let _ = self.icon.set_tooltip(Some(&next.tooltip));
        }
        if title(&next) != title(&self.shown) {
            self.icon.set_title(title(&next));
        }
        if !self.menu.update(&self.shown.menu, &next.menu) {
            match BuiltMenu::build(&next) {
                Ok(m) => {
                    self.icon.set_menu(Some(Box::new(m.menu.clone())));
                    self.menu = m;
                }
                Err(e) => tracing::warn!(error = %e, "cannot rebuild the tray menu"),
            }
        }
        self.shown = next;
    }
}

/// Where the icon's image files go (appindicator reads icons from files): the user's
/// private runtime folder rather than a shared temporary one.
fn icon_dir() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("XDG_RUNTIME_DIR")?;
    let dir = std::path::PathBuf::from(dir).join("placet-tray/icons");
    placet_tray_core::paths::private_dir(&dir).ok()?;
    Some(dir)
}
