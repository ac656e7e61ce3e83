//! How a dev server is started.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::PathBuf;
use std::time::Duration;

/// Everything [`DevServer::start`](crate::DevServer::start) needs. `Default` gives a
/// test-friendly server that is also safe to run on a person's machine: loopback,
/// ephemeral port, in-memory database, the real server's 60 s jobs, no rate limit, no
/// demo agent, a random JWT secret and admin password, loopback `Host` names only, no
/// `/__dev` routes, and webhooks only to loopback receivers.
#[derive(Clone)]
pub struct DevServerConfig {
    /// Address of the backend (REST and Socket.IO; in [`Layout::OneOrigin`] also the web
    /// pages); port 0 picks a free port (kept across `restart`).
    pub bind: SocketAddr,
    /// One origin, or a separate web listener in front of the backend.
    pub layout: Layout,
    /// Where the data lives.
    pub db: Db,
    /// Period of the review-expiry job (the real server: 60 s; tests: ~100 ms).
    pub expiry_tick: Duration,
    /// Period of the job that aborts stale streaming drafts (the real server: 60 s).
    pub stream_cleanup_tick: Duration,
    /// How long a streaming draft may go without an update before that job aborts it
    /// (the real server: 5 minutes).
    pub stale_stream_after: Duration,
    /// Optional rate limit, like NestJS's global `ThrottlerGuard`: per route and the
    /// address the backend sees as the client (see [`Throttle`]).
    /// [`Throttle::UPSTREAM`] is the real server's default.
    pub throttle: Option<Throttle>,
    /// HS256 secret for JWTs. `Default` makes a random one, so tokens of one run are
    /// worthless to the next and to anyone who knows the upstream default.
    pub jwt_secret: String,
    /// Password of the seeded `admin@placet.local`; `None` picks a random one when the
    /// database is seeded. Read it back from `server.seed().admin().password`.
    pub admin_password: Option<String>,
    /// Seed both accounts with `mustChangePassword` set, as accounts an owner creates
    /// start out: login and `me` report it until `POST /api/auth/change-password`
    /// clears it. Only applies when the database is first seeded.
    pub must_change_password: bool,
    /// When set, a demo agent posts one review of each kind in turn at this interval and
    /// sends occasional status pings.
    pub demo_interval: Option<Duration>,
    /// Serve the `/__dev/*` test-control routes. Off by default: the in-process
    /// [`Controls`](crate::Controls) need no routes, and a demo server should not offer
    /// them to other local programs.
    pub dev_routes: bool,
    /// Serve requests whose `Host` is not a loopback name. Off by default, so a
    /// DNS-rebinding page cannot read the server; turn on only when binding beyond
    /// loopback on purpose.
    pub allow_remote_hosts: bool,
    /// Where webhooks may go.
    pub webhooks: Webhooks,
}

impl std::fmt::Debug for DevServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevServerConfig")
            .field("bind", &self.bind)
            .field("layout", &self.layout)
            .field("db", &self.db)
            .field("expiry_tick", &self.expiry_tick)
            .field("stream_cleanup_tick", &self.stream_cleanup_tick)
            .field("stale_stream_after", &self.stale_stream_after)
            .field("throttle", &self.throttle)
            .field("jwt_secret", &"<redacted>")
            .field(
                "admin_password",
                &self.admin_password.as_ref().map(|_| "<redacted>"),
            )
            .field("must_change_password", &self.must_change_password)
            .field("demo_interval", &self.demo_interval)
            .field("dev_routes", &self.dev_routes)
            .field("allow_remote_hosts", &self.allow_remote_hosts)
            .field("webhooks", &self.webhooks)
            .finish()
    }
}

impl Default for DevServerConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            layout: Layout::OneOrigin,
            db: Db::Memory,
            expiry_tick: Duration::from_secs(60),
            stream_cleanup_tick: Duration::from_secs(60),
            stale_stream_after: Duration::from_secs(5 * 60),
            throttle: None,
            jwt_secret: crate::util::random_hex(32),
            admin_password: None,
            must_change_password: false,
            demo_interval: None,
            dev_routes: false,
            allow_remote_hosts: false,
            webhooks: Webhooks::default(),
        }
    }
}

/// How the server sits on the network, as people deploy Placet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Layout {
    /// The all-in-one image: nginx puts the web UI's pages, `/api/*` and Socket.IO
    /// (`/socket.io/`, namespace `/ws`) on one origin, the one in
    /// [`DevServerConfig::bind`].
    #[default]
    OneOrigin,
    /// Upstream's default docker-compose: a web listener (Next.js, :3000 upstream) on
    /// `web` serves the pages and forwards only `/api/*` to the backend over HTTP, so the
    /// backend sees the proxy's address as the client; the backend (:3001 upstream) on
    /// [`DevServerConfig::bind`] serves REST and Socket.IO and no pages. Socket.IO is not
    /// reachable through the web listener.
    Split {
        /// Address of the web listener; port 0 picks a free port (kept across `restart`).
        web: SocketAddr,
    },
}

impl Layout {
    /// [`Layout::Split`] with the web listener on `127.0.0.1:web_port` (0: a free port).
    pub const fn split_loopback(web_port: u16) -> Self {
        Layout::Split {
            web: SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, web_port)),
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

/// Where the server sends webhooks.
///
/// The real server refuses loopback and private targets (an SSRF guard that throws before
/// the send, leaving the message `sent` with no event). A dev server's receivers are on
/// loopback, and it must not call out to the seeded `hooks.example.com` URLs, so the
/// rule here is the opposite: only loopback targets are called, and any other URL gets
/// the real server's treatment of a refused one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Webhooks {
    /// No webhook is ever sent.
    Off,
    /// Webhooks go to `localhost`, `127.0.0.0/8` and `[::1]` only.
    #[default]
    LoopbackOnly,
}

/// At most `limit` requests per `window` to one route from one client address; more get
/// `429 "ThrottlerException: Too Many Requests"` with `Retry-After`, and the client stays
/// blocked on that route for another `window` (NestJS's default block duration).
///
/// The client address is what `@nestjs/throttler`'s default tracker reads, `req.ip`, and
/// the backend does not trust proxies (apps/backend/src/main.ts sets no `trustProxy`),
/// so it is the peer of the backend's TCP connection: behind the web listener of
/// [`Layout::Split`] every client shares the proxy's budget, and in
/// [`Layout::OneOrigin`], where the all-in-one image's nginx and Next.js hops sit in
/// front of the backend, every request counts as `127.0.0.1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Requests allowed per window.
    pub limit: u32,
    /// Length of the window (NestJS's `ttl`), also the block duration.
    pub window: Duration,
}

impl Throttle {
    /// The real server's default: `THROTTLE_LIMIT` 100 per `THROTTLE_TTL` 60 s.
    pub const UPSTREAM: Throttle = Throttle {
        limit: 100,
        window: Duration::from_secs(60),
    };
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
