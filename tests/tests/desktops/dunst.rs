//! dunst 1.9, the notification daemon of many tiling-window-manager setups. It has no tray
//! (the harness's StatusNotifierWatcher stands in for whatever bar the user runs).

use placet_e2e::desktops::{self, Dunst};
use serde_json::json;

use crate::support::{screenshot, DesktopWorld, T};

/// dunst shows a review's notification; what it advertises decides the rest: with
/// `actions`, choosing "Approve" in dunst's context menu answers the review and its default
/// action opens the review window.
#[tokio::test(flavor = "multi_thread")]
async fn dunst_shows_the_notification_and_its_menu_answers() {
    let mut w = DesktopWorld::<Dunst>::start().await;
    let monitor = w.monitor().await;
    let capabilities = desktops::capabilities(w.desktop.connection())
        .await
        .expect("GetCapabilities");
    let info = desktops::server_information(w.desktop.connection())
        .await
        .expect("GetServerInformation");
    println!("dunst {info:?} capabilities: {capabilities:?}");
    let has_actions = capabilities.iter().any(|c| c == "actions");
    w.running().await;

    let id = w.approval("Deploy **v2** to production?").await;
    let note = monitor
        .wait_for_notify(|n| n.body.contains("Deploy v2 to production?"), T)
        .await;
    assert_eq!(note.summary, "Deploy Bot needs your review", "{note}");
    w.env.wait_displayed(&w.desktop, 1, T).await;
    screenshot(
        &w.desktop,
        "dunst-notification.png",
        Some((1280 - 460, 20, 460, 140)),
    )
    .await;

    if !has_actions {
        println!("dunst does not advertise actions ({capabilities:?}): no button to press");
        return;
    }
    assert!(
        note.action_keys().contains(&"option:approve"),
        "with `actions` advertised, the notification has an Approve action: {note}"
    );
    let menu = w.env.context_action(&w.desktop, "Approve", T).await;
    println!("dunst's context menu:\n{menu}");
    assert!(menu.contains("Approve"), "dunst offers Approve: {menu:?}");
    assert_eq!(
        monitor.wait_action_invoked(note.id, T).await,
        "option:approve",
        "dunst reports the chosen action"
    );
    assert_eq!(
        w.wait_response(&id).await,
        json!({"response": {"selectedOption": "approve"}}),
        "the chosen action's answer reached the server\n{}",
        w.app_report()
    );

    let second = w.approval("Rotate the signing keys?").await;
    let note = monitor
        .wait_for_notify(|n| n.body.contains("Rotate the signing keys?"), T)
        .await;
    w.env.wait_displayed(&w.desktop, 1, T).await;
    w.env.default_action(&w.desktop).await;
    assert_eq!(
        monitor.wait_action_invoked(note.id, T).await,
        "default",
        "`dunstctl action` invokes the default action"
    );
    let (_, window) = desktops::wait_window(&w.desktop, "Placet review", T).await;
    let path = desktops::artifacts_dir().join("dunst-review-window.png");
    desktops::wait_painted(&w.desktop, window, &path, 200, T).await;
    crate::support::publish(&path);
    assert!(window.2 > 100, "the review window has a size: {window:?}");
    assert!(
        w.server.controls().responses_for(&second).is_empty(),
        "opening the review answers nothing"
    );
}
