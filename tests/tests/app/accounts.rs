//! Several accounts through the real binary: two dev servers, `login` to each, the
//! command line's `--account`, notifications that name their account, answers on the
//! review's own server, and one account signed out while the other stays.

use placet_devserver::{DevServer, DevServerConfig};

use super::*;

/// How the tray names a dev server's account: its host and port.
fn label(url: &str) -> String {
    url.trim_start_matches("http://").to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_servers_from_the_command_line_to_the_tray() {
    let mut w = World::start().await;
    let b = DevServer::start(DevServerConfig::default())
        .await
        .expect("the second dev server starts");
    let (label_a, label_b) = (label(&w.url()), label(&b.base_url()));
    w.login().await;
    let admin_b = b.seed().admin();
    let out = w
        .cli(
            &[
                "login",
                "--server",
                &b.base_url(),
                "--email",
                &admin_b.email,
                "--password-stdin",
            ],
            Some(&format!("{}\n", admin_b.password)),
        )
        .await;
    assert_eq!(out.code, 0, "{out:?}");

    let out = w.cli(&["status", "--json"], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON output");
    let servers: Vec<&str> = v["accounts"]
        .as_array()
        .expect("the accounts")
        .iter()
        .map(|a| a["server"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(servers, [w.url(), b.base_url()], "{v}");

    // A command that names no account asks which, listing them.
    let out = w.cli(&["history"], None).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(&label_a) && out.stderr.contains(&label_b),
        "{}",
        out.stderr
    );
    let out = w.cli(&["history", "--account", &label_b], None).await;
    assert_eq!(out.code, 0, "{out:?}");

    // The tray follows both; each notification names its account; a button answers on
    // the review's own server.
    w.launch();
    w.wait_subscribed().await;
    let b_controls = b.controls();
    placet_e2e::wait_subscribed_to(&b).await;
    w.approval("Release on A?").await;
    let (status, m) = b
        .post_agent_message(
            &admin_b.api_key,
            json!({"channelId": b.seed().deploy_bot().id, "text": "Release on B?",
                   "review": {"type": "approval", "payload": {"options": [
                       {"id": "approve", "label": "Approve", "style": "primary"}]}}}),
        )
        .await;
    assert_eq!(status.as_u16(), 201, "{m}");
    let on_b = m["id"].as_str().expect("an id").to_owned();
    // `reviews` lists every account's, each with its account.
    let out = w.cli(&["reviews", "--json"], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON output");
    let mut listed: Vec<(String, String)> = rows
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| {
            (
                r["account"].as_str().unwrap_or_default().to_owned(),
                r["text"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    listed.sort();
    let mut expected = vec![
        (label_a.clone(), "Release on A?".to_owned()),
        (label_b.clone(), "Release on B?".to_owned()),
    ];
    expected.sort();
    assert_eq!(listed, expected);
    let n_a = w.notification("Release on A?").await;
    let n_b = w.notification("Release on B?").await;
    assert!(
        n_a.summary.starts_with(&format!("{label_a} · ")),
        "{}",
        n_a.summary
    );
    assert!(
        n_b.summary.starts_with(&format!("{label_b} · ")),
        "{}",
        n_b.summary
    );
    w.desktop
        .notifications()
        .invoke_action(n_b.id, "option:approve")
        .await;
    wait_for("the answer on the second server", T, || {
        let sent = b_controls.responses_for(&on_b).len();
        async move { (sent == 1).then_some(()) }
    })
    .await;
    if let Some(app) = w.app.as_mut() {
        app.terminate(T).await;
    }

    // Signing out of A leaves B signed in, its keychain entry in place.
    let out = w.cli(&["logout", "--account", &label_a], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    let entry = |url: String| {
        let desktop = &w.desktop;
        async move {
            desktop
                .secret_tool_lookup(&[
                    ("service", &format!("placet-tray {url}")),
                    ("username", "admin@placet.local"),
                ])
                .await
        }
    };
    assert_eq!(entry(w.url()).await, None, "A's entry is deleted");
    assert!(entry(b.base_url()).await.is_some(), "B's entry stays");
    let out = w.cli(&["status", "--json"], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON output");
    assert_eq!(v["server"], b.base_url(), "{v}");
    assert_eq!(v["accounts"].as_array().map(Vec::len), Some(1), "{v}");
}
