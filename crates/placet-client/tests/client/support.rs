//! Shared fixtures: a dev server on 127.0.0.1:0, a signed-in client, waits with timeouts.

use std::future::Future;
use std::time::Duration;

use placet_client::backoff::Backoff;
use placet_client::inbox::InboxChange;
use placet_client::{
    Credential, Inbox, RestClient, Secret, ServerUrl, Session, SessionConfig, SessionState,
};
use placet_devserver::{DevServer, DevServerConfig};
use serde_json::{json, Value};
use tokio::sync::{broadcast, watch};

/// How long any single wait in these tests may take before it fails.
pub const WAIT: Duration = Duration::from_secs(10);

pub fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_test_writer()
        .try_init();
}

/// A dev server with a fast expiry job.
pub async fn server() -> DevServer {
    server_with(DevServerConfig {
        expiry_tick: Duration::from_millis(100),
        ..Default::default()
    })
    .await
}

/// A dev server started with `config`.
pub async fn server_with(config: DevServerConfig) -> DevServer {
    init_tracing();
    DevServer::start(config).await.expect("dev server starts")
}

pub fn url(server: &DevServer) -> ServerUrl {
    ServerUrl::parse(&server.base_url()).expect("dev server URL")
}

/// A client signed in as the admin user.
pub async fn admin(server: &DevServer) -> RestClient {
    let rest = RestClient::new(url(server));
    let admin = server.seed().admin();
    let (_, token) = rest
        .login(&admin.email, &Secret::new(admin.password.clone()))
        .await
        .expect("admin signs in");
    rest.authenticated(Credential::Jwt(token))
}

/// Session settings that make reconnect tests fast.
pub fn fast() -> SessionConfig {
    SessionConfig {
        ping_interval: Duration::from_millis(500),
        pong_timeout: Duration::from_millis(1500),
        backoff: Backoff {
            min: Duration::from_millis(100),
            max: Duration::from_millis(400),
            jitter: 0.1,
        },
        connect_timeout: Duration::from_secs(5),
        resync_backoff: Backoff {
            min: Duration::from_millis(200),
            max: Duration::from_secs(1),
            jitter: 0.1,
        },
        ..SessionConfig::default()
    }
}

/// Starts a session and waits until it is connected.
pub async fn connected(rest: &RestClient, inbox: &Inbox) -> Session {
    let session = Session::start(rest.clone(), inbox.clone(), fast());
    wait_state(
        &mut session.watch(),
        "connected",
        SessionState::is_connected,
    )
    .await;
    session
}

pub async fn within<T>(what: &str, fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, fut)
        .await
        .unwrap_or_else(|_| panic!("timed out after {WAIT:?} waiting for {what}"))
}

pub async fn wait_state(
    rx: &mut watch::Receiver<SessionState>,
    what: &str,
    pred: impl Fn(&SessionState) -> bool,
) -> SessionState {
    within(&format!("session state {what}"), async {
        loop {
            {
                let s = rx.borrow_and_update();
                if pred(&s) {
                    return s.clone();
                }
            }
            rx.changed().await.expect("session alive");
        }
    })
    .await
}

pub async fn wait_change(
    rx: &mut broadcast::Receiver<InboxChange>,
    what: &str,
    pred: impl Fn(&InboxChange) -> bool,
) -> InboxChange {
    within(&format!("inbox change {what}"), async {
        loop {
            match rx.recv().await {
                Ok(c) if pred(&c) => return c,
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(n)) => panic!("lagged by {n}"),
                Err(e) => panic!("inbox closed: {e}"),
            }
        }
    })
    .await
}

/// No change matching `pred` arrives within `quiet`.
pub async fn assert_no_change(
    rx: &mut broadcast::Receiver<InboxChange>,
    quiet: Duration,
    what: &str,
    pred: impl Fn(&InboxChange) -> bool,
) {
    let _ = tokio::time::timeout(quiet, async {
        loop {
            if let Ok(c) = rx.recv().await {
                assert!(!pred(&c), "unexpected {what}: {c:?}");
            }
        }
    })
    .await;
}

pub fn approval(agent_id: &str, text: &str) -> Value {
    json!({
        "channelId": agent_id,
        "text": text,
        "review": {
            "type": "approval",
            "payload": {"options": [
                {"id": "approve", "label": "Approve", "style": "primary"},
                {"id": "reject", "label": "Reject", "style": "danger"}
            ], "allowComment": true},
            "expiresInSeconds": 3600
        }
    })
}

