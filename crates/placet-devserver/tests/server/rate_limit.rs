//! The rate limit and the request log.

use std::time::Duration;

use placet_devserver::{DevServerConfig, Layout, Throttle};
use reqwest::{Method, StatusCode};
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

/// Behind the split layout's web listener every client shares one budget, because the
/// backend counts `req.ip` (it trusts no proxy) and sees the proxy; the same two clients
/// going to the backend directly each have their own.
#[tokio::test]
async fn clients_behind_the_web_listener_share_a_budget() {
    let server = server_with(DevServerConfig {
        layout: Layout::split_loopback(0),
        ..limited(2)
    })
    .await;
    let alice = [127, 0, 0, 2].into();
    let bob = [127, 0, 0, 3].into();
    let via_web = |from| Api::from_address(&server.web_url(), from);
    let direct = |from| Api::from_address(&server.api_url(), from);
    for n in 0..2 {
        let (status, _) = via_web(alice)
            .send(Method::GET, "/api/agents", None, None, None)
            .await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "alice's request {n} through the web listener counts"
        );
    }
    let (status, body) = via_web(bob)
        .send(Method::GET, "/api/nope", None, None, None)
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another route is another budget: {body}"
    );
    let (status, body) = via_web(bob)
        .send(Method::GET, "/api/agents", None, None, None)
        .await;
    assert_eq!(
        (status, body["message"].clone()),
        (
            StatusCode::TOO_MANY_REQUESTS,
            json!("ThrottlerException: Too Many Requests")
        ),
        "bob's first request spends the budget alice used: they share the proxy's"
    );
    for (who, from) in [("alice", alice), ("bob", bob)] {
        let (status, _) = direct(from)
            .send(Method::GET, "/api/agents", None, None, None)
            .await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{who} straight to the backend has a budget of their own"
        );
    }
}

/// In the one-origin layout (the all-in-one image) every request reaches the backend
/// through nginx and Next.js inside the container, so all clients share one budget too.
#[tokio::test]
async fn one_origin_counts_every_client_as_the_image() {
    let server = server_with(limited(1)).await;
    let (status, _) = Api::from_address(&server.api_url(), [127, 0, 0, 2].into())
        .send(Method::GET, "/health", None, None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "first client");
    let (status, _) = Api::from_address(&server.api_url(), [127, 0, 0, 3].into())
        .send(Method::GET, "/health", None, None, None)
        .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "another client address, the same budget"
    );
}
