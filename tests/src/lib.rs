//! End-to-end test harness for Placet Tray: a real, private, headless desktop per test.
//!
//! [`Desktop::start`] gives a test its own HOME and XDG directories, an Xvfb X server, a
//! session bus, an unlocked gnome-keyring, a recording notification server and a
//! StatusNotifierWatcher. The app under test runs inside it ([`Desktop::command`],
//! [`Desktop::spawn`]) and talks to real desktop services; the test plays the user through
//! the harness: it reads notifications and invokes their actions ([`NotificationServer`]),
//! reads and clicks the tray menu ([`TrayClient`]), and inspects the keychain and the disk.
//!
//! The suites start from a [`World`]: such a desktop, a dev server, the app once launched,
//! and the helpers every suite uses (signing in, posting reviews, waiting for answers).
//! Below it, the desktop on its own:
//!
//! ```no_run
//! use placet_e2e::{Desktop, DesktopOptions, CEILING as T};
//!
//! # async fn example(app: &str) {
//! let desktop = Desktop::start(DesktopOptions::default()).await;
//! let mut command = desktop.command(app);
//! command.arg("--server").arg("http://127.0.0.1:8080");
//! let _app = desktop.spawn(command);
//!
//! let note = desktop.notifications()
//!     .wait_for_notify(|n| n.summary.ends_with("needs your review"), T).await;
//! desktop.notifications().invoke_action(note.id, "approve").await;
//!
//! let tray = desktop.tray_client(T).await;
//! tray.click_text("Open inbox").await;
//! assert!(desktop.files_containing("the-jwt").is_empty(), "the JWT reached the disk");
//! # }
//! ```
//!
//! Conventions: when something the test relies on fails (a daemon does not start, a D-Bus
//! call errors, a wait times out) the harness panics with a message that says what and shows
//! what it saw instead; it returns a `Result` only where failure is an outcome a test may
//! assert on ([`Desktop::secret_tool_store`], [`Desktop::screenshot`]). Nothing waits by
//! sleeping: every wait has a deadline ([`CEILING`] in the suites) and wakes on a change or
//! polls; only an absence is watched for a fixed time ([`QUIET`]).
//!
//! Debian packages: the desktop needs `xvfb dbus-daemon gnome-keyring libsecret-tools
//! imagemagick`; the self-tests also run `libnotify-bin` (notify-send), `libglib2.0-bin`
//! (gdbus) and a libayatana-appindicator tray through Debian's own `/usr/bin/python3` with
//! `python3-gi gir1.2-ayatanaappindicator3-0.1`.
//!
//! # Layout
//!
//! - `app`: where the app under test is ([`app_binary`]).
//! - `desktop`: [`Desktop`] and [`DesktopOptions`]: directories, environment, startup and
//!   shutdown order, the keychain and disk inspection helpers.
//! - `desktops`: real desktop environments on a [`Desktop`] (GNOME Shell, XFCE, dunst,
//!   weston) and a monitor of the notification traffic to their daemons.
//! - `session`: starting Xvfb and the private session bus (and why it activates nothing).
//! - `keyring`: gnome-keyring startup, `secret-tool`, and listing Secret Service items.
//! - `notifications`: [`NotificationServer`], the recording `org.freedesktop.Notifications`.
//! - [`settings_portal`]: the real XDG settings portal with the desktop's colour scheme.
//! - [`shortcuts_portal`]: a stand-in for the XDG desktop portal's GlobalShortcuts.
//! - `tray`: [`StatusNotifierWatcher`], [`TrayClient`], the dbusmenu [`MenuItem`] tree and
//!   [`TrayIcon`].
//! - `process`: [`Process`] (the app under test) and the daemons: process groups, logs, and
//!   the marker sweep that guarantees nothing outlives its desktop.
//! - `files`: the binary-safe search behind [`Desktop::files_containing`].
//! - `wait`: [`wait_until`], [`wait_for`] and [`wait_seeing`].
//! - `world`: [`World`], [`CEILING`], [`QUIET`], and the turns of suites that run one test
//!   at a time ([`one_at_a_time`]).
//! - `webdriver`: [`webdriver::TauriDriver`] (tauri-driver inside a desktop) and a small
//!   W3C WebDriver client ([`webdriver::Session`], [`webdriver::Element`]) for the app's
//!   webviews; needs `tauri-driver` (`cargo install tauri-driver@^2 --locked`) and Debian's
//!   `webkit2gtk-driver`.
//! - `x11`: top-level windows ([`Desktop::windows`]) and closing them like a window manager.

mod app;
mod desktop;
pub mod desktops;
mod files;
mod keyring;
mod notifications;
mod process;
mod session;
pub mod settings_portal;
pub mod shortcuts_portal;
mod tray;
mod wait;
pub mod webdriver;
mod world;
mod x11;

pub use app::{app_binary, target_dir, ui_binary};
pub use desktop::{Desktop, DesktopOptions, KEEP_DIRS_VAR};
pub use keyring::{CommandFailure, SecretItem, SecretToolItem, KEYRING_PASSWORD};
pub use notifications::{
    ActionBehaviour, CloseReason, Closed, Hint, Hints, NotificationServer, NotifyCall, Urgency,
    DEFAULT_CAPABILITIES, NOTIFICATIONS_NAME, NOTIFICATIONS_PATH,
};
pub use process::{is_running, processes_with_marker, Process, MARKER_VAR, OWNER_VAR};
pub use tray::{
    strip_mnemonics, ItemProperties, ItemType, MenuItem, Pixmap, RegisteredItem,
    StatusNotifierWatcher, ToggleType, ToolTip, TrayClient, TrayIcon, TraySignal, WATCHER_NAME,
    WATCHER_PATH,
};
pub use wait::{wait_for, wait_seeing, wait_until, POLL_INTERVAL};
pub use world::{
    one_at_a_time, server_config, wait_subscribed_to, CliOutput, World, ADMIN_EMAIL,
    ADMIN_PASSWORD, CEILING, QUIET,
};
pub use x11::X11Window;
