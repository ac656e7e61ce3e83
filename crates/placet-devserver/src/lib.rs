//! A Placet-compatible server for the tests of Placet Tray and for its demo mode.
//!
//! It implements the parts of the Placet server that a reviewer client and a test agent
//! use, quirks included, following the upstream source (`placet-io/placet`) where it
//! and `placet-api.md` disagree: the human REST API (JWT), the agent API (`x-api-key`)
//! with streaming drafts, Socket.IO on `/ws`, webhooks with delivery tracking and
//! retries, the OAuth relay, the web UI's pages (only as far as a desktop client needs
//! them), the review-expiry and stale-stream jobs and an optional rate limit. It is an independent
//! implementation built on `serde_json::Value`, so bugs in `placet-client` cannot cancel
//! out against it.
//!
//! It runs in either layout people deploy ([`Layout`]): one origin, as the all-in-one
//! image serves pages, REST and Socket.IO, or split, as upstream's docker-compose puts
//! the web UI (which forwards only `/api/*`) in front of the backend.
//!
//! It is also the server of the app's demo mode, on a person's machine: every run has
//! a random JWT secret and admin password, only loopback `Host` names are served (a
//! DNS-rebinding page reads nothing), the `/__dev` routes are off unless asked for, and
//! webhooks go to loopback receivers only.
//!
//! Tests start it in-process on `127.0.0.1:0` and drive faults through [`Controls`]:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use placet_devserver::{DevServer, DevServerConfig};
//!
//! let server = DevServer::start(DevServerConfig {
//!     expiry_tick: Duration::from_millis(100),
//!     ..Default::default()
//! })
//! .await?;
//! let seed = server.seed();
//! let (status, message) = server
//!     .post_agent_message(
//!         &seed.admin().api_key,
//!         serde_json::json!({
//!             "channelId": seed.deploy_bot().id,
//!             "text": "Deploy?",
//!             "review": {"type": "approval", "payload": {}},
//!         }),
//!     )
//!     .await;
//! assert_eq!(status.as_u16(), 201);
//! server.controls().drop_next_respond_reply();
//! server.stop().await;
//! server.restart().await?;
//! server.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # Layout
//!
//! The modules form layers; a module imports only from lower layers or from inside its
//! own subtree (`tests/server/layers.rs` holds the table and fails on an import that
//! reaches up or sideways):
//!
//! 0. `util` (timestamps, ids), `net` (a listener whose connections can be cut).
//! 1. `config`, `error` (the NestJS error body), `model` (the table rows),
//!    `credentials` (JWTs, password hashes, API keys).
//! 2. `validate/` (zod-like checks, multipart bodies), `wire` (JSON shapes of rows).
//! 3. `store/`: SQLite tables, and the seed.
//! 4. `state/`: the shared `App`, the live Socket.IO instance (`events`), the rate-limit
//!    counters, pending OAuth flows, the test switches and logs.
//! 5. `service/`: business operations shared by every surface (messages, reviews,
//!    streams, webhooks, OAuth, the expiry job, rendering and paging).
//! 6. The surfaces: `routes/` (the REST API, its extractors and edge layers, and `web/`:
//!    the web UI's pages and its `/api` proxy), `socket` (the `/ws` namespace), `demo/`
//!    (the demo agent and its reviews).
//! 7. `controls/`: [`Controls`] and their `/__dev` HTTP face.
//! 8. `lifecycle/`: assembles the routers, binds, starts, stops and restarts.
//!
//! `lib.rs` ([`DevServer`]) sits above them all.

mod config;
mod controls;
mod credentials;
mod demo;
mod error;
mod lifecycle;
mod model;
mod net;
mod routes;
mod service;
mod socket;
mod state;
mod store;
mod util;
mod validate;
mod wire;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::Value;

pub use crate::config::{Db, DevServerConfig, Layout, Throttle, Webhooks};
pub use crate::controls::Controls;
pub use crate::demo::DemoReview;
pub use crate::state::controls::{ConnectedSocket, RecordedRequest, RecordedRespond};
pub use crate::store::{Seed, SeedAgent, SeedUser, StoreError};

use crate::error::ApiError;
pub use crate::lifecycle::DevServerError;
use crate::lifecycle::Lifecycle;
use crate::service::render::{render_message, View};
use crate::state::App;

