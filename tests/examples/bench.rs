//! Placet Tray benchmark: prints every figure BENCHMARKS.md records, measured on a private
//! headless desktop with a real window manager (openbox) against the dev server.
//!
//! - latency: the dev server emitting `message:created` → the app's `Notify` call (p50,
//!   p90, p99 over `BENCH_REVIEWS` reviews);
//! - memory (RSS and PSS of the tray and everything it started): idle with no window
//!   ever opened, a review pending (the window host prewarmed), one review window, two,
//!   and after every window closed with nothing pending;
//! - speed: notification click → review window visible, inbox menu click → inbox
//!   visible (`BENCH_CLICKS` each; "visible" is the window mapped on screen), and each
//!   click → the window's page loaded (the tray's log, polled every 2 ms);
//! - floods: `Notify` calls (and the tray's CPU time) for 1,000 reviews in 2 s, and
//!   `Notify` calls for 2 reviews a second over 60 s;
//! - requests to the server (against the real server's 100 per minute): idle
//!   `BENCH_REQUEST_IDLE_SECS`, one reconnect, five server restarts in a minute;
//! - the packages' sizes, when `scripts/package` built them.
//!
//! Run: `cargo build --release -p placet-tray -p placet-tray-ui && cargo run --release
//! -p placet-e2e --example bench` (`PLACET_TRAY_BIN`/`PLACET_TRAY_UI` pick other
//! binaries; `BENCH_ONLY=memory,speed` runs some sections: latency, memory, speed, floods,
//! requests, packages).

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use placet_devserver::{DevServer, DevServerConfig};
use placet_e2e::{wait_for, Desktop, DesktopOptions, Process};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

const T: Duration = Duration::from_secs(60);

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn wanted(section: &str) -> bool {
    match std::env::var("BENCH_ONLY") {
        Ok(list) => list.split(',').any(|s| s.trim() == section),
        Err(_) => true,
    }
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

/// The app and all its descendants (the window host and WebKit's processes).
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

/// Prints the processes and their totals; returns (RSS, PSS) in KiB.
fn report(label: &str, samples: &[Sample]) -> (u64, u64) {
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
        if std::env::var_os("BENCH_SMAPS").is_some() {
            print_mappings(s.pid);
        }
    }
    (rss, pss)
}

/// The largest mappings of a process by resident size (`BENCH_SMAPS=1`): where its
/// memory goes.
fn print_mappings(pid: u32) {
    let Some(smaps) = read(format!("/proc/{pid}/smaps")) else {
        return;
    };
    let mut by_file: std::collections::HashMap<String, (u64, u64)> = Default::default();
    let mut current = String::new();
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            current = line
                .split_whitespace()
                .nth(5)
                .map(|p| p.rsplit('/').next().unwrap_or(p).to_owned())
                .unwrap_or_else(|| "[anonymous]".to_owned());
        } else if let Some(v) = line.strip_prefix("Rss:") {
            by_file.entry(current.clone()).or_default().0 += field_kib(&format!("Rss:{v}"), "Rss:");
        } else if let Some(v) = line.strip_prefix("Pss:") {
            by_file.entry(current.clone()).or_default().1 += field_kib(&format!("Pss:{v}"), "Pss:");
        }
    }
    let mut list: Vec<_> = by_file.into_iter().collect();
    list.sort_by_key(|(_, (rss, _))| std::cmp::Reverse(*rss));
    for (name, (rss, pss)) in list.into_iter().take(12) {
        println!(
            "          {:<40} RSS {:>6.1} MiB  PSS {:>6.1} MiB",
            name,
            mib(rss),
            mib(pss)
        );
    }
}

fn cpu_percent(before: &[Sample], after: &[Sample], seconds: f64) -> f64 {
    let ticks = |v: &[Sample]| v.iter().map(|s| s.cpu_ticks).sum::<u64>();
    let hz = 100.0; // USER_HZ on Linux
    (ticks(after).saturating_sub(ticks(before))) as f64 / hz / seconds * 100.0
}

/// p50 and max of durations, in milliseconds.
fn median_max(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    (
        v.get(v.len() / 2).copied().map(ms).unwrap_or(0.0),
        v.last().copied().map(ms).unwrap_or(0.0),
    )
}

