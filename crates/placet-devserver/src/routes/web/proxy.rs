//! The web listener's `/api*` forwarder: a real HTTP hop to the backend, as the web
//! UI's middleware does (`NextResponse.rewrite` to `INTERNAL_API_URL`,
//! apps/frontend/src/middleware.ts), so the backend sees the proxy as its client.

use std::net::SocketAddr;

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

use crate::net::ConnInfo;

/// Headers that belong to one connection and are never forwarded.
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// The HTTP client of one web listener.
#[derive(Debug, Clone)]
pub(crate) struct Proxy {
    client: reqwest::Client,
    backend: SocketAddr,
}

impl Proxy {
    /// A forwarder to the backend at `backend`. Every request opens its own connection,
    /// so a restarted backend never meets a stale pooled one.
    pub(crate) fn new(backend: SocketAddr) -> Self {
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(0)
            .build()
            .unwrap_or_default();
        Self { client, backend }
    }

    /// Forwards `request` and streams the backend's answer back. A backend that cannot
    /// be reached is Next.js's plain 500; one that drops the connection mid-answer (the
    /// "lose the next reply" test control) drops the client's connection too, so the
    /// control means the same through the proxy.
    pub(crate) async fn forward(&self, conn: &ConnInfo, request: Request) -> Response {
        let (parts, body) = request.into_parts();
        let path = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned());
        let url = format!("http://{}{path}", self.backend);
        let mut headers = forwardable(&parts.headers);
        headers.remove(header::HOST);
        if let Some(host) = parts.headers.get(header::HOST) {
            headers.insert("x-forwarded-host", host.clone());
        }
        headers.insert("x-forwarded-proto", HeaderValue::from_static("http"));
        if let Ok(peer) = HeaderValue::from_str(&conn.peer.ip().to_string()) {
            headers.insert("x-forwarded-for", peer);
        }
        let body = reqwest::Body::wrap_stream(body.into_data_stream());
        let sent = self
            .client
            .request(parts.method, url)
            .headers(headers)
            .body(body)
            .send()
            .await;
        let upstream = match sent {
            Ok(upstream) => upstream,
            Err(e) if e.is_connect() => {
                tracing::debug!(error = %e, "backend unreachable from the web listener");
                return (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
                    .into_response();
            }
            Err(e) => {
                tracing::debug!(error = %e, "backend dropped a proxied request");
                conn.conn.cut();
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        let status = upstream.status();
        let headers = forwardable(upstream.headers());
        let mut response = Response::new(Body::from_stream(upstream.bytes_stream()));
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        response
    }
}

/// `headers` without the hop-by-hop ones (repeated headers such as `Set-Cookie` kept).
fn forwardable(headers: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            out.append(HeaderName::clone(name), value.clone());
        }
    }
    out
}
