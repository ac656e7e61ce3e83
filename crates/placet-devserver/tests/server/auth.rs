//! Login, the access-token cookie, `me`, `refresh`, `logout`, ws-tickets, the two auth
//! worlds, and the error body shape.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{server, Api};

fn assert_error_body(body: &Value, status: u16, message: &str, path: &str) {
    assert_eq!(body["statusCode"], status, "statusCode in {body}");
    assert_eq!(body["message"], message, "message in {body}");
    assert_eq!(body["path"], path, "path in {body}");
    let timestamp = body["timestamp"].as_str().expect("timestamp string");
    assert!(
        timestamp.ends_with('Z') && timestamp.len() == 24,
        "timestamp like toISOString(): {timestamp}"
    );
}

/// Login answers 200 with the user only; the JWT is in an HttpOnly cookie and works as
/// a cookie and as a Bearer token for `me`.
#[tokio::test]
async fn login_sets_cookie_and_me_accepts_it() {
    let server = server().await;
    let api = Api::new(&server);
    let admin = server.seed().admin();
    let response = api
        .http
        .post(api.url("/api/auth/login"))
        .json(&json!({ "email": admin.email, "password": admin.password }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "login is 200, not 201");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=604800"] {
        assert!(
            cookie.contains(attribute),
            "cookie has {attribute}: {cookie}"
        );
    }
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "user": {
            "id": admin.id, "email": admin.email, "displayName": "Admin",
            "role": "owner", "mustChangePassword": false
        }}),
        "login body is the user only"
    );

    let jwt = cookie
        .strip_prefix("access_token=")
        .and_then(|r| r.split(';').next())
        .unwrap()
        .to_owned();
    let (status, me) = api.get("/api/auth/me", &jwt).await;
    assert_eq!(status, StatusCode::OK, "me with Bearer");
    assert_eq!(me["user"]["id"], admin.id, "me returns the user");

    let by_cookie = api
        .http
        .get(api.url("/api/auth/me"))
        .header("cookie", format!("access_token={jwt}"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_cookie.status(), StatusCode::OK, "me with the cookie");
}

/// Wrong password is 401 "Invalid credentials"; a malformed body is 400.
#[tokio::test]
async fn login_errors() {
    let server = server().await;
    let api = Api::new(&server);
    let (status, body) = api
        .send(
            Method::POST,
            "/api/auth/login",
            None,
            None,
            Some(json!({ "email": "admin@placet.local", "password": "wrong" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "wrong password");
    assert_error_body(&body, 401, "Invalid credentials", "/api/auth/login");

    for bad in [
        json!({ "email": "not-an-email", "password": "x" }),
        json!({ "email": "admin@placet.local", "password": "" }),
        json!({ "email": "admin@placet.local" }),
        json!([]),
    ] {
        let (status, body) = api
            .send(
                Method::POST,
                "/api/auth/login",
                None,
                None,
                Some(bad.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "schema failure for {bad}");
        assert_error_body(&body, 400, "Validation failed", "/api/auth/login");
    }
}

/// `me` without or with a bad token is 401 "Unauthorized".
#[tokio::test]
async fn me_requires_a_valid_jwt() {
    let server = server().await;
    let api = Api::new(&server);
    let (status, body) = api
        .send(Method::GET, "/api/auth/me", None, None, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "no token");
    assert_error_body(&body, 401, "Unauthorized", "/api/auth/me");
    let (status, _) = api.get("/api/auth/me", "garbage").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "bad token");
}

/// ws-ticket is 200 `{ticket}`, a JWT with only `sub` (plus iat/exp) valid for 30 s.
#[tokio::test]
async fn ws_ticket_is_a_short_jwt() {
    let server = server().await;
    let api = Api::new(&server);
    let jwt = api.login_user(server.seed().admin()).await;
    let (status, body) = api
        .send(Method::POST, "/api/auth/ws-ticket", Some(&jwt), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "ws-ticket is 200");
    let ticket = body["ticket"].as_str().expect("ticket");
    let claims = ticket.split('.').nth(1).expect("JWT payload");
    let claims: Value = serde_json::from_slice(&base64url_decode(claims)).expect("JSON claims");
    assert_eq!(claims["sub"], server.seed().admin().id, "ticket sub");
    assert!(
        claims.get("email").is_none(),
        "ticket has no email: {claims}"
    );
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        30,
        "ticket lasts 30 s"
    );
    let (status, _) = api
        .send(Method::POST, "/api/auth/ws-ticket", None, None, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "ws-ticket needs a JWT");
}

/// refresh is 200 with a new cookie; logout is 200 "Logged out", clears the cookie and
/// leaves the JWT valid.
#[tokio::test]
async fn refresh_and_logout() {
    let server = server().await;
    let api = Api::new(&server);
    let jwt = api.login_user(server.seed().admin()).await;
    let refreshed = api
        .http
        .post(api.url("/api/auth/refresh"))
        .bearer_auth(&jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), StatusCode::OK, "refresh is 200");
    assert!(
        refreshed.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("access_token=ey"),
        "refresh sets a new cookie"
    );
    let body: Value = refreshed.json().await.unwrap();
    assert!(
        body["user"].get("mustChangePassword").is_none(),
        "refresh's user has no mustChangePassword: {body}"
    );

    let logout = api
        .http
        .post(api.url("/api/auth/logout"))
        .bearer_auth(&jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::OK, "logout is 200");
    assert!(
        logout.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("access_token=;"),
        "logout clears the cookie"
    );
    assert_eq!(
        logout.json::<Value>().await.unwrap(),
        json!({ "message": "Logged out" }),
        "logout body"
    );
    let (status, _) = api.get("/api/auth/me", &jwt).await;
    assert_eq!(status, StatusCode::OK, "the JWT stays valid after logout");
}

/// API keys are refused on human routes and JWTs on the agent API, with the guards'
/// own messages.
#[tokio::test]
async fn the_two_auth_worlds_do_not_mix() {
    let server = server().await;
    let api = Api::new(&server);
    let key = &server.seed().admin().api_key;
    let jwt = api.login_user(server.seed().admin()).await;

    let (status, body) = api.get("/api/agents", key).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "API key as Bearer on /api"
    );
    assert_eq!(body["message"], "Unauthorized", "passport message");

    let (status, body) = api.get("/api/v1/agents", &jwt).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "JWT on /api/v1");
    assert_error_body(&body, 401, "Missing or invalid API key", "/api/v1/agents");

    let (status, body) = api.agent_get("/api/v1/agents", "sk_nope").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "key without hp_");
    assert_eq!(
        body["message"], "Missing or invalid API key",
        "guard message"
    );

    let unknown = format!("hp_{}", "0".repeat(48));
    let (status, body) = api.agent_get("/api/v1/agents", &unknown).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "unknown key");
    assert_eq!(body["message"], "Invalid API key", "guard message");

    let (status, agents) = api.agent_get("/api/v1/agents", key).await;
    assert_eq!(status, StatusCode::OK, "a real key works");
    assert_eq!(
        agents.as_array().map(Vec::len),
        Some(4),
        "the admin's three agents and a sub-agent"
    );
}

