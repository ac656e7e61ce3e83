//! The Placet REST API, from a reviewer's side (JWT) and from an agent's side (API key).
//!
//! Every request goes to the server's own origin and follows no redirect: a 3xx comes
//! back as [`ApiError::Redirect`], so a credential (the password, the session's bearer
//! token, an API key) can never be carried to another address. Before a credential
//! leaves, the transport is checked ([`ServerUrl::check_transport`]).
//!
//! A `429` with `Retry-After` is remembered per route (`limit`): the route is not asked
//! again until the wait is over, so a tray behind a shared proxy does not spend its
//! neighbours' budget on requests the server would refuse anyway.
//!
//! Layout: `auth` holds sign-in and the password, `reviewer` the person's routes (JWT),
//! `agent_api` the agent API's (API key), `download` attachments to disk, `multipart`
//! the upload body, `limit` the remembered `Retry-After`s, `wire` status codes and
//! error bodies.

mod address;
mod agent_api;
mod auth;
mod download;
mod limit;
mod multipart;
mod reviewer;
mod wire;

pub(crate) use address::is_loopback_url;
pub use address::{InsecureTransport, ServerUrl, ServerUrlError};
pub use download::{
    safe_file_name, DownloadError, DownloadOptions, DownloadProgress, SavedFile,
    DEFAULT_MAX_DOWNLOAD,
};
pub use reviewer::RespondOptions;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ApiError;
use crate::protocol::Message;
use crate::secret::Secret;
use limit::{RateGate, Route};
use wire::{check_status, decode, network_error};

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

/// What a request carries.
enum Body {
    None,
    Json(Value),
    Multipart(multipart::Form),
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
    /// Routes the server blocked with `Retry-After`; shared by every client made from
    /// this one (one machine, one budget).
    gate: RateGate,
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
            gate: RateGate::default(),
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
            gate: self.gate.clone(),
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

    // ---- plumbing ----------------------------------------------------------------------

    /// `path` below the server's address.
    fn url(&self, path: &str) -> url::Url {
        self.base.join(path)
    }

    /// A request to `url`, counted against `route` (its path with ids left out, as the
    /// server's rate limit counts it), decoded from JSON.
    async fn call_json<T: DeserializeOwned>(
        &self,
        method: Method,
        route: &'static str,
        url: url::Url,
        body: Body,
    ) -> Result<T, ApiError> {
        let resp = self.call(method, route, url, body).await?;
        decode(resp).await
    }

    /// Sends a request with the credential, unless the route is blocked by an earlier
    /// `Retry-After`; a new 429 blocks it.
    async fn call(
        &self,
        method: Method,
        route: &'static str,
        url: url::Url,
        body: Body,
    ) -> Result<reqwest::Response, ApiError> {
        self.may_send_credentials(&url)?;
        let route = Route::new(method.clone(), route);
        self.gate.check(&route)?;
        let what = format!("{method} {}", url.path());
        let req = self.with_credential(self.http.request(method, url));
        let req = match body {
            Body::None => req,
            Body::Json(b) => req.json(&b),
            Body::Multipart(m) => req
                .header(reqwest::header::CONTENT_TYPE, m.content_type())
                .body(m.into_bytes()),
        };
        let result = match req.send().await {
            Ok(resp) => {
                tracing::debug!(request = %what, status = resp.status().as_u16(), "placet api");
                check_status(resp, &what).await
            }
            Err(e) => Err(network_error(e)),
        };
        self.gate.record(&route, &result);
        result
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
