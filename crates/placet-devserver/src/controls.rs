//! Fault injection and observation for tests: kick sockets, refuse handshakes, lose a
//! reply, invalidate tokens, run the jobs now, and the logs of every request and every
//! respond request.
//!
//! [`Controls`] is the in-process API; `routes::dev` exposes the same operations over
//! loopback HTTP for out-of-process tests.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::http::StatusCode;
use serde::Serialize;
use serde_json::Value;
use tokio::time::Instant;

use crate::state::App;

/// One `POST /api/messages/:id/respond` request as the server saw it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedRespond {
    /// The `:id` of the route.
    pub message_id: String,
    /// The request body as received: parsed JSON, `Value::String` of the raw text when it
    /// was not JSON, `Value::Null` when empty.
    pub body: Value,
    /// The status code the server produced (also when the reply was then dropped).
    #[serde(serialize_with = "serialize_status")]
    pub status: StatusCode,
    /// Whether the reply was dropped by [`Controls::drop_next_respond_reply`].
    pub reply_dropped: bool,
}

fn serialize_status<S: serde::Serializer>(s: &StatusCode, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_u16(s.as_u16())
}

/// One HTTP request the server received, as it answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path without the query string.
    pub path: String,
    /// The status code sent (101 for a websocket upgrade).
    #[serde(serialize_with = "serialize_status")]
    pub status: StatusCode,
    /// When the request arrived.
    #[serde(serialize_with = "serialize_time")]
    pub at: SystemTime,
    /// The API route it counted against under the real server's rate limit, which keeps
    /// one budget per route and client IP: `"POST /api/messages/{id}/respond"`. `None`
    /// for requests no limit applies to (Socket.IO, unknown routes, `/__dev`, refused
    /// hosts).
    pub route: Option<String>,
}

fn serialize_time<S: serde::Serializer>(t: &SystemTime, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(&crate::util::iso(chrono::DateTime::<chrono::Utc>::from(*t)))
}

/// How many requests the log keeps; older ones are dropped first.
const REQUEST_LOG_CAPACITY: usize = 100_000;

/// A socket connected to `/ws`, as the server sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectedSocket {
    /// The Socket.IO socket id.
    pub id: String,
    /// The authenticated user (the API key's owner for API-key sockets).
    pub user_id: String,
    /// Whether it authenticated with `auth.apiKey` rather than a JWT.
    pub api_key: bool,
    /// Rooms joined (`user:<id>`, `channel:<id>`), sorted.
    pub rooms: Vec<String>,
}

/// Mutable test switches, shared by the routes and [`Controls`].
#[derive(Debug, Default)]
pub(crate) struct ControlState {
    refuse_until: Mutex<Option<Instant>>,
    drop_next_respond_reply: AtomicBool,
    responses: Mutex<Vec<RecordedRespond>>,
    requests: Mutex<VecDeque<RecordedRequest>>,
}

impl ControlState {
    /// Whether new Socket.IO handshakes are refused right now.
    pub(crate) fn refusing_handshakes(&self) -> bool {
        let mut until = self.refuse_until.lock().unwrap_or_else(|e| e.into_inner());
        match *until {
            Some(t) if Instant::now() < t => true,
            Some(_) => {
                *until = None;
                false
            }
            None => false,
        }
    }

    fn refuse_handshakes(&self, duration: Duration) {
        *self.refuse_until.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Instant::now() + duration);
    }

    /// Consumes the "drop the next respond reply" switch.
    pub(crate) fn take_drop_respond_reply(&self) -> bool {
        self.drop_next_respond_reply.swap(false, Ordering::SeqCst)
    }

    pub(crate) fn record_respond(&self, record: RecordedRespond) {
        self.responses
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(record);
    }

    pub(crate) fn record_request(&self, record: RecordedRequest) {
        let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        if requests.len() == REQUEST_LOG_CAPACITY {
            requests.pop_front();
        }
        requests.push_back(record);
    }

    fn requests(&self) -> std::sync::MutexGuard<'_, VecDeque<RecordedRequest>> {
        self.requests.lock().unwrap_or_else(|e| e.into_inner())
    }
}

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
        self.app
            .controls
            .drop_next_respond_reply
            .store(true, Ordering::SeqCst);
    }

    /// Invalidates every JWT issued so far (access tokens and ws-tickets) by rotating the
    /// signing secret; `ws-ticket` then answers 401 to old tokens.
    pub fn invalidate_tokens(&self) {
        self.app.tokens.rotate();
    }

    /// Every respond request received so far, oldest first.
    pub fn responses(&self) -> Vec<RecordedRespond> {
        self.app
            .controls
            .responses
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
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
        self.app
            .controls
            .responses
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
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
        crate::expiry::sweep(&self.app).await
    }

    /// Runs the stale-stream job now: drafts still `streaming` and not updated for
    /// `stale_stream_after` are aborted, each with `message:updated` to its channel room.
    /// Returns their message ids.
    pub async fn abort_stale_streams(&self) -> Vec<String> {
        crate::service::streams::abort_stale(&self.app, self.app.options.stale_stream_after).await
    }

    /// Every HTTP request received so far (up to the last 100 000), oldest first, with the
    /// status it got. Counts exactly what a client spent: filter on
    /// [`RecordedRequest::route`] to see the budget of each rate-limited route.
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

    /// Stores a file in a channel as an orphan attachment, like the agent API's
    /// `POST /api/v1/files/store`, and returns its id: link it with `attachmentIds`. Any
    /// bytes (empty ones included) and any file name.
    pub fn store_file(
        &self,
        channel_id: &str,
        filename: &str,
        mime_type: &str,
        content: &[u8],
    ) -> Result<String, crate::StoreError> {
        let id = crate::util::new_id();
        let row = crate::store::AttachmentRow {
            storage_key: format!("{channel_id}/{id}/{filename}"),
            id: id.clone(),
            message_id: None,
            channel_id: channel_id.to_owned(),
            plugin_type: "file".to_owned(),
            filename: filename.to_owned(),
            mime_type: mime_type.to_owned(),
            size: i64::try_from(content.len()).unwrap_or(i64::MAX),
            plugin_data: None,
            created_at: crate::util::now_iso(),
        };
        self.app.store.insert_attachment(&row, content)?;
        Ok(id)
    }
}
