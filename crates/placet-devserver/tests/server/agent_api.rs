//! The agent API: message creation rules, long poll, ack and files.

use std::time::Duration;

use chrono::{DateTime, Utc};
use placet_devserver::DevServerConfig;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{approval, joined, server, server_with, Api, TestSocket};

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

/// iterationOf links a re-review to a finished one and is refused for a pending one.
#[tokio::test]
async fn iterations() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let channel = seed.deploy_bot().id.clone();
    let jwt = api.login_user(server.seed().admin()).await;
    let root = api.post_message(key, approval(&channel)).await;
    let root_id = root["id"].as_str().unwrap();
    let mut next = approval(&channel);
    next["iterationOf"] = json!(root_id);
    let (status, body) = api.agent_post("/api/v1/messages", key, next.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "pending target");
    assert_eq!(
        body["message"], "iterationOf target must have a completed or expired review",
        "message"
    );
    api.post(
        &format!("/api/messages/{root_id}/respond"),
        &jwt,
        json!({ "response": { "selectedOption": "reject" }, "feedback": "smaller diff" }),
    )
    .await;
    let second = api.post_message(key, next).await;
    assert_eq!(second["iterationGroupId"], root_id, "group is the root id");
    assert_eq!(second["iteration"], 2, "second iteration");
    let (_, chain) = api
        .get(
            &format!(
                "/api/messages/{}/iterations?channel={channel}",
                second["id"].as_str().unwrap()
            ),
            &jwt,
        )
        .await;
    assert_eq!(chain["groupId"], root_id, "chain group");
    assert_eq!(
        chain["iterations"].as_array().unwrap().len(),
        2,
        "two rounds"
    );
    assert_eq!(
        chain["iterations"][0]["review"]["feedback"], "smaller diff",
        "previous feedback"
    );
    let mut bad = approval(&channel);
    bad["iterationOf"] = json!("missing");
    let (_, body) = api.agent_post("/api/v1/messages", key, bad).await;
    assert_eq!(
        body["message"], "iterationOf target does not exist in this channel",
        "unknown target"
    );
}

/// The long poll returns `completed` as soon as the review is answered, `timeout` when
/// nothing happens, and expires an overdue review itself without a socket event.
#[tokio::test]
async fn wait_long_poll() {
    // A slow expiry job, so only the long poll can expire the review below.
    let server = server_with(DevServerConfig {
        expiry_tick: Duration::from_secs(3600),
        ..Default::default()
    })
    .await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = seed.admin().api_key.clone();
    let channel = seed.deploy_bot().id.clone();
    let jwt = api.login_user(server.seed().admin()).await;

    let posted = api.post_message(&key, approval(&channel)).await;
    let id = posted["id"].as_str().unwrap().to_owned();
    let (status, body) = api
        .agent_get(
            &format!("/api/v1/reviews/{id}/wait?channel={channel}&timeout=200"),
            &key,
        )
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "status": "timeout" })),
        "times out"
    );

    // The answer comes 300 ms into the poll: a reply well before the poll's 2 s re-check
    // proves the poll is woken by the answer.
    let answer = {
        let (api, jwt, id) = (api.clone(), jwt.clone(), id.clone());
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            api.post(
                &format!("/api/messages/{id}/respond"),
                &jwt,
                json!({ "response": { "selectedOption": "approve" } }),
            )
            .await
        })
    };
    let started = tokio::time::Instant::now();
    let (status, body) = api
        .agent_get(
            &format!("/api/v1/reviews/{id}/wait?channel={channel}&timeout=20000"),
            &key,
        )
        .await;
    let elapsed = started.elapsed();
    assert_eq!(answer.await.unwrap().0, StatusCode::CREATED, "answered");
    assert_eq!(status, StatusCode::OK, "wait is 200");
    assert_eq!(body["status"], "completed", "completed: {body}");
    assert_eq!(
        body["message"]["review"]["response"]["selectedOption"], "approve",
        "with the message"
    );
    assert!(
        elapsed < Duration::from_millis(1500),
        "woken by the answer, not the 2 s re-check: {elapsed:?}"
    );

    let socket = TestSocket::with_jwt(&api, &jwt).await;
    socket.emit("subscribe:channel", json!(channel)).await;
    joined(&server, &seed.admin().id, &format!("channel:{channel}")).await;
    let mut short = approval(&channel);
    short["review"]["expiresInSeconds"] = json!(1);
    let short = api.post_message(&key, short).await;
    let short_id = short["id"].as_str().unwrap();
    let (_, body) = api
        .agent_get(
            &format!("/api/v1/reviews/{short_id}/wait?channel={channel}&timeout=5000"),
            &key,
        )
        .await;
    assert_eq!(
        body["status"], "expired",
        "the poll expires the overdue review: {body}"
    );
    assert_eq!(
        server.message(short_id).unwrap()["review"]["status"],
        "expired",
        "stored"
    );
    // message:delivery is sent to the same room after the expiry; if review:expired had
    // been emitted it would have arrived first.
    api.agent_post(
        &format!("/api/v1/messages/{short_id}/ack?channel={channel}"),
        &key,
        Value::Null,
    )
    .await;
    socket
        .expect("message:delivery", |d| d["messageId"] == short_id)
        .await;
    assert!(
        socket.received("review:expired", |_| true).is_empty(),
        "no review:expired from the long poll"
    );

    let (status, body) = api
        .agent_get(
            &format!(
                "/api/v1/reviews/{id}/wait?channel={}",
                seed.others_agent().id
            ),
            &key,
        )
        .await;
    assert_eq!(
        (status, body["message"].clone()),
        (StatusCode::FORBIDDEN, json!("Not your agent")),
        "foreign channel"
    );
}