struct Bench {
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
                .any(|s| s.user_id == admin && s.rooms.len() > 1);
            async move { ok.then_some(()) }
        })
        .await;
    }

    async fn launch(&mut self) {
        if let Some(mut old) = self.app.take() {
            old.terminate(T).await;
        }
        self.app = Some(self.desktop.spawn(self.desktop.command(&self.bin)));
        self.wait_connected().await;
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

    /// Answers every pending review over REST (as the web UI would).
    async fn answer_all(&self) {
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
    fn shown(&self) -> HashSet<u32> {
        self.desktop
            .windows()
            .into_iter()
            .filter(|w| w.visible)
            .map(|w| w.id)
            .collect()
    }

    /// Waits (polling every 2 ms) for a mapped window, not among `before`, whose title
    /// contains `title`; returns it and when it was first seen.
    async fn wait_visible(
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
    async fn wait_loaded(&self, count: usize) -> Instant {
        let deadline = Instant::now() + Duration::from_secs(10);
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
    async fn click_to_review(&self, text: &str) -> (placet_e2e::X11Window, Duration, Duration) {
        self.post(text).await;
        let needle = text.to_owned();
        let n = self
            .desktop
            .notifications()
            .wait_for_notify(move |n| n.body.contains(&needle), T)
            .await;
        // The host prewarms when the notification goes up; give it the time a person
        // takes to reach for the mouse.
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
    fn page_loads(&self) -> Vec<Duration> {
        let log =
            std::fs::read_to_string(self.desktop.state_dir().join("placet-tray/placet-tray.log"))
                .unwrap_or_default();
        log.lines()
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

    async fn close(&self, w: &placet_e2e::X11Window) {
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

    if wanted("latency") {
        latency(&mut b).await;
    }
    if wanted("memory") || wanted("speed") {
        memory_and_speed(&mut b).await;
    }
    if wanted("floods") {
        floods(&mut b).await;
    }
    if wanted("requests") {
        requests(&mut b).await;
    }
    if wanted("packages") {
        packages();
    }
    if let Some(mut app) = b.app.take() {
        app.terminate(T).await;
    }
}

async fn latency(b: &mut Bench) {
    b.launch().await;
    let reviews = env_num("BENCH_REVIEWS", 200) as usize;
    let mut latencies = Vec::with_capacity(reviews);
    for i in 0..reviews {
        let text = format!("Latency probe {i}");
        let t0 = Instant::now();
        b.post(&text).await;
        let needle = text.clone();
        let n = b
            .desktop
            .notifications()
            .wait_for_notify(move |n| n.body == needle, T)
            .await;
        latencies.push(n.received_at.saturating_duration_since(t0));
        // Answered elsewhere, so the inbox stays small; spaced so no summary forms.
        b.answer_all().await;
        tokio::time::sleep(Duration::from_millis(1100)).await;
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
}

async fn memory_and_speed(b: &mut Bench) {
    b.answer_all().await;
    b.launch().await;
    let idle_secs = env_num("BENCH_IDLE_SECS", 60);
    tokio::time::sleep(Duration::from_secs(5)).await;
    let before = tree(b.pid());
    tokio::time::sleep(Duration::from_secs(idle_secs)).await;
    let idle = tree(b.pid());
    let (idle_rss, idle_pss) = report(&format!("idle {idle_secs} s, no window ever opened"), &idle);
    println!(
        "    CPU over the idle time: {:.3} % of one core",
        cpu_percent(&before, &idle, idle_secs as f64)
    );

    // A review pending: the window host is prewarmed.
    b.post("Warm probe").await;
    b.desktop
        .notifications()
        .wait_for_notify(|n| n.body.contains("Warm probe"), T)
        .await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    report(
        "a review pending, no window (window host warm)",
        &tree(b.pid()),
    );

    // Click → visible, then one and two windows open.
    let clicks = env_num("BENCH_CLICKS", 10) as usize;
    let loads_before = b.page_loads().len();
    let mut times = Vec::new();
    let mut loaded = Vec::new();
    let mut first = None;
    for i in 0..clicks {
        let (w, took, load) = b.click_to_review(&format!("Click probe {i}")).await;
        times.push(took);
        loaded.push(load);
        if i + 1 < clicks {
            b.close(&w).await;
            // Answered, as a person would: reviews left on screen would count as a
            // flood and fold into a summary.
            b.answer_all().await;
        } else {
            first = Some(w);
        }
    }
    let (p50, max) = median_max(times);
    println!("notification click -> review window visible over {clicks} clicks: median {p50:.0} ms, max {max:.0} ms");
    let (p50, max) = median_max(loaded);
    println!("notification click -> its page loaded (the review drawn): median {p50:.0} ms, max {max:.0} ms");
    let loads = b.page_loads().split_off(loads_before);
    let (p50, max) = median_max(loads);
    println!("    window asked for -> its page loaded: median {p50:.0} ms, max {max:.0} ms");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (_, one_pss) = report("one review window open", &tree(b.pid()));
    let (second, ..) = b.click_to_review("Second window probe").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (_, two_pss) = report("two review windows open", &tree(b.pid()));
    println!(
        "    the second window: {:+.1} MiB PSS",
        mib(two_pss) - mib(one_pss)
    );
    b.close(&second).await;
    if let Some(w) = first {
        b.close(&w).await;
    }

    // Inbox from the tray menu.
    let tray = b.desktop.tray_client(T).await;
    let loads_before = b.page_loads().len();
    let mut times = Vec::new();
    let mut loaded = Vec::new();
    for _ in 0..clicks {
        let before = b.shown();
        let loads = b.page_loads().len();
        let clicked = Instant::now();
        tray.click_text("Open inbox").await;
        let (w, seen) = b.wait_visible("Placet inbox", &before).await;
        times.push(seen - clicked);
        loaded.push(b.wait_loaded(loads).await - clicked);
        b.close(&w).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let (p50, max) = median_max(times);
    println!("inbox menu click -> inbox visible over {clicks} clicks: median {p50:.0} ms, max {max:.0} ms");
    let (p50, max) = median_max(loaded);
    println!("inbox menu click -> its page loaded: median {p50:.0} ms, max {max:.0} ms");
    let loads = b.page_loads().split_off(loads_before);
    let (p50, max) = median_max(loads);
    println!("    window asked for -> its page loaded: median {p50:.0} ms, max {max:.0} ms");

    // Nothing pending, every window closed: the host goes after its grace period.
    b.answer_all().await;
    let pid = b.pid();
    wait_for("the window host to exit", Duration::from_secs(120), || {
        let alone = tree(pid).len() == 1;
        async move { alone.then_some(()) }
    })
    .await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (rss, pss) = report("after every window closed, nothing pending", &tree(pid));
    println!(
        "    over idle: RSS {:+.1} MiB, PSS {:+.1} MiB",
        mib(rss) - mib(idle_rss),
        mib(pss) - mib(idle_pss)
    );
}

async fn floods(b: &mut Bench) {
    b.answer_all().await;
    b.launch().await;
    let count_notify = |b: &Bench| b.desktop.notifications().calls().len();
    let key = b.server.seed().admin().api_key.clone();
    let channel = b.server.seed().deploy_bot().id.clone();
    let body = |i: usize| {
        json!({"channelId": channel, "text": format!("Flood {i}"),
            "review": {"type": "approval", "payload": {}}})
    };

    let start = count_notify(b);
    // The tray's own CPU time over the burst and the 30 s after it.
    let tray_ticks = |b: &Bench| {
        let pid = b.pid();
        tree(pid)
            .iter()
            .find(|s| s.pid == pid)
            .map_or(0, |s| s.cpu_ticks)
    };
    let ticks_before = tray_ticks(b);
    let t0 = Instant::now();
    for i in 0..1000 {
        let _: (_, Value) = b.server.post_agent_message(&key, body(i)).await;
    }
    let posted = t0.elapsed();
    tokio::time::sleep(Duration::from_secs(30)).await;
    println!(
        "flood: 1,000 reviews in {:.1} s -> {} Notify calls, {:.2} s of the tray's CPU",
        posted.as_secs_f64(),
        count_notify(b) - start,
        tray_ticks(b).saturating_sub(ticks_before) as f64 / 100.0
    );
    b.answer_all().await;
    tokio::time::sleep(Duration::from_secs(15)).await;

    let start = count_notify(b);
    for i in 0..120 {
        let _: (_, Value) = b.server.post_agent_message(&key, body(2000 + i)).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_secs(30)).await;
    println!(
        "flood: 2 reviews a second over 60 s -> {} Notify calls",
        count_notify(b) - start
    );
    b.answer_all().await;
}

/// The requests the app made, by route.
fn by_route(list: &[placet_devserver::RecordedRequest]) -> String {
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for r in list {
        *counts
            .entry(match &r.route {
                // Counted against the rate limit: the route names its method.
                Some(route) => route.clone(),
                None => format!("{} {} (not rate-limited)", r.method, r.path),
            })
            .or_default() += 1;
    }
    counts
        .iter()
        .map(|(k, v)| format!("{v}× {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn requests(b: &mut Bench) {
    b.answer_all().await;
    b.launch().await;
    let controls = b.server.controls();
    tokio::time::sleep(Duration::from_secs(5)).await;
    controls.clear_requests();
    let idle = env_num("BENCH_REQUEST_IDLE_SECS", 600);
    tokio::time::sleep(Duration::from_secs(idle)).await;
    let got = controls.take_requests();
    println!(
        "requests: idle {idle} s: {} ({:.1} a minute): {}",
        got.len(),
        got.len() as f64 * 60.0 / idle as f64,
        by_route(&got)
    );

    controls.kick_all().await;
    b.wait_connected().await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let got = controls.take_requests();
    println!("requests: one reconnect: {}: {}", got.len(), by_route(&got));

    let t0 = Instant::now();
    for _ in 0..5 {
        b.server.stop().await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        b.server.restart().await.expect("restart");
        b.wait_connected().await;
        tokio::time::sleep(Duration::from_secs(6)).await;
    }
    let spent = t0.elapsed().as_secs_f64();
    let got = controls.take_requests();
    println!(
        "requests: five server restarts in {spent:.0} s: {}: {}",
        got.len(),
        by_route(&got)
    );
}

fn packages() {
    let dir = placet_e2e::target_dir().join("packages");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("packages: none built (run scripts/package)");
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !(name.ends_with(".deb") || name.ends_with(".rpm")) {
            continue;
        }
        let size = e.metadata().map(|m| m.len()).unwrap_or(0);
        println!("package {name}: {:.1} MiB", size as f64 / 1024.0 / 1024.0);
    }
}