/// Posts a message as the admin's agent and returns its id.
pub async fn post(server: &DevServer, body: Value) -> String {
    let key = server.seed().admin().api_key.clone();
    let (status, msg) = server.post_agent_message(&key, body).await;
    assert_eq!(status.as_u16(), 201, "agent message accepted: {msg}");
    msg["id"].as_str().expect("message id").to_owned()
}

/// A dev server with the admin signed in and a connected session feeding an inbox.
pub struct Fixture {
    pub server: DevServer,
    pub rest: RestClient,
    /// The admin's "Deploy Bot".
    pub agent: String,
    pub inbox: Inbox,
    pub changes: broadcast::Receiver<InboxChange>,
    pub session: Session,
}

impl Fixture {
    pub async fn start() -> Self {
        let server = server().await;
        let rest = admin(&server).await;
        let agent = server.seed().deploy_bot().id.clone();
        let inbox = Inbox::new();
        let changes = inbox.subscribe();
        let session = connected(&rest, &inbox).await;
        Self {
            server,
            rest,
            agent,
            inbox,
            changes,
            session,
        }
    }

    /// Posts an approval as Deploy Bot and waits until the inbox has it.
    pub async fn review(&mut self, text: &str) -> String {
        let id = post(&self.server, approval(&self.agent, text)).await;
        wait_added(&mut self.changes, &id).await;
        id
    }
}

/// Waits until review `id` is added to the inbox.
pub async fn wait_added(changes: &mut broadcast::Receiver<InboxChange>, id: &str) {
    wait_change(
        changes,
        "added",
        |c| matches!(c, InboxChange::Added(m) if m.id == id),
    )
    .await;
}

/// An approval response choosing `option` (already in the web UI's shape).
pub fn choose(option: &str) -> placet_client::ValidResponse {
    placet_client::ValidResponse::from_stored(
        json!({"selectedOption": option})
            .as_object()
            .cloned()
            .unwrap_or_default(),
    )
}

/// Calls the agent API over HTTP as the admin's Deploy Bot (`?channel=` added), e.g. to
/// delete or acknowledge a message. Returns the status and the JSON body.
pub async fn agent_call(
    f: &Fixture,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    agent_request(&f.server, &f.agent, method, path, body).await
}

/// Calls the agent API over HTTP with the admin's API key for channel `agent`.
pub async fn agent_request(
    server: &DevServer,
    agent: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let key = server.seed().admin().api_key.clone();
    let mut url = url(server).join(path);
    url.query_pairs_mut().append_pair("channel", agent);
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut req = reqwest::Client::new()
        .request(method, url)
        .header("x-api-key", key);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("agent API reachable");
    let status = resp.status().as_u16();
    let body = resp.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// A fresh folder under the system's temp folder for one test.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "placet-client-{name}-{}-{:08x}",
        std::process::id(),
        rand_u32()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn rand_u32() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish() as u32
}

/// Creates an agent through the agent API and returns its id.
pub async fn create_agent(server: &DevServer, name: &str) -> String {
    create_agent_with(server, json!({"name": name})).await
}

/// Creates an agent through the agent API from `body` (`{name, webhookUrl?, ...}`) and
/// returns its id.
pub async fn create_agent_with(server: &DevServer, body: Value) -> String {
    let key = server.seed().admin().api_key.clone();
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/agents", server.base_url()))
        .header("x-api-key", key)
        .json(&body)
        .send()
        .await
        .expect("create agent");
    assert_eq!(resp.status().as_u16(), 201, "agent created");
    let v: Value = resp.json().await.expect("agent JSON");
    v["id"].as_str().expect("agent id").to_owned()
}

/// A client for the admin with a token minted by the server (no login request, so
/// request-counting tests count only the session's).
pub fn admin_without_login(server: &DevServer) -> RestClient {
    let token = server
        .access_token(&server.seed().admin().id)
        .expect("admin token");
    RestClient::new(url(server)).authenticated(Credential::Jwt(Secret::new(token)))
}

/// An outbox database file and its WAL, as bytes.
pub fn database_bytes(path: &std::path::Path) -> Vec<u8> {
    let mut bytes = std::fs::read(path).unwrap();
    let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
    if let Ok(more) = std::fs::read(wal) {
        bytes.extend(more);
    }
    bytes
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
