//! Answering reviews, expiry, the human read routes and their redaction rules.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{approval, joined, server, Api, TestSocket};

/// Respond is 201 with the completed review, attachments and the raw agent row; the
/// same object goes as `review:responded` to channel subscribers only; a second answer
/// is 403 "Review already responded".
#[tokio::test]
async fn respond_then_already_responded() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let channel = seed.deploy_bot().id.clone();
    let jwt = api.login_user(server.seed().admin()).await;
    let subscribed = TestSocket::with_jwt(&api, &jwt).await;
    let user_only = TestSocket::with_jwt(&api, &jwt).await;
    subscribed.emit("subscribe:channel", json!(channel)).await;
    joined(&server, &seed.admin().id, &format!("channel:{channel}")).await;

    let posted = api
        .post_message(&seed.admin().api_key, approval(&channel))
        .await;
    let id = posted["id"].as_str().unwrap();
    let answer = json!({ "response": { "selectedOption": "approve", "comment": "ship it" }, "feedback": "nice" });
    let (status, reply) = api
        .post(&format!("/api/messages/{id}/respond"), &jwt, answer.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "respond is 201: {reply}");
    let review = &reply["review"];
    assert_eq!(review["status"], "completed", "completed");
    assert_eq!(
        review["response"], answer["response"],
        "response stored as sent"
    );
    assert_eq!(review["feedback"], "nice", "feedback stored");
    assert!(review["completedAt"].is_string(), "completedAt set");
    assert_eq!(review["type"], "approval", "the original review is kept");
    assert_eq!(reply["attachments"], json!([]), "attachments included");
    assert_eq!(
        reply["agent"]["webhookAuth"]["password"], "fake-webhook-password",
        "the raw agent row, unmasked (a server leak)"
    );
    assert_eq!(
        reply["agent"]["ownerId"],
        seed.admin().id,
        "raw row has ownerId"
    );

    let event = subscribed
        .expect("review:responded", |m| m["id"] == posted["id"])
        .await;
    assert_eq!(event, reply, "review:responded carries the reply object");
    user_only.fence().await;
    assert!(
        user_only.received("review:responded", |_| true).is_empty(),
        "review:responded goes to the channel room only"
    );

    let (status, body) = api
        .post(
            &format!("/api/messages/{id}/respond"),
            &jwt,
            json!({ "response": { "selectedOption": "reject" } }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "second answer refused");
    assert_eq!(body["message"], "Review already responded", "message");
    assert_eq!(
        server.message(id).unwrap()["review"]["response"]["selectedOption"],
        "approve",
        "the first answer stands"
    );

    let recorded = server.controls().responses_for(id);
    assert_eq!(recorded.len(), 2, "both requests recorded");
    assert_eq!(
        recorded[0].body, answer,
        "the server recorded exactly the sent body"
    );
    assert_eq!(
        recorded[0].status,
        StatusCode::CREATED,
        "first recorded as 201"
    );
    assert_eq!(
        recorded[1].status,
        StatusCode::FORBIDDEN,
        "second recorded as 403"
    );
}

/// Respond validates only the body shape, then existence, ownership and the review.
#[tokio::test]
async fn respond_errors() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let jwt = api.login_user(server.seed().admin()).await;
    let posted = api
        .post_message(&seed.admin().api_key, approval(&seed.deploy_bot().id))
        .await;
    let path = format!("/api/messages/{}/respond", posted["id"].as_str().unwrap());

    for bad in [
        json!({}),
        json!({ "response": "approve" }),
        json!({ "response": ["approve"] }),
        json!({ "response": null }),
        json!({ "response": {}, "feedback": 5 }),
        json!({ "response": {}, "modifiedFileIds": { "a": 1 } }),
        json!({ "response": {}, "modifiedFileIds": ["a"] }),
    ] {
        let (status, body) = api.post(&path, &jwt, bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad} is rejected: {body}");
        assert_eq!(
            body["message"], "Validation failed",
            "zod message for {bad}"
        );
    }

    let (status, _) = api
        .post(
            &path,
            &jwt,
            json!({ "response": { "anything": ["goes", 1] } }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "any object is accepted, type-agnostic"
    );

    let (status, body) = api
        .post(
            "/api/messages/nope/respond",
            &jwt,
            json!({ "response": {} }),
        )
        .await;
    assert_eq!(
        (status, body["message"].clone()),
        (StatusCode::NOT_FOUND, json!("Message not found")),
        "unknown id"
    );

    let plain = api
        .post_message(
            &seed.admin().api_key,
            json!({ "channelId": seed.deploy_bot().id, "text": "fyi" }),
        )
        .await;
    let (status, body) = api
        .post(
            &format!("/api/messages/{}/respond", plain["id"].as_str().unwrap()),
            &jwt,
            json!({ "response": {} }),
        )
        .await;
    assert_eq!(
        (status, body["message"].clone()),
        (StatusCode::NOT_FOUND, json!("No review on this message")),
        "no review"
    );

    let foreign = api
        .post_message(&seed.other().api_key, approval(&seed.others_agent().id))
        .await;
    let (status, body) = api
        .post(
            &format!("/api/messages/{}/respond", foreign["id"].as_str().unwrap()),
            &jwt,
            json!({ "response": {} }),
        )
        .await;
    assert_eq!(
        (status, body["message"].clone()),
        (StatusCode::FORBIDDEN, json!("Not your agent")),
        "foreign agent"
    );
}

/// An overdue review is expired by the job, `review:expired {messageId}` reaches the
/// channel room, and answering it is 403 "Review already responded".
#[tokio::test]
async fn expired_review() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let channel = seed.deploy_bot().id.clone();
    let jwt = api.login_user(server.seed().admin()).await;
    let socket = TestSocket::with_jwt(&api, &jwt).await;
    socket.emit("subscribe:channel", json!(channel)).await;
    joined(&server, &seed.admin().id, &format!("channel:{channel}")).await;

    let mut body = approval(&channel);
    body["review"]["expiresInSeconds"] = json!(1);
    let posted = api.post_message(&seed.admin().api_key, body).await;
    let id = posted["id"].as_str().unwrap();
    let event = socket
        .expect("review:expired", |e| e["messageId"] == id)
        .await;
    assert_eq!(event, json!({ "messageId": id }), "payload is the id only");
    assert_eq!(
        server.message(id).unwrap()["review"]["status"],
        "expired",
        "stored as expired"
    );

    let (status, body) = api
        .post(
            &format!("/api/messages/{id}/respond"),
            &jwt,
            json!({ "response": { "selectedOption": "approve" } }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "expired cannot be answered");
    assert_eq!(
        body["message"], "Review already responded",
        "same message as answered"
    );
}
