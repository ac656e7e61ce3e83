//! Iteration numbering and agent deletes.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{approval, joined, server, Api, TestSocket};

async fn answer(api: &Api, jwt: &str, id: &Value) {
    let (status, body) = api
        .post(
            &format!("/api/messages/{}/respond", id.as_str().unwrap()),
            jwt,
            json!({ "response": { "selectedOption": "reject" } }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "answered: {body}");
}

fn round_of(channel: &str, target: &Value) -> Value {
    let mut body = approval(channel);
    body["iterationOf"] = target.clone();
    body
}

/// A round is the group's highest round plus one, whichever member it follows; the
/// root becomes round 1 of its own group with the second round; a refused request
/// (pending target, past expiry) writes nothing, the root keeps no group.
#[tokio::test]
async fn iteration_numbering() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let channel = &seed.deploy_bot().id;
    let jwt = api.login_user(seed.admin()).await;

    let root = api.post_message(key, approval(channel)).await;
    let (status, _) = api
        .agent_post("/api/v1/messages", key, round_of(channel, &root["id"]))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "pending target refused");
    answer(&api, &jwt, &root["id"]).await;
    let mut past = round_of(channel, &root["id"]);
    past["review"]["expiresAt"] = json!("2000-01-01T00:00:00Z");
    past["review"]
        .as_object_mut()
        .unwrap()
        .remove("expiresInSeconds");
    let (status, body) = api.agent_post("/api/v1/messages", key, past).await;
    assert_eq!(
        (status, body["message"].clone()),
        (
            StatusCode::BAD_REQUEST,
            json!("Review expiration must be in the future")
        ),
        "expiry checked after the target"
    );
    let stored_root = server.message(root["id"].as_str().unwrap()).unwrap();
    assert_eq!(
        (
            stored_root["iterationGroupId"].clone(),
            stored_root["iteration"].clone()
        ),
        (Value::Null, Value::Null),
        "refused requests leave the root alone"
    );

    let second = api.post_message(key, round_of(channel, &root["id"])).await;
    assert_eq!(
        (
            second["iterationGroupId"].clone(),
            second["iteration"].clone()
        ),
        (root["id"].clone(), json!(2)),
        "round 2 of the root's group"
    );
    let stored_root = server.message(root["id"].as_str().unwrap()).unwrap();
    assert_eq!(
        (
            stored_root["iterationGroupId"].clone(),
            stored_root["iteration"].clone()
        ),
        (root["id"].clone(), json!(1)),
        "root backfilled as round 1"
    );
    answer(&api, &jwt, &second["id"]).await;
    let third = api.post_message(key, round_of(channel, &root["id"])).await;
    assert_eq!(
        third["iteration"], 3,
        "following the root again still continues the group"
    );
    answer(&api, &jwt, &third["id"]).await;
    let fourth = api
        .post_message(key, round_of(channel, &second["id"]))
        .await;
    assert_eq!(
        fourth["iteration"], 4,
        "max + 1, not the target's round + 1"
    );

    let (_, chain) = api
        .agent_get(
            &format!(
                "/api/v1/messages/iterations/{}?channel={channel}",
                fourth["id"].as_str().unwrap()
            ),
            key,
        )
        .await;
    let rounds: Vec<&Value> = chain["iterations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["iteration"])
        .collect();
    assert_eq!(
        rounds,
        [&json!(1), &json!(2), &json!(3), &json!(4)],
        "chain in order"
    );
}

/// An agent deletes a pending review: `{"deleted": true}`, no event to anyone, the
/// review is gone from every read, and a long poll on it runs into its timeout. A chain
/// member with other members cannot be deleted.
#[tokio::test]
async fn agent_deletes_a_pending_review() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let channel = &seed.deploy_bot().id;
    let jwt = api.login_user(seed.admin()).await;
    let user = TestSocket::with_jwt(&api, &jwt).await;
    let subscriber = TestSocket::with_api_key(&api, key).await;
    subscriber.emit("subscribe:channel", json!(channel)).await;
    joined(&server, &seed.admin().id, &format!("channel:{channel}")).await;

    let review = api.post_message(key, approval(channel)).await;
    let id = review["id"].as_str().unwrap().to_owned();
    let waiting = {
        let api = api.clone();
        let (id, key, channel) = (id.clone(), key.clone(), channel.clone());
        tokio::spawn(async move {
            api.agent_get(
                &format!("/api/v1/reviews/{id}/wait?channel={channel}&timeout=1500"),
                &key,
            )
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    user.fence().await;
    subscriber.fence().await;
    let before = (user.names().len(), subscriber.names().len());

    let (status, body) = api
        .send(
            Method::DELETE,
            &format!("/api/v1/messages/{id}?channel={channel}"),
            None,
            Some(key),
            None,
        )
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "deleted": true })),
        "deleted"
    );
    user.fence().await;
    subscriber.fence().await;
    assert_eq!(
        (user.names().len(), subscriber.names().len()),
        (before.0 + 1, before.1 + 1),
        "nothing but the fences' pongs arrived"
    );
    let (status, _) = api
        .agent_get(&format!("/api/v1/messages/{id}?channel={channel}"), key)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "gone for the agent");
    let (_, pending) = api.get("/api/messages/reviews?status=pending", &jwt).await;
    assert!(
        pending.as_array().unwrap().iter().all(|m| m["id"] != id),
        "gone from the inbox"
    );
    let (status, waited) = waiting.await.unwrap();
    assert_eq!(
        (status, waited),
        (StatusCode::OK, json!({ "status": "timeout" })),
        "the long poll ends in its timeout"
    );

    let root = api.post_message(key, approval(channel)).await;
    answer(&api, &jwt, &root["id"]).await;
    let mut next = approval(channel);
    next["iterationOf"] = root["id"].clone();
    let second = api.post_message(key, next).await;
    for member in [&root, &second] {
        let (status, body) = api
            .send(
                Method::DELETE,
                &format!(
                    "/api/v1/messages/{}?channel={channel}",
                    member["id"].as_str().unwrap()
                ),
                None,
                Some(key),
                None,
            )
            .await;
        assert_eq!(
            (status, body["message"].clone()),
            (
                StatusCode::BAD_REQUEST,
                json!("Cannot delete a message that is part of an iteration chain with other messages")
            ),
            "chain member refused"
        );
    }
}
