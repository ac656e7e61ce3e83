//! Optional per-IP rate limit, shaped like NestJS's `ThrottlerGuard`: a window starts at a
//! client's first request, and once `limit` requests are used the client gets 429 with
//! `Retry-After` until the window ends.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tokio::time::Instant;

use crate::config::Throttle;
use crate::error::ApiError;
use crate::server::ConnInfo;
use crate::state::App;

/// Request counters per client IP.
#[derive(Debug)]
pub(crate) struct Throttler {
    config: Throttle,
    windows: Mutex<HashMap<IpAddr, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    ends: Instant,
    hits: u32,
}

impl Throttler {
    pub(crate) fn new(config: Throttle) -> Self {
        Self {
            config,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request; `Err(seconds)` when it is over the limit.
    fn hit(&self, ip: IpAddr) -> Result<(), u64> {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > 10_000 {
            windows.retain(|_, w| w.ends > now);
        }
        let window = windows
            .entry(ip)
            .and_modify(|w| {
                if w.ends <= now {
                    *w = Window {
                        ends: now + self.config.window,
                        hits: 0,
                    };
                }
            })
            .or_insert(Window {
                ends: now + self.config.window,
                hits: 0,
            });
        window.hits = window.hits.saturating_add(1);
        if window.hits > self.config.limit {
            let left = window.ends.saturating_duration_since(now);
            Err(left.as_millis().div_ceil(1000).max(1) as u64)
        } else {
            Ok(())
        }
    }
}

/// Middleware applying the limit to every API route (not to `/__dev`).
pub(crate) async fn throttle(
    State(app): State<Arc<App>>,
    ConnectInfo(conn): ConnectInfo<ConnInfo>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(throttler) = &app.throttle {
        if !request.uri().path().starts_with("/__dev") {
            if let Err(retry_after) = throttler.hit(conn.peer.ip()) {
                return ApiError::too_many_requests(retry_after).into_response();
            }
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn limits_per_ip() {
        let t = Throttler::new(Throttle {
            limit: 2,
            window: Duration::from_secs(60),
        });
        let a: IpAddr = [127, 0, 0, 1].into();
        let b: IpAddr = [127, 0, 0, 2].into();
        assert!(t.hit(a).is_ok());
        assert!(t.hit(a).is_ok());
        let retry = t.hit(a).expect_err("third request is over the limit");
        assert!((1..=60).contains(&retry));
        assert!(t.hit(b).is_ok(), "another IP has its own window");
    }
}
