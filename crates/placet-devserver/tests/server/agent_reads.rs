//! The agent API's reads and follow-ups: iteration chains, the long poll, acks, the
//! lists and file downloads.

use std::time::Duration;

use placet_devserver::DevServerConfig;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{approval, joined, server, server_with, Api, TestSocket};

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
