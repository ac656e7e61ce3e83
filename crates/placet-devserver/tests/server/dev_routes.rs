//! The test controls over `/__dev` HTTP, for tests that run the server in another
//! process.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{eventually, server_with_dev_routes, Api};

/// The `/__dev` HTTP routes (when turned on): seed, sockets, responses, drop-reply,
/// invalidate-tokens, handshakes, the stale-stream job, the request log, demo reviews
/// and restart.
#[tokio::test]
async fn http_controls() {
    let server = server_with_dev_routes().await;
    let api = Api::new(&server);
    let post = |path: &'static str| {
        let api = api.clone();
        async move {
            let response = api.http.post(api.url(path)).send().await.unwrap();
            let status = response.status();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let seed: Value = api
        .http
        .get(api.url("/__dev/seed"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        seed["users"][0]["email"], "admin@placet.local",
        "seed over HTTP"
    );
    assert_eq!(
        seed["users"][0]["apiKey"],
        server.seed().admin().api_key,
        "with the API key"
    );

    for kind in [
        "approval",
        "selection",
        "multi-selection",
        "form",
        "text-input",
        "freeform",
    ] {
        let response = api
            .http
            .post(api.url(&format!("/__dev/demo/{kind}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "demo {kind}");
    }
    let jwt = api.login_user(server.seed().admin()).await;
    let (_, pending) = api.get("/api/messages/reviews?status=pending", &jwt).await;
    assert_eq!(
        pending.as_array().unwrap().len(),
        6,
        "six demo reviews pending"
    );
    let form = pending
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["review"]["type"] == "form")
        .unwrap();
    let form_id = form["id"].as_str().unwrap();

    assert_eq!(
        post("/__dev/drop-next-respond-reply").await.0,
        StatusCode::OK,
        "arm drop"
    );
    let dropped = api
        .http
        .post(api.url(&format!("/api/messages/{form_id}/respond")))
        .bearer_auth(&jwt)
        .json(&json!({ "response": { "deployToken": "s3cret" } }))
        .send()
        .await;
    assert!(dropped.is_err(), "reply dropped");
    let responses: Value = api
        .http
        .get(api.url("/__dev/responses"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(responses[0]["messageId"], form_id, "recorded id");
    assert_eq!(
        responses[0]["body"]["response"]["deployToken"], "s3cret",
        "recorded body"
    );
    assert_eq!(responses[0]["status"], 201, "recorded status");
    assert_eq!(responses[0]["replyDropped"], true, "recorded drop");
    let raw: Value = api
        .http
        .get(api.url(&format!("/__dev/messages/{form_id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        raw["review"]["response"]["deployToken"], "s3cret",
        "raw message, unredacted"
    );

    assert_eq!(
        post("/__dev/invalidate-tokens").await.0,
        StatusCode::OK,
        "invalidate"
    );
    let (status, _) = api.get("/api/auth/me", &jwt).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "old JWT dead");

    let (status, body) = post("/__dev/refuse-handshakes?ms=60000").await;
    assert_eq!(
        (status, body["refusingForMs"].clone()),
        (StatusCode::OK, json!(60000)),
        "refuse"
    );
    let response = api
        .http
        .get(api.url("/socket.io/?EIO=4&transport=polling"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "refused"
    );
    assert_eq!(
        post("/__dev/accept-handshakes").await.0,
        StatusCode::OK,
        "accept again"
    );

    let (status, body) = post("/__dev/abort-stale-streams").await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "aborted": [] })),
        "stale-stream job on demand"
    );
    let log: Value = api
        .http
        .get(api.url("/__dev/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let me = log
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == "/api/auth/me")
        .expect("the request log over HTTP");
    assert_eq!(
        (
            me["method"].clone(),
            me["status"].clone(),
            me["route"].clone()
        ),
        (json!("GET"), json!(401), json!("GET /api/auth/me")),
        "method, status and route budget"
    );
    assert!(me["at"].is_string(), "arrival time");
    let response = api
        .http
        .delete(api.url("/__dev/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "clear the log");

    let (status, _) = post("/__dev/restart?downMs=300").await;
    assert_eq!(status, StatusCode::ACCEPTED, "restart accepted");
    eventually("the server to go down", || async {
        api.http
            .get(api.url("/health"))
            .send()
            .await
            .is_err()
            .then_some(())
    })
    .await;
    eventually("the server to come back", || async {
        api.http
            .get(api.url("/health"))
            .send()
            .await
            .ok()
            .filter(|r| r.status() == StatusCode::OK)
    })
    .await;
    assert!(
        server.message(form_id).is_some(),
        "data kept across the HTTP restart"
    );
}
