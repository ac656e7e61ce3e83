//! The account in the settings window beyond signing in: plain http to another computer
//! (warning and explicit consent), a server that redirects, signing out with answers
//! still waiting to be sent, and the command-line and agent-error settings.

use std::net::SocketAddr;

use placet_devserver::DevServerConfig;
use placet_e2e::webdriver::{keys, Session};
use placet_e2e::{server_config, DesktopOptions, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::json;

use crate::sign_in::{
    check_server, config, open_inbox_from_settings, saved, submit, wait_signed_in,
};
use crate::support::{
    artifact_screenshot, is_shown, non_loopback_ip, text_of, wait_armed, Redirector, WebviewWorld,
    T,
};

/// Waits until the server check's message starts with `prefix` and returns it.
async fn server_status_starting(s: &Session, prefix: &str) -> String {
    let v = s
        .wait_script(
            &format!("the server check to say {prefix:?}"),
            "const t = document.getElementById('server-status').textContent; \
             return t.startsWith(arguments[0]) ? t : null",
            json!([prefix]),
            T,
        )
        .await;
    v.as_str().unwrap_or_default().to_owned()
}

/// Plain http to another computer is refused until the person ticks "Allow unencrypted
/// http for this server" under a warning that names the risk; the password is not sent
/// before that. A server that redirects is named, and one click uses the address it
/// points to. Once signed in that way, the settings and the inbox say the connection is
/// not encrypted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_to_another_computer_needs_consent() {
    let ip = non_loopback_ip();
    let world = WebviewWorld::with_server(
        DesktopOptions::default(),
        DevServerConfig {
            bind: SocketAddr::new(ip, 0),
            allow_remote_hosts: true,
            ..server_config()
        },
    )
    .await;
    let base = format!("{}/", world.server.base_url());
    let redirector = Redirector::start(&format!("{base}api/auth/me")).await;
    let s = world.open("settings").await;
    wait_signed_in(&s, false).await;

    let field = s.wait_for("#server", T).await;
    field.send_keys("http://127.0.0.1:8080").await;
    assert!(
        !is_shown(&s, "#insecure-warning").await,
        "no warning for this machine"
    );
    field.clear().await;

    let (kind, text) = check_server(&s, &redirector.url).await;
    assert_eq!(kind, "error", "{text}");
    assert_eq!(
        text,
        format!("The server redirects this address to {base}. Placet Tray follows no redirect with your password: use that address instead."),
        "the redirect in words"
    );
    let offer = s.wait_for("#use-redirect", T).await;
    assert_eq!(offer.text().await, format!("Use {base}"), "the offer");
    offer.click().await;
    assert_eq!(
        s.wait_for("#server", T).await.property("value").await,
        json!(base),
        "the field has the address the server named"
    );
    assert!(
        is_shown(&s, "#insecure-warning").await,
        "plain http to another computer: warned"
    );
    let warning = text_of(&s, "#insecure-warning").await;
    assert!(
        warning.contains("your password and session travel unencrypted"),
        "the warning names the risk: {warning}"
    );
    let text = server_status_starting(&s, "Not sent: this address is plain http").await;
    assert!(
        text.contains("Allow unencrypted http for this server"),
        "says how to allow it: {text}"
    );
    let allow = s.wait_for("#allow-insecure", T).await;
    assert_eq!(
        allow.property("checked").await,
        json!(false),
        "not allowed by default"
    );
    artifact_screenshot(&s, "insecure-http").await;

    s.wait_for("#email", T).await.send_keys(ADMIN_EMAIL).await;
    s.wait_for("#password", T)
        .await
        .send_keys(ADMIN_PASSWORD)
        .await;
    let refused = submit(&s).await.expect_err("refused without consent");
    assert!(
        refused.starts_with("Not sent: this address is plain http"),
        "{refused}"
    );
    assert!(
        !world
            .server
            .controls()
            .requests()
            .iter()
            .any(|r| r.path == "/api/auth/login"),
        "the password never left this computer"
    );

    s.wait_for("#allow-insecure", T).await.click().await;
    let found = server_status_starting(&s, "Placet server found at ").await;
    assert_eq!(
        found,
        format!("Placet server found at {}.", world.server.base_url()),
        "allowed"
    );
    assert_eq!(submit(&s).await, Ok(()), "signed in over plain http");
    wait_signed_in(&s, true).await;
    assert!(
        is_shown(&s, "#insecure-note").await,
        "the account says it is not encrypted"
    );
    assert!(
        text_of(&s, "#insecure-note")
            .await
            .contains("travel unencrypted"),
        "and why it matters"
    );

    open_inbox_from_settings(&s).await;
    s.wait_script(
        "the inbox to warn",
        "return document.getElementById('insecure').hidden === false && \
         document.getElementById('status-text').textContent.includes('not encrypted')",
        json!([]),
        T,
    )
    .await;
    s.quit().await;
}

