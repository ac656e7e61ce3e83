//! The server's address, and whether credentials may travel to it.
//!
//! A sign-in sends a password, then a session token with every request; over plain
//! `http` anyone on the path reads both. So `http` is accepted only for a loopback host
//! (the dev server, a tunnel, a proxy on the same machine) unless the caller says, in so
//! many words, that insecure HTTP is allowed: [`ServerUrl::parse_allowing_insecure_http`].
//! The allowance travels inside the [`ServerUrl`], so the REST client and the session
//! check it before every credential leaves the process.

use std::net::{IpAddr, Ipv6Addr};

/// The base URL of a Placet server, checked once: http or https, with a host, no query
/// or fragment, and plain `http` only to a loopback host unless explicitly allowed. API
/// paths are joined below it, so a server behind a path prefix works.
///
/// Equality and hashing look at the URL only, not at the insecure-HTTP allowance.
#[derive(Debug, Clone)]
pub struct ServerUrl {
    url: url::Url,
    insecure_http_allowed: bool,
}

impl PartialEq for ServerUrl {
    fn eq(&self, other: &Self) -> bool {
        self.url == other.url
    }
}

impl Eq for ServerUrl {}

impl std::hash::Hash for ServerUrl {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.url.hash(state);
    }
}

/// Why a server URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ServerUrlError {
    #[error("`{0}` is not a URL")]
    Invalid(String),
    #[error("the server URL must start with http:// or https://")]
    Scheme,
    #[error("the server URL must not contain a user name or password")]
    Credentials,
    #[error("the server URL must not have a query or fragment")]
    Extra,
    /// `http://` to a host that is not this machine, without the explicit allowance.
    #[error(transparent)]
    Insecure(#[from] InsecureTransport),
}

/// Credentials would travel unencrypted: `http://` to a host other than this machine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{host} is reached over plain http: the password and session would travel unencrypted; \
     use https://{host} (or allow insecure HTTP explicitly in the settings)"
)]
pub struct InsecureTransport {
    /// The host (and port, when given) of the refused URL.
    pub host: String,
}

impl ServerUrl {
    /// Parses and normalises a server URL (a trailing slash is added). `http://` is
    /// refused for any host but this machine (127.0.0.0/8, ::1, `localhost`).
    pub fn parse(input: &str) -> Result<Self, ServerUrlError> {
        let url = Self::parse_any(input)?;
        url.check_transport()?;
        Ok(url)
    }

    /// Like [`ServerUrl::parse`], but accepts `http://` to a remote host: the person
    /// chose, knowingly, to send their password and session unencrypted (a server on a
    /// trusted network without TLS). The allowance stays with the URL.
    pub fn parse_allowing_insecure_http(input: &str) -> Result<Self, ServerUrlError> {
        let mut url = Self::parse_any(input)?;
        url.insecure_http_allowed = true;
        Ok(url)
    }

    fn parse_any(input: &str) -> Result<Self, ServerUrlError> {
        let input = input.trim();
        let mut url =
            url::Url::parse(input).map_err(|_| ServerUrlError::Invalid(input.to_owned()))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(ServerUrlError::Scheme);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ServerUrlError::Credentials);
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(ServerUrlError::Extra);
        }
        if !url.path().ends_with('/') {
            let p = format!("{}/", url.path());
            url.set_path(&p);
        }
        Ok(Self {
            url,
            insecure_http_allowed: false,
        })
    }

    /// True when the host is this machine: 127.0.0.0/8, ::1 (also IPv4-mapped), or
    /// `localhost`.
    pub fn is_loopback(&self) -> bool {
        is_loopback_url(&self.url)
    }

    /// True for `https://`.
    pub fn is_encrypted(&self) -> bool {
        self.url.scheme() == "https"
    }

    /// True when this URL was built with [`ServerUrl::parse_allowing_insecure_http`].
    pub fn insecure_http_allowed(&self) -> bool {
        self.insecure_http_allowed
    }

    /// Whether credentials may be sent to this server: over https, to this machine, or
    /// with the explicit allowance.
    pub fn check_transport(&self) -> Result<(), InsecureTransport> {
        if self.is_encrypted() || self.is_loopback() || self.insecure_http_allowed {
            Ok(())
        } else {
            Err(InsecureTransport {
                host: self.host_and_port(),
            })
        }
    }

    fn host_and_port(&self) -> String {
        let host = self.url.host_str().unwrap_or("");
        match self.url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_owned(),
        }
    }

    /// The URL with its trailing slash, e.g. `https://placet.example/`.
    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    /// The URL without the trailing slash, for display and configuration.
    pub fn display(&self) -> &str {
        self.url.as_str().trim_end_matches('/')
    }

    /// The underlying URL.
    pub fn url(&self) -> &url::Url {
        &self.url
    }

    /// True when `other` has this server's scheme, host and port: the only place a
    /// credential may be sent.
    pub fn same_origin(&self, other: &url::Url) -> bool {
        self.url.origin() == other.origin()
    }

    /// `path` (without a leading slash) below the base.
    pub fn join(&self, path: &str) -> url::Url {
        // Joining a relative path onto a base with a trailing slash cannot fail.
        self.url
            .join(path.trim_start_matches('/'))
            .unwrap_or_else(|_| self.url.clone())
    }

    /// The page of Placet's web UI that shows one review (`/inbox/<messageId>`), for
    /// "Open in Placet". The web UI is served from the server's address in the standard
    /// deployment; where it lives elsewhere, build a `ServerUrl` for that address.
    pub fn review_page(&self, message_id: &str) -> url::Url {
        self.page(&["inbox", message_id])
    }

    /// Where "Open in Placet" goes for a message: its review's page when it has a
    /// review, otherwise its agent's conversation.
    pub fn message_page(&self, message: &crate::protocol::Message) -> url::Url {
        if message.review.is_some() {
            self.review_page(&message.id)
        } else {
            self.agent_page(&message.channel_id)
        }
    }

    /// The page of Placet's web UI with one agent's conversation (`/chats/<agentId>`).
    pub fn agent_page(&self, agent_id: &str) -> url::Url {
        self.page(&["chats", agent_id])
    }

    fn page(&self, segments: &[&str]) -> url::Url {
        let mut url = self.url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            // The base ends with '/', which leaves an empty last segment.
            path.pop_if_empty();
            // Each segment is percent-encoded, so an odd id cannot change the path.
            path.extend(segments);
        }
        url
    }
}

