//! What every request passes before any route: the request log, the loopback-`Host`
//! rule and the handshake-refusal test control.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::SystemTime;

use axum::{
    extract::{Request, State},
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};

use crate::error::{request_path, ApiError};
use crate::state::controls::RecordedRequest;
use crate::state::throttle::RouteKey;
use crate::state::App;

/// Logs every request with the status it got and the rate-limited route it counted
/// against (see [`Controls::requests`](crate::Controls::requests)).
pub(crate) async fn record(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let at = SystemTime::now();
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    app.controls.record_request(RecordedRequest {
        method,
        path,
        status: response.status(),
        at,
        route: response.extensions().get::<RouteKey>().map(|k| k.0.clone()),
    });
    response
}

/// Whether a `Host` (or `:authority`) names this machine's loopback: `localhost`, an
/// address in `127.0.0.0/8` or `[::1]`, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((ip, port)) if port.is_empty() || port.starts_with(':') => ip,
            _ => return false,
        },
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Refuses, with 403, any request whose `Host` is not a loopback name, unless the
/// server was configured to serve remote hosts. A page that rebinds its own domain to
/// 127.0.0.1 still sends that domain as `Host`, so it cannot read anything here.
pub(crate) async fn loopback_hosts_only(
    State(app): State<Arc<App>>,
    request: Request,
    next: Next,
) -> Response {
    if app.options.allow_remote_hosts {
        return next.run(request).await;
    }
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| request.uri().authority().map(|a| a.as_str().to_owned()));
    if host.as_deref().is_some_and(is_loopback_host) {
        return next.run(request).await;
    }
    tracing::warn!(
        host = host.as_deref().unwrap_or(""),
        "request for a non-loopback host refused"
    );
    let error = ApiError::forbidden(
        "This dev server answers only requests addressed to localhost, 127.0.0.1 or [::1]",
    );
    let path = request_path(request.uri());
    (error.status, Json(error.body(&path))).into_response()
}

/// While the test control is active, a new Engine.IO session (a `/socket.io/` request
/// without `sid`) fails at the HTTP level with 503, before Socket.IO sees it.
pub(crate) async fn refuse_handshakes(
    State(app): State<Arc<App>>,
    request: Request,
    next: Next,
) -> Response {
    let is_handshake = request.uri().path().starts_with("/socket.io")
        && !request
            .uri()
            .query()
            .unwrap_or("")
            .split('&')
            .any(|pair| pair.starts_with("sid="));
    if is_handshake && app.controls.refusing_handshakes() {
        let error = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Handshakes are refused (dev server test control)",
        );
        let path = request_path(request.uri());
        return (error.status, Json(error.body(&path))).into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::is_loopback_host;

    #[test]
    fn loopback_hosts() {
        for ok in [
            "localhost",
            "LOCALHOST:3001",
            "127.0.0.1",
            "127.0.0.1:8080",
            "127.1.2.3:1",
            "[::1]",
            "[::1]:3001",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for refused in [
            "evil.example",
            "evil.example:3001",
            "localhost.evil.example",
            "192.168.1.2:3001",
            "[::2]:1",
            "[::1]x",
            "0.0.0.0:3001",
            "",
        ] {
            assert!(!is_loopback_host(refused), "{refused}");
        }
    }
}
