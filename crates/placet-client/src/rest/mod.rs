//! The Placet REST API, from a reviewer's side (JWT) and from an agent's side (API key).
//!
//! Every request goes to the server's own origin and follows no redirect: a 3xx comes
//! back as [`ApiError::Redirect`], so a credential (the password, the session's bearer
//! token, an API key) can never be carried to another address. Before a credential
//! leaves, the transport is checked ([`ServerUrl::check_transport`]).

mod address;
mod download;
mod wire;

pub use address::{InsecureTransport, ServerUrl, ServerUrlError};
pub use download::{
    safe_file_name, DownloadError, DownloadOptions, DownloadProgress, SavedFile,
    DEFAULT_MAX_DOWNLOAD,
};

use std::sync::{Arc, RwLock};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::answer::ValidResponse;
use crate::error::ApiError;
use crate::protocol::{Agent, AgentStatus, Message, User};
use crate::secret::Secret;
use wire::{check_status, decode, decode_each, network_error, seg, session_cookie};

/// The credential a client presents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A user's JWT (the `access_token` cookie value), sent as `Authorization: Bearer`.
    /// Needed to answer reviews.
    Jwt(Secret),
    /// An agent API key (`hp_...`), sent as `x-api-key`: watch-only.
    ApiKey(Secret),
}

impl Credential {
    /// True for a user sign-in, which can answer reviews.
    pub fn can_answer(&self) -> bool {
        matches!(self, Credential::Jwt(_))
    }
}

/// One page of `GET /api/messages`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagePage {
    pub data: Vec<Message>,
    pub next_cursor: Option<String>,
}

/// Statuses accepted by `GET /api/messages/reviews`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewFilter {
    Pending,
    Completed,
    Expired,
    All,
}

impl ReviewFilter {
    fn as_str(self) -> &'static str {
        match self {
            ReviewFilter::Pending => "pending",
            ReviewFilter::Completed => "completed",
            ReviewFilter::Expired => "expired",
            ReviewFilter::All => "all",
        }
    }
}

/// Timeouts of the HTTP clients.
#[derive(Debug, Clone, Copy)]
pub struct RestOptions {
    pub connect_timeout: Duration,
    /// Limit on one API request, answer included.
    pub request_timeout: Duration,
    /// Downloads have no limit on their total time (a large file on a slow line takes
    /// what it takes); they fail when no byte arrives for this long.
    pub download_idle_timeout: Duration,
}

impl Default for RestOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            download_idle_timeout: Duration::from_secs(30),
        }
    }
}

/// A client for one Placet server. Cheap to clone.
#[derive(Clone)]
pub struct RestClient {
    http: reqwest::Client,
    /// Without a total timeout, with an idle one: see [`RestOptions`].
    download_http: reqwest::Client,
    base: ServerUrl,
    /// Shared by the clones of one authenticated client, so a renewed session token
    /// reaches the running session too.
    credential: Arc<RwLock<Option<Credential>>>,
}

impl std::fmt::Debug for RestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestClient")
            .field("base", &self.base.as_str())
            .field("credential", &self.credential)
            .finish()
    }
}

impl RestClient {
    /// A client without a credential (enough for `login` and `probe`).
    pub fn new(base: ServerUrl) -> Self {
        Self::with_options(base, RestOptions::default())
    }

    /// A client with explicit timeouts.
    pub fn with_options(base: ServerUrl, options: RestOptions) -> Self {
        let builder = || {
            reqwest::Client::builder()
                .connect_timeout(options.connect_timeout)
                .user_agent(concat!("placet-tray/", env!("CARGO_PKG_VERSION")))
                // The session cookie is read by hand and sent as a Bearer header, as the
                // server's own e2e tests do; no cookie jar keeps it anywhere. No redirect
                // is followed: a credential must never reach another address.
                .redirect(reqwest::redirect::Policy::none())
        };
        let http = builder()
            .timeout(options.request_timeout)
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        let download_http = builder()
            .read_timeout(options.download_idle_timeout)
            .build()
            .unwrap_or_else(|_| http.clone());
        Self {
            http,
            download_http,
            base,
            credential: Arc::new(RwLock::new(None)),
        }
    }

    /// A client presenting `credential` (its clones share it; this one's earlier
    /// clones keep theirs).
    pub fn authenticated(&self, credential: Credential) -> Self {
        Self {
            http: self.http.clone(),
            download_http: self.download_http.clone(),
            base: self.base.clone(),
            credential: Arc::new(RwLock::new(Some(credential))),
        }
    }

    /// Replaces the credential of this client and all its clones (after a refresh).
    pub fn set_credential(&self, credential: Credential) {
        *self.credential.write().unwrap_or_else(|p| p.into_inner()) = Some(credential);
    }

    /// The server this client talks to.
    pub fn base(&self) -> &ServerUrl {
        &self.base
    }