/// Posts an approval, opens the settings and, from them, the inbox; stops the server and
/// answers the approval with `a`, so the answer waits in the queue. Returns the session
/// (on the settings window) and the review's id.
async fn queue_an_answer(world: &WebviewWorld) -> (Session, String) {
    let id = world
        .post_review(
            "Deploy v4 (answered while the server is away)?",
            json!({ "type": "approval", "payload": { "options": [
                { "id": "approve", "label": "Approve", "style": "primary" }
            ] }, "expiresInSeconds": 3600 }),
        )
        .await;
    let s = world.open("settings").await;
    wait_signed_in(&s, true).await;
    let (settings, _) = open_inbox_from_settings(&s).await;
    s.wait_for(&format!("[data-id='{id}']"), T).await;
    world.server.stop().await;
    s.execute("document.getElementById('list').focus()", json!([]))
        .await;
    wait_armed(&s).await;
    s.type_keys(&format!("{}a", keys::HOME)).await;
    s.wait_script(
        "the answer to be queued",
        "return document.getElementById('inbox-message').textContent.startsWith('Sent')",
        json!([]),
        T,
    )
    .await;
    s.switch_to(&settings)
        .await
        .expect("back to the settings window");
    (s, id)
}

/// Waits for the dialog about queued answers at `step` (`queued`, `undelivered`), ready
/// for a choice; returns its text. On a timeout it says what the page showed instead
/// (the dialog's state, the account's message) and the tray's log.
async fn wait_dialog(world: &WebviewWorld, s: &Session, step: &str) -> String {
    let script = "const d = document.getElementById('sign-out-dialog'); \
         return {open: d.open, step: d.dataset.step ?? null, busy: d.getAttribute('aria-busy'), \
           text: document.getElementById('sign-out-text').textContent, \
           progress: document.getElementById('sign-out-progress').textContent, \
           message: document.getElementById('account-message').textContent}";
    let deadline = tokio::time::Instant::now() + T;
    loop {
        let seen = s.try_execute(script, json!([])).await;
        if let Ok(v) = &seen {
            if v["open"] == json!(true) && v["step"] == json!(step) && v["busy"] != json!("true") {
                return v["text"].as_str().unwrap_or_default().to_owned();
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the sign-out dialog ({step}) did not come within {T:?}; the page showed {seen:?}\n\
             the tray's log:\n{}",
            world.app_log()
        );
        tokio::time::sleep(placet_e2e::POLL_INTERVAL).await;
    }
}

/// Signing out with an answer still queued asks first. Cancel keeps everything; "Deliver
/// them, then sign out" while the server is away cannot deliver, and the dialog then
/// offers only to discard or cancel; "Discard them and sign out" signs out, and the
/// answer never reaches the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_with_a_queued_answer_asks_then_can_discard_it() {
    let world = WebviewWorld::signed_in().await;
    let (s, id) = queue_an_answer(&world).await;

    s.wait_for("#sign-out", T).await.click().await;
    let text = wait_dialog(&world, &s, "queued").await;
    assert!(
        text.starts_with("One answer you gave has not reached the server yet."),
        "the dialog says what is waiting: {text}"
    );
    let buttons = s
        .execute(
            "return [...document.querySelectorAll('#sign-out-dialog button')].filter(b => !b.hidden).map(b => b.textContent)",
            json!([]),
        )
        .await;
    assert_eq!(
        buttons,
        json!([
            "Cancel",
            "Discard them and sign out",
            "Deliver them, then sign out"
        ]),
        "the three choices"
    );
    assert_eq!(
        s.execute("return document.activeElement.id", json!([]))
            .await,
        json!("sign-out-deliver"),
        "the focus is on the choice that loses nothing"
    );
    artifact_screenshot(&s, "sign-out-queued").await;

    s.wait_for("#sign-out-cancel", T).await.click().await;
    s.wait_script(
        "the dialog to close",
        "return !document.getElementById('sign-out-dialog').open",
        json!([]),
        T,
    )
    .await;
    wait_signed_in(&s, true).await;

    s.wait_for("#sign-out", T).await.click().await;
    wait_dialog(&world, &s, "queued").await;
    s.wait_for("#sign-out-deliver", T).await.click().await;
    let text = wait_dialog(&world, &s, "undelivered").await;
    assert!(
        text.starts_with("One answer you gave could not be delivered now"),
        "delivery failed, in words: {text}"
    );
    assert!(
        !is_shown(&s, "#sign-out-deliver").await,
        "delivering is not offered again"
    );
    wait_signed_in(&s, true).await;

    s.wait_for("#sign-out-discard", T).await.click().await;
    wait_signed_in(&s, false).await;
    assert!(
        !s.execute(
            "return document.getElementById('sign-out-dialog').open",
            json!([])
        )
        .await
        .as_bool()
        .unwrap_or(true),
        "the dialog is closed"
    );
    assert!(
        world.responses(&id).is_empty(),
        "the discarded answer was never sent"
    );
    s.quit().await;
}

