//! End-to-end tests of the built app on the desktops people run: GNOME Shell 43 with the
//! AppIndicator extension, XFCE (xfwm4, xfce4-panel, xfce4-notifyd), dunst, and a Wayland
//! compositor (weston, headless). Each test starts one real desktop on a private Xvfb
//! display and session bus (`placet_e2e::Desktop`), signs the app in against an in-process
//! dev server, and plays the user through the desktop's own interfaces: the pointer on the
//! shell's banner buttons, the panel's tray, `dunstctl`. The app is driven only as a user
//! does (its command line, its tray icon, its notifications, its windows).
//!
//! Run:
//!
//! ```text
//! cargo build -p placet-tray
//! cargo test -p placet-e2e --test desktops
//! ```
//!
//! Needs the desktop packages that `scripts/setup` installs (`gnome-shell`,
//! `gnome-shell-extension-appindicator`, `xfwm4`, `xfce4-panel`, `xfce4-notifyd`, `dunst`,
//! `weston`, `xdotool`, `imagemagick`). Screenshots go to `target/artifacts/desktops/`;
//! `PLACET_UPDATE_SCREENSHOTS=1` also copies them to `docs/desktops/`.
//!
//! # Layout
//!
//! - `support`: `DesktopWorld<E>`, the shared `placet_e2e::World` (desktop, dev server,
//!   the app) with a real desktop environment `E` started on it, one at a time; the steps
//!   and screenshots the desktops share.
//! - `gnome`, `xfce`, `dunst`, `wayland`: one module per desktop.
//! - `attention`: each desktop's signals (category, urgency, sound), its Do Not Disturb
//!   followed, and the global shortcut through XTEST.
//! - `language`: the tray and its notifications in the session's language.

#[path = "desktops/support.rs"]
mod support;

#[path = "desktops/gnome.rs"]
mod gnome;

#[path = "desktops/xfce.rs"]
mod xfce;

#[path = "desktops/dunst.rs"]
mod dunst;

#[path = "desktops/wayland.rs"]
mod wayland;

#[path = "desktops/attention.rs"]
mod attention;

#[path = "desktops/language.rs"]
mod language;
