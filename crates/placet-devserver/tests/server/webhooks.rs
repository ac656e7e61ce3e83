//! Webhooks to a loopback receiver and the `message:delivery` events after them.

use placet_devserver::{DevServer, DevServerConfig};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::receiver::Receiver;
use crate::support::{approval, joined, server, server_with, Api, TestSocket};

/// An agent of the admin's whose webhook is `url`.
async fn agent_with_webhook(api: &Api, server: &DevServer, url: &str) -> String {
    let (status, agent) = api
        .agent_post(
            "/api/v1/agents",
            &server.seed().admin().api_key,
            json!({ "name": "Hooked", "webhookUrl": url }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "agent created: {agent}");
    agent["id"].as_str().unwrap().to_owned()
}

/// A JWT socket subscribed to `channel`.
async fn subscribed(api: &Api, server: &DevServer, jwt: &str, channel: &str) -> TestSocket {
    let socket = TestSocket::with_jwt(api, jwt).await;
    socket.emit("subscribe:channel", json!(channel)).await;
    joined(
        server,
        &server.seed().admin().id,
        &format!("channel:{channel}"),
    )
    .await;
    socket
}

/// A user message goes to the agent's webhook as `{event: "message:created",
/// channelId, message}`; a 2xx makes it `webhook_delivered`, anything else
/// `webhook_failed`, each announced by `message:delivery` to the channel; the agent's
/// ack makes it `agent_received`.
#[tokio::test]
async fn user_message_webhook_and_delivery() {
    let server = server().await;
    let api = Api::new(&server);
    let mut receiver = Receiver::start().await;
    let channel = agent_with_webhook(&api, &server, &receiver.url("/hook")).await;
    let jwt = api.login_user(server.seed().admin()).await;
    let socket = subscribed(&api, &server, &jwt, &channel).await;

    let (status, message) = api
        .post(
            "/api/messages",
            &jwt,
            json!({ "channelId": channel, "text": "Ship it" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{message}");
    assert_eq!(message["deliveryStatus"], "sent", "the reply comes first");
    let hook = receiver.next().await;
    assert_eq!(
        (hook.method.as_str(), hook.path.as_str()),
        ("POST", "/hook")
    );
    assert_eq!(
        hook.headers["content-type"], "application/json",
        "JSON body"
    );
    assert_eq!(hook.body["event"], "message:created", "event");
    assert_eq!(hook.body["channelId"], channel.as_str(), "channelId");
    assert_eq!(hook.body["message"]["id"], message["id"], "the message");
    assert_eq!(hook.body["message"]["text"], "Ship it", "with its text");
    let delivery = socket
        .expect("message:delivery", |d| d["messageId"] == message["id"])
        .await;
    assert_eq!(
        delivery,
        json!({ "messageId": message["id"], "deliveryStatus": "webhook_delivered" }),
        "delivered"
    );
    assert_eq!(
        server.message(message["id"].as_str().unwrap()).unwrap()["deliveryStatus"],
        "webhook_delivered",
        "stored"
    );

    receiver.answer(500);
    let (_, failing) = api
        .post(
            "/api/messages",
            &jwt,
            json!({ "channelId": channel, "text": "Again" }),
        )
        .await;
    receiver.next().await;
    socket
        .expect("message:delivery", |d| {
            d["messageId"] == failing["id"] && d["deliveryStatus"] == "webhook_failed"
        })
        .await;

    let (status, _) = api
        .agent_post(
            &format!(
                "/api/v1/messages/{}/ack?channel={channel}",
                failing["id"].as_str().unwrap()
            ),
            &server.seed().admin().api_key,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "ack");
    socket
        .expect("message:delivery", |d| {
            d["messageId"] == failing["id"] && d["deliveryStatus"] == "agent_received"
        })
        .await;
    socket.fence().await;
    assert!(
        socket
            .received("message:delivery", |d| d["deliveryStatus"] == "sent")
            .is_empty(),
        "\"sent\" is a stored default, never an event"
    );
}

/// Respond sends `review:responded` with `message_id`, `review_type`, `response` and
/// `responded_at`; an empty `feedback` and an empty `modifiedFileIds` are neither stored
/// nor sent, non-empty ones are both.
#[tokio::test]
async fn respond_webhook_keeps_only_truthy_extras() {
    let server = server().await;
    let api = Api::new(&server);
    let mut receiver = Receiver::start().await;
    let channel = agent_with_webhook(&api, &server, &receiver.url("/r")).await;
    let key = &server.seed().admin().api_key;
    let jwt = api.login_user(server.seed().admin()).await;
    let socket = subscribed(&api, &server, &jwt, &channel).await;

    let plain = api.post_message(key, approval(&channel)).await;
    let (status, answered) = api
        .post(
            &format!("/api/messages/{}/respond", plain["id"].as_str().unwrap()),
            &jwt,
            json!({ "response": { "selectedOption": "approve" }, "feedback": "", "modifiedFileIds": {} }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{answered}");
    let review = answered["review"].as_object().unwrap();
    assert!(
        !review.contains_key("feedback") && !review.contains_key("modifiedFileIds"),
        "empty extras not stored: {review:?}"
    );
    let hook = receiver.next().await;
    assert_eq!(hook.body["event"], "review:responded", "event");
    assert_eq!(hook.body["message_id"], plain["id"], "message_id");
    assert_eq!(hook.body["review_type"], "approval", "review_type");
    assert_eq!(
        hook.body["response"],
        json!({ "selectedOption": "approve" }),
        "response"
    );
    assert_eq!(
        hook.body["responded_at"], review["completedAt"],
        "responded_at"
    );
    let keys = hook.body.as_object().unwrap();
    assert!(
        !keys.contains_key("feedback") && !keys.contains_key("modifiedFileIds"),
        "empty extras not sent: {keys:?}"
    );
    assert!(!keys.contains_key("iterationGroupId"), "no chain");
    socket
        .expect("message:delivery", |d| {
            d["messageId"] == plain["id"] && d["deliveryStatus"] == "webhook_delivered"
        })
        .await;

    let full = api.post_message(key, approval(&channel)).await;
    let (_, answered) = api
        .post(
            &format!("/api/messages/{}/respond", full["id"].as_str().unwrap()),
            &jwt,
            json!({ "response": { "selectedOption": "reject" }, "feedback": "smaller",
                    "modifiedFileIds": { "a": "b" } }),
        )
        .await;
    assert_eq!(answered["review"]["feedback"], "smaller", "feedback stored");
    assert_eq!(
        answered["review"]["modifiedFileIds"],
        json!({ "a": "b" }),
        "map stored"
    );
    let hook = receiver.next().await;
    assert_eq!(hook.body["feedback"], "smaller", "feedback sent");
    assert_eq!(
        hook.body["modifiedFileIds"],
        json!({ "a": "b" }),
        "map sent"
    );
}

/// The review webhook goes to the message's `webhookUrl` first, with the agent's
/// headers and basic auth; without any webhook the legacy `review.callback` is used
/// with its own method and headers; a URL this server does not call (the seeded
/// `hooks.example.com`) leaves the message `sent` and emits nothing, as the real
/// server's refused URLs do.
#[tokio::test]
async fn callback_resolution_and_refused_urls() {
    let server = server().await;
    let api = Api::new(&server);
    let mut receiver = Receiver::start().await;
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let jwt = api.login_user(seed.admin()).await;
    let deploy = seed.deploy_bot().id.clone();
    let socket = subscribed(&api, &server, &jwt, &deploy).await;
    let respond = |id: &Value| {
        let (api, jwt, id) = (api.clone(), jwt.clone(), id.as_str().unwrap().to_owned());
        async move {
            let (status, _) = api
                .post(
                    &format!("/api/messages/{id}/respond"),
                    &jwt,
                    json!({ "response": { "ok": true } }),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "answered");
        }
    };

    let mut with_url = approval(&deploy);
    with_url["webhookUrl"] = json!(receiver.url("/per-message"));
    let message = api.post_message(key, with_url).await;
    respond(&message["id"]).await;
    let hook = receiver.next().await;
    assert_eq!(hook.path, "/per-message", "the message's webhookUrl wins");
    assert_eq!(
        hook.headers["authorization"], "Basic ZGVwbG95LWJvdDpmYWtlLXdlYmhvb2stcGFzc3dvcmQ=",
        "the agent's basic auth (deploy-bot:fake-webhook-password)"
    );
    assert_eq!(
        hook.headers["x-webhook-secret"], "whsec_fake_do_not_display",
        "the agent's headers"
    );

    let research = seed.agent("Research Assistant").unwrap().id.clone();
    let mut legacy = approval(&research);
    legacy["review"]["callback"] = json!({
        "url": receiver.url("/legacy"),
        "method": "PUT",
        "headers": { "X-Cb": "1" }
    });
    let message = api.post_message(key, legacy).await;
    respond(&message["id"]).await;
    let hook = receiver.next().await;
    assert_eq!(
        (hook.method.as_str(), hook.path.as_str()),
        ("PUT", "/legacy"),
        "review.callback with its method"
    );
    assert_eq!(hook.headers["x-cb"], "1", "and its headers");
    assert!(
        hook.headers.get("authorization").is_none(),
        "no auth on a legacy callback"
    );

    let refused = api.post_message(key, approval(&deploy)).await;
    respond(&refused["id"]).await;
    let (status, body) = api
        .post(
            &format!("/api/messages/{}/retry", refused["id"].as_str().unwrap()),
            &jwt,
            json!({}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "retrying a refused URL is a 400: {body}"
    );
    socket.fence().await;
    assert!(
        socket
            .received("message:delivery", |d| d["messageId"] == refused["id"])
            .is_empty(),
        "no delivery event for a refused URL"
    );
    assert_eq!(
        server.message(refused["id"].as_str().unwrap()).unwrap()["deliveryStatus"],
        "sent",
        "still sent"
    );
    assert!(
        receiver.received_now().is_empty(),
        "nothing else was called"
    );
}

/// Retry re-sends a completed review's webhook and answers 200 `{"retried": true}`;
/// an expiring review sends a best-effort `review:expired` webhook with no delivery
/// tracking.
#[tokio::test]
async fn retry_and_expiry_webhooks() {
    let server = server().await;
    let api = Api::new(&server);
    let mut receiver = Receiver::start().await;
    let channel = agent_with_webhook(&api, &server, &receiver.url("/h")).await;
    let key = &server.seed().admin().api_key;
    let jwt = api.login_user(server.seed().admin()).await;
    let socket = subscribed(&api, &server, &jwt, &channel).await;

    let review = api.post_message(key, approval(&channel)).await;
    let id = review["id"].as_str().unwrap();
    api.post(
        &format!("/api/messages/{id}/respond"),
        &jwt,
        json!({ "response": { "x": 1 }, "feedback": "why" }),
    )
    .await;
    receiver.next().await;
    let (status, body) = api
        .post(&format!("/api/messages/{id}/retry"), &jwt, json!({}))
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "retried": true })),
        "retried"
    );
    let again = receiver.next().await;
    assert_eq!(again.body["event"], "review:responded", "same event");
    assert_eq!(again.body["feedback"], "why", "from the stored review");
    let (status, body) = api
        .post(
            &format!("/api/messages/{}/retry", review["id"].as_str().unwrap()),
            &api.login_user(server.seed().other()).await,
            json!({}),
        )
        .await;
    assert_eq!(
        (status, body["message"].clone()),
        (StatusCode::FORBIDDEN, json!("Not your agent")),
        "another user's message"
    );

    let mut short = approval(&channel);
    short["review"]["expiresInSeconds"] = json!(1);
    let expiring = api.post_message(key, short).await;
    socket.fence().await;
    let deliveries_before = socket.received("message:delivery", |_| true).len();
    let hook = receiver.next().await;
    assert_eq!(hook.body["event"], "review:expired", "expiry webhook");
    assert_eq!(hook.body["message_id"], expiring["id"], "message_id");
    assert_eq!(hook.body["review_type"], "approval", "review_type");
    assert!(hook.body["expired_at"].is_string(), "expired_at");
    socket.expect("review:expired", |_| true).await;
    socket.fence().await;
    assert_eq!(
        socket.received("message:delivery", |_| true).len(),
        deliveries_before,
        "the expiry webhook is not tracked"
    );
}

/// With webhooks off nothing is sent, not even to loopback, and nothing changes.
#[tokio::test]
async fn webhooks_off() {
    let server = server_with(DevServerConfig {
        webhooks: placet_devserver::Webhooks::Off,
        ..Default::default()
    })
    .await;
    let api = Api::new(&server);
    let mut receiver = Receiver::start().await;
    let channel = agent_with_webhook(&api, &server, &receiver.url("/off")).await;
    let jwt = api.login_user(server.seed().admin()).await;
    let (_, message) = api
        .post(
            "/api/messages",
            &jwt,
            json!({ "channelId": channel, "text": "hi" }),
        )
        .await;
    assert!(
        receiver.received_now().is_empty(),
        "no call (refusal is decided before the reply)"
    );
    assert_eq!(
        server.message(message["id"].as_str().unwrap()).unwrap()["deliveryStatus"],
        "sent",
        "unchanged"
    );
}
