//! `POST /api/messages/:id/retry`: a failed webhook sent again.

use placet_devserver::DevServer;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::receiver::Receiver;
use crate::support::{approval, joined, server, Api, TestSocket};

async fn retry(api: &Api, jwt: &str, id: &Value) -> (StatusCode, Value) {
    api.post(
        &format!("/api/messages/{}/retry", id.as_str().unwrap()),
        jwt,
        json!({}),
    )
    .await
}

/// An agent of the admin's whose webhook is `url`.
async fn hooked(api: &Api, server: &DevServer, url: &str) -> String {
    let (_, agent) = api
        .agent_post(
            "/api/v1/agents",
            &server.seed().admin().api_key,
            json!({ "name": "Hooked", "webhookUrl": url }),
        )
        .await;
    agent["id"].as_str().unwrap().to_owned()
}

/// A review answer whose webhook failed (`webhook_failed`) is sent again once the
/// receiver is back: 200 `{"retried": true}`, the same `review:responded` body, and
/// `message:delivery` `webhook_delivered`; a person's message is re-sent as
/// `message:created` with the row and its agent, as `retryWebhookDelivery` loads it.
#[tokio::test]
async fn failed_webhook_then_retry() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let jwt = api.login_user(seed.admin()).await;
    let mut receiver = Receiver::start().await;
    let channel = hooked(&api, &server, &receiver.url("/hook")).await;
    let socket = TestSocket::with_jwt(&api, &jwt).await;
    socket.emit("subscribe:channel", json!(channel)).await;
    joined(&server, &seed.admin().id, &format!("channel:{channel}")).await;

    receiver.answer(503);
    let review = api
        .post_message(&seed.admin().api_key, approval(&channel))
        .await;
    api.post(
        &format!("/api/messages/{}/respond", review["id"].as_str().unwrap()),
        &jwt,
        json!({ "response": { "selectedOption": "approve" }, "feedback": "ok" }),
    )
    .await;
    let first = receiver.next().await;
    socket
        .expect("message:delivery", |d| {
            d["messageId"] == review["id"] && d["deliveryStatus"] == "webhook_failed"
        })
        .await;

    receiver.answer(200);
    let (status, body) = retry(&api, &jwt, &review["id"]).await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "retried": true })),
        "retried"
    );
    let again = receiver.next().await;
    assert_eq!(again.body["event"], "review:responded", "the same event");
    assert_eq!(
        again.body["response"], first.body["response"],
        "the same answer"
    );
    assert_eq!(again.body["feedback"], "ok", "with the stored feedback");
    socket
        .expect("message:delivery", |d| {
            d["messageId"] == review["id"] && d["deliveryStatus"] == "webhook_delivered"
        })
        .await;
    assert_eq!(
        server.message(review["id"].as_str().unwrap()).unwrap()["deliveryStatus"],
        "webhook_delivered",
        "stored"
    );

    receiver.answer(500);
    let (_, chat) = api
        .post(
            "/api/messages",
            &jwt,
            json!({ "channelId": channel, "text": "hello" }),
        )
        .await;
    receiver.next().await;
    receiver.answer(200);
    let (status, _) = retry(&api, &jwt, &chat["id"]).await;
    assert_eq!(status, StatusCode::OK, "a person's message is retried too");
    let resent = receiver.next().await;
    assert_eq!(
        resent.body["event"], "message:created",
        "as message:created"
    );
    let message = resent.body["message"].as_object().unwrap();
    assert_eq!(message["id"], chat["id"], "the message");
    assert_eq!(
        message["agent"]["id"],
        channel.as_str(),
        "with its agent row"
    );
    assert!(
        !message.contains_key("attachments"),
        "and no attachments: {message:?}"
    );
}

/// Retry's errors: an unknown message is 404, another user's 403, a pending review or
/// an agent message 400 "Cannot retry delivery for this message", a completed review
/// without any webhook 400 "No webhook configured for this message", and a person's
/// message to an agent without a webhook 400 "No webhook configured for this agent".
#[tokio::test]
async fn retry_errors() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let jwt = api.login_user(seed.admin()).await;
    let quiet = seed.agent("Research Assistant").unwrap().id.clone();
    let pending = api.post_message(key, approval(&quiet)).await;
    let note = api
        .post_message(key, json!({ "channelId": quiet, "text": "fyi" }))
        .await;
    let answered = api.post_message(key, approval(&quiet)).await;
    api.post(
        &format!("/api/messages/{}/respond", answered["id"].as_str().unwrap()),
        &jwt,
        json!({ "response": {} }),
    )
    .await;
    let (_, chat) = api
        .post(
            "/api/messages",
            &jwt,
            json!({ "channelId": quiet, "text": "hi" }),
        )
        .await;
    let other = api.login_user(seed.other()).await;
    let cases = [
        (
            retry(&api, &jwt, &json!("nope")).await,
            StatusCode::NOT_FOUND,
            "Message not found",
        ),
        (
            retry(&api, &other, &pending["id"]).await,
            StatusCode::FORBIDDEN,
            "Not your agent",
        ),
        (
            retry(&api, &jwt, &pending["id"]).await,
            StatusCode::BAD_REQUEST,
            "Cannot retry delivery for this message",
        ),
        (
            retry(&api, &jwt, &note["id"]).await,
            StatusCode::BAD_REQUEST,
            "Cannot retry delivery for this message",
        ),
        (
            retry(&api, &jwt, &answered["id"]).await,
            StatusCode::BAD_REQUEST,
            "No webhook configured for this message",
        ),
        (
            retry(&api, &jwt, &chat["id"]).await,
            StatusCode::BAD_REQUEST,
            "No webhook configured for this agent",
        ),
    ];
    for ((status, body), expected, message) in cases {
        assert_eq!(
            (status, body["message"].clone()),
            (expected, json!(message)),
            "{message}"
        );
    }
}
