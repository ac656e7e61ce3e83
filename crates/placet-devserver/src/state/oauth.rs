//! Pending OAuth flows relayed through the server (`OAuthRelayService`,
//! apps/backend/src/modules/oauth-relay/oauth-relay.service.ts): an agent's
//! `oauth:start` with an `authUrl` registers its `state`, and the provider's redirect to
//! the callback route consumes it. Kept in memory, as upstream does.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// A flow is forgotten this long after it started (`STATE_TTL_MS`).
const STATE_TTL: Duration = Duration::from_secs(10 * 60);

/// The channel and provider a `state` was registered for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OAuthFlow {
    pub(crate) channel_id: String,
    pub(crate) provider: String,
}

/// Pending flows by `state`.
#[derive(Debug, Default)]
pub(crate) struct OAuthRelay {
    pending: Mutex<HashMap<String, (OAuthFlow, Instant)>>,
}

impl OAuthRelay {
    /// Registers a flow, replacing one with the same `state`; expired flows are swept
    /// out on the way (upstream's periodic `cleanup`).
    pub(crate) fn register(&self, state: &str, flow: OAuthFlow) {
        let now = Instant::now();
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending.retain(|_, (_, at)| now.duration_since(*at) <= STATE_TTL);
        pending.insert(state.to_owned(), (flow, now));
    }

    /// Takes the flow of `state`: `None` when unknown, and when expired (it is removed
    /// either way).
    pub(crate) fn consume(&self, state: &str) -> Option<OAuthFlow> {
        let (flow, at) = self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(state)?;
        (at.elapsed() <= STATE_TTL).then_some(flow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_is_consumed_once() {
        let relay = OAuthRelay::default();
        let flow = OAuthFlow {
            channel_id: "c".into(),
            provider: "github".into(),
        };
        relay.register("s", flow.clone());
        assert_eq!(relay.consume("s"), Some(flow));
        assert_eq!(relay.consume("s"), None, "consumed");
        assert_eq!(relay.consume("other"), None, "unknown");
    }
}
