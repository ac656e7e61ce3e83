//! The sign-in and settings window: every way signing in can fail has its own message;
//! a good sign-in shows the account and live connection; settings persist; sign-out; the
//! keychain fallback and watch-only (API key) mode.

use placet_e2e::webdriver::{keys, Session};
use placet_e2e::{DesktopOptions, World, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::{json, Value};

use crate::support::{screenshot, wait_review_ready, NotPlacet, WebviewWorld, T};

/// Waits until the settings page is ready and shows the signed-out (`false`) or
/// signed-in (`true`) card.
pub(crate) async fn wait_signed_in(s: &Session, signed_in: bool) {
    s.wait_script(
        if signed_in {
            "the signed-in card"
        } else {
            "the sign-in form"
        },
        "return document.body.dataset.ready === 'true' && \
         document.getElementById(arguments[0] ? 'signed-in' : 'signed-out').hidden === false",
        json!([signed_in]),
        T,
    )
    .await;
}

/// Types a server URL, leaves the field, and returns the message the check produced.
pub(crate) async fn check_server(s: &Session, url: &str) -> (String, String) {
    let field = s.wait_for("#server", T).await;
    field.clear().await;
    s.execute(
        "document.getElementById('server-status').dataset.kind = 'pending'",
        json!([]),
    )
    .await;
    field.send_keys(&format!("{url}{}", keys::TAB)).await;
    let v = s
        .wait_script(
            &format!("the check of {url}"),
            "const p = document.getElementById('server-status'); \
             return p.dataset.kind === 'ok' || p.dataset.kind === 'error' ? [p.dataset.kind, p.textContent] : null",
            json!([]),
            T,
        )
        .await;
    (
        v[0].as_str().unwrap_or_default().to_owned(),
        v[1].as_str().unwrap_or_default().to_owned(),
    )
}

/// Clicks "Sign in" and waits for the outcome: `Ok(())` signed in, `Err(message)`.
pub(crate) async fn submit(s: &Session) -> Result<(), String> {
    s.execute(
        "document.getElementById('sign-in-message').textContent = ''",
        json!([]),
    )
    .await;
    s.wait_for("#sign-in-submit", T).await.click().await;
    let v = s
        .wait_script(
            "the sign-in to finish",
            "if (!document.getElementById('signed-in').hidden) return ['ok', '']; \
             const m = document.getElementById('sign-in-message').textContent; \
             return m ? ['error', m] : null",
            json!([]),
            T,
        )
        .await;
    match v[0].as_str() {
        Some("ok") => Ok(()),
        _ => Err(v[1].as_str().unwrap_or_default().to_owned()),
    }
}

/// Clicks the settings window's "Open inbox" and switches to the inbox; returns both
/// windows' handles (settings, inbox).
pub(crate) async fn open_inbox_from_settings(s: &Session) -> (String, String) {
    let settings = s.window_handle().await.expect("the settings window");
    s.wait_for("#open-inbox", T).await.click().await;
    let inbox = s
        .wait_for_window(
            "inbox",
            std::slice::from_ref(&settings),
            |u| u.ends_with("inbox.html"),
            T,
        )
        .await;
    (settings, inbox)
}

pub(crate) fn config(world: &World) -> Value {
    let path = world.desktop.config_dir().join("placet-tray/config.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).expect("the config is JSON")
}

/// Waits until a settings change was saved.
pub(crate) async fn saved(s: &Session) {
    s.wait_script(
        "the change to be saved",
        "const t = document.getElementById('save-status').textContent; \
         if (t.startsWith('Not saved')) throw new Error(t); \
         return t === 'Saved.'",
        json!([]),
        T,
    )
    .await;
    s.execute(
        "document.getElementById('save-status').textContent = ''",
        json!([]),
    )
    .await;
}

/// Signing in from the settings window: a bad URL, an unreachable host, a TLS failure,
/// a server that is not Placet and a wrong password each get their own message; then
/// the account and connection show, settings persist to the config file, and sign-out
/// returns to the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_through_the_settings_window() {
    let world = WebviewWorld::signed_out().await;
    let not_placet = NotPlacet::start().await;
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a port")
        .port();
    let s = world.open("settings").await;
    wait_signed_in(&s, false).await;
    screenshot(&s, "sign-in").await;

    let (kind, text) = check_server(&s, "not a url").await;
    assert_eq!(kind, "error", "{text}");
    assert!(
        text.starts_with("That is not a server address"),
        "bad URL: {text}"
    );
    let (kind, text) = check_server(&s, &format!("http://127.0.0.1:{closed_port}")).await;
    assert_eq!(kind, "error", "{text}");
    assert!(
        text.starts_with("The server cannot be reached"),
        "unreachable host: {text}"
    );
    let tls_url = not_placet.url.replace("http://", "https://");
    let (kind, text) = check_server(&s, &tls_url).await;
    assert_eq!(kind, "error", "{text}");
    assert!(
        text.starts_with("The secure (TLS) connection failed"),
        "TLS failure: {text}"
    );
    let (kind, text) = check_server(&s, &not_placet.url).await;
    assert_eq!(kind, "error", "{text}");
    assert!(
        text.contains("not like a Placet server"),
        "not Placet: {text}"
    );
    let (kind, text) = check_server(&s, &world.server.base_url()).await;
    assert_eq!(kind, "ok", "{text}");
    assert!(
        text.starts_with("Placet server found at http://127.0.0.1:"),
        "found: {text}"
    );

    s.wait_for("#email", T).await.send_keys(ADMIN_EMAIL).await;
    s.wait_for("#password", T)
        .await
        .send_keys("wrong-password")
        .await;
    assert_eq!(
        submit(&s).await,
        Err("Wrong email or password.".into()),
        "a wrong password"
    );
    let password = s.wait_for("#password", T).await;
    password.clear().await;
    password.send_keys(ADMIN_PASSWORD).await;
    assert_eq!(submit(&s).await, Ok(()), "signed in");

    wait_signed_in(&s, true).await;
    assert_eq!(
        s.find("#account").await.expect("account").text().await,
        ADMIN_EMAIL,
        "the account"
    );
    let server = s.find("#server-name").await.expect("server").text().await;
    assert!(
        server.starts_with("http://127.0.0.1:"),
        "the server: {server}"
    );
    s.wait_script(
        "the connection to come up",
        "return document.getElementById('connection').textContent.startsWith('Connected')",
        json!([]),
        T,
    )
    .await;
    let run_only = s
        .find("#run-only-note")
        .await
        .expect("note")
        .property("hidden")
        .await;
    assert_eq!(
        run_only,
        json!(true),
        "kept in the keychain, not for this run only"
    );
    assert!(
        !world.desktop.secret_items().await.is_empty(),
        "the session is in the keychain"
    );
    let admin = world.server.seed().admin().id.clone();
    assert_eq!(
        s.find_all("#muted-list input").await.len(),
        world.server.seed().agents_of(&admin).len(),
        "one mute switch per agent"
    );

    let sound = s.wait_for("#sound", T).await;
    let was = sound.property("checked").await;
    sound.click().await;
    saved(&s).await;
    let sound_now = json!(was != json!(true));
    assert_eq!(
        config(&world)["notifications"]["sound"],
        sound_now,
        "the sound switch is saved"
    );
    s.wait_for("#quiet-on", T).await.click().await;
    saved(&s).await;
    s.wait_for("#notify-all", T).await.click().await;
    saved(&s).await;
    s.wait_for("#muted-list input", T).await.click().await;
    saved(&s).await;
    s.wait_for("#pause-hour", T).await.click().await;
    saved(&s).await;
    let paused = s.find("#pause-status").await.expect("pause").text().await;
    assert!(
        paused.starts_with("Notifications are paused until"),
        "{paused}"
    );
    screenshot(&s, "settings").await;

    let c = config(&world);
    let n = &c["notifications"];
    assert_eq!(n["sound"], sound_now, "the sound switch stays saved: {c}");
    assert_eq!(
        n["quietHours"],
        json!({ "start": "22:00", "end": "07:00" }),
        "quiet hours: {c}"
    );
    assert_eq!(n["notifyFor"], json!("all"), "notify for: {c}");
    assert_eq!(
        n["mutedAgents"].as_array().map(Vec::len),
        Some(1),
        "one muted agent: {c}"
    );
    assert!(n["pausedUntil"].is_string(), "paused: {c}");

    s.wait_for("#pause-resume", T).await.click().await;
    saved(&s).await;
    assert!(
        config(&world)["notifications"]["pausedUntil"].is_null(),
        "resumed"
    );

    s.wait_for("#sign-out", T).await.click().await;
    wait_signed_in(&s, false).await;
    s.quit().await;
}

/// Without a keychain, signing in explains why and offers to stay signed in for this run
/// only, which works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_keychain_the_sign_in_can_be_kept_for_this_run() {
    let world = WebviewWorld::with(DesktopOptions {
        keyring: false,
        ..Default::default()
    })
    .await;
    let s = world.open("settings").await;
    wait_signed_in(&s, false).await;
    s.wait_for("#server", T)
        .await
        .send_keys(&world.server.base_url())
        .await;
    s.wait_for("#email", T).await.send_keys(ADMIN_EMAIL).await;
    s.wait_for("#password", T)
        .await
        .send_keys(ADMIN_PASSWORD)
        .await;
    let refused = submit(&s).await.expect_err("no keychain");
    assert!(
        refused.starts_with("The system keychain is not available"),
        "{refused}"
    );
    let offer = s.wait_for("#this-run-only", T).await;
    assert_eq!(
        offer.text().await,
        "Stay signed in for this run only",
        "the offer"
    );
    offer.click().await;
    wait_signed_in(&s, true).await;
    let note = s.find("#run-only-note").await.expect("note");
    assert_eq!(
        note.property("hidden").await,
        json!(false),
        "says it is for this run only"
    );
    s.quit().await;
}

