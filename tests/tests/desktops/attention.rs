//! Never miss a decision, never nag, on the real daemons: the category, urgency and
//! sound hint each kind of notification carries as the daemon receives it, and each
//! desktop's own Do Not Disturb followed (GNOME's show-banners, xfce4-notifyd's
//! do-not-disturb, dunst's pause): no notification for a review, one critical
//! breakthrough for a review about to expire. On XFCE the global shortcut is pressed
//! through XTEST.

use std::time::Duration;

use placet_e2e::desktops::{self, Dunst, GnomeShell, NotifyMonitor, Xfce};
use placet_e2e::{wait_for, NotifyCall, Urgency, World};
use serde_json::json;

use crate::support::{DesktopWorld, T};

/// How long "nothing happens" is watched for.
const QUIET: Duration = Duration::from_secs(2);

/// Posts an approval that expires in `seconds`.
async fn expiring(w: &World, text: &str, seconds: u64) -> String {
    let body = json!({
        "channelId": w.server.seed().deploy_bot().id,
        "text": text,
        "review": {"type": "approval", "expiresInSeconds": seconds, "payload": {"options": [
            {"id": "approve", "label": "Approve", "style": "primary"}]}}
    });
    let (status, m) = w
        .server
        .post_agent_message(&w.server.seed().admin().api_key, body)
        .await;
    assert_eq!(status.as_u16(), 201, "{m}");
    m["id"].as_str().expect("an id").to_owned()
}

/// The app's Notify calls whose body says `needle` (GNOME's notification service passes
/// each call on to the shell: the monitor sees that one too, from the service).
fn calls(monitor: &NotifyMonitor, needle: &str) -> Vec<NotifyCall> {
    let all = monitor.calls();
    let Some(app) = all
        .iter()
        .find(|c| c.app_name == "Placet Tray")
        .map(|c| c.sender.clone())
    else {
        return Vec::new();
    };
    all.into_iter()
        .filter(|c| c.sender == app && c.body.contains(needle))
        .collect()
}

/// A review needing a decision, as the daemon received it: its category, normal
/// urgency, and the app's own sound file.
fn assert_review_signals(n: &NotifyCall) {
    assert_eq!(n.hints.category(), Some("x-placet.review"), "{n}");
    assert_eq!(n.hints.urgency(), Some(Urgency::Normal), "{n}");
    let file = n
        .hints
        .get("sound-file")
        .and_then(|h| h.as_str())
        .unwrap_or("");
    assert!(file.ends_with("needs-decision.oga"), "{:?}", n.hints);
}

/// Do Not Disturb: a review gets no notification; one expiring within ten minutes gets
/// one, critical, saying so, once.
async fn assert_held_and_one_breakthrough(w: &World, monitor: &NotifyMonitor) -> NotifyCall {
    w.approval("Quiet please?").await;
    let id = expiring(w, "Expiring in the quiet", 300).await;
    let broke = monitor
        .wait_for_notify(|n| n.body.contains("Expiring in the quiet"), T)
        .await;
    assert_eq!(broke.hints.urgency(), Some(Urgency::Critical), "{broke}");
    assert!(
        broke.body.contains("shown despite Do Not Disturb"),
        "{}",
        broke.body
    );
    tokio::time::sleep(QUIET).await;
    assert!(calls(monitor, "Quiet please?").is_empty(), "held in DND");
    let broke_calls = calls(monitor, "Expiring in the quiet");
    assert_eq!(
        broke_calls.len(),
        1,
        "once: {:?}",
        broke_calls
            .iter()
            .map(|c| (c.id, c.replaces_id, c.hints.urgency()))
            .collect::<Vec<_>>()
    );
    assert!(
        w.server.controls().responses_for(&id).is_empty(),
        "nothing answered"
    );
    broke
}

