//! Placet Tray benchmark: prints the figures recorded in BENCHMARKS.md.
//!
//! - latency from the dev server emitting `message:created` to the app's `Notify` call on
//!   the session bus (p50, p99 over 200 reviews);
//! - RSS, PSS and CPU of all the app's processes after 60 s idle with no window ever
//!   opened; after opening and closing one review window; after opening and closing ten.
//!
//! Run: `cargo build --release -p placet-tray && cargo run --release -p placet-e2e --example bench`
//! (`PLACET_TRAY_BIN` picks another binary; `BENCH_REVIEWS` and `BENCH_IDLE_SECS`
//! shorten a run).

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use placet_devserver::{DevServer, DevServerConfig};
use placet_e2e::{wait_for, Desktop, DesktopOptions, Process};
use serde_json::json;
use tokio::io::AsyncWriteExt;

const T: Duration = Duration::from_secs(30);

fn app_binary() -> PathBuf {
    placet_e2e::app_binary(&["release", "debug"])
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Memory and CPU time of one process.
#[derive(Debug, Clone)]
struct Sample {
    pid: u32,
    name: String,
    rss_kib: u64,
    pss_kib: u64,
    cpu_ticks: u64,
}

fn read(path: String) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

fn field_kib(text: &str, key: &str) -> u64 {
    text.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn stat_fields(pid: u32) -> Option<(String, u32, u64)> {
    let stat = read(format!("/proc/{pid}/stat"))?;
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat[open + 1..close].to_owned();
    let rest: Vec<&str> = stat[close + 2..].split_whitespace().collect();
    let ppid = rest.get(1)?.parse().ok()?;
    let utime: u64 = rest.get(11)?.parse().ok()?;
    let stime: u64 = rest.get(12)?.parse().ok()?;
    Some((name, ppid, utime + stime))
}

/// The app and all its descendants (WebKit's web and network processes).
fn tree(root: u32) -> Vec<Sample> {
    let mut all = Vec::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for e in dir.flatten() {
            if let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) {
                if let Some((name, ppid, ticks)) = stat_fields(pid) {
                    all.push((pid, ppid, name, ticks));
                }
            }
        }
    }
    let mut members = HashSet::from([root]);
    loop {
        let before = members.len();
        for (pid, ppid, _, _) in &all {
            if members.contains(ppid) {
                members.insert(*pid);
            }
        }
        if members.len() == before {
            break;
        }
    }
    all.into_iter()
        .filter(|(pid, ..)| members.contains(pid))
        .map(|(pid, _, name, cpu_ticks)| {
            let status = read(format!("/proc/{pid}/status")).unwrap_or_default();
            let rollup = read(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
            Sample {
                pid,
                name,
                rss_kib: field_kib(&status, "VmRSS:"),
                pss_kib: field_kib(&rollup, "Pss:"),
                cpu_ticks,
            }
        })
        .collect()
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn report(label: &str, samples: &[Sample]) -> u64 {
    let rss: u64 = samples.iter().map(|s| s.rss_kib).sum();
    let pss: u64 = samples.iter().map(|s| s.pss_kib).sum();
    println!(
        "{label}: {} processes, RSS {:.1} MiB, PSS {:.1} MiB",
        samples.len(),
        mib(rss),
        mib(pss)
    );
    for s in samples {
        println!(
            "    {:>7} {:<22} RSS {:>7.1} MiB  PSS {:>7.1} MiB",
            s.pid,
            s.name,
            mib(s.rss_kib),
            mib(s.pss_kib)
        );
    }
    rss
}

fn cpu_percent(before: &[Sample], after: &[Sample], seconds: f64) -> f64 {
    let ticks = |v: &[Sample]| v.iter().map(|s| s.cpu_ticks).sum::<u64>();
    let hz = 100.0; // USER_HZ on Linux
    (ticks(after).saturating_sub(ticks(before))) as f64 / hz / seconds * 100.0
}

struct Bench {
    desktop: Desktop,
    server: DevServer,
    app: Option<Process>,
    bin: PathBuf,
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

    async fn launch(&mut self) {
        if let Some(mut old) = self.app.take() {
            old.terminate(T).await;
        }
        self.app = Some(self.desktop.spawn(self.desktop.command(&self.bin)));
        let admin = self.server.seed().admin().id.clone();
        let controls = self.server.controls();
        wait_for("the app to connect", T, || {
            let ok = controls
                .sockets()
                .iter()
                .any(|s| s.user_id == admin && s.rooms.len() > 1);
            async move { ok.then_some(()) }
        })
        .await;
    }

    fn pid(&self) -> u32 {
        self.app.as_ref().expect("app").pid()
    }

    async fn post(&self, text: &str) -> String {
        let key = self.server.seed().admin().api_key.clone();
        let body = json!({"channelId": self.server.seed().deploy_bot().id, "text": text,
            "review": {"type": "approval", "payload": {"options": [
                {"id": "approve", "label": "Approve", "style": "primary"},
                {"id": "reject", "label": "Reject", "style": "danger"}]}}});
        let (status, msg) = self.server.post_agent_message(&key, body).await;
        assert_eq!(status.as_u16(), 201, "{msg}");
        msg["id"].as_str().expect("id").to_owned()
    }

    /// Opens a review window through its notification and closes it like a person would.
    async fn open_and_close_window(&self, text: &str) {
        self.post(text).await;
        let needle = text.to_owned();
        let n = self
            .desktop
            .notifications()
            .wait_for_notify(move |n| n.body.contains(&needle), T)
            .await;
        self.desktop
            .notifications()
            .invoke_action(n.id, "default")
            .await;
        let w = self
            .desktop
            .wait_window(|t| t.contains("Placet review"), T)
            .await;
        // Let the page load and render.
        tokio::time::sleep(Duration::from_secs(2)).await;
        // GTK sometimes sits on a close request for a while (see `close_window_and_wait`).
        self.desktop
            .close_window_and_wait(w.id, Duration::from_secs(120))
            .await;
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let bin = app_binary();
    println!("Placet Tray benchmark — binary {}", bin.display());
    let desktop = Desktop::start(DesktopOptions::default()).await;
    let server = DevServer::start(DevServerConfig::default())
        .await
        .expect("dev server");
    let mut b = Bench {
        desktop,
        server,
        app: None,
        bin,
    };
    let admin = b.server.seed().admin().clone();
    let url = b.server.base_url();
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
    let rest = placet_client::RestClient::new(placet_client::ServerUrl::parse(&url).expect("url"));
    let (_, token) = rest
        .login(
            &admin.email,
            &placet_client::Secret::new(admin.password.clone()),
        )
        .await
        .expect("login");
    let web = rest.authenticated(placet_client::Credential::Jwt(token));
    let answer = placet_client::ValidResponse::from_stored(
        json!({"selectedOption": "approve"})
            .as_object()
            .expect("object")
            .clone(),
    );

    // Latency.
    b.launch().await;
    let reviews = env_num("BENCH_REVIEWS", 200) as usize;
    let mut latencies = Vec::with_capacity(reviews);
    for i in 0..reviews {
        let text = format!("Latency probe {i}");
        let t0 = Instant::now();
        let id = b.post(&text).await;
        let needle = text.clone();
        let n = b
            .desktop
            .notifications()
            .wait_for_notify(move |n| n.body == needle, T)
            .await;
        latencies.push(n.received_at.saturating_duration_since(t0));
        // Answered elsewhere, so the inbox stays small; spaced so no burst summary forms.
        web.respond(&id, &answer, None).await.expect("respond");
        tokio::time::sleep(Duration::from_millis(550)).await;
    }
    latencies.sort();
    let pct = |p: f64| {
        latencies[((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1]
    };
    println!(
        "latency message:created -> Notify over {reviews} reviews: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.90).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        latencies.last().map(|d| d.as_secs_f64() * 1e3).unwrap_or(0.0)
    );

    // Idle, no window ever opened (a fresh process).
    b.launch().await;
    let idle_secs = env_num("BENCH_IDLE_SECS", 60);
    tokio::time::sleep(Duration::from_secs(5)).await;
    let before = tree(b.pid());
    tokio::time::sleep(Duration::from_secs(idle_secs)).await;
    let idle = tree(b.pid());
    let idle_rss = report(&format!("idle {idle_secs} s, no window ever opened"), &idle);
    println!(
        "    CPU over the idle window: {:.3} % of one core",
        cpu_percent(&before, &idle, idle_secs as f64)
    );

    // One review window opened and closed.
    b.open_and_close_window("Window probe").await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let one = tree(b.pid());
    let one_rss = report("after opening and closing one review window", &one);
    let before = tree(b.pid());
    tokio::time::sleep(Duration::from_secs(20)).await;
    let after = tree(b.pid());
    println!(
        "    CPU over 20 s after: {:.3} % of one core",
        cpu_percent(&before, &after, 20.0)
    );

    // Ten windows opened and closed.
    for i in 0..10 {
        b.open_and_close_window(&format!("Window probe {i}")).await;
        tokio::time::sleep(Duration::from_millis(600)).await;
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let ten = tree(b.pid());
    let ten_rss = report("after opening and closing ten review windows", &ten);
    println!(
        "RSS growth: one window {:+.1} MiB, ten windows {:+.1} MiB over idle (budget: within 20 MiB)",
        mib(one_rss) - mib(idle_rss),
        mib(ten_rss) - mib(idle_rss)
    );
    if let Some(mut app) = b.app.take() {
        app.terminate(T).await;
    }
}
