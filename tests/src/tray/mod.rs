//! The tray side of the desktop: a StatusNotifierWatcher that apps register with, and a
//! client that reads and clicks what they registered.
//!
//! - `watcher`: [`StatusNotifierWatcher`], owned by the desktop, started before any app.
//! - `client`: [`TrayClient`], the panel's view of one item: properties, icon, signals, menu.
//! - `menu`: the dbusmenu layout as a tree of [`MenuItem`]s.
//! - `icon`: [`TrayIcon`], comparable icon states whether exported by file name or pixels.

mod client;
mod icon;
mod menu;
mod watcher;

pub use client::{ItemProperties, ToolTip, TrayClient, TraySignal};
pub use icon::{Pixmap, TrayIcon};
pub use menu::{strip_mnemonics, ItemType, MenuItem, ToggleType};
pub use watcher::{RegisteredItem, StatusNotifierWatcher, WATCHER_NAME, WATCHER_PATH};
