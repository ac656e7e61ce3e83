//! What the Placet people deploy asks of the windows beyond reviews: an agent's OAuth
//! prompt (a sign-in page, a device code), a password change the server asks for first,
//! a failed webhook delivery to retry, and sub-agents listed under their parent.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use placet_client::{Credential, RestClient, Secret, ServerUrl, ValidResponse};
use placet_devserver::DevServerConfig;
use placet_e2e::DesktopOptions;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use placet_e2e::{server_config, ADMIN_EMAIL as EMAIL, ADMIN_PASSWORD as PASSWORD};

use crate::support::{text_of, WebviewWorld, T};

/// An OAuth prompt: its notification opens a window with the device code, large, and an
/// Open button naming the page's host; an `authUrl` flow's window says "Signed in" when
/// the provider's code arrives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oauth_prompt_shows_its_code_and_ends_with_it() {
    let world = WebviewWorld::signed_in().await;
    let s = world.open("inbox").await;
    let inbox = s.window_handle().await.expect("the inbox");
    let agent = world.deploy_bot();
    world
        .server
        .oauth_start(
            &agent,
            json!({"state": "dev-1", "provider": "Acme", "deviceCode": {
                "verificationUri": "https://acme.example/device", "userCode": "WDJB-MJHT", "expiresIn": 900}}),
        )
        .await;
    let notifications = world.desktop.notifications();
    let note = notifications
        .wait_for_notify(|n| n.summary.contains("asks you to sign in to Acme"), T)
        .await;
    notifications.invoke_action(note.id, "default").await;
    let device = s
        .wait_for_window(
            "sign-in prompt",
            std::slice::from_ref(&inbox),
            |u| u.contains("oauth.html"),
            T,
        )
        .await;
    s.wait_script(
        "the prompt to be shown",
        "return document.body.dataset.state === 'open'",
        json!([]),
        T,
    )
    .await;
    assert_eq!(
        text_of(&s, "#user-code").await,
        "WDJB-MJHT",
        "the code, large"
    );
    assert_eq!(
        text_of(&s, "#open").await,
        "Open acme.example",
        "the page's host"
    );

    world
        .server
        .oauth_start(
            &agent,
            json!({"state": "url-1", "provider": "GitHub", "authUrl": "https://github.com/login/oauth/authorize?x=1"}),
        )
        .await;
    let note = notifications
        .wait_for_notify(|n| n.summary.contains("asks you to sign in to GitHub"), T)
        .await;
    notifications.invoke_action(note.id, "default").await;
    s.wait_for_window(
        "sign-in prompt",
        &[inbox, device],
        |u| u.contains("url-1"),
        T,
    )
    .await;
    s.wait_script(
        "the prompt to be shown",
        "return document.body.dataset.state === 'open'",
        json!([]),
        T,
    )
    .await;
    assert!(world.server.oauth_code("url-1", "the-code").await);
    s.wait_script(
        "the window to say it is done",
        "return document.body.dataset.state === 'completed'",
        json!([]),
        T,
    )
    .await;
    assert!(text_of(&s, "#banner").await.starts_with("Signed in."));
    s.quit().await;
}

/// A server that asks for a new password: the settings window asks for it before
/// anything else, and the new one is the one the server takes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forced_password_change_comes_first() {
    let world = WebviewWorld::with_server(
        DesktopOptions::default(),
        DevServerConfig {
            must_change_password: true,
            ..server_config()
        },
    )
    .await;
    let mut login = world.app_command();
    login.args([
        "login",
        "--server",
        &world.server.base_url(),
        "--email",
        EMAIL,
        "--password-stdin",
    ]);
    let mut login = world.desktop.spawn(login);
    login.write_stdin(&format!("{PASSWORD}\n")).await;
    login.close_stdin();
    assert!(login.wait_exit(T).await.success(), "{}", login.report());
    assert!(
        login.report().contains("asks you to choose a new password"),
        "login says so: {}",
        login.report()
    );

    let s = world.open("settings").await;
    s.wait_script(
        "the password card",
        "return !document.getElementById('password-change').hidden && document.getElementById('prefs').hidden",
        json!([]),
        T,
    )
    .await;
    s.wait_for("#current-password", T)
        .await
        .send_keys(PASSWORD)
        .await;
    s.wait_for("#new-password", T)
        .await
        .send_keys("a-brand-new-password")
        .await;
    s.wait_for("#new-password-again", T)
        .await
        .send_keys("a-brand-new-password")
        .await;
    s.wait_for("#password-submit", T).await.click().await;
    s.wait_script(
        "the card to go and the settings to come back",
        "return document.getElementById('password-change').hidden && !document.getElementById('prefs').hidden",
        json!([]),
        T,
    )
    .await;
    let rest = RestClient::new(ServerUrl::parse(&world.server.base_url()).unwrap());
    rest.login(EMAIL, &Secret::new("a-brand-new-password"))
        .await
        .expect("the new password is the server's");
    s.quit().await;
}

