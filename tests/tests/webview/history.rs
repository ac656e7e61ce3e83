//! The inbox's Decided tab and `placet-tray history`: what was decided, by which path
//! (a notification, a window, the command line), searchable by agent and text, with
//! passwords never shown; and the global shortcut opening the inbox at the oldest
//! waiting review.

use placet_e2e::webdriver::Session;
use serde_json::{json, Value};

use crate::support::{text_of, wait_armed, wait_review_ready, WebviewWorld, T};

const PASSWORD: &str = "hunter2-for-the-history";

/// The Decided tab's rows: `[messageId, path]`, newest first.
async fn decided(s: &Session) -> Vec<(String, String)> {
    let v = s
        .execute(
            "return [...document.querySelectorAll('#history-list .decision')].map(d => [d.dataset.id, d.dataset.path])",
            json!([]),
        )
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

/// Waits until the Decided tab shows `n` rows.
async fn wait_decided(s: &Session, n: usize) -> Vec<(String, String)> {
    let deadline = tokio::time::Instant::now() + T;
    loop {
        let rows = decided(s).await;
        if rows.len() == n {
            return rows;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the Decided tab shows {rows:?}, not {n} rows"
        );
        tokio::time::sleep(placet_e2e::POLL_INTERVAL).await;
    }
}

/// Saves the window titled `title` as the desktop shows it (`import -window root`,
/// cropped), as `target/artifacts/screenshots/<name>.png`, and with
/// `PLACET_UPDATE_SCREENSHOTS=1` as `docs/screenshots/<name>.png`. (WebKitWebDriver's own
/// screenshot of the inbox, after the windows of other reviews came and went, ended the
/// driver here.)
async fn desktop_screenshot(world: &WebviewWorld, title: &str, name: &str) {
    let (id, region) = placet_e2e::desktops::wait_window(&world.desktop, title, T).await;
    // No window manager here: windows pile up where they open; this one comes on top.
    placet_e2e::desktops::run(&world.desktop, "xdotool", &["windowraise", &id.to_string()])
        .await
        .expect("xdotool windowraise");
    let dir = placet_e2e::target_dir().join("artifacts/screenshots");
    std::fs::create_dir_all(&dir).expect("the screenshot folder");
    let path = dir.join(format!("{name}.png"));
    // Painted: more than a flat background.
    placet_e2e::desktops::wait_colours(&world.desktop, region, &path, 200, T).await;
    if std::env::var_os("PLACET_UPDATE_SCREENSHOTS").is_some() {
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
        std::fs::copy(&path, docs.join(format!("{name}.png"))).expect("docs/screenshots");
    }
}

/// Answers `id` through `placet-tray respond` and the person's Confirm in the
/// confirmation window.
async fn answer_from_the_command_line(
    world: &WebviewWorld,
    s: &Session,
    id: &str,
    skip: &[String],
) {
    let mut command = world.app_command();
    command.args(["respond", id, "--option", "approve"]);
    let mut p = world.desktop.spawn(command);
    p.close_stdin();
    s.wait_for_window("confirmation", skip, |u| u.contains("confirm.html"), T)
        .await;
    wait_armed(s).await;
    s.wait_for("#confirm", T).await.click().await;
    world.wait_response(id).await;
    assert!(p.wait_exit(T).await.success(), "{}", p.report());
}

/// Three reviews answered three ways (a notification's button, a form with a password
/// in its window, a program's proposal confirmed in its window) are listed newest first
/// with their paths; the password shows as dots; search by text and by agent narrows
/// the list; `placet-tray history --json` says the same and holds no password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_decided_tab_lists_paths_searches_and_hides_passwords() {
    let world = WebviewWorld::signed_in().await;
    let s = world.open("inbox").await;
    let inbox = s.window_handle().await.expect("the inbox");

    let by_button = world
        .post_review(
            "Ship release 2.4?",
            json!({"type": "approval", "payload": {"options": [
                {"id": "approve", "label": "Approve", "style": "primary"}]}}),
        )
        .await;
    let note = world
        .desktop
        .notifications()
        .wait_for_notify(|n| n.body.contains("Ship release 2.4?"), T)
        .await;
    world
        .desktop
        .notifications()
        .invoke_action(note.id, "option:approve")
        .await;
    world.wait_response(&by_button).await;

    let research = world.agent("Research Assistant");
    let in_window = world
        .post_review_to(
            &research,
            "Create the staging account?",
            json!({"type": "form", "payload": {"fields": [
                {"name": "user", "label": "User", "type": "text", "required": true},
                {"name": "pass", "label": "Password", "type": "password", "required": true}
            ]}}),
        )
        .await;
    s.switch_to(&inbox).await.expect("the inbox");
    s.click_on(&format!("[role=option][data-id='{in_window}']"), T)
        .await;
    let review = s
        .wait_for_window(
            "review",
            std::slice::from_ref(&inbox),
            |u| u.contains("review.html"),
            T,
        )
        .await;
    wait_review_ready(&s).await;
    s.wait_for("[data-name='user'] .input", T)
        .await
        .send_keys("ops")
        .await;
    s.wait_for("[data-name='pass'] .input", T)
        .await
        .send_keys(PASSWORD)
        .await;
    s.wait_for("#submit", T).await.click().await;
    world.wait_response(&in_window).await;

    let by_program = world
        .post_review(
            "Rotate the signing keys?",
            json!({"type": "approval", "payload": {"options": [
                {"id": "approve", "label": "Approve", "style": "primary"}]}}),
        )
        .await;
    answer_from_the_command_line(&world, &s, &by_program, &[inbox.clone(), review.clone()]).await;

    s.switch_to(&inbox).await.expect("the inbox");
    s.click_on("#tab-decided", T).await;
    let rows = wait_decided(&s, 3).await;
    assert_eq!(
        rows,
        [
            (by_program.clone(), "commandLine".to_owned()),
            (in_window.clone(), "window".to_owned()),
            (by_button.clone(), "notification".to_owned()),
        ],
        "newest first, each with its path"
    );
    let form = text_of(&s, &format!("[data-id='{in_window}'] .decision-answer")).await;
    assert!(form.contains("pass: ••••••••"), "{form}");
    assert!(form.contains("user: ops"), "{form}");
    let page = s.execute("return document.body.innerText", json!([])).await;
    assert!(
        !page.as_str().unwrap_or_default().contains(PASSWORD),
        "the password is nowhere on the page"
    );
    desktop_screenshot(&world, "Placet inbox", "history").await;

    s.wait_for("#history-search", T)
        .await
        .send_keys("staging")
        .await;
    let rows = wait_decided(&s, 1).await;
    assert_eq!(rows[0].0, in_window, "search by text");
    s.wait_for("#history-search", T).await.clear().await;
    s.execute(
        "const a = document.getElementById('history-agent'); a.value = 'Deploy Bot'; \
         a.dispatchEvent(new Event('change'))",
        json!([]),
    )
    .await;
    let rows = wait_decided(&s, 2).await;
    assert!(
        rows.iter().all(|(id, _)| *id != in_window),
        "filtered by agent: {rows:?}"
    );

    let mut command = world.app_command();
    command.args(["history", "--json"]);
    let mut cli = world.desktop.spawn(command);
    cli.close_stdin();
    assert!(cli.wait_exit(T).await.success(), "{}", cli.report());
    let out = cli.stdout();
    assert!(
        !out.contains(PASSWORD),
        "no password in the command line's history"
    );
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let entries = v["entries"].as_array().expect("entries");
    let paths: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["messageId"].as_str().unwrap_or_default(),
                e["path"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        paths,
        [
            (by_program.as_str(), "commandLine"),
            (in_window.as_str(), "window"),
            (by_button.as_str(), "notification"),
        ]
    );
    assert_eq!(entries[1]["title"], json!("Create the staging account?"));
    assert_eq!(entries[1]["agent"], json!("Research Assistant"));
    assert!(entries[1]["answer"]
        .as_str()
        .is_some_and(|a| a.contains("••••••••")));
    assert!(entries[2]["page"]
        .as_str()
        .is_some_and(|p| p.ends_with(&format!("/inbox/{by_button}"))));
    assert_eq!(v["retentionDays"], json!(90));
}

