//! A world per test: the shared [`World`] on a desktop running a real desktop environment
//! (one at a time), and the steps and screenshots the desktops' tests share.

use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};

use placet_e2e::desktops::{self, Dunst, GnomeShell, NotifyMonitor, Region, Weston, Xfce};
use placet_e2e::{one_at_a_time, Desktop, DesktopOptions, TrayClient, World};
use serde_json::json;
use tokio::sync::SemaphorePermit;

pub use placet_e2e::CEILING as T;

/// A real desktop environment, started on the test's private desktop.
pub trait Environment: Sized {
    /// The private desktop it needs.
    fn options() -> DesktopOptions;
    /// Starts it and waits until it is up.
    fn start(desktop: &Desktop) -> impl Future<Output = Self>;
}

/// A desktop with nothing of the harness's own on the bus: the real environment provides
/// the notification daemon and the tray watcher.
fn real_desktop_options() -> DesktopOptions {
    DesktopOptions {
        notifications: false,
        status_notifier_watcher: false,
        ..Default::default()
    }
}

impl Environment for GnomeShell {
    fn options() -> DesktopOptions {
        DesktopOptions {
            system_bus: true,
            ..real_desktop_options()
        }
    }

    fn start(desktop: &Desktop) -> impl Future<Output = Self> {
        GnomeShell::start(desktop, T)
    }
}

impl Environment for Xfce {
    fn options() -> DesktopOptions {
        real_desktop_options()
    }

    fn start(desktop: &Desktop) -> impl Future<Output = Self> {
        Xfce::start(desktop, T)
    }
}

/// dunst has no tray: the harness's StatusNotifierWatcher stands in for whatever bar the
/// user runs.
impl Environment for Dunst {
    fn options() -> DesktopOptions {
        DesktopOptions {
            status_notifier_watcher: true,
            ..real_desktop_options()
        }
    }

    fn start(desktop: &Desktop) -> impl Future<Output = Self> {
        Dunst::start(desktop, T)
    }
}

/// weston with no X server at all: nothing to fall back to.
impl Environment for Weston {
    fn options() -> DesktopOptions {
        DesktopOptions {
            x11: false,
            ..Default::default()
        }
    }

    fn start(desktop: &Desktop) -> impl Future<Output = Self> {
        Weston::start(desktop, T)
    }
}

/// The shared [`World`] (which it derefs to) on a desktop running `E`.
pub struct DesktopWorld<E> {
    // Drop order: the environment first, then the app, the server and the desktop, and
    // only then the next test's turn.
    /// The desktop environment.
    pub env: E,
    world: World,
    _turn: SemaphorePermit<'static>,
}

impl<E: Environment> DesktopWorld<E> {
    /// Waits for its turn (one desktop session at a time: each is a whole session's worth
    /// of processes), then starts the desktop, the dev server and the environment.
    pub async fn start() -> DesktopWorld<E> {
        let turn = one_at_a_time().await;
        let world = World::with(E::options()).await;
        let env = E::start(&world.desktop).await;
        DesktopWorld {
            env,
            world,
            _turn: turn,
        }
    }
}

impl<E> DesktopWorld<E> {
    /// A monitor of the notification traffic on the desktop's bus.
    pub async fn monitor(&self) -> NotifyMonitor {
        NotifyMonitor::start(self.desktop.bus_address())
            .await
            .expect("monitoring the session bus")
    }

    /// After a click on the notification's Approve button: the daemon reported the
    /// action (`reporter` says who) and the answer reached the server.
    pub async fn assert_approved(
        &self,
        monitor: &NotifyMonitor,
        note_id: u32,
        id: &str,
        reporter: &str,
    ) {
        assert_eq!(
            monitor.wait_action_invoked(note_id, T).await,
            "option:approve",
            "{reporter}"
        );
        assert_eq!(
            self.wait_response(id).await,
            json!({"response": {"selectedOption": "approve"}}),
            "the button's answer reached the server\n{}",
            self.app_report()
        );
    }

