//! The server's rate limit, remembered: after a `429` with `Retry-After`, requests to
//! the same route are not sent until the wait is over; they fail at once with
//! [`ApiError::RateLimited`] and the time left.
//!
//! Upstream's throttler (`@nestjs/throttler`) keeps one budget per route handler and
//! client address, blocks a route for `Retry-After` seconds once it is over, and does
//! not count the requests it refuses meanwhile; sending them would only spend time and
//! the budget of whoever shares the address (behind a proxy: everyone). So the memory
//! is per route, and shared by every clone of a client and every client made from it
//! with [`RestClient::authenticated`](super::RestClient::authenticated): they share an
//! address.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use crate::error::ApiError;

/// A route as the server's throttler counts it: the method and the path with its ids
/// left out, such as `POST api/messages/:id/respond`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Route {
    pub(crate) method: reqwest::Method,
    pub(crate) path: &'static str,
}

impl Route {
    pub(crate) fn new(method: reqwest::Method, path: &'static str) -> Self {
        Self { method, path }
    }
}

/// Routes blocked by the server, until when.
#[derive(Debug, Clone, Default)]
pub(crate) struct RateGate {
    blocked: Arc<Mutex<HashMap<Route, Instant>>>,
}

impl RateGate {
    /// `Err(RateLimited)` with the time left while `route` is blocked.
    pub(crate) fn check(&self, route: &Route) -> Result<(), ApiError> {
        let mut blocked = self.blocked.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        match blocked.get(route) {
            Some(until) if *until > now => Err(ApiError::RateLimited {
                retry_after: Some(until.duration_since(now)),
            }),
            Some(_) => {
                blocked.remove(route);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Remembers the outcome of a request to `route`: a 429 with `Retry-After` blocks
    /// the route for that long.
    pub(crate) fn record<T>(&self, route: &Route, result: &Result<T, ApiError>) {
        if let Err(ApiError::RateLimited {
            retry_after: Some(after),
        }) = result
        {
            self.block(route, *after);
        }
    }

    fn block(&self, route: &Route, after: Duration) {
        if after.is_zero() {
            return;
        }
        tracing::info!(
            route = %format_args!("{} /{}", route.method, route.path),
            wait_ms = after.as_millis() as u64,
            "rate limited by the server; waiting before using this route again"
        );
        let until = Instant::now() + after;
        let mut blocked = self.blocked.lock().unwrap_or_else(|p| p.into_inner());
        let entry = blocked.entry(route.clone()).or_insert(until);
        *entry = (*entry).max(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 429 blocks its own route, and only it, until `Retry-After` is over.
    #[tokio::test(start_paused = true)]
    async fn a_429_blocks_its_route_until_retry_after() {
        let list = &Route::new(reqwest::Method::GET, "api/messages/reviews");
        let respond = &Route::new(reqwest::Method::POST, "api/messages/:id/respond");
        let gate = RateGate::default();
        gate.record::<()>(
            list,
            &Err(ApiError::RateLimited {
                retry_after: Some(Duration::from_secs(30)),
            }),
        );
        let err = gate.check(list).unwrap_err();
        assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
        assert!(
            gate.check(respond).is_ok(),
            "another route has its own budget"
        );
        tokio::time::advance(Duration::from_secs(29)).await;
        assert_eq!(
            gate.check(list).unwrap_err().retry_after(),
            Some(Duration::from_secs(1))
        );
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(gate.check(list).is_ok(), "the wait is over");
        gate.record::<()>(list, &Err(ApiError::RateLimited { retry_after: None }));
        assert!(gate.check(list).is_ok(), "no Retry-After, no wait imposed");
    }
}
