//! What must never leave the app: the API key and answers' values stay out of the log at
//! every level; agent text reaches a terminal without its escape sequences; a password
//! given in a command line is warned about (other programs can read command lines).
//! And when the tray cannot show the person a proposal at all, the program hears so at
//! once.

use serde_json::json;

use placet_e2e::{World, CEILING as T};

/// With every log level on (`PLACET_LOG=trace`, which turns on the HTTP and Socket.IO
/// libraries' own logging too), neither the API key of a watch-only sign-in nor the text
/// of an answer reaches the tray's log or the command line's.
#[tokio::test(flavor = "multi_thread")]
async fn logs_hold_no_key_and_no_answer_at_any_level() {
    let mut w = World::start().await;
    let trace = [("PLACET_LOG", "trace")];
    let key = w.api_key();
    let url = w.url();
    let out = w
        .cli_with(
            &["login", "--server", &url, "--api-key-stdin"],
            Some(&format!("{key}\n")),
            &trace,
        )
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stderr.contains(&key), "the key in the command's log");
    w.launch_with(&trace);
    w.approval("Seen watch-only").await;
    w.notification("Seen watch-only").await;
    if let Some(app) = w.app.as_mut() {
        app.terminate(T).await;
    }
    let log = w.app_log();
    assert!(log.contains("DEBUG"), "the log was at every level");
    assert!(!log.contains(&key), "the API key is in the log");

    let out = w.cli(&["logout"], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    w.login().await;
    w.desktop
        .notifications()
        .set_capabilities(&["actions", "body", "body-markup", "inline-reply"]);
    w.launch_with(&trace);
    w.wait_subscribed().await;
    let id = w
        .post(json!({"channelId": w.deploy_bot(), "text": "Name it",
            "review": {"type": "text-input", "payload": {}}}))
        .await;
    let n = w.notification("Name it").await;
    let secret_answer = "Zebra-Quartz-7781";
    w.desktop.notifications().reply(n.id, secret_answer).await;
    let sent = w.wait_responses(&id, 1).await;
    assert_eq!(sent[0].body, json!({"response": {"text": secret_answer}}));
    if let Some(app) = w.app.as_mut() {
        app.terminate(T).await;
    }
    let log = w.app_log();
    assert!(
        !log.contains(secret_answer),
        "the answer's text is in the log"
    );
}

/// Terminal escape sequences in an agent's name and text (colours, a title change, a
/// cursor move) reach `placet-tray reviews` as plain text.
#[tokio::test(flavor = "multi_thread")]
async fn agent_text_reaches_a_terminal_without_escapes() {
    let w = World::start().await;
    w.login().await;
    w.post(json!({"channelId": w.deploy_bot(),
        "text": "Deploy \u{1b}[31mred\u{1b}[0m \u{1b}]0;owned\u{7} now?\u{9b}2J",
        "review": {"type": "approval", "payload": {}}}))
        .await;
    let out = w.cli(&["reviews"], None).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Deploy"), "{}", out.stdout);
    assert!(
        !out.stdout
            .chars()
            .any(|c| c == '\u{1b}' || c == '\u{9b}' || c == '\u{7}'),
        "escapes reached the terminal: {:?}",
        out.stdout
    );
}

/// A password given right on the command line is taken, with a warning that names the
/// safer way (`NAME=@-`); nothing is sent without the tray.
#[tokio::test(flavor = "multi_thread")]
async fn a_password_in_a_command_line_is_warned_about() {
    let w = World::start().await;
    w.login().await;
    let id = w
        .post(json!({"channelId": w.deploy_bot(), "text": "Credentials?",
            "review": {"type": "form", "payload": {"fields": [
                {"name": "pw", "type": "password", "label": "Password"}]}}}))
        .await;
    let out = w
        .cli(&["respond", &id, "--field", "pw=hunter2"], None)
        .await;
    assert_eq!(out.code, 8, "no tray to confirm it: {out:?}");
    assert!(
        out.stderr
            .contains("warning: the password for `pw` was given on the command line")
            && out.stderr.contains("--field pw=@-"),
        "{}",
        out.stderr
    );
    let out = w
        .cli(&["respond", &id, "--field", "pw=@-"], Some("hunter2\n"))
        .await;
    assert_eq!(out.code, 8, "{out:?}");
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
}

/// When the tray cannot show the confirmation window (here: its window host cannot
/// start), a program's proposal hears so at once (exit 9), and nothing is sent.
#[tokio::test(flavor = "multi_thread")]
async fn a_proposal_the_tray_cannot_show_fails_at_once() {
    let mut w = World::start().await;
    w.login().await;
    w.launch_with(&[("PLACET_TRAY_UI", "/nonexistent/placet-tray-ui")]);
    w.wait_subscribed().await;
    let id = w
        .post(json!({"channelId": w.deploy_bot(), "text": "Name it",
            "review": {"type": "text-input", "payload": {}}}))
        .await;
    let started = std::time::Instant::now();
    let out = w.cli(&["respond", &id, "--text", "Aurora"], None).await;
    assert_eq!(out.code, 9, "{out:?}");
    assert!(
        out.stderr.contains("cannot show the confirmation window"),
        "{}",
        out.stderr
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "at once"
    );
    assert!(w.server.controls().responses_for(&id).is_empty());
}
