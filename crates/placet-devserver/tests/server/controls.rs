//! The test controls, in-process and over `/__dev` HTTP.

use std::time::Duration;

use placet_devserver::{Db, DevServerConfig, Seed};
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{approval, eventually, joined, server, server_with, Api, TestSocket};

/// kick_all disconnects every socket from the server side.
#[tokio::test]
async fn kick_all() {
    let server = server().await;
    let api = Api::new(&server);
    let jwt = api.login_user(server.seed().admin()).await;
    let a = TestSocket::with_jwt(&api, &jwt).await;
    let b = TestSocket::with_api_key(&api, &server.seed().admin().api_key).await;
    assert_eq!(server.controls().sockets().len(), 2, "two sockets");
    server.controls().kick_all().await;
    a.expect("close", |_| true).await;
    b.expect("close", |_| true).await;
    eventually("no sockets left", || async {
        server.controls().sockets().is_empty().then_some(())
    })
    .await;
}

/// While handshakes are refused, new connections fail with HTTP 503 (not a Socket.IO
/// auth error) and existing sockets keep working; afterwards connecting works again.
#[tokio::test]
async fn refuse_handshakes() {
    let server = server().await;
    let api = Api::new(&server);
    let jwt = api.login_user(server.seed().admin()).await;
    let existing = TestSocket::with_jwt(&api, &jwt).await;

    server.controls().refuse_handshakes(Duration::from_secs(60));
    let response = api
        .http
        .get(api.url("/socket.io/?EIO=4&transport=polling"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "handshake refused at HTTP level"
    );
    let ticket = api.ticket(&jwt).await;
    let error = TestSocket::connect(&api.base, json!({ "token": ticket }))
        .await
        .err()
        .expect("refused handshake");
    assert!(
        !error.contains("unauthorized"),
        "not an auth error: {error}"
    );
    existing.fence().await;

    server.controls().accept_handshakes();
    TestSocket::with_jwt(&api, &jwt).await;

    server
        .controls()
        .refuse_handshakes(Duration::from_millis(300));
    eventually(
        "handshakes to be accepted after the refusal ends",
        || async {
            let ticket = api.ticket(&jwt).await;
            TestSocket::connect(&api.base, json!({ "token": ticket }))
                .await
                .ok()
        },
    )
    .await;
}

/// drop_next_respond_reply: the answer is stored and broadcast, but the HTTP client sees
/// the connection close without a reply, promptly; a retry gets 403.
#[tokio::test]
async fn drop_next_respond_reply() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let channel = seed.deploy_bot().id.clone();
    let jwt = api.login_user(server.seed().admin()).await;
    let socket = TestSocket::with_jwt(&api, &jwt).await;
    socket.emit("subscribe:channel", json!(channel)).await;
    joined(&server, &seed.admin().id, &format!("channel:{channel}")).await;
    let posted = api
        .post_message(&seed.admin().api_key, approval(&channel))
        .await;
    let id = posted["id"].as_str().unwrap();

    server.controls().drop_next_respond_reply();
    let answer = json!({ "response": { "selectedOption": "approve" } });
    let started = tokio::time::Instant::now();
    let result = api
        .http
        .post(api.url(&format!("/api/messages/{id}/respond")))
        .bearer_auth(&jwt)
        .json(&answer)
        .send()
        .await;
    let error = result.expect_err("no reply reaches the client");
    assert!(
        !error.is_timeout(),
        "a transport error, not a timeout: {error}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "promptly: {:?}",
        started.elapsed()
    );

    socket.expect("review:responded", |m| m["id"] == id).await;
    assert_eq!(
        server.message(id).unwrap()["review"]["status"],
        "completed",
        "the answer was applied"
    );
    let recorded = server.controls().responses_for(id);
    assert_eq!(recorded.len(), 1, "one request");
    assert_eq!(recorded[0].body, answer, "recorded body");
    assert!(recorded[0].reply_dropped, "marked as dropped");
    assert_eq!(recorded[0].status, StatusCode::CREATED, "it was a success");

    let (status, body) = api
        .post(&format!("/api/messages/{id}/respond"), &jwt, answer)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the retry is refused");
    assert_eq!(body["message"], "Review already responded", "message");
    assert_eq!(
        server
            .controls()
            .responses_for(id)
            .iter()
            .filter(|r| r.status == StatusCode::CREATED)
            .count(),
        1,
        "delivered exactly once"
    );
}

/// stop drops every connection and the listener; restart comes back on the same port
/// with the same data (in-memory database included) and the same tokens.
#[tokio::test]
async fn stop_and_restart_keep_data() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed().clone();
    let addr = server.addr();
    let jwt = api.login_user(server.seed().admin()).await;
    let socket = TestSocket::with_jwt(&api, &jwt).await;
    let posted = api
        .post_message(&seed.admin().api_key, approval(&seed.deploy_bot().id))
        .await;

    server.stop().await;
    assert!(!server.is_running().await, "stopped");
    socket
        .wait_for_any(&["close", "error"])
        .await
        .expect("the socket notices the server going away");
    let refused = api.http.get(api.url("/health")).send().await;
    assert!(refused.is_err(), "nothing listens any more");
    assert!(
        server.controls().sockets().is_empty(),
        "no sockets while stopped"
    );
    server.stop().await;

    server.restart().await.expect("restart on the same port");
    assert_eq!(server.addr(), addr, "same address");
    let (status, one) = api
        .get(
            &format!("/api/messages/{}", posted["id"].as_str().unwrap()),
            &jwt,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "old JWT still valid, message still there"
    );
    assert_eq!(one["review"]["status"], "pending", "data kept");
    TestSocket::with_jwt(&api, &jwt).await;
}

/// A file database survives a full shutdown and keeps its seed, API keys included.
#[tokio::test]
async fn file_database_persists() {
    let dir = std::env::temp_dir().join(format!("placet-devserver-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("persist.db");
    let _ = std::fs::remove_file(&path);
    let config = DevServerConfig {
        db: Db::File(path.clone()),
        ..Default::default()
    };
    let first = server_with(config.clone()).await;
    let seed: Seed = first.seed().clone();
    let api = Api::new(&first);
    let posted = api
        .post_message(&seed.admin().api_key, approval(&seed.deploy_bot().id))
        .await;
    first.shutdown().await;

    let second = server_with(config).await;
    assert_eq!(second.seed(), &seed, "same seed, same keys");
    assert!(
        second.message(posted["id"].as_str().unwrap()).is_some(),
        "message kept"
    );
    second.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// invalidate_tokens: old JWTs and tickets stop working (ws-ticket → 401, socket →
/// "unauthorized"); logging in again works.
#[tokio::test]
async fn invalidate_tokens() {
    let server = server().await;
    let api = Api::new(&server);
    let jwt = api.login_user(server.seed().admin()).await;
    let ticket = api.ticket(&jwt).await;
    server.controls().invalidate_tokens();
    let (status, _) = api
        .send(
            reqwest::Method::POST,
            "/api/auth/ws-ticket",
            Some(&jwt),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "old JWT refused");
    let error = TestSocket::connect(&api.base, json!({ "token": ticket }))
        .await
        .err()
        .expect("old ticket refused");
    assert!(
        error.contains("unauthorized"),
        "connect_error unauthorized: {error}"
    );
    let fresh = api.login_user(server.seed().admin()).await;
    TestSocket::with_jwt(&api, &fresh).await;
}
