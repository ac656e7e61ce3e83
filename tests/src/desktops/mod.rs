//! Real desktop environments on a test [`Desktop`]: GNOME Shell, XFCE, dunst and weston,
//! the programs a person runs, in place of the harness's own recording services.
//!
//! Start the [`Desktop`] with `notifications: false, status_notifier_watcher: false` (GNOME
//! also `system_bus: true`), then the environment; the app then finds the environment's own
//! notification daemon and tray host. The test sees the daemon's traffic through a
//! [`NotifyMonitor`], reads the tray through the environment's StatusNotifierWatcher
//! ([`tray_client`]), and acts through the environment's own interfaces: clicks at the
//! positions the environment reports (GNOME Shell's `Eval`, AT-SPI for XFCE), `dunstctl`.
//!
//! # Layout
//!
//! - `monitor`: [`NotifyMonitor`], the Notify/ActionInvoked traffic seen as a bus monitor.
//! - `gnome`: [`GnomeShell`] (43, X11, with the AppIndicator extension).
//! - `xfce`: [`Xfce`] (xfwm4, xfce4-panel's systray, xfce4-notifyd) and its AT-SPI helper.
//! - `dunst`: [`Dunst`] and `dunstctl`.
//! - `weston`: [`Weston`], a headless Wayland compositor with its screenshooter.

mod dunst;
mod gnome;
mod monitor;
mod weston;
mod xfce;

use std::path::Path;
use std::time::Duration;

use zbus::Connection;

pub use dunst::Dunst;
pub use gnome::{GnomeBanner, GnomeButton, GnomeShell};
pub use monitor::{capabilities, server_information, NotifyMonitor};
pub use weston::Weston;
pub use xfce::{AccessibleButton, Xfce, PANEL_HEIGHT as XFCE_PANEL_HEIGHT};

use crate::keyring::{self, CommandFailure};
use crate::{Desktop, RegisteredItem, TrayClient, WATCHER_NAME, WATCHER_PATH};

/// Waits until `name` has an owner on the bus of `connection`. Panics after `timeout`.
pub async fn wait_for_name(connection: &Connection, name: &str, timeout: Duration) {
    let proxy = zbus::fdo::DBusProxy::new(connection)
        .await
        .expect("a proxy for the bus itself");
    let bus_name: zbus::names::BusName<'_> = name.try_into().expect("a valid bus name");
    crate::wait_for(format!("{name} on the session bus"), timeout, || {
        let proxy = proxy.clone();
        let bus_name = bus_name.clone();
        async move { proxy.name_has_owner(bus_name).await.ok()?.then_some(()) }
    })
    .await;
}

/// A property of whatever owns `org.kde.StatusNotifierWatcher`.
async fn watcher_property(connection: &Connection, name: &str) -> zbus::Result<zbus::OwnedVariant> {
    let reply = connection
        .call_method(
            Some(WATCHER_NAME),
            WATCHER_PATH,
            Some("org.freedesktop.DBus.Properties"),
            "Get",
            &(WATCHER_NAME, name),
        )
        .await?;
    reply.body().deserialize()
}

/// The items registered with whatever owns `org.kde.StatusNotifierWatcher`, as it lists
/// them (`<service><path>`, `<service>@<path>` or a bare service name).
pub async fn registered_items(connection: &Connection) -> zbus::Result<Vec<String>> {
    let value = watcher_property(connection, "RegisteredStatusNotifierItems").await?;
    Ok(Vec::<String>::try_from(value).unwrap_or_default())
}

/// Whether the watcher says a tray host (a panel) is registered.
pub async fn host_registered(connection: &Connection) -> zbus::Result<bool> {
    let value = watcher_property(connection, "IsStatusNotifierHostRegistered").await?;
    Ok(bool::try_from(value).unwrap_or(false))
}

