//! Open OAuth prompts: an agent asked the person to sign in somewhere (`oauth:start`),
//! and the flow has not ended yet (`oauth:code`, `oauth:error`, or its time ran out).
//!
//! The links come from an agent, so they are vetted before they are offered: only
//! `https`, or `http` to this computer (a local provider or a tunnel), without a user
//! name in it. Anything else (`http` to another machine, `javascript:`, `file:`,
//! `https://github.com@evil.example/`) is kept as text the UI can show, flagged, never
//! offered as a link.

use std::collections::HashMap;

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use serde::Serialize;

use super::InboxChange;
use crate::protocol::{DeviceCode, OAuthStart, ServerEvent};
use crate::rest::is_loopback_url;

/// How long a flow with an `authUrl` stays open: the server's relay forgets its `state`
/// after ten minutes (`STATE_TTL_MS`), so a code can no longer arrive after that.
pub const AUTH_URL_FLOW_TTL: ChronoDuration = ChronoDuration::minutes(10);

/// The longest a device code is waited for, whatever the agent says.
const MAX_DEVICE_CODE_TTL: ChronoDuration = ChronoDuration::hours(24);

/// An open OAuth flow, as the person should see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthPrompt {
    /// The flow's id (the agent's `state`).
    pub state: String,
    /// The agent that asks.
    pub channel_id: String,
    /// Where to sign in, as the agent names it.
    pub provider: String,
    /// The provider's page to open: only when it is safe to open.
    pub auth_url: Option<String>,
    /// The device code to type, with its page: only when that page is safe to open.
    pub device_code: Option<DeviceCode>,
    /// Links the agent sent that are not offered because they are not safe to open
    /// (shown as text, so the person can see what was refused). Non-empty means the
    /// prompt is flagged unsafe.
    pub unsafe_links: Vec<String>,
    /// When the prompt arrived.
    pub started_at: DateTime<Utc>,
    /// When the flow can no longer complete: the device code's `expiresIn`, or ten
    /// minutes for an `authUrl` flow (the relay's memory), whichever is later.
    pub expires_at: DateTime<Utc>,
}

impl OAuthPrompt {
    /// Vets an `oauth:start` received at `now`.
    pub fn from_start(start: &OAuthStart, now: DateTime<Utc>) -> Self {
        let mut unsafe_links = Vec::new();
        let auth_url = start.auth_url.clone().and_then(|u| {
            if is_safe_link(&u) {
                Some(u)
            } else {
                unsafe_links.push(u);
                None
            }
        });
        let device_code = start.device_code.clone().and_then(|d| {
            if is_safe_link(&d.verification_uri) {
                Some(d)
            } else {
                unsafe_links.push(d.verification_uri);
                None
            }
        });
        let device_ttl = start
            .device_code
            .as_ref()
            .and_then(|d| d.expires_in)
            .map(|s| {
                let max = MAX_DEVICE_CODE_TTL.num_seconds();
                ChronoDuration::seconds(i64::try_from(s).unwrap_or(max).min(max))
            });
        let ttl = match (start.auth_url.is_some(), device_ttl) {
            (true, Some(d)) => d.max(AUTH_URL_FLOW_TTL),
            (false, Some(d)) => d,
            (_, None) => AUTH_URL_FLOW_TTL,
        };
        Self {
            state: start.state.clone(),
            channel_id: start.channel_id.clone(),
            provider: start.provider.clone(),
            auth_url,
            device_code,
            unsafe_links,
            started_at: now,
            expires_at: now + ttl,
        }
    }

    /// True when the agent sent a link that is not offered.
    pub fn is_unsafe(&self) -> bool {
        !self.unsafe_links.is_empty()
    }

    /// The page to open for the person, if any is safe: the authorization page, else
    /// the device code's page.
    pub fn link(&self) -> Option<&str> {
        self.auth_url.as_deref().or(self
            .device_code
            .as_ref()
            .map(|d| d.verification_uri.as_str()))
    }
}

/// How an OAuth flow ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum OAuthOutcome {
    /// The provider sent the person back with a code (relayed to the agent).
    Completed,
    /// The provider refused.
    Failed {
        error: String,
        description: Option<String>,
    },
    /// Its time ran out without an answer.
    Expired,
}

/// Applies an OAuth relay event to the open prompts (by `state`): a start opens one
/// (replaces it when it changed, extends it when repeated), a code or an error closes
/// it.
pub(super) fn on_event(
    prompts: &mut HashMap<String, OAuthPrompt>,
    event: &ServerEvent,
    now: DateTime<Utc>,
) -> Option<InboxChange> {
    let (state, outcome) = match event {
        ServerEvent::OAuthStart(start) => {
            let prompt = OAuthPrompt::from_start(start, now);
            if let Some(open) = prompts.get_mut(&prompt.state) {
                let unchanged = OAuthPrompt {
                    started_at: open.started_at,
                    expires_at: open.expires_at,
                    ..prompt.clone()
                };
                if *open == unchanged {
                    // The same flow again: the relay registers it anew, for longer.
                    open.expires_at = prompt.expires_at;
                    return None;
                }
            }
            prompts.insert(prompt.state.clone(), prompt.clone());
            return Some(InboxChange::OAuthStarted(prompt));
        }
        ServerEvent::OAuthCode { state, .. } => (state, OAuthOutcome::Completed),
        ServerEvent::OAuthError(e) => (
            &e.state,
            OAuthOutcome::Failed {
                error: e.error.clone(),
                description: e.error_description.clone(),
            },
        ),
        _ => return None,
    };
    prompts.remove(state).map(|_| InboxChange::OAuthEnded {
        state: state.clone(),
        outcome,
    })
}

