//! The human read routes: the agents list and read markers, the message and review
//! lists with their redaction, and chat messages.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{approval, server, Api, TestSocket};

/// Agents list: masked secrets, newest first, last message, unread count; read marks.
#[tokio::test]
async fn agents_list_and_read() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let jwt = api.login_user(server.seed().admin()).await;
    let channel = seed.deploy_bot().id.clone();
    api.post_message(
        &seed.admin().api_key,
        json!({ "channelId": channel, "text": "first" }),
    )
    .await;
    api.post_message(
        &seed.admin().api_key,
        json!({ "channelId": channel, "text": "second" }),
    )
    .await;

    let (status, agents) = api.get("/api/agents", &jwt).await;
    assert_eq!(status, StatusCode::OK, "agents list");
    let names: Vec<&str> = agents
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Data Pipeline",
            "Research Assistant",
            "Canary Checker",
            "Deploy Bot"
        ],
        "newest first (the sub-agent registered right after its parent)"
    );
    let deploy = agents
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == channel.as_str())
        .unwrap();
    assert_eq!(
        deploy["webhookAuth"]["password"], "***",
        "webhook password masked"
    );
    assert_eq!(deploy["managementApiKey"], "***", "management key masked");
    assert!(deploy.get("ownerId").is_none(), "fixed field list");
    assert_eq!(deploy["lastMessage"], "second", "last message text");
    assert!(deploy["lastMessageTime"].is_string(), "last message time");
    assert_eq!(deploy["unreadCount"], 2, "two unread agent messages");
    let quiet = agents
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "Data Pipeline")
        .unwrap();
    assert!(
        quiet.get("lastMessage").is_none(),
        "no lastMessage for an empty channel"
    );
    assert_eq!(quiet["managementApiKey"], Value::Null, "null when not set");

    let (status, body) = api
        .post(&format!("/api/agents/{channel}/read"), &jwt, Value::Null)
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::CREATED, Value::Null),
        "read is 201, empty"
    );
    let (_, agents) = api.get("/api/agents", &jwt).await;
    let deploy = agents
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == channel.as_str())
        .unwrap();
    assert_eq!(deploy["unreadCount"], 0, "read marker applied");

    let (status, body) = api
        .post(
            &format!("/api/agents/{}/read", seed.others_agent().id),
            &jwt,
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "foreign agent");
    assert_eq!(body["message"], "Agent not found", "message");
}

/// Message list pagination, the reviews list filters, `GET /api/messages/:id`, and
/// password redaction on every human read route.
#[tokio::test]
async fn human_reads_and_redaction() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let jwt = api.login_user(server.seed().admin()).await;
    let channel = seed.deploy_bot().id.clone();

    let form = api
        .post_message(
            key,
            json!({
                "channelId": channel,
                "text": "Credentials please",
                "review": { "type": "form", "payload": { "fields": [
                    { "name": "user", "type": "text", "label": "User" },
                    { "name": "secret", "type": "password", "label": "Secret" }
                ]}}
            }),
        )
        .await;
    let form_id = form["id"].as_str().unwrap();
    let pending = api.post_message(key, approval(&channel)).await;
    api.post_message(key, json!({ "channelId": channel, "text": "note" }))
        .await;

    let (status, reply) = api
        .post(
            &format!("/api/messages/{form_id}/respond"),
            &jwt,
            json!({ "response": { "user": "ann", "secret": "hunter2" } }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "form answered");
    assert_eq!(
        reply["review"]["response"]["secret"], "hunter2",
        "the respond reply is not redacted"
    );
    assert_eq!(
        server.message(form_id).unwrap()["review"]["response"]["secret"],
        "hunter2",
        "stored raw"
    );

    let (_, page1) = api
        .get(&format!("/api/messages?channel={channel}&limit=2"), &jwt)
        .await;
    let data = page1["data"].as_array().unwrap();
    assert_eq!(data.len(), 2, "limit 2");
    assert_eq!(data[0]["text"], "note", "newest first");
    assert_eq!(
        data[0]["statusEvents"],
        json!([]),
        "statusEvents on list items"
    );
    assert_eq!(
        page1["nextCursor"], data[1]["id"],
        "cursor is the last id of a full page"
    );
    let (_, page2) = api
        .get(
            &format!(
                "/api/messages?channel={channel}&limit=2&cursor={}",
                page1["nextCursor"].as_str().unwrap()
            ),
            &jwt,
        )
        .await;
    let data2 = page2["data"].as_array().unwrap();
    assert_eq!(data2.len(), 1, "the rest");
    assert_eq!(data2[0]["id"], form_id, "oldest last");
    assert_eq!(
        data2[0]["review"]["response"]["secret"], "***REDACTED***",
        "redacted in the list"
    );
    assert_eq!(
        data2[0]["review"]["response"]["user"], "ann",
        "other answers kept"
    );
    assert_eq!(page2["nextCursor"], Value::Null, "no more pages");

    let (_, pendings) = api.get("/api/messages/reviews?status=pending", &jwt).await;
    let ids: Vec<&Value> = pendings
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["id"])
        .collect();
    assert_eq!(ids, [&pending["id"]], "pending only");
    let (_, all) = api
        .get(&format!("/api/messages/reviews?channel={channel}"), &jwt)
        .await;
    assert_eq!(
        all.as_array().unwrap().len(),
        2,
        "status omitted means all statuses"
    );
    let (_, completed) = api
        .get("/api/messages/reviews?status=completed", &jwt)
        .await;
    assert_eq!(
        completed[0]["review"]["response"]["secret"], "***REDACTED***",
        "redacted in the reviews list"
    );

    let (status, one) = api.get(&format!("/api/messages/{form_id}"), &jwt).await;
    assert_eq!(status, StatusCode::OK, "get one");
    assert_eq!(
        one["review"]["response"]["secret"], "***REDACTED***",
        "redacted in get"
    );
    let agent = one["agent"].as_object().unwrap();
    for removed in ["webhookAuth", "webhookHeaders", "webhookUrl"] {
        assert!(
            !agent.contains_key(removed),
            "{removed} removed from the agent"
        );
    }
    assert_eq!(
        agent["managementApiKey"], "mgmt_fake_secret_do_not_display",
        "managementApiKey kept (a server leak)"
    );

    let (status, body) = api
        .get(
            &format!("/api/messages?channel={}", seed.others_agent().id),
            &jwt,
        )
        .await;
    assert_eq!(
        (status, body["message"].clone()),
        (StatusCode::FORBIDDEN, json!("Not your agent")),
        "foreign list"
    );
    let (status, _) = api
        .get(
            &format!("/api/messages/reviews?channel={}", seed.others_agent().id),
            &jwt,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "foreign reviews");
}

/// A human chat message is 201 and emits `message:created` without `agentName`.
#[tokio::test]
async fn user_chat_message() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let jwt = api.login_user(server.seed().admin()).await;
    let socket = TestSocket::with_jwt(&api, &jwt).await;
    let (status, message) = api
        .post(
            "/api/messages",
            &jwt,
            json!({ "channelId": seed.deploy_bot().id, "text": "status?" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "created: {message}");
    assert_eq!(message["senderType"], "user", "sent by the user");
    assert_eq!(
        message["senderId"],
        seed.admin().id,
        "sender id is the user id"
    );
    let event = socket
        .expect("message:created", |m| m["id"] == message["id"])
        .await;
    assert!(
        event.get("agentName").is_none(),
        "no agentName for user messages"
    );
    let (status, _) = api
        .post(
            "/api/messages",
            &jwt,
            json!({ "channelId": seed.deploy_bot().id }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "text or attachments required"
    );
}
