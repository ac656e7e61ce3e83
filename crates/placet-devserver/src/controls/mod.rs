//! Fault injection and observation for tests: kick sockets, refuse handshakes, lose a
//! reply, invalidate tokens, run the jobs now, and the logs of every request and every
//! respond request.
//!
//! [`Controls`] is the in-process API; `http` exposes the same operations over loopback
//! HTTP (`/__dev/*`) for out-of-process tests.

mod http;

use std::sync::Arc;
use std::time::Duration;

pub(crate) use self::http::{routes as http_routes, Restart};
use crate::state::controls::{ConnectedSocket, RecordedRequest, RecordedRespond};
use crate::state::App;

/// Test controls of a running [`DevServer`](crate::DevServer). Cheap to clone.
#[derive(Clone)]
pub struct Controls {
    app: Arc<App>,
}

impl std::fmt::Debug for Controls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Controls").finish_non_exhaustive()
    }
}

impl Controls {
    pub(crate) fn new(app: Arc<App>) -> Self {
        Self { app }
    }

    /// Disconnects every socket from the server side; clients see
    /// `"io server disconnect"` (and Socket.IO clients do not reconnect by themselves).
    pub async fn kick_all(&self) {
        self.app.events.disconnect_all().await;
    }

    /// For `duration`, every new Engine.IO/Socket.IO handshake is answered with HTTP 503
    /// before Socket.IO sees it. Established sockets are left alone.
    pub fn refuse_handshakes(&self, duration: Duration) {
        self.app.controls.refuse_handshakes(duration);
    }

    /// Ends the refusal started by [`refuse_handshakes`](Self::refuse_handshakes) early.
    pub fn accept_handshakes(&self) {
        self.app.controls.refuse_handshakes(Duration::ZERO);
    }

    /// The next `POST /api/messages/:id/respond` is processed normally (the review is
    /// updated, `review:responded` is emitted) but its connection is closed without any
    /// reply, so the client sees a transport error at once.
    pub fn drop_next_respond_reply(&self) {
        self.app.controls.arm_drop_respond_reply();
    }

    /// The next `POST /api/messages` (a person's chat message) is processed normally
    /// (the message is stored and `message:created` emitted) but its connection is
    /// closed without any reply.
    pub fn drop_next_message_reply(&self) {
        self.app.controls.arm_drop_message_reply();
    }

    /// Invalidates every JWT issued so far (access tokens and ws-tickets) by rotating the
    /// signing secret; `ws-ticket` then answers 401 to old tokens.
    pub fn invalidate_tokens(&self) {
        self.app.tokens.rotate();
    }

    /// Every respond request received so far, oldest first.
    pub fn responses(&self) -> Vec<RecordedRespond> {
        self.app.controls.responses().clone()
    }

    /// The respond requests received for one message.
    pub fn responses_for(&self, message_id: &str) -> Vec<RecordedRespond> {
        self.responses()
            .into_iter()
            .filter(|r| r.message_id == message_id)
            .collect()
    }

    /// Forgets the recorded respond requests.
    pub fn clear_responses(&self) {
        self.app.controls.responses().clear();
    }

    /// The sockets connected right now, with their rooms; empty while stopped. Lets a
    /// test wait until a client's `subscribe:channel` took effect (the event has no ack).
    pub fn sockets(&self) -> Vec<ConnectedSocket> {
        self.app
            .events
            .current()
            .map(|io| crate::socket::connected_sockets(&io))
            .unwrap_or_default()
    }

    /// Runs the review-expiry job now instead of waiting for its next tick; returns the
    /// ids of the reviews it expired.
    pub async fn expire_overdue_reviews(&self) -> Vec<String> {
        crate::service::expiry::sweep(&self.app).await
    }

    /// Runs the stale-stream job now: drafts still `streaming` and not updated for
    /// `stale_stream_after` are aborted, each with `message:updated` to its channel room.
    /// Returns their message ids.
    pub async fn abort_stale_streams(&self) -> Vec<String> {
        crate::service::streams::abort_stale(&self.app, self.app.options.stale_stream_after).await
    }

    /// Every HTTP request the backend received so far (up to the last 100 000), oldest
    /// first, with the status it got. Counts exactly what a client spent: filter on
    /// [`RecordedRequest::route`] to see the budget of each rate-limited route. In the
    /// split layout the web listener's pages are not logged; what it forwards to the
    /// backend is.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.app.controls.requests().iter().cloned().collect()
    }

    /// The request log so far, emptying it.
    pub fn take_requests(&self) -> Vec<RecordedRequest> {
        self.app.controls.requests().drain(..).collect()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.app.controls.requests().clear();
    }

    /// Forgets every rate-limit count and block, as a restart of the real server does.
    pub fn reset_rate_limit(&self) {
        if let Some(throttle) = &self.app.throttle {
            throttle.reset();
        }
    }

    /// Stores a file in a channel as an orphan attachment, as `POST /api/files/store`
    /// and the agent API's `/api/v1/files/store` do, and returns its id: link it with
    /// `attachmentIds` or name it in `modifiedFileIds`. Any bytes (empty ones included)
    /// and any file name.
    pub fn store_file(
        &self,
        channel_id: &str,
        filename: &str,
        mime_type: &str,
        content: &[u8],
    ) -> Result<String, crate::store::StoreError> {
        crate::service::files::store_file(&self.app, channel_id, filename, mime_type, content)
            .map(|row| row.id)
    }
}
