//! What the Placet people deploy sends beyond reviews: an agent's OAuth prompt, a
//! request to change the password, a webhook delivery that failed.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use placet_devserver::DevServerConfig;
use placet_tray_core::notify::{InfoKey, NoticeKey};
use placet_tray_core::text::OAUTH_OPEN;
use placet_tray_core::window::WindowKind;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{until, World};

/// An agent's OAuth prompt raises a notice whose Open goes to the sign-in page; the
/// provider's code withdraws it.
#[tokio::test(flavor = "multi_thread")]
async fn an_oauth_prompt_comes_and_goes_with_its_code() {
    let w = World::signed_in().await;
    let agent = w.server.seed().deploy_bot().id.clone();
    assert!(
        w.server
            .oauth_start(
                &agent,
                json!({"state": "st-1", "provider": "GitHub", "authUrl": "https://github.com/login/oauth/authorize?x=1"}),
            )
            .await
    );
    let key = NoticeKey::Info(InfoKey::OAuth("st-1".into()));
    let notice = w.shown(&key).await;
    assert_eq!(notice.title, "Deploy Bot asks you to sign in to GitHub");
    assert!(notice.body.contains("github.com"), "{}", notice.body);
    assert_eq!(
        notice.actions.first().map(|a| a.id.as_str()),
        Some(OAUTH_OPEN)
    );
    assert!(w.server.oauth_code("st-1", "the-code").await);
    w.withdrawn(&key).await;
}

/// A device-code prompt shows the code; an unsafe link is never offered to open.
#[tokio::test(flavor = "multi_thread")]
async fn a_device_code_is_shown_and_an_unsafe_link_is_not_offered() {
    let w = World::signed_in().await;
    let agent = w.server.seed().deploy_bot().id.clone();
    w.server
        .oauth_start(
            &agent,
            json!({"state": "st-2", "provider": "Acme", "deviceCode": {
                "verificationUri": "https://acme.example/device", "userCode": "WDJB-MJHT", "expiresIn": 900}}),
        )
        .await;
    let notice = w
        .shown(&NoticeKey::Info(InfoKey::OAuth("st-2".into())))
        .await;
    assert!(
        notice.body.contains("WDJB-MJHT") && notice.body.contains("acme.example"),
        "{}",
        notice.body
    );
    w.server
        .oauth_start(
            &agent,
            json!({"state": "st-3", "provider": "Evil", "authUrl": "http://evil.example/steal"}),
        )
        .await;
    let notice = w
        .shown(&NoticeKey::Info(InfoKey::OAuth("st-3".into())))
        .await;
    assert!(
        notice.actions.is_empty(),
        "no Open for an unsafe link: {:?}",
        notice.actions
    );
}

/// A server that asks for a new password gets the settings window opened, and the change
/// clears the request.
#[tokio::test(flavor = "multi_thread")]
async fn a_password_change_is_asked_for_first() {
    let w = World::signed_in_to(DevServerConfig {
        must_change_password: true,
        ..Default::default()
    })
    .await;
    until("the settings window", || {
        w.windows
            .opened()
            .iter()
            .any(|(k, _)| *k == WindowKind::Settings)
            .then_some(())
    })
    .await;
    let live = w.core.lives().into_iter().next().expect("signed in");
    assert!(live.must_change_password());
    let old = w.server.seed().admin().password.clone();
    let e = w
        .core
        .change_password(
            &placet_client::Secret::new("wrong"),
            &placet_client::Secret::new("a-new-long-password"),
        )
        .await
        .expect_err("the current password is checked");
    assert!(e.to_string().to_lowercase().contains("incorrect"), "{e}");
    w.core
        .change_password(
            &placet_client::Secret::new(old),
            &placet_client::Secret::new("a-new-long-password"),
        )
        .await
        .expect("changed");
    assert!(!live.must_change_password());
}

/// A review whose webhook failed can be retried: the agent's receiver is called again.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_delivery_is_retried() {
    let w = World::signed_in().await;
    // A receiver that fails its first call and takes the next ones.
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
    let (status, m) = w
        .server
        .post_agent_message(
            &w.server.seed().admin().api_key,
            json!({"channelId": w.server.seed().deploy_bot().id, "text": "Hooked?", "webhookUrl": url,
                   "review": {"type": "approval", "payload": {}}}),
        )
        .await;
    assert_eq!(status.as_u16(), 201, "{m}");
    let id = m["id"].as_str().unwrap().to_owned();
    let live = w.core.lives().into_iter().next().expect("signed in");
    let response = placet_client::ValidResponse::from_stored(
        json!({"selectedOption": "approve"})
            .as_object()
            .cloned()
            .unwrap(),
    );
    live.rest
        .respond(&id, &response, None)
        .await
        .expect("answered");
    until("the failed delivery", || {
        (w.server.message(&id)?["deliveryStatus"] == "webhook_failed").then_some(())
    })
    .await;
    w.core.retry_delivery(&id).await.expect("retried");
    until("the second call", || {
        (calls.load(Ordering::SeqCst) >= 2).then_some(())
    })
    .await;
    until("the delivery", || {
        (w.server.message(&id)?["deliveryStatus"] == "webhook_delivered").then_some(())
    })
    .await;
}
