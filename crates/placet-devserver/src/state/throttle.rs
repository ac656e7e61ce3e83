//! The optional rate limit, shaped like the real server's global `ThrottlerGuard`
//! (apps/backend/src/app.module.ts: `THROTTLE_LIMIT` 100 per `THROTTLE_TTL` 60 s, no
//! route skipped) as `@nestjs/throttler` 6 implements it:
//!
//! - the key is the route handler plus the client IP, so every route has its own budget;
//! - each counted hit expires `ttl` after it was made (a sliding window);
//! - the request that goes over the limit blocks that key for the block duration, which
//!   defaults to `ttl`; blocked requests are not counted, and the first request after
//!   the block starts a fresh count;
//! - a counted request gets `X-RateLimit-Limit`, `-Remaining` and `-Reset` headers, a
//!   blocked one `429 "ThrottlerException: Too Many Requests"` with `Retry-After`.
//!
//! Like a NestJS guard it runs only on matched routes, before authentication and
//! validation (a 401 counts), and never on unknown routes, Socket.IO or `/__dev`.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;

use tokio::time::Instant;

use crate::config::Throttle;

/// Records kept before idle ones are swept out.
const SWEEP_AT: usize = 10_000;

/// The route a request was counted against, e.g. `POST /api/v1/messages`; left on the
/// response for the request log.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct RouteKey(pub(crate) String);

/// Hits per (route, client IP).
#[derive(Debug)]
pub(crate) struct Throttler {
    pub(crate) config: Throttle,
    records: Mutex<HashMap<(RouteKey, IpAddr), Record>>,
}

#[derive(Debug)]
struct Record {
    /// When each counted hit stops counting, oldest first.
    hits: VecDeque<Instant>,
    /// The fixed window behind `X-RateLimit-Reset`.
    window_ends: Instant,
    blocked_until: Option<Instant>,
}

/// What one request did to its key (`ThrottlerStorageRecord`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) total_hits: u32,
    pub(crate) time_to_expire: u64,
    pub(crate) blocked: bool,
    pub(crate) time_to_block_expire: u64,
}

/// Whole seconds left until `t`, rounded up like `Math.ceil(ms / 1000)`; 0 when past.
fn secs_until(t: Instant, now: Instant) -> u64 {
    t.saturating_duration_since(now).as_millis().div_ceil(1000) as u64
}

impl Throttler {
    pub(crate) fn new(config: Throttle) -> Self {
        Self {
            config,
            records: Mutex::new(HashMap::new()),
        }
    }

    /// `ThrottlerStorageService.increment` with `blockDuration = ttl`.
    pub(crate) fn hit(&self, route: &RouteKey, ip: IpAddr, now: Instant) -> Hit {
        let ttl = self.config.window;
        let limit = self.config.limit as usize;
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        if records.len() > SWEEP_AT {
            records.retain(|_, r| {
                r.window_ends > now
                    || r.blocked_until.is_some_and(|b| b > now)
                    || r.hits.back().is_some_and(|&h| h > now)
            });
        }
        let record = records
            .entry((route.clone(), ip))
            .or_insert_with(|| Record {
                hits: VecDeque::new(),
                window_ends: now + ttl,
                blocked_until: None,
            });
        while record.hits.front().is_some_and(|&h| h <= now) {
            record.hits.pop_front();
        }
        if record.window_ends <= now {
            record.window_ends = now + ttl;
        }
        let time_to_expire = secs_until(record.window_ends, now);
        if record.blocked_until.is_none() {
            record.hits.push_back(now + ttl);
            if record.hits.len() > limit {
                record.blocked_until = Some(now + ttl);
            }
        }
        let mut time_to_block_expire = record.blocked_until.map_or(0, |b| secs_until(b, now));
        if time_to_block_expire == 0 && record.blocked_until.is_some() {
            record.blocked_until = None;
            record.hits.clear();
            record.hits.push_back(now + ttl);
            time_to_block_expire = 0;
        }
        Hit {
            total_hits: u32::try_from(record.hits.len()).unwrap_or(u32::MAX),
            time_to_expire,
            blocked: record.blocked_until.is_some(),
            time_to_block_expire,
        }
    }

    /// Forgets every count (a fresh process of the real server).
    pub(crate) fn reset(&self) {
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn throttler(limit: u32, secs: u64) -> Throttler {
        Throttler::new(Throttle {
            limit,
            window: Duration::from_secs(secs),
        })
    }

    #[test]
    fn limits_per_route_and_ip() {
        let t = throttler(2, 60);
        let now = Instant::now();
        let a: IpAddr = [127, 0, 0, 1].into();
        let b: IpAddr = [127, 0, 0, 2].into();
        let list = RouteKey("GET /api/agents".into());
        let post = RouteKey("POST /api/messages".into());
        assert_eq!(t.hit(&list, a, now).total_hits, 1);
        assert!(!t.hit(&list, a, now).blocked);
        let third = t.hit(&list, a, now);
        assert!(third.blocked, "third request is over the limit");
        assert_eq!(third.time_to_block_expire, 60, "blocked for the ttl");
        assert!(
            !t.hit(&list, b, now).blocked,
            "another IP has its own count"
        );
        assert!(
            !t.hit(&post, a, now).blocked,
            "another route has its own count"
        );
    }

    #[test]
    fn hits_slide_out_and_blocks_end() {
        let t = throttler(2, 10);
        let ip: IpAddr = [127, 0, 0, 1].into();
        let key = RouteKey("GET /health".into());
        let start = Instant::now();
        t.hit(&key, ip, start);
        t.hit(&key, ip, start + Duration::from_secs(5));
        let later = start + Duration::from_secs(11);
        let hit = t.hit(&key, ip, later);
        assert_eq!(
            (hit.blocked, hit.total_hits),
            (false, 2),
            "the first hit expired, the second still counts"
        );
        let blocked = t.hit(&key, ip, later);
        assert!(blocked.blocked, "over the limit");
        let still = t.hit(&key, ip, later + Duration::from_secs(9));
        assert!(
            still.blocked,
            "blocked requests do not count and stay blocked"
        );
        assert_eq!(still.time_to_block_expire, 1);
        let after = t.hit(&key, ip, later + Duration::from_secs(10));
        assert_eq!(
            (after.blocked, after.total_hits),
            (false, 1),
            "the first request after the block starts a fresh count"
        );
    }
}