/// An API key signs in watch-only: the settings say so, and a review window shows the
/// review without controls.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_key_sign_in_is_watch_only() {
    let world = WebviewWorld::signed_out().await;
    let id = world
        .post_review(
            "Deploy v3 (watch-only)?",
            json!({ "type": "approval", "payload": {}, "expiresInSeconds": 3600 }),
        )
        .await;
    let s = world.open("settings").await;
    wait_signed_in(&s, false).await;
    let (kind, text) = check_server(&s, &world.server.base_url()).await;
    assert_eq!(kind, "ok", "{text}");
    s.wait_for("#mode-toggle", T).await.click().await;
    s.wait_for("#api-key", T)
        .await
        .send_keys(&world.api_key())
        .await;
    assert_eq!(submit(&s).await, Ok(()), "signed in with the key");
    let note = s.wait_for("#watch-only-note", T).await;
    assert_eq!(
        note.property("hidden").await,
        json!(false),
        "watch-only is explained"
    );

    let (settings, inbox) = open_inbox_from_settings(&s).await;
    s.click_on(&format!("[data-id='{id}']"), T).await;
    s.wait_for_window("review", &[settings, inbox], |u| u.contains(&id), T)
        .await;
    let state = wait_review_ready(&s).await;
    assert_eq!(state, "pending", "the review is shown");
    let text = s.wait_for("#watch-only", T).await.text().await;
    assert!(
        text.starts_with("Watch-only"),
        "the page says why it cannot answer: {text}"
    );
    assert!(
        s.find("fieldset.controls").await.is_err(),
        "no controls in watch-only mode"
    );
    s.quit().await;
}

