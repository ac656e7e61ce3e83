//! weston's headless backend: a Wayland compositor without a screen, for Wayland-only
//! runs of the app (`WAYLAND_DISPLAY`, `GDK_BACKEND=wayland`, no `DISPLAY`).
//!
//! The headless backend renders nothing unless asked (`--use-pixman`), and weston lets
//! only clients it launched itself take screenshots unless it runs with `--debug`, which
//! opens the screenshooter protocol to any client (`weston-screenshooter`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::process::Command;

use crate::keyring::{self, CommandFailure};
use crate::{Desktop, Process};

/// The output's size.
pub const WIDTH: u32 = 1280;
/// The output's size.
pub const HEIGHT: u32 = 800;

const WESTON_INI: &str = "[core]
idle-time=0

[shell]
panel-position=none
background-color=0xff2e3440
locking=false
";

/// A running weston; stopped on drop.
#[derive(Debug)]
pub struct Weston {
    process: Process,
    socket: String,
    runtime: PathBuf,
}

impl Weston {
    /// Starts weston headless on `desktop` with its own socket in the runtime directory, and
    /// waits until it accepts clients and its shell is up. Panics, with its log, if not.
    pub async fn start(desktop: &Desktop, timeout: Duration) -> Weston {
        let config = desktop.config_dir().join("weston.ini");
        std::fs::write(&config, WESTON_INI).expect("writing weston.ini");
        let socket = "placet-wayland-0".to_owned();
        let log = desktop.logs_dir().join("weston-internal.log");
        let mut command = desktop.command("weston");
        command
            .arg("--backend=headless-backend.so")
            .arg("--use-pixman")
            .arg("--debug")
            .arg(format!("--socket={socket}"))
            .arg(format!("--config={}", config.display()))
            .arg(format!("--width={WIDTH}"))
            .arg(format!("--height={HEIGHT}"))
            .arg(format!("--log={}", log.display()))
            .env_remove("DISPLAY");
        let process = desktop.spawn(command);
        let weston = Weston {
            process,
            socket,
            runtime: desktop.runtime_dir().to_owned(),
        };
        let ready = crate::wait_for("weston's desktop shell to start", timeout, || {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            let socket = weston.runtime.join(&weston.socket);
            async move {
                (socket.exists() && log.contains("launching") && log.contains("desktop-shell"))
                    .then_some(())
            }
        });
        if tokio::time::timeout(timeout + Duration::from_secs(1), ready)
            .await
            .is_err()
        {
            panic!("weston did not start\n{}", weston.report());
        }
        weston
    }

    /// `WAYLAND_DISPLAY` for clients.
    pub fn socket(&self) -> &str {
        &self.socket
    }

    /// weston's output, for failure messages.
    pub fn report(&self) -> String {
        self.process.report()
    }

    /// `command` turned into a Wayland-only client of this weston: `WAYLAND_DISPLAY` set,
    /// `GDK_BACKEND=wayland`, and no `DISPLAY` to fall back to.
    pub fn client(&self, mut command: Command) -> Command {
        command
            .env("WAYLAND_DISPLAY", &self.socket)
            .env("GDK_BACKEND", "wayland")
            .env("XDG_SESSION_TYPE", "wayland")
            .env_remove("DISPLAY");
        command
    }

    /// Saves what weston shows to `path` (PNG) with `weston-screenshooter`.
    pub async fn screenshot(&self, desktop: &Desktop, path: &Path) -> Result<(), CommandFailure> {
        let dir = tempfile::tempdir().expect("a directory for the screenshot");
        let mut command = self.client(desktop.command("weston-screenshooter"));
        command.current_dir(dir.path());
        keyring::run(command, b"").await?;
        let shot = std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "png"));
        let Some(shot) = shot else {
            return Err(CommandFailure {
                command: "weston-screenshooter".into(),
                status: None,
                stderr: "it wrote no PNG".into(),
            });
        };
        std::fs::copy(&shot, path)
            .map(drop)
            .map_err(|e| CommandFailure {
                command: format!("copying {}", shot.display()),
                status: None,
                stderr: e.to_string(),
            })
    }
}
