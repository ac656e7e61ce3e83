//! XFCE 4.18: xfwm4, xfce4-panel's systray (the StatusNotifierWatcher and host) and
//! xfce4-notifyd.

use placet_e2e::desktops::{self, Xfce};

use crate::support::{DesktopWorld, T};

/// On XFCE the app's icon shows in the panel with its count, xfce4-notifyd shows a
/// review's notification with its buttons, clicking "Approve" with the pointer answers the
/// review, and the review's tray menu entry opens its window.
#[tokio::test(flavor = "multi_thread")]
async fn xfce_shows_the_icon_and_notifications_and_a_button_answers() {
    let mut w = DesktopWorld::<Xfce>::start().await;
    let monitor = w.monitor().await;
    let capabilities = desktops::capabilities(w.desktop.connection())
        .await
        .expect("GetCapabilities");
    println!("xfce4-notifyd capabilities: {capabilities:?}");
    for expected in ["actions", "body-markup", "body-hyperlinks", "icon-static"] {
        assert!(
            capabilities.iter().any(|c| c == expected),
            "xfce4-notifyd advertises {expected}: {capabilities:?}"
        );
    }
    w.running().await;

    let tray = desktops::tray_client(&w.desktop, T).await;
    let id = w.approval("Deploy **v2** to production?").await;
    let note = monitor
        .wait_for_notify(|n| n.body.contains("Deploy v2 to production?"), T)
        .await;
    assert!(
        note.action_keys().contains(&"option:approve"),
        "the notification has an Approve button: {note}"
    );
    crate::support::wait_pending(&tray, 1).await;
    let panel = (1280 - 240, 0, 240, desktops::XFCE_PANEL_HEIGHT);
    let path = desktops::artifacts_dir().join("xfce-tray.png");
    desktops::wait_colours(&w.desktop, panel, &path, 16, T).await;
    crate::support::publish(&path);

    w.notification_screenshot(&["Approve", "Reject…"], "xfce-notification.png")
        .await;
    w.env
        .click_notification_button(&w.desktop, "Approve", T)
        .await;
    w.assert_approved(
        &monitor,
        note.id,
        &id,
        "xfce4-notifyd reports the Approve button",
    )
    .await;

    // The review's entry in the panel's tray menu opens it in a window.
    let (second, (_, window)) = w.open_from_tray_menu(&monitor, &tray).await;
    let path = desktops::artifacts_dir().join("xfce-review-window.png");
    desktops::wait_painted(&w.desktop, window, &path, 200, T).await;
    crate::support::publish(&path);
    assert!(window.2 > 100, "the review window has a size: {window:?}");
    assert!(
        w.server.controls().responses_for(&second).is_empty(),
        "opening the review answers nothing"
    );
}