/// `https` with a host, or `http` to this computer; never with a user name or password
/// (which makes `https://github.com@evil.example/` read as GitHub).
pub fn is_safe_link(raw: &str) -> bool {
    let Ok(url) = url::Url::parse(raw.trim()) else {
        return false;
    };
    if !url.username().is_empty() || url.password().is_some() || url.host().is_none() {
        return false;
    }
    match url.scheme() {
        "https" => true,
        "http" => is_loopback_url(&url),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(auth_url: Option<&str>, device: Option<(&str, Option<u64>)>) -> OAuthStart {
        OAuthStart {
            channel_id: "a1".into(),
            state: "s1".into(),
            provider: "github".into(),
            auth_url: auth_url.map(str::to_owned),
            device_code: device.map(|(uri, expires_in)| DeviceCode {
                verification_uri: uri.to_owned(),
                user_code: "ABCD-1234".into(),
                expires_in,
            }),
        }
    }

    /// Only https links, or http to this computer, without a user name, are safe.
    #[test]
    fn only_https_or_loopback_http_links_are_offered() {
        for ok in [
            "https://github.com/login/oauth/authorize?x=1",
            "http://127.0.0.1:8080/cb",
            "http://localhost/auth",
            "http://[::1]:9/",
        ] {
            assert!(is_safe_link(ok), "{ok}");
        }
        for bad in [
            "http://github.com/login",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "https://github.com@evil.example/",
            "https://user:pw@github.com/",
            "not a url",
            "data:text/html,hi",
        ] {
            assert!(!is_safe_link(bad), "{bad}");
        }
    }

    /// An unsafe link is not offered: kept as text, and the prompt flagged.
    #[test]
    fn an_unsafe_link_is_kept_as_text_and_flagged() {
        let now = Utc::now();
        let p = OAuthPrompt::from_start(&start(Some("http://github.example/auth"), None), now);
        assert_eq!(p.auth_url, None, "not offered");
        assert_eq!(p.link(), None);
        assert!(p.is_unsafe());
        assert_eq!(p.unsafe_links, ["http://github.example/auth"]);
        let safe = OAuthPrompt::from_start(&start(Some("https://github.com/auth"), None), now);
        assert_eq!(safe.link(), Some("https://github.com/auth"));
        assert!(!safe.is_unsafe());
    }

    /// A repeated start extends its prompt, a changed one replaces it, a code ends it once.
    #[test]
    fn a_repeated_start_extends_the_prompt_and_a_changed_one_replaces_it() {
        let mut prompts = HashMap::new();
        let t0 = Utc::now();
        let first = start(Some("https://x.example/a"), None);
        let opened = on_event(&mut prompts, &ServerEvent::OAuthStart(first.clone()), t0);
        assert!(matches!(opened, Some(InboxChange::OAuthStarted(_))));
        let later = t0 + ChronoDuration::minutes(5);
        let again = on_event(&mut prompts, &ServerEvent::OAuthStart(first), later);
        assert_eq!(again, None, "the same flow is not announced twice");
        assert_eq!(prompts["s1"].started_at, t0);
        assert_eq!(
            prompts["s1"].expires_at,
            later + AUTH_URL_FLOW_TTL,
            "extended"
        );
        let changed = start(Some("https://x.example/b"), None);
        let replaced = on_event(&mut prompts, &ServerEvent::OAuthStart(changed), later);
        assert!(
            matches!(&replaced, Some(InboxChange::OAuthStarted(p)) if p.link() == Some("https://x.example/b"))
        );
        let code = ServerEvent::OAuthCode {
            state: "s1".into(),
            provider: None,
        };
        assert_eq!(
            on_event(&mut prompts, &code, later),
            Some(InboxChange::OAuthEnded {
                state: "s1".into(),
                outcome: OAuthOutcome::Completed
            })
        );
        assert_eq!(on_event(&mut prompts, &code, later), None, "ended once");
    }

    /// A prompt ends with its device code's `expiresIn`, or the relay's ten minutes.
    #[test]
    fn expiry_follows_the_device_code_or_the_relay() {
        let now = Utc::now();
        let auth = OAuthPrompt::from_start(&start(Some("https://x.example/"), None), now);
        assert_eq!(
            auth.expires_at,
            now + AUTH_URL_FLOW_TTL,
            "the relay's 10 min"
        );
        let device = start(None, Some(("https://github.com/login/device", Some(900))));
        let device = OAuthPrompt::from_start(&device, now);
        assert_eq!(device.expires_at, now + ChronoDuration::seconds(900));
        assert_eq!(device.link(), Some("https://github.com/login/device"));
        let short = start(
            Some("https://x.example/"),
            Some(("https://x.example/d", Some(60))),
        );
        assert_eq!(
            OAuthPrompt::from_start(&short, now).expires_at,
            now + AUTH_URL_FLOW_TTL,
            "the code may still come through the relay"
        );
        let forever = start(None, Some(("https://x.example/d", Some(u64::MAX))));
        assert_eq!(
            OAuthPrompt::from_start(&forever, now).expires_at,
            now + MAX_DEVICE_CODE_TTL
        );
    }
}