/// Waits until the environment's StatusNotifierWatcher lists an item, and connects a
/// [`TrayClient`] to the first one. Panics after `timeout`.
pub async fn tray_client(desktop: &Desktop, timeout: Duration) -> TrayClient {
    let connection = desktop.connection();
    let entry = crate::wait_for(
        "a StatusNotifierItem registered with the desktop's watcher",
        timeout,
        || async move { registered_items(connection).await.ok()?.into_iter().next() },
    )
    .await;
    // KDE's form is `<service><path>`; GNOME's AppIndicator extension lists
    // `<service>@<path>`.
    let split = entry
        .find('@')
        .map(|at| (&entry[..at], &entry[at + 1..]))
        .or_else(|| {
            entry
                .find('/')
                .map(|slash| (&entry[..slash], &entry[slash..]))
        });
    let item = match split {
        Some((service, path)) => RegisteredItem {
            service: service.to_owned(),
            path: path.to_owned(),
            sender: service.to_owned(),
        },
        None => RegisteredItem {
            service: entry.clone(),
            path: "/StatusNotifierItem".to_owned(),
            sender: entry.clone(),
        },
    };
    TrayClient::connect(connection, &item).await
}

/// Runs `program args…` on the desktop and returns its stdout; fails with its stderr.
pub async fn run(
    desktop: &Desktop,
    program: &str,
    args: &[&str],
) -> Result<String, CommandFailure> {
    let mut command = desktop.command(program);
    command.args(args);
    let (stdout, _) = keyring::run(command, b"").await?;
    Ok(String::from_utf8_lossy(&stdout).into_owned())
}

/// Moves the pointer to (`x`, `y`) on the X screen and clicks the left button, with
/// `xdotool`, as a person would.
pub async fn click_at(desktop: &Desktop, x: i32, y: i32) {
    let (x, y) = (x.to_string(), y.to_string());
    run(desktop, "xdotool", &["mousemove", &x, &y, "click", "1"])
        .await
        .unwrap_or_else(|e| panic!("clicking at {x},{y}: {e}"));
}

/// Moves the pointer to (`x`, `y`) on the X screen.
pub async fn hover_at(desktop: &Desktop, x: i32, y: i32) {
    let (x, y) = (x.to_string(), y.to_string());
    run(desktop, "xdotool", &["mousemove", &x, &y])
        .await
        .unwrap_or_else(|e| panic!("moving the pointer to {x},{y}: {e}"));
}

/// A region of the screen: x, y, width, height.
pub type Region = (i32, i32, u32, u32);

/// Captures the X screen (or `region` of it) to `path` with ImageMagick's `import`.
pub async fn screenshot(
    desktop: &Desktop,
    path: &Path,
    region: Option<Region>,
) -> Result<(), CommandFailure> {
    let mut command = desktop.command("import");
    command.args(["-window", "root"]);
    if let Some((x, y, w, h)) = region {
        command
            .arg("-crop")
            .arg(format!("{w}x{h}+{x}+{y}"))
            .arg("+repage");
    }
    command.arg(path);
    keyring::run(command, b"").await.map(drop)
}

/// Where the desktop tests put their screenshots: `target/artifacts/desktops/`.
pub fn artifacts_dir() -> std::path::PathBuf {
    let dir = crate::target_dir().join("artifacts/desktops");
    std::fs::create_dir_all(&dir).expect("creating target/artifacts/desktops");
    dir
}

/// A shown window whose title contains `title`, found however the window manager nests it
/// (`xdotool search`), with its place on the screen.
pub async fn find_window(desktop: &Desktop, title: &str) -> Option<(u32, Region)> {
    let ids = run(
        desktop,
        "xdotool",
        &["search", "--onlyvisible", "--name", title],
    )
    .await
    .ok()?;
    let id = ids.lines().next()?.trim().to_owned();
    // Absolute coordinates: a window manager reparents the window into its frame, and
    // xdotool's geometry is then relative to that frame.
    let info = run(desktop, "xwininfo", &["-id", &id]).await.ok()?;
    let field = |name: &str| -> Option<i64> {
        info.lines()
            .find_map(|l| l.trim().strip_prefix(name)?.strip_prefix(':'))?
            .trim()
            .parse()
            .ok()
    };
    let region = (
        i32::try_from(field("Absolute upper-left X")?).ok()?,
        i32::try_from(field("Absolute upper-left Y")?).ok()?,
        u32::try_from(field("Width")?).ok()?,
        u32::try_from(field("Height")?).ok()?,
    );
    Some((id.parse().ok()?, region))
}

