//! Errors of the REST client, shaped by what a caller does with them: sign in again,
//! retry later, tell the person the answer was too late, or report a bug.

use std::time::Duration;

/// How a request failed to reach the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NetworkKind {
    /// Name resolution or TCP connect failed (host down, refused, no route).
    Connect,
    /// The server did not answer in time.
    Timeout,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// The connection broke while the request was under way.
    Other,
}

/// An error from the Placet REST API. `Display` never contains a token: requests carry
/// credentials in headers only, and the server's own message is the only text quoted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// 401: not signed in, wrong credentials, or the session expired.
    #[error("not authorised: {message}")]
    Unauthorized { message: String },
    /// 403 other than "Review already responded" (for example "Not your agent").
    #[error("forbidden: {message}")]
    Forbidden { message: String },
    /// 404.
    #[error("not found: {message}")]
    NotFound { message: String },
    /// 401 from a password change: the current password given is wrong (the sign-in
    /// itself is fine).
    #[error("{message}")]
    WrongPassword { message: String },
    /// 403 "Review already responded": the review was answered, or it expired.
    #[error("the review was already answered or has expired")]
    AlreadyResponded,
    /// 400: the server rejected the request body.
    #[error("rejected by the server: {message}")]
    BadRequest { message: String },
    /// 429: too many requests.
    #[error("rate limited by the server{}", retry_hint(.retry_after))]
    RateLimited { retry_after: Option<Duration> },
    /// 5xx or another unexpected status.
    #[error("server error {status}: {message}")]
    Server { status: u16, message: String },
    /// The request did not get an HTTP answer.
    #[error("cannot reach the server: {message}")]
    Network { kind: NetworkKind, message: String },
    /// The server answered with something that is not what Placet sends.
    #[error("unexpected answer from the server: {message}")]
    Decode { message: String },
    /// A 3xx: API requests follow no redirect, so no credential can be carried to
    /// another address. The configured address is wrong (`http` behind an https-only
    /// proxy, a moved server): the person should use `location`.
    #[error("{}", redirect_text(*.status, .location.as_deref()))]
    Redirect {
        status: u16,
        /// Where the server pointed, resolved against the request URL.
        location: Option<String>,
    },
    /// Refused before sending: credentials would travel unencrypted (plain `http` to a
    /// host that is not this machine, without the explicit allowance), or to an origin
    /// other than the server's.
    #[error("not sent: {message}")]
    Insecure { message: String },
}

fn redirect_text(status: u16, location: Option<&str>) -> String {
    match location {
        Some(l) => {
            format!("the server answered with a redirect ({status}) to {l}; use that address")
        }
        None => format!("the server answered with a redirect ({status}) without a target"),
    }
}

fn retry_hint(after: &Option<Duration>) -> String {
    match after {
        Some(d) => format!(", retry in {} s", d.as_secs().max(1)),
        None => String::new(),
    }
}

impl ApiError {
    /// The credential is missing, wrong or expired: sign in again.
    pub fn is_auth(&self) -> bool {
        matches!(self, ApiError::Unauthorized { .. })
    }

    /// Worth retrying later with the same request: no answer, rate limit, 5xx.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Network { .. } | ApiError::RateLimited { .. } => true,
            ApiError::Server { status, .. } => *status >= 500 || *status == 408,
            _ => false,
        }
    }

    /// The server's requested wait, for a rate limit.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::RateLimited { retry_after } => *retry_after,
            _ => None,
        }
    }

    /// A stable machine-readable code for UIs and the command line.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthorized { .. } => "unauthorized",
            ApiError::Forbidden { .. } => "forbidden",
            ApiError::NotFound { .. } => "notFound",
            ApiError::WrongPassword { .. } => "wrongPassword",
            ApiError::AlreadyResponded => "alreadyResponded",
            ApiError::BadRequest { .. } => "badRequest",
            ApiError::RateLimited { .. } => "rateLimited",
            ApiError::Server { .. } => "server",
            ApiError::Network { .. } => "network",
            ApiError::Decode { .. } => "decode",
            ApiError::Redirect { .. } => "redirect",
            ApiError::Insecure { .. } => "insecure",
        }
    }
}
