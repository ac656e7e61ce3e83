//! GNOME Shell 43 as the X11 window manager and shell of a test desktop.
//!
//! What it takes to run here, found by running it: a system bus to connect to (the
//! desktop's `system_bus` option: with `/run/systemd/seats` present the shell builds logind
//! proxies on it and dies at start-up without a bus; with a bus and no logind on it, the
//! proxies have no owner and the shell carries on, so no stand-in logind is needed),
//! settings it can read (the keyfile GSettings backend in the private HOME: the desktop's
//! default `memory` backend cannot be written before the shell starts, and dconf would need
//! D-Bus activation, which the desktop's bus does not do), the extensions enabled through
//! `org.gnome.shell enabled-extensions`, and `--x11 --replace` on the Xvfb display.
//!
//! The shell shows the banners, but `org.freedesktop.Notifications` belongs to a small
//! gjs service (`org.gnome.Shell.Notifications`) that forwards each call to the shell; a
//! normal session bus starts it on demand, here the harness starts it.
//!
//! GNOME Shell 43 has no command-line switch for unsafe mode, which `org.gnome.Shell.Eval`
//! needs; a four-line test extension installed in the private HOME turns it on. Everything
//! else the test does goes through the shell as a person would meet it: the AppIndicator
//! extension hosts the app's StatusNotifierItem, the shell shows the banners, and banners
//! are clicked with the pointer at the positions the shell reports.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use zbus::Connection;

use super::{click_at, hover_at, wait_for_name};
use crate::{Desktop, Process};

/// The AppIndicator/KStatusNotifierItem extension Debian ships.
pub const APPINDICATOR_EXTENSION: &str = "ubuntu-appindicators@ubuntu.com";
/// The test extension that puts the shell in unsafe mode.
const TEST_EXTENSION: &str = "placet-e2e@placet.local";

const TEST_EXTENSION_METADATA: &str = r#"{
  "uuid": "placet-e2e@placet.local",
  "name": "Placet end-to-end tests",
  "description": "Turns on unsafe mode so that tests can use org.gnome.Shell.Eval.",
  "shell-version": ["43"]
}
"#;

const TEST_EXTENSION_JS: &str = "/* exported init */
class Extension {
    enable() { global.context.unsafe_mode = true; }
    disable() { global.context.unsafe_mode = false; }
}
function init() { return new Extension(); }
";

/// The current banner, its buttons, and where they are on the screen.
const BANNER_JS: &str = "(() => {
  const b = Main.messageTray._banner;
  if (!b || !b.mapped) return null;
  const box = a => {
    const [x, y] = a.get_transformed_position();
    const [w, h] = a.get_transformed_size();
    const n = v => Math.round(v) || 0;
    return {x: n(x), y: n(y), w: n(w), h: n(h)};
  };
  const buttons = b._buttonBox ? b._buttonBox.get_children().map(c =>
    Object.assign({label: c.label || '', shown: c.mapped && c.visible}, box(c))) : [];
  const actionsShown = b.expanded && b._actionBin.visible && b._actionBin.scale_y === 1;
  return Object.assign({
    title: b.notification.title || '',
    body: (b.notification.bannerBodyText || '').replace(/<[^>]*>/g, ''),
    expanded: !!b.expanded,
    actionsShown,
    buttons,
  }, box(b));
})()";

/// A notification banner the shell shows.
#[derive(Debug, Clone, Deserialize)]
pub struct GnomeBanner {
    /// The summary.
    pub title: String,
    /// The body, with its markup tags removed as the banner renders them.
    pub body: String,
    /// Whether the banner is expanded (it expands while the pointer is on it).
    pub expanded: bool,
    /// Whether its buttons are shown and done animating in.
    #[serde(rename = "actionsShown")]
    pub actions_shown: bool,
    /// The action buttons, in order.
    pub buttons: Vec<GnomeButton>,
    /// Left edge on the screen.
    pub x: i32,
    /// Top edge on the screen.
    pub y: i32,
    /// Width.
    pub w: i32,
    /// Height.
    pub h: i32,
}

/// One button of a [`GnomeBanner`].
#[derive(Debug, Clone, Deserialize)]
pub struct GnomeButton {
    /// Its label.
    pub label: String,
    /// Whether it is on screen.
    pub shown: bool,
    /// Left edge on the screen.
    pub x: i32,
    /// Top edge on the screen.
    pub y: i32,
    /// Width.
    pub w: i32,
    /// Height.
    pub h: i32,
}

/// GNOME's notification service: it owns `org.freedesktop.Notifications` and passes each
/// call on to the shell, which shows the banner. A normal session bus starts it on demand.
const NOTIFICATIONS_SERVICE: &str = "/usr/share/gnome-shell/org.gnome.Shell.Notifications";

/// A running GNOME Shell; stopped on drop.
#[derive(Debug)]
pub struct GnomeShell {
    // Drop order: the notification service before the shell it talks to.
    notifications: Option<Process>,
    process: Process,
    connection: Connection,
}