/// Waits for a shown window whose title contains `title`. Panics after `timeout`.
pub async fn wait_window(desktop: &Desktop, title: &str, timeout: Duration) -> (u32, Region) {
    crate::wait_for(format!("a window titled {title:?}"), timeout, || {
        find_window(desktop, title)
    })
    .await
}

/// How many different colours `png` has (ImageMagick's `%k`).
pub async fn colours(desktop: &Desktop, png: &Path) -> u32 {
    let path = png.display().to_string();
    run(desktop, "identify", &["-format", "%k", &path])
        .await
        .ok()
        .and_then(|out| out.trim().parse().ok())
        .unwrap_or(0)
}

/// The mean brightness of `png`, 0 (black) to 1 (white) (ImageMagick's `%[fx:mean]`).
pub async fn brightness(desktop: &Desktop, png: &Path) -> Option<f64> {
    let path = png.display().to_string();
    run(desktop, "identify", &["-format", "%[fx:mean]", &path])
        .await
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Waits until the body of the window at `window` (below its title bar) has a mean
/// brightness that `wanted` accepts, saving it to `path`; returns the brightness. Panics
/// after `timeout`.
pub async fn wait_brightness(
    desktop: &Desktop,
    window: Region,
    path: &Path,
    what: &str,
    wanted: impl Fn(f64) -> bool,
    timeout: Duration,
) -> f64 {
    let (x, y, w, h) = window;
    let body = (x, y + 80, w, h.saturating_sub(80).max(1));
    let wanted = &wanted;
    crate::wait_seeing(
        format!("the window to look {what}"),
        timeout,
        || async move {
            screenshot(desktop, path, Some(body))
                .await
                .map_err(|e| e.to_string())?;
            let mean = brightness(desktop, path)
                .await
                .ok_or("no brightness".to_owned())?;
            if wanted(mean) {
                Ok(mean)
            } else {
                Err(format!("mean brightness {mean:.2}"))
            }
        },
    )
    .await
}

/// Waits until the window at `window` has painted its page, then saves `window` with
/// a margin to `path`. Painted means the window's body (below its title bar) shows more
/// than `min_colours` colours: text, buttons and anti-aliasing, where an unpainted
/// webview is one flat colour. Panics after `timeout`.
pub async fn wait_painted(
    desktop: &Desktop,
    window: Region,
    path: &Path,
    min_colours: u32,
    timeout: Duration,
) {
    let (x, y, w, h) = window;
    let body = (x, y + 80, w, h.saturating_sub(80).max(1));
    wait_colours(desktop, body, path, min_colours, timeout).await;
    let (left, top) = ((x - 24).max(0), (y - 24).max(0));
    let shot = (left, top, w + 48, h + 48);
    screenshot(desktop, path, Some(shot))
        .await
        .unwrap_or_else(|e| panic!("saving {}: {e}", path.display()));
}

/// Captures `region` to `path` until it shows more than `min_colours` colours (something
/// drawn there, not a flat background). Panics after `timeout`.
pub async fn wait_colours(
    desktop: &Desktop,
    region: Region,
    path: &Path,
    min_colours: u32,
    timeout: Duration,
) {
    crate::wait_for(
        format!("{region:?} to show over {min_colours} colours"),
        timeout,
        || async move {
            screenshot(desktop, path, Some(region)).await.ok()?;
            (colours(desktop, path).await > min_colours).then_some(())
        },
    )
    .await;
}