/// A running (or stopped) dev server. Dropping it stops the server without waiting;
/// [`shutdown`](Self::shutdown) stops it cleanly.
#[derive(Debug)]
pub struct DevServer {
    lifecycle: Arc<Lifecycle>,
}

impl DevServer {
    /// Opens (and on first use seeds) the database, binds `config.bind` and starts
    /// serving HTTP and Socket.IO, the expiry job and, if configured, the demo agent.
    pub async fn start(config: DevServerConfig) -> Result<Self, DevServerError> {
        let store = match &config.db {
            Db::Memory => store::Store::open_in_memory()?,
            Db::File(path) => store::Store::open_file(path)?,
        };
        let seed = store::seed::ensure(
            &store,
            store::seed::SeedOptions {
                admin_password: config.admin_password.as_deref(),
                must_change_password: config.must_change_password,
            },
        )?;
        let options = state::Options {
            dev_routes: config.dev_routes,
            allow_remote_hosts: config.allow_remote_hosts,
            webhooks: config.webhooks,
            stale_stream_after: config.stale_stream_after,
        };
        let app = Arc::new_cyclic(|this| {
            App::new(
                this.clone(),
                store,
                credentials::TokenSigner::new(&config.jwt_secret),
                config.throttle.map(state::throttle::Throttler::new),
                seed,
                options,
            )
        });
        let jobs = lifecycle::Jobs {
            expiry_tick: config.expiry_tick,
            stream_cleanup_tick: config.stream_cleanup_tick,
            stale_stream_after: config.stale_stream_after,
            demo_interval: config.demo_interval,
        };
        let lifecycle = Lifecycle::launch(app, config.bind, config.layout, jobs).await?;
        tracing::info!(
            api = %lifecycle.addrs.api,
            web = ?lifecycle.addrs.web,
            "dev server started"
        );
        Ok(Self { lifecycle })
    }

    fn app(&self) -> &App {
        &self.lifecycle.app
    }

    /// The backend's bound address: REST and Socket.IO, and in [`Layout::OneOrigin`]
    /// the pages too. It stays the same across [`restart`](Self::restart).
    pub fn addr(&self) -> SocketAddr {
        self.lifecycle.addrs.api
    }

    /// The web listener's bound address: in [`Layout::Split`] the web UI's own listener,
    /// in [`Layout::OneOrigin`] the same as [`addr`](Self::addr). It stays the same
    /// across [`restart`](Self::restart).
    pub fn web_addr(&self) -> SocketAddr {
        self.lifecycle.addrs.web.unwrap_or(self.lifecycle.addrs.api)
    }

    /// The layout the server was started with.
    pub fn layout(&self) -> Layout {
        match self.lifecycle.addrs.web {
            Some(web) => Layout::Split { web },
            None => Layout::OneOrigin,
        }
    }

    /// What a person types in the browser: `http://<web addr>`, where the pages are and
    /// where `/api/*` is answered (forwarded to the backend in [`Layout::Split`]).
    pub fn web_url(&self) -> String {
        format!("http://{}", self.web_addr())
    }

