//! Two addresses, one question. A person types the address they use in their browser
//! (the *web* address); the live connection (Socket.IO, and with it REST) may be
//! elsewhere: upstream's default docker-compose serves the web UI on :3000, forwarding
//! only `/api/*` to the backend on :3001, which alone serves `/socket.io/`. Behind a
//! reverse proxy (the all-in-one image's nginx routes `/socket.io/` too) both are one.
//!
//! [`discover`] finds the *API* address: the web address itself when Socket.IO answers
//! there; else the address the web UI's own pages name (`window.__HP_CONFIG__.wsUrl`,
//! rendered into every page's head; a `localhost` there means the default was never
//! changed, so the web host on the same port is tried); else the web host on port 3001.
//! Failing all, the person is asked for the live connection address. Each candidate
//! obeys the same rules as the web address (https unless on this computer or allowed; no
//! redirect followed) and gets a few seconds at most.

use std::time::Duration;

use placet_client::rest::ServerUrlError;
use placet_client::{ApiError, RestClient, ServerUrl};

/// How long one candidate may take to answer.
const PER_TRY: Duration = Duration::from_secs(2);
/// The backend's port in upstream's default docker-compose.
const BACKEND_PORT: u16 = 3001;

/// Why no live connection was found.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoverError {
    /// The web address does not answer like Placet.
    #[error(transparent)]
    NotPlacet(#[from] ApiError),
    /// No candidate answers Socket.IO: the person must give the live address.
    #[error("Placet answers at {web}, but its live connection (Socket.IO) is not there ({}). Give the live connection address: the backend's address, which the web UI gets from NEXT_PUBLIC_WS_URL (by default the same host on port 3001)", .tried.join(", "))]
    NoLiveConnection { web: String, tried: Vec<String> },
    /// The live address given does not answer Socket.IO.
    #[error("{api} does not answer Placet's live connection (Socket.IO): {why}")]
    NotLive { api: String, why: String },
    /// The live address given is not one we may use.
    #[error("the live connection address: {0}")]
    BadAddress(#[from] ServerUrlError),
}

/// The API address of the Placet whose web address is `web`.
pub async fn discover(
    web: &ServerUrl,
    allow_insecure_http: bool,
) -> Result<ServerUrl, DiscoverError> {
    RestClient::new(web.clone()).probe().await?;
    let mut tried = Vec::new();
    for candidate in candidates(web, allow_insecure_http).await {
        if tried.contains(&candidate.display().to_owned()) {
            continue;
        }
        tried.push(candidate.display().to_owned());
        if live(&candidate).await.is_ok() {
            tracing::info!(
                web = web.display(),
                api = candidate.display(),
                "live connection found"
            );
            return Ok(candidate);
        }
    }
    Err(DiscoverError::NoLiveConnection {
        web: web.display().to_owned(),
        tried,
    })
}

/// Checks a live address the person gave: it must answer Placet's REST and Socket.IO.
pub async fn check_live(api: &ServerUrl) -> Result<(), DiscoverError> {
    let not_live = |why: String| DiscoverError::NotLive {
        api: api.display().to_owned(),
        why,
    };
    RestClient::new(api.clone())
        .probe()
        .await
        .map_err(|e| not_live(e.to_string()))?;
    live(api).await.map_err(not_live)
}

/// Where the live connection may be, in the order to try.
async fn candidates(web: &ServerUrl, allow_insecure_http: bool) -> Vec<ServerUrl> {
    let parse = |s: &str| {
        if allow_insecure_http {
            ServerUrl::parse_allowing_insecure_http(s)
        } else {
            ServerUrl::parse(s)
        }
    };
    let mut out = vec![web.clone()];
    if let Some(ws) = page_ws_url(web).await {
        if let Some(c) = on_web_host(web, &ws).and_then(|s| parse(&s).ok()) {
            out.push(c);
        }
    }
    let mut backend = web.url().clone();
    if backend.set_port(Some(BACKEND_PORT)).is_ok() {
        backend.set_path("/");
        if let Ok(c) = parse(backend.as_str()) {
            out.push(c);
        }
    }
    out
}

/// `wsUrl`, with a loopback host replaced by the web address's host when the web
/// address is not on this computer (the default `http://localhost:3001` seen from another
/// machine).
fn on_web_host(web: &ServerUrl, ws: &str) -> Option<String> {
    let mut url = url::Url::parse(ws).ok()?;
    let loopback = matches!(
        url.host_str(),
        Some("localhost" | "127.0.0.1" | "[::1]" | "::1")
    );
    if loopback && !web.is_loopback() {
        url.set_host(web.url().host_str()).ok()?;
    }
    Some(url.to_string())
}

/// The `wsUrl` the web UI's login page names, if it names one.
async fn page_ws_url(web: &ServerUrl) -> Option<String> {
    let page = http()
        .get(web.url().join("login").ok()?)
        .send()
        .await
        .ok()?;
    if !page.status().is_success() {
        return None;
    }
    let html = page.text().await.ok()?;
    ws_url_in(&html)
}

/// `wsUrl` out of `window.__HP_CONFIG__={...}` in a page.
fn ws_url_in(html: &str) -> Option<String> {
    let start = html.find("__HP_CONFIG__")?;
    let rest = &html[start..];
    let open = rest.find('{')?;
    let close = rest[open..].find('}')? + open;
    let config: serde_json::Value = serde_json::from_str(&rest[open..=close]).ok()?;
    config.get("wsUrl")?.as_str().map(str::to_owned)
}

/// Does `api` answer an Engine.IO handshake (Socket.IO's first request)? A web UI that
/// is not the backend answers 404, a redirect or a page.
async fn live(api: &ServerUrl) -> Result<(), String> {
    let url = api
        .url()
        .join("socket.io/?EIO=4&transport=polling")
        .map_err(|e| e.to_string())?;
    let resp = http().get(url).send().await.map_err(|e| {
        if e.is_timeout() {
            "no answer in time".to_owned()
        } else {
            "cannot connect".to_owned()
        }
    })?;
    let status = resp.status();
    if !status.is_success() {
        return Err(format!("it answered {status}"));
    }
    let body = resp.text().await.map_err(|e| e.to_string())?;
    if body.starts_with("0{") && body.contains("\"sid\"") {
        Ok(())
    } else {
        Err("it answered something that is not Socket.IO".to_owned())
    }
}

/// A client for the probes: no redirect followed, a few seconds at most.
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(PER_TRY)
        .connect_timeout(PER_TRY)
        .build()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page's config is read as upstream's layout renders it; a loopback `wsUrl`
    /// seen from another computer becomes the web host.
    #[test]
    fn the_page_config_names_the_live_address() {
        let html = r#"<head><script>window.__HP_CONFIG__={"wsUrl":"http://localhost:3001","appUrl":"http://localhost:3000"}</script></head>"#;
        assert_eq!(ws_url_in(html).as_deref(), Some("http://localhost:3001"));
        let remote = ServerUrl::parse("https://placet.example").unwrap();
        assert_eq!(
            on_web_host(&remote, "http://localhost:3001").as_deref(),
            Some("http://placet.example:3001/")
        );
        let local = ServerUrl::parse("http://127.0.0.1:3000").unwrap();
        assert_eq!(
            on_web_host(&local, "http://localhost:3001").as_deref(),
            Some("http://localhost:3001/")
        );
        assert_eq!(ws_url_in("<html>no config</html>"), None);
    }
}
