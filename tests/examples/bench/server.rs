//! What the server sees: notifications in a flood, requests against its rate limit; and
//! the packages' sizes.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::{env_num, Bench};

pub async fn floods(b: &mut Bench) {
    b.answer_all().await;
    b.launch(&[]).await;
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
        crate::procs::tree(pid)
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

pub async fn requests(b: &mut Bench) {
    b.answer_all().await;
    b.launch(&[]).await;
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

pub fn packages() {
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
