//! XFCE 4.18 on a test desktop: xfwm4, xfce4-panel with its systray plugin (which is also
//! the StatusNotifierWatcher and host), and xfce4-notifyd.
//!
//! Their settings live in xfconf, which is D-Bus activated on a normal session; the test
//! desktop's bus activates nothing, so `xfconfd` is started first, reading the panel
//! layout this module writes (one top panel: a spacer and the systray; without a layout
//! the panel asks, in a dialog, whether to use the default one).
//!
//! xfce4-notifyd draws its buttons itself, inside its own windows. To click one as a person
//! would, the test asks where it is through the accessibility tree (AT-SPI: the bus
//! launcher is started for this desktop and xfce4-notifyd runs with the GTK accessibility
//! bridge on), then clicks there with the pointer.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use super::{click_at, wait_for_name};
use crate::{Desktop, Process};

/// Height of the test panel, at the top of the screen.
pub const PANEL_HEIGHT: u32 = 30;

const PANEL_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-panel" version="1.0">
  <property name="configver" type="int" value="2"/>
  <property name="panels" type="array">
    <value type="int" value="1"/>
    <property name="panel-1" type="empty">
      <property name="position" type="string" value="p=6;x=0;y=0"/>
      <property name="length" type="uint" value="100"/>
      <property name="position-locked" type="bool" value="true"/>
      <property name="size" type="uint" value="30"/>
      <property name="plugin-ids" type="array">
        <value type="int" value="1"/>
        <value type="int" value="2"/>
      </property>
    </property>
  </property>
  <property name="plugins" type="empty">
    <property name="plugin-1" type="string" value="separator">
      <property name="expand" type="bool" value="true"/>
      <property name="style" type="uint" value="0"/>
    </property>
    <property name="plugin-2" type="string" value="systray">
      <property name="square-icons" type="bool" value="true"/>
    </property>
  </property>
</channel>
"#;

/// Notifications stay 30 s (the default is 10), so that a loaded machine still clicks in
/// time.
const NOTIFYD_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-notifyd" version="1.0">
  <property name="expire-timeout" type="int" value="30"/>
  <property name="notify-location" type="uint" value="2"/>
</channel>
"#;

/// Lists an application's push buttons with their screen positions, through AT-SPI.
const BUTTONS_PY: &str = r#"
import json, sys
import gi
gi.require_version('Atspi', '2.0')
from gi.repository import Atspi
found = []
def walk(node, depth):
    if node is None or depth > 40:
        return
    try:
        role = node.get_role()
    except Exception:
        return
    if role == Atspi.Role.PUSH_BUTTON:
        e = node.get_extents(Atspi.CoordType.SCREEN)
        showing = node.get_state_set().contains(Atspi.StateType.SHOWING)
        found.append({'label': node.get_name() or '', 'x': e.x, 'y': e.y,
                      'w': e.width, 'h': e.height, 'showing': showing})
    for i in range(node.get_child_count()):
        walk(node.get_child_at_index(i), depth + 1)
desktop = Atspi.get_desktop(0)
for i in range(desktop.get_child_count()):
    app = desktop.get_child_at_index(i)
    if app is not None and app.get_name() == sys.argv[1]:
        walk(app, 0)
print(json.dumps(found))
"#;

/// A button found through AT-SPI, with its position on the screen.
#[derive(Debug, Clone, Deserialize)]
pub struct AccessibleButton {
    /// Its accessible name (the label).
    pub label: String,
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
    /// Width.
    pub w: i32,
    /// Height.
    pub h: i32,
    /// Whether it is on screen.
    pub showing: bool,
}

/// A running XFCE session (window manager, panel, notification daemon); stopped on drop.
#[derive(Debug)]
pub struct Xfce {
    // Drop order: the clients first, the settings daemon and accessibility bus last.
    notifyd: Process,
    panel: Process,
    xfwm4: Process,
    xfconfd: Process,
    _a11y: Process,
}

