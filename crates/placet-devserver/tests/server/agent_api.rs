//! The agent API: message creation rules, long poll, ack and files.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{approval, server, Api, TestSocket};

fn expires_at(message: &Value) -> DateTime<Utc> {
    message["review"]["expiresAt"]
        .as_str()
        .expect("expiresAt string")
        .parse()
        .expect("ISO expiresAt")
}

/// The created message has the §3.6 shape, the review is stored pending with
/// `expiresAt`, and `expiresInSeconds` is dropped.
#[tokio::test]
async fn created_message_shape() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let message = api
        .post_message(&seed.admin().api_key, approval(&seed.deploy_bot().id))
        .await;
    for key in [
        "id",
        "channelId",
        "senderType",
        "senderId",
        "text",
        "status",
        "review",
        "metadata",
        "clientId",
        "streamId",
        "streamState",
        "deliveryStatus",
        "iterationGroupId",
        "iteration",
        "createdAt",
        "updatedAt",
        "attachments",
    ] {
        assert!(message.get(key).is_some(), "message has {key}: {message}");
    }
    assert_eq!(message["senderType"], "agent", "sent by the agent");
    assert_eq!(
        message["senderId"],
        seed.deploy_bot().id,
        "sender is the agent"
    );
    assert_eq!(message["deliveryStatus"], "sent", "default delivery status");
    let created = message["createdAt"].as_str().unwrap();
    assert!(
        created.len() == 24 && created.ends_with('Z'),
        "toISOString format: {created}"
    );
    let review = message["review"].as_object().unwrap();
    assert_eq!(review["status"], "pending", "pending");
    assert!(
        !review.contains_key("expiresInSeconds"),
        "expiresInSeconds dropped"
    );
    assert_eq!(review["payload"]["allowComment"], true, "payload kept");
}

/// At least one of text, review, status, attachmentIds, textAttachments is required;
/// the refine's own text is lost with zod's `errors`, so it reads "Validation failed"
/// like every other schema failure.
#[tokio::test]
async fn at_least_one_of_and_schema() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let channel = &seed.deploy_bot().id;
    for empty in [
        json!({ "channelId": channel }),
        json!({ "channelId": channel, "text": "", "attachmentIds": [], "textAttachments": [] }),
    ] {
        let (status, body) = api.agent_post("/api/v1/messages", key, empty.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{empty} rejected");
        assert_eq!(
            body["message"], "Validation failed",
            "refine message dropped"
        );
    }
    for bad in [
        json!({ "text": "no channel" }),
        json!({ "channelId": channel, "status": "fatal" }),
        json!({ "channelId": channel, "review": { "payload": {} } }),
        json!({ "channelId": channel, "text": 5 }),
        json!({ "channelId": channel, "text": "x", "webhookUrl": "not a url" }),
    ] {
        let (status, body) = api.agent_post("/api/v1/messages", key, bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad} rejected");
        assert_eq!(
            body["message"], "Validation failed",
            "zod message for {bad}"
        );
    }
    let (status, body) = api
        .agent_post(
            "/api/v1/messages",
            key,
            json!({ "channelId": seed.others_agent().id, "text": "x" }),
        )
        .await;
    assert_eq!(
        (status, body["message"].clone()),
        (StatusCode::FORBIDDEN, json!("Not your agent")),
        "foreign channel"
    );
    let (status, _) = api
        .agent_post(
            "/api/v1/messages",
            key,
            json!({ "channelId": channel, "status": "warning" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "a status alone is enough");
}

/// A repeated clientId returns the existing row with 201 and emits nothing.
#[tokio::test]
async fn client_id_idempotency() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let jwt = api.login_user(server.seed().admin()).await;
    let socket = TestSocket::with_jwt(&api, &jwt).await;
    let mut body = approval(&seed.deploy_bot().id);
    body["clientId"] = json!("req-42");
    let first = api.post_message(key, body.clone()).await;
    socket
        .expect("message:created", |m| m["id"] == first["id"])
        .await;
    body["text"] = json!("changed text");
    let second = api.post_message(key, body).await;
    assert_eq!(second, first, "the existing row is returned unchanged");
    assert_eq!(first["clientId"], "req-42", "clientId has its own column");
    socket.fence().await;
    assert_eq!(
        socket.received("message:created", |_| true).len(),
        1,
        "a replay emits nothing"
    );
}

/// Expiry: default 24 h (also for a `null` or empty `expiresAt`), capped at 36 h
/// silently, `expiresInSeconds` wins over `expiresAt`; the schema rejects any
/// `expiresInSeconds` that is not a positive integer (`null` included) with "Validation
/// failed" before the service's own messages can apply.
#[tokio::test]
async fn expiry_capping_and_precedence() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let channel = &seed.deploy_bot().id;
    let post = |review: Value| {
        let api = api.clone();
        let channel = channel.clone();
        let key = key.clone();
        async move {
            api.agent_post(
                "/api/v1/messages",
                &key,
                json!({ "channelId": channel, "review": review }),
            )
            .await
        }
    };
    let hours = |m: &Value| (expires_at(m) - Utc::now()).num_minutes() as f64 / 60.0;

    let (_, default) = post(json!({ "type": "approval" })).await;
    assert!(
        (23.9..=24.0).contains(&hours(&default)),
        "default 24 h: {}",
        hours(&default)
    );
    let (status, capped) = post(json!({ "type": "approval", "expiresInSeconds": 1_000_000 })).await;
    assert_eq!(status, StatusCode::CREATED, "too long is not an error");
    assert!(
        (35.9..=36.0).contains(&hours(&capped)),
        "capped to 36 h: {}",
        hours(&capped)
    );
    let far = (Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    let (_, capped_at) = post(json!({ "type": "approval", "expiresAt": far })).await;
    assert!(
        (35.9..=36.0).contains(&hours(&capped_at)),
        "expiresAt capped too"
    );
    let (_, precedence) = post(json!({ "type": "approval", "expiresInSeconds": 7200, "expiresAt": "2000-01-01T00:00:00Z" })).await;
    assert!(
        (1.9..=2.0).contains(&hours(&precedence)),
        "expiresInSeconds wins"
    );

    for empty in [json!(null), json!("")] {
        let (status, body) = post(json!({ "type": "approval", "expiresAt": empty })).await;
        assert_eq!(status, StatusCode::CREATED, "expiresAt {empty}: {body}");
        assert!(
            (23.9..=24.0).contains(&hours(&body)),
            "expiresAt {empty} means the default"
        );
    }

    for (review, message) in [
        (
            json!({ "type": "x", "expiresInSeconds": 0 }),
            "Validation failed",
        ),
        (
            json!({ "type": "x", "expiresInSeconds": null }),
            "Validation failed",
        ),
        (
            json!({ "type": "x", "expiresInSeconds": -60 }),
            "Validation failed",
        ),
        (
            json!({ "type": "x", "expiresInSeconds": 1.5 }),
            "Validation failed",
        ),
        (
            json!({ "type": "x", "expiresInSeconds": "3600" }),
            "Validation failed",
        ),
        (
            json!({ "type": "x", "expiresAt": 1_900_000_000 }),
            "Validation failed",
        ),
        (
            json!({ "type": "x", "expiresAt": "next tuesday" }),
            "expiresAt must be a valid ISO date string",
        ),
        (
            json!({ "type": "x", "expiresAt": "2000-01-01T00:00:00Z" }),
            "Review expiration must be in the future",
        ),
    ] {
        let (status, body) = post(review.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{review} rejected");
        assert_eq!(body["message"], message, "message for {review}");
    }
}
