//! State shared by every request, socket and background job, and kept across
//! `stop`/`restart` (only the listener and the Socket.IO instance are rebuilt).

use std::sync::{Arc, OnceLock, Weak};

use tokio::sync::watch;

use crate::auth::TokenSigner;
use crate::controls::ControlState;
use crate::events::Events;
use crate::lifecycle::Lifecycle;
use crate::seed::Seed;
use crate::store::Store;
use crate::throttle::Throttler;

/// The server's shared state.
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) store: Store,
    pub(crate) tokens: TokenSigner,
    pub(crate) events: Events,
    pub(crate) controls: ControlState,
    pub(crate) throttle: Option<Throttler>,
    pub(crate) seed: Seed,
    /// Bumped whenever a review changes, so long polls wake at once instead of waiting
    /// for their 2 s re-check.
    reviews_changed: watch::Sender<u64>,
    /// The start/stop machinery, for the HTTP restart control. Weak: the lifecycle owns
    /// this state, not the other way round.
    lifecycle: OnceLock<Weak<Lifecycle>>,
}

impl App {
    pub(crate) fn new(
        store: Store,
        tokens: TokenSigner,
        throttle: Option<Throttler>,
        seed: Seed,
    ) -> Self {
        Self {
            store,
            tokens,
            events: Events::default(),
            controls: ControlState::default(),
            throttle,
            seed,
            reviews_changed: watch::Sender::new(0),
            lifecycle: OnceLock::new(),
        }
    }

    /// Wakes every long poll.
    pub(crate) fn notify_review_changed(&self) {
        self.reviews_changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver that sees the next [`notify_review_changed`](Self::notify_review_changed).
    pub(crate) fn review_changes(&self) -> watch::Receiver<u64> {
        self.reviews_changed.subscribe()
    }

    pub(crate) fn set_lifecycle(&self, lifecycle: &Arc<Lifecycle>) {
        let _ = self.lifecycle.set(Arc::downgrade(lifecycle));
    }

    /// The lifecycle, while the server handle exists.
    pub(crate) fn lifecycle(&self) -> Option<Arc<Lifecycle>> {
        self.lifecycle.get().and_then(Weak::upgrade)
    }
}