impl GnomeShell {
    /// Starts GNOME Shell on `desktop` (which needs X and a system bus) with the AppIndicator
    /// extension, and waits until it has started up, owns the notification and tray-watcher
    /// names, and shows an empty desktop (overview closed, start-up notifications gone).
    /// Panics, with the shell's log, if it does not.
    pub async fn start(desktop: &Desktop, timeout: Duration) -> GnomeShell {
        assert!(
            desktop.display().is_some(),
            "GNOME Shell needs the X server"
        );
        assert!(
            desktop.system_bus_address().is_some(),
            "GNOME Shell needs a system bus: start the desktop with `system_bus: true`"
        );
        prepare_home(desktop);
        let mut command = desktop.command("gnome-shell");
        command
            .args(["--x11", "--replace", "--sm-disable"])
            .env("GSETTINGS_BACKEND", "keyfile")
            .env("XDG_CURRENT_DESKTOP", "GNOME")
            .env("XDG_SESSION_DESKTOP", "gnome")
            .env("XDG_SESSION_CLASS", "user");
        let process = desktop.spawn(command);
        let mut shell = GnomeShell {
            notifications: None,
            process,
            connection: desktop.connection().clone(),
        };
        shell.wait_name("org.gnome.Shell", timeout).await;
        let mut command = desktop.command("gjs");
        command
            .arg(NOTIFICATIONS_SERVICE)
            .env("GSETTINGS_BACKEND", "keyfile")
            .env("XDG_CURRENT_DESKTOP", "GNOME");
        shell.notifications = Some(desktop.spawn(command));
        for name in [crate::NOTIFICATIONS_NAME, crate::WATCHER_NAME] {
            shell.wait_name(name, timeout).await;
        }
        shell
            .wait_eval(
                "the shell to finish starting up",
                "!Main.layoutManager._startingUp",
                timeout,
            )
            .await;
        // A fresh session opens the overview, and root gets a "privileged user" notice.
        shell
            .eval("Main.overview.hide(); Main.messageTray.getSources().forEach(s => s.destroy()); true")
            .await
            .unwrap_or_else(|e| panic!("closing the overview: {e}\n{}", shell.report()));
        shell
            .wait_eval(
                "the overview to close and no banner to show",
                "!Main.overview.visible && !Main.overview.animationInProgress && !Main.messageTray._banner",
                timeout,
            )
            .await;
        shell
    }

    async fn wait_name(&self, name: &str, timeout: Duration) {
        let found = tokio::time::timeout(
            timeout,
            wait_for_name(&self.connection, name, timeout + Duration::from_secs(1)),
        )
        .await;
        if found.is_err() {
            panic!(
                "GNOME Shell did not own {name} within {timeout:?}\n{}",
                self.report()
            );
        }
    }

    /// The logs of the shell and its notification service, for failure messages.
    pub fn report(&self) -> String {
        let mut report = self.process.report();
        if let Some(notifications) = &self.notifications {
            report.push('\n');
            report.push_str(&notifications.report());
        }
        report
    }

