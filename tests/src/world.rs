//! [`World`]: what every end-to-end test of the app starts from: a private [`Desktop`], a
//! dev server on loopback ([`DevServer`]), and the app under test once launched; with the
//! helpers every suite uses to play the person (the command line, the notifications, the
//! tray) and the agents (posting reviews, reading what the server recorded).
//!
//! ```no_run
//! use placet_e2e::{World, CEILING as T};
//!
//! # async fn example() {
//! let mut w = World::start().await;
//! w.running().await; // signed in, launched, subscribed to every agent's channel
//! let id = w.approval("Deploy?").await;
//! let n = w.notification("Deploy?").await;
//! w.desktop.notifications().invoke_action(n.id, "option:approve").await;
//! assert_eq!(
//!     w.wait_response(&id).await,
//!     serde_json::json!({"response": {"selectedOption": "approve"}})
//! );
//! # }
//! ```
//!
//! A suite that needs more (a real desktop environment, tauri-driver) wraps a `World` in
//! its own type that derefs to it, so these helpers are written once.
//!
//! Waits: every helper that waits waits on the event, up to [`CEILING`], and panics saying
//! what it awaited, where, and what it saw instead. Absences are watched for [`QUIET`].

mod agents;

use std::fmt::Write as _;
use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use placet_devserver::{DevServer, DevServerConfig};
use tokio::process::Command;
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::{wait_seeing, Desktop, DesktopOptions, NotifyCall, Process, TrayClient, X11Window};

/// The ceiling of every wait in the suites. Generous on purpose: CI is a 2-core machine
/// that is sometimes heavily loaded (a cold build beside the tests), where starting the app,
/// a WebKit window or a reconnect can take tens of seconds. A wait returns as soon as its
/// event happens, so the ceiling only costs time when something is really broken.
pub const CEILING: Duration = Duration::from_secs(120);

/// How long a test watches for something that must not happen (an answer sent, a second
/// notification). What is watched for would follow its cause within milliseconds (a local
/// HTTP request, a D-Bus call), so 1.5 s is many times that, and short enough to keep the
/// suites fast. A fixed period is right only for an absence: anything that must happen is
/// waited for instead.
pub const QUIET: Duration = Duration::from_millis(1500);

/// The seeded owner's email.
pub const ADMIN_EMAIL: &str = "admin@placet.local";

/// The seeded owner's password in every [`World`] (the dev server makes up a new one per run
/// otherwise); the sign-in tests type it into the form.
pub const ADMIN_PASSWORD: &str = "a-password-for-end-to-end-tests";

/// Waits until the admin's socket on `server` (signed in with a JWT) has joined every
/// agent's channel: the app is connected to it and hears every review (a second
/// account's server too).
#[track_caller]
pub fn wait_subscribed_to(server: &DevServer) -> impl Future<Output = ()> + '_ {
    let admin = server.seed().admin().id.clone();
    let channels: Vec<String> = server
        .seed()
        .agents_of(&admin)
        .iter()
        .map(|a| format!("channel:{}", a.id))
        .collect();
    let controls = server.controls();
    wait_seeing("the app to connect and subscribe", CEILING, move || {
        let sockets = controls.sockets();
        let subscribed = sockets.iter().any(|s| {
            s.user_id == admin && !s.api_key && channels.iter().all(|c| s.rooms.contains(c))
        });
        let seen = format!("sockets {sockets:?}; awaited a JWT socket of {admin} in {channels:?}");
        async move { subscribed.then_some(()).ok_or(seen) }
    })
}

/// The dev server's configuration in a [`World`] (start from it to change something): the
/// review-expiry job every 100 ms, and [`ADMIN_PASSWORD`].
pub fn server_config() -> DevServerConfig {
    DevServerConfig {
        expiry_tick: Duration::from_millis(100),
        admin_password: Some(ADMIN_PASSWORD.to_owned()),
        ..Default::default()
    }
}

/// One at a time in this test binary: for suites each of whose tests runs something too
/// heavy to run beside another on two cores (a whole desktop session, a WebKit app). Hold
/// the permit for the test's life; take it before starting anything.
pub async fn one_at_a_time() -> SemaphorePermit<'static> {
    static TURNS: Semaphore = Semaphore::const_new(1);
    TURNS.acquire().await.expect("the turns are never closed")
}

/// What a command-line run printed.
#[derive(Debug)]
pub struct CliOutput {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A private desktop, a dev server, and the app under test once launched.
#[derive(Debug)]
pub struct World {
    // Drop order: the app first, then the server, the desktop last.
    /// The tray (`placet-tray`) once [`launch`](Self::launch)ed.
    pub app: Option<Process>,
    pub server: DevServer,
    pub desktop: Desktop,
}

impl World {
    /// A default desktop (every harness service) and a dev server from [`server_config`].
    pub async fn start() -> World {
        World::with(DesktopOptions::default()).await
    }

    /// As [`start`](Self::start), on a desktop with `options`.
    pub async fn with(options: DesktopOptions) -> World {
        World::with_server(options, server_config()).await
    }

    /// As [`with`](Self::with), with the dev server started from `config` (start from
    /// [`server_config`]).
    pub async fn with_server(options: DesktopOptions, config: DevServerConfig) -> World {
        let desktop = Desktop::start(options).await;
        let server = DevServer::start(config)
            .await
            .expect("the dev server starts");
        World {
            app: None,
            server,
            desktop,
        }
    }

    /// The dev server's base URL.
    pub fn url(&self) -> String {
        self.server.base_url()
    }

