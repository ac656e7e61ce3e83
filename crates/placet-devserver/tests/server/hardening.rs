//! Demo-mode hardening: per-run secrets, loopback `Host` names only, dev routes opt-in.

use placet_devserver::DevServerConfig;
use reqwest::StatusCode;
use serde_json::json;

use crate::receiver::raw_http;
use crate::support::{server, server_with, Api};

fn get(path: &str, host: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
}

/// Requests addressed to a name other than localhost, 127.0.0.1 or [::1] (a
/// DNS-rebinding page) are refused with 403 before any route or Socket.IO sees them;
/// loopback names with any port pass; `allow_remote_hosts` lifts the rule.
#[tokio::test]
async fn loopback_host_names_only() {
    let server = server().await;
    let addr = server.addr();
    let port = addr.port();
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "[::1]:1".to_owned(),
        "localhost".to_owned(),
    ] {
        let (status, _) = raw_http(addr, &get("/health", &host)).await;
        assert_eq!(status, 200, "Host {host} served");
    }
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_owned(),
        format!("localhost.evil.example:{port}"),
        format!("192.168.1.20:{port}"),
    ] {
        let (status, text) = raw_http(addr, &get("/health", &host)).await;
        assert_eq!(status, 403, "Host {host} refused: {text}");
        assert!(
            text.contains("\"statusCode\":403"),
            "error body for {host}: {text}"
        );
        let (status, _) = raw_http(addr, &get("/socket.io/?EIO=4&transport=polling", &host)).await;
        assert_eq!(status, 403, "Socket.IO refused for {host} too");
    }
    let (status, _) = raw_http(addr, "GET /health HTTP/1.0\r\n\r\n").await;
    assert_eq!(status, 403, "no Host at all is refused");

    let open = server_with(DevServerConfig {
        allow_remote_hosts: true,
        ..Default::default()
    })
    .await;
    let (status, _) = raw_http(open.addr(), &get("/health", "evil.example")).await;
    assert_eq!(status, 200, "allow_remote_hosts serves any Host");
}

/// `/__dev/*` is not served unless asked for: it answers like any unknown route.
#[tokio::test]
async fn dev_routes_are_opt_in() {
    let server = server().await;
    let api = Api::new(&server);
    let response = api.http.get(api.url("/__dev/seed")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "no dev routes");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["message"], "Cannot GET /__dev/seed", "NestJS 404");
    let response = api.http.post(api.url("/__dev/kick")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "no kick either");
}

/// Each run has its own JWT secret and admin password: a token of one server, or one
/// signed with the upstream default secret, is worthless to another; "changeme" does
/// not log in; a configured password does.
#[tokio::test]
async fn per_run_secrets() {
    let first = server().await;
    let second = server().await;
    let api = Api::new(&second);
    let admin = second.seed().admin();
    assert_ne!(
        first.seed().admin().password,
        admin.password,
        "random passwords"
    );
    assert_ne!(admin.password, "changeme", "not the documented default");
    let (status, _) = api
        .send(
            reqwest::Method::POST,
            "/api/auth/login",
            None,
            None,
            Some(json!({ "email": admin.email, "password": "changeme" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "changeme refused");
    api.login_user(admin).await;

    let foreign = first.access_token(&first.seed().admin().id).unwrap();
    let (status, _) = api.get("/api/auth/me", &foreign).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "another run's token");
    let now = chrono::Utc::now().timestamp();
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({ "sub": admin.id, "email": admin.email, "role": "owner",
                 "iat": now, "exp": now + 3600 }),
        &jsonwebtoken::EncodingKey::from_secret(b"change-me-in-production"),
    )
    .unwrap();
    let (status, _) = api.get("/api/auth/me", &forged).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the upstream default secret"
    );

    let fixed = server_with(DevServerConfig {
        admin_password: Some("changeme".to_owned()),
        ..Default::default()
    })
    .await;
    assert_eq!(fixed.seed().admin().password, "changeme", "seed reports it");
    Api::new(&fixed)
        .login("admin@placet.local", "changeme")
        .await;
}