    /// Runs `code` in the shell (`org.gnome.Shell.Eval`) and returns its value as JSON, or
    /// the exception's text.
    pub async fn eval(&self, code: &str) -> Result<Value, String> {
        let reply = self
            .connection
            .call_method(
                Some("org.gnome.Shell"),
                "/org/gnome/Shell",
                Some("org.gnome.Shell"),
                "Eval",
                &(code,),
            )
            .await
            .map_err(|e| format!("calling Eval: {e}"))?;
        let (ok, json): (bool, String) = reply
            .body()
            .deserialize()
            .map_err(|e| format!("reading Eval's reply: {e}"))?;
        if !ok {
            return Err(if json.is_empty() {
                "Eval refused: the shell is not in unsafe mode".to_owned()
            } else {
                json
            });
        }
        if json.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&json).map_err(|e| format!("Eval returned {json:?}: {e}"))
    }

    /// Waits until `code` evaluates to `true`. Panics after `timeout`.
    pub async fn wait_eval(&self, what: &str, code: &str, timeout: Duration) {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let value = self.eval(code).await;
            if value == Ok(Value::Bool(true)) {
                return;
            }
            if tokio::time::Instant::now() >= deadline {
                panic!(
                    "GNOME Shell: timed out after {timeout:?} waiting for {what}; `{code}` gave \
                     {value:?}\n{}",
                    self.report()
                );
            }
            tokio::time::sleep(crate::POLL_INTERVAL).await;
        }
    }

    /// The banner on screen now, if any.
    pub async fn banner(&self) -> Option<GnomeBanner> {
        let value = self
            .eval(BANNER_JS)
            .await
            .unwrap_or_else(|e| panic!("reading the banner: {e}"));
        serde_json::from_value(value).ok()
    }

    /// Waits for a banner whose body contains `needle`. Panics after `timeout`, saying what
    /// the shell showed instead.
    pub async fn wait_banner(&self, needle: &str, timeout: Duration) -> GnomeBanner {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let banner = self.banner().await;
            if let Some(banner) = banner
                .as_ref()
                .filter(|b| b.body.contains(needle) || b.title.contains(needle))
            {
                return banner.clone();
            }
            if tokio::time::Instant::now() >= deadline {
                let raw = self.eval(BANNER_JS).await;
                let state = self
                    .eval(
                        "({state: Main.messageTray._notificationState, \
                          queued: Main.messageTray._notificationQueue.map(n => [n.title, n.bannerBodyText]), \
                          sources: Main.messageTray.getSources().map(s => s.title)})",
                    )
                    .await;
                panic!(
                    "no GNOME banner saying {needle:?} within {timeout:?}; showing {banner:?} \
                     ({raw:?}); message tray {state:?}"
                );
            }
            tokio::time::sleep(crate::POLL_INTERVAL).await;
        }
    }

    /// Moves the pointer onto the banner saying `needle`, which expands it, and waits until
    /// its buttons are shown. Returns the expanded banner.
    pub async fn expand_banner(
        &self,
        desktop: &Desktop,
        needle: &str,
        timeout: Duration,
    ) -> GnomeBanner {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let banner = self.wait_banner(needle, timeout).await;
            // Off the banner, then onto its title, away from where the buttons will appear:
            // the shell expands a banner when the pointer enters it.
            hover_at(desktop, banner.x + banner.w / 2, banner.y + banner.h + 150).await;
            hover_at(desktop, banner.x + banner.w / 2, banner.y + 12).await;
            let entered = tokio::time::Instant::now();
            while entered.elapsed() < Duration::from_secs(2) {
                if let Some(expanded) = self.banner().await.filter(|b| {
                    b.body.contains(needle)
                        && b.actions_shown
                        && b.buttons.iter().all(|b| b.shown && b.w > 0)
                }) {
                    return expanded;
                }
                tokio::time::sleep(crate::POLL_INTERVAL).await;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the banner saying {needle:?} did not expand under the pointer within \
                 {timeout:?}: {:?}",
                self.banner().await
            );
        }
    }

    /// Clicks the button `label` of the banner saying `needle`, with the pointer.
    pub async fn click_banner_button(
        &self,
        desktop: &Desktop,
        needle: &str,
        label: &str,
        timeout: Duration,
    ) {
        let banner = self.expand_banner(desktop, needle, timeout).await;
        let button = banner
            .buttons
            .iter()
            .find(|b| b.label == label)
            .unwrap_or_else(|| panic!("the banner has no button {label:?}: {banner:?}"));
        click_at(desktop, button.x + button.w / 2, button.y + button.h / 2).await;
    }

    /// Clicks the body of the banner saying `needle` (its default action), once the banner
    /// has finished showing.
    pub async fn click_banner(&self, desktop: &Desktop, needle: &str, timeout: Duration) {
        let banner = self.wait_banner(needle, timeout).await;
        self.wait_eval(
            "the banner to finish showing",
            "Main.messageTray._notificationState === 2",
            timeout,
        )
        .await;
        click_at(desktop, banner.x + banner.w / 2, banner.y + banner.h / 2).await;
    }

    /// Where the AppIndicator extension shows the app's icon in the top bar, as
    /// (x, y, width, height), once it is shown and its image has loaded (until then the
    /// extension shows a "loading" placeholder).
    pub async fn wait_indicator(&self, timeout: Duration) -> (i32, i32, u32, u32) {
        const JS: &str = "(() => {
          const found = Object.entries(Main.panel.statusArea)
            .filter(([role, a]) => role.startsWith('appindicator-') && a.container.mapped
              && a.container.visible && a._icon && a._icon.gicon);
          if (!found.length) return null;
          const a = found[0][1].container;
          const [x, y] = a.get_transformed_position();
          const [w, h] = a.get_transformed_size();
          return [Math.round(x), Math.round(y), Math.round(w), Math.round(h)];
        })()";
        crate::wait_for("the app's icon in GNOME's top bar", timeout, || async {
            let value = self.eval(JS).await.ok()?;
            serde_json::from_value::<(i32, i32, u32, u32)>(value).ok()
        })
        .await
    }
}

/// Writes the settings keyfile and installs the test extension in the desktop's HOME.
fn prepare_home(desktop: &Desktop) {
    let settings = desktop.config_dir().join("glib-2.0/settings");
    std::fs::create_dir_all(&settings).expect("creating the settings directory");
    std::fs::write(
        settings.join("keyfile"),
        format!(
            "[org/gnome/shell]\n\
             enabled-extensions=['{APPINDICATOR_EXTENSION}', '{TEST_EXTENSION}']\n\
             welcome-dialog-last-shown-version='999'\n\
             \n\
             [org/gnome/desktop/notifications]\n\
             show-banners=true\n\
             \n\
             [org/gnome/desktop/interface]\n\
             enable-animations=false\n"
        ),
    )
    .expect("writing the GSettings keyfile");
    let extension = desktop
        .data_dir()
        .join("gnome-shell/extensions")
        .join(TEST_EXTENSION);
    std::fs::create_dir_all(&extension).expect("creating the test extension's directory");
    std::fs::write(extension.join("metadata.json"), TEST_EXTENSION_METADATA)
        .expect("writing the test extension");
    std::fs::write(extension.join("extension.js"), TEST_EXTENSION_JS)
        .expect("writing the test extension");
}
