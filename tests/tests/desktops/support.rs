//! A world per test: a private desktop with a real desktop environment, a dev server on
//! loopback, and the app signed in through its command line.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use placet_devserver::{DevServer, DevServerConfig};
use placet_e2e::desktops::{self, Region};
use placet_e2e::{wait_for, Desktop, DesktopOptions, Process, TrayClient};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tokio::sync::{Semaphore, SemaphorePermit};

/// Upper bound of any wait: a desktop shell starting on a loaded 2-core machine.
pub const T: Duration = Duration::from_secs(60);

/// One desktop at a time: each is a whole session's worth of processes.
static GATE: Semaphore = Semaphore::const_new(1);

/// The app under test: `PLACET_TRAY_BIN`, or the workspace's debug build.
pub fn app_binary() -> PathBuf {
    placet_e2e::app_binary(&["debug"])
}

/// A desktop with nothing of the harness's own on the bus: the real environment provides
/// the notification daemon and the tray watcher.
pub fn real_desktop_options() -> DesktopOptions {
    DesktopOptions {
        notifications: false,
        status_notifier_watcher: false,
        ..Default::default()
    }
}

pub struct World {
    // Drop order: the app first, then the server, the desktop last.
    pub app: Option<Process>,
    pub server: DevServer,
    pub desktop: Desktop,
    _turn: SemaphorePermit<'static>,
}

impl World {
    pub async fn start(options: DesktopOptions) -> World {
        let turn = GATE.acquire().await.expect("the test gate is never closed");
        let desktop = Desktop::start(options).await;
        let server = DevServer::start(DevServerConfig::default())
            .await
            .expect("the dev server starts");
        World {
            app: None,
            server,
            desktop,
            _turn: turn,
        }
    }

    /// Signs in as the admin with `placet-tray login --password-stdin`.
    pub async fn login(&self) {
        let admin = self.server.seed().admin();
        let mut command = self.desktop.command(app_binary());
        command
            .args([
                "login",
                "--server",
                &self.server.base_url(),
                "--email",
                &admin.email,
            ])
            .arg("--password-stdin")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("the command line starts");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(format!("{}\n", admin.password).as_bytes())
            .await
            .expect("writing the password");
        drop(stdin);
        let out = tokio::time::timeout(T, child.wait_with_output())
            .await
            .expect("login finishes")
            .expect("login runs");
        assert!(
            out.status.success(),
            "login failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Signs in, starts the tray app with `env`, and waits until it is subscribed.
    pub async fn running_with(&mut self, command: tokio::process::Command) {
        self.login().await;
        self.app = Some(self.desktop.spawn(command));
        self.wait_subscribed().await;
    }

    /// Signs in, starts the tray app, and waits until it is subscribed.
    pub async fn running(&mut self) {
        let command = self.desktop.command(app_binary());
        self.running_with(command).await;
    }

    /// Waits until the admin's socket has joined every agent channel.
    pub async fn wait_subscribed(&self) {
        let admin = self.server.seed().admin().id.clone();
        let agents: Vec<String> = self
            .server
            .seed()
            .agents_of(&admin)
            .iter()
            .map(|a| format!("channel:{}", a.id))
            .collect();
        let controls = self.server.controls();
        wait_for("the app to connect and subscribe", T, || {
            let ok = controls.sockets().iter().any(|s| {
                s.user_id == admin && !s.api_key && agents.iter().all(|a| s.rooms.contains(a))
            });
            async move { ok.then_some(()) }
        })
        .await;
    }

    /// Posts an approval (primary "Approve", danger "Reject") from Deploy Bot; returns its id.
    pub async fn approval(&self, text: &str) -> String {
        let body = json!({
            "channelId": self.server.seed().deploy_bot().id,
            "text": text,
            "review": {
                "type": "approval",
                "payload": {"options": [
                    {"id": "approve", "label": "Approve", "style": "primary"},
                    {"id": "reject", "label": "Reject", "style": "danger"}
                ], "allowComment": true},
                "expiresInSeconds": 3600
            }
        });
        let api_key = self.server.seed().admin().api_key.clone();
        let (status, message) = self.server.post_agent_message(&api_key, body).await;
        assert_eq!(status.as_u16(), 201, "posting a review: {message}");
        message["id"].as_str().expect("a message id").to_owned()
    }

    /// Waits for the first answer the server recorded for `id`, and returns its body.
    pub async fn wait_response(&self, id: &str) -> Value {
        let controls = self.server.controls();
        wait_for(format!("an answer to {id} at the server"), T, || {
            let first = controls.responses_for(id).into_iter().next();
            async move { first.map(|r| r.body) }
        })
        .await
    }

    /// After a click on the notification's Approve button: the daemon reported the
    /// action (`reporter` says who) and the answer reached the server.
    pub async fn assert_approved(
        &self,
        monitor: &desktops::NotifyMonitor,
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
        monitor: &desktops::NotifyMonitor,
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

    /// The app's logs, for failure messages.
    pub fn app_report(&self) -> String {
        self.app.as_ref().map(Process::report).unwrap_or_default()
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
