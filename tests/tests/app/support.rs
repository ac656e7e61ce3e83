//! A world per test: a private desktop, a dev server on loopback, and the app binary.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use placet_devserver::{DevServer, DevServerConfig};
use placet_e2e::{wait_for, Desktop, DesktopOptions, NotifyCall, Process, TrayClient};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

/// Upper bound of any wait. Reconnects back off up to 10 s, so some waits need it.
pub const T: Duration = Duration::from_secs(30);

/// The app under test: `PLACET_TRAY_BIN`, or the workspace's debug build.
pub fn app_binary() -> PathBuf {
    placet_e2e::app_binary(&["debug"])
}

/// What a command-line run printed.
#[derive(Debug)]
pub struct CliOutput {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub struct World {
    pub desktop: Desktop,
    pub server: DevServer,
    pub app: Option<Process>,
}

impl World {
    pub async fn start() -> Self {
        Self::with(DesktopOptions::default()).await
    }

    pub async fn with(options: DesktopOptions) -> Self {
        let desktop = Desktop::start(options).await;
        let server = DevServer::start(DevServerConfig {
            expiry_tick: Duration::from_millis(100),
            ..Default::default()
        })
        .await
        .expect("dev server starts");
        Self {
            desktop,
            server,
            app: None,
        }
    }

    pub fn url(&self) -> String {
        self.server.base_url()
    }

    pub fn api_key(&self) -> String {
        self.server.seed().admin().api_key.clone()
    }

    /// Runs the command line in the desktop and waits for it.
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
        let mut cmd = self.desktop.command(app_binary());
        cmd.envs(env.iter().copied());
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("the command line starts");
        let mut input = child.stdin.take().expect("stdin");
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).await.expect("write stdin");
        }
        drop(input);
        let out = tokio::time::timeout(T, child.wait_with_output())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "`placet-tray {}` did not finish within {T:?}",
                    args.join(" ")
                )
            })
            .expect("the command line runs");
        CliOutput {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Signs in as the admin through the command line (the JWT goes to the keychain).
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

    /// Starts the tray app.
    pub fn launch(&mut self) -> &mut Process {
        self.launch_with(&[])
    }

    /// Starts the tray app with these environment variables.
    pub fn launch_with(&mut self, env: &[(&str, &str)]) -> &mut Process {
        let mut command = self.desktop.command(app_binary());
        command.envs(env.iter().copied());
        let process = self.desktop.spawn(command);
        self.app = Some(process);
        self.app.as_mut().expect("just set")
    }

    /// Signs in, starts the app and waits until it is connected and subscribed.
    pub async fn running(&mut self) {
        self.login().await;
        self.launch();
        self.wait_subscribed().await;
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
            let sockets = controls.sockets();
            let ok = sockets.iter().any(|s| {
                s.user_id == admin && !s.api_key && agents.iter().all(|a| s.rooms.contains(a))
            });
            async move { ok.then_some(()) }
        })
        .await;
    }

    /// Posts a message as the admin's Deploy Bot; returns its id.
    pub async fn post(&self, body: Value) -> String {
        let (status, msg) = self.server.post_agent_message(&self.api_key(), body).await;
        assert_eq!(status.as_u16(), 201, "agent message accepted: {msg}");
        msg["id"].as_str().expect("id").to_owned()
    }

    pub fn deploy_bot(&self) -> String {
        self.server.seed().deploy_bot().id.clone()
    }

    /// An approval with a primary and a danger option.
    pub fn approval_body(&self, text: &str) -> Value {
        json!({
            "channelId": self.deploy_bot(),
            "text": text,
            "review": {
                "type": "approval",
                "payload": {"options": [
                    {"id": "approve", "label": "Approve", "style": "primary"},
                    {"id": "reject", "label": "Reject", "style": "danger"}
                ], "allowComment": true},
                "expiresInSeconds": 3600
            }
        })
    }

    pub async fn approval(&self, text: &str) -> String {
        self.post(self.approval_body(text)).await
    }

    /// Waits for the notification whose body contains `needle`.
    pub async fn notification(&self, needle: &str) -> NotifyCall {
        let needle = needle.to_owned();
        self.desktop
            .notifications()
            .wait_for_notify(move |n| n.body.contains(&needle), T)
            .await
    }

    /// Answers the review `id` as another client of the admin would (its own sign-in).
    pub async fn answer_elsewhere(&self, id: &str, response: Value) {
        let rest =
            placet_client::RestClient::new(placet_client::ServerUrl::parse(&self.url()).unwrap());
        let admin = self.server.seed().admin();
        let (_, token) = rest
            .login(
                &admin.email,
                &placet_client::Secret::new(admin.password.clone()),
            )
            .await
            .expect("another client signs in");
        let response = placet_client::ValidResponse::from_stored(
            response.as_object().cloned().expect("a response object"),
        );
        rest.authenticated(placet_client::Credential::Jwt(token))
            .respond(id, &response, None)
            .await
            .expect("another client answers");
    }

    /// Waits until the app asked to close notification `id`.
    pub async fn wait_withdrawn(&self, id: u32) {
        let server = self.desktop.notifications();
        wait_for("the app to withdraw the notification", T, || {
            let done = server.close_requests().contains(&id);
            async move { done.then_some(()) }
        })
        .await;
    }

    /// Waits until the server recorded `n` responds for `id`; returns them.
    pub async fn wait_responses(
        &self,
        id: &str,
        n: usize,
    ) -> Vec<placet_devserver::RecordedRespond> {
        let controls = self.server.controls();
        let id = id.to_owned();
        wait_for(&format!("{n} respond request(s)"), T, || {
            let r = controls.responses_for(&id);
            async move { (r.len() >= n).then_some(r) }
        })
        .await
    }

    pub async fn tray(&self) -> TrayClient {
        self.desktop.tray_client(T).await
    }

    /// Waits for a shown window whose title contains `title`.
    pub async fn wait_window(&self, title: &str) -> placet_e2e::X11Window {
        self.desktop.wait_window(|t| t.contains(title), T).await
    }

    /// The app's log file.
    pub fn app_log(&self) -> String {
        std::fs::read_to_string(self.desktop.state_dir().join("placet-tray/placet-tray.log"))
            .unwrap_or_default()
    }
}