    /// Posts a second review, waits for its notification and for the tray's count, and
    /// opens it from its entry in the tray menu; returns its id and its window.
    pub async fn open_from_tray_menu(
        &self,
        monitor: &NotifyMonitor,
        tray: &TrayClient,
    ) -> (String, (u32, Region)) {
        let second = self.approval("Rotate the signing keys?").await;
        monitor
            .wait_for_notify(|n| n.body.contains("Rotate the signing keys?"), T)
            .await;
        wait_pending(tray, 1).await;
        tray.click_text("Deploy Bot: Rotate the signing keys?")
            .await;
        let window = desktops::wait_window(&self.desktop, "Placet review", T).await;
        (second, window)
    }
}

impl DesktopWorld<Xfce> {
    /// Waits until xfce4-notifyd shows the buttons `labels`, then saves the notification
    /// (cropped around its buttons) as `file` (see [`screenshot`]).
    pub async fn notification_screenshot(&self, labels: &[&str], file: &str) {
        let buttons = self
            .env
            .wait_notification_buttons(&self.desktop, labels, T)
            .await;
        let (left, top) = buttons
            .iter()
            .fold((i32::MAX, i32::MAX), |(l, t), b| (l.min(b.x), t.min(b.y)));
        let left = (left - 30).max(0);
        screenshot(
            &self.desktop,
            file,
            Some((left, (top - 90).max(0), 1280 - left.unsigned_abs(), 160)),
        )
        .await;
    }
}

impl<E> Deref for DesktopWorld<E> {
    type Target = World;

    fn deref(&self) -> &World {
        &self.world
    }
}

impl<E> DerefMut for DesktopWorld<E> {
    fn deref_mut(&mut self) -> &mut World {
        &mut self.world
    }
}

/// Saves `region` of the screen (all of it if `None`) as `<desktop>-<name>.png` in
/// `target/artifacts/desktops/`, and with `PLACET_UPDATE_SCREENSHOTS=1` in `docs/desktops/`.
pub async fn screenshot(desktop: &Desktop, file: &str, region: Option<Region>) -> PathBuf {
    let path = desktops::artifacts_dir().join(file);
    desktops::screenshot(desktop, &path, region)
        .await
        .unwrap_or_else(|e| panic!("taking the screenshot {file}: {e}"));
    publish(&path);
    path
}

/// Copies an artifact screenshot into `docs/desktops/` when asked to.
pub fn publish(path: &Path) {
    if std::env::var_os("PLACET_UPDATE_SCREENSHOTS").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/desktops");
        std::fs::create_dir_all(&docs).expect("creating docs/desktops");
        let name = path.file_name().expect("a file name");
        std::fs::copy(path, docs.join(name)).expect("copying the screenshot to docs/desktops");
    }
}

/// A region around `(x, y, w, h)` with `margin` on every side, kept on the 1280x800 screen.
pub fn around(region: Region, margin: i32) -> Region {
    let (x, y, w, h) = region;
    let left = (x - margin).max(0);
    let top = (y - margin).max(0);
    let right = (x + i32::try_from(w).unwrap_or(0) + margin).min(1280);
    let bottom = (y + i32::try_from(h).unwrap_or(0) + margin).min(800);
    (
        left,
        top,
        u32::try_from(right - left).unwrap_or(1),
        u32::try_from(bottom - top).unwrap_or(1),
    )
}

/// Waits until the tray menu says `n` review(s) are waiting (the icon draws the same count).
pub async fn wait_pending(tray: &TrayClient, n: usize) {
    let text = match n {
        1 => "1 review waiting".to_owned(),
        n => format!("{n} reviews waiting"),
    };
    tray.wait_for_layout(|m| m.visible_texts().iter().any(|t| t.contains(&text)), T)
        .await;
}
