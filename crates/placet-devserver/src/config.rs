//! How a dev server is started.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Everything [`DevServer::start`](crate::DevServer::start) needs. `Default` gives a
/// test-friendly server: loopback, ephemeral port, in-memory database, the real server's
/// 60 s expiry job, no rate limit, no demo agent.
#[derive(Debug, Clone)]
pub struct DevServerConfig {
    /// Address to listen on; port 0 picks a free port (kept across `restart`).
    pub bind: SocketAddr,
    /// Where the data lives.
    pub db: Db,
    /// Period of the review-expiry job (the real server: 60 s; tests: ~100 ms).
    pub expiry_tick: Duration,
    /// Optional rate limit per client IP, like NestJS's `ThrottlerGuard`.
    pub throttle: Option<Throttle>,
    /// HS256 secret for JWTs. The real server's default is `change-me-in-production`.
    pub jwt_secret: String,
    /// When set, a demo agent posts one review of each kind in turn at this interval and
    /// sends occasional status pings.
    pub demo_interval: Option<Duration>,
}

impl Default for DevServerConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            db: Db::Memory,
            expiry_tick: Duration::from_secs(60),
            throttle: None,
            jwt_secret: "change-me-in-production".to_owned(),
            demo_interval: None,
        }
    }
}

/// The database backing a server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Db {
    /// A private in-memory SQLite database, owned by the server handle: it survives
    /// `stop`/`restart` and is gone after `shutdown`.
    #[default]
    Memory,
    /// A SQLite file, created and seeded if missing.
    File(PathBuf),
}

/// At most `limit` requests per `window` from one client IP; more get
/// `429 "ThrottlerException: Too Many Requests"` with `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Requests allowed per window.
    pub limit: u32,
    /// Length of the window.
    pub window: Duration,
}

impl std::str::FromStr for Throttle {
    type Err = String;

    /// Parses `N/SECS`, e.g. `100/60`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (limit, secs) = s
            .split_once('/')
            .ok_or_else(|| format!("expected N/SECS, got {s:?}"))?;
        let limit: u32 = limit
            .trim()
            .parse()
            .map_err(|_| format!("invalid request count {limit:?}"))?;
        let secs: u64 = secs
            .trim()
            .parse()
            .map_err(|_| format!("invalid window {secs:?}"))?;
        if limit == 0 || secs == 0 {
            return Err("limit and window must be positive".to_owned());
        }
        Ok(Self {
            limit,
            window: Duration::from_secs(secs),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_throttle() {
        let t: Throttle = "100/60".parse().unwrap();
        assert_eq!(t.limit, 100);
        assert_eq!(t.window, Duration::from_secs(60));
        assert!("100".parse::<Throttle>().is_err());
        assert!("0/60".parse::<Throttle>().is_err());
    }
}
