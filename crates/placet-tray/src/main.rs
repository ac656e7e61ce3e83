//! Placet Tray: the tray icon with its menu, the notifications, and the command line,
//! around `placet-tray-core` (which does everything that is not drawing; see its crate
//! documentation for the layout and for where a review becomes a notification). The
//! windows live in a separate process, `placet-tray-ui`, that this one starts on
//! demand: this process never loads a web engine.
//!
//! # Layout
//! - [`app`]: start-up, single instance, the event loop, shutdown.
//! - [`tray`]: draws the core's tray view with tray-icon and muda.
//! - [`ui_host`]: the window host process (`placet-tray-ui`) and the line to it (the core's `WindowHost`).
//! - [`notifier`]: notifications (freedesktop D-Bus on Linux, WinRT toasts on Windows,
//!   UNUserNotificationCenter on macOS).
//! - [`shortcut`]: the global shortcut (X11 grab, the Wayland portal, global-hotkey on
//!   Windows and macOS); `dnd`: the desktop's Do Not Disturb, read (Linux).
//! - [`autostart`], [`system`] (sleep and network events), [`demo`].

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod app;
mod autostart;
#[cfg(feature = "demo")]
mod demo;
#[cfg(target_os = "linux")]
mod dnd;
mod notifier;
mod shortcut;
#[cfg(target_os = "linux")]
mod system;
mod tray;
mod ui_host;

use placet_tray_core::cli::{self, Run};

fn main() {
    let code = match cli::dispatch() {
        Run::Done(code) => code,
        Run::Tray { open, ui_on_stdio } => app::run(app::Mode::Normal, open, ui_on_stdio),
        Run::Demo {
            interval,
            port,
            split,
            open,
            ui_on_stdio,
        } => app::run(
            app::Mode::Demo {
                interval,
                port,
                split,
            },
            open,
            ui_on_stdio,
        ),
    };
    std::process::exit(code);
}
