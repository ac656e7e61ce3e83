//! The order in which a request is judged, as NestJS on Fastify does it: Fastify
//! parses the body first (a broken JSON body fails before anything else), then the
//! guards run (the rate limit, then authentication: 401), then the validation pipes
//! (400), then the handler (403, 404, ...).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{server, Api};

/// Every route with a body, as `(method, path, agent API?)`. `:m` is replaced by a
/// real message id and `:a` by a real agent id, so only the credential and the body
/// are wrong.
const ROUTES: &[(&str, &str, bool)] = &[
    ("POST", "/api/auth/change-password", false),
    ("POST", "/api/auth/ws-ticket", false),
    ("POST", "/api/auth/refresh", false),
    ("POST", "/api/agents/:a/read", false),
    ("POST", "/api/messages", false),
    ("POST", "/api/messages/:m/respond", false),
    ("POST", "/api/messages/:m/retry", false),
    ("POST", "/api/files/store", false),
    ("POST", "/api/v1/agents", true),
    ("POST", "/api/v1/agents/setSubagent", true),
    ("POST", "/api/v1/status/ping", true),
    ("POST", "/api/v1/messages", true),
    ("PATCH", "/api/v1/messages/streams/s1", true),
    ("POST", "/api/v1/messages/streams/s1/status", true),
    ("POST", "/api/v1/messages/:m/ack?channel=:a", true),
    ("POST", "/api/v1/files/store-text", true),
];

/// The route's path with real ids.
fn path_of(template: &str, message: &str, agent: &str) -> String {
    template.replace(":m", message).replace(":a", agent)
}

/// Sends `body` (raw bytes, JSON content type) with an optional credential.
async fn send(
    api: &Api,
    method: &str,
    path: &str,
    agent_api: bool,
    credential: Option<&str>,
    body: &str,
) -> (StatusCode, Value) {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = api
        .http
        .request(method, api.url(path))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(credential) = credential {
        request = if agent_api {
            request.header("x-api-key", credential)
        } else {
            request.bearer_auth(credential)
        };
    }
    let response = request.send().await.expect("request reaches the server");
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// On every route of both families, a missing or bad credential is a 401 with the
/// guard's message even when the body is invalid too: authentication comes before
/// validation.
#[tokio::test]
async fn authentication_before_validation() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let agent = seed.deploy_bot().id.clone();
    let message = server
        .post_agent_message(
            &seed.admin().api_key,
            json!({ "channelId": agent, "text": "hi" }),
        )
        .await
        .1["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let invalid = r#"{"nonsense": [1, 2, 3]}"#;
    for &(method, template, agent_api) in ROUTES {
        let path = path_of(template, &message, &agent);
        let bad = if agent_api {
            format!("hp_{}", "0".repeat(48))
        } else {
            "not.a.jwt".to_owned()
        };
        for credential in [None, Some(bad.as_str())] {
            let (status, body) = send(&api, method, &path, agent_api, credential, invalid).await;
            let expected = match (agent_api, credential) {
                (false, _) => "Unauthorized",
                (true, None) => "Missing or invalid API key",
                (true, Some(_)) => "Invalid API key",
            };
            assert_eq!(
                (status, body["message"].clone()),
                (StatusCode::UNAUTHORIZED, json!(expected)),
                "{method} {path} with {credential:?} and an invalid body"
            );
        }
    }
}

/// A body that is not JSON although it says so is refused before the guards look at
/// the credential: Fastify parses bodies before NestJS runs anything.
#[tokio::test]
async fn broken_json_before_authentication() {
    let server = server().await;
    let api = Api::new(&server);
    for &(method, template, agent_api) in ROUTES {
        let path = path_of(template, "m1", "a1");
        for (body, message) in [
            (
                "{broken",
                "Body is not valid JSON but content-type is set to 'application/json'",
            ),
            (
                "",
                "Body cannot be empty when content-type is set to 'application/json'",
            ),
        ] {
            let (status, reply) = send(&api, method, &path, agent_api, None, body).await;
            assert_eq!(
                (status, reply["message"].clone()),
                (StatusCode::BAD_REQUEST, json!(message)),
                "{method} {path} without a credential and with the body {body:?}"
            );
        }
    }
}
