//! Review posted → notification shown, beside the official Socket.IO client receiving the
//! same `message:created`; and where the tray's time goes, stage by stage.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use crate::official::{now_ns, OfficialClient};
use crate::procs::load_average;
use crate::{env_num, Bench, T};

/// Reviews posted first and not counted (both clients warm up: JIT, allocations, caches).
const WARM_UP: usize = 5;

/// The `p`-quantile of sorted `v`, in milliseconds.
fn pct(v: &[Duration], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let i = ((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1;
    v[i].as_secs_f64() * 1e3
}

fn line(who: &str, v: &[Duration]) -> String {
    format!(
        "{who:<34} p50 {:>6.2} ms  p90 {:>6.2} ms  p99 {:>6.2} ms  max {:>6.2} ms",
        pct(v, 0.5),
        pct(v, 0.9),
        pct(v, 0.99),
        pct(v, 1.0)
    )
}

/// Posts `BENCH_REVIEWS` reviews one at a time (each answered elsewhere, 1.1 s apart so no
/// summary forms) and prints, for each client, the time from just before the dev server
/// handles the post to: the tray's `Notify` reaching the notification server, and the
/// official client's `message:created` handler running; then the ratios.
pub async fn side_by_side(b: &mut Bench) {
    b.answer_all().await;
    let reviews = env_num("BENCH_REVIEWS", 200) as usize;
    let load_before = load_average();
    let channel = b.server.seed().deploy_bot().id.clone();
    let key = b.server.seed().admin().api_key.clone();
    let mut official =
        OfficialClient::start(&b.server.base_url(), &key, std::slice::from_ref(&channel)).await;
    let controls = b.server.controls();
    let room = format!("channel:{channel}");
    placet_e2e::wait_for("the official client to subscribe", T, || {
        let ok = controls
            .sockets()
            .iter()
            .any(|s| s.api_key && s.rooms.contains(&room));
        async move { ok.then_some(()) }
    })
    .await;
    b.launch(&[]).await;

    let mut tray = Vec::with_capacity(reviews);
    let mut node = Vec::with_capacity(reviews);
    for i in 0..WARM_UP + reviews {
        let text = format!("Latency probe {i}");
        let (t0, t0_ns) = (Instant::now(), now_ns());
        let id = b.post(&text).await;
        let needle = text.clone();
        let n = b
            .desktop
            .notifications()
            .wait_for_notify(move |n| n.body == needle, T)
            .await;
        let arrived = official.arrival(&id, T).await;
        if i >= WARM_UP {
            tray.push(n.received_at.saturating_duration_since(t0));
            node.push(Duration::from_nanos(arrived.saturating_sub(t0_ns)));
        }
        b.answer_all().await;
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    let version = official.version.clone();
    drop(official);
    tray.sort();
    node.sort();
    println!(
        "latency, review posted -> shown, over {reviews} reviews ({WARM_UP} more first, not counted):"
    );
    println!("    {}", line("placet-tray (Notify received)", &tray));
    println!(
        "    {}",
        line(&format!("socket.io-client {version} (event)"), &node)
    );
    let ratio = |p: f64| pct(&tray, p) / pct(&node, p).max(1e-9);
    println!(
        "    tray / official client: p50 {:.2}x, p90 {:.2}x, p99 {:.2}x",
        ratio(0.5),
        ratio(0.9),
        ratio(0.99)
    );
    println!(
        "    load average before {load_before}, after {}",
        load_average()
    );
}

/// The filter that turns on the tray's stage events (target `placet_latency`), with the
/// tray's usual levels for the rest.
const PROFILE_LOG: &str = "info,tao=warn,wry=warn,zbus=warn,tracing=warn,placet_latency=trace";

/// Stage events in the tray's log: (when, stage, message id).
fn stages(log: &str) -> Vec<(SystemTime, String, String)> {
    log.lines()
        .filter(|l| l.contains("placet_latency"))
        .filter_map(|l| {
            let when = l.split_whitespace().next()?;
            let when: SystemTime = chrono::DateTime::parse_from_rfc3339(when).ok()?.into();
            let field = |name: &str| {
                l.split_whitespace()
                    .find_map(|w| w.strip_prefix(name))
                    .map(|v| v.trim_matches('"').to_owned())
            };
            let id = field("id=")?;
            let id = id.strip_prefix("review:").unwrap_or(&id).to_owned();
            Some((when, field("stage=")?, id))
        })
        .collect()
}

/// With the tray's stage events on (`PLACET_LOG=…,placet_latency=trace`), posts
/// `BENCH_PROFILE_REVIEWS` reviews and prints, for each stage of the tray's path, the
/// median and p90 time since the post. The events are written to the log as they
/// happen, which adds its own time: this run shows where the time goes, the side-by-side
/// run how long it takes.
pub async fn profile(b: &mut Bench) {
    b.answer_all().await;
    b.launch(&[("PLACET_LOG", PROFILE_LOG)]).await;
    let reviews = env_num("BENCH_PROFILE_REVIEWS", 50) as usize;
    let mut posted: HashMap<String, (SystemTime, Duration)> = HashMap::new();
    for i in 0..WARM_UP + reviews {
        let text = format!("Profile probe {i}");
        let (t0, wall) = (Instant::now(), SystemTime::now());
        let id = b.post(&text).await;
        let needle = text.clone();
        let n = b
            .desktop
            .notifications()
            .wait_for_notify(move |n| n.body == needle, T)
            .await;
        if i >= WARM_UP {
            posted.insert(id, (wall, n.received_at.saturating_duration_since(t0)));
        }
        b.answer_all().await;
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    let mut by_stage: Vec<(String, Vec<Duration>)> = Vec::new();
    for (when, stage, id) in stages(&b.log()) {
        let Some((t0, _)) = posted.get(&id) else {
            continue;
        };
        let since = when.duration_since(*t0).unwrap_or_default();
        match by_stage.iter_mut().find(|(s, _)| *s == stage) {
            Some((_, v)) => v.push(since),
            None => by_stage.push((stage, vec![since])),
        }
    }
    let mut shown: Vec<Duration> = posted.values().map(|(_, d)| *d).collect();
    shown.sort();
    println!("latency profile over {reviews} reviews (time since the post; stage events logged):");
    for (stage, mut v) in by_stage {
        v.sort();
        println!(
            "    {:<28} p50 {:>6.2} ms  p90 {:>6.2} ms  ({} events)",
            stage,
            pct(&v, 0.5),
            pct(&v, 0.9),
            v.len()
        );
    }
    println!(
        "    {:<28} p50 {:>6.2} ms  p90 {:>6.2} ms",
        "Notify received",
        pct(&shown, 0.5),
        pct(&shown, 0.9)
    );
}
