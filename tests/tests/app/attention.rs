//! Never miss a decision, never nag, through the built app and the recording daemon:
//! each kind of notification's category, urgency and sound; KDE's Do Not Disturb
//! (`Inhibited`) followed with one breakthrough; snoozes through the command line and a
//! restart; the global shortcut through XTEST and through a GlobalShortcuts portal.

use placet_e2e::shortcuts_portal::ShortcutsPortal;
use placet_e2e::{wait_for, NotifyCall, Urgency, World, CEILING as T, QUIET};
use serde_json::{json, Value};

/// The Notify calls whose body contains `needle`.
fn calls_with(w: &World, needle: &str) -> Vec<NotifyCall> {
    w.desktop
        .notifications()
        .calls()
        .into_iter()
        .filter(|c| c.body.contains(needle))
        .collect()
}

/// A review needing a decision is `x-placet.review` with the app's own sound (the file,
/// found beside the build) and normal urgency; one its agent marks urgent
/// (`status: "error"`) or one about to expire is critical and says why; an agent's
/// message is `im.received` with the desktop's message sound; information (an agent's
/// error) is `x-placet.info`, low, silent.
#[tokio::test(flavor = "multi_thread")]
async fn each_kind_of_notification_has_its_category_urgency_and_sound() {
    let mut w = World::start().await;
    w.login().await;
    w.edit_config(|c| {
        c["notifications"] = json!({"notifyFor": "all", "agentErrors": true, "sound": true});
    });
    w.launch();
    w.wait_subscribed().await;

    w.approval("Ordinary deploy?").await;
    let n = w.notification("Ordinary deploy?").await;
    assert_eq!(n.hints.category(), Some("x-placet.review"), "{n}");
    assert_eq!(n.hints.urgency(), Some(Urgency::Normal));
    let sound = n
        .hints
        .get("sound-file")
        .and_then(|h| h.as_str())
        .unwrap_or("");
    assert!(
        sound.ends_with("/packaging/sounds/needs-decision.oga"),
        "{:?}",
        n.hints
    );
    assert_eq!(n.hints.sound_name(), None, "the file, not a theme sound");

    let mut urgent = w.approval_body("The migration failed: retry?");
    urgent["status"] = json!("error");
    w.post(urgent).await;
    let u = w.notification("The migration failed").await;
    assert_eq!(u.hints.urgency(), Some(Urgency::Critical), "{u}");
    assert!(
        u.body.starts_with("Marked urgent by the agent."),
        "{}",
        u.body
    );

    let mut soon = w.approval_body("Expiring soon?");
    soon["review"]["expiresInSeconds"] = json!(300);
    w.post(soon).await;
    let s = w.notification("Expiring soon?").await;
    assert_eq!(s.hints.urgency(), Some(Urgency::Critical), "{s}");
    assert!(s.body.starts_with("Expires in "), "{}", s.body);

    w.post(json!({"channelId": w.deploy_bot(), "text": "Build 812 is green"}))
        .await;
    let m = w.notification("Build 812 is green").await;
    assert_eq!(m.hints.category(), Some("im.received"), "{m}");
    assert_eq!(m.hints.sound_name(), Some("message-new-instant"));
    assert_eq!(m.hints.urgency(), Some(Urgency::Normal));

    let (status, body) = w
        .server
        .ping_status(
            &w.api_key(),
            json!({"agentId": w.deploy_bot(), "status": "error", "message": "Disk full"}),
        )
        .await;
    assert!(status.is_success(), "{body}");
    let e = w
        .desktop
        .notifications()
        .wait_for_notify(|n| n.summary.contains("reports an error"), T)
        .await;
    assert_eq!(e.hints.category(), Some("x-placet.info"), "{e}");
    assert_eq!(e.hints.urgency(), Some(Urgency::Low));
    assert_eq!(
        e.hints.get("suppress-sound").and_then(|h| h.as_bool()),
        Some(true),
        "information is silent"
    );
}

/// While KDE's Do Not Disturb is on (`Inhibited`), a review shows no notification (the
/// tray still counts it); one expiring within ten minutes shows once, critical, saying
/// so; when Do Not Disturb ends, the held review shows.
#[tokio::test(flavor = "multi_thread")]
async fn kde_do_not_disturb_holds_banners_and_an_expiring_review_breaks_through_once() {
    let mut w = World::start().await;
    w.desktop.notifications().set_inhibited(true).await;
    w.running().await;
    w.approval("Held while quiet").await;
    let tray = w.tray().await;
    tray.wait_for_layout(
        |m| {
            m.visible_texts()
                .iter()
                .any(|t| t.contains("1 review waiting"))
        },
        T,
    )
    .await;
    let mut soon = w.approval_body("Expires during quiet");
    soon["review"]["expiresInSeconds"] = json!(240);
    w.post(soon).await;
    let broke = w.notification("Expires during quiet").await;
    assert_eq!(broke.hints.urgency(), Some(Urgency::Critical), "{broke}");
    assert!(
        broke.body.contains("shown despite Do Not Disturb"),
        "{}",
        broke.body
    );
    tokio::time::sleep(QUIET).await;
    assert!(
        calls_with(&w, "Held while quiet").is_empty(),
        "no banner in DND"
    );
    assert_eq!(calls_with(&w, "Expires during quiet").len(), 1, "once");

    w.desktop.notifications().set_inhibited(false).await;
    let held = w.notification("Held while quiet").await;
    assert_eq!(held.hints.urgency(), Some(Urgency::Normal));
}

