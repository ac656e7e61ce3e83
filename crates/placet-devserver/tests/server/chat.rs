//! A person's chat messages (`POST /api/messages`) and their `clientId`.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{joined, server, Api, TestSocket};

/// `createFromUser` stores `clientId` but looks nothing up by it: the same channel and
/// `clientId` twice are two messages (201 each, `message:created` each), and an agent
/// message may carry the same `clientId` in that channel.
#[tokio::test]
async fn client_id_is_stored_not_deduplicated() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let jwt = api.login_user(seed.admin()).await;
    let channel = seed.deploy_bot().id.clone();
    let socket = TestSocket::with_jwt(&api, &jwt).await;
    socket.emit("subscribe:channel", json!(channel)).await;
    joined(&server, &seed.admin().id, &format!("channel:{channel}")).await;

    let body = json!({ "channelId": channel, "text": "Ship it", "clientId": "c-42" });
    let (first_status, first) = api.post("/api/messages", &jwt, body.clone()).await;
    let (second_status, second) = api.post("/api/messages", &jwt, body).await;
    assert_eq!(
        (first_status, second_status),
        (StatusCode::CREATED, StatusCode::CREATED),
        "both created"
    );
    assert_ne!(first["id"], second["id"], "two rows: {first} {second}");
    assert_eq!(
        (first["clientId"].clone(), second["clientId"].clone()),
        (json!("c-42"), json!("c-42")),
        "clientId stored on each"
    );
    socket
        .expect("message:created", |m| m["id"] == second["id"])
        .await;
    socket.fence().await;
    assert_eq!(
        socket
            .received("message:created", |m| m["clientId"] == "c-42")
            .len(),
        2,
        "an event for each"
    );
    let (status, agent_message) = api
        .agent_post(
            "/api/v1/messages",
            &seed.admin().api_key,
            json!({ "channelId": channel, "text": "ack", "clientId": "c-42" }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the agent's own clientId space: {agent_message}"
    );
    assert_eq!(agent_message["senderType"], "agent", "a new agent message");
}
