//! Memory with no window, with a review pending and with windows open; a click to a
//! window on screen with the window host warm and cold.

use std::time::{Duration, Instant};

use placet_e2e::wait_for;

use crate::procs::{cpu_percent, load_average, mib, report, tree};
use crate::{env_num, median_max, Bench, T};

/// Waits until the tray runs alone (the window host and WebKit's processes gone);
/// returns how long that took.
async fn host_gone(b: &Bench, within: Duration) -> Duration {
    let pid = b.pid();
    let t0 = Instant::now();
    wait_for("the window host to exit", within, || {
        let alone = tree(pid).len() == 1;
        async move { alone.then_some(()) }
    })
    .await;
    t0.elapsed()
}

/// Idle, a review pending for `BENCH_PENDING_SECS` without a window, warm clicks, one and
/// two windows, the inbox, and after every window closed.
pub async fn memory_and_warm_clicks(b: &mut Bench) {
    b.set_warm_secs(None);
    b.answer_all().await;
    b.launch(&[]).await;
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

    // One review pending, no window opened: warm after its notification, then back to idle.
    let pending_secs = env_num("BENCH_PENDING_SECS", 600);
    let posted = Instant::now();
    b.post("Pending probe").await;
    b.desktop
        .notifications()
        .wait_for_notify(|n| n.body.contains("Pending probe"), T)
        .await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    report(
        "a review pending 5 s, no window (window host warm)",
        &tree(b.pid()),
    );
    host_gone(b, Duration::from_secs(pending_secs.max(200))).await;
    println!(
        "    the window host exited {:.1} s after the review was posted",
        posted.elapsed().as_secs_f64()
    );
    let rest = Duration::from_secs(pending_secs).saturating_sub(posted.elapsed());
    tokio::time::sleep(rest).await;
    let (rss, pss) = report(
        &format!(
            "a review pending {:.0} s, no window",
            posted.elapsed().as_secs_f64()
        ),
        &tree(b.pid()),
    );
    println!(
        "    over idle: RSS {:+.1} MiB, PSS {:+.1} MiB",
        mib(rss) - mib(idle_rss),
        mib(pss) - mib(idle_pss)
    );
    b.answer_all().await;

    // Click → visible with the host warm (a notification started it), then one and two
    // windows open.
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
    println!("warm: notification click -> review window visible over {clicks} clicks: median {p50:.0} ms, max {max:.0} ms");
    let (p50, max) = median_max(loaded);
    println!("warm: notification click -> its page loaded (the review drawn): median {p50:.0} ms, max {max:.0} ms");
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

    // Inbox from the tray menu (the host is warm: a window just closed).
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
    println!("warm: inbox menu click -> inbox visible over {clicks} clicks: median {p50:.0} ms, max {max:.0} ms");
    let (p50, max) = median_max(loaded);
    println!("warm: inbox menu click -> its page loaded: median {p50:.0} ms, max {max:.0} ms");
    let loads = b.page_loads().split_off(loads_before);
    let (p50, max) = median_max(loads);
    println!("    window asked for -> its page loaded: median {p50:.0} ms, max {max:.0} ms");

    // Nothing pending, every window closed: the host goes after the warm time.
    b.answer_all().await;
    let took = host_gone(b, Duration::from_secs(300)).await;
    println!(
        "    the window host exited {:.0} s after the last window closed",
        took.as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (rss, pss) = report("after every window closed, nothing pending", &tree(b.pid()));
    println!(
        "    over idle: RSS {:+.1} MiB, PSS {:+.1} MiB",
        mib(rss) - mib(idle_rss),
        mib(pss) - mib(idle_pss)
    );
}

/// Click → window on screen with no window host running: the warm time set to 0, so
/// the host exits as each window closes and every click starts it.
pub async fn cold_clicks(b: &mut Bench) {
    b.set_warm_secs(Some(0));
    b.answer_all().await;
    b.launch(&[]).await;
    let clicks = env_num("BENCH_CLICKS", 10) as usize;
    let load = load_average();
    let loads_before = b.page_loads().len();
    let mut times = Vec::new();
    let mut loaded = Vec::new();
    for i in 0..clicks {
        host_gone(b, T).await;
        let (w, took, load) = b.click_to_review(&format!("Cold click probe {i}")).await;
        times.push(took);
        loaded.push(load);
        b.close(&w).await;
        b.answer_all().await;
    }
    let (p50, max) = median_max(times);
    println!("cold: notification click -> review window visible over {clicks} clicks: median {p50:.0} ms, max {max:.0} ms");
    let (p50, max) = median_max(loaded);
    println!("cold: notification click -> its page loaded (the review drawn): median {p50:.0} ms, max {max:.0} ms");
    let loads = b.page_loads().split_off(loads_before);
    let (p50, max) = median_max(loads);
    println!("    window asked for -> its page loaded: median {p50:.0} ms, max {max:.0} ms");
    println!("    load average before {load}, after {}", load_average());
    b.set_warm_secs(None);
}
