//! Which routes redact password answers and which add `textContent`: exactly where
//! messages.service.ts calls `sanitizeMessageForClient` and `enrichTextAttachments`.
//! The iteration chain, in particular, shows earlier rounds as stored.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{server, Api};

const REDACTED: &str = "***REDACTED***";

/// A form review with a user name and a password field.
fn credentials_form(channel: &str) -> Value {
    json!({
        "channelId": channel,
        "text": "Credentials please",
        "review": { "type": "form", "payload": { "fields": [
            { "name": "user", "type": "text", "label": "User" },
            { "name": "secret", "type": "password", "label": "Secret" }
        ]}}
    })
}

/// The message with `id` in a list.
fn find<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("{id} in {list}"))
}

/// Round 1's password answer is redacted in the lists (human and agent API), the
/// reviews list and the human single message, but the iteration chain (human and agent
/// route), the agent API's single reads show it as stored.
#[tokio::test]
async fn earlier_rounds_are_not_redacted_in_the_chain() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let jwt = api.login_user(seed.admin()).await;
    let channel = seed.deploy_bot().id.clone();

    let round1 = api.post_message(key, credentials_form(&channel)).await;
    let id1 = round1["id"].as_str().unwrap().to_owned();
    let (status, _) = api
        .post(
            &format!("/api/messages/{id1}/respond"),
            &jwt,
            json!({ "response": { "user": "ann", "secret": "hunter2" },
                "feedback": "Use the staging account" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "round 1 answered");
    let mut body = credentials_form(&channel);
    body["iterationOf"] = json!(id1);
    let round2 = api.post_message(key, body).await;
    let id2 = round2["id"].as_str().unwrap().to_owned();
    assert_eq!(round2["iteration"], 2, "a revision");

    let (_, chain) = api
        .get(
            &format!("/api/messages/{id2}/iterations?channel={channel}"),
            &jwt,
        )
        .await;
    let (_, agent_chain) = api
        .agent_get(
            &format!("/api/v1/messages/iterations/{id2}?channel={channel}"),
            key,
        )
        .await;
    for (what, chain) in [("human", &chain), ("agent", &agent_chain)] {
        let first = &chain["iterations"][0];
        assert_eq!(first["id"], id1.as_str(), "{what}: round 1 first");
        assert_eq!(
            first["review"]["response"]["secret"], "hunter2",
            "{what} iteration chain: the earlier round as stored"
        );
        assert_eq!(
            first["review"]["feedback"], "Use the staging account",
            "{what}: its feedback, the context of round 2"
        );
    }
    let (_, one) = api
        .agent_get(&format!("/api/v1/messages/{id1}?channel={channel}"), key)
        .await;
    let (_, review) = api
        .agent_get(&format!("/api/v1/reviews/{id1}?channel={channel}"), key)
        .await;
    for (what, message) in [
        ("GET /api/v1/messages/:id", &one),
        ("GET /api/v1/reviews/:id", &review),
    ] {
        assert_eq!(
            message["review"]["response"]["secret"], "hunter2",
            "{what}: as stored"
        );
    }

    let (_, human_one) = api.get(&format!("/api/messages/{id1}"), &jwt).await;
    let (_, human_list) = api
        .get(&format!("/api/messages?channel={channel}"), &jwt)
        .await;
    let (_, agent_list) = api
        .agent_get(&format!("/api/v1/messages?channel={channel}"), key)
        .await;
    let (_, reviews) = api
        .get("/api/messages/reviews?status=completed", &jwt)
        .await;
    for (what, message) in [
        ("GET /api/messages/:id", &human_one),
        ("GET /api/messages", find(&human_list["data"], &id1)),
        ("GET /api/v1/messages", find(&agent_list["data"], &id1)),
        ("GET /api/messages/reviews", find(&reviews, &id1)),
    ] {
        assert_eq!(
            message["review"]["response"]["secret"], REDACTED,
            "{what}: redacted"
        );
        assert_eq!(
            message["review"]["response"]["user"], "ann",
            "{what}: other answers kept"
        );
    }
}

/// Only set answers of `form` reviews are redacted: an empty password answer stays
/// empty, and a password-typed field of another review type is not touched.
#[tokio::test]
async fn only_set_form_answers_are_redacted() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let jwt = api.login_user(seed.admin()).await;
    let channel = seed.deploy_bot().id.clone();
    let form = api.post_message(key, credentials_form(&channel)).await;
    let mut freeform = credentials_form(&channel);
    freeform["review"]["type"] = json!("freeform");
    let freeform = api.post_message(key, freeform).await;
    for (message, response) in [
        (&form, json!({ "user": "ann", "secret": "" })),
        (&freeform, json!({ "user": "ann", "secret": "plain" })),
    ] {
        let id = message["id"].as_str().unwrap();
        api.post(
            &format!("/api/messages/{id}/respond"),
            &jwt,
            json!({ "response": response }),
        )
        .await;
        let (_, shown) = api.get(&format!("/api/messages/{id}"), &jwt).await;
        assert_eq!(
            shown["review"]["response"], response,
            "shown as answered: {}",
            message["review"]["type"]
        );
    }
}

/// `textContent` is added to the agent's create reply but not to its list or single
/// reads, which return the stored rows.
#[tokio::test]
async fn text_content_only_where_enriched() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let channel = seed.deploy_bot().id.clone();
    let created = api
        .post_message(
            key,
            json!({ "channelId": channel, "textAttachments": [{ "content": "# Notes" }] }),
        )
        .await;
    assert_eq!(
        created["attachments"][0]["textContent"], "# Notes",
        "the create reply is enriched"
    );
    let id = created["id"].as_str().unwrap();
    let (_, list) = api
        .agent_get(&format!("/api/v1/messages?channel={channel}"), key)
        .await;
    let (_, one) = api
        .agent_get(&format!("/api/v1/messages/{id}?channel={channel}"), key)
        .await;
    for (what, message) in [("list", find(&list["data"], id)), ("single", &one)] {
        let attachment = message["attachments"][0].as_object().unwrap();
        assert!(
            !attachment.contains_key("textContent"),
            "{what}: as stored: {attachment:?}"
        );
    }
}