impl Xfce {
    /// Starts XFCE on `desktop` (which needs X and no notification server or watcher of its
    /// own) and waits until the panel hosts status icons and xfce4-notifyd owns the
    /// notification name. Panics, with the logs, if a part does not start.
    pub async fn start(desktop: &Desktop, timeout: Duration) -> Xfce {
        assert!(desktop.display().is_some(), "XFCE needs the X server");
        let channels = desktop
            .config_dir()
            .join("xfce4/xfconf/xfce-perchannel-xml");
        std::fs::create_dir_all(&channels).expect("creating the xfconf directory");
        std::fs::write(channels.join("xfce4-panel.xml"), PANEL_XML).expect("writing the panel");
        std::fs::write(channels.join("xfce4-notifyd.xml"), NOTIFYD_XML)
            .expect("writing xfce4-notifyd's settings");

        let a11y = desktop.spawn(desktop.command(libexec("at-spi-bus-launcher")));
        let connection = desktop.connection();
        wait_or_panic(connection, "org.a11y.Bus", timeout, &a11y).await;
        let xfconfd = desktop.spawn(desktop.command(xfce_libexec("xfconf/xfconfd")));
        wait_or_panic(connection, "org.xfce.Xfconf", timeout, &xfconfd).await;

        let mut command = desktop.command("xfwm4");
        command
            .args(["--compositor=off"])
            .env("XDG_CURRENT_DESKTOP", "XFCE");
        let xfwm4 = desktop.spawn(command);
        let mut command = desktop.command("xfce4-panel");
        command.env("XDG_CURRENT_DESKTOP", "XFCE");
        let panel = desktop.spawn(command);
        wait_or_panic(connection, crate::WATCHER_NAME, timeout, &panel).await;
        let host = crate::wait_until(timeout, || async {
            super::host_registered(connection).await.ok()?.then_some(())
        });
        host.await;

        let mut command = desktop.command(xfce_libexec("notifyd/xfce4-notifyd"));
        command
            .env("XDG_CURRENT_DESKTOP", "XFCE")
            // The accessibility bridge on, so that the test can find its buttons.
            .env_remove("NO_AT_BRIDGE");
        let notifyd = desktop.spawn(command);
        wait_or_panic(connection, crate::NOTIFICATIONS_NAME, timeout, &notifyd).await;

        Xfce {
            notifyd,
            panel,
            xfwm4,
            xfconfd,
            _a11y: a11y,
        }
    }

    /// The logs of the panel, the window manager and the notification daemon.
    pub fn report(&self) -> String {
        [&self.panel, &self.xfwm4, &self.notifyd, &self.xfconfd]
            .iter()
            .map(|p| p.report())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// xfce4-notifyd's buttons on screen now, found through AT-SPI.
    pub async fn notification_buttons(&self, desktop: &Desktop) -> Vec<AccessibleButton> {
        let mut command = desktop.command("/usr/bin/python3");
        command.args(["-c", BUTTONS_PY, "xfce4-notifyd"]);
        match crate::keyring::run(command, b"").await {
            Ok((stdout, _)) => serde_json::from_slice(&stdout).unwrap_or_default(),
            Err(e) => panic!("listing xfce4-notifyd's buttons through AT-SPI: {e}"),
        }
    }

    /// Waits until xfce4-notifyd shows the buttons `labels` (all of them), and returns them.
    pub async fn wait_notification_buttons(
        &self,
        desktop: &Desktop,
        labels: &[&str],
        timeout: Duration,
    ) -> Vec<AccessibleButton> {
        crate::wait_for(
            format!("xfce4-notifyd to show the buttons {labels:?}"),
            timeout,
            || async {
                let buttons = self.notification_buttons(desktop).await;
                let shown = |l: &str| buttons.iter().any(|b| b.showing && b.label == l && b.w > 0);
                labels.iter().all(|l| shown(l)).then_some(buttons)
            },
        )
        .await
    }

    /// Clicks xfce4-notifyd's button `label` with the pointer.
    pub async fn click_notification_button(
        &self,
        desktop: &Desktop,
        label: &str,
        timeout: Duration,
    ) {
        let buttons = self
            .wait_notification_buttons(desktop, &[label], timeout)
            .await;
        let button = buttons
            .iter()
            .find(|b| b.showing && b.label == label)
            .expect("the button that was just waited for");
        click_at(desktop, button.x + button.w / 2, button.y + button.h / 2).await;
    }
}

async fn wait_or_panic(
    connection: &zbus::Connection,
    name: &str,
    timeout: Duration,
    process: &Process,
) {
    let waited = tokio::time::timeout(
        timeout,
        wait_for_name(connection, name, timeout + Duration::from_secs(1)),
    )
    .await;
    if waited.is_err() {
        panic!(
            "{} did not own {name} within {timeout:?}\n{}",
            process.name(),
            process.report()
        );
    }
}

/// A program under `/usr/libexec`.
fn libexec(name: &str) -> PathBuf {
    PathBuf::from("/usr/libexec").join(name)
}

/// A program of XFCE's private directory (`/usr/lib/<multiarch>/xfce4/<rest>`).
fn xfce_libexec(rest: &str) -> PathBuf {
    std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|dir| dir.path().join("xfce4").join(rest))
        .chain([PathBuf::from("/usr/lib/xfce4").join(rest)])
        .find(|path| path.exists())
        .unwrap_or_else(|| panic!("xfce4/{rest} is not installed under /usr/lib"))
}