/// GNOME Shell: the signals arrive as sent; with show-banners off (GNOME's Do Not
/// Disturb, read through GSettings) a review shows no banner, and the expiring one's
/// critical notification shows its banner through it.
#[tokio::test(flavor = "multi_thread")]
async fn gnome_gets_signals_and_do_not_disturb_holds_all_but_an_expiring_review() {
    let mut w = DesktopWorld::<GnomeShell>::start().await;
    let monitor = NotifyMonitor::start(w.desktop.bus_address())
        .await
        .expect("monitoring the session bus");
    // The app reads the shell's settings where the shell keeps them here (a keyfile).
    w.login().await;
    w.launch_with(&[("GSETTINGS_BACKEND", "keyfile")]);
    w.wait_subscribed().await;
    w.approval("Signals on GNOME?").await;
    let n = monitor
        .wait_for_notify(|n| n.body.contains("Signals on GNOME?"), T)
        .await;
    assert_review_signals(&n);
    w.env.wait_banner("Signals on GNOME?", T).await;
    // GNOME keeps a banner up while the person is away; the pointer moving away from it
    // says they are back, and it goes.
    desktops::hover_at(&w.desktop, 100, 600).await;
    desktops::hover_at(&w.desktop, 140, 640).await;
    w.env
        .wait_eval("the banner to go", "!Main.messageTray._banner", T)
        .await;

    let mut gsettings = w.desktop.command("gsettings");
    gsettings
        .args([
            "set",
            "org.gnome.desktop.notifications",
            "show-banners",
            "false",
        ])
        .env("GSETTINGS_BACKEND", "keyfile");
    assert!(gsettings.status().await.expect("gsettings runs").success());
    wait_for("the app to follow GNOME's Do Not Disturb", T, || {
        let log =
            std::fs::read_to_string(w.desktop.state_dir().join("placet-tray/placet-tray.log"))
                .unwrap_or_default();
        async move { log.contains("by=Some(\"GNOME\")").then_some(()) }
    })
    .await;
    assert_held_and_one_breakthrough(&w, &monitor).await;
    let banner = w.env.wait_banner("Expiring in the quiet", T).await;
    crate::support::screenshot(
        &w.desktop,
        "gnome-breakthrough.png",
        Some(crate::support::around(
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
}

/// XFCE: the signals arrive as sent; with xfce4-notifyd's Do Not Disturb (xfconf) a
/// review gets no notification and the expiring one breaks through; Ctrl+Alt+P pressed
/// through XTEST opens the inbox.
#[tokio::test(flavor = "multi_thread")]
async fn xfce_gets_signals_follows_do_not_disturb_and_the_shortcut_opens_the_inbox() {
    let mut w = DesktopWorld::<Xfce>::start().await;
    let monitor = NotifyMonitor::start(w.desktop.bus_address())
        .await
        .expect("monitoring the session bus");
    w.running().await;
    w.approval("Signals on XFCE?").await;
    let n = monitor
        .wait_for_notify(|n| n.body.contains("Signals on XFCE?"), T)
        .await;
    assert_review_signals(&n);
    w.notification_screenshot(
        &["Approve", "Remind me in 15 min", "Remind me in 1 h"],
        "xfce-review-with-snooze.png",
    )
    .await;

    desktops::run(
        &w.desktop,
        "xdotool",
        &["key", "--clearmodifiers", "ctrl+alt+p"],
    )
    .await
    .expect("xdotool");
    desktops::wait_window(&w.desktop, "Placet inbox", T).await;

    desktops::run(
        &w.desktop,
        "xfconf-query",
        &[
            "-c",
            "xfce4-notifyd",
            "-p",
            "/do-not-disturb",
            "-n",
            "-t",
            "bool",
            "-s",
            "true",
        ],
    )
    .await
    .expect("xfconf-query");
    wait_for("the app to follow XFCE's Do Not Disturb", T, || {
        let log =
            std::fs::read_to_string(w.desktop.state_dir().join("placet-tray/placet-tray.log"))
                .unwrap_or_default();
        async move { log.contains("by=Some(\"XFCE\")").then_some(()) }
    })
    .await;
    assert_held_and_one_breakthrough(&w, &monitor).await;
}

/// dunst: the signals arrive as sent; paused (`dunstctl set-paused true`), a review gets
/// no notification and the expiring one is sent, critical, once (dunst itself keeps even
/// critical ones waiting while paused, unless its rules say otherwise).
#[tokio::test(flavor = "multi_thread")]
async fn dunst_gets_signals_and_its_pause_holds_all_but_an_expiring_review() {
    let mut w = DesktopWorld::<Dunst>::start().await;
    let monitor = NotifyMonitor::start(w.desktop.bus_address())
        .await
        .expect("monitoring the session bus");
    w.running().await;
    w.approval("Signals on dunst?").await;
    let n = monitor
        .wait_for_notify(|n| n.body.contains("Signals on dunst?"), T)
        .await;
    assert_review_signals(&n);
    w.env.wait_displayed(&w.desktop, 1, T).await;

    desktops::run(&w.desktop, "dunstctl", &["set-paused", "true"])
        .await
        .expect("dunstctl set-paused");
    wait_for("the app to follow dunst's pause", T, || {
        let log =
            std::fs::read_to_string(w.desktop.state_dir().join("placet-tray/placet-tray.log"))
                .unwrap_or_default();
        async move { log.contains("by=Some(\"dunst\")").then_some(()) }
    })
    .await;
    assert_held_and_one_breakthrough(&w, &monitor).await;
}
