//! The window host's warm time: how long the one process with a web engine stays after
//! a review notification or a closed window (the setting `windowsWarmSecs`).

use std::time::Duration;

use placet_e2e::{is_running, wait_for, World, CEILING as T};

use crate::daemons::children;

/// The window host the tray started, if it runs.
fn host(tray: u32) -> Option<u32> {
    children(tray)
        .into_iter()
        .find(|(_, name)| name == "placet-tray-ui")
        .map(|(pid, _)| pid)
}

/// A review waits, nobody opens it: the window host its notification started is gone
/// after the warm time (set to 3 s; the default is 2 minutes), WebKit's processes with
/// it. A click on the notification after that still opens the review's window (the
/// host starts again), and once the window is closed the host goes again.
#[tokio::test(flavor = "multi_thread")]
async fn the_window_host_goes_after_the_warm_time_and_comes_back_for_a_click() {
    // The waits for the host to go are shorter than the default warm time, so they can
    // only end because the setting was followed; long enough for a loaded machine.
    const GONE_WITHIN: Duration = Duration::from_secs(60);
    let mut w = World::start().await;
    w.login().await;
    w.edit_config(|c| c["windowsWarmSecs"] = serde_json::json!(3));
    w.launch();
    w.wait_subscribed().await;
    let tray = w.app.as_ref().expect("launched").pid();
    // The window host and WebKit's processes (its children) are gone.
    let gone = |what: &'static str, pids: Vec<u32>| {
        wait_for(what, GONE_WITHIN, move || {
            let alone = children(tray).is_empty() && !pids.iter().any(|p| is_running(*p));
            async move { alone.then_some(()) }
        })
    };

    w.approval("Left waiting over lunch?").await;
    let n = w.notification("Left waiting over lunch?").await;
    // Started for the notification, with its web process (the anchor page's).
    let pids = wait_for("the window host to start with a web process", T, || {
        let pids: Option<Vec<u32>> = host(tray).and_then(|h| {
            let web: Vec<u32> = children(h).into_iter().map(|(pid, _)| pid).collect();
            (!web.is_empty()).then(|| std::iter::once(h).chain(web).collect())
        });
        async move { pids }
    })
    .await;
    gone(
        "the window host and its web processes to go after the warm time",
        pids,
    )
    .await;

    w.desktop
        .notifications()
        .invoke_action(n.id, "default")
        .await;
    let window = w.wait_window("Placet review").await;
    let again = host(tray).expect("the window host runs again");
    let pids = std::iter::once(again)
        .chain(children(again).into_iter().map(|(pid, _)| pid))
        .collect();
    w.desktop.close_window_and_wait(window.id, T).await;
    gone(
        "the window host to go after its window closed and the warm time passed",
        pids,
    )
    .await;
}
