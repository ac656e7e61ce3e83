//! Placet Tray benchmark: prints every figure BENCHMARKS.md records, measured on a private
//! headless desktop with a real window manager (openbox) against the dev server.
//!
//! Sections (`BENCH_ONLY=latency,profile,memory,cold,floods,requests,packages` runs some;
//! `speed` is `memory` and `cold`):
//!
//! - latency: review posted → the tray's `Notify` received, beside the official
//!   Socket.IO client (npm `socket.io-client`, run with node) receiving the same
//!   `message:created`: p50, p90, p99 of both and the ratios, over `BENCH_REVIEWS`
//!   reviews ([`latency`]);
//! - profile: where the tray's time goes on that path, stage by stage, from its
//!   `placet_latency` trace events (`BENCH_PROFILE_REVIEWS`);
//! - memory (RSS and PSS of the tray and everything it started): idle with no window
//!   ever opened, a review pending (`BENCH_PENDING_SECS`, 10 minutes) with no window, one
//!   review window, two, and after every window closed; with notification click → review
//!   window on screen and inbox menu click → inbox on screen, the window host warm
//!   (`BENCH_CLICKS` each; "on screen" is the window mapped, polled every 2 ms from the X
//!   server), and each click → the window's page loaded (the tray's log);
//! - cold: notification click → review window on screen with no window host running;
//! - floods: `Notify` calls (and the tray's CPU time) for 1,000 reviews in 2 s, and
//!   `Notify` calls for 2 reviews a second over 60 s;
//! - requests to the server (against the real server's 100 per minute): idle
//!   `BENCH_REQUEST_IDLE_SECS`, one reconnect, five server restarts in a minute;
//! - the packages' sizes, when `scripts/package` built them.
//!
//! Run: see BENCHMARKS.md (`PLACET_TRAY_BIN`/`PLACET_TRAY_UI` pick the binaries; the
//! release build's otherwise). `BENCH_SMAPS=1` (or `=N` for N mappings) also prints each
//! process's largest mappings.

mod latency;
mod official;
mod procs;
mod server;
mod windows;

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use placet_devserver::{DevServer, DevServerConfig};
use placet_e2e::{wait_for, Desktop, DesktopOptions, Process};
use serde_json::json;
use tokio::io::AsyncWriteExt;

pub const T: Duration = Duration::from_secs(60);

pub fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn wanted(section: &str) -> bool {
    match std::env::var("BENCH_ONLY") {
        Ok(list) => list.split(',').any(|s| {
            let s = s.trim();
            s == section || (s == "speed" && (section == "memory" || section == "cold"))
        }),
        Err(_) => true,
    }
}

/// p50 and max of durations, in milliseconds.
pub fn median_max(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    (
        v.get(v.len() / 2).copied().map(ms).unwrap_or(0.0),
        v.last().copied().map(ms).unwrap_or(0.0),
    )
}

pub(crate) struct Bench {
    desktop: Desktop,
    server: DevServer,
    app: Option<Process>,
    bin: PathBuf,
    web: placet_client::RestClient,
}

impl Bench {
    async fn cli(&self, args: &[&str], stdin: &str) {
        let mut cmd = self.desktop.command(&self.bin);
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("cli starts");
        let mut input = child.stdin.take().expect("stdin");
        input.write_all(stdin.as_bytes()).await.expect("stdin");
        drop(input);
        let out = child.wait_with_output().await.expect("cli runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    async fn wait_connected(&self) {
        let admin = self.server.seed().admin().id.clone();
        let controls = self.server.controls();
        wait_for("the app to connect", T, || {
            let ok = controls
                .sockets()
                .iter()
                .any(|s| s.user_id == admin && !s.api_key && s.rooms.len() > 1);
            async move { ok.then_some(()) }
        })
        .await;
    }

    /// (Re)starts the tray with these environment variables and waits until it is
    /// connected.
    pub async fn launch(&mut self, env: &[(&str, &str)]) {
        if let Some(mut old) = self.app.take() {
            old.terminate(T).await;
        }
        let mut command = self.desktop.command(&self.bin);
        command.envs(env.iter().copied());
        self.app = Some(self.desktop.spawn(command));
        self.wait_connected().await;
    }

    /// Sets the window host's warm time in the settings file (`None`: the default); the
    /// tray reads it when it starts.
    pub fn set_warm_secs(&self, secs: Option<u64>) {
        let path = self.desktop.config_dir().join("placet-tray/config.json");
        let text = std::fs::read_to_string(&path).expect("the settings file (signed in)");
        let mut config: serde_json::Value = serde_json::from_str(&text).expect("settings JSON");
        match secs {
            Some(s) => config["windowsWarmSecs"] = json!(s),
            None => {
                if let Some(o) = config.as_object_mut() {
                    o.remove("windowsWarmSecs");
                }
            }
        }
        std::fs::write(&path, config.to_string()).expect("settings written");
    }

    /// The tray's log.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.desktop.state_dir().join("placet-tray/placet-tray.log"))
            .unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.app.as_ref().expect("app").pid()
    }

    pub async fn post(&self, text: &str) -> String {
        let key = self.server.seed().admin().api_key.clone();
        let body = json!({"channelId": self.server.seed().deploy_bot().id, "text": text,
            "review": {"type": "approval", "payload": {"options": [
                {"id": "approve", "label": "Approve", "style": "primary"},
                {"id": "reject", "label": "Reject", "style": "danger"}]}}});
        let (status, msg) = self.server.post_agent_message(&key, body).await;
        assert_eq!(status.as_u16(), 201, "{msg}");
        msg["id"].as_str().expect("id").to_owned()
    }

