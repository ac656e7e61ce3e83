//! GNOME Shell 43 (X11) with the AppIndicator extension: the shell is the notification
//! daemon and, through the extension, the tray.

use placet_e2e::desktops::{self, GnomeShell};
use placet_e2e::settings_portal::{ColorScheme, SettingsPortal};

use crate::support::{around, screenshot, DesktopWorld, T};

/// On GNOME Shell the app's icon shows in the top bar with its count, a review's banner
/// shows its buttons, clicking "Approve" with the pointer answers the review, and the
/// review's tray menu entry opens its window.
#[tokio::test(flavor = "multi_thread")]
async fn gnome_shell_shows_the_icon_and_banners_and_a_button_answers() {
    let mut w = DesktopWorld::<GnomeShell>::start().await;
    let monitor = w.monitor().await;
    let capabilities = desktops::capabilities(w.desktop.connection())
        .await
        .expect("GetCapabilities");
    println!("GNOME Shell capabilities: {capabilities:?}");
    assert!(
        capabilities.iter().any(|c| c == "actions"),
        "GNOME Shell offers actions: {capabilities:?}"
    );
    w.running().await;

    // The tray: the extension hosts the app's item, and shows it in the top bar.
    let tray = desktops::tray_client(&w.desktop, T).await;
    let id = w.approval("Deploy **v2** to production?").await;
    let note = monitor
        .wait_for_notify(|n| n.body.contains("Deploy v2 to production?"), T)
        .await;
    assert_eq!(note.summary, "Deploy Bot needs your review", "{note}");
    assert!(
        note.action_keys().contains(&"option:approve"),
        "the notification has an Approve button: {note}"
    );
    crate::support::wait_pending(&tray, 1).await;
    let indicator = w.env.wait_indicator(T).await;
    assert!(
        indicator.2 > 0 && indicator.3 > 0,
        "the icon has a size: {indicator:?}"
    );
    screenshot(&w.desktop, "gnome-tray.png", Some(around(indicator, 40))).await;

    // The banner, expanded by the pointer, with its buttons; "Approve" answers.
    let banner = w
        .env
        .expand_banner(&w.desktop, "Deploy v2 to production?", T)
        .await;
    let labels: Vec<&str> = banner.buttons.iter().map(|b| b.label.as_str()).collect();
    assert!(
        labels.contains(&"Approve"),
        "the banner shows an Approve button: {banner:?}"
    );
    screenshot(
        &w.desktop,
        "gnome-notification.png",
        Some(around(
            (
                banner.x,
                banner.y,
                banner.w.unsigned_abs(),
                banner.h.unsigned_abs(),
            ),
            16,
        )),
    )
    .await;
    w.env
        .click_banner_button(&w.desktop, "Deploy v2 to production?", "Approve", T)
        .await;
    w.assert_approved(
        &monitor,
        note.id,
        &id,
        "the shell reports the Approve button",
    )
    .await;

    // The review's entry in the tray menu opens it in a window (the menu the extension
    // shows when the icon is clicked; its items are activated over dbusmenu, as the
    // extension does).
    let (second, (_, window)) = w.open_from_tray_menu(&monitor, &tray).await;
    // The review's banner times out and leaves the window in view.
    w.env
        .wait_eval("the banner to go", "!Main.messageTray._banner", T)
        .await;
    let path = desktops::artifacts_dir().join("gnome-review-window.png");
    desktops::wait_painted(&w.desktop, window, &path, 200, T).await;
    crate::support::publish(&path);
    assert!(window.2 > 100, "the review window has a size: {window:?}");
    assert!(
        w.server.controls().responses_for(&second).is_empty(),
        "opening the review answers nothing"
    );
}

/// The review window follows GNOME's style, live: light, then dark when the person
/// switches GNOME to dark (the settings portal's `color-scheme`, which GNOME's Settings
/// writes), then light again.
#[tokio::test(flavor = "multi_thread")]
async fn the_review_window_follows_gnome_s_light_and_dark_style() {
    let mut w = DesktopWorld::<GnomeShell>::start().await;
    // The portal is there before the app, as on a person's desktop.
    let portal = SettingsPortal::start(&w.desktop, ColorScheme::Default, T).await;
    w.running().await;
    let tray = desktops::tray_client(&w.desktop, T).await;
    let id = w.approval("Restart the web tier?").await;
    crate::support::wait_pending(&tray, 1).await;
    tray.click_text("Deploy Bot: Restart the web tier?").await;
    let (_, window) = desktops::wait_window(&w.desktop, "Placet review", T).await;
    let light = desktops::artifacts_dir().join("gnome-review-light.png");
    desktops::wait_painted(&w.desktop, window, &light, 200, T).await;
    let body = desktops::artifacts_dir().join("gnome-review-body.png");
    let mean = desktops::wait_brightness(&w.desktop, window, &body, "light", |m| m > 0.6, T).await;
    println!("light: mean brightness {mean:.2}");
    crate::support::publish(&light);

    portal.set(&w.desktop, ColorScheme::PreferDark, T).await;
    let mean = desktops::wait_brightness(&w.desktop, window, &body, "dark", |m| m < 0.35, T).await;
    println!("dark: mean brightness {mean:.2}");
    let dark = desktops::artifacts_dir().join("gnome-review-dark.png");
    desktops::wait_painted(&w.desktop, window, &dark, 200, T).await;
    crate::support::publish(&dark);

    portal.set(&w.desktop, ColorScheme::Default, T).await;
    desktops::wait_brightness(&w.desktop, window, &body, "light again", |m| m > 0.6, T).await;
    assert!(
        w.server.controls().responses_for(&id).is_empty(),
        "opening the review answers nothing"
    );
}