    /// The `placet-tray` binary: `PLACET_TRAY_BIN`, or the workspace's debug build.
    pub fn app_binary() -> PathBuf {
        crate::app_binary(&["debug"])
    }

    /// A command that runs `placet-tray` in the desktop (add arguments to it).
    pub fn app_command(&self) -> Command {
        self.desktop.command(World::app_binary())
    }

    /// Starts the tray app.
    pub fn launch(&mut self) -> &mut Process {
        self.launch_with(&[])
    }

    /// Starts the tray app with these environment variables.
    pub fn launch_with(&mut self, env: &[(&str, &str)]) -> &mut Process {
        let mut command = self.app_command();
        command.envs(env.iter().copied());
        self.app.insert(self.desktop.spawn(command))
    }

    /// Signs in, starts the app and waits until it is connected and subscribed.
    pub async fn running(&mut self) {
        self.login().await;
        self.launch();
        self.wait_subscribed().await;
    }

    /// Waits until the admin's socket (signed in with a JWT) has joined every agent's
    /// channel: the app is connected and hears every review.
    #[track_caller]
    pub fn wait_subscribed(&self) -> impl Future<Output = ()> + '_ {
        wait_subscribed_to(&self.server)
    }

    /// Changes the saved settings (`config.json`, written by signing in) before the app
    /// starts, as a person would in Settings.
    pub fn edit_config(&self, change: impl FnOnce(&mut serde_json::Value)) {
        let path = self.desktop.config_dir().join("placet-tray/config.json");
        let text = std::fs::read_to_string(&path).expect("signed in: the settings file exists");
        let mut config: serde_json::Value = serde_json::from_str(&text).expect("settings JSON");
        change(&mut config);
        std::fs::write(&path, config.to_string()).expect("saving the settings");
    }

    /// The app's log file (empty until it wrote one).
    pub fn app_log(&self) -> String {
        std::fs::read_to_string(self.desktop.state_dir().join("placet-tray/placet-tray.log"))
            .unwrap_or_default()
    }

    /// What the app printed (its standard output and error), for failure messages.
    pub fn app_report(&self) -> String {
        self.app.as_ref().map(Process::report).unwrap_or_default()
    }

    /// Runs the command line in the desktop with `stdin` written to it, and waits for it.
    pub async fn cli(&self, args: &[&str], stdin: Option<&str>) -> CliOutput {
        self.cli_with(args, stdin, &[]).await
    }

    /// As [`cli`](Self::cli), with these environment variables.
    pub async fn cli_with(
        &self,
        args: &[&str],
        stdin: Option<&str>,
        env: &[(&str, &str)],
    ) -> CliOutput {
        let mut command = self.app_command();
        command.envs(env.iter().copied()).args(args);
        let mut run = self.desktop.spawn(command);
        if let Some(text) = stdin {
            run.write_stdin(text).await;
        }
        run.close_stdin();
        // Panics with both logs if it hangs.
        let status = run.wait_exit(CEILING).await;
        CliOutput {
            code: status.code().unwrap_or(-1),
            stdout: run.stdout(),
            stderr: run.stderr(),
        }
    }

    /// Signs in as the admin through the command line (`login --password-stdin`); the
    /// session goes to the keychain.
    pub async fn login(&self) {
        let admin = self.server.seed().admin();
        let url = self.url();
        let out = self
            .cli(
                &[
                    "login",
                    "--server",
                    &url,
                    "--email",
                    &admin.email,
                    "--password-stdin",
                ],
                Some(&format!("{}\n", admin.password)),
            )
            .await;
        assert_eq!(out.code, 0, "login failed: {out:?}");
    }

    /// Waits for the notification whose body contains `needle`.
    pub async fn notification(&self, needle: &str) -> NotifyCall {
        self.desktop
            .notifications()
            .wait_notify(
                format!("a notification saying {needle:?}"),
                |n| n.body.contains(needle),
                CEILING,
            )
            .await
    }

    /// Waits until the app asked to close notification `id`.
    #[track_caller]
    pub fn wait_withdrawn(&self, id: u32) -> impl Future<Output = ()> + '_ {
        let server = self.desktop.notifications();
        wait_seeing(
            format!("the app to withdraw notification {id}"),
            CEILING,
            move || {
                let closes = server.close_requests();
                let seen = format!("close requests {closes:?}");
                async move { closes.contains(&id).then_some(()).ok_or(seen) }
            },
        )
    }

    /// The app's tray item, once registered.
    pub async fn tray(&self) -> TrayClient {
        self.desktop.tray_client(CEILING).await
    }

    /// Waits for a shown window whose title contains `title`.
    #[track_caller]
    pub fn wait_window<'a>(&'a self, title: &'a str) -> impl Future<Output = X11Window> + 'a {
        wait_seeing(
            format!("a shown window titled {title:?}"),
            CEILING,
            move || {
                let windows = self.desktop.windows();
                let found = windows
                    .iter()
                    .find(|w| w.visible && w.title.contains(title))
                    .cloned();
                async move { found.ok_or_else(|| describe_windows(&windows)) }
            },
        )
    }
}

/// The windows, one a line, for a failure message.
pub(crate) fn describe_windows(windows: &[X11Window]) -> String {
    let mut text = String::new();
    for w in windows {
        let _ = writeln!(
            text,
            "{:#x} {:?}{}",
            w.id,
            w.title,
            if w.visible { "" } else { " (hidden)" }
        );
    }
    if text.is_empty() {
        text.push_str("no windows");
    }
    text
}
