//! A recording Socket.IO test client.

use std::sync::{Arc, Mutex};

use futures_util::FutureExt;
use placet_devserver::DevServer;
use rust_socketio::asynchronous::{Client, ClientBuilder};
use rust_socketio::{Event, Payload, TransportType};
use serde_json::{json, Value};
use tokio::sync::watch;

use super::{eventually, Api, EVENT_TIMEOUT};

/// Everything a test socket received, in order, including the pseudo-events
/// `connect`, `error` and `close`.
#[derive(Default)]
struct EventLog {
    events: Mutex<Vec<(String, Value)>>,
    changed: Option<watch::Sender<usize>>,
}

impl EventLog {
    fn push(&self, name: String, payload: Value) {
        let len = {
            let mut events = self.events.lock().unwrap();
            events.push((name, payload));
            events.len()
        };
        if let Some(tx) = &self.changed {
            tx.send_replace(len);
        }
    }
}

/// A rust_socketio client (websocket only, no automatic reconnect) recording events.
pub struct TestSocket {
    client: Client,
    log: Arc<EventLog>,
    changes: watch::Receiver<usize>,
}

fn first_value(payload: Payload) -> Value {
    match payload {
        Payload::Text(mut values) if !values.is_empty() => values.swap_remove(0),
        #[allow(deprecated)]
        Payload::String(s) => serde_json::from_str(&s).unwrap_or(Value::String(s)),
        _ => Value::Null,
    }
}

impl TestSocket {
    /// Connects to `/ws` with this handshake `auth`. `Ok` once the namespace CONNECT
    /// arrived; `Err(text)` with the client's error text on `connect_error` or when the
    /// HTTP handshake fails.
    pub async fn connect(base_url: &str, auth: Value) -> Result<TestSocket, String> {
        let (tx, changes) = watch::channel(0);
        let log = Arc::new(EventLog {
            events: Mutex::default(),
            changed: Some(tx),
        });
        let record = |name: &'static str, log: Arc<EventLog>| {
            move |payload: Payload, _: Client| {
                let log = log.clone();
                async move { log.push(name.to_owned(), first_value(payload)) }.boxed()
            }
        };
        let any_log = log.clone();
        let client = ClientBuilder::new(base_url)
            .namespace("/ws")
            .auth(auth)
            .transport_type(TransportType::Websocket)
            .reconnect(false)
            .on(Event::Connect, record("connect", log.clone()))
            .on(Event::Error, record("error", log.clone()))
            .on(Event::Close, record("close", log.clone()))
            .on_any(move |event, payload, _| {
                let log = any_log.clone();
                async move {
                    let value = first_value(payload);
                    // rust_socketio 0.6 reads an event without arguments, `["pong"]`, as a
                    // "message" event whose payload is the event name.
                    if event == Event::Message && value == "pong" {
                        log.push("pong".to_owned(), Value::Null);
                    } else {
                        log.push(event.to_string(), value);
                    }
                }
                .boxed()
            })
            .connect()
            .await
            .map_err(|e| format!("handshake failed: {e}"))?;
        let socket = TestSocket {
            client,
            log,
            changes,
        };
        let outcome = socket
            .wait_until(|events| {
                events
                    .iter()
                    .find_map(|(name, payload)| match name.as_str() {
                        "connect" => Some(Ok(())),
                        "error" => Some(Err(payload.to_string())),
                        _ => None,
                    })
            })
            .await;
        match outcome {
            Some(Ok(())) => Ok(socket),
            Some(Err(e)) => {
                let _ = socket.client.disconnect().await;
                Err(e)
            }
            None => Err("no connect or connect_error within the timeout".to_owned()),
        }
    }

    /// Connects with a fresh ws-ticket of this JWT, panicking on failure.
    pub async fn with_jwt(api: &Api, jwt: &str) -> TestSocket {
        let ticket = api.ticket(jwt).await;
        Self::connect(&api.base, json!({ "token": ticket }))
            .await
            .expect("socket connects with a ticket")
    }

    /// Connects with an API key, panicking on failure.
    pub async fn with_api_key(api: &Api, key: &str) -> TestSocket {
        Self::connect(&api.base, json!({ "apiKey": key }))
            .await
            .expect("socket connects with an API key")
    }

    /// Runs `check` on the log whenever it changes, up to `EVENT_TIMEOUT`.
    async fn wait_until<T>(&self, check: impl Fn(&[(String, Value)]) -> Option<T>) -> Option<T> {
        let mut changes = self.changes.clone();
        let deadline = tokio::time::Instant::now() + EVENT_TIMEOUT;
        loop {
            changes.borrow_and_update();
            if let Some(found) = check(&self.log.events.lock().unwrap()) {
                return Some(found);
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => {}
                _ => return None,
            }
        }
    }

    /// Waits for an `event` whose payload satisfies `pred`; panics after the timeout.
    pub async fn expect(&self, event: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.wait_until(|events| {
            events
                .iter()
                .find(|(name, payload)| name == event && pred(payload))
                .map(|(_, payload)| payload.clone())
        })
        .await
        .unwrap_or_else(|| {
            panic!(
                "no {event:?} event within {EVENT_TIMEOUT:?}; got {:?}",
                self.names()
            )
        })
    }

    /// Waits for any of `events`; returns which arrived first, or `None` on timeout.
    pub async fn wait_for_any(&self, events: &[&str]) -> Option<String> {
        self.wait_until(|log| {
            log.iter()
                .find(|(name, _)| events.contains(&name.as_str()))
                .map(|(name, _)| name.clone())
        })
        .await
    }

    /// Payloads of every `event` received so far that satisfy `pred`.
    pub fn received(&self, event: &str, pred: impl Fn(&Value) -> bool) -> Vec<Value> {
        self.log
            .events
            .lock()
            .unwrap()
            .iter()
            .filter(|(name, payload)| name == event && pred(payload))
            .map(|(_, payload)| payload.clone())
            .collect()
    }

    /// Names of the events received so far (for assertion messages).
    pub fn names(&self) -> Vec<String> {
        self.log
            .events
            .lock()
            .unwrap()
            .iter()
            .map(|(name, _)| name.clone())
            .collect()
    }

    pub async fn emit(&self, event: &str, data: Value) {
        self.client
            .emit(event, data)
            .await
            .expect("emit on a connected socket");
    }

    /// Sends `ping` and waits for the matching `pong`. The server writes to one socket in
    /// order, so any event it sent this socket before handling the ping has arrived
    /// once this returns.
    pub async fn fence(&self) {
        let before = self.received("pong", |_| true).len();
        self.emit("ping", Value::Null).await;
        self.wait_until(|events| {
            (events.iter().filter(|(name, _)| name == "pong").count() > before).then_some(())
        })
        .await
        .expect("pong after ping");
    }

    pub async fn disconnect(self) {
        let _ = self.client.disconnect().await;
    }
}

/// Waits until the server shows a socket of `user_id` in `room` (subscribe has no ack).
pub async fn joined(server: &DevServer, user_id: &str, room: &str) {
    eventually(&format!("{user_id} to join {room}"), || async {
        server
            .controls()
            .sockets()
            .iter()
            .any(|s| s.user_id == user_id && s.rooms.iter().any(|r| r == room))
            .then_some(())
    })
    .await;
}
