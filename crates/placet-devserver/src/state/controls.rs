//! The mutable test switches and logs shared by the routes and [`Controls`](crate::Controls),
//! and the records they keep.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use axum::http::StatusCode;
use serde::Serialize;
use serde_json::Value;
use tokio::time::Instant;

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
    /// Whether the reply was dropped by [`Controls::drop_next_respond_reply`](crate::Controls::drop_next_respond_reply).
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
    drop_next_message_reply: AtomicBool,
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

    /// Refuses new handshakes for `duration` (zero ends a refusal).
    pub(crate) fn refuse_handshakes(&self, duration: Duration) {
        *self.refuse_until.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Instant::now() + duration);
    }

    /// Arms the "drop the next respond reply" switch.
    pub(crate) fn arm_drop_respond_reply(&self) {
        self.drop_next_respond_reply.store(true, Ordering::SeqCst);
    }

    /// Consumes the "drop the next respond reply" switch.
    pub(crate) fn take_drop_respond_reply(&self) -> bool {
        self.drop_next_respond_reply.swap(false, Ordering::SeqCst)
    }

    /// Arms the "drop the next `POST /api/messages` reply" switch.
    pub(crate) fn arm_drop_message_reply(&self) {
        self.drop_next_message_reply.store(true, Ordering::SeqCst);
    }

    /// Consumes the "drop the next `POST /api/messages` reply" switch.
    pub(crate) fn take_drop_message_reply(&self) -> bool {
        self.drop_next_message_reply.swap(false, Ordering::SeqCst)
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

    /// The respond requests recorded so far.
    pub(crate) fn responses(&self) -> std::sync::MutexGuard<'_, Vec<RecordedRespond>> {
        self.responses.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The request log.
    pub(crate) fn requests(&self) -> std::sync::MutexGuard<'_, VecDeque<RecordedRequest>> {
        self.requests.lock().unwrap_or_else(|e| e.into_inner())
    }
}
