//! The web UI's side of a deployment: what upstream's Next.js app answers
//! (apps/frontend: `src/middleware.ts`, `next.config.ts`, `src/app`).
//!
//! In [`Layout::Split`](crate::config::Layout::Split) it is a listener of its own, in
//! front of the backend; in the one-origin layout only its pages are served, next to
//! the backend's routes. Its rules, in Next.js's order:
//!
//! 1. a path ending in `/` is redirected (308) to the path without it (Next.js's
//!    default `trailingSlash: false`), `/socket.io/` included;
//! 2. `/api*` is forwarded to the backend;
//! 3. without an `access_token` cookie every path but `/login*` is redirected (307) to
//!    `/login?redirect=<path>`: the cookie is only looked at, never verified;
//! 4. a page is served, anything else is Next.js's 404 page.
//!
//! So Socket.IO is not reachable here: `/socket.io/` is a redirect, and with a cookie a
//! 404 page.

mod pages;
mod proxy;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri},
    middleware,
    response::{IntoResponse, Response},
    Router,
};

pub(crate) use pages::Origins;
use pages::Page;
use proxy::Proxy;

use super::edge;
use crate::error::route_not_found;
use crate::net::ConnInfo;
use crate::state::App;

/// What the web listener needs for every request.
#[derive(Debug)]
struct Site {
    origins: Origins,
    proxy: Proxy,
}

/// The web listener of the split layout: pages, and `/api*` forwarded to `backend`.
/// Only the loopback-`Host` rule runs before it.
pub(crate) fn site(app: Arc<App>, origins: Origins, backend: SocketAddr) -> Router {
    let site = Arc::new(Site {
        origins,
        proxy: Proxy::new(backend),
    });
    Router::new()
        .fallback(next_js)
        .with_state(site)
        .layer(middleware::from_fn_with_state(
            app,
            edge::loopback_hosts_only,
        ))
}

async fn next_js(
    State(site): State<Arc<Site>>,
    ConnectInfo(conn): ConnectInfo<ConnInfo>,
    request: Request,
) -> Response {
    let path = request.uri().path().to_owned();
    if path.len() > 1 && path.ends_with('/') {
        let trimmed = path.trim_end_matches('/');
        let location = match request.uri().query() {
            Some(query) => format!("{trimmed}?{query}"),
            None => trimmed.to_owned(),
        };
        return redirect(StatusCode::PERMANENT_REDIRECT, &location);
    }
    if path.starts_with("/api") {
        return site.proxy.forward(&conn, request).await;
    }
    page(&site.origins, request.method(), &path, request.headers())
}

/// The one-origin layout's fallback: a page where the web UI has one (GET and HEAD),
/// otherwise NestJS's `404 "Cannot <METHOD> <url>"` as before pages existed. (In the
/// all-in-one image an unknown non-API path reaches Next.js, which redirects it to
/// `/login` or shows its 404 page; the backend's answer is kept there so existing tools
/// keep their meaning.)
pub(crate) async fn page_or_not_found(
    State(origins): State<Arc<Origins>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let is_read = method == Method::GET || method == Method::HEAD;
    if is_read && Page::at(uri.path()).is_some() {
        return page(&origins, &method, uri.path(), &headers);
    }
    route_not_found(method, uri).await.into_response()
}

/// Rules 3 and 4: the session-cookie redirect, then the page or the 404 page.
fn page(origins: &Origins, method: &Method, path: &str, headers: &HeaderMap) -> Response {
    if !path.starts_with("/login") && !has_session_cookie(headers) {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("redirect", path)
            .finish();
        return redirect(
            StatusCode::TEMPORARY_REDIRECT,
            &format!("http://{host}/login?{query}"),
        );
    }
    match Page::at(path) {
        Some(page) if method == Method::GET || method == Method::HEAD => {
            pages::render(&page, origins)
        }
        _ => pages::not_found(origins),
    }
}

/// Whether the request carries a non-empty `access_token` cookie.
fn has_session_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, value)| name == "access_token" && !value.trim().is_empty())
}

fn redirect(status: StatusCode, location: &str) -> Response {
    let mut response = status.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}