/// "Deliver them, then sign out" once the server is back delivers the queued answer
/// exactly once, then signs out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_can_deliver_the_queued_answer_first() {
    let world = WebviewWorld::signed_in().await;
    let (s, id) = queue_an_answer(&world).await;

    s.wait_for("#sign-out", T).await.click().await;
    wait_dialog(&world, &s, "queued").await;
    world.server.restart().await.expect("the server restarts");
    s.wait_for("#sign-out-deliver", T).await.click().await;
    wait_signed_in(&s, false).await;
    assert_eq!(
        world.wait_response(&id).await,
        json!({ "response": { "selectedOption": "approve" } }),
        "the queued answer reached the server"
    );
    assert_eq!(world.responses(&id).len(), 1, "exactly once");
    s.quit().await;
}

/// "Answer only in Placet Tray's own windows" (off by default, with a sentence on what
/// it means), "Notify me when an agent reports an error" and how long review windows are
/// kept ready (two minutes by default) are saved, read back by a new settings window,
/// and the agent error setting takes effect.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_answering_and_agent_error_settings_persist() {
    let mut world = WebviewWorld::signed_in().await;
    let s = world.open("settings").await;
    wait_signed_in(&s, true).await;

    let cli = s.wait_for("#answer-only-in-windows", T).await;
    let errors = s.wait_for("#notify-agent-errors", T).await;
    assert_eq!(
        cli.property("checked").await,
        json!(false),
        "off by default"
    );
    assert_eq!(
        errors.property("checked").await,
        json!(false),
        "off by default"
    );
    let meaning = s
        .execute(
            "const box = document.getElementById('answer-only-in-windows'); \
             return [box.labels[0].querySelector('.setting-title').textContent, \
                     document.getElementById(box.getAttribute('aria-describedby')).textContent.replace(/\\s+/g, ' ')]",
            json!([]),
        )
        .await;
    assert_eq!(
        meaning[0],
        json!("Answer only in Placet Tray's own windows"),
        "the label"
    );
    let sentence = meaning[1].as_str().unwrap_or_default();
    assert!(
        sentence.starts_with("Notifications show no answer buttons or reply fields")
            && sentence.contains("proposals from the command line are refused"),
        "what it means: {sentence}"
    );

    cli.click().await;
    saved(&s).await;
    errors.click().await;
    saved(&s).await;
    let warm = s.wait_for("#windows-warm", T).await;
    assert_eq!(warm.property("value").await, json!("120"), "two minutes");
    s.click_on("#windows-warm option[value='0']", T).await;
    saved(&s).await;
    let c = config(&world);
    assert_eq!(c["answerOnlyInWindows"], json!(true), "saved: {c}");
    assert_eq!(c["notifications"]["agentErrors"], json!(true), "saved: {c}");
    assert_eq!(c["windowsWarmSecs"], json!(0), "saved: {c}");
    s.quit().await;

    let s = world.reopen("settings").await;
    wait_signed_in(&s, true).await;
    s.wait_script(
        "the new window to show the saved settings",
        "return document.getElementById('answer-only-in-windows').checked && \
         document.getElementById('notify-agent-errors').checked && \
         document.getElementById('windows-warm').value === '0'",
        json!([]),
        T,
    )
    .await;

    world
        .ping_status(&world.deploy_bot(), "error", "Disk full")
        .await;
    let note = world
        .desktop
        .notifications()
        .wait_for_notify(|n| n.summary.contains("reports an error"), T)
        .await;
    assert_eq!(note.body, "Disk full", "the agent's error is notified");

    s.wait_for("#answer-only-in-windows", T).await.click().await;
    saved(&s).await;
    assert_eq!(
        config(&world)["answerOnlyInWindows"],
        json!(false),
        "turned off again"
    );
    s.quit().await;
}