    /// The credential in use.
    pub fn credential(&self) -> Option<Credential> {
        self.credential
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    // ---- auth ------------------------------------------------------------------------

    /// Checks that the URL answers like a Placet API: `GET /api/auth/me` without a
    /// credential must be refused with 401 (a web server that is not Placet answers 404,
    /// or 200 with a page). A redirect is reported as [`ApiError::Redirect`], with the
    /// address to use instead.
    pub async fn probe(&self) -> Result<(), ApiError> {
        let resp = self
            .http
            .get(self.base.join("api/auth/me"))
            .send()
            .await
            .map_err(network_error)?;
        let status = resp.status();
        if status == StatusCode::UNAUTHORIZED {
            Ok(())
        } else if status.is_redirection() {
            // "Use https://…" is worth more to the person than "not Placet".
            check_status(resp, "GET /api/auth/me").await.map(|_| ())
        } else {
            Err(ApiError::Decode {
                message: format!(
                    "this does not look like a Placet server (GET /api/auth/me answered {status})"
                ),
            })
        }
    }

    /// Signs in. The JWT is taken from the `access_token` cookie; it is not in the body.
    pub async fn login(&self, email: &str, password: &Secret) -> Result<(User, Secret), ApiError> {
        let url = self.base.join("api/auth/login");
        self.may_send_credentials(&url)?;
        let resp = self
            .http
            .post(url)
            .json(&json!({"email": email, "password": password.expose()}))
            .send()
            .await
            .map_err(network_error)?;
        let resp = check_status(resp, "POST /api/auth/login").await?;
        let token = session_cookie(resp.headers()).ok_or_else(|| ApiError::Decode {
            message: "the server signed in but set no access_token cookie".to_owned(),
        })?;
        let user: crate::protocol::user::UserEnvelope = decode(resp).await?;
        Ok((user.user, token))
    }

    /// The signed-in user.
    pub async fn me(&self) -> Result<User, ApiError> {
        let env: crate::protocol::user::UserEnvelope =
            self.request_json(Method::GET, "api/auth/me", None).await?;
        Ok(env.user)
    }

    /// Renews the session: returns the user and the new JWT from the fresh cookie.
    pub async fn refresh(&self) -> Result<(User, Option<Secret>), ApiError> {
        let resp = self.send(Method::POST, "api/auth/refresh", None).await?;
        let token = session_cookie(resp.headers());
        let env: crate::protocol::user::UserEnvelope = decode(resp).await?;
        Ok((env.user, token))
    }

    /// Signs out on the server (the JWT itself stays valid until it expires).
    pub async fn logout(&self) -> Result<(), ApiError> {
        self.send(Method::POST, "api/auth/logout", None).await?;
        Ok(())
    }

    /// A short-lived (30 s) ticket for the Socket.IO handshake.
    pub async fn ws_ticket(&self) -> Result<Secret, ApiError> {
        #[derive(Deserialize)]
        struct Ticket {
            ticket: String,
        }
        let t: Ticket = self
            .request_json(Method::POST, "api/auth/ws-ticket", None)
            .await?;
        Ok(Secret::new(t.ticket))
    }

    // ---- reviewer routes -------------------------------------------------------------

    /// The user's agents, newest first. Malformed entries are logged and skipped.
    pub async fn agents(&self) -> Result<Vec<Agent>, ApiError> {
        let raw: Vec<Value> = self.request_json(Method::GET, "api/agents", None).await?;
        Ok(decode_each(raw, "agent"))
    }

    /// Pending reviews across all the user's agents, newest first.
    pub async fn pending_reviews(&self) -> Result<Vec<Message>, ApiError> {
        self.reviews(ReviewFilter::Pending, None).await
    }

    /// Reviews by status (always sends `status`, since the server's default is "all").
    pub async fn reviews(
        &self,
        status: ReviewFilter,
        channel: Option<&str>,
    ) -> Result<Vec<Message>, ApiError> {
        let mut url = self.base.join("api/messages/reviews");
        url.query_pairs_mut().append_pair("status", status.as_str());
        if let Some(c) = channel {
            url.query_pairs_mut().append_pair("channel", c);
        }
        let raw: Vec<Value> = self.request_url_json(Method::GET, url, None).await?;
        Ok(decode_each(raw, "review message"))
    }

    /// One message, with its attachments.
    pub async fn message(&self, id: &str) -> Result<Message, ApiError> {
        self.request_json(Method::GET, &format!("api/messages/{}", seg(id)), None)
            .await
    }

    /// A page of a channel's messages, newest first (`limit` at most 100).
    pub async fn messages(
        &self,
        channel: &str,
        limit: u32,
        cursor: Option<&str>,
    ) -> Result<MessagePage, ApiError> {
        let mut url = self.base.join("api/messages");
        url.query_pairs_mut()
            .append_pair("channel", channel)
            .append_pair("limit", &limit.clamp(1, 100).to_string());
        if let Some(c) = cursor {
            url.query_pairs_mut().append_pair("cursor", c);
        }
        self.request_url_json(Method::GET, url, None).await
    }

    /// The rounds of an iteration chain, oldest first.
    pub async fn iterations(
        &self,
        message_id: &str,
        channel: &str,
    ) -> Result<Vec<Message>, ApiError> {
        #[derive(Deserialize)]
        struct Chain {
            iterations: Vec<Value>,
        }
        let mut url = self
            .base
            .join(&format!("api/messages/{}/iterations", seg(message_id)));
        url.query_pairs_mut().append_pair("channel", channel);
        let chain: Chain = self.request_url_json(Method::GET, url, None).await?;
        Ok(decode_each(chain.iterations, "iteration"))
    }

    /// Answers a review. `201` gives the updated message; a review that is no longer
    /// pending gives [`ApiError::AlreadyResponded`].
    pub async fn respond(
        &self,
        message_id: &str,
        response: &ValidResponse,
        feedback: Option<&str>,
    ) -> Result<Message, ApiError> {
        let mut body = json!({ "response": response.to_value() });
        if let Some(f) = feedback.filter(|f| !f.trim().is_empty()) {
            body["feedback"] = Value::String(f.to_owned());
        }
        self.request_json(
            Method::POST,
            &format!("api/messages/{}/respond", seg(message_id)),
            Some(body),
        )
        .await
    }

    /// Marks an agent's channel as read.
    pub async fn mark_read(&self, agent_id: &str) -> Result<(), ApiError> {
        self.send(
            Method::POST,
            &format!("api/agents/{}/read", seg(agent_id)),
            None,
        )
        .await?;
        Ok(())
    }

    // ---- agent routes (API key) --------------------------------------------------------

    /// Agents visible to the API key.
    pub async fn agent_agents(&self) -> Result<Vec<Agent>, ApiError> {
        let raw: Vec<Value> = self
            .request_json(Method::GET, "api/v1/agents", None)
            .await?;
        Ok(decode_each(raw, "agent"))
    }

    /// One message of one agent (API key); `404` when the agent deleted it.
    pub async fn agent_message(&self, id: &str, channel: &str) -> Result<Message, ApiError> {
        let mut url = self.base.join(&format!("api/v1/messages/{}", seg(id)));
        url.query_pairs_mut().append_pair("channel", channel);
        self.request_url_json(Method::GET, url, None).await
    }

    /// Pending reviews of one agent (API key).
    pub async fn agent_pending_reviews(&self, channel: &str) -> Result<Vec<Message>, ApiError> {
        let mut url = self.base.join("api/v1/reviews/pending");
        url.query_pairs_mut().append_pair("channel", channel);
        let raw: Vec<Value> = self.request_url_json(Method::GET, url, None).await?;
        Ok(decode_each(raw, "review message"))
    }

    /// Posts a message as an agent (`POST /api/v1/messages`), as given.
    pub async fn agent_post_message(&self, body: &Value) -> Result<Message, ApiError> {
        self.request_json(Method::POST, "api/v1/messages", Some(body.clone()))
            .await
    }

    /// Reports an agent's status (`POST /api/v1/status/ping`).
    pub async fn agent_ping(
        &self,
        agent_id: &str,
        status: AgentStatus,
        message: Option<&str>,
    ) -> Result<(), ApiError> {
        let mut body = json!({"agentId": agent_id, "status": status});
        if let Some(m) = message {
            body["message"] = Value::String(m.to_owned());
        }
        self.send(Method::POST, "api/v1/status/ping", Some(body))
            .await?;
        Ok(())
    }

    // ---- plumbing ----------------------------------------------------------------------

    async fn request_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<T, ApiError> {
        let url = self.base.join(path);
        self.request_url_json(method, url, body).await
    }

    async fn request_url_json<T: DeserializeOwned>(
        &self,
        method: Method,
        url: url::Url,
        body: Option<Value>,
    ) -> Result<T, ApiError> {
        let resp = self.send_url(method, url, body).await?;
        decode(resp).await
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<reqwest::Response, ApiError> {
        let url = self.base.join(path);
        self.send_url(method, url, body).await
    }

    async fn send_url(
        &self,
        method: Method,
        url: url::Url,
        body: Option<Value>,
    ) -> Result<reqwest::Response, ApiError> {
        self.may_send_credentials(&url)?;
        let what = format!("{method} {}", url.path());
        let mut req = self.http.request(method, url);
        req = self.with_credential(req);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.map_err(network_error)?;
        tracing::debug!(request = %what, status = resp.status().as_u16(), "placet api");
        check_status(resp, &what).await
    }

    /// Refuses to let a credential go where it must not: unencrypted to another machine
    /// (without the explicit allowance), or to any origin but the server's.
    fn may_send_credentials(&self, url: &url::Url) -> Result<(), ApiError> {
        self.base
            .check_transport()
            .map_err(|e| ApiError::Insecure {
                message: e.to_string(),
            })?;
        if !self.base.same_origin(url) {
            return Err(ApiError::Insecure {
                message: format!(
                    "{} is not the server's address {}",
                    url.origin().ascii_serialization(),
                    self.base.url().origin().ascii_serialization()
                ),
            });
        }
        Ok(())
    }

    /// A request to `url` on the server, carrying the credential after the checks.
    fn with_credential(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self.credential() {
            Some(Credential::Jwt(t)) => req.bearer_auth(t.expose()),
            Some(Credential::ApiKey(k)) => req.header("x-api-key", k.expose()),
            None => req,
        }
    }
}