/// ack is 200 `{"acknowledged": true}`, sets `agent_received` and emits
/// `message:delivery` to the channel room.
#[tokio::test]
async fn ack_and_delivery() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let channel = seed.deploy_bot().id.clone();
    let jwt = api.login_user(server.seed().admin()).await;
    let subscribed = TestSocket::with_jwt(&api, &jwt).await;
    let user_only = TestSocket::with_jwt(&api, &jwt).await;
    subscribed.emit("subscribe:channel", json!(channel)).await;
    joined(&server, &seed.admin().id, &format!("channel:{channel}")).await;
    let posted = api
        .post_message(key, json!({ "channelId": channel, "text": "build done" }))
        .await;
    let id = posted["id"].as_str().unwrap();
    let (status, body) = api
        .agent_post(
            &format!("/api/v1/messages/{id}/ack?channel={channel}"),
            key,
            Value::Null,
        )
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "acknowledged": true })),
        "ack reply"
    );
    let event = subscribed
        .expect("message:delivery", |d| d["messageId"] == id)
        .await;
    assert_eq!(
        event,
        json!({ "messageId": id, "deliveryStatus": "agent_received" }),
        "payload"
    );
    user_only.fence().await;
    assert!(
        user_only.received("message:delivery", |_| true).is_empty(),
        "channel room only"
    );
    let (_, stored) = api
        .agent_get(&format!("/api/v1/messages/{id}?channel={channel}"), key)
        .await;
    assert_eq!(stored["deliveryStatus"], "agent_received", "stored");
    let (status, _) = api
        .agent_post(
            &format!("/api/v1/messages/nope/ack?channel={channel}"),
            key,
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "unknown message");
}

/// Agent reads: list with search, pending reviews, one review, agents list/create.
#[tokio::test]
async fn agent_reads() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let channel = seed.deploy_bot().id.clone();
    let review = api.post_message(key, approval(&channel)).await;
    api.post_message(
        key,
        json!({ "channelId": channel, "text": "Nightly BUILD green" }),
    )
    .await;
    let (_, found) = api
        .agent_get(
            &format!("/api/v1/messages?channel={channel}&search=build"),
            key,
        )
        .await;
    assert_eq!(
        found["data"].as_array().unwrap().len(),
        1,
        "case-insensitive search"
    );
    let (_, pending) = api
        .agent_get(&format!("/api/v1/reviews/pending?channel={channel}"), key)
        .await;
    assert_eq!(pending[0]["id"], review["id"], "pending reviews");
    let (_, one) = api
        .agent_get(
            &format!(
                "/api/v1/reviews/{}?channel={channel}",
                review["id"].as_str().unwrap()
            ),
            key,
        )
        .await;
    assert_eq!(one["review"]["status"], "pending", "one review");
    let (status, created) = api
        .agent_post(
            "/api/v1/agents",
            key,
            json!({ "name": "Fresh Agent", "tag": "new" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "agent created");
    assert_eq!(created["status"], "offline", "default status");
    let (_, agents) = api.agent_get("/api/v1/agents", key).await;
    assert_eq!(agents[0]["name"], "Fresh Agent", "newest first");
}

/// A stored text attachment linked to a message downloads with its headers; other users
/// get 403 "Not your file" and unknown ids 404.
#[tokio::test]
async fn attachment_download() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let channel = seed.deploy_bot().id.clone();
    let (status, stored) = api
        .agent_post(
            "/api/v1/files/store-text",
            key,
            json!({
                "channelId": channel, "content": "# Report\nAll good.", "filename": "re\"port\\.md"
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "stored: {stored}");
    assert_eq!(stored["messageId"], Value::Null, "orphan until linked");
    let attachment_id = stored["id"].as_str().unwrap().to_owned();
    let message = api
        .post_message(
            key,
            json!({ "channelId": channel, "attachmentIds": [attachment_id],
            "textAttachments": [{ "content": "inline body" }] }),
        )
        .await;
    let attachments = message["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 2, "linked and inline attachments");
    assert_eq!(attachments[0]["size"], 18, "size is a number");
    assert_eq!(attachments[1]["filename"], "content.md", "default filename");
    assert_eq!(
        attachments[1]["textContent"], "inline body",
        "textContent on the agent API"
    );

    let jwt = api.login_user(server.seed().admin()).await;
    let response = api
        .http
        .get(api.url(&format!("/api/files/{attachment_id}/download")))
        .bearer_auth(&jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "download");
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/markdown", "stored MIME type");
    assert_eq!(
        headers["content-disposition"], "inline; filename=\"re_port_.md\"",
        "sanitised name"
    );
    assert_eq!(headers["content-length"], "18", "length");
    assert_eq!(
        response.text().await.unwrap(),
        "# Report\nAll good.",
        "raw bytes"
    );

    let other = api.login_user(server.seed().other()).await;
    let (status, body) = api
        .get(&format!("/api/files/{attachment_id}/download"), &other)
        .await;
    assert_eq!(
        (status, body["message"].clone()),
        (StatusCode::FORBIDDEN, json!("Not your file")),
        "foreign file"
    );
    let (status, body) = api.get("/api/files/nope/download", &jwt).await;
    assert_eq!(
        (status, body["message"].clone()),
        (StatusCode::NOT_FOUND, json!("Attachment not found")),
        "unknown file"
    );
}