    /// Answers every pending review over REST (as the web UI would).
    pub async fn answer_all(&self) {
        let answer = placet_client::ValidResponse::from_stored(
            json!({"selectedOption": "approve"})
                .as_object()
                .expect("object")
                .clone(),
        );
        for m in self.web.pending_reviews().await.unwrap_or_default() {
            let _ = self.web.respond(&m.id, &answer, None).await;
        }
    }

    /// The ids of the windows on screen now.
    pub fn shown(&self) -> HashSet<u32> {
        self.desktop
            .windows()
            .into_iter()
            .filter(|w| w.visible)
            .map(|w| w.id)
            .collect()
    }

    /// Waits (polling every 2 ms) for a mapped window, not among `before`, whose title
    /// contains `title`; returns it and when it was first seen.
    pub async fn wait_visible(
        &self,
        title: &str,
        before: &HashSet<u32>,
    ) -> (placet_e2e::X11Window, Instant) {
        let deadline = Instant::now() + T;
        loop {
            if let Some(w) = self
                .desktop
                .windows()
                .into_iter()
                .find(|w| w.visible && w.title.contains(title) && !before.contains(&w.id))
            {
                return (w, Instant::now());
            }
            assert!(Instant::now() < deadline, "no window titled {title}");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// Waits until the tray has logged more than `count` loaded pages; returns when it
    /// saw the new one (polled every 2 ms).
    pub async fn wait_loaded(&self, count: usize) -> Instant {
        let deadline = Instant::now() + T;
        loop {
            if self.page_loads().len() > count {
                return Instant::now();
            }
            assert!(Instant::now() < deadline, "no page loaded");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// Posts a review, clicks its notification, and returns the times from the click to
    /// the window on screen and to its page loaded (the window stays open).
    pub async fn click_to_review(&self, text: &str) -> (placet_e2e::X11Window, Duration, Duration) {
        self.post(text).await;
        let needle = text.to_owned();
        let n = self
            .desktop
            .notifications()
            .wait_for_notify(move |n| n.body.contains(&needle), T)
            .await;
        // The time a person takes to reach for the mouse (the host, when warm, started
        // as the notification went up).
        tokio::time::sleep(Duration::from_secs(2)).await;
        let before = self.shown();
        let loads = self.page_loads().len();
        let clicked = Instant::now();
        self.desktop
            .notifications()
            .invoke_action(n.id, "default")
            .await;
        let (w, seen) = self.wait_visible("Placet review", &before).await;
        let loaded = self.wait_loaded(loads).await;
        (w, seen - clicked, loaded - clicked)
    }

    /// How long each window took from the tray asking for it to its page loaded, as
    /// the tray logged (`window shown … ms=N`), in order.
    pub fn page_loads(&self) -> Vec<Duration> {
        self.log()
            .lines()
            .filter(|l| l.contains("window shown"))
            .filter_map(|l| {
                l.split("ms=")
                    .nth(1)?
                    .split_whitespace()
                    .next()?
                    .parse()
                    .ok()
            })
            .map(Duration::from_millis)
            .collect()
    }

    pub async fn close(&self, w: &placet_e2e::X11Window) {
        self.desktop
            .close_window_and_wait(w.id, Duration::from_secs(120))
            .await;
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let bin = placet_e2e::app_binary(&["release", "debug"]);
    let host = placet_e2e::ui_binary(&["release", "debug"]);
    println!(
        "Placet Tray benchmark — {} and {}",
        bin.display(),
        host.display()
    );
    let desktop = Desktop::start(DesktopOptions::default()).await;
    let _wm = desktop.spawn(desktop.command("openbox"));
    let server = DevServer::start(DevServerConfig::default())
        .await
        .expect("dev server");
    let admin = server.seed().admin().clone();
    let url = server.base_url();
    let rest = placet_client::RestClient::new(placet_client::ServerUrl::parse(&url).expect("url"));
    let (_, token) = rest
        .login(
            &admin.email,
            &placet_client::Secret::new(admin.password.clone()),
        )
        .await
        .expect("login");
    let mut b = Bench {
        desktop,
        server,
        app: None,
        bin,
        web: rest.authenticated(placet_client::Credential::Jwt(token)),
    };
    b.cli(
        &[
            "login",
            "--server",
            &url,
            "--email",
            &admin.email,
            "--password-stdin",
        ],
        &format!("{}\n", admin.password),
    )
    .await;

    println!("load average at the start: {}", procs::load_average());
    if wanted("latency") {
        latency::side_by_side(&mut b).await;
    }
    if wanted("profile") {
        latency::profile(&mut b).await;
    }
    if wanted("memory") {
        windows::memory_and_warm_clicks(&mut b).await;
    }
    if wanted("cold") {
        windows::cold_clicks(&mut b).await;
    }
    if wanted("floods") {
        server::floods(&mut b).await;
    }
    if wanted("requests") {
        server::requests(&mut b).await;
    }
    if wanted("packages") {
        server::packages();
    }
    if let Some(mut app) = b.app.take() {
        app.terminate(T).await;
    }
}
