//! State shared by every request, socket and background job, and kept across
//! `stop`/`restart` (only the listeners and the Socket.IO instance are rebuilt).

pub(crate) mod controls;
pub(crate) mod events;
pub(crate) mod oauth;
pub(crate) mod throttle;

use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::sync::watch;

use crate::config::Webhooks;
use crate::credentials::TokenSigner;
use crate::store::seed::Seed;
use crate::store::Store;
use controls::ControlState;
use events::Events;
use oauth::OAuthRelay;
use throttle::Throttler;

/// The settings of [`DevServerConfig`](crate::DevServerConfig) that requests and jobs
/// consult.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) dev_routes: bool,
    pub(crate) allow_remote_hosts: bool,
    pub(crate) webhooks: Webhooks,
    pub(crate) stale_stream_after: Duration,
}

/// The server's shared state.
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) store: Store,
    pub(crate) tokens: TokenSigner,
    pub(crate) events: Events,
    pub(crate) controls: ControlState,
    pub(crate) throttle: Option<Throttler>,
    /// OAuth flows waiting for the provider's redirect.
    pub(crate) oauth: OAuthRelay,
    pub(crate) seed: Seed,
    pub(crate) options: Options,
    /// For webhooks; never through a proxy, whatever the environment says.
    pub(crate) http: reqwest::Client,
    /// Itself, for work that outlives a request (webhooks sent after the reply).
    this: Weak<App>,
    /// Bumped whenever a review changes, so long polls wake at once instead of waiting
    /// for their 2 s re-check.
    reviews_changed: watch::Sender<u64>,
}

impl App {
    /// The state, built inside `Arc::new_cyclic` so it can hand out owned handles.
    pub(crate) fn new(
        this: Weak<App>,
        store: Store,
        tokens: TokenSigner,
        throttle: Option<Throttler>,
        seed: Seed,
        options: Options,
    ) -> Self {
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap_or_default();
        Self {
            store,
            tokens,
            events: Events::default(),
            controls: ControlState::default(),
            throttle,
            oauth: OAuthRelay::default(),
            seed,
            options,
            http,
            this,
            reviews_changed: watch::Sender::new(0),
        }
    }

    /// An owned handle, while the server exists.
    pub(crate) fn handle(&self) -> Option<Arc<App>> {
        self.this.upgrade()
    }

    /// Wakes every long poll.
    pub(crate) fn notify_review_changed(&self) {
        self.reviews_changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver that sees the next [`notify_review_changed`](Self::notify_review_changed).
    pub(crate) fn review_changes(&self) -> watch::Receiver<u64> {
        self.reviews_changed.subscribe()
    }
}