/// Unknown routes and methods are 404 "Cannot METHOD /path"; bad JSON is 400; all in
/// the NestJS error shape.
#[tokio::test]
async fn error_body_shape() {
    let server = server().await;
    let api = Api::new(&server);
    let (status, body) = api
        .send(Method::GET, "/api/nothing?x=1", None, None, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "unknown route");
    assert_error_body(
        &body,
        404,
        "Cannot GET /api/nothing?x=1",
        "/api/nothing?x=1",
    );

    let (status, body) = api
        .send(Method::PUT, "/api/auth/login", None, None, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "known path, other method");
    assert_error_body(&body, 404, "Cannot PUT /api/auth/login", "/api/auth/login");

    let response = api
        .http
        .post(api.url("/api/auth/login"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "bad JSON");
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["statusCode"], 400,
        "bad JSON has the error shape: {body}"
    );

    let response = api
        .http
        .post(api.url("/api/auth/login"))
        .header("content-type", "text/plain")
        .body("email=admin")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "wrong content type"
    );
    let body: Value = response.json().await.unwrap();
    assert_error_body(&body, 400, "Validation failed", "/api/auth/login");

    let (status, body) = api.send(Method::GET, "/health", None, None, None).await;
    assert_eq!(status, StatusCode::OK, "health needs no auth");
    assert_eq!(body["status"], "ok", "health body");
}

/// An account seeded with `mustChangePassword` reports it at login and in `me`;
/// `change-password` (JWT, `{currentPassword, newPassword}`) answers 200 "Password
/// changed successfully" and clears it; a wrong current password is 401 "Current
/// password is incorrect", a new one under 8 characters 400; the new password logs in.
#[tokio::test]
async fn must_change_password() {
    let server = crate::support::server_with(placet_devserver::DevServerConfig {
        must_change_password: true,
        ..Default::default()
    })
    .await;
    let api = Api::new(&server);
    let admin = server.seed().admin();
    let response = api
        .http
        .post(api.url("/api/auth/login"))
        .json(&json!({ "email": admin.email, "password": admin.password }))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["mustChangePassword"], true, "login reports it");
    let jwt = api.login_user(admin).await;
    let (_, me) = api.get("/api/auth/me", &jwt).await;
    assert_eq!(me["user"]["mustChangePassword"], true, "me reports it");

    let change = |current: &str, new: &str| {
        api.post(
            "/api/auth/change-password",
            &jwt,
            json!({ "currentPassword": current, "newPassword": new }),
        )
    };
    let (status, body) = change("wrong-password", "a-new-password").await;
    assert_eq!(
        (status, body["message"].clone()),
        (
            StatusCode::UNAUTHORIZED,
            json!("Current password is incorrect")
        ),
        "wrong current password"
    );
    let (status, body) = change(&admin.password, "short").await;
    assert_eq!(
        (status, body["message"].clone()),
        (StatusCode::BAD_REQUEST, json!("Validation failed")),
        "newPassword needs 8 characters"
    );
    let (status, body) = change(&admin.password, "a-new-password").await;
    assert_eq!(
        (status, body),
        (
            StatusCode::OK,
            json!({ "message": "Password changed successfully" })
        ),
        "changed"
    );
    let (_, me) = api.get("/api/auth/me", &jwt).await;
    assert_eq!(
        me["user"]["mustChangePassword"], false,
        "the flag is cleared"
    );
    api.login(&admin.email, "a-new-password").await;
    let (_, other) = api
        .get("/api/auth/me", &api.login_user(server.seed().other()).await)
        .await;
    assert_eq!(
        other["user"]["mustChangePassword"], true,
        "both accounts were seeded so"
    );
}

fn base64url_decode(input: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in input.bytes() {
        let Some(v) = ALPHABET.iter().position(|&a| a == c) else {
            continue;
        };
        buffer = (buffer << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}