/// "Remind me in 15 min" takes the notification away; `placet-tray snoozes --json` lists
/// it through the running tray, and from the file after the tray quit; a new tray keeps
/// it away; `snoozes --clear-all` brings it back at once.
#[tokio::test(flavor = "multi_thread")]
async fn snoozes_are_listed_kept_across_a_restart_and_cleared() {
    let mut w = World::start().await;
    w.running().await;
    let id = w.approval("Snooze from the notification").await;
    let n = w.notification("Snooze from the notification").await;
    w.desktop
        .notifications()
        .invoke_action(n.id, "snooze:15m")
        .await;
    w.wait_withdrawn(n.id).await;
    let listed = w.cli(&["snoozes", "--json"], None).await;
    assert_eq!(listed.code, 0, "{listed:?}");
    let v: Value = serde_json::from_str(&listed.stdout).expect("JSON");
    assert_eq!(v["snoozes"][0]["messageId"], json!(id), "{v}");
    assert_eq!(v["snoozes"][0]["agent"], json!("Deploy Bot"));
    assert!(
        v["snoozes"][0]["title"]
            .as_str()
            .is_some_and(|t| t.contains("Snooze from")),
        "the running tray knows the review: {v}"
    );

    if let Some(app) = w.app.as_mut() {
        app.terminate(T).await;
    }
    let stored = w.cli(&["snoozes", "--json"], None).await;
    let v: Value = serde_json::from_str(&stored.stdout).expect("JSON");
    assert_eq!(
        v["snoozes"][0]["messageId"],
        json!(id),
        "from the file: {v}"
    );

    let before = w.desktop.notifications().calls().len();
    w.launch();
    w.wait_subscribed().await;
    w.approval("Another review after the restart").await;
    w.notification("Another review after the restart").await;
    assert!(
        w.desktop.notifications().calls()[before..]
            .iter()
            .all(|c| !c.body.contains("Snooze from the notification")),
        "still snoozed after the restart"
    );
    let cleared = w.cli(&["snoozes", "--clear-all", "--json"], None).await;
    assert_eq!(cleared.code, 0, "{cleared:?}");
    assert_eq!(
        serde_json::from_str::<Value>(&cleared.stdout).expect("JSON")["cleared"],
        json!(1)
    );
    let back = w
        .desktop
        .notifications()
        .wait_for_notify(
            |c| c.body.starts_with("You asked to be reminded.") && c.body.contains("Snooze from"),
            T,
        )
        .await;
    assert_eq!(back.hints.category(), Some("x-placet.review"));
}

/// Ctrl+Alt+P, pressed through XTEST on the private display, opens the inbox.
#[tokio::test(flavor = "multi_thread")]
async fn the_shortcut_opens_the_inbox_on_x11() {
    let mut w = World::start().await;
    w.running().await;
    w.approval("Shortcut target").await;
    w.notification("Shortcut target").await;
    wait_for("the shortcut to be bound", T, || {
        let bound = w.app_log().contains("the global shortcut");
        async move { bound.then_some(()) }
    })
    .await;
    let mut xdotool = w.desktop.command("xdotool");
    xdotool.args(["key", "ctrl+alt+p"]);
    let status = xdotool.status().await.expect("xdotool runs");
    assert!(status.success());
    w.wait_window("Placet inbox").await;
}

/// On Wayland the shortcut goes through the desktop's GlobalShortcuts portal: the app
/// asks for Ctrl+Alt+P (`CTRL+ALT+p`), the portal's Activated opens the inbox; other keys
/// the desktop refuses are said in a notification.
#[tokio::test(flavor = "multi_thread")]
async fn the_shortcut_goes_through_the_portal_on_wayland() {
    let mut w = World::start().await;
    let portal = ShortcutsPortal::start(w.desktop.bus_address())
        .await
        .expect("the portal stand-in");
    w.login().await;
    // The app reads a Wayland session from its environment; GTK falls back to the X
    // display for the tray and the windows.
    let wayland = [
        ("WAYLAND_DISPLAY", "placet-e2e-no-such-wayland"),
        ("XDG_SESSION_TYPE", "wayland"),
    ];
    w.launch_with(&wayland);
    w.wait_subscribed().await;
    let bind = portal.wait_bind(1, T).await;
    assert_eq!(bind.shortcuts.len(), 1, "{bind:?}");
    let (id, trigger, description) = &bind.shortcuts[0];
    assert_eq!(id, "open-inbox");
    assert_eq!(trigger.as_deref(), Some("CTRL+ALT+p"));
    assert!(description.as_deref().is_some_and(|d| d.contains("inbox")));
    portal.press(&bind, "open-inbox").await;
    w.wait_window("Placet inbox").await;

    // Other keys (the running tray reads a file edited behind its back at its next
    // start; the settings window changes them at once), which the desktop refuses.
    portal.refuse_with(2);
    if let Some(app) = w.app.as_mut() {
        app.terminate(T).await;
    }
    w.edit_config(|c| c["attention"] = json!({"shortcut": "Ctrl+Shift+F9"}));
    w.launch_with(&wayland);
    let refused = portal.wait_bind(2, T).await;
    assert_eq!(refused.shortcuts[0].1.as_deref(), Some("CTRL+SHIFT+F9"));
    let note = w
        .desktop
        .notifications()
        .wait_for_notify(|n| n.summary.contains("is not available"), T)
        .await;
    assert_eq!(
        note.summary, "The shortcut Ctrl+Shift+F9 is not available",
        "{note}"
    );
    assert!(note.body.contains("refused"), "{}", note.body);
}