/// A review whose webhook failed says so as the web UI does, and Retry sends it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_delivery_can_be_retried() {
    let world = WebviewWorld::signed_in().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            let mut buf = vec![0u8; 65536];
            let _ = s.read(&mut buf).await;
            let status = if n == 0 {
                "500 Internal Server Error"
            } else {
                "200 OK"
            };
            let _ = s
                .write_all(
                    format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                        .as_bytes(),
                )
                .await;
        }
    });
    let (status, m) = world
        .server
        .post_agent_message(
            &world.api_key(),
            json!({"channelId": world.deploy_bot(), "text": "Hooked review", "webhookUrl": url,
                   "review": {"type": "approval", "payload": {}}}),
        )
        .await;
    assert_eq!(status.as_u16(), 201, "{m}");
    let id = m["id"].as_str().unwrap().to_owned();
    let rest = RestClient::new(ServerUrl::parse(&world.server.base_url()).unwrap());
    let (_, token) = rest
        .login(EMAIL, &Secret::new(PASSWORD))
        .await
        .expect("login");
    rest.authenticated(Credential::Jwt(token))
        .respond(
            &id,
            &ValidResponse::from_stored(
                json!({"selectedOption": "approve"})
                    .as_object()
                    .cloned()
                    .unwrap(),
            ),
            None,
        )
        .await
        .expect("answered");

    let s = world.open_review(&id).await;
    s.wait_script(
        "the failed delivery",
        "return document.getElementById('delivery-text').textContent === 'Webhook delivery failed'",
        json!([]),
        T,
    )
    .await;
    s.wait_for("#retry-delivery", T).await.click().await;
    s.wait_script(
        "the delivery to the agent",
        "return document.getElementById('delivery-text').textContent === 'Delivered to agent'",
        json!([]),
        T,
    )
    .await;
    assert!(
        calls.load(Ordering::SeqCst) >= 2,
        "the receiver was called again"
    );
    s.quit().await;
}

/// A sub-agent's reviews are listed under its parent's in the inbox ("Deploy Bot ›
/// Canary Checker"), and the mute list offers to mute the parent with its sub-agents.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_agents_are_grouped_under_their_parent() {
    let world = WebviewWorld::signed_in().await;
    let canary = world.agent("Canary Checker");
    world
        .post_review_to(
            &canary,
            "Canary: promote?",
            json!({"type": "approval", "payload": {}}),
        )
        .await;
    world
        .post_review("Deploy: go?", json!({"type": "approval", "payload": {}}))
        .await;
    let s = world.open("inbox").await;
    let groups = s
        .wait_script(
            "both groups",
            "const g = [...document.querySelectorAll('.group')].map(e => [e.querySelector('.group-name').textContent, e.classList.contains('sub-agent')]); return g.length >= 2 ? g : null",
            json!([]),
            T,
        )
        .await;
    let groups: Vec<(String, bool)> = serde_json::from_value(groups).expect("groups");
    let parent = groups
        .iter()
        .position(|g| g.0 == "Deploy Bot")
        .expect("Deploy Bot's group");
    assert_eq!(
        groups.get(parent + 1),
        Some(&("Deploy Bot › Canary Checker".to_owned(), true)),
        "the sub-agent's group follows its parent's: {groups:?}"
    );
    s.quit().await;
}
