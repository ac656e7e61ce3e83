//! Wayland: weston's headless backend, the app with `GDK_BACKEND=wayland` and no X display.

use placet_e2e::desktops::{self, Weston};
use placet_e2e::DesktopOptions;

use crate::support::{app_binary, World, T};

/// Under a Wayland compositor with no X server to fall back to, a review window opens and
/// renders (weston's screenshooter sees it painted).
#[tokio::test(flavor = "multi_thread")]
async fn a_review_window_renders_under_weston() {
    // No X server at all: nothing to fall back to.
    let mut w = World::start(DesktopOptions {
        x11: false,
        ..Default::default()
    })
    .await;
    let weston = Weston::start(&w.desktop, T).await;
    w.login().await;
    let id = w.approval("Deploy **v2** to production?").await;

    let mut command = weston.client(w.desktop.command(app_binary()));
    command.args(["--open", &format!("review:{id}")]);
    w.app = Some(w.desktop.spawn(command));
    w.wait_subscribed().await;

    let path = desktops::artifacts_dir().join("wayland-review-window.png");
    let app = w.app.as_ref().expect("the app");
    let deadline = tokio::time::Instant::now() + T;
    loop {
        if weston.screenshot(&w.desktop, &path).await.is_ok()
            && desktops::colours(&w.desktop, &path).await > 600
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "weston showed no painted review window within {T:?}\n{}\n{}",
            app.report(),
            weston.report()
        );
        tokio::time::sleep(placet_e2e::POLL_INTERVAL * 8).await;
    }
    crate::support::publish(&path);
    let log = app.stderr();
    assert!(
        !log.contains("cannot open display"),
        "the app ran on Wayland, not X: {log}"
    );
}
