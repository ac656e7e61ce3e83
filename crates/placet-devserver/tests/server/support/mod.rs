//! Shared test fixtures: a server per test, an HTTP helper and a recording Socket.IO
//! client. Every wait has a timeout; nothing asserts after a bare sleep.

mod socket;

use std::future::Future;
use std::time::Duration;

use placet_devserver::{DevServer, DevServerConfig, SeedUser};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub use socket::{joined, TestSocket};

/// How long any single expected event may take.
pub const EVENT_TIMEOUT: Duration = Duration::from_secs(5);

/// A fresh server on 127.0.0.1:0 with a fast (100 ms) expiry job.
pub async fn server() -> DevServer {
    server_with(DevServerConfig {
        expiry_tick: Duration::from_millis(100),
        ..Default::default()
    })
    .await
}

/// Like [`server`], with the `/__dev` HTTP routes on.
pub async fn server_with_dev_routes() -> DevServer {
    server_with(DevServerConfig {
        expiry_tick: Duration::from_millis(100),
        dev_routes: true,
        ..Default::default()
    })
    .await
}

pub async fn server_with(config: DevServerConfig) -> DevServer {
    DevServer::start(config)
        .await
        .expect("dev server starts on 127.0.0.1:0")
}

/// Polls `check` every 20 ms until it yields `Some`, or panics after `EVENT_TIMEOUT`.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + EVENT_TIMEOUT;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// HTTP calls against one server. Bodies come back as JSON (`Null` when empty).
#[derive(Clone)]
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
}

impl Api {
    pub fn new(server: &DevServer) -> Self {
        Self {
            http: reqwest::Client::builder()
                .no_proxy()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(20))
                .build()
                .expect("reqwest client"),
            base: server.base_url(),
        }
    }

    /// The same calls against another base URL (the web listener of a split layout).
    pub fn at(&self, base: &str) -> Self {
        Self {
            http: self.http.clone(),
            base: base.to_owned(),
        }
    }

    /// Calls against `base` from the loopback address `from` (127.0.0.0/8 is all local),
    /// so the server sees a client of its own.
    pub fn from_address(base: &str, from: std::net::IpAddr) -> Self {
        Self {
            http: reqwest::Client::builder()
                .no_proxy()
                .local_address(from)
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(20))
                .build()
                .expect("reqwest client"),
            base: base.to_owned(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a request with an optional JWT (Bearer), API key and JSON body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        jwt: Option<&str>,
        api_key: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, self.url(path));
        if let Some(jwt) = jwt {
            request = request.bearer_auth(jwt);
        }
        if let Some(key) = api_key {
            request = request.header("x-api-key", key);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request reaches the server");
        let status = response.status();
        let text = response.text().await.expect("response body");
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, value)
    }

    pub async fn get(&self, path: &str, jwt: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, Some(jwt), None, None).await
    }

    pub async fn post(&self, path: &str, jwt: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::POST, path, Some(jwt), None, Some(body))
            .await
    }

    pub async fn agent_get(&self, path: &str, key: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None, Some(key), None).await
    }

    pub async fn agent_post(&self, path: &str, key: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::POST, path, None, Some(key), Some(body))
            .await
    }

    /// Logs in and returns the JWT from the `access_token` cookie.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let response = self
            .http
            .post(self.url("/api/auth/login"))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .expect("login request");
        assert_eq!(response.status(), StatusCode::OK, "login succeeds");
        let cookie = response
            .headers()
            .get("set-cookie")
            .expect("login sets a cookie")
            .to_str()
            .expect("ascii cookie")
            .to_owned();
        cookie
            .strip_prefix("access_token=")
            .and_then(|rest| rest.split(';').next())
            .expect("access_token cookie")
            .to_owned()
    }

    /// Logs a seeded user in with the password the server picked for this run.
    pub async fn login_user(&self, user: &SeedUser) -> String {
        self.login(&user.email, &user.password).await
    }

    /// A fresh ws-ticket for this JWT.
    pub async fn ticket(&self, jwt: &str) -> String {
        let (status, body) = self
            .send(Method::POST, "/api/auth/ws-ticket", Some(jwt), None, None)
            .await;
        assert_eq!(status, StatusCode::OK, "ws-ticket succeeds: {body}");
        body["ticket"].as_str().expect("ticket string").to_owned()
    }

    /// Posts an agent message and returns the created message (asserting 201).
    pub async fn post_message(&self, key: &str, body: Value) -> Value {
        let (status, message) = self.agent_post("/api/v1/messages", key, body).await;
        assert_eq!(status, StatusCode::CREATED, "message created: {message}");
        message
    }
}

/// An approval review body for `channel`.
pub fn approval(channel: &str) -> Value {
    json!({
        "channelId": channel,
        "text": "Deploy?",
        "review": {
            "type": "approval",
            "payload": {
                "options": [
                    { "id": "approve", "label": "Approve", "style": "primary" },
                    { "id": "reject", "label": "Reject", "style": "danger" }
                ],
                "allowComment": true
            },
            "expiresInSeconds": 3600
        }
    })
}