/// Ctrl+Alt+P, pressed through XTEST, opens the inbox with the oldest waiting review
/// selected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shortcut_opens_the_inbox_at_the_oldest_review() {
    let world = WebviewWorld::signed_in().await;
    let s = world.open("settings").await;
    let settings = s.window_handle().await.expect("the settings");
    let review = json!({"type": "approval", "payload": {}});
    let oldest = world.post_review("The oldest one", review.clone()).await;
    world.post_review("A newer one", review.clone()).await;
    world.post_review("The newest one", review).await;
    s.wait_script(
        "the shortcut to be bound",
        "return document.getElementById('shortcut-status').textContent.startsWith('Bound') || null",
        json!([]),
        T,
    )
    .await;
    let mut xdotool = world.desktop.command("xdotool");
    xdotool.args(["key", "ctrl+alt+p"]);
    assert!(xdotool.status().await.expect("xdotool").success());
    s.wait_for_window("inbox", &[settings], |u| u.contains("inbox.html"), T)
        .await;
    let focused = s
        .wait_script(
            "the inbox to select the oldest review",
            "return document.body.dataset.focused || null",
            json!([]),
            T,
        )
        .await;
    assert_eq!(focused, json!(oldest));
    let selected = s
        .execute(
            "const r = document.querySelector('[role=option][aria-selected=true]'); return r && r.dataset.id",
            json!([]),
        )
        .await;
    assert_eq!(
        selected,
        json!(oldest),
        "the oldest waiting review is selected"
    );
}
