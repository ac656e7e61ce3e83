//! The rate limit as a route layer: counts a matched API route against the
//! [`Throttler`](crate::state::throttle::Throttler), like NestJS's global guard does
//! before authentication and validation, and tags the response for the request log.

use std::net::IpAddr;
use std::sync::Arc;

use axum::{
    extract::{ConnectInfo, MatchedPath, Request, State},
    http::{HeaderValue, Method},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tokio::time::Instant;

use crate::error::ApiError;
use crate::net::ConnInfo;
use crate::state::throttle::RouteKey;
use crate::state::App;

/// Whose address a request counts against: what the backend would see as `req.ip`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tracker {
    /// The peer of the connection: the client, or the proxy in front of the backend.
    Peer,
    /// Always this address: the hops inside the all-in-one image (nginx, Next.js) that
    /// every request passes before the backend.
    Fixed(IpAddr),
}

/// The route key of a matched route. HEAD is answered by the GET handler, so it counts
/// against GET.
fn route_key(method: &Method, path: &MatchedPath) -> RouteKey {
    let method = if method == Method::HEAD {
        &Method::GET
    } else {
        method
    };
    RouteKey(format!("{method} {}", path.as_str()))
}

/// Route-layer middleware of every API route: applies the limit when one is configured
/// and tags the response with its [`RouteKey`] for the request log.
pub(crate) async fn api_route(
    State((app, tracker)): State<(Arc<App>, Tracker)>,
    ConnectInfo(conn): ConnectInfo<ConnInfo>,
    request: Request,
    next: Next,
) -> Response {
    let Some(path) = request.extensions().get::<MatchedPath>() else {
        return next.run(request).await;
    };
    let key = route_key(request.method(), path);
    let mut headers = None;
    if let Some(throttler) = &app.throttle {
        let ip = match tracker {
            Tracker::Peer => conn.peer.ip(),
            Tracker::Fixed(ip) => ip,
        };
        let hit = throttler.hit(&key, ip, Instant::now());
        if hit.blocked {
            let mut response =
                ApiError::too_many_requests(hit.time_to_block_expire).into_response();
            response.extensions_mut().insert(key);
            return response;
        }
        let limit = throttler.config.limit;
        headers = Some([
            ("x-ratelimit-limit", u64::from(limit)),
            (
                "x-ratelimit-remaining",
                u64::from(limit.saturating_sub(hit.total_hits)),
            ),
            ("x-ratelimit-reset", hit.time_to_expire),
        ]);
    }
    let mut response = next.run(request).await;
    for (name, value) in headers.into_iter().flatten() {
        response
            .headers_mut()
            .insert(name, HeaderValue::from(value));
    }
    response.extensions_mut().insert(key);
    response
}
