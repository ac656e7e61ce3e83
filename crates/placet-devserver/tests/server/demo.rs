//! The demo agent's newer tricks: a revised review after feedback, and an OAuth
//! device-code flow now and then.

use std::time::Duration;

use placet_devserver::DevServerConfig;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{server_with, Api, TestSocket};

/// Answering a demo review with feedback makes the demo agent post the next iteration
/// of it (`iterationOf`), opened by the feedback.
#[tokio::test]
async fn revises_a_review_after_feedback() {
    let server = server_with(DevServerConfig {
        demo_interval: Some(Duration::from_millis(300)),
        ..Default::default()
    })
    .await;
    let api = Api::new(&server);
    let jwt = api.login_user(server.seed().admin()).await;
    let socket = TestSocket::with_jwt(&api, &jwt).await;
    let first = socket
        .expect("message:created", |m| m["review"]["status"] == "pending")
        .await;
    let id = first["id"].as_str().unwrap();
    let (status, _) = api
        .post(
            &format!("/api/messages/{id}/respond"),
            &jwt,
            json!({ "response": { "_dismissed": true }, "feedback": "Smaller batches, please" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "answered with feedback");
    let revision = socket
        .expect("message:created", |m| m["iterationGroupId"] == id)
        .await;
    assert_eq!(revision["iteration"], 2, "the second round");
    assert_eq!(
        revision["review"]["type"], first["review"]["type"],
        "the same review"
    );
    assert!(
        revision["text"]
            .as_str()
            .unwrap()
            .contains("Smaller batches, please"),
        "it quotes the feedback: {}",
        revision["text"]
    );
}

/// Every ninth review the demo agent starts a device-code OAuth flow, which reaches the
/// person's clients as `oauth:start`.
#[tokio::test]
async fn starts_a_device_code_flow() {
    let server = server_with(DevServerConfig {
        demo_interval: Some(Duration::from_millis(50)),
        ..Default::default()
    })
    .await;
    let api = Api::new(&server);
    let socket = TestSocket::with_jwt(&api, &api.login_user(server.seed().admin()).await).await;
    let start = socket.expect("oauth:start", |_| true).await;
    assert_eq!(start["provider"], "github", "provider");
    assert_eq!(
        start["channelId"],
        server.seed().agent("Data Pipeline").unwrap().id.as_str(),
        "the Data Pipeline agent"
    );
    assert!(
        start["deviceCode"]["userCode"]
            .as_str()
            .is_some_and(|c| c.len() == 9),
        "a user code: {start}"
    );
    assert_eq!(
        start["authUrl"],
        serde_json::Value::Null,
        "no browser redirect"
    );
}
