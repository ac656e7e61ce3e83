//! The person's language: with the desktop session in German (`LANG=de_DE.UTF-8`, as a
//! German login sets it), the tray's menu and its notifications speak German.

use placet_e2e::desktops::{self, Xfce};

use crate::support::{DesktopWorld, T};

/// On XFCE in German, a review's notification, its snooze buttons and the tray menu are
/// German; what the agent wrote (the review's text, its option labels) stays as written.
#[tokio::test(flavor = "multi_thread")]
async fn the_tray_and_its_notifications_speak_the_session_s_language() {
    let mut w = DesktopWorld::<Xfce>::start().await;
    let monitor = w.monitor().await;
    w.login().await;
    w.launch_with(&[("LANG", "de_DE.UTF-8")]);
    w.wait_subscribed().await;
    let tray = desktops::tray_client(&w.desktop, T).await;

    w.approval("Deploy v2 to production?").await;
    let note = monitor
        .wait_for_notify(|n| n.body.contains("Deploy v2 to production?"), T)
        .await;
    assert_eq!(
        note.summary, "Deploy Bot braucht deine Entscheidung",
        "{note}"
    );
    let labels: Vec<&str> = note.actions.iter().map(|(_, l)| l.as_str()).collect();
    for expected in [
        "Approve",
        "Reject…",
        "In 15 Min. erinnern",
        "In 1 Std. erinnern",
    ] {
        assert!(
            labels.contains(&expected),
            "the notification offers {expected:?}: {labels:?}"
        );
    }

    let menu = tray
        .wait_for_layout(
            |m| {
                m.visible_texts()
                    .iter()
                    .any(|t| t.contains("– 1 Prüfung wartet"))
            },
            T,
        )
        .await;
    let texts = menu.visible_texts();
    println!("the tray menu in German: {texts:#?}");
    for expected in [
        "Posteingang öffnen",
        "Benachrichtigungen pausieren",
        "Bei Anmeldung starten",
        "Einstellungen…",
        "Placet Tray beenden",
    ] {
        assert!(
            texts.iter().any(|t| t == expected),
            "the tray menu has {expected:?}: {texts:#?}"
        );
    }

    w.notification_screenshot(
        &["Approve", "In 15 Min. erinnern"],
        "xfce-notification-de.png",
    )
    .await;

    // The menu as the panel shows it: the notification put away first (it sits where
    // the menu opens), then a right click on the icon, at the panel's right end.
    w.desktop
        .connection()
        .call_method(
            Some("org.freedesktop.Notifications"),
            "/org/freedesktop/Notifications",
            Some("org.freedesktop.Notifications"),
            "CloseNotification",
            &(note.id),
        )
        .await
        .expect("closing the notification");
    let panel = (1280 - 240, 0, 240, desktops::XFCE_PANEL_HEIGHT);
    let icon = desktops::artifacts_dir().join("xfce-tray-de.png");
    desktops::wait_colours(&w.desktop, panel, &icon, 16, T).await;
    let (x, y) = (1280 - 16, desktops::XFCE_PANEL_HEIGHT as i32 / 2);
    desktops::run(
        &w.desktop,
        "xdotool",
        &["mousemove", &x.to_string(), &y.to_string(), "click", "3"],
    )
    .await
    .expect("a right click on the tray icon");
    let region = (1280 - 420, 0, 420, 340);
    let path = desktops::artifacts_dir().join("xfce-tray-menu-de.png");
    desktops::wait_colours(&w.desktop, region, &path, 200, T).await;
    crate::support::publish(&path);
}