/// A second account is added from the settings window beside the first: both are
/// listed, each with its own sign-out; signing out of the first leaves the second, the
/// settings file keeps only it, and the window shows its details again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_account_is_added_and_signed_out_apart() {
    let world = WebviewWorld::signed_in().await;
    let second = placet_devserver::DevServer::start(placet_e2e::server_config())
        .await
        .expect("the second dev server starts");
    let label = |url: String| url.trim_start_matches("http://").to_owned();
    let (first_label, second_label) = (label(world.server.base_url()), label(second.base_url()));
    let s = world.open("settings").await;
    wait_signed_in(&s, true).await;
    // The form opens beside the account, and Cancel closes it again.
    s.wait_for("#add-account", T).await.click().await;
    wait_signed_in(&s, false).await;
    s.wait_for("#add-cancel", T).await.click().await;
    s.wait_script(
        "the form closed",
        "return document.getElementById('signed-out').hidden && \
         !document.getElementById('signed-in').hidden",
        json!([]),
        T,
    )
    .await;
    s.wait_for("#add-account", T).await.click().await;
    let (kind, text) = check_server(&s, &second.base_url()).await;
    assert_eq!(kind, "ok", "{text}");
    let admin = second.seed().admin();
    s.wait_for("#email", T).await.send_keys(&admin.email).await;
    s.wait_for("#password", T)
        .await
        .send_keys(&admin.password)
        .await;
    assert_eq!(submit(&s).await, Ok(()), "the second account signed in");
    let listed = s
        .wait_script(
            "both accounts listed",
            "const rows = [...document.querySelectorAll('#account-list li')]; \
             if (rows.length !== 2 || document.getElementById('account-list').hidden) return null; \
             if (!document.getElementById('signed-out').hidden) return null; \
             if (document.getElementById('account-title').textContent !== 'Accounts') return null; \
             if (rows.some((r) => !r.querySelector('.account-state').textContent.startsWith('Connected'))) return null; \
             return rows.map((r) => r.querySelector('button').dataset.account)",
            json!([]),
            T,
        )
        .await;
    assert_eq!(listed, json!([first_label, second_label]));
    // The agents to mute say whose they are: the same names on both servers.
    let owners = s
        .wait_script(
            "the agents of both accounts",
            "const d = [...document.querySelectorAll('#muted-list label:not(.sub-agent) .agent-line')] \
               .map((l) => l.querySelector('.agent-account')?.textContent); \
             return d.length === 6 ? d : null",
            json!([]),
            T,
        )
        .await;
    for owner in [&first_label, &second_label] {
        let n = owners.as_array().map_or(0, |o| {
            o.iter()
                .filter(|x| x.as_str() == Some(&format!(" (on {owner})")))
                .count()
        });
        assert_eq!(n, 3, "{owners}");
    }
    screenshot(&s, "accounts").await;
    let servers: Vec<Value> = config(&world)["accounts"]
        .as_array()
        .expect("the accounts")
        .iter()
        .map(|a| a["server"].clone())
        .collect();
    assert_eq!(
        servers,
        [json!(world.server.base_url()), json!(second.base_url())]
    );

    // The inbox: each account's reviews in a section of their own, named.
    placet_e2e::wait_subscribed_to(&second).await;
    world
        .post_review("Ship A?", json!({"type": "approval", "payload": {}}))
        .await;
    let (status, m) = second
        .post_agent_message(
            &admin.api_key,
            json!({"channelId": second.seed().deploy_bot().id, "text": "Ship B?",
                   "review": {"type": "approval", "payload": {}}}),
        )
        .await;
    assert_eq!(status.as_u16(), 201, "{m}");
    let on_b = m["id"].as_str().expect("an id").to_owned();
    let (settings, inbox) = open_inbox_from_settings(&s).await;
    let sections = s
        .wait_script(
            "both accounts' reviews in the inbox",
            "const gs = [...document.querySelectorAll('#list .group')]; \
             if (gs.length !== 2) return null; \
             return gs.map((g) => [g.querySelector('.group-account')?.textContent, \
               g.classList.contains('account-first'), g.querySelector('.row-title').textContent])",
            json!([]),
            T,
        )
        .await;
    let mut expected = [
        json!([first_label, true, "Ship A?"]),
        json!([second_label, true, "Ship B?"]),
    ];
    expected.sort_by_key(|v| v[0].as_str().unwrap_or_default().to_owned());
    assert_eq!(sections, json!(expected));
    screenshot(&s, "inbox-accounts").await;
    // A review's window says which account asks.
    s.click_on(&format!("[data-id='{on_b}']"), T).await;
    s.wait_for_window(
        "the review of B",
        &[settings.clone(), inbox],
        |u| u.contains(&on_b),
        T,
    )
    .await;
    wait_review_ready(&s).await;
    let on = s.wait_for("#account", T).await.text().await;
    assert_eq!(on, format!("On {second_label}"));
    s.switch_to(&settings)
        .await
        .expect("back to the settings window");

    s.click_on(
        &format!("#account-list button[data-account='{first_label}']"),
        T,
    )
    .await;
    s.wait_script(
        "one account left, shown with its details",
        "return document.getElementById('account-list').hidden && \
         !document.getElementById('account-details').hidden && \
         document.getElementById('server-name').textContent === arguments[0]",
        json!([second.base_url()]),
        T,
    )
    .await;
    let accounts = config(&world)["accounts"].clone();
    assert_eq!(
        accounts.as_array().map(Vec::len),
        Some(1),
        "only the second is kept: {accounts}"
    );
    assert_eq!(accounts[0]["server"], json!(second.base_url()));
    s.quit().await;
}
