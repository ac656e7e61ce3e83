//! The rate limit and the request log.

use std::time::Duration;

use placet_devserver::{DevServerConfig, Throttle};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{server, server_with, Api};

fn limited(limit: u32) -> DevServerConfig {
    DevServerConfig {
        throttle: Some(Throttle {
            limit,
            window: Duration::from_secs(60),
        }),
        ..Default::default()
    }
}

/// Each route has its own budget per client IP: the request over it is 429
/// "ThrottlerException: Too Many Requests" with `Retry-After` (the block lasts the
/// window), counted requests carry `X-RateLimit-*`, unauthenticated requests count,
/// other routes and unknown paths are unaffected.
#[tokio::test]
async fn per_route_budget() {
    let server = server_with(limited(3)).await;
    let api = Api::new(&server);
    for n in 0..3 {
        let response = api.http.get(api.url("/api/agents")).send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "request {n}: the guard passes, auth refuses"
        );
        let headers = response.headers();
        assert_eq!(headers["x-ratelimit-limit"], "3", "limit header");
        assert_eq!(
            headers["x-ratelimit-remaining"],
            (2 - n).to_string().as_str(),
            "remaining header"
        );
        let reset: u64 = headers["x-ratelimit-reset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&reset), "reset in seconds: {reset}");
    }
    let response = api.http.get(api.url("/api/agents")).send().await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "over the route's budget"
    );
    assert_eq!(
        response.headers()["retry-after"],
        "60",
        "blocked for the window"
    );
    assert!(
        response.headers().get("x-ratelimit-limit").is_none(),
        "no rate headers on a blocked request"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        (
            body["statusCode"].clone(),
            body["message"].clone(),
            body["path"].clone()
        ),
        (
            json!(429),
            json!("ThrottlerException: Too Many Requests"),
            json!("/api/agents")
        ),
        "the error filter's shape"
    );

    let health = api.http.get(api.url("/health")).send().await.unwrap();
    assert_eq!(
        health.status(),
        StatusCode::OK,
        "another route has its own budget"
    );
    for _ in 0..5 {
        let response = api.http.get(api.url("/nowhere")).send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::NOT_FOUND,
            "unknown routes are never throttled"
        );
    }
    let login = server.seed().admin();
    let jwt = api.login_user(login).await;
    let response = api
        .http
        .get(api.url("/api/agents"))
        .bearer_auth(&jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the block is per IP, whoever signs in"
    );
    server.controls().reset_rate_limit();
    let response = api
        .http
        .get(api.url("/api/agents"))
        .bearer_auth(&jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "reset control");
}

/// `Throttle::UPSTREAM` is the real server's 100 requests per 60 s, and parses from
/// the CLI form.
#[test]
fn upstream_default() {
    assert_eq!(
        "100/60".parse::<Throttle>().unwrap(),
        Throttle::UPSTREAM,
        "100/60"
    );
}

/// The request log records method, path without query, status and the route budget
/// each request counted against; `take_requests` empties it.
#[tokio::test]
async fn request_log() {
    let server = server().await;
    let api = Api::new(&server);
    let seed = server.seed();
    let jwt = api.login_user(seed.admin()).await;
    server.controls().clear_requests();
    let channel = &seed.deploy_bot().id;
    api.get(&format!("/api/messages?channel={channel}&limit=5"), &jwt)
        .await;
    api.post(
        "/api/messages/nope/respond",
        &jwt,
        json!({ "response": {} }),
    )
    .await;
    api.get("/not-a-route", &jwt).await;
    let log = server.controls().take_requests();
    let seen: Vec<(&str, &str, u16, Option<&str>)> = log
        .iter()
        .map(|r| {
            (
                r.method.as_str(),
                r.path.as_str(),
                r.status.as_u16(),
                r.route.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("GET", "/api/messages", 200, Some("GET /api/messages")),
            (
                "POST",
                "/api/messages/nope/respond",
                404,
                Some("POST /api/messages/{id}/respond")
            ),
            ("GET", "/not-a-route", 404, None),
        ],
        "every request, as answered"
    );
    assert!(
        log.windows(2).all(|w| w[0].at <= w[1].at),
        "in arrival order"
    );
    assert!(
        server.controls().requests().is_empty(),
        "take_requests emptied the log"
    );
}
