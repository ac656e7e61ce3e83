//! The OAuth relay: an agent's `oauth:start`, the provider's redirect to
//! `GET /api/v1/oauth/callback`, and the in-process helpers.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{joined, server, Api, TestSocket};

/// GETs the callback with this query; returns the status, content type and page.
async fn callback(api: &Api, query: &str) -> (StatusCode, String, String) {
    let response = api
        .http
        .get(api.url(&format!("/api/v1/oauth/callback?{query}")))
        .send()
        .await
        .expect("callback request");
    let status = response.status();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (status, content_type, response.text().await.unwrap())
}

/// An agent socket's `oauth:start` reaches the owner's JWT sockets (user room) as
/// `{channelId, state, provider, authUrl, deviceCode}` with `null` for what is missing,
/// and not the agent's own API-key socket; without `provider`, or for another user's
/// channel, nothing is sent.
#[tokio::test]
async fn oauth_start_goes_to_the_owner() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let channel = seed.deploy_bot().id.clone();
    let person = TestSocket::with_jwt(&api, &api.login_user(seed.admin()).await).await;
    let agent = TestSocket::with_api_key(&api, &seed.admin().api_key).await;
    agent.emit("subscribe:channel", json!(channel)).await;
    joined(&server, &seed.admin().id, &format!("channel:{channel}")).await;

    agent
        .emit(
            "oauth:start",
            json!({ "channelId": seed.others_agent().id, "state": "s0", "provider": "github",
                "authUrl": "https://github.com/login/oauth/authorize?state=s0" }),
        )
        .await;
    agent
        .emit(
            "oauth:start",
            json!({ "channelId": channel, "state": "s0" }),
        )
        .await;
    let auth_url = "https://github.com/login/oauth/authorize?state=s1";
    agent
        .emit(
            "oauth:start",
            json!({ "channelId": channel, "state": "s1", "provider": "github", "authUrl": auth_url }),
        )
        .await;
    let start = person.expect("oauth:start", |_| true).await;
    assert_eq!(
        start,
        json!({ "channelId": channel, "state": "s1", "provider": "github",
            "authUrl": auth_url, "deviceCode": null }),
        "the owner's clients get the flow"
    );
    person.fence().await;
    agent.fence().await;
    assert_eq!(
        person.received("oauth:start", |_| true).len(),
        1,
        "nothing for a foreign channel or without a provider"
    );
    assert!(
        agent.received("oauth:start", |_| true).is_empty(),
        "API-key sockets are in no user room"
    );
}

/// The provider's redirect with the registered `state` sends `oauth:code {state, code,
/// provider}` to the channel room and shows a success page; the state is then spent
/// (400); a missing code is 400; a provider error is relayed as `oauth:error` with a
/// 200 failure page; a device-code flow (no `authUrl`) registers nothing.
#[tokio::test]
async fn callback_relays_the_code() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let channel = seed.deploy_bot().id.clone();
    let agent = TestSocket::with_api_key(&api, &seed.admin().api_key).await;
    agent.emit("subscribe:channel", json!(channel)).await;
    joined(&server, &seed.admin().id, &format!("channel:{channel}")).await;
    for (state, with_url) in [("s1", true), ("s2", true), ("dev", false)] {
        let mut flow = json!({ "state": state, "provider": "google" });
        if with_url {
            flow["authUrl"] = json!("https://accounts.example.com/o/oauth2/auth");
        } else {
            flow["deviceCode"] = json!({ "verificationUri": "https://example.com/device",
                "userCode": "ABCD-EFGH", "expiresIn": 900 });
        }
        assert!(server.oauth_start(&channel, flow).await, "{state} started");
    }

    let (status, content_type, page) = callback(&api, "state=s1&code=4%2F0Ab").await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "text/html"),
        "success page"
    );
    assert!(page.contains("Authorization Successful"), "{page}");
    let code = agent.expect("oauth:code", |_| true).await;
    assert_eq!(
        code,
        json!({ "state": "s1", "code": "4/0Ab", "provider": "google" }),
        "the code goes to the channel"
    );
    let (status, _, page) = callback(&api, "state=s1&code=again").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a state is used once");
    assert!(page.contains("OAuth session expired or invalid"), "{page}");
    let (status, _, page) = callback(&api, "state=s2").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no code");
    assert!(page.contains("Missing state or code parameter"), "{page}");

    let (status, _, page) = callback(&api, "state=s2&error=access_denied").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a provider error is a 200 failure page"
    );
    assert!(
        page.contains("Something went wrong: access_denied"),
        "{page}"
    );
    let error = agent.expect("oauth:error", |_| true).await;
    assert_eq!(
        error,
        json!({ "state": "s2", "error": "access_denied", "errorDescription": null,
            "provider": "google" }),
        "relayed to the channel"
    );
    assert!(
        !server.oauth_code("dev", "x").await,
        "a device-code flow waits for no callback"
    );
    agent.fence().await;
    assert_eq!(
        agent.received("oauth:code", |_| true).len(),
        1,
        "one code only"
    );
}

/// The in-process helpers do what the socket and the callback do: `oauth_start` for a
/// device-code flow reaches the owner's clients, `oauth_code` completes a flow with an
/// `authUrl`.
#[tokio::test]
async fn helpers() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let channel = seed.agent("Data Pipeline").unwrap().id.clone();
    let person = TestSocket::with_jwt(&api, &api.login_user(seed.admin()).await).await;
    person.emit("subscribe:channel", json!(channel)).await;
    joined(&server, &seed.admin().id, &format!("channel:{channel}")).await;
    let device = json!({ "verificationUri": "https://github.com/login/device",
        "userCode": "WDJB-MJHT", "expiresIn": 900 });
    assert!(
        server
            .oauth_start(
                &channel,
                json!({ "state": "d1", "provider": "github", "deviceCode": device })
            )
            .await,
        "started"
    );
    let start = person.expect("oauth:start", |_| true).await;
    assert_eq!(start["deviceCode"], device, "device code");
    assert_eq!(start["authUrl"], Value::Null, "no URL");
    assert!(
        !server
            .oauth_start("nope", json!({ "state": "x", "provider": "y" }))
            .await,
        "unknown agent"
    );

    assert!(
        server
            .oauth_start(
                &channel,
                json!({ "state": "w1", "provider": "github",
                "authUrl": "https://github.com/login/oauth/authorize" })
            )
            .await,
        "web flow"
    );
    assert!(server.oauth_code("w1", "c0de").await, "completed");
    let code = person.expect("oauth:code", |_| true).await;
    assert_eq!(code["code"], "c0de", "relayed");
}
