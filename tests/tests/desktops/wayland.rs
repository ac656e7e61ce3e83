//! Wayland: weston's headless backend, the app with `GDK_BACKEND=wayland` and no X display.

use placet_e2e::desktops::{self, Weston};
use placet_e2e::wait_seeing;

use crate::support::{DesktopWorld, T};

/// Under a Wayland compositor with no X server to fall back to, a review window opens and
/// renders (weston's screenshooter sees it painted).
#[tokio::test(flavor = "multi_thread")]
async fn a_review_window_renders_under_weston() {
    let mut w = DesktopWorld::<Weston>::start().await;
    w.login().await;
    let id = w.approval("Deploy **v2** to production?").await;

    let mut command = w.env.client(w.app_command());
    command.args(["--open", &format!("review:{id}")]);
    w.app = Some(w.desktop.spawn(command));
    w.wait_subscribed().await;

    let path = desktops::artifacts_dir().join("wayland-review-window.png");
    wait_seeing("weston to show a painted review window", T, || async {
        let colours = match w.env.screenshot(&w.desktop, &path).await {
            Ok(()) => desktops::colours(&w.desktop, &path).await,
            Err(e) => return Err(format!("no screenshot: {e}\n{}", w.env.report())),
        };
        let seen = format!("{colours} colours on the screen");
        (colours > 600)
            .then_some(())
            .ok_or_else(|| format!("{seen}\n{}\n{}", w.app_report(), w.env.report()))
    })
    .await;
    crate::support::publish(&path);
    let log = w.app.as_ref().expect("the app").stderr();
    assert!(
        !log.contains("cannot open display"),
        "the app ran on Wayland, not X: {log}"
    );
}