    /// The backend's base URL, `http://<addr>`: REST and Socket.IO (`/socket.io/`,
    /// namespace `/ws`). In [`Layout::OneOrigin`] it equals [`web_url`](Self::web_url).
    pub fn api_url(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// The same as [`api_url`](Self::api_url), the base of every REST path and of the
    /// Socket.IO URL; kept for existing callers.
    pub fn base_url(&self) -> String {
        self.api_url()
    }

    /// `http://<addr>/ws`, the Socket.IO namespace URL on the backend.
    pub fn ws_url(&self) -> String {
        format!("{}/ws", self.api_url())
    }

    /// The seeded users, agents and API keys.
    pub fn seed(&self) -> &Seed {
        &self.app().seed
    }

    /// Fault injection and observation.
    pub fn controls(&self) -> Controls {
        Controls::new(self.lifecycle.app.clone())
    }

    /// Runs `POST /api/v1/messages` in-process with this API key: same validation, same
    /// events. Returns the status and body the HTTP route would (201 and the message, or
    /// the error body).
    pub async fn post_agent_message(&self, api_key: &str, body: Value) -> (StatusCode, Value) {
        let result = async {
            let user_id = service::auth::authenticate_api_key(self.app(), api_key)?;
            service::agent_messages::create_agent_message(self.app(), &user_id, &body).await
        }
        .await;
        reply(result, StatusCode::CREATED, "/api/v1/messages")
    }

    /// Runs `POST /api/v1/status/ping` in-process (body `{agentId, status, message?}`);
    /// emits `agent:status` like the route, and answers 201 like it.
    pub async fn ping_status(&self, api_key: &str, body: Value) -> (StatusCode, Value) {
        let result = async {
            let user_id = service::auth::authenticate_api_key(self.app(), api_key)?;
            service::agents::ping(self.app(), &user_id, &body).await
        }
        .await;
        reply(result, StatusCode::CREATED, "/api/v1/status/ping")
    }

    /// Starts an OAuth flow for `agent_id` as its agent would on its socket:
    /// `oauth:start` with `flow` (`{state, provider, authUrl?, deviceCode?
    /// {verificationUri, userCode, expiresIn?}}`; its `channelId` is set to `agent_id`)
    /// from a socket of the agent's owner. The owner's `user:<id>` room gets
    /// `{channelId, state, provider, authUrl, deviceCode}`, and a flow with an `authUrl`
    /// waits for [`oauth_code`](Self::oauth_code). Returns whether the event went out
    /// (not for an unknown agent or without `state` or `provider`).
    pub async fn oauth_start(&self, agent_id: &str, flow: Value) -> bool {
        let Ok(Some(agent)) = self.app().store.agent(agent_id) else {
            return false;
        };
        let mut data = match flow {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        data.insert("channelId".to_owned(), Value::String(agent.id.clone()));
        service::oauth::start(self.app(), &agent.owner_id, &Value::Object(data)).await
    }

    /// Completes an OAuth flow as the provider's redirect to
    /// `GET /api/v1/oauth/callback?state=…&code=…` does: `oauth:code {state, code,
    /// provider}` goes to the flow's channel room. Returns whether a flow with this
    /// `state` was waiting (one started with an `authUrl`, at most 10 minutes ago).
    pub async fn oauth_code(&self, state: &str, code: &str) -> bool {
        let callback = service::oauth::Callback {
            state: Some(state),
            code: Some(code),
            ..Default::default()
        };
        service::oauth::callback(self.app(), callback).await.0 == StatusCode::OK
    }

    /// Posts one demo review (as the seeded admin's matching agent); returns the message.
    pub async fn post_demo_review(&self, kind: DemoReview) -> (StatusCode, Value) {
        reply(
            demo::post(self.app(), kind).await,
            StatusCode::CREATED,
            "/api/v1/messages",
        )
    }

    /// The stored message with its attachments, unredacted (password answers included),
    /// or `None` if there is no such message.
    pub fn message(&self, id: &str) -> Option<Value> {
        let row = self.app().store.message(id).ok()??;
        render_message(self.app(), &row, View::Raw).ok()
    }

    /// A 7-day access token for a user, as login would set in the cookie; `None` for
    /// an unknown user id.
    pub fn access_token(&self, user_id: &str) -> Option<String> {
        let user = self.app().store.user(user_id).ok()??;
        Some(
            self.app()
                .tokens
                .access_token(&user.id, &user.email, &user.role),
        )
    }

    /// Stops listening and drops every connection (HTTP and sockets); clients see the
    /// server go away. The data stays. A no-op when already stopped.
    pub async fn stop(&self) {
        self.lifecycle.stop().await;
    }

    /// Starts again on the same addresses (both listeners in [`Layout::Split`]) after
    /// [`stop`](Self::stop); a no-op while running.
    pub async fn restart(&self) -> Result<(), DevServerError> {
        self.lifecycle.start().await
    }

    /// Whether the server is listening.
    pub async fn is_running(&self) -> bool {
        self.lifecycle.is_running().await
    }

    /// Stops the server and releases it (an in-memory database is gone afterwards).
    pub async fn shutdown(self) {
        self.lifecycle.stop().await;
    }
}

/// The (status, body) pair an HTTP route would produce for `result`.
fn reply(result: Result<Value, ApiError>, ok: StatusCode, path: &str) -> (StatusCode, Value) {
    match result {
        Ok(v) => (ok, v),
        Err(e) => (e.status, e.body(path)),
    }
}
