//! Shared test fixtures: a server per test, an HTTP helper and a recording Socket.IO
//! client. Every wait has a timeout; nothing asserts after a bare sleep.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::FutureExt;
use placet_devserver::{DevServer, DevServerConfig, SeedUser};
use reqwest::{Method, StatusCode};
use rust_socketio::asynchronous::{Client, ClientBuilder};
use rust_socketio::{Event, Payload, TransportType};
use serde_json::{json, Value};
use tokio::sync::watch;

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

/// Everything a test socket received, in order, including the pseudo-events
/// `connect`, `error` and `close`.
#[derive(Default)]
struct EventLog {
    events: Mutex<Vec<(String, Value)>>,
    changed: Option<watch::Sender<usize>>,
}

impl EventLog {
    fn push(&self, name: String, payload: Value) {
        let len = {
            let mut events = self.events.lock().unwrap();
            events.push((name, payload));
            events.len()
        };
        if let Some(tx) = &self.changed {
            tx.send_replace(len);
        }
    }
}

/// A rust_socketio client (websocket only, no automatic reconnect) recording events.
pub struct TestSocket {
    client: Client,
    log: Arc<EventLog>,
    changes: watch::Receiver<usize>,
}

fn first_value(payload: Payload) -> Value {
    match payload {
        Payload::Text(mut values) if !values.is_empty() => values.swap_remove(0),
        #[allow(deprecated)]
        Payload::String(s) => serde_json::from_str(&s).unwrap_or(Value::String(s)),
        _ => Value::Null,
    }
}

impl TestSocket {
    /// Connects to `/ws` with this handshake `auth`. `Ok` once the namespace CONNECT
    /// arrived; `Err(text)` with the client's error text on `connect_error` or when the
    /// HTTP handshake fails.
    pub async fn connect(base_url: &str, auth: Value) -> Result<TestSocket, String> {
        let (tx, changes) = watch::channel(0);
        let log = Arc::new(EventLog {
            events: Mutex::default(),
            changed: Some(tx),
        });
        let record = |name: &'static str, log: Arc<EventLog>| {
            move |payload: Payload, _: Client| {
                let log = log.clone();
                async move { log.push(name.to_owned(), first_value(payload)) }.boxed()
            }
        };
        let any_log = log.clone();
        let client = ClientBuilder::new(base_url)
            .namespace("/ws")
            .auth(auth)
            .transport_type(TransportType::Websocket)
            .reconnect(false)
            .on(Event::Connect, record("connect", log.clone()))
            .on(Event::Error, record("error", log.clone()))
            .on(Event::Close, record("close", log.clone()))
            .on_any(move |event, payload, _| {
                let log = any_log.clone();
                async move {
                    let value = first_value(payload);
                    // rust_socketio 0.6 reads an event without arguments, `["pong"]`, as a
                    // "message" event whose payload is the event name.
                    if event == Event::Message && value == "pong" {
                        log.push("pong".to_owned(), Value::Null);
                    } else {
                        log.push(event.to_string(), value);
                    }
                }
                .boxed()
            })
            .connect()
            .await
            .map_err(|e| format!("handshake failed: {e}"))?;
        let socket = TestSocket {
            client,
            log,
            changes,
        };
        let outcome = socket
            .wait_until(|events| {
                events
                    .iter()
                    .find_map(|(name, payload)| match name.as_str() {
                        "connect" => Some(Ok(())),
                        "error" => Some(Err(payload.to_string())),
                        _ => None,
                    })
            })
            .await;
        match outcome {
            Some(Ok(())) => Ok(socket),
            Some(Err(e)) => {
                let _ = socket.client.disconnect().await;
                Err(e)
            }
            None => Err("no connect or connect_error within the timeout".to_owned()),
        }
    }

    /// Connects with a fresh ws-ticket of this JWT, panicking on failure.
    pub async fn with_jwt(api: &Api, jwt: &str) -> TestSocket {
        let ticket = api.ticket(jwt).await;
        Self::connect(&api.base, json!({ "token": ticket }))
            .await
            .expect("socket connects with a ticket")
    }

    /// Connects with an API key, panicking on failure.
    pub async fn with_api_key(api: &Api, key: &str) -> TestSocket {
        Self::connect(&api.base, json!({ "apiKey": key }))
            .await
            .expect("socket connects with an API key")
    }

    /// Runs `check` on the log whenever it changes, up to `EVENT_TIMEOUT`.
    async fn wait_until<T>(&self, check: impl Fn(&[(String, Value)]) -> Option<T>) -> Option<T> {
        let mut changes = self.changes.clone();
        let deadline = tokio::time::Instant::now() + EVENT_TIMEOUT;
        loop {
            changes.borrow_and_update();
            if let Some(found) = check(&self.log.events.lock().unwrap()) {
                return Some(found);
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => {}
                _ => return None,
            }
        }
    }

    /// Waits for an `event` whose payload satisfies `pred`; panics after the timeout.
    pub async fn expect(&self, event: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.wait_until(|events| {
            events
                .iter()
                .find(|(name, payload)| name == event && pred(payload))
                .map(|(_, payload)| payload.clone())
        })
        .await
        .unwrap_or_else(|| {
            panic!(
                "no {event:?} event within {EVENT_TIMEOUT:?}; got {:?}",
                self.names()
            )
        })
    }

    /// Waits for any of `events`; returns which arrived first, or `None` on timeout.
    pub async fn wait_for_any(&self, events: &[&str]) -> Option<String> {
        self.wait_until(|log| {
            log.iter()
                .find(|(name, _)| events.contains(&name.as_str()))
                .map(|(name, _)| name.clone())
        })
        .await
    }

    /// Payloads of every `event` received so far that satisfy `pred`.
    pub fn received(&self, event: &str, pred: impl Fn(&Value) -> bool) -> Vec<Value> {
        self.log
            .events
            .lock()
            .unwrap()
            .iter()
            .filter(|(name, payload)| name == event && pred(payload))
            .map(|(_, payload)| payload.clone())
            .collect()
    }

    /// Names of the events received so far (for assertion messages).
    pub fn names(&self) -> Vec<String> {
        self.log
            .events
            .lock()
            .unwrap()
            .iter()
            .map(|(name, _)| name.clone())
            .collect()
    }

    pub async fn emit(&self, event: &str, data: Value) {
        self.client
            .emit(event, data)
            .await
            .expect("emit on a connected socket");
    }

    /// Sends `ping` and waits for the matching `pong`. The server writes to one socket in
    /// order, so any event it sent this socket before handling the ping has arrived
    /// once this returns.
    pub async fn fence(&self) {
        let before = self.received("pong", |_| true).len();
        self.emit("ping", Value::Null).await;
        self.wait_until(|events| {
            (events.iter().filter(|(name, _)| name == "pong").count() > before).then_some(())
        })
        .await
        .expect("pong after ping");
    }

    pub async fn disconnect(self) {
        let _ = self.client.disconnect().await;
    }
}

/// Waits until the server shows a socket of `user_id` in `room` (subscribe has no ack).
pub async fn joined(server: &DevServer, user_id: &str, room: &str) {
    eventually(&format!("{user_id} to join {room}"), || async {
        server
            .controls()
            .sockets()
            .iter()
            .any(|s| s.user_id == user_id && s.rooms.iter().any(|r| r == room))
            .then_some(())
    })
    .await;
}