/// True when `url`'s host is this machine: 127.0.0.0/8, ::1 (also IPv4-mapped), or
/// `localhost`.
pub(crate) fn is_loopback_url(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => is_loopback_v6(ip),
        Some(url::Host::Domain(d)) => d.trim_end_matches('.').eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn is_loopback_v6(ip: Ipv6Addr) -> bool {
    ip.is_loopback()
        || ip
            .to_ipv4_mapped()
            .is_some_and(|v4| IpAddr::V4(v4).is_loopback())
}

impl std::fmt::Display for ServerUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_url_normalises_and_refuses_bad_input() {
        let u = ServerUrl::parse("https://placet.example/base").unwrap();
        assert_eq!(u.as_str(), "https://placet.example/base/");
        assert_eq!(
            u.join("api/auth/me").as_str(),
            "https://placet.example/base/api/auth/me"
        );
        assert_eq!(
            ServerUrl::parse("ftp://x").unwrap_err(),
            ServerUrlError::Scheme
        );
        assert!(matches!(
            ServerUrl::parse("not a url"),
            Err(ServerUrlError::Invalid(_))
        ));
        assert_eq!(
            ServerUrl::parse("https://u:p@x/").unwrap_err(),
            ServerUrlError::Credentials
        );
        assert_eq!(
            ServerUrl::parse("https://x/?a=1").unwrap_err(),
            ServerUrlError::Extra
        );
    }

    #[test]
    fn plain_http_only_to_this_machine_unless_allowed() {
        for local in [
            "http://127.0.0.1:3001",
            "http://127.8.9.10/",
            "http://[::1]:3001",
            "http://[::ffff:127.0.0.1]/",
            "http://localhost:3001",
            "http://LOCALHOST./",
        ] {
            let u = ServerUrl::parse(local).unwrap_or_else(|e| panic!("{local}: {e}"));
            assert!(u.is_loopback(), "{local} is loopback");
        }
        for remote in [
            "http://placet.example",
            "http://10.0.0.2:3001",
            "http://localhost.example/",
            "http://[::2]/",
            "http://128.0.0.1/",
        ] {
            let err = ServerUrl::parse(remote).expect_err(remote);
            assert!(
                err.to_string()
                    .contains("the password and session would travel unencrypted"),
                "{remote}: {err}"
            );
        }
        let allowed = ServerUrl::parse_allowing_insecure_http("http://placet.lan:3001").unwrap();
        assert!(allowed.insecure_http_allowed());
        assert!(allowed.check_transport().is_ok(), "explicitly allowed");
        assert_eq!(
            ServerUrl::parse_allowing_insecure_http("http://127.0.0.1/").unwrap(),
            ServerUrl::parse("http://127.0.0.1/").unwrap(),
            "equality ignores the allowance"
        );
        assert!(ServerUrl::parse("https://placet.example").is_ok());
    }

    #[test]
    fn web_pages_of_a_review_and_an_agent() {
        let u = ServerUrl::parse("https://placet.example/sub").unwrap();
        assert_eq!(
            u.review_page("cm1abc").as_str(),
            "https://placet.example/sub/inbox/cm1abc"
        );
        assert_eq!(
            u.agent_page("a/../b").as_str(),
            "https://placet.example/sub/chats/a%2F..%2Fb",
            "an odd id stays one segment"
        );
        let message = |review: serde_json::Value| -> crate::protocol::Message {
            serde_json::from_value(serde_json::json!({
                "id": "m1", "channelId": "a1", "review": review,
                "createdAt": "2026-01-01T10:00:00.000Z"
            }))
            .unwrap()
        };
        assert_eq!(
            u.message_page(&message(
                serde_json::json!({"type": "approval", "status": "pending"})
            ))
            .as_str(),
            "https://placet.example/sub/inbox/m1"
        );
        assert_eq!(
            u.message_page(&message(serde_json::Value::Null)).as_str(),
            "https://placet.example/sub/chats/a1"
        );
    }
}
