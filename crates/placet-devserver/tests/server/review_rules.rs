//! When a review may be answered, and what an API-key client can list.

use std::time::Duration;

use chrono::{DateTime, Utc};
use placet_devserver::DevServerConfig;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{approval, server, server_with, Api};

/// A review whose `expiresAt` has passed but which the expiry job (here once an hour)
/// has not marked yet is still pending and answerable with 201: respond looks only at
/// `review.status`.
#[tokio::test]
async fn overdue_but_unmarked_review_is_answerable() {
    let server = server_with(DevServerConfig {
        expiry_tick: Duration::from_secs(3600),
        ..Default::default()
    })
    .await;
    let api = Api::new(&server);
    let seed = server.seed();
    let jwt = api.login_user(seed.admin()).await;
    let mut body = approval(&seed.deploy_bot().id);
    body["review"]["expiresInSeconds"] = json!(1);
    let review = api.post_message(&seed.admin().api_key, body).await;
    let expires_at: DateTime<Utc> = review["review"]["expiresAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let overdue_by = (expires_at - Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(overdue_by + Duration::from_millis(200)).await;
    assert!(Utc::now() > expires_at, "the expiry time has passed");

    let (_, pending) = api.get("/api/messages/reviews?status=pending", &jwt).await;
    assert!(
        pending
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == review["id"]),
        "still listed as pending: {pending}"
    );
    let (status, answered) = api
        .post(
            &format!("/api/messages/{}/respond", review["id"].as_str().unwrap()),
            &jwt,
            json!({ "response": { "selectedOption": "approve" } }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "answered: {answered}");
    assert_eq!(
        answered["review"]["status"], "completed",
        "completed, not expired"
    );
}

/// The agent API has no pending list across a key's agents: `GET
/// /api/v1/reviews/pending` needs `channel` (403 "Not your agent" without), so a
/// watch-only client lists the agents and asks per channel.
#[tokio::test]
async fn pending_reviews_per_channel_only() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let key = &seed.admin().api_key;
    let channel = seed.deploy_bot().id.clone();
    let review = api.post_message(key, approval(&channel)).await;
    let (status, body) = api.agent_get("/api/v1/reviews/pending", key).await;
    assert_eq!(
        (status, body["message"].clone()),
        (StatusCode::FORBIDDEN, json!("Not your agent")),
        "no channel"
    );
    let (status, list) = api
        .agent_get(&format!("/api/v1/reviews/pending?channel={channel}"), key)
        .await;
    assert_eq!(status, StatusCode::OK, "per channel");
    assert_eq!(list[0]["id"], review["id"], "the pending review");
}
