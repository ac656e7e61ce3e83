//! What the real Placet server does beyond the common path, as a person sees it in the
//! tray, the notifications and the command line: a review its agent deleted, a review
//! only Placet's web app can answer, and agents' status.

use serde_json::json;

use placet_e2e::{World, CEILING as T};

/// A review its agent deleted leaves the inbox, the menu and its notification once the
/// app re-syncs (here at once, after a reconnect).
#[tokio::test(flavor = "multi_thread")]
async fn a_withdrawn_review_leaves_the_notification_and_the_menu() {
    let mut w = World::start().await;
    w.running().await;
    let id = w.approval("Soon withdrawn").await;
    let n = w.notification("Soon withdrawn").await;
    let tray = w.tray().await;
    tray.wait_for_layout(
        |m| {
            m.visible_texts()
                .iter()
                .any(|t| t.contains("Soon withdrawn"))
        },
        T,
    )
    .await;
    w.delete_as_agent(&id, &w.deploy_bot()).await;
    w.server.controls().kick_all().await;
    w.wait_withdrawn(n.id).await;
    tray.wait_for_layout(
        |m| {
            !m.visible_texts()
                .iter()
                .any(|t| t.contains("Soon withdrawn"))
        },
        T,
    )
    .await;
    assert!(
        w.server.controls().responses_for(&id).is_empty(),
        "nothing was answered"
    );
}

/// A plugin review (its own interface in Placet's web app) is never guessed at: its
/// notification offers only to open it, the menu says so, and the command line refuses
/// an answer (exit 5) and prints where to answer it.
#[tokio::test(flavor = "multi_thread")]
async fn a_plugin_review_is_answered_in_placet() {
    let mut w = World::start().await;
    w.running().await;
    let id = w
        .post(json!({"channelId": w.deploy_bot(), "text": "Pick a chart",
            "review": {"type": "freeform", "payload": {"plugin": "chart-picker"}}}))
        .await;
    let n = w.notification("Pick a chart").await;
    assert_eq!(
        n.action_keys(),
        ["default", "open-in-placet", "snooze:15m", "snooze:1h"],
        "only opening (or a reminder): {:?}",
        n.actions
    );
    let tray = w.tray().await;
    tray.wait_for_layout(
        |m| {
            m.visible_texts()
                .iter()
                .any(|t| t.contains("Pick a chart") && t.ends_with("open in Placet"))
        },
        T,
    )
    .await;
    let out = w.cli(&["respond", &id, "--json", "{}"], None).await;
    assert_eq!(out.code, 5, "{out:?}");
    assert!(
        out.stderr.contains(&format!("/inbox/{id}")),
        "prints the web page: {}",
        out.stderr
    );
    assert!(w.server.controls().responses_for(&id).is_empty());
}

/// Agents' status shows in `status` and in the tray menu, where an agent's line opens
/// the conversation with it; with "notify when an agent reports an error" on, an error
/// raises a notification.
#[tokio::test(flavor = "multi_thread")]
async fn agent_status_is_shown_and_errors_can_notify() {
    let mut w = World::start().await;
    w.login().await;
    let config = w.desktop.config_dir().join("placet-tray/config.json");
    let mut settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&config).expect("config")).unwrap();
    settings["notifications"]["agentErrors"] = json!(true);
    std::fs::write(&config, settings.to_string()).expect("write config");
    w.launch();
    w.wait_subscribed().await;
    w.ping_status(&w.deploy_bot(), "busy", "Running migrations")
        .await;
    let tray = w.tray().await;
    let menu = tray
        .wait_for_layout(
            |m| {
                m.find_by_text(|t| {
                    t.starts_with("Deploy Bot: busy since") && t.ends_with("Running migrations")
                })
                .is_some()
            },
            T,
        )
        .await;
    // The agent's line opens the conversation with it.
    let line = menu
        .find_by_text(|t| t.starts_with("Deploy Bot: busy since"))
        .map(|i| i.text())
        .expect("the agent's line");
    tray.click_text(&line).await;
    w.wait_window("Conversation").await;
    let out = w.cli(&["status"], None).await;
    assert!(
        out.stdout.contains("Deploy Bot: busy since"),
        "{}",
        out.stdout
    );
    w.ping_status(&w.deploy_bot(), "error", "Disk full").await;
    let n = w
        .desktop
        .notifications()
        .wait_for_notify(|n| n.summary == "Deploy Bot reports an error", T)
        .await;
    assert_eq!(n.body, "Disk full");
}
